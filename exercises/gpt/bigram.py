"""The bigram language model: the current token alone picks the logits of the next one.

    model = BigramLanguageModel(vocab_size)
    logits, loss = model(xb, yb)      # logits (B*T, C) and a scalar loss; with no targets:
    logits, loss = model(xb)          # logits (B, T, C) and loss None
    out = model.generate(torch.zeros((1, 1), dtype=torch.long), max_new_tokens=100, generator=g)
"""
import torch
import torch.nn as nn
from torch.nn import functional as F


class BigramLanguageModel(nn.Module):

    def __init__(self, vocab_size: int):
        super().__init__()
        # TODO: one lookup table, token_embedding_table: an nn.Embedding of vocab_size rows of vocab_size logits
        raise NotImplementedError('gpt/bigram: one lookup table, token_embedding_table: an nn.Embedding of vocab_size rows of vocab_size logits')

    def forward(self, idx, targets=None):
        """idx and targets are (B, T) tensors of integers."""
        # TODO: logits (B,T,C) from the table; with targets, view logits as (B*T, C) and targets as (B*T) for F.cross_entropy
        raise NotImplementedError('gpt/bigram: logits (B,T,C) from the table; with targets, view logits as (B*T, C) and targets as (B*T) for F.cross_entropy')
        return logits, loss

    def generate(self, idx, max_new_tokens: int, generator: torch.Generator | None = None):
        """idx is (B, T): extend every row by max_new_tokens sampled tokens; returns (B, T + max_new_tokens).

        Departure from the lecture: its generate samples from torch's global generator; here torch.multinomial is given the generator passed in, so a seed replays a sample.
        """
        for _ in range(max_new_tokens):
            # TODO: logits of the last time step -> softmax -> torch.multinomial(..., generator=generator) -> append
            raise NotImplementedError('gpt/bigram: logits of the last time step -> softmax -> torch.multinomial(..., generator=generator) -> append')
        return idx
