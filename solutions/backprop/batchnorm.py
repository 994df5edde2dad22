"""Backprop through batchnorm in one go (the lecture's exercise 3).

The forward pass (training mode, batch statistics over dim 0):

    bnmean = hprebn.mean(0, keepdim=True)
    bnvar = hprebn.var(0, keepdim=True, unbiased=True)   # Bessel's correction: divides by n-1
    bnvar_inv = (bnvar + 1e-5)**-0.5
    bnraw = (hprebn - bnmean) * bnvar_inv
    hpreact = bngain * bnraw + bnbias                     # bngain, bnbias: (1, n_hidden)

Every hprebn[i, j] moves the output both directly and through the mean and the variance of its
column. Write dhprebn as one formula of dhpreact, bngain, bnvar_inv and bnraw (derive it on paper
for one column; the n and the n-1 both show up). dbngain and dbnbias have the shape of bngain and
bnbias.
"""
import torch


def batchnorm_backward(dhpreact, hprebn, bngain):
    """(dhprebn, dbngain, dbnbias) for the forward pass above, given dhpreact (n, n_hidden)."""
    n = hprebn.shape[0]
    bnmean = hprebn.mean(0, keepdim=True)
    bnvar = hprebn.var(0, keepdim=True, unbiased=True)
    bnvar_inv = (bnvar + 1e-5)**-0.5
    bnraw = (hprebn - bnmean) * bnvar_inv
    # BEGIN SOLUTION: dbngain and dbnbias, summed over the batch into bngain's shape (1, n_hidden)
    dbngain = (bnraw * dhpreact).sum(0, keepdim=True)
    dbnbias = dhpreact.sum(0, keepdim=True)
    # END SOLUTION
    # BEGIN SOLUTION: dhprebn in one formula
    dhprebn = bngain*bnvar_inv/n * (n*dhpreact - dhpreact.sum(0) - n/(n-1)*bnraw*(dhpreact*bnraw).sum(0))
    # END SOLUTION
    return dhprebn, dbngain, dbnbias
