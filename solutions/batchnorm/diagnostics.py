"""Diagnostics: the lecture's instruments for the health of a deep network.

The lecture trains its deep network (network.py) a little and then looks inside:

- the forward pass: for every Tanh layer (the output layer left out, layers[:-1]), the mean and
  std of layer.out and how saturated it is: the percentage of units with |out| > 0.97;
- the backward pass: the mean and std of layer.out.grad for the same layers (layer.out must keep
  its gradient: call layer.out.retain_grad() before loss.backward());
- the weights: for every 2-D parameter, the mean and std of p.grad and the grad:data ratio
  p.grad.std() / p.std();
- the updates: after each step, one row of ud with log10((lr * p.grad).std() / p.data.std()) for
  every parameter: how big the step is next to the data it changes (the lecture's guide: about -3).

Every statistic is a plain Python float (.item()), as the lecture prints them.
"""
import torch
import torch.nn.functional as F

from linear import Tanh, g
from network import build_network, forward  # noqa: F401  (the checks build the network through this module)


def activation_stats(layers):
    """[(i, mean, std, saturated)] for every Tanh in layers[:-1]; saturated in percent."""
    stats = []
    # BEGIN SOLUTION: for each Tanh layer i of layers[:-1]: the mean and std of its .out, and the percentage of |out| > 0.97
    for i, layer in enumerate(layers[:-1]):  # note: exclude the output layer
        if isinstance(layer, Tanh):
            t = layer.out
            saturated = (t.abs() > 0.97).float().mean() * 100
            stats.append((i, t.mean().item(), t.std().item(), saturated.item()))
    # END SOLUTION
    return stats


def gradient_stats(layers):
    """[(i, mean, std)] of layer.out.grad for every Tanh in layers[:-1]."""
    stats = []
    # BEGIN SOLUTION: for each Tanh layer i of layers[:-1]: the mean and std of the gradient of its .out
    for i, layer in enumerate(layers[:-1]):
        if isinstance(layer, Tanh):
            t = layer.out.grad
            stats.append((i, t.mean().item(), t.std().item()))
    # END SOLUTION
    return stats


def weight_stats(parameters):
    """[(shape, mean, std, ratio)] for every 2-D parameter: its .grad's mean and std, and grad.std() / p.std()."""
    stats = []
    # BEGIN SOLUTION: for each parameter with p.ndim == 2: tuple(p.shape), the mean and std of p.grad, and the grad:data ratio
    for p in parameters:
        t = p.grad
        if p.ndim == 2:
            stats.append((tuple(p.shape), t.mean().item(), t.std().item(), (t.std() / p.std()).item()))
    # END SOLUTION
    return stats


def update_ratios(parameters, lr):
    """One row of ud: [log10((lr * p.grad).std() / p.data.std()) for every parameter], as floats."""
    # BEGIN SOLUTION: without tracking gradients, the log10 of the update's std over the data's std, for every parameter
    with torch.no_grad():
        return [((lr * p.grad).std() / p.data.std()).log10().item() for p in parameters]
    # END SOLUTION


def train(C, layers, parameters, Xtr, Ytr, max_steps, batch_size=32, lr=0.1):
    """The lecture's training loop, with its instruments: returns (lossi, ud).

    Each step draws a batch from the generator g (ix = torch.randint(0, Xtr.shape[0], (batch_size,),
    generator=g)), runs forward(C, layers, Xb) and F.cross_entropy, keeps every layer.out's
    gradient, backpropagates, updates every parameter by -lr * p.grad, and then records
    loss.log10().item() in lossi and update_ratios(parameters, lr) in ud.
    """
    lossi, ud = [], []
    # BEGIN SOLUTION: the training loop: batch, forward, retain the layers' output gradients, zero the grads, backward, update, then track lossi and ud
    for i in range(max_steps):
        ix = torch.randint(0, Xtr.shape[0], (batch_size,), generator=g)
        Xb, Yb = Xtr[ix], Ytr[ix]
        logits = forward(C, layers, Xb)
        loss = F.cross_entropy(logits, Yb)
        for layer in layers:
            layer.out.retain_grad()
        for p in parameters:
            p.grad = None
        loss.backward()
        for p in parameters:
            p.data += -lr * p.grad
        lossi.append(loss.log10().item())
        ud.append(update_ratios(parameters, lr))
    # END SOLUTION
    return lossi, ud
