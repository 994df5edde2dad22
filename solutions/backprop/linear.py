"""Backprop through a linear layer: out = x @ W + b.

    x (n, fan_in) @ W (fan_in, fan_out) + b (fan_out,)  ->  out (n, fan_out)

Given dout = dloss/dout, find dx, dW and db. Each gradient has the shape of its tensor:
let the shapes tell you which matrices to multiply, and in which order (and which to transpose).
b is broadcast over the n rows of the batch, so its gradient collects from every row.
"""
import torch


def linear_backward(dout, x, W):
    """(dx, dW, db) for out = x @ W + b, given dout (n, fan_out)."""
    # BEGIN SOLUTION: dx from dout and W, dW from x and dout, db from dout alone
    dx = dout @ W.T
    dW = x.T @ dout
    db = dout.sum(0)
    # END SOLUTION
    return dx, dW, db
