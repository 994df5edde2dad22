"""The position-wise feed-forward network: every token thinks on its own about what it gathered.

    ffwd = FeedForward(n_embd=32)
    out = ffwd(x)        # x (B, T, n_embd) -> out (B, T, n_embd)
"""
import torch.nn as nn


class FeedForward(nn.Module):
    """ a simple linear layer followed by a non-linearity """

    def __init__(self, n_embd: int, dropout: float = 0.0):
        super().__init__()
        # TODO: self.net = nn.Sequential: Linear n_embd -> 4*n_embd, ReLU, Linear 4*n_embd -> n_embd (the projection), Dropout
        raise NotImplementedError('gpt/feedforward: self.net = nn.Sequential: Linear n_embd -> 4*n_embd, ReLU, Linear 4*n_embd -> n_embd (the projection), Dropout')

    def forward(self, x):
        return self.net(x)
