"""One head of causal self-attention.

    head = Head(head_size=16, n_embd=32, block_size=8)
    out = head(x)        # x (B, T, n_embd) with T <= block_size  ->  out (B, T, head_size)

Every position t emits a query ("what am I looking for?") and a key ("what do I contain?");
their dot products, scaled by head_size**-0.5, become attention weights over positions 0..t
only (the future is masked out), and the output is the weighted sum of the values.
"""
import torch
import torch.nn as nn
from torch.nn import functional as F


class Head(nn.Module):
    """ one head of self-attention """

    def __init__(self, head_size: int, n_embd: int, block_size: int, dropout: float = 0.0):
        super().__init__()
        # TODO: self.key, self.query, self.value = nn.Linear(n_embd, head_size, bias=False); register_buffer('tril', lower-triangular ones of block_size x block_size); self.dropout = nn.Dropout(dropout)
        raise NotImplementedError("gpt/head: self.key, self.query, self.value = nn.Linear(n_embd, head_size, bias=False); register_buffer('tril', lower-triangular ones of block_size x block_size); self.dropout = nn.Dropout(dropout)")

    def forward(self, x):
        B, T, C = x.shape
        # TODO: affinities q @ k^T scaled by head_size**-0.5; mask the future with tril[:T, :T] and -inf; softmax over the last dim; dropout; weighted sum of the values
        raise NotImplementedError('gpt/head: affinities q @ k^T scaled by head_size**-0.5; mask the future with tril[:T, :T] and -inf; softmax over the last dim; dropout; weighted sum of the values')
        return out
