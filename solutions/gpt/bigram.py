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
        # BEGIN SOLUTION: one lookup table, token_embedding_table: an nn.Embedding of vocab_size rows of vocab_size logits
        self.token_embedding_table = nn.Embedding(vocab_size, vocab_size)
        # END SOLUTION

    def forward(self, idx, targets=None):
        """idx and targets are (B, T) tensors of integers."""
        # BEGIN SOLUTION: logits (B,T,C) from the table; with targets, view logits as (B*T, C) and targets as (B*T) for F.cross_entropy
        logits = self.token_embedding_table(idx)  # (B, T, C)
        if targets is None:
            loss = None
        else:
            B, T, C = logits.shape
            logits = logits.view(B * T, C)
            targets = targets.view(B * T)
            loss = F.cross_entropy(logits, targets)
        # END SOLUTION
        return logits, loss

    def generate(self, idx, max_new_tokens: int, generator: torch.Generator | None = None):
        """idx is (B, T): extend every row by max_new_tokens sampled tokens; returns (B, T + max_new_tokens).

        Departure from the lecture: its generate samples from torch's global generator; here torch.multinomial is given the generator passed in, so a seed replays a sample.
        """
        for _ in range(max_new_tokens):
            # BEGIN SOLUTION: logits of the last time step -> softmax -> torch.multinomial(..., generator=generator) -> append
            logits, loss = self(idx)
            logits = logits[:, -1, :]  # only the last time step predicts what comes next: (B, C)
            probs = F.softmax(logits, dim=-1)  # (B, C)
            idx_next = torch.multinomial(probs, num_samples=1, generator=generator)  # (B, 1)
            idx = torch.cat((idx, idx_next), dim=1)  # (B, T+1)
            # END SOLUTION
        return idx
