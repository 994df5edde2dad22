"""Sampling: complete sequences one token at a time, feeding every prediction back in.

    X_init = torch.zeros(10, 1, dtype=torch.long)          # 10 rows, each the start token 0
    X_samp = generate(model, X_init, train_dataset.get_output_length() - 1, do_sample=True, top_k=None)

Each row of X_samp is 0, then a word's ids, then 0 (the stop token) and whatever came after it.
"""
import torch
from torch.nn import functional as F

# The milestone (the last check of this exercise) trains one of your models on names.txt:
# 'transformer' (transformer.py), 'rnn' or 'gru' (rnn.py, with gru.py's cell).
MILESTONE_MODEL = 'transformer'


@torch.no_grad()
def generate(model, idx, max_new_tokens, temperature=1.0, do_sample=False, top_k=None, generator=None):
    """Take a conditioning sequence of indices idx (LongTensor of shape (b, t)) and complete it
    max_new_tokens times; returns (b, t + max_new_tokens). The model only sees its last
    model.get_block_size() tokens. do_sample=True draws the next token with
    torch.multinomial(probs, num_samples=1, generator=generator); otherwise it takes the most likely one.

    Departure from the lecture: makemore.py samples from torch's global generator; here torch.multinomial is given the generator passed in, so a seed replays a sample.
    """
    block_size = model.get_block_size()
    for _ in range(max_new_tokens):
        # BEGIN SOLUTION: crop the context to block_size; the logits of the last step, divided by the temperature; keep only the top_k largest (the rest -inf); softmax; sample (with the generator) or take the most likely; append
        idx_cond = idx if idx.size(1) <= block_size else idx[:, -block_size:]
        logits, _ = model(idx_cond)
        logits = logits[:, -1, :] / temperature
        if top_k is not None:
            v, _ = torch.topk(logits, top_k)
            logits[logits < v[:, [-1]]] = -float('Inf')
        probs = F.softmax(logits, dim=-1)
        if do_sample:
            idx_next = torch.multinomial(probs, num_samples=1, generator=generator)
        else:
            _, idx_next = torch.topk(probs, k=1, dim=-1)
        idx = torch.cat((idx, idx_next), dim=1)
        # END SOLUTION
    return idx
