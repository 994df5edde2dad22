"""Checks for makemore part 4: becoming a backprop ninja.

Inside a check only your manual backward pass runs, on seeded inputs, and its raw gradients come
back. No autograd runs here: the grader compares your gradients, key by key, with the
reference's (exact / close / wrong and maxdiff, like the lecture's cmp()), and the project's own
tests prove that the reference's gradients equal autograd's on these very inputs. Shapes count:
a gradient has the shape of its tensor (the lecture's cmp() would let a broadcastable one pass).

The input builders (`*_inputs`) are plain functions so that those tests can rebuild the inputs.
"""
import torch
import torch.nn.functional as F

from grader.checks import check

LECTURE_SEED = 2147483647


def raw(x):
    """A result as it came back: tensors detached, anything else as is (the grader names it)."""
    return x.detach() if isinstance(x, torch.Tensor) else x


def unpack(result, names):
    """A (dx, dW, db)-style tuple as a dict of named results; anything else is reported as is."""
    if isinstance(result, (tuple, list)) and len(result) == len(names):
        return {name: raw(r) for name, r in zip(names, result)}
    return {f"({', '.join(names)})": raw(result) if isinstance(result, torch.Tensor) else repr(type(result).__name__)}


# ---- steps: every atomic step of the forward pass, backwards ------------------------------------------

# From the loss backwards, in the order of the lecture's cmp() calls: the first wrong one is the step to fix.
STEPS = ["logprobs", "probs", "counts_sum_inv", "counts_sum", "counts", "norm_logits", "logit_maxes", "logits",
         "h", "W2", "b2", "hpreact", "bngain", "bnbias", "bnraw", "bnvar_inv", "bnvar", "bndiff2", "bndiff",
         "bnmeani", "hprebn", "embcat", "W1", "b1", "emb", "C"]


def steps_results(m, ctx, sizes):
    Xb, Yb, parameters = network_inputs(ctx, **sizes)
    grads = m.manual_backward_steps(Xb, Yb, [p.clone() for p in parameters])
    if not isinstance(grads, dict):
        return {"the dict of gradients": repr(type(grads).__name__)}
    return {f"{i:02d} d{name}": raw(grads.get(f"d{name}")) for i, name in enumerate(STEPS, 1)}


@check("steps", "every step's gradient at the lecture's sizes (n_embd 10, n_hidden 64, a batch of 32), "
       "listed from the loss backwards", points=4)
def steps_lecture(m, ctx):
    return steps_results(m, ctx, LECTURE_SIZES)


@check("steps", "every step's gradient at other sizes (vocab 11, block_size 4, n_embd 3, n_hidden 7, "
       "a batch of 9): nothing may assume the lecture's", points=2)
def steps_other_sizes(m, ctx):
    return steps_results(m, ctx, OTHER_SIZES)


# ---- cross_entropy -------------------------------------------------------------------------------

def ce_inputs(ctx, n, vocab_size):
    logits = ctx.randn(n, vocab_size) * 2
    Yb = torch.randint(0, vocab_size, (n,), generator=ctx.generator(1))
    return logits, Yb


@check("cross_entropy", "dlogits of F.cross_entropy for a batch of 32 over 27 characters", points=2)
def ce_batch(m, ctx):
    logits, Yb = ce_inputs(ctx, 32, 27)
    return {"dlogits": raw(m.cross_entropy_backward(logits, Yb))}


@check("cross_entropy", "every row of dlogits sums to zero (softmax sums to 1, minus the 1 at the target), "
       "and the target's entry is (p - 1) / n, below zero", points=1)
def ce_rows_sum_to_zero(m, ctx):
    logits, Yb = ce_inputs(ctx, 32, 27)
    dlogits = raw(m.cross_entropy_backward(logits, Yb))
    if not isinstance(dlogits, torch.Tensor) or dlogits.shape != logits.shape:
        return {"dlogits": dlogits}
    return {"dlogits.sum(1)": dlogits.sum(1), "dlogits[range(n), Yb]": dlogits[range(32), Yb]}


@check("cross_entropy", "another batch size (n = 5, 7 classes): nothing may assume n = 32 or 27 classes", points=1)
def ce_other_batch(m, ctx):
    logits, Yb = ce_inputs(ctx, 5, 7)
    return {"dlogits": raw(m.cross_entropy_backward(logits, Yb))}


# ---- linear -------------------------------------------------------------------------------------

def linear_inputs(ctx, n, fan_in, fan_out, scale=1.0):
    """x, W, b and the upstream gradient dout for out = x @ W + b."""
    x = ctx.randn(n, fan_in)
    W = ctx.randn(fan_in, fan_out, offset=1) * scale
    b = ctx.randn(fan_out, offset=2) * scale
    dout = ctx.randn(n, fan_out, offset=3)
    return x, W, b, dout


@check("linear", "dx, dW, db for out = x @ W + b (shapes (8, 6) @ (6, 5) + (5,))", points=3)
def linear_grads(m, ctx):
    x, W, b, dout = linear_inputs(ctx, 8, 6, 5)
    return unpack(m.linear_backward(dout, x, W), ["dx", "dW", "db"])


@check("linear", "the lecture's second layer, logits = h @ W2 + b2 (32 x 64 @ 64 x 27): dh, dW2, db2", points=1)
def linear_layer2(m, ctx):
    h, W2, b2, dlogits = linear_inputs(ctx, 32, 64, 27, scale=0.1)
    h = torch.tanh(h)
    return unpack(m.linear_backward(dlogits / 32, h, W2), ["dh", "dW2", "db2"])


# ---- tanh -----------------------------------------------------------------------------------------

def tanh_inputs(ctx, n, dim):
    hpreact = ctx.randn(n, dim) * 1.5
    return hpreact, torch.tanh(hpreact), ctx.randn(n, dim, offset=1)


@check("tanh", "dhpreact for h = tanh(hpreact), a batch of 8 x 6", points=2)
def tanh_grad(m, ctx):
    hpreact, h, dh = tanh_inputs(ctx, 8, 6)
    return {"dhpreact": raw(m.tanh_backward(dh, hpreact, h))}


@check("tanh", "saturated units (|h| near 1) pass almost no gradient back", points=1)
def tanh_saturated(m, ctx):
    hpreact = torch.tensor([[-6.0, -3.0, -0.5, 0.0, 0.5, 3.0, 6.0]])
    h = torch.tanh(hpreact)
    return {"dhpreact": raw(m.tanh_backward(torch.ones_like(h), hpreact, h))}


# ---- batchnorm ----------------------------------------------------------------------------------

def bn_inputs(ctx, n, n_hidden):
    hprebn = ctx.randn(n, n_hidden) * 3 + 1
    bngain = ctx.randn(1, n_hidden, offset=1) * 0.1 + 1.0
    bnbias = ctx.randn(1, n_hidden, offset=2) * 0.1
    dhpreact = ctx.randn(n, n_hidden, offset=3)
    return hprebn, bngain, bnbias, dhpreact


def bn_results(m, hprebn, bngain, bnbias, dhpreact):
    return unpack(m.batchnorm_backward(dhpreact, hprebn, bngain), ["dhprebn", "dbngain", "dbnbias"])


@check("batchnorm", "dhprebn (one formula), dbngain, dbnbias for a batch of 32 x 8", points=3)
def bn_batch(m, ctx):
    return bn_results(m, *bn_inputs(ctx, 32, 8))


@check("batchnorm", "a batch of only 4 examples, where n/(n-1) = 4/3 (Bessel's correction) shows clearly", points=1)
def bn_small_batch(m, ctx):
    return bn_results(m, *bn_inputs(ctx, 4, 5))


# ---- embedding ----------------------------------------------------------------------------------

def emb_inputs(ctx, vocab_size, n_embd, n, block_size):
    C = ctx.randn(vocab_size, n_embd)
    Xb = torch.randint(0, vocab_size, (n, block_size), generator=ctx.generator(1))
    return C, Xb, ctx.randn(n, block_size * n_embd, offset=2)


@check("embedding", "dC for the lecture's sizes: C (27, 10), a batch of 32 contexts of 3 (characters repeat)", points=1)
def emb_batch(m, ctx):
    C, Xb, dembcat = emb_inputs(ctx, 27, 10, 32, 3)
    return {"dC": raw(m.embedding_backward(dembcat, Xb, C))}


@check("embedding", "other sizes: C (9, 2), 7 contexts of 5 characters; nothing may assume block_size = 3", points=1)
def emb_other_sizes(m, ctx):
    C, Xb, dembcat = emb_inputs(ctx, 9, 2, 7, 5)
    return {"dC": raw(m.embedding_backward(dembcat, Xb, C))}


def emb_repeated_inputs(ctx):
    C = ctx.randn(27, 4)
    Xb = torch.tensor([[0, 0, 0], [0, 0, 5], [0, 5, 13], [0, 0, 0], [0, 0, 1]])
    return C, Xb, ctx.randn(5, 12, offset=2)


@check("embedding", "the start of every name: context [0, 0, 0] again and again, all into row 0 of dC", points=1)
def emb_repeated(m, ctx):
    C, Xb, dembcat = emb_repeated_inputs(ctx)
    return {"dC": raw(m.embedding_backward(dembcat, Xb, C))}


# ---- ninja: the whole backward pass -----------------------------------------------------------------

PARAM_NAMES = ["C", "W1", "b1", "W2", "b2", "bngain", "bnbias"]
LECTURE_SIZES = dict(vocab_size=27, block_size=3, n_embd=10, n_hidden=64, n=32)
OTHER_SIZES = dict(vocab_size=11, block_size=4, n_embd=3, n_hidden=7, n=9)


def network_inputs(ctx, vocab_size, block_size, n_embd, n_hidden, n):
    """The lecture's init (its generator and its non-standard scales) and a batch drawn from g."""
    g = torch.Generator().manual_seed(LECTURE_SEED)
    C = torch.randn((vocab_size, n_embd), generator=g)
    W1 = torch.randn((n_embd * block_size, n_hidden), generator=g) * (5/3) / ((n_embd * block_size)**0.5)
    b1 = torch.randn(n_hidden, generator=g) * 0.1
    W2 = torch.randn((n_hidden, vocab_size), generator=g) * 0.1
    b2 = torch.randn(vocab_size, generator=g) * 0.1
    gb = ctx.generator(1)  # the lecture draws these two from torch's global generator
    bngain = torch.randn((1, n_hidden), generator=gb) * 0.1 + 1.0
    bnbias = torch.randn((1, n_hidden), generator=gb) * 0.1
    Xb = torch.randint(0, vocab_size, (n, block_size), generator=g)
    Yb = torch.randint(0, vocab_size, (n,), generator=g)
    return Xb, Yb, [C, W1, b1, W2, b2, bngain, bnbias]


def forward_loss(Xb, Yb, parameters):
    """The lecture's training forward pass (no autograd: nothing requires grad here)."""
    C, W1, b1, W2, b2, bngain, bnbias = parameters
    hprebn = C[Xb].view(Xb.shape[0], -1) @ W1 + b1
    bnvar_inv = (hprebn.var(0, keepdim=True, unbiased=True) + 1e-5)**-0.5
    hpreact = bngain * (hprebn - hprebn.mean(0, keepdim=True)) * bnvar_inv + bnbias
    return F.cross_entropy(torch.tanh(hpreact) @ W2 + b2, Yb)


def ninja_results(m, ctx, sizes):
    Xb, Yb, parameters = network_inputs(ctx, **sizes)
    grads = m.manual_backward(Xb, Yb, [p.clone() for p in parameters])
    if not isinstance(grads, (list, tuple)) or len(grads) != len(parameters):
        return {"[dC, dW1, db1, dW2, db2, dbngain, dbnbias]": repr(type(grads).__name__)}
    return {f"d{name}": raw(d) for name, d in zip(PARAM_NAMES, grads)}


@check("ninja", "manual_backward at the lecture's sizes (n_embd 10, n_hidden 64, a batch of 32): every parameter's gradient", points=3)
def ninja_grads(m, ctx):
    return ninja_results(m, ctx, LECTURE_SIZES)


@check("ninja", "other sizes (vocab 11, block_size 4, n_embd 3, n_hidden 7, a batch of 9): every parameter's gradient", points=1)
def ninja_other_sizes(m, ctx):
    return ninja_results(m, ctx, OTHER_SIZES)


@check("ninja", "one SGD step (lr 0.1) with your gradients: the loss after it", points=1)
def ninja_step(m, ctx):
    Xb, Yb, parameters = network_inputs(ctx, **LECTURE_SIZES)
    grads = m.manual_backward(Xb, Yb, [p.clone() for p in parameters])
    shapes_ok = isinstance(grads, (list, tuple)) and len(grads) == len(parameters) and all(
        isinstance(d, torch.Tensor) and d.shape == p.shape for d, p in zip(grads, parameters))
    if not shapes_ok:
        return {"every gradient has its parameter's shape": False, "loss after one step": None}
    with torch.no_grad():
        stepped = [p + -0.1 * d.detach() for p, d in zip(parameters, grads)]
        loss = forward_loss(Xb, Yb, stepped)
    return {"every gradient has its parameter's shape": True, "loss after one step": loss}


def _warm_up():
    """Run the ops the checks use once, here in the worker that forks every job: each job then
    starts with torch's lazy initialization done (about 0.1 s less per job)."""
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(8, 6, generator=gen)
    ix = torch.randint(0, 6, (8, 3), generator=gen)
    h = torch.tanh(x @ x[:6].T + x.var(0, keepdim=True)[:, :6] + x.std(0)[:6] + x[ix].view(8, -1)[:, :6])
    F.cross_entropy(h, torch.zeros(8, dtype=torch.long))
    F.softmax(h, 1)
    F.one_hot(h.max(1).indices, num_classes=6) * h.exp().sum(1, keepdim=True)**-1


_warm_up()
