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
        # BEGIN SOLUTION: weight (fan_in, fan_out) drawn from g and divided by sqrt(fan_in); bias zeros (fan_out,) or None
        self.weight = torch.randn((fan_in, fan_out), generator=g) / fan_in**0.5
        self.bias = torch.zeros(fan_out) if bias else None
        # END SOLUTION

    def __call__(self, x):
        # BEGIN SOLUTION: x @ weight, plus the bias if there is one; keep it in self.out and return it
        self.out = x @ self.weight
        if self.bias is not None:
            self.out += self.bias
        return self.out
        # END SOLUTION

    def parameters(self):
        # BEGIN SOLUTION: [weight], then the bias if there is one
        return [self.weight] + ([] if self.bias is None else [self.bias])
        # END SOLUTION


class Tanh:

    def __call__(self, x):
        # BEGIN SOLUTION: torch.tanh of x, kept in self.out and returned
        self.out = torch.tanh(x)
        return self.out
        # END SOLUTION

    def parameters(self):
        return []
