"""The Transformer language model, as in GPT-2: attention blocks, pre-LayerNorm, residuals.

    model = Transformer(config)
    logits, loss = model(idx, targets)   # idx (B, T) with T <= block_size; logits (B, T, vocab_size)

Its parameters are named as in GPT-2 (and makemore.py): transformer.wte, transformer.wpe,
transformer.h.<i>.{ln_1, attn.c_attn, attn.c_proj, ln_2, mlp.c_fc, mlp.c_proj}, transformer.ln_f, lm_head.
"""
import math

import torch
import torch.nn as nn
from torch.nn import functional as F


class NewGELU(nn.Module):
    """GELU, with the tanh approximation used by BERT and GPT:
    0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3)))."""

    def forward(self, x):
        # TODO: the tanh approximation of GELU
        raise NotImplementedError('makemore/transformer: the tanh approximation of GELU')


class CausalSelfAttention(nn.Module):
    """Multi-head masked self-attention, every head at once, with a projection at the end."""

    def __init__(self, config):
        super().__init__()
        assert config.n_embd % config.n_head == 0
        # TODO: self.c_attn: key, query, value projections of all heads in one linear layer (n_embd -> 3 * n_embd); self.c_proj (n_embd -> n_embd); the causal mask as a buffer
        raise NotImplementedError('makemore/transformer: self.c_attn: key, query, value projections of all heads in one linear layer (n_embd -> 3 * n_embd); self.c_proj (n_embd -> n_embd); the causal mask as a buffer')
        self.n_head = config.n_head
        self.n_embd = config.n_embd

    def forward(self, x):
        B, T, C = x.size()  # batch, time, channels (n_embd)
        # TODO: split c_attn(x) into q, k, v (in that order); each to (B, n_head, T, head size); att = q @ k^T / sqrt(head size); mask the future; softmax; y = att @ v; heads side by side again; c_proj
        raise NotImplementedError('makemore/transformer: split c_attn(x) into q, k, v (in that order); each to (B, n_head, T, head size); att = q @ k^T / sqrt(head size); mask the future; softmax; y = att @ v; heads side by side again; c_proj')
        return y


class Block(nn.Module):
    """Attention, then an MLP, each on a LayerNormed copy of x and added back to x."""

    def __init__(self, config):
        super().__init__()
        # TODO: self.ln_1, self.attn, self.ln_2 (LayerNorms of n_embd around the attention); self.mlp = nn.ModuleDict with c_fc (n_embd -> 4 * n_embd), c_proj (back) and act (NewGELU)
        raise NotImplementedError('makemore/transformer: self.ln_1, self.attn, self.ln_2 (LayerNorms of n_embd around the attention); self.mlp = nn.ModuleDict with c_fc (n_embd -> 4 * n_embd), c_proj (back) and act (NewGELU)')

    def forward(self, x):
        m = self.mlp
        # TODO: pre-LayerNorm residual branches: x + attn(ln_1(x)), then x + c_proj(act(c_fc(ln_2(x))))
        raise NotImplementedError('makemore/transformer: pre-LayerNorm residual branches: x + attn(ln_1(x)), then x + c_proj(act(c_fc(ln_2(x))))')
        return x


class Transformer(nn.Module):
    """Embeddings, n_layer Blocks, a final LayerNorm, and a linear head to the vocabulary."""

    def __init__(self, config):
        super().__init__()
        self.block_size = config.block_size
        # TODO: self.transformer = nn.ModuleDict of wte (vocab_size, n_embd), wpe (block_size, n_embd), h (n_layer Blocks in an nn.ModuleList), ln_f; self.lm_head (n_embd -> vocab_size, no bias)
        raise NotImplementedError('makemore/transformer: self.transformer = nn.ModuleDict of wte (vocab_size, n_embd), wpe (block_size, n_embd), h (n_layer Blocks in an nn.ModuleList), ln_f; self.lm_head (n_embd -> vocab_size, no bias)')

    def get_block_size(self):
        return self.block_size

    def forward(self, idx, targets=None):
        b, t = idx.size()
        assert t <= self.block_size, f"Cannot forward sequence of length {t}, block size is only {self.block_size}"
        # TODO: token + position embeddings; every block in turn; ln_f; lm_head; the loss with ignore_index=-1 when targets are given
        raise NotImplementedError('makemore/transformer: token + position embeddings; every block in turn; ln_f; lm_head; the loss with ignore_index=-1 when targets are given')
        return logits, loss
