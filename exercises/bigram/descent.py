"""Gradient descent on the neural bigram's W."""
import torch


def step(W: torch.Tensor, loss: torch.Tensor, lr: float = 50) -> None:
    """One step of gradient descent on W: reset its gradient, backpropagate the loss,
    and nudge W.data against the gradient by lr (the lecture uses lr = 50).

    Called once per iteration of the training loop, with a fresh forward pass each time.
    """
    # TODO: reset W.grad, backpropagate the loss, then move W.data against the gradient by lr
    raise NotImplementedError('bigram/descent: reset W.grad, backpropagate the loss, then move W.data against the gradient by lr')
