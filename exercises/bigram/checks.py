"""Checks for the bigram set (makemore part 1).

Every unit check builds its own small inputs (a few names, seeded count matrices, seeded
weights), runs your function and the hidden reference on them, and compares the results
key by key: values, dtypes, shapes, and the gradients that flow back through your code.
Where the lecture fixes a seed, the checks use it: torch.Generator().manual_seed(2147483647).

Only the two milestones read names.txt; they train on all 32033 names with your pieces.
"""
import importlib
import math

import torch
import torch.nn.functional as F

from grader.checks import check, grads

SEED = 2147483647                  # the lecture's generator seed
ALPHABET = '.abcdefghijklmnopqrstuvwxyz'
STOI = {c: i for i, c in enumerate(ALPHABET)}   # the lecture's vocabulary, '.' at 0
ITOS = dict(enumerate(ALPHABET))
THREE = ["emma", "olivia", "ava"]   # the first three names of names.txt


# ---- helpers (the checks' own code, not a solution) ---------------------------------------------

def _names(ctx, n, lo=2, hi=8):
    """n seeded lowercase names of lo..hi letters."""
    letters = ALPHABET[1:]
    return [''.join(ctx.random.choice(letters) for _ in range(ctx.random.randint(lo, hi))) for _ in range(n)]


def _pairs(words):
    """Every (previous, next) index pair of every word, with the '.' token around it."""
    out = []
    for word in words:
        idx = [0] + [STOI[c] for c in word] + [0]
        out += list(zip(idx[:-1], idx[1:]))
    return out


def _counts(words):
    """The 27x27 int32 bigram counts of words (computed here without your code)."""
    pairs = torch.tensor(_pairs(words))
    flat = torch.bincount(pairs[:, 0] * 27 + pairs[:, 1], minlength=27 * 27)
    return flat.view(27, 27).to(torch.int32)


def _random_counts(ctx, hi=40):
    """A seeded 27x27 int32 count matrix with some zeros and no all-zero row."""
    N = torch.randint(0, hi, (27, 27), generator=ctx.generator(1), dtype=torch.int32)
    N[torch.rand(27, 27, generator=ctx.generator(2)) < 0.2] = 0
    N[:, 0] += 1
    return N


def _random_P(ctx, end=0.15):
    """A seeded 27x27 probability matrix (rows sum to 1), ending a name with prob ~end, never empty."""
    P = torch.softmax(torch.randn(27, 27, generator=ctx.generator(3)), dim=1) * (1 - end)
    P[:, 0] = end
    P[0, 0] = 0.0
    return P / P.sum(1, keepdim=True)


def _shuffled_stoi(ctx):
    """A vocabulary other than the lecture's: '.' at 0, the letters at seeded places."""
    letters = list(ALPHABET[1:])
    ctx.random.shuffle(letters)
    return {'.': 0, **{c: i + 1 for i, c in enumerate(letters)}}


def _sibling(name):
    """Another module of this set, from the same folder as the exercise under test."""
    return importlib.import_module(name)


# ---- vocab ----------------------------------------------------------------------------------------

@check("vocab", "stoi and itos for ['emma', 'olivia', 'ava']: '.' is 0, the letters from 1 in sorted order")
def vocab_three(m):
    stoi, itos = m.build_vocab(list(THREE))
    return {"stoi": dict(stoi), "itos": dict(itos), "len(stoi)": len(stoi)}


@check("vocab", "names that use every letter: stoi['.'] == 0, 'a'..'z' are 1..26, itos inverts stoi", points=2)
def vocab_all_letters(m, ctx):
    words = _names(ctx, 60) + ["thequickbrownfoxjumpsoverthelazydog"]
    ctx.random.shuffle(words)
    stoi, itos = m.build_vocab(words)
    return {"stoi": dict(stoi), "itos": dict(itos), "len(stoi)": len(stoi),
            "itos[stoi[ch]] for '.' and a..z": [itos[stoi[ch]] for ch in ALPHABET]}


@check("vocab", "only the characters that occur get a number: ['zoe', 'xavier', 'quinn']")
def vocab_subset(m):
    stoi, itos = m.build_vocab(["zoe", "xavier", "quinn"])
    return {"stoi": dict(stoi), "itos": dict(itos), "len(stoi)": len(stoi)}


# ---- counts ---------------------------------------------------------------------------------------

@check("counts", "N for ['emma', 'olivia', 'ava']: a 27x27 int32 tensor with the '.' start and end counted")
def counts_three(m):
    N = m.count_bigrams(list(THREE), dict(STOI))
    return {"N": N}


@check("counts", "stoi is a parameter: N for ['emma', 'olivia', 'ava'] with the letters numbered in a seeded order")
def counts_other_stoi(m, ctx):
    return {"N": m.count_bigrams(list(THREE), _shuffled_stoi(ctx))}


@check("counts", "N for 25 seeded names: the number of bigrams, how names start (N[0]) and end (N[:, 0])", points=2)
def counts_seeded(m, ctx):
    N = m.count_bigrams(_names(ctx, 25), dict(STOI))
    return {"N.sum() (the number of bigrams)": N.sum().item(), "N[0] (first letters)": N[0],
            "N[:, 0] (last letters)": N[:, 0], "N": N}


# ---- normalize ------------------------------------------------------------------------------------

@check("normalize", "P for a seeded 27x27 count matrix with k=1: each row sums to 1, N is left unchanged", points=2)
def normalize_seeded(m, ctx):
    N = _random_counts(ctx)
    P = m.normalize(N, 1)
    # N itself, after the call: the parent compares it with the reference's (which leaves N alone)
    return {"P": P, "P.sum(1) (each row's sum)": P.sum(1), "N after the call (must be unchanged)": N.clone()}


@check("normalize", "P with k=0 (no smoothing: a zero count stays a zero probability) and with k=10")
def normalize_k(m, ctx):
    N = _random_counts(ctx)
    return {"P with k=0": m.normalize(N.clone(), 0), "P with k=10": m.normalize(N.clone(), 10)}


@check("normalize", "P for the counts of ['emma', 'olivia', 'ava'], k=1: rows never seen become uniform")
def normalize_three(m):
    N = _counts(THREE)
    seen = N.sum(1) > 0
    P = m.normalize(N, 1)
    return {"P[rows that occur]": P[seen], "P.sum(1) of those rows": P[seen].sum(1),
            "P[rows never seen] (uniform: 1/27 each)": P[~seen]}


@check("normalize", "N is a parameter of any shape: a seeded 6x9 count matrix (not square) with k=2, and N after the call")
def normalize_rect(m, ctx):
    N = torch.randint(0, 9, (6, 9), generator=ctx.generator(4), dtype=torch.int32)
    P = m.normalize(N, 2)
    return {"P": P, "N after the call (must be unchanged)": N.clone()}


# ---- nll ------------------------------------------------------------------------------------------

@check("nll", "average NLL of ['emma', 'olivia', 'ava'] under a seeded P, and P.grad", points=2, rtol=1e-4, atol=1e-5)
def nll_three(m, ctx):
    P = _random_P(ctx).requires_grad_(True)
    loss = m.average_nll(list(THREE), P, dict(STOI))
    ctx.backward(loss)
    return {"loss": loss.item(), **grads(P=P)}


@check("nll", "average NLL of the lecture's 'andrejq' under the smoothed counts of 30 seeded names, and P.grad", rtol=1e-4, atol=1e-5)
def nll_andrejq(m, ctx):
    N = _counts(_names(ctx, 30)) + 1
    P = (N / N.sum(1, keepdim=True)).requires_grad_(True)
    loss = m.average_nll(["andrejq"], P, dict(STOI))
    ctx.backward(loss)
    return {"loss": loss.item(), **grads(P=P)}


@check("nll", "milestone: the count model (+1 smoothing) on all of names.txt, built with your build_vocab, "
       "count_bigrams, normalize and average_nll", points=3, milestone=True, data=["names.txt"], timeout=60, rtol=1e-3)
def nll_milestone(m, ctx):
    words = ctx.data("names.txt").read_text().splitlines()
    stoi, itos = _sibling("vocab").build_vocab(words)
    ctx.progress(0.05, "counting the bigrams of 32033 names")
    N = _sibling("counts").count_bigrams(words, stoi)
    ctx.progress(0.5, "the average negative log likelihood")
    P = _sibling("normalize").normalize(N, 1)
    loss = m.average_nll(words, P, stoi)
    ctx.progress(1.0)
    # the lecture's loop adds 228146 float32 logs one by one and prints 2.4544; the exact average
    # is 2.4546, so an average computed another way differs in the 4th decimal: rtol=1e-3
    print(f"N.sum() = {N.sum().item()} bigrams; average NLL = {loss.item():.4f} (the lecture: 2.4544)")
    return {"N.sum() (bigrams in names.txt)": N.sum().item(), "average NLL": loss.item()}


@check("nll", "stoi is a parameter: average NLL of 'andrejq' and 'emma' with the letters numbered in a seeded order, "
       "and P.grad", rtol=1e-4, atol=1e-5)
def nll_other_stoi(m, ctx):
    P = _random_P(ctx).requires_grad_(True)
    loss = m.average_nll(["andrejq", "emma"], P, _shuffled_stoi(ctx))
    ctx.backward(loss)
    return {"loss": loss.item(), **grads(P=P)}


# ---- sample ---------------------------------------------------------------------------------------

@check("sample", "5 names from a seeded P with g = torch.Generator().manual_seed(2147483647), and g's next draw", points=2)
def sample_seeded(m, ctx):
    g = torch.Generator().manual_seed(SEED)
    names = m.sample_names(_random_P(ctx), dict(ITOS), 5, g)
    return {"names": names, "g's next draw (g is used once per character)": torch.rand(1, generator=g).item()}


@check("sample", "6 names from the smoothed counts of ['emma', 'olivia', 'ava'], seed 2147483647")
def sample_three(m):
    N = (_counts(THREE) + 1).float()
    g = torch.Generator().manual_seed(SEED)
    return {"names": m.sample_names(N / N.sum(1, keepdim=True), dict(ITOS), 6, g)}


@check("sample", "itos and g are parameters: 4 names with the letters numbered in a seeded order, g seeded with 42")
def sample_other_itos(m, ctx):
    itos = {i: c for c, i in _shuffled_stoi(ctx).items()}
    g = torch.Generator().manual_seed(42)
    return {"names": m.sample_names(_random_P(ctx), itos, 4, g)}


@check("sample", "a P where every letter is followed by '.': 8 one-letter names")
def sample_short(m, ctx):
    P = torch.zeros(27, 27)
    P[1:, 0] = 1.0
    P[0, 1:] = torch.softmax(torch.randn(26, generator=ctx.generator(5)), 0)
    g = torch.Generator().manual_seed(SEED)
    return {"names": m.sample_names(P, dict(ITOS), 8, g)}


# ---- onehot ---------------------------------------------------------------------------------------

@check("onehot", "xs and ys for 'emma': the lecture's [0, 5, 13, 13, 1] and [5, 13, 13, 1, 0], as int64 tensors")
def onehot_emma(m):
    xs, ys = m.training_set(["emma"], dict(STOI))
    return {"xs": xs, "ys": ys}


@check("onehot", "xs and ys for 30 seeded names")
def onehot_seeded(m, ctx):
    xs, ys = m.training_set(_names(ctx, 30), dict(STOI))
    return {"xs": xs, "ys": ys}


@check("onehot", "stoi is a parameter: xs and ys for 'emma' and 'ava' with the letters numbered in a seeded order")
def onehot_other_stoi(m, ctx):
    xs, ys = m.training_set(["emma", "ava"], _shuffled_stoi(ctx))
    return {"xs": xs, "ys": ys}


@check("onehot", "xenc for xs = [0, 5, 13, 13, 1]: float32, shape (5, 27), one 1.0 per row")
def onehot_encode(m):
    xenc = m.encode(torch.tensor([0, 5, 13, 13, 1]))
    return {"xenc": xenc}


@check("onehot", "xenc @ W for 20 seeded inputs: the logits, and W.grad", points=2)
def onehot_matmul(m, ctx):
    xs = torch.randint(0, 26, (20,), generator=ctx.generator(1))
    W = ctx.randn(27, 27, requires_grad=True)
    logits = m.encode(xs) @ W
    ctx.backward(logits)
    return {"logits": logits, **grads(W=W)}


# ---- neural and descent ---------------------------------------------------------------------------------------

def _emma():
    """The lecture's first example: the five bigrams of .emma., one-hot, and W from its generator."""
    xs, ys = torch.tensor([0, 5, 13, 13, 1]), torch.tensor([5, 13, 13, 1, 0])
    g = torch.Generator().manual_seed(SEED)
    W = torch.randn((27, 27), generator=g, requires_grad=True)
    return F.one_hot(xs, num_classes=27).float(), ys, W


def _softmax_rows(xenc, W):
    e = (xenc @ W).exp()
    return e / e.sum(1, keepdim=True)


def _check_loss(probs, ys, W):
    picked = probs[torch.arange(len(ys)), ys]
    return -picked.log().mean() + 0.01 * W.pow(2).mean()


@check("neural", "probs for .emma. with the lecture's W (seed 2147483647): each row sums to 1; W.grad")
def neural_forward_emma(m, ctx):
    xenc, ys, W = _emma()
    probs = m.forward(xenc, W)
    ctx.backward(probs)
    return {"probs": probs, "probs.sum(1) (each row's sum)": probs.sum(1), **grads(W=W)}


@check("neural", "probs for 27 seeded one-hot inputs, and W.grad", points=2)
def neural_forward_seeded(m, ctx):
    xenc = F.one_hot(torch.randint(0, 27, (27,), generator=ctx.generator(1)), num_classes=27).float()
    W = ctx.randn(27, 27, requires_grad=True)
    probs = m.forward(xenc, W)
    ctx.backward(probs)
    return {"probs": probs, **grads(W=W)}


@check("neural", "W is a parameter: probs and loss for 6 one-hot inputs and a 27x10 W (not square), and W.grad",
       rtol=1e-4, atol=1e-5)
def neural_rect(m, ctx):
    xenc = F.one_hot(torch.randint(0, 27, (6,), generator=ctx.generator(1)), num_classes=27).float()
    W = ctx.randn(27, 10, requires_grad=True)
    probs = m.forward(xenc, W)
    loss = m.loss_fn(probs, torch.randint(0, 10, (6,), generator=ctx.generator(2)), W)
    ctx.backward(loss)
    return {"probs": probs.detach().clone(), "loss": loss.item(), **grads(W=W)}


@check("neural", "loss for .emma. with the lecture's W (its NLL is 3.7693, plus the regularization), and W.grad",
       points=2, rtol=1e-4, atol=1e-5)
def neural_loss_emma(m, ctx):
    xenc, ys, W = _emma()
    loss = m.loss_fn(_softmax_rows(xenc, W), ys, W)
    ctx.backward(loss)
    return {"loss": loss.item(), **grads(W=W)}


@check("neural", "loss for seeded probs and labels: the value, probs.grad and W.grad", points=2, rtol=1e-4, atol=1e-5)
def neural_loss_seeded(m, ctx):
    probs = torch.softmax(ctx.randn(12, 27, offset=1), dim=1).requires_grad_(True)
    ys = torch.randint(0, 27, (12,), generator=ctx.generator(2))
    W = ctx.randn(27, 27, offset=3, requires_grad=True)
    loss = m.loss_fn(probs, ys, W)
    ctx.backward(loss)
    return {"loss": loss.item(), **grads(probs=probs, W=W)}


@check("descent", "one step (lr=50) on the loss of 3 names: W.grad, and W moved against it")
def descent_once(m, ctx):
    xs, ys = (torch.tensor(c) for c in zip(*_pairs(THREE)))
    xenc = F.one_hot(xs, 27).float()
    W = ctx.randn(27, 27, requires_grad=True)
    m.step(W, _check_loss(_softmax_rows(xenc, W), ys, W), 50)
    return {"W after the step": W.detach().clone(), **grads(W=W)}


@check("descent", "lr and W are parameters: one step at lr=10 and one at lr=50 from the same non-square W (5x8); "
       "W after each, and whether changing lr changes the step", points=2)
def descent_lr(m, ctx):
    X, T = ctx.randn(4, 5, offset=1), ctx.randn(4, 8, offset=2)
    out = {}
    for lr in (10, 50):
        W = (0.1 * ctx.randn(5, 8, offset=3)).requires_grad_(True)
        m.step(W, ((X @ W - T) ** 2).mean(), lr)
        out[f"W after a step at lr={lr}"] = W.detach().clone()
        out[f"W.grad (lr={lr})"] = W.grad
    # a hint for the student (the W's above are what is judged, in the parent)
    moved = [(out[f"W after a step at lr={lr}"] - 0.1 * ctx.randn(5, 8, offset=3)).abs().sum().item() for lr in (10, 50)]
    out["changing lr changes the step"] = abs(moved[0] - moved[1]) > 1e-6
    return out


@check("descent", "the training loop: 4 iterations of forward, loss, step (lr=50) from the lecture's W", points=2, rtol=1e-4, atol=1e-5)
def descent_loop(m, ctx):
    xs, ys = (torch.tensor(c) for c in zip(*_pairs(THREE)))
    xenc = F.one_hot(xs, 27).float()
    W = torch.randn((27, 27), generator=torch.Generator().manual_seed(SEED), requires_grad=True)
    losses = []
    for _ in range(4):
        loss = _check_loss(_softmax_rows(xenc, W), ys, W)
        losses.append(loss.item())
        m.step(W, loss, 50)
    return {"losses (they must go down)": losses, "W after 4 steps": W.detach().clone()}


@check("descent", "milestone: trained on all of names.txt with your training_set, encode, forward, loss_fn and "
       "step (100 steps, lr=50), the loss comes within 0.05 of the count model's", points=3,
       milestone=True, data=["names.txt"], timeout=60)
def descent_milestone(m, ctx):
    onehot, neural = _sibling("onehot"), _sibling("neural")
    words = ctx.data("names.txt").read_text().splitlines()
    xs, ys = onehot.training_set(words, dict(STOI))
    # the count model with +1 smoothing, computed here in one go: 2.4546 (the lecture's
    # one-by-one float32 sum prints 2.4544); the loss to come close to
    N = torch.bincount(xs * 27 + ys, minlength=27 * 27).view(27, 27) + 1
    P = N / N.sum(1, keepdim=True)
    count_nll = -P[xs, ys].log().mean().item()
    xenc = onehot.encode(xs)
    W = torch.randn((27, 27), generator=torch.Generator().manual_seed(SEED), requires_grad=True)
    first = loss = None
    steps = 100
    for k in range(steps):
        loss = neural.loss_fn(neural.forward(xenc, W), ys, W)
        value = loss.item()
        first = value if first is None else first
        if not math.isfinite(value) or (k >= 10 and value > first):
            print(f"step {k}: loss {value:.4f}: it diverges, stopping")
            break
        m.step(W, loss, 50)
        if k % 10 == 0:
            ctx.progress(k / steps, f"step {k}: loss {value:.4f}")
    final = loss.item()
    print(f"count model (+1 smoothing): {count_nll:.4f}; neural bigram after training: {final:.4f} (the lecture: 2.4901 after 100 steps)")
    return {"loss within 0.05 of the count model's": math.isfinite(final) and final < count_nll + 0.05}


def _warm_up():
    """Run each kind of torch operation once in the worker, before it forks the processes that
    run the checks, so that each of them starts warm. numpy.random too: every check is seeded
    with numpy.random.seed, and importing it in each forked process costs ~50 ms."""
    import numpy.random  # noqa: F401
    W = torch.randn(27, 27, generator=torch.Generator().manual_seed(0), requires_grad=True)
    xenc = F.one_hot(torch.tensor([0, 1]), num_classes=27).float()
    counts = (xenc @ W).exp()
    probs = counts / counts.sum(1, keepdim=True)
    loss = -probs[torch.arange(2), torch.tensor([1, 2])].log().mean() + 0.01 * (W**2).mean()
    loss.backward(torch.ones(()))
    torch.multinomial(probs[0].detach(), num_samples=1, replacement=True, generator=torch.Generator().manual_seed(0))
    W.grad.detach().numpy().tobytes()   # results travel back as numpy bytes
    torch.manual_seed(0)


_warm_up()
