"""PyTorch-style modules: Linear and Tanh, with the same API as torch.nn.

A module is called like a function (`__call__`), keeps its last output in `self.out` (the
lecture plots its statistics), and lists its trainable tensors in `parameters()`.

Linear draws its weight from the module-level generator `g` below, as the lecture's notebook
does with its global `g`: weight = standard normal (fan_in, fan_out) / sqrt(fan_in).
The tanh gain 5/3 is not applied here: the network multiplies it in afterwards.
"""
import torch

g = torch.Generator().manual_seed(2147483647)  # the lecture's generator; reseed it to start over


class Linear:

    def __init__(self, fan_in, fan_out, bias=True):
        # TODO: weight (fan_in, fan_out) drawn from g and divided by sqrt(fan_in); bias zeros (fan_out,) or None
        raise NotImplementedError('batchnorm/linear: weight (fan_in, fan_out) drawn from g and divided by sqrt(fan_in); bias zeros (fan_out,) or None')

    def __call__(self, x):
        # TODO: x @ weight, plus the bias if there is one; keep it in self.out and return it
        raise NotImplementedError('batchnorm/linear: x @ weight, plus the bias if there is one; keep it in self.out and return it')

    def parameters(self):
        # TODO: [weight], then the bias if there is one
        raise NotImplementedError('batchnorm/linear: [weight], then the bias if there is one')


class Tanh:

    def __call__(self, x):
        # TODO: torch.tanh of x, kept in self.out and returned
        raise NotImplementedError('batchnorm/linear: torch.tanh of x, kept in self.out and returned')

    def parameters(self):
        return []
