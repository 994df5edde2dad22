"""The embedding lookup table C, and flattening a context into one input vector."""
import torch


def embed(C: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
    """Return the embeddings of the contexts X, concatenated per example.

    C is the lookup table, (vocab_size, emb_dim); X holds integer contexts,
    (num, block_size). C[X] is (num, block_size, emb_dim): row i, position j is the
    embedding of the character X[i, j]. Return it viewed as (num, block_size * emb_dim),
    the input of the hidden layer (the lecture: emb.view(-1, 6) for 3 characters of 2 dims).
    """
    # BEGIN SOLUTION: index C with X, then view the result as one row of block_size * emb_dim numbers per example
    block_size = X.shape[1]
    emb_dim = C.shape[1]
    emb = C[X]  # (num, block_size, emb_dim)
    return emb.view(-1, block_size * emb_dim)
    # END SOLUTION
