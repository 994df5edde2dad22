"""Flatten, then FlattenConsecutive: how the WaveNet-like model fuses characters two at a time.

Flatten turns each example's (T, C) block of vectors into one row of T*C numbers, as
emb.view(emb.shape[0], -1) did in part 3.

FlattenConsecutive(n) fuses only n consecutive vectors at a time:

    x (B, T, C)  ->  (B, T//n, C*n)     e.g. (4, 8, 10) -> (4, 4, 20) for n = 2

where row [b, i] is x[b, n*i], x[b, n*i+1], ..., x[b, n*i+n-1] concatenated (for n = 2, the
same as torch.cat([x[:, ::2, :], x[:, 1::2, :]], dim=2)). When only one group is left
(T//n == 1) the middle dimension is dropped: (B, 1, C*n) -> (B, C*n), the shape the last
Linear layer expects, even for a batch of one example.
"""
import torch


class Flatten:

    def __call__(self, x):
        # TODO: (B, T, C) -> (B, T*C), kept in self.out and returned
        raise NotImplementedError('wavenet/flatten: (B, T, C) -> (B, T*C), kept in self.out and returned')

    def parameters(self):
        return []


class FlattenConsecutive:

    def __init__(self, n):
        self.n = n

    def __call__(self, x):
        # TODO: (B, T, C) -> (B, T//n, C*n), then drop the middle dimension if it is 1; keep it in self.out
        raise NotImplementedError('wavenet/flatten: (B, T, C) -> (B, T//n, C*n), then drop the middle dimension if it is 1; keep it in self.out')

    def parameters(self):
        return []
