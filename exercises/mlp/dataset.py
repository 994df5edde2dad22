"""The dataset: every character of every name, with the block_size characters before it."""
import torch


def build_dataset(words: list[str], block_size: int, stoi: dict[str, int]) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (X, Y): one row per character of every word, the '.' that ends it included.

    X[i] holds the indices of the block_size characters before it (the context, padded
    with '.' = 0 at the start of a word) and Y[i] the index of the character itself. Both
    are int64 tensors; X has shape (number of examples, block_size).

    With block_size = 3, "emma" gives five examples:
    ... -> e, ..e -> m, .em -> m, emm -> a, mma -> .
    """
    X, Y = [], []
    # TODO: for each word, a context of block_size zeros; for each character and the final '.', record (context, ix), then slide the context
    raise NotImplementedError("mlp/dataset: for each word, a context of block_size zeros; for each character and the final '.', record (context, ix), then slide the context")
    X = torch.tensor(X)
    Y = torch.tensor(Y)
    return X, Y
