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
        # BEGIN SOLUTION: the causal mask, lower-triangular ones of (block_size, block_size), registered as a buffer
        self.register_buffer("bias", torch.tril(torch.ones(config.block_size, config.block_size))
                             .view(1, config.block_size, config.block_size))
        # END SOLUTION

    def forward(self, x):
        B, T, C = x.size()  # batch, time, channels (n_embd)
        # BEGIN SOLUTION: att: zeros (B, T, T), -inf where the cropped mask is 0, softmax over the last dim; y = att @ x
        att = torch.zeros((B, T, T), device=x.device)
        att = att.masked_fill(self.bias[:, :T, :T] == 0, float('-inf'))
        att = F.softmax(att, dim=-1)  # row t: 1/(t+1) on positions 0..t
        y = att @ x  # (B, T, T) x (B, T, C) -> (B, T, C)
        # END SOLUTION
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
        # BEGIN SOLUTION: x plus the causal average of x; then x plus c_proj(tanh(c_fc(x)))
        x = x + self.cbow(x)
        x = x + m.c_proj(F.tanh(m.c_fc(x)))
        # END SOLUTION
        return x


class BoW(nn.Module):
    """Token and position embeddings, summed; one BoWBlock; a linear head to the vocabulary."""

    def __init__(self, config):
        super().__init__()
        self.block_size = config.block_size
        self.vocab_size = config.vocab_size
        # BEGIN SOLUTION: self.wte (vocab_size, n_embd) and self.wpe (block_size, n_embd) embeddings; self.context_block; self.lm_head (n_embd -> vocab_size, with a bias)
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        self.wpe = nn.Embedding(config.block_size, config.n_embd)
        self.context_block = BoWBlock(config)
        self.lm_head = nn.Linear(config.n_embd, self.vocab_size)
        # END SOLUTION

    def get_block_size(self):
        return self.block_size

    def forward(self, idx, targets=None):
        b, t = idx.size()
        assert t <= self.block_size, f"Cannot forward sequence of length {t}, block size is only {self.block_size}"
        # BEGIN SOLUTION: token embeddings + position embeddings of 0..t-1; the context block; lm_head; the loss with F.cross_entropy(..., ignore_index=-1) when targets are given
        pos = torch.arange(0, t, dtype=torch.long, device=idx.device).unsqueeze(0)  # (1, t)
        tok_emb = self.wte(idx)  # (b, t, n_embd)
        pos_emb = self.wpe(pos)  # (1, t, n_embd)
        x = tok_emb + pos_emb
        x = self.context_block(x)
        logits = self.lm_head(x)  # (b, t, vocab_size)

        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
        # END SOLUTION
        return logits, loss
