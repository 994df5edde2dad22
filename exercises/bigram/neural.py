"""The neural bigram: one linear layer W (27x27), a softmax, and its loss."""
import torch


def forward(xenc: torch.Tensor, W: torch.Tensor) -> torch.Tensor:
    """Return probs (n x 27): the next-character distribution for each one-hot row of xenc.

    The outputs xenc @ W are read as log-counts (logits); exponentiate them into counts
    (the analogue of N) and normalize every row to sum to 1. Together: a softmax.
    """
    # TODO: logits = xenc @ W, counts = logits.exp(), probs = counts divided by their row sums
    raise NotImplementedError('bigram/neural: logits = xenc @ W, counts = logits.exp(), probs = counts divided by their row sums')
    return probs


def loss_fn(probs: torch.Tensor, ys: torch.Tensor, W: torch.Tensor) -> torch.Tensor:
    """Return the loss (a 0-dim tensor): the average negative log likelihood of the labels
    ys under probs, plus the regularization 0.01 * (W**2).mean(), which pulls W towards 0
    (the gradient-based analogue of smoothing).
    """
    # TODO: -(log of the probability of each label).mean() + 0.01*(W**2).mean()
    raise NotImplementedError('bigram/neural: -(log of the probability of each label).mean() + 0.01*(W**2).mean()')
    return loss

