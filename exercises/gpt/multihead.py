"""Several heads of self-attention side by side, then a linear projection.

    mha = MultiHeadAttention(num_heads=4, head_size=8, n_embd=32, block_size=8)
    out = mha(x)         # x (B, T, n_embd) -> out (B, T, n_embd)
"""
import torch
import torch.nn as nn

from head import Head


class MultiHeadAttention(nn.Module):
    """ multiple heads of self-attention in parallel """

    def __init__(self, num_heads: int, head_size: int, n_embd: int, block_size: int, dropout: float = 0.0):
        super().__init__()
        # TODO: self.heads = an nn.ModuleList of num_heads separate Heads; then self.proj = nn.Linear(head_size * num_heads, n_embd); then self.dropout
        raise NotImplementedError('gpt/multihead: self.heads = an nn.ModuleList of num_heads separate Heads; then self.proj = nn.Linear(head_size * num_heads, n_embd); then self.dropout')

    def forward(self, x):
        # TODO: run every head on x, concatenate their outputs along the channel (last) dimension, project, dropout
        raise NotImplementedError('gpt/multihead: run every head on x, concatenate their outputs along the channel (last) dimension, project, dropout')
        return out
