"""A calm start: the part-3 MLP initialized so that it neither guesses confidently wrong nor saturates.

The network is the one from part 2, with a BatchNorm layer after the hidden Linear layer:

    emb = C[Xb]                                   # (n, block_size, n_embd)
    embcat = emb.view(emb.shape[0], -1)           # (n, block_size * n_embd)
    hpreact = embcat @ W1                         # no b1: BatchNorm's bias does its job
    hpreact = bngain * (hpreact - hpreact.mean(0, keepdim=True)) / hpreact.std(0, keepdim=True) + bnbias
    h = torch.tanh(hpreact)
    logits = h @ W2 + b2

Draw the random tensors from the generator g, in this order and with these shapes:
C (vocab_size, n_embd), W1 (n_embd * block_size, n_hidden), W2 (n_hidden, vocab_size),
b2 (vocab_size,). Every one is drawn with torch.randn, even the ones you then scale to zero,
so that the generator's stream stays the same as the lecture's.
"""
import torch


def init_params(vocab_size=27, block_size=3, n_embd=10, n_hidden=200, g=None):
    """The parameters [C, W1, W2, b2, bngain, bnbias], each with requires_grad=True."""
    if g is None:
        g = torch.Generator().manual_seed(2147483647)  # for reproducibility, as in the lecture
    C = torch.randn((vocab_size, n_embd), generator=g)
    # TODO: W1 with Kaiming init: standard normal, times the tanh gain 5/3, divided by the square root of fan_in
    raise NotImplementedError('batchnorm/init: W1 with Kaiming init: standard normal, times the tanh gain 5/3, divided by the square root of fan_in')
    # TODO: W2 and b2, drawn from g but scaled (by 0.01 and by 0) so the first logits are nearly all equal
    raise NotImplementedError('batchnorm/init: W2 and b2, drawn from g but scaled (by 0.01 and by 0) so the first logits are nearly all equal')
    # TODO: the BatchNorm gain (ones) and bias (zeros), both of shape (1, n_hidden)
    raise NotImplementedError('batchnorm/init: the BatchNorm gain (ones) and bias (zeros), both of shape (1, n_hidden)')
    parameters = [C, W1, W2, b2, bngain, bnbias]
    for p in parameters:
        p.requires_grad = True
    return parameters
