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
    # TODO: the list of layers: five Linear-BatchNorm1d-Tanh blocks, then Linear-BatchNorm1d to vocab_size (every Linear with bias=False)
    raise NotImplementedError('batchnorm/network: the list of layers: five Linear-BatchNorm1d-Tanh blocks, then Linear-BatchNorm1d to vocab_size (every Linear with bias=False)')
    with torch.no_grad():
        # TODO: last layer: make less confident (its gamma times 0.1); every Linear in layers[:-1]: weight times the gain 5/3
        raise NotImplementedError('batchnorm/network: last layer: make less confident (its gamma times 0.1); every Linear in layers[:-1]: weight times the gain 5/3')
    parameters = [C] + [p for layer in layers for p in layer.parameters()]
    for p in parameters:
        p.requires_grad = True
    return C, layers, parameters


def forward(C, layers, Xb):
    """The logits (n, vocab_size) for a batch of contexts Xb (n, block_size)."""
    # TODO: embed the contexts with C, concatenate each example's vectors into one row, then call every layer in order
    raise NotImplementedError("batchnorm/network: embed the contexts with C, concatenate each example's vectors into one row, then call every layer in order")
