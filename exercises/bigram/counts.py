"""The bigram counts: how often each character follows each other one."""
import torch


def count_bigrams(words: list[str], stoi: dict[str, int]) -> torch.Tensor:
    """Return N, a 27x27 torch.int32 tensor: N[ix1, ix2] counts how often the character
    itos[ix2] follows itos[ix1] in `words`.

    Every word is wrapped in '.' tokens first, so "emma" gives the bigrams
    ('.', 'e'), ('e', 'm'), ('m', 'm'), ('m', 'a'), ('a', '.'): row 0 counts how words
    start, column 0 how they end.
    """
    # TODO: N starts as 27x27 int32 zeros; add 1 at N[ix1, ix2] for every bigram of every word, with the '.' boundaries
    raise NotImplementedError("bigram/counts: N starts as 27x27 int32 zeros; add 1 at N[ix1, ix2] for every bigram of every word, with the '.' boundaries")
    return N
