"""The bigram counts: how often each character follows each other one."""
import torch


def count_bigrams(words: list[str], stoi: dict[str, int]) -> torch.Tensor:
    """Return N, a 27x27 torch.int32 tensor: N[ix1, ix2] counts how often the character
    itos[ix2] follows itos[ix1] in `words`.

    Every word is wrapped in '.' tokens first, so "emma" gives the bigrams
    ('.', 'e'), ('e', 'm'), ('m', 'm'), ('m', 'a'), ('a', '.'): row 0 counts how words
    start, column 0 how they end.
    """
    # BEGIN SOLUTION: N starts as 27x27 int32 zeros; add 1 at N[ix1, ix2] for every bigram of every word, with the '.' boundaries
    N = torch.zeros((27, 27), dtype=torch.int32)
    for w in words:
        chs = ['.'] + list(w) + ['.']
        for ch1, ch2 in zip(chs, chs[1:]):
            ix1 = stoi[ch1]
            ix2 = stoi[ch2]
            N[ix1, ix2] += 1
    # END SOLUTION
    return N
