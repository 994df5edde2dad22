"""Counting consecutive pairs: the statistic that byte-pair encoding merges by.

    get_stats([1, 2, 3, 1, 2])          # {(1, 2): 2, (2, 3): 1, (3, 1): 1}
    counts = {}
    get_stats([1, 2], counts)           # counts == {(1, 2): 1}: the dict given is updated and returned
"""


def get_stats(ids: list[int], counts: dict | None = None) -> dict[tuple[int, int], int]:
    """How often each pair of consecutive ids occurs, in the order the pairs are first seen.
    With `counts`, add to that dict (so the counts of several chunks can be summed) and return it."""
    # TODO: start from counts (a new dict if None); add 1 for every consecutive pair (ids[i], ids[i+1]); return the dict
    raise NotImplementedError('tokenizer/stats: start from counts (a new dict if None); add 1 for every consecutive pair (ids[i], ids[i+1]); return the dict')
