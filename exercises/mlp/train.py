"""Training the MLP: minibatches, backward, and stochastic gradient descent."""
import torch

from cross_entropy import cross_entropy
from model import forward


def train_step(parameters: list[torch.Tensor], Xtr: torch.Tensor, Ytr: torch.Tensor, lr: float,
               g: torch.Generator, batch_size: int = 32) -> float:
    """One iteration of the lecture's training loop; return the minibatch loss (a float).

    Minibatch: ix, batch_size random rows of Xtr, drawn with
    torch.randint(0, Xtr.shape[0], (batch_size,), generator=g). Forward those rows with
    forward() and cross_entropy() against their labels; reset every parameter's gradient;
    backward; and move every parameter against its gradient by lr.

    Departure from the lecture: its loop draws ix from torch's global generator; here from g, so runs can be replayed.
    """
    # TODO: construct the minibatch with g; forward and loss; zero the grads, backward; update every p.data
    raise NotImplementedError('mlp/train: construct the minibatch with g; forward and loss; zero the grads, backward; update every p.data')
