"""Layer normalization from scratch: normalize every row (every token's features) to zero mean
and unit variance, then scale by gamma and shift by beta.

    ln = LayerNorm1d(32)
    out = ln(x)          # x (..., 32) -> out (..., 32); equals F.layer_norm(x, (32,), ln.gamma, ln.beta, 1e-5)

The lecture's LayerNorm1d starts from BatchNorm1d and normalizes the other dimension. Here it
normalizes the LAST dimension, so it works on (B, C) and on (B, T, C) alike, and it must agree
with torch's layer norm: biased variance (divide by n, not n-1) and eps inside the square root.
"""
import torch
import torch.nn as nn


class LayerNorm1d(nn.Module):

    def __init__(self, dim: int, eps: float = 1e-5):
        super().__init__()
        self.eps = eps
        # TODO: trainable parameters: self.gamma (ones of size dim), then self.beta (zeros of size dim), as nn.Parameter
        raise NotImplementedError('gpt/layernorm: trainable parameters: self.gamma (ones of size dim), then self.beta (zeros of size dim), as nn.Parameter')

    def forward(self, x):
        # TODO: mean and biased variance over the last dim (keepdim=True); xhat = (x - mean) / sqrt(var + eps); out = gamma * xhat + beta
        raise NotImplementedError('gpt/layernorm: mean and biased variance over the last dim (keepdim=True); xhat = (x - mean) / sqrt(var + eps); out = gamma * xhat + beta')
        return self.out
