"""Scale a list of numbers."""


def scale(xs: list[float], k: float) -> list[float]:
    """[1, 2] scaled by 3 -> [3, 6]"""
    # BEGIN SOLUTION: multiply every item by k
    return [k * x for x in xs]
    # END SOLUTION
