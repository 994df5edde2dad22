"""The GPT language model: token and position embeddings, a stack of Blocks, a final layer norm
and a linear head to the vocabulary; and generate, which samples one token at a time.

    model = GPTLanguageModel(vocab_size=65, n_embd=32, n_head=4, n_layer=2, block_size=8)
    logits, loss = model(xb, yb)
    out = model.generate(torch.zeros((1, 1), dtype=torch.long), max_new_tokens=100, generator=g)
"""
import torch
import torch.nn as nn
from torch.nn import functional as F

from block import Block
from layernorm import LayerNorm1d


class GPTLanguageModel(nn.Module):

    def __init__(self, vocab_size: int, n_embd: int, n_head: int, n_layer: int, block_size: int,
                 dropout: float = 0.0):
        super().__init__()
        self.block_size = block_size
        # each token reads an embedding from a lookup table, and so does each position
        self.token_embedding_table = nn.Embedding(vocab_size, n_embd)
        self.position_embedding_table = nn.Embedding(block_size, n_embd)
        self.blocks = nn.Sequential(*[Block(n_embd, n_head, block_size, dropout) for _ in range(n_layer)])
        self.ln_f = LayerNorm1d(n_embd)  # final layer norm
        self.lm_head = nn.Linear(n_embd, vocab_size)

    def forward(self, idx, targets=None):
        B, T = idx.shape
        # BEGIN SOLUTION: x = token embeddings (B,T,C) + position embeddings of torch.arange(T) (T,C); blocks; ln_f; logits = lm_head(x); the loss as in the bigram model
        tok_emb = self.token_embedding_table(idx)  # (B, T, C)
        pos_emb = self.position_embedding_table(torch.arange(T, device=idx.device))  # (T, C)
        x = tok_emb + pos_emb  # (B, T, C): broadcast over the batch
        x = self.blocks(x)     # (B, T, C)
        x = self.ln_f(x)       # (B, T, C)
        logits = self.lm_head(x)  # (B, T, vocab_size)
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
            # BEGIN SOLUTION: crop idx to its last block_size tokens; logits of the last step; softmax; torch.multinomial(..., generator=generator); append
            idx_cond = idx[:, -self.block_size:]  # the position table has only block_size rows
            logits, loss = self(idx_cond)
            logits = logits[:, -1, :]  # (B, C)
            probs = F.softmax(logits, dim=-1)
            idx_next = torch.multinomial(probs, num_samples=1, generator=generator)  # (B, 1)
            idx = torch.cat((idx, idx_next), dim=1)  # (B, T+1)
            # END SOLUTION
        return idx
