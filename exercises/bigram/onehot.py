"""The training set of the neural bigram, and the one-hot encoding of its inputs."""
import torch
import torch.nn.functional as F


def training_set(words: list[str], stoi: dict[str, int]) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (xs, ys): for every bigram (ch1, ch2) of every word, wrapped in '.' tokens,
    xs gets stoi[ch1] (the input) and ys stoi[ch2] (the label). Both are int64 tensors:
    "emma" gives xs = [0, 5, 13, 13, 1] and ys = [5, 13, 13, 1, 0].
    """
    xs, ys = [], []
    # TODO: append ix1 to xs and ix2 to ys for every bigram, then turn both lists into integer tensors
    raise NotImplementedError('bigram/onehot: append ix1 to xs and ix2 to ys for every bigram, then turn both lists into integer tensors')
    return xs, ys


def encode(xs: torch.Tensor) -> torch.Tensor:
    """Return xenc, the one-hot encoding of xs: a float32 tensor of shape (len(xs), 27)
    with a single 1.0 in each row, at column xs[i], ready to be multiplied with W."""
    # TODO: F.one_hot with 27 classes, as floats
    raise NotImplementedError('bigram/onehot: F.one_hot with 27 classes, as floats')
    return xenc
