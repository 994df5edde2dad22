"""Sampling names from the model, one character at a time."""
import torch


def sample_names(P: torch.Tensor, itos: dict[int, str], num: int, g: torch.Generator) -> list[str]:
    """Return `num` names sampled from P with the generator g, as the lecture prints them
    (each ends with its '.').

    Every name starts at index 0 ('.'); the next index is drawn from the row P[ix] with
    torch.multinomial(p, num_samples=1, replacement=True, generator=g); the name stops when
    '.' (index 0) is drawn. The caller seeds g once:
    g = torch.Generator().manual_seed(2147483647).
    """
    names = []
    for i in range(num):
        # BEGIN SOLUTION: start at ix = 0, draw the next ix from P[ix] with g, collect itos[ix] until ix == 0
        out = []
        ix = 0
        while True:
            p = P[ix]
            ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
            out.append(itos[ix])
            if ix == 0:
                break
        names.append(''.join(out))
        # END SOLUTION
    return names
