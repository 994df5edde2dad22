"""The GRU cell: a gated update of the hidden state, easier to optimize than the plain RNN cell.

    model = RNN(config, cell_type='gru')   # the RNN of rnn.py, with this cell

gru.py imports nothing from rnn.py (rnn.py imports GRUCell from here).

With xh = [x_t, h_{t-1}]:
    r    = sigmoid(xh_to_r(xh))                      the reset gate
    hbar = tanh(xh_to_hbar([x_t, r * h_{t-1}]))      the candidate state, from the reset state
    z    = sigmoid(xh_to_z(xh))                      the update (switch) gate
    h_t  = (1 - z) * h_{t-1} + z * hbar              keep the old channel, or take the new one
"""
import torch
import torch.nn as nn
from torch.nn import functional as F


class GRUCell(nn.Module):

    def __init__(self, config):
        super().__init__()
        # TODO: self.xh_to_z, self.xh_to_r, self.xh_to_hbar: three linear layers from n_embd + n_embd2 to n_embd2
        raise NotImplementedError('makemore/gru: self.xh_to_z, self.xh_to_r, self.xh_to_hbar: three linear layers from n_embd + n_embd2 to n_embd2')

    def forward(self, xt, hprev):
        # TODO: the reset gate r wipes channels of hprev; the candidate hbar from xt and r * hprev; the update gate z; blend (1 - z) * hprev + z * hbar
        raise NotImplementedError('makemore/gru: the reset gate r wipes channels of hprev; the candidate hbar from xt and r * hprev; the update gate z; blend (1 - z) * hprev + z * hbar')
        return ht
