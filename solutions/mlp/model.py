"""The MLP of Bengio et al. 2003: embeddings, a tanh hidden layer, and the output logits."""
import torch

from embedding import embed


def init_params(block_size: int, emb_dim: int, n_hidden: int, g: torch.Generator,
                vocab_size: int = 27) -> list[torch.Tensor]:
    """Return parameters = [C, W1, b1, W2, b2], drawn from torch.randn with the generator g,
    in that order, and each with requires_grad = True:

    C  (vocab_size, emb_dim)             the embedding lookup table
    W1 (block_size * emb_dim, n_hidden)  b1 (n_hidden,)       the hidden layer
    W2 (n_hidden, vocab_size)            b2 (vocab_size,)     the output layer

    With g = torch.Generator().manual_seed(2147483647), block_size 3, emb_dim 2 and
    n_hidden 100 that is the lecture's first network: 3481 parameters.
    """
    # BEGIN SOLUTION: draw C, W1, b1, W2, b2 (in that order) from torch.randn with generator=g; make each require grad
    C = torch.randn((vocab_size, emb_dim), generator=g)
    W1 = torch.randn((block_size * emb_dim, n_hidden), generator=g)
    b1 = torch.randn(n_hidden, generator=g)
    W2 = torch.randn((n_hidden, vocab_size), generator=g)
    b2 = torch.randn(vocab_size, generator=g)
    parameters = [C, W1, b1, W2, b2]
    for p in parameters:
        p.requires_grad = True
    # END SOLUTION
    return parameters


def forward(X: torch.Tensor, parameters: list[torch.Tensor]) -> torch.Tensor:
    """Return the logits (num, vocab_size) for the contexts X (num, block_size):
    embed the contexts with embed(C, X), apply the hidden layer with tanh, then the
    output layer (no tanh on the logits)."""
    C, W1, b1, W2, b2 = parameters
    # BEGIN SOLUTION: emb from embed(C, X); h = tanh of the hidden layer; logits = the output layer of h
    emb = embed(C, X)
    h = torch.tanh(emb @ W1 + b1)
    logits = h @ W2 + b2
    # END SOLUTION
    return logits
