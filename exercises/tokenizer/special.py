"""Special tokens: strings such as '<|endoftext|>' that bypass BPE and map straight to one id.

    special_tokens = {'<|endoftext|>': 100257}
    encode("hi<|endoftext|>", merges, special_tokens, allowed_special="all")   # [..., 100257]
    encode("hi<|endoftext|>", merges, special_tokens, allowed_special="none")  # '<|endoftext|>' as plain text
    encode("hi<|endoftext|>", merges, special_tokens)                          # raises: "none_raise" is the default
    decode(ids, vocab, special_tokens)

allowed_special says which special tokens the text may contain:
    "all"         every special token is encoded as its id
    "none"        none is: they are encoded as ordinary text
    "none_raise"  none is, and it is an error if the text contains one (the safe default)
    a set         only the special tokens in the set are encoded as their ids
"""
import re

from split import GPT4_SPLIT_PATTERN, encode_ordinary


def encode(text: str, merges: dict, special_tokens: dict[str, int], allowed_special="none_raise",
           pattern: str = GPT4_SPLIT_PATTERN) -> list[int]:
    # TODO: pick the special tokens allowed (raise ValueError for "none_raise" when one occurs in text); with none, encode_ordinary; else re.split on them (a capturing group keeps them), and encode each part
    raise NotImplementedError('tokenizer/special: pick the special tokens allowed (raise ValueError for "none_raise" when one occurs in text); with none, encode_ordinary; else re.split on them (a capturing group keeps them), and encode each part')


def decode(ids: list[int], vocab: dict[int, bytes], special_tokens: dict[str, int]) -> str:
    """Like decode.py, where an id may also be a special token's (its string, UTF-8 encoded)."""
    # TODO: bytes of each id from vocab, or from the special token it stands for; join; decode with errors="replace"
    raise NotImplementedError('tokenizer/special: bytes of each id from vocab, or from the special token it stands for; join; decode with errors="replace"')
