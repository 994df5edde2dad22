"""Training, development and test splits: 80%, 10%, 10% of the words, shuffled with a seed."""
import random


def split_words(words: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Shuffle `words` in place after random.seed(42), as the lecture does, and return the
    three splits (train, dev, test): words[:n1], words[n1:n2] and words[n2:], with
    n1 = int(0.8*len(words)) and n2 = int(0.9*len(words)).

    The lecture builds Xtr, Ytr from the first split, Xdev, Ydev from the second and
    Xte, Yte from the third.
    """
    # TODO: seed with 42, shuffle the words, cut them at 80% and 90%
    raise NotImplementedError('mlp/split: seed with 42, shuffle the words, cut them at 80% and 90%')
