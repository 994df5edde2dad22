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
    # BEGIN SOLUTION: pick the special tokens allowed (raise ValueError for "none_raise" when one occurs in text); with none, encode_ordinary; else re.split on them (a capturing group keeps them), and encode each part
    if allowed_special == "all":
        special = special_tokens
    elif allowed_special == "none":
        special = {}
    elif allowed_special == "none_raise":
        special = {}
        for token in special_tokens:
            if token in text:
                raise ValueError(f"the text contains the special token {token!r}; pass allowed_special to encode it")
    elif isinstance(allowed_special, set):
        special = {k: v for k, v in special_tokens.items() if k in allowed_special}
    else:
        raise ValueError(f"allowed_special={allowed_special!r} is not understood")
    if not special:
        return encode_ordinary(text, merges, pattern)
    # the parentheses make re.split keep the special tokens it splits on
    special_pattern = "(" + "|".join(re.escape(k) for k in special) + ")"
    ids = []
    for part in re.split(special_pattern, text):
        if part in special:
            ids.append(special[part])  # a special token: its id, as is
        else:
            ids.extend(encode_ordinary(part, merges, pattern))
    return ids
    # END SOLUTION


def decode(ids: list[int], vocab: dict[int, bytes], special_tokens: dict[str, int]) -> str:
    """Like decode.py, where an id may also be a special token's (its string, UTF-8 encoded)."""
    # BEGIN SOLUTION: bytes of each id from vocab, or from the special token it stands for; join; decode with errors="replace"
    inverse_special = {v: k for k, v in special_tokens.items()}
    part_bytes = []
    for idx in ids:
        if idx in vocab:
            part_bytes.append(vocab[idx])
        elif idx in inverse_special:
            part_bytes.append(inverse_special[idx].encode("utf-8"))
        else:
            raise ValueError(f"invalid token id: {idx}")
    return b"".join(part_bytes).decode("utf-8", errors="replace")
    # END SOLUTION
