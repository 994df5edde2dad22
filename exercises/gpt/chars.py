"""The character-level tokenizer: every distinct character of the text is one token.

    chars, stoi, itos = build_vocab("hello")   # chars == ['e', 'h', 'l', 'o']
    encode("hell", stoi)                       # [1, 0, 2, 2]
    decode([1, 0, 2, 2], itos)                 # 'hell'
"""


def build_vocab(text: str) -> tuple[list[str], dict[str, int], dict[int, str]]:
    """The sorted list of the distinct characters of `text`, and the two lookup tables:
    stoi (string -> integer) and itos (integer -> string). The first character gets id 0."""
    # TODO: chars = the distinct characters of text, sorted; stoi and itos number them from 0
    raise NotImplementedError('gpt/chars: chars = the distinct characters of text, sorted; stoi and itos number them from 0')
    return chars, stoi, itos


def encode(s: str, stoi: dict[str, int]) -> list[int]:
    """encoder: take a string, output a list of integers"""
    # TODO: look every character of s up in stoi
    raise NotImplementedError('gpt/chars: look every character of s up in stoi')


def decode(l: list[int], itos: dict[int, str]) -> str:
    """decoder: take a list of integers, output a string"""
    # TODO: look every integer up in itos and join the characters into one string
    raise NotImplementedError('gpt/chars: look every integer up in itos and join the characters into one string')
