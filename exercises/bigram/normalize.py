"""From counts to probabilities: P[i] is the distribution of the character after itos[i]."""
import torch


def normalize(N: torch.Tensor, k: int = 1) -> torch.Tensor:
    """Return P, a float32 tensor the shape of N: the counts smoothed by k, with every
    row divided by its own sum, so that every row of P sums to 1.

    k ("model smoothing") is added to every count first, so no bigram has probability 0.
    N itself must not change.
    """
    # TODO: P = (N + k) as floats, then divide each row by its sum (mind the broadcasting)
    raise NotImplementedError('bigram/normalize: P = (N + k) as floats, then divide each row by its sum (mind the broadcasting)')
    return P
