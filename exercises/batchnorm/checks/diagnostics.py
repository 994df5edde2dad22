"""Checks for makemore part 3's instruments (diagnostics.py): activation, gradient, weight and
update statistics, first on layers whose outputs the check sets itself, then on the lecture's deep
network after a few seeded training steps. Statistics are compared as numbers (rtol 1e-4).
"""
import math
import random

import torch

from grader.checks import check

TOL = dict(rtol=1e-4, atol=1e-8)  # float32 statistics, summed in any order


class Stand_in:
    """A layer that is not a Tanh (a Linear or a BatchNorm1d): only its .out matters here."""

    def __init__(self, out):
        self.out = out


def crafted_layers(m, ctx, n, widths, scales, norm=True):
    """Linear, BatchNorm1d, Tanh blocks (one per width), then an output pair, each .out set by the
    check: the Tanh outputs are tanh(randn * scale), so a larger scale saturates more; every Tanh
    output carries a seeded .grad, with a small offset so that its mean is not zero. Without `norm`,
    the lecture's first deep network: Linear, Tanh blocks and one output Linear, so the last Tanh
    is layers[-2] and only the output layer is left out."""
    layers = []
    for k, (w, s) in enumerate(zip(widths, scales)):
        pre = ctx.randn(n, w, offset=10 * k) * s
        t = m.Tanh()
        t.out = torch.tanh(pre).requires_grad_()
        t.out.grad = ctx.randn(n, w, offset=10 * k + 1) * 1e-3 * (k + 1) + 1e-4 * (k - 1)
        layers += [Stand_in(pre * 2), Stand_in(pre), t] if norm else [Stand_in(pre), t]
    last = ctx.randn(n, 5, offset=99)
    return layers + ([Stand_in(last), Stand_in(last * 3)] if norm else [Stand_in(last)])


def columns(stats, names):
    """[(i, a, b), ...] -> {"layer": [i, ...], names[0]: [a, ...], ...}: one list per column."""
    if not isinstance(stats, (list, tuple)) or not all(isinstance(r, (list, tuple)) and len(r) == len(names) for r in stats):
        return {"rows": repr(stats)[:200]}
    return {name: [r[j] for r in stats] for j, name in enumerate(names)}


ACT = ["layer", "mean", "std", "saturated %"]
GRAD = ["layer", "grad mean", "grad std"]
WEIGHT = ["shape", "grad mean", "grad std", "grad:data ratio"]


def shapes(stats):
    return {**stats, "shape": [str(tuple(s)) for s in stats["shape"]]} if "shape" in stats else stats


@check("diagnostics", "activation_stats: mean, std and % saturated (|out| > 0.97) of 3 Tanh layers of a batch of 40", points=2, **TOL)
def act_stats(m, ctx):
    layers = crafted_layers(m, ctx, 40, [7, 5, 9], [0.6, 2.0, 4.0])
    return columns(m.activation_stats(layers), ACT)


@check("diagnostics", "activation_stats on other layers: 2 Tanh layers (widths 4 and 11) of a batch of 13, with no "
       "BatchNorm (the lecture's first deep network: its last Tanh is layers[-2], and counts)", points=1, **TOL)
def act_stats_other(m, ctx):
    layers = crafted_layers(m, ctx, 13, [4, 11], [3.0, 1.0], norm=False)
    return columns(m.activation_stats(layers), ACT)


@check("diagnostics", "gradient_stats: mean and std of each Tanh layer's out.grad (3 layers, then 2 other ones)", points=1, **TOL)
def grad_stats(m, ctx):
    a = columns(m.gradient_stats(crafted_layers(m, ctx, 40, [7, 5, 9], [0.6, 2.0, 4.0])), GRAD)
    b = columns(m.gradient_stats(crafted_layers(m, ctx, 13, [4, 11], [3.0, 1.0], norm=False)), GRAD)
    return {"3 layers": a, "2 layers": b}


def crafted_parameters(ctx):
    """C, a weight, a BatchNorm's gamma and beta (1-D), an output weight: seeded data and .grad."""
    shapes_ = [(27, 4), (12, 7), (7,), (7,), (7, 27)]
    params = []
    for k, s in enumerate(shapes_):
        p = (ctx.randn(*s, offset=20 + k) * (0.2 + 0.3 * k) + (1.0 if k == 2 else 0.0)).requires_grad_()
        p.grad = ctx.randn(*s, offset=30 + k) * 10.0 ** -(k + 1) + 1e-4 * k
        params.append(p)
    return params


@check("diagnostics", "weight_stats: for the 2-D parameters only, grad mean and std and grad.std() / p.std()", points=1, **TOL)
def weight_stats(m, ctx):
    return shapes(columns(m.weight_stats(crafted_parameters(ctx)), WEIGHT))


@check("diagnostics", "update_ratios: log10((lr * p.grad).std() / p.data.std()) of every parameter, at lr 0.1 and at lr 0.01", points=1, **TOL)
def ud_row(m, ctx):
    params = crafted_parameters(ctx)
    return {"ud at lr 0.1": m.update_ratios(params, 0.1), "ud at lr 0.01": m.update_ratios(params, 0.01)}


def contexts(ctx, n, block_size=3, vocab_size=27, offset=0):
    gen = ctx.generator(offset)
    return torch.randint(0, vocab_size, (n, block_size), generator=gen), torch.randint(0, vocab_size, (n,), generator=gen)


def instruments(m, C, layers, parameters, lossi, ud):
    return {"lossi": lossi, "ud": ud,
            "activation_stats": columns(m.activation_stats(layers), ACT),
            "gradient_stats": columns(m.gradient_stats(layers), GRAD),
            "weight_stats": shapes(columns(m.weight_stats(parameters), WEIGHT))}


@check("diagnostics", "train: the lecture's deep network (build_network()), 4 steps of batch 32 at lr 0.1: lossi, ud, "
       "and every statistic after them", points=3, **TOL)
def train_lecture(m, ctx):
    Xtr, Ytr = contexts(ctx, 1000)
    C, layers, parameters = m.build_network()
    lossi, ud = m.train(C, layers, parameters, Xtr, Ytr, 4)
    return instruments(m, C, layers, parameters, lossi, ud)


@check("diagnostics", "train at other sizes (block_size 4, n_embd 3, n_hidden 12), 3 steps of batch 16 at lr 0.05", points=1, **TOL)
def train_other(m, ctx):
    Xtr, Ytr = contexts(ctx, 300, block_size=4)
    C, layers, parameters = m.build_network(block_size=4, n_embd=3, n_hidden=12)
    lossi, ud = m.train(C, layers, parameters, Xtr, Ytr, 3, batch_size=16, lr=0.05)
    return instruments(m, C, layers, parameters, lossi, ud)


MILESTONE_STEPS = 600


def names_train(path, block_size=3):
    """The lecture's training split of names.txt: shuffled with random.seed(42), the first 80%."""
    words = open(path, encoding="utf-8").read().splitlines()
    chars = sorted(set("".join(words)))
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi["."] = 0
    random.Random(42).shuffle(words)
    X, Y = [], []
    for w in words[:int(0.8 * len(words))]:
        context = [0] * block_size
        for ch in w + ".":
            X.append(context)
            Y.append(stoi[ch])
            context = context[1:] + [stoi[ch]]
    return torch.tensor(X), torch.tensor(Y)


@check("diagnostics", f"milestone: {MILESTONE_STEPS} steps on names.txt; the weights' update:data ratios (ud, the mean of "
       "the last 100 steps) settle between -3.5 and -1.5, near the lecture's -3, and no Tanh layer saturates over 5%",
       points=2, data=["names.txt"], milestone=True, timeout=120)
def milestone(m, ctx):
    Xtr, Ytr = names_train(ctx.data("names.txt"))
    C, layers, parameters = m.build_network()
    lossi, ud = [], []
    for k in range(0, MILESTONE_STEPS, 50):
        a, b = m.train(C, layers, parameters, Xtr, Ytr, 50)
        lossi += a
        ud += b
        ctx.progress((k + 50) / MILESTONE_STEPS, f"step {k + 50}: loss {10 ** a[-1]:.4f}")
    weights = [j for j, p in enumerate(parameters) if p.ndim == 2]
    last = [sum(row[j] for row in ud[-100:]) / 100 for j in weights]
    ctx.progress(1.0, "ud of the weights: " + " ".join(f"{r:+.2f}" for r in last))
    act = m.activation_stats(layers)
    return {"every weight's ud between -3.5 and -1.5": all(math.isfinite(r) and -3.5 < r < -1.5 for r in last),
            "no Tanh layer saturated over 5%": all(row[3] < 5.0 for row in act),
            "the loss went down": 10 ** (sum(lossi[-50:]) / 50) < 10 ** lossi[0]}
