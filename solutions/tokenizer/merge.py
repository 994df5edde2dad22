"""Replacing a pair: the step byte-pair encoding repeats.

    merge([5, 6, 6, 7, 9, 1], (6, 7), 99)   # [5, 6, 99, 9, 1]
    merge([97, 97, 97], (97, 97), 256)      # [256, 97]: occurrences are taken left to right
"""


def merge(ids: list[int], pair: tuple[int, int], idx: int) -> list[int]:
    """A new list in which every occurrence of `pair` in `ids` is replaced by the single id `idx`,
    scanning from left to right (so in an overlapping run the leftmost occurrence wins)."""
    # BEGIN SOLUTION: walk i over ids: at a match of pair at i append idx and skip two, else append ids[i] and skip one
    newids = []
    i = 0
    while i < len(ids):
        # not at the very last position AND the pair matches
        if i < len(ids) - 1 and ids[i] == pair[0] and ids[i + 1] == pair[1]:
            newids.append(idx)
            i += 2
        else:
            newids.append(ids[i])
            i += 1
    return newids
    # END SOLUTION
