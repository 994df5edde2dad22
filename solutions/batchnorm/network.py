"""A deeper network built from the modules: the lecture's PyTorch-ified makemore.

    C (vocab_size, n_embd), drawn from g right after reseeding it with 2147483647
    Linear(n_embd * block_size, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh()
    Linear(n_hidden, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh()      } four times
    Linear(n_hidden, vocab_size, bias=False), BatchNorm1d(vocab_size)           the output layer

The Linear layers have no bias: the BatchNorm right after each one subtracts the mean anyway
and brings its own bias (beta).

Then, without tracking gradients: make the last layer less confident (its BatchNorm gamma
times 0.1), and multiply the weight of every Linear in layers[:-1] by the tanh gain 5/3
(Kaiming init: randn / sqrt(fan_in), which Linear already does, times the gain). layers[:-1]
holds every Linear, the output one too, since the last layer is a BatchNorm1d.
Departure from the lecture: its final cell multiplies the weights by 1.0 (its "*= 1.0 #5/3"); this set keeps the gain 5/3.
"""
import torch

from batchnorm1d import BatchNorm1d
from linear import Linear, Tanh, g


def build_network(vocab_size=27, block_size=3, n_embd=10, n_hidden=100):
    """(C, layers, parameters): parameters is [C] then every layer's parameters, in order."""
    g.manual_seed(2147483647)  # Linear draws from this same generator
    C = torch.randn((vocab_size, n_embd), generator=g)
    # BEGIN SOLUTION: the list of layers: five Linear-BatchNorm1d-Tanh blocks, then Linear-BatchNorm1d to vocab_size (every Linear with bias=False)
    layers = [
        Linear(n_embd * block_size, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
        Linear(n_hidden, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
        Linear(n_hidden, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
        Linear(n_hidden, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
        Linear(n_hidden, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
        Linear(n_hidden, vocab_size, bias=False), BatchNorm1d(vocab_size),
    ]
    # END SOLUTION
    with torch.no_grad():
        # BEGIN SOLUTION: last layer: make less confident (its gamma times 0.1); every Linear in layers[:-1]: weight times the gain 5/3
        layers[-1].gamma *= 0.1
        for layer in layers[:-1]:
            if isinstance(layer, Linear):
                layer.weight *= 5/3
        # END SOLUTION
    parameters = [C] + [p for layer in layers for p in layer.parameters()]
    for p in parameters:
        p.requires_grad = True
    return C, layers, parameters


def forward(C, layers, Xb):
    """The logits (n, vocab_size) for a batch of contexts Xb (n, block_size)."""
    # BEGIN SOLUTION: embed the contexts with C, concatenate each example's vectors into one row, then call every layer in order
    emb = C[Xb]
    x = emb.view(emb.shape[0], -1)
    for layer in layers:
        x = layer(x)
    return x
    # END SOLUTION
