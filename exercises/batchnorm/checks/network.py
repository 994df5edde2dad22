"""Checks for makemore part 3's deep network (network.py): structure, init, forward, loss at init,
and a training milestone on names.txt. Torch checks backpropagate a fixed, seeded upstream
gradient (ctx.backward) and return the .grad of every input and parameter.
"""
import math
import random

import torch
import torch.nn.functional as F

from grader.checks import check, grads


def contexts(ctx, n, block_size=3, vocab_size=27, offset=0):
    """A seeded batch of contexts Xb (n, block_size) and targets Yb (n,), like a names.txt batch."""
    gen = ctx.generator(offset)
    return torch.randint(0, vocab_size, (n, block_size), generator=gen), torch.randint(0, vocab_size, (n,), generator=gen)


def shape(t):
    """A tensor's shape as the lecture prints it, "(30, 100)"; anything else as is."""
    return str(tuple(t.shape)) if isinstance(t, torch.Tensor) else t


LECTURE_SEED = 2147483647


# ---- network: the deep PyTorch-ified MLP --------------------------------------------------------

SMALL_NET = dict(vocab_size=27, block_size=3, n_embd=4, n_hidden=12)


@check("network", "the layers: 5 x (Linear, BatchNorm1d, Tanh), then Linear, BatchNorm1d; 47024 parameters", points=2)
def net_structure(m):
    C, layers, parameters = m.build_network()
    return {"layers": [type(layer).__name__ for layer in layers],
            "Linear layers have a bias": [getattr(layer, "bias", None) is not None for layer in layers
                                          if type(layer).__name__ == "Linear"],
            "parameter shapes": [shape(p) for p in parameters],
            "number of parameters": sum(p.nelement() for p in parameters),
            "all require grad": all(p.requires_grad for p in parameters)}


@check("network", "init: C then each Linear drawn from g (reseeded with the lecture's seed); hidden weights x 5/3, "
       "last gamma x 0.1", points=2)
def net_init(m):
    C, layers, _ = m.build_network(**SMALL_NET)
    linears = [layer for layer in layers if type(layer).__name__ == "Linear"]
    bns = [layer for layer in layers if type(layer).__name__ == "BatchNorm1d"]
    return {"C": C.detach(), "first Linear weight": linears[0].weight.detach(),
            "last Linear weight": linears[-1].weight.detach(),
            "BatchNorm gammas": [bn.gamma.detach() for bn in bns]}


@check("network", "forward: logits of a batch and the gradients of C, the first weight and the last gamma", points=2)
def net_forward(m, ctx):
    C, layers, _ = m.build_network(**SMALL_NET)
    Xb, _ = contexts(ctx, 16)
    logits = m.forward(C, layers, Xb)
    ctx.backward(logits)
    linears = [layer for layer in layers if type(layer).__name__ == "Linear"]
    return {"logits": logits.detach(), **grads(C=C, first_weight=linears[0].weight, last_gamma=layers[-1].gamma)}


@check("network", "other sizes (vocab 11, block_size 4, n_embd 3, n_hidden 9): parameter shapes and the logits of a batch of 6",
       points=1)
def net_other_sizes(m, ctx):
    C, layers, parameters = m.build_network(vocab_size=11, block_size=4, n_embd=3, n_hidden=9)
    Xb, _ = contexts(ctx, 6, block_size=4, vocab_size=11)
    with torch.no_grad():
        logits = m.forward(C, layers, Xb)
    return {"parameter shapes": [shape(p) for p in parameters], "logits": logits}


@check("network", "the loss at init of the lecture-sized network is near -log(1/27) = 3.30", points=1)
def net_initial_loss(m, ctx):
    C, layers, _ = m.build_network()
    Xb, Yb = contexts(ctx, 32)
    with torch.no_grad():
        loss = F.cross_entropy(m.forward(C, layers, Xb), Yb)
    return {"loss at init": loss}


DEV_LOSS_GOAL = 2.40
TRAIN_STEPS = 2000


def names_splits(path, block_size=3):
    """The lecture's dataset: shuffled with random.seed(42), split 80/10/10."""
    words = open(path, encoding="utf-8").read().splitlines()
    chars = sorted(set("".join(words)))
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi["."] = 0

    def build(ws):
        X, Y = [], []
        for w in ws:
            context = [0] * block_size
            for ch in w + ".":
                ix = stoi[ch]
                X.append(context)
                Y.append(ix)
                context = context[1:] + [ix]
        return torch.tensor(X), torch.tensor(Y)

    random.Random(42).shuffle(words)
    n1, n2 = int(0.8 * len(words)), int(0.9 * len(words))
    return build(words[:n1]), build(words[n1:n2])


@check("network", f"milestone: {TRAIN_STEPS} SGD steps of your network on names.txt reach a dev loss below "
       f"{DEV_LOSS_GOAL} (in eval mode)", points=3, data=["names.txt"], milestone=True, timeout=60)
def net_milestone(m, ctx):
    (Xtr, Ytr), (Xdev, Ydev) = names_splits(ctx.data("names.txt"))
    C, layers, parameters = m.build_network()
    g = torch.Generator().manual_seed(LECTURE_SEED)
    for i in range(TRAIN_STEPS):
        ix = torch.randint(0, Xtr.shape[0], (32,), generator=g)
        loss = F.cross_entropy(m.forward(C, layers, Xtr[ix]), Ytr[ix])
        for p in parameters:
            p.grad = None
        loss.backward()
        lr = 0.1 if i < TRAIN_STEPS * 3 // 4 else 0.01
        with torch.no_grad():
            for p in parameters:
                p += -lr * p.grad
        if i % 200 == 0:
            ctx.progress(i / TRAIN_STEPS, f"step {i}: loss {loss.item():.4f}")
    for layer in layers:
        layer.training = False
    with torch.no_grad():
        dev = F.cross_entropy(m.forward(C, layers, Xdev), Ydev).item()
    ctx.progress(1.0, f"dev loss {dev:.4f}")
    return {f"dev loss below {DEV_LOSS_GOAL}": dev < DEV_LOSS_GOAL, "dev loss is finite": math.isfinite(dev)}
