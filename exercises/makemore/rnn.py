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
        # TODO: self.xh_to_h: a linear layer from n_embd + n_embd2 to n_embd2
        raise NotImplementedError('makemore/rnn: self.xh_to_h: a linear layer from n_embd + n_embd2 to n_embd2')

    def forward(self, xt, hprev):
        # TODO: concatenate xt and hprev (in that order) on dim 1; ht = tanh of xh_to_h of that
        raise NotImplementedError('makemore/rnn: concatenate xt and hprev (in that order) on dim 1; ht = tanh of xh_to_h of that')
        return ht


class RNN(nn.Module):

    def __init__(self, config, cell_type):
        super().__init__()
        self.block_size = config.block_size
        self.vocab_size = config.vocab_size
        # TODO: self.start, the learned starting hidden state (1, n_embd2), zeros; self.wte (vocab_size, n_embd)
        raise NotImplementedError('makemore/rnn: self.start, the learned starting hidden state (1, n_embd2), zeros; self.wte (vocab_size, n_embd)')
        if cell_type == 'rnn':
            self.cell = RNNCell(config)
        elif cell_type == 'gru':
            self.cell = GRUCell(config)
        # TODO: self.lm_head: a linear layer from n_embd2 to vocab_size
        raise NotImplementedError('makemore/rnn: self.lm_head: a linear layer from n_embd2 to vocab_size')

    def get_block_size(self):
        return self.block_size

    def forward(self, idx, targets=None):
        b, t = idx.size()
        # TODO: embed all of idx at once; hprev = start expanded to (b, n_embd2); for each step: ht = cell(xt, hprev), keep it, carry it; stack the hidden states on dim 1; lm_head; the loss with ignore_index=-1
        raise NotImplementedError('makemore/rnn: embed all of idx at once; hprev = start expanded to (b, n_embd2); for each step: ht = cell(xt, hprev), keep it, carry it; stack the hidden states on dim 1; lm_head; the loss with ignore_index=-1')
        return logits, loss
