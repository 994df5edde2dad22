"""Layer normalization from scratch: normalize every row (every token's features) to zero mean
and unit variance, then scale by gamma and shift by beta.

    ln = LayerNorm1d(32)
    out = ln(x)          # x (..., 32) -> out (..., 32); equals F.layer_norm(x, (32,), ln.gamma, ln.beta, 1e-5)

Departure from the lecture: normalize the LAST dim with the BIASED variance (the lecture's LayerNorm1d uses dim 1 and the unbiased x.var), so that it works on the Block's (B, T, C) input and equals torch's layer norm.

(The lecture's LayerNorm1d starts from BatchNorm1d: x.mean(1), x.var(1). On (B, T, C) input dim 1 is
time, not the features; and x.var divides by n-1 where torch's layer norm divides by n. eps goes
inside the square root. gamma and beta may be plain tensors or nn.Parameters.)
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
