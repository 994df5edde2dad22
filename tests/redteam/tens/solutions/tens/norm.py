"""Normalize each row of a 2-d tensor."""
import torch


def norm(x: torch.Tensor) -> torch.Tensor:
    # BEGIN SOLUTION: subtract the row mean, divide by the row std
    return (x - x.mean(dim=1, keepdim=True)) / x.std(dim=1, keepdim=True)
    # END SOLUTION
