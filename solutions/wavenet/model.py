"""The hierarchical model of part 5: characters fused two at a time, in three levels (WaveNet-like).

With block_size = 8, each example is 8 characters. The model embeds them (B, 8, n_embd), fuses
pairs into (B, 4, 2*n_embd), runs Linear-BatchNorm-Tanh on every pair, fuses pairs of pairs
(B, 2, 2*n_hidden), again, and once more (B, 2*n_hidden) before the output layer:

    Embedding(vocab_size, n_embd)
    FlattenConsecutive(2), Linear(n_embd * 2, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh()
    FlattenConsecutive(2), Linear(n_hidden * 2, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh()
    FlattenConsecutive(2), Linear(n_hidden * 2, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh()
    Linear(n_hidden, vocab_size)

Every tensor is drawn from torch's global generator, seeded with 42 first, as in the lecture.
The output layer starts less confident: its weight times 0.1.
"""
import torch

from embedding import Embedding
from flatten import FlattenConsecutive
from layers import BatchNorm1d, Linear, Tanh
from sequential import Sequential


def build_model(vocab_size=27, n_embd=24, n_hidden=128):
    """The lecture's model (n_embd 24, n_hidden 128: 76579 parameters), every parameter requiring grad."""
    torch.manual_seed(42)  # seed rng for reproducibility
    # BEGIN SOLUTION: the Sequential of the layers above, in that order
    model = Sequential([
        Embedding(vocab_size, n_embd),
        FlattenConsecutive(2), Linear(n_embd * 2, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
        FlattenConsecutive(2), Linear(n_hidden * 2, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
        FlattenConsecutive(2), Linear(n_hidden * 2, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
        Linear(n_hidden, vocab_size),
    ])
    # END SOLUTION
    # parameter init
    with torch.no_grad():
        # BEGIN SOLUTION: last layer: make less confident
        model.layers[-1].weight *= 0.1
        # END SOLUTION
    for p in model.parameters():
        p.requires_grad = True
    return model
