"""Train/validation split and random batches of chunks, as the lecture's get_batch.

    train_data, val_data = split_data(data)          # first 90% / last 10%
    x, y = get_batch(train_data, block_size=8, batch_size=4, generator=g)
    # x[b, t] is a context token; y[b, t] is the token that follows x[b, :t+1]
"""
import torch


def split_data(data: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The first 90% of the tokens for training, the rest for validation (no shuffling)."""
    # TODO: n = int(0.9 * len(data)); train is everything before n, val everything from n
    raise NotImplementedError('gpt/batch: n = int(0.9 * len(data)); train is everything before n, val everything from n')
    return train_data, val_data


def get_batch(data: torch.Tensor, block_size: int, batch_size: int,
              generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """batch_size random chunks of block_size tokens (x), and the same chunks shifted by one (y).

    The random offsets come from exactly one call:
        torch.randint(len(data) - block_size, (batch_size,), generator=generator)
    so that the same generator gives the same batch as the reference.

    Departure from the lecture: its get_batch draws ix from torch's global generator; here from the generator it is given, so a seed replays a batch.
    """
    # TODO: random offsets ix; x stacks data[i:i+block_size], y stacks the chunk one to the right
    raise NotImplementedError('gpt/batch: random offsets ix; x stacks data[i:i+block_size], y stacks the chunk one to the right')
    return x, y
