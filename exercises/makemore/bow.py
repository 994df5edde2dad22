"""Bag of Words: every position averages the features of all the positions up to itself.

    model = BoW(config)          # config: a ModelConfig (dataset.py)
    logits, loss = model(idx, targets)   # idx (B, T) with T <= block_size; logits (B, T, vocab_size)

It looks suspiciously like causal self-attention, with every attention weight equal.
"""
import torch
import torch.nn as nn
from torch.nn import functional as F


class CausalBoW(nn.Module):
    """Position t outputs the plain average of the inputs at positions 0..t."""

    def __init__(self, config):
        super().__init__()
        self.block_size = config.block_size
        # TODO: the causal mask, lower-triangular ones of (block_size, block_size), registered as a buffer
        raise NotImplementedError('makemore/bow: the causal mask, lower-triangular ones of (block_size, block_size), registered as a buffer')

    def forward(self, x):
        B, T, C = x.size()  # batch, time, channels (n_embd)
        # TODO: att: zeros (B, T, T), -inf where the cropped mask is 0, softmax over the last dim; y = att @ x
        raise NotImplementedError('makemore/bow: att: zeros (B, T, T), -inf where the cropped mask is 0, softmax over the last dim; y = att @ x')
        return y


class BoWBlock(nn.Module):
    """The causal average, then an MLP (n_embd -> n_embd2 -> n_embd, tanh), each with a residual."""

    def __init__(self, config):
        super().__init__()
        self.cbow = CausalBoW(config)
        self.mlp = nn.ModuleDict(dict(
            c_fc=nn.Linear(config.n_embd, config.n_embd2),
            c_proj=nn.Linear(config.n_embd2, config.n_embd),
        ))

    def forward(self, x):
        m = self.mlp
        # TODO: x plus the causal average of x; then x plus c_proj(tanh(c_fc(x)))
        raise NotImplementedError('makemore/bow: x plus the causal average of x; then x plus c_proj(tanh(c_fc(x)))')
        return x


class BoW(nn.Module):
    """Token and position embeddings, summed; one BoWBlock; a linear head to the vocabulary."""

    def __init__(self, config):
        super().__init__()
        self.block_size = config.block_size
        self.vocab_size = config.vocab_size
        # TODO: self.wte (vocab_size, n_embd) and self.wpe (block_size, n_embd) embeddings; self.context_block; self.lm_head (n_embd -> vocab_size, with a bias)
        raise NotImplementedError('makemore/bow: self.wte (vocab_size, n_embd) and self.wpe (block_size, n_embd) embeddings; self.context_block; self.lm_head (n_embd -> vocab_size, with a bias)')

    def get_block_size(self):
        return self.block_size

    def forward(self, idx, targets=None):
        b, t = idx.size()
        assert t <= self.block_size, f"Cannot forward sequence of length {t}, block size is only {self.block_size}"
        # TODO: token embeddings + position embeddings of 0..t-1; the context block; lm_head; the loss with F.cross_entropy(..., ignore_index=-1) when targets are given
        raise NotImplementedError('makemore/bow: token embeddings + position embeddings of 0..t-1; the context block; lm_head; the loss with F.cross_entropy(..., ignore_index=-1) when targets are given')
        return logits, loss
