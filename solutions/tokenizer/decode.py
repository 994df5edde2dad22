"""Decoding: token ids back to text.

    vocab = {idx: bytes([idx]) for idx in range(256)}
    decode(list("héllo".encode("utf-8")), vocab)    # 'héllo'
"""


def decode(ids: list[int], vocab: dict[int, bytes]) -> str:
    """Join the bytes of all the tokens, THEN decode them as UTF-8 (a character may span two
    tokens); bytes that are not valid UTF-8 become U+FFFD (errors="replace")."""
    # BEGIN SOLUTION: b"".join the vocab entries of the ids; .decode("utf-8", errors="replace")
    tokens = b"".join(vocab[idx] for idx in ids)
    text = tokens.decode("utf-8", errors="replace")
    return text
    # END SOLUTION
