"""How good is a model? The average negative log likelihood of the words under it."""
import torch


def average_nll(words: list[str], P: torch.Tensor, stoi: dict[str, int]) -> torch.Tensor:
    """Return the average negative log likelihood of every bigram of `words` under P
    (a 0-dim tensor; lower is better).

    For each bigram (ch1, ch2) of each word, wrapped in '.' tokens as when counting, the
    model gives prob = P[ix1, ix2]. The likelihood of the data is the product of these
    probabilities; its log is the sum of their logs. The loss is the negative of that sum,
    averaged over n, the number of bigrams.
    """
    # BEGIN SOLUTION: add up log(P[ix1, ix2]) over every bigram, counting them in n; return -log_likelihood / n
    log_likelihood = 0.0
    n = 0
    for w in words:
        chs = ['.'] + list(w) + ['.']
        for ch1, ch2 in zip(chs, chs[1:]):
            ix1 = stoi[ch1]
            ix2 = stoi[ch2]
            prob = P[ix1, ix2]
            logprob = torch.log(prob)
            log_likelihood += logprob
            n += 1
    nll = -log_likelihood
    return nll / n
    # END SOLUTION
