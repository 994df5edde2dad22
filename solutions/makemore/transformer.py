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
        # BEGIN SOLUTION: the tanh approximation of GELU
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))
        # END SOLUTION


class CausalSelfAttention(nn.Module):
    """Multi-head masked self-attention, every head at once, with a projection at the end."""

    def __init__(self, config):
        super().__init__()
        assert config.n_embd % config.n_head == 0
        # BEGIN SOLUTION: self.c_attn: key, query, value projections of all heads in one linear layer (n_embd -> 3 * n_embd); self.c_proj (n_embd -> n_embd); the causal mask as a buffer
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd)
        self.c_proj = nn.Linear(config.n_embd, config.n_embd)
        self.register_buffer("bias", torch.tril(torch.ones(config.block_size, config.block_size))
                             .view(1, 1, config.block_size, config.block_size))
        # END SOLUTION
        self.n_head = config.n_head
        self.n_embd = config.n_embd

    def forward(self, x):
        B, T, C = x.size()  # batch, time, channels (n_embd)
        # BEGIN SOLUTION: split c_attn(x) into q, k, v (in that order); each to (B, n_head, T, head size); att = q @ k^T / sqrt(head size); mask the future; softmax; y = att @ v; heads side by side again; c_proj
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)

        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))  # (B, nh, T, T)
        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float('-inf'))
        att = F.softmax(att, dim=-1)
        y = att @ v  # (B, nh, T, T) x (B, nh, T, hs) -> (B, nh, T, hs)
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # the heads' outputs side by side: (B, T, C)
        y = self.c_proj(y)
        # END SOLUTION
        return y


class Block(nn.Module):
    """Attention, then an MLP, each on a LayerNormed copy of x and added back to x."""

    def __init__(self, config):
        super().__init__()
        # BEGIN SOLUTION: self.ln_1, self.attn, self.ln_2 (LayerNorms of n_embd around the attention); self.mlp = nn.ModuleDict with c_fc (n_embd -> 4 * n_embd), c_proj (back) and act (NewGELU)
        self.ln_1 = nn.LayerNorm(config.n_embd)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd)
        self.mlp = nn.ModuleDict(dict(
            c_fc=nn.Linear(config.n_embd, 4 * config.n_embd),
            c_proj=nn.Linear(4 * config.n_embd, config.n_embd),
            act=NewGELU(),
        ))
        # END SOLUTION

    def forward(self, x):
        m = self.mlp
        # BEGIN SOLUTION: pre-LayerNorm residual branches: x + attn(ln_1(x)), then x + c_proj(act(c_fc(ln_2(x))))
        x = x + self.attn(self.ln_1(x))
        x = x + m.c_proj(m.act(m.c_fc(self.ln_2(x))))
        # END SOLUTION
        return x


class Transformer(nn.Module):
    """Embeddings, n_layer Blocks, a final LayerNorm, and a linear head to the vocabulary."""

    def __init__(self, config):
        super().__init__()
        self.block_size = config.block_size
        # BEGIN SOLUTION: self.transformer = nn.ModuleDict of wte (vocab_size, n_embd), wpe (block_size, n_embd), h (n_layer Blocks in an nn.ModuleList), ln_f; self.lm_head (n_embd -> vocab_size, no bias)
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(config.vocab_size, config.n_embd),
            wpe=nn.Embedding(config.block_size, config.n_embd),
            h=nn.ModuleList([Block(config) for _ in range(config.n_layer)]),
            ln_f=nn.LayerNorm(config.n_embd),
        ))
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        # END SOLUTION

    def get_block_size(self):
        return self.block_size

    def forward(self, idx, targets=None):
        b, t = idx.size()
        assert t <= self.block_size, f"Cannot forward sequence of length {t}, block size is only {self.block_size}"
        # BEGIN SOLUTION: token + position embeddings; every block in turn; ln_f; lm_head; the loss with ignore_index=-1 when targets are given
        pos = torch.arange(0, t, dtype=torch.long, device=idx.device).unsqueeze(0)  # (1, t)
        tok_emb = self.transformer.wte(idx)  # (b, t, n_embd)
        pos_emb = self.transformer.wpe(pos)  # (1, t, n_embd)
        x = tok_emb + pos_emb
        for block in self.transformer.h:
            x = block(x)
        x = self.transformer.ln_f(x)
        logits = self.lm_head(x)

        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
        # END SOLUTION
        return logits, loss
