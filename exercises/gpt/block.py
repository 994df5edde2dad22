"""The transformer block: communication (self-attention) followed by computation (feed-forward),
each on a layer-normalized input (pre-norm) and each added back to its input (residual).

    block = Block(n_embd=32, n_head=4, block_size=8)
    out = block(x)       # x (B, T, n_embd) -> out (B, T, n_embd)
"""
import torch.nn as nn

from feedforward import FeedForward
from layernorm import LayerNorm1d
from multihead import MultiHeadAttention


class Block(nn.Module):
    """ Transformer block: communication followed by computation """

    def __init__(self, n_embd: int, n_head: int, block_size: int, dropout: float = 0.0):
        # n_embd: embedding dimension, n_head: the number of heads we'd like
        super().__init__()
        head_size = n_embd // n_head
        # TODO: self.sa (n_head heads of head_size), self.ffwd, self.ln1, self.ln2 (your LayerNorm1d of n_embd, or nn.LayerNorm)
        raise NotImplementedError('gpt/block: self.sa (n_head heads of head_size), self.ffwd, self.ln1, self.ln2 (your LayerNorm1d of n_embd, or nn.LayerNorm)')

    def forward(self, x):
        # TODO: pre-norm residuals: x + sa(ln1(x)), then x + ffwd(ln2(x))
        raise NotImplementedError('gpt/block: pre-norm residuals: x + sa(ln1(x)), then x + ffwd(ln2(x))')
        return x
