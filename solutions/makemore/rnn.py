"""A recurrent language model: one hidden state, updated once per character.

    model = RNN(config, cell_type='rnn')   # or 'gru': the GRUCell of gru.py
    logits, loss = model(idx, targets)      # idx (B, T); logits (B, T, vocab_size)

A cell takes the input at step t, x_t (B, n_embd), and the previous hidden state h_{t-1}
(B, n_embd2), and returns h_t (B, n_embd2). The RNN starts from a learned hidden state, runs the
cell over the sequence, and reads the logits of every step off that step's hidden state.
"""
import torch
import torch.nn as nn
from torch.nn import functional as F

from gru import GRUCell  # the next exercise: makemore.py keeps every model in one file, here it is gru.py


class RNNCell(nn.Module):
    """h_t = tanh(W [x_t, h_{t-1}] + b): one linear layer on the input and the previous state, side by side."""

    def __init__(self, config):
        super().__init__()
        # BEGIN SOLUTION: self.xh_to_h: a linear layer from n_embd + n_embd2 to n_embd2
        self.xh_to_h = nn.Linear(config.n_embd + config.n_embd2, config.n_embd2)
        # END SOLUTION

    def forward(self, xt, hprev):
        # BEGIN SOLUTION: concatenate xt and hprev (in that order) on dim 1; ht = tanh of xh_to_h of that
        xh = torch.cat([xt, hprev], dim=1)
        ht = F.tanh(self.xh_to_h(xh))
        # END SOLUTION
        return ht


class RNN(nn.Module):

    def __init__(self, config, cell_type):
        super().__init__()
        self.block_size = config.block_size
        self.vocab_size = config.vocab_size
        # BEGIN SOLUTION: self.start, the learned starting hidden state (1, n_embd2), zeros; self.wte (vocab_size, n_embd)
        self.start = nn.Parameter(torch.zeros(1, config.n_embd2))  # h_0, learned like any weight
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        # END SOLUTION
        if cell_type == 'rnn':
            self.cell = RNNCell(config)
        elif cell_type == 'gru':
            self.cell = GRUCell(config)
        # BEGIN SOLUTION: self.lm_head: a linear layer from n_embd2 to vocab_size
        self.lm_head = nn.Linear(config.n_embd2, self.vocab_size)
        # END SOLUTION

    def get_block_size(self):
        return self.block_size

    def forward(self, idx, targets=None):
        b, t = idx.size()
        # BEGIN SOLUTION: embed all of idx at once; hprev = start expanded to (b, n_embd2); for each step: ht = cell(xt, hprev), keep it, carry it; stack the hidden states on dim 1; lm_head; the loss with ignore_index=-1
        emb = self.wte(idx)  # (b, t, n_embd)

        hprev = self.start.expand((b, -1))  # one copy of the start state per row
        hiddens = []
        for i in range(t):
            xt = emb[:, i, :]  # (b, n_embd)
            ht = self.cell(xt, hprev)  # (b, n_embd2)
            hprev = ht
            hiddens.append(ht)

        hidden = torch.stack(hiddens, 1)  # (b, t, n_embd2)
        logits = self.lm_head(hidden)

        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
        # END SOLUTION
        return logits, loss
