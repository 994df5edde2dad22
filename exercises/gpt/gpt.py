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
        # TODO: x = token embeddings (B,T,C) + position embeddings of torch.arange(T) (T,C); blocks; ln_f; logits = lm_head(x); the loss as in the bigram model
        raise NotImplementedError('gpt/gpt: x = token embeddings (B,T,C) + position embeddings of torch.arange(T) (T,C); blocks; ln_f; logits = lm_head(x); the loss as in the bigram model')
        return logits, loss

    def generate(self, idx, max_new_tokens: int, generator: torch.Generator | None = None):
        """idx is (B, T): extend every row by max_new_tokens sampled tokens; returns (B, T + max_new_tokens).

        Departure from the lecture: its generate samples from torch's global generator; here torch.multinomial is given the generator passed in, so a seed replays a sample.
        """
        for _ in range(max_new_tokens):
            # TODO: crop idx to its last block_size tokens; logits of the last step; softmax; torch.multinomial(..., generator=generator); append
            raise NotImplementedError('gpt/gpt: crop idx to its last block_size tokens; logits of the last step; softmax; torch.multinomial(..., generator=generator); append')
        return idx
