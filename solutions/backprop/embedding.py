"""Backprop through the embedding lookup.

    emb = C[Xb]                            # (n, block_size, n_embd): row Xb[k, j] of C
    embcat = emb.view(emb.shape[0], -1)    # (n, block_size * n_embd)

Given dembcat, find dC (the shape of C). The same character shows up many times in a batch
(every name starts with the context '...'): each time it is used, its row of C receives that
example's gradient.
"""
import torch


def embedding_backward(dembcat, Xb, C):
    """dC, given dembcat = dloss/dembcat (n, block_size * n_embd) and the contexts Xb (n, block_size)."""
    # BEGIN SOLUTION: undo the view to get demb (n, block_size, n_embd), then route every demb[k, j] into the row Xb[k, j] of dC
    demb = dembcat.view(Xb.shape[0], Xb.shape[1], C.shape[1])
    dC = torch.zeros_like(C)
    for k in range(Xb.shape[0]):
        for j in range(Xb.shape[1]):
            ix = Xb[k, j]
            dC[ix] += demb[k, j]
    # END SOLUTION
    return dC
