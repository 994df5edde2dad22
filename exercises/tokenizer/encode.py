"""Encoding with trained merges: the text's UTF-8 bytes, then the merges applied by rank.

    merges = {(97, 97): 256, (256, 97): 257, (257, 98): 258}
    encode("aaabdaaabac", merges)    # [258, 100, 258, 97, 99]
"""
from merge import merge
from stats import get_stats


def encode(text: str, merges: dict[tuple[int, int], int]) -> list[int]:
    """Apply the merges in the order they were learned: at every step, among the pairs present,
    merge the one with the LOWEST merge id; stop when no pair present has a merge."""
    tokens = list(text.encode("utf-8"))
    # TODO: while at least 2 tokens: the pair with the lowest merges id (min over get_stats with merges.get(p, inf)); stop if it has no merge; else merge it
    raise NotImplementedError('tokenizer/encode: while at least 2 tokens: the pair with the lowest merges id (min over get_stats with merges.get(p, inf)); stop if it has no merge; else merge it')
    return tokens
