"""The training set of the neural bigram, and the one-hot encoding of its inputs."""
import torch
import torch.nn.functional as F


def training_set(words: list[str], stoi: dict[str, int]) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (xs, ys): for every bigram (ch1, ch2) of every word, wrapped in '.' tokens,
    xs gets stoi[ch1] (the input) and ys stoi[ch2] (the label). Both are int64 tensors:
    "emma" gives xs = [0, 5, 13, 13, 1] and ys = [5, 13, 13, 1, 0].
    """
    xs, ys = [], []
    # BEGIN SOLUTION: append ix1 to xs and ix2 to ys for every bigram, then turn both lists into integer tensors
    for w in words:
        chs = ['.'] + list(w) + ['.']
        for ch1, ch2 in zip(chs, chs[1:]):
            ix1 = stoi[ch1]
            ix2 = stoi[ch2]
            xs.append(ix1)
            ys.append(ix2)
    xs = torch.tensor(xs)
    ys = torch.tensor(ys)
    # END SOLUTION
    return xs, ys


def encode(xs: torch.Tensor) -> torch.Tensor:
    """Return xenc, the one-hot encoding of xs: a float32 tensor of shape (len(xs), 27)
    with a single 1.0 in each row, at column xs[i], ready to be multiplied with W."""
    # BEGIN SOLUTION: F.one_hot with 27 classes, as floats
    xenc = F.one_hot(xs, num_classes=27).float()
    # END SOLUTION
    return xenc
