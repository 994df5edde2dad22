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
        # BEGIN SOLUTION: self.heads = an nn.ModuleList of num_heads separate Heads; then self.proj = nn.Linear(head_size * num_heads, n_embd); then self.dropout
        self.heads = nn.ModuleList([Head(head_size, n_embd, block_size, dropout) for _ in range(num_heads)])
        self.proj = nn.Linear(head_size * num_heads, n_embd)
        self.dropout = nn.Dropout(dropout)
        # END SOLUTION

    def forward(self, x):
        # BEGIN SOLUTION: run every head on x, concatenate their outputs along the channel (last) dimension, project, dropout
        out = torch.cat([h(x) for h in self.heads], dim=-1)  # (B, T, num_heads * head_size)
        out = self.dropout(self.proj(out))
        # END SOLUTION
        return out
