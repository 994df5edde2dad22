"""Backprop through tanh: h = torch.tanh(hpreact).

The forward pass gives you both the pre-activation hpreact and the output h. The local
derivative of tanh is best written with one of them.
"""
import torch


def tanh_backward(dh, hpreact, h):
    """dhpreact, given dh = dloss/dh, for h = torch.tanh(hpreact)."""
    # BEGIN SOLUTION: the local derivative of tanh at this point, chained with dh
    dhpreact = (1.0 - h**2) * dh
    # END SOLUTION
    return dhpreact
