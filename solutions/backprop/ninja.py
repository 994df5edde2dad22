"""Putting it all together (the lecture's exercise 4): the whole backward pass of the MLP, by hand.

parameters = [C, W1, b1, W2, b2, bngain, bnbias], as in the lecture. The forward pass below is
the lecture's; write the backward pass with your functions from the other exercises, from the
loss back to C, and return the gradients in the order of parameters. Training then updates
each parameter with its gradient: p.data += -lr * grad.
"""
import torch
import torch.nn.functional as F

from batchnorm import batchnorm_backward
from cross_entropy import cross_entropy_backward
from embedding import embedding_backward
from linear import linear_backward
from tanh import tanh_backward


def manual_backward(Xb, Yb, parameters):
    """[dC, dW1, db1, dW2, db2, dbngain, dbnbias]: the gradients of F.cross_entropy(logits, Yb)."""
    C, W1, b1, W2, b2, bngain, bnbias = parameters
    with torch.no_grad():
        # forward pass
        emb = C[Xb]                                  # embed the characters into vectors
        embcat = emb.view(emb.shape[0], -1)          # concatenate the vectors
        hprebn = embcat @ W1 + b1                    # Linear layer 1
        bnmean = hprebn.mean(0, keepdim=True)        # BatchNorm layer
        bnvar = hprebn.var(0, keepdim=True, unbiased=True)
        bnvar_inv = (bnvar + 1e-5)**-0.5
        bnraw = (hprebn - bnmean) * bnvar_inv
        hpreact = bngain * bnraw + bnbias
        h = torch.tanh(hpreact)                      # non-linearity
        logits = h @ W2 + b2                         # Linear layer 2
        # backward pass
        # BEGIN SOLUTION: from the loss back to C: cross entropy, Linear layer 2, tanh, batchnorm, Linear layer 1, embedding
        dlogits = cross_entropy_backward(logits, Yb)
        dh, dW2, db2 = linear_backward(dlogits, h, W2)
        dhpreact = tanh_backward(dh, hpreact, h)
        dhprebn, dbngain, dbnbias = batchnorm_backward(dhpreact, hprebn, bngain)
        dembcat, dW1, db1 = linear_backward(dhprebn, embcat, W1)
        dC = embedding_backward(dembcat, Xb, C)
        # END SOLUTION
    return [dC, dW1, db1, dW2, db2, dbngain, dbnbias]
