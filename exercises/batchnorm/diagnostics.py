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
    # TODO: for each Tanh layer i of layers[:-1]: the mean and std of its .out, and the percentage of |out| > 0.97
    raise NotImplementedError('batchnorm/diagnostics: for each Tanh layer i of layers[:-1]: the mean and std of its .out, and the percentage of |out| > 0.97')
    return stats


def gradient_stats(layers):
    """[(i, mean, std)] of layer.out.grad for every Tanh in layers[:-1]."""
    stats = []
    # TODO: for each Tanh layer i of layers[:-1]: the mean and std of the gradient of its .out
    raise NotImplementedError('batchnorm/diagnostics: for each Tanh layer i of layers[:-1]: the mean and std of the gradient of its .out')
    return stats


def weight_stats(parameters):
    """[(shape, mean, std, ratio)] for every 2-D parameter: its .grad's mean and std, and grad.std() / p.std()."""
    stats = []
    # TODO: for each parameter with p.ndim == 2: tuple(p.shape), the mean and std of p.grad, and the grad:data ratio
    raise NotImplementedError('batchnorm/diagnostics: for each parameter with p.ndim == 2: tuple(p.shape), the mean and std of p.grad, and the grad:data ratio')
    return stats


def update_ratios(parameters, lr):
    """One row of ud: [log10((lr * p.grad).std() / p.data.std()) for every parameter], as floats."""
    # TODO: without tracking gradients, the log10 of the update's std over the data's std, for every parameter
    raise NotImplementedError("batchnorm/diagnostics: without tracking gradients, the log10 of the update's std over the data's std, for every parameter")


def train(C, layers, parameters, Xtr, Ytr, max_steps, batch_size=32, lr=0.1):
    """The lecture's training loop, with its instruments: returns (lossi, ud).

    Each step draws a batch from the generator g (ix = torch.randint(0, Xtr.shape[0], (batch_size,),
    generator=g)), runs forward(C, layers, Xb) and F.cross_entropy, keeps every layer.out's
    gradient, backpropagates, updates every parameter by -lr * p.grad, and then records
    loss.log10().item() in lossi and update_ratios(parameters, lr) in ud.
    """
    lossi, ud = [], []
    # TODO: the training loop: batch, forward, retain the layers' output gradients, zero the grads, backward, update, then track lossi and ud
    raise NotImplementedError("batchnorm/diagnostics: the training loop: batch, forward, retain the layers' output gradients, zero the grads, backward, update, then track lossi and ud")
    return lossi, ud
