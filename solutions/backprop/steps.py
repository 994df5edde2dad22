"""Backprop through every atomic step of the forward pass, one at a time (the lecture's exercise 1).

parameters = [C, W1, b1, W2, b2, bngain, bnbias], as in the lecture. The forward pass below is the
lecture's, "chunkated" into steps small enough to differentiate one at a time. Go backwards from
the loss and write the gradient of every intermediate, d<name>, with the shape of <name>:
dlogprobs, dprobs, dcounts_sum_inv, dcounts_sum, dcounts, dnorm_logits, dlogit_maxes, dlogits,
dh, dW2, db2, dhpreact, dbngain, dbnbias, dbnraw, dbnvar_inv, dbnvar, dbndiff2, dbndiff,
dbnmeani, dhprebn, dembcat, dW1, db1, demb, dC. A tensor used twice gets both contributions (+=).
Departure from the lecture: dbnmeani keeps bnmeani's shape (1, n_hidden) (keepdim=True), where its code sums to (n_hidden,).

To see how far you got, delete the stub's `raise` lines of the steps you have not written
yet: the grader lists every gradient from the loss backwards (missing ones as missing), so
the first one it calls wrong is the step to fix.
"""
import torch
import torch.nn.functional as F


def manual_backward_steps(Xb, Yb, parameters):
    """A dict {"dlogprobs": ..., ..., "dC": ...}: the gradient of the loss for every step."""
    C, W1, b1, W2, b2, bngain, bnbias = parameters
    n = Xb.shape[0]
    # forward pass, "chunkated" into smaller steps that are possible to backward one at a time
    emb = C[Xb]                                      # embed the characters into vectors
    embcat = emb.view(emb.shape[0], -1)              # concatenate the vectors
    hprebn = embcat @ W1 + b1                        # Linear layer 1
    bnmeani = 1/n*hprebn.sum(0, keepdim=True)        # BatchNorm layer
    bndiff = hprebn - bnmeani
    bndiff2 = bndiff**2
    bnvar = 1/(n-1)*(bndiff2).sum(0, keepdim=True)   # Bessel's correction (dividing by n-1, not n)
    bnvar_inv = (bnvar + 1e-5)**-0.5
    bnraw = bndiff * bnvar_inv
    hpreact = bngain * bnraw + bnbias
    h = torch.tanh(hpreact)                          # non-linearity
    logits = h @ W2 + b2                             # Linear layer 2
    logit_maxes = logits.max(1, keepdim=True).values  # cross entropy loss, as F.cross_entropy(logits, Yb)
    norm_logits = logits - logit_maxes               # subtract max for numerical stability
    counts = norm_logits.exp()
    counts_sum = counts.sum(1, keepdims=True)
    counts_sum_inv = counts_sum**-1
    probs = counts * counts_sum_inv
    logprobs = probs.log()
    loss = -logprobs[range(n), Yb].mean()
    # backward pass
    # BEGIN SOLUTION: the cross entropy: dlogprobs, dprobs, dcounts_sum_inv, dcounts_sum, dcounts (two paths), dnorm_logits, dlogit_maxes, dlogits (two paths)
    dlogprobs = torch.zeros_like(logprobs)
    dlogprobs[range(n), Yb] = -1.0/n
    dprobs = (1.0 / probs) * dlogprobs
    dcounts_sum_inv = (counts * dprobs).sum(1, keepdim=True)
    dcounts = counts_sum_inv * dprobs
    dcounts_sum = (-counts_sum**-2) * dcounts_sum_inv
    dcounts += torch.ones_like(counts) * dcounts_sum
    dnorm_logits = counts * dcounts
    dlogits = dnorm_logits.clone()
    dlogit_maxes = (-dnorm_logits).sum(1, keepdim=True)
    dlogits += F.one_hot(logits.max(1).indices, num_classes=logits.shape[1]) * dlogit_maxes
    # END SOLUTION
    # BEGIN SOLUTION: Linear layer 2 and tanh: dh, dW2, db2, dhpreact
    dh = dlogits @ W2.T
    dW2 = h.T @ dlogits
    db2 = dlogits.sum(0)
    dhpreact = (1.0 - h**2) * dh
    # END SOLUTION
    # BEGIN SOLUTION: the batchnorm, step by step: dbngain, dbnbias, dbnraw, dbnvar_inv, dbnvar, dbndiff2, dbndiff (two paths), dbnmeani, dhprebn (two paths)
    dbngain = (bnraw * dhpreact).sum(0, keepdim=True)
    dbnraw = bngain * dhpreact
    dbnbias = dhpreact.sum(0, keepdim=True)
    dbndiff = bnvar_inv * dbnraw
    dbnvar_inv = (bndiff * dbnraw).sum(0, keepdim=True)
    dbnvar = (-0.5*(bnvar + 1e-5)**-1.5) * dbnvar_inv
    dbndiff2 = (1.0/(n-1))*torch.ones_like(bndiff2) * dbnvar
    dbndiff += (2*bndiff) * dbndiff2
    dhprebn = dbndiff.clone()
    dbnmeani = (-dbndiff).sum(0, keepdim=True)
    dhprebn += 1.0/n * (torch.ones_like(hprebn) * dbnmeani)
    # END SOLUTION
    # BEGIN SOLUTION: Linear layer 1 and the embedding: dembcat, dW1, db1, demb, dC (every use of a row of C adds to it)
    dembcat = dhprebn @ W1.T
    dW1 = embcat.T @ dhprebn
    db1 = dhprebn.sum(0)
    demb = dembcat.view(emb.shape)
    dC = torch.zeros_like(C)
    for k in range(Xb.shape[0]):
        for j in range(Xb.shape[1]):
            ix = Xb[k, j]
            dC[ix] += demb[k, j]
    # END SOLUTION
    found = dict(locals())  # every gradient written so far: the names that start with d
    return {name: value for name, value in found.items() if name.startswith("d")}
