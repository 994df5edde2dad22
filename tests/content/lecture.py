"""The makemore lectures' data, built the lectures' way, for the fidelity tests (parts 3-5).

Words shuffled with random.seed(42), cut 80/10/10, every word padded with block_size '.' tokens
(index 0) and ended with one; the letters numbered from 1 in sorted order.
"""
import functools
import random


@functools.lru_cache(maxsize=None)
def names_splits(path: str, block_size: int):
    """(itos, (Xtr, Ytr), (Xdev, Ydev), (Xte, Yte)) as int64 tensors."""
    import torch
    words = open(path, encoding="utf-8").read().splitlines()
    chars = sorted(set("".join(words)))
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi["."] = 0
    itos = {i: s for s, i in stoi.items()}

    def build(ws):
        X, Y = [], []
        for w in ws:
            context = [0] * block_size
            for ch in w + ".":
                X.append(context)
                Y.append(stoi[ch])
                context = context[1:] + [stoi[ch]]
        return torch.tensor(X), torch.tensor(Y)

    rng = random.Random(42)   # the same draws as random.seed(42); random.shuffle, without touching the global state
    words = list(words)
    rng.shuffle(words)
    n1, n2 = int(0.8 * len(words)), int(0.9 * len(words))
    return itos, build(words[:n1]), build(words[n1:n2]), build(words[n2:])
