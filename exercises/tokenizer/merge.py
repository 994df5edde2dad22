"""Replacing a pair: the step byte-pair encoding repeats.

    merge([5, 6, 6, 7, 9, 1], (6, 7), 99)   # [5, 6, 99, 9, 1]
    merge([97, 97, 97], (97, 97), 256)      # [256, 97]: occurrences are taken left to right
"""


def merge(ids: list[int], pair: tuple[int, int], idx: int) -> list[int]:
    """A new list in which every occurrence of `pair` in `ids` is replaced by the single id `idx`,
    scanning from left to right (so in an overlapping run the leftmost occurrence wins)."""
    # TODO: walk i over ids: at a match of pair at i append idx and skip two, else append ids[i] and skip one
    raise NotImplementedError('tokenizer/merge: walk i over ids: at a match of pair at i append idx and skip two, else append ids[i] and skip one')
