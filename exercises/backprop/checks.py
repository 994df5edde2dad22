"""Checks for makemore part 4: becoming a backprop ninja.

Every check builds a small piece of the lecture's network, lets autograd compute the true
gradients (loss.backward() here, in the check: your code may not), then calls your manual
backward and compares, as the lecture's cmp() does: your gradient against the reference's, and
"approximate" = the same shape and torch.allclose(yours, t.grad).
"""
import torch
import torch.nn.functional as F

from grader.checks import check

LECTURE_SEED = 2147483647


def cmp(dt, t):
    """The lecture's cmp(s, dt, t), as a verdict: dt has t's shape and torch.allclose(dt, t.grad)."""
    return isinstance(dt, torch.Tensor) and dt.shape == t.grad.shape and bool(torch.allclose(dt, t.grad))


def detached(x):
    return x.detach() if isinstance(x, torch.Tensor) else x


def three(result, names):
    """Unpack a (dx, dW, db)-style tuple without crashing on a wrong return value."""
    if isinstance(result, (tuple, list)) and len(result) == len(names):
        return list(result)
    raise TypeError(f"expected a tuple of {len(names)} tensors ({', '.join(names)}), got {type(result).__name__}")


# ---- cross_entropy -------------------------------------------------------------------------------

def logits_batch(ctx, n, vocab_size=27):
    logits = (ctx.randn(n, vocab_size) * 2).requires_grad_()
    Yb = torch.randint(0, vocab_size, (n,), generator=ctx.generator(1))
    return logits, Yb


@check("cross_entropy", "dlogits of F.cross_entropy for a batch of 32 (cmp with autograd's logits.grad)", points=2)
def ce_batch(m, ctx):
    logits, Yb = logits_batch(ctx, 32)
    F.cross_entropy(logits, Yb).backward()
    dlogits = m.cross_entropy_backward(logits.detach().clone(), Yb)
    return {"dlogits": detached(dlogits), "cmp('logits', dlogits, logits) approximate": cmp(dlogits, logits)}


@check("cross_entropy", "every row of dlogits sums to zero: softmax sums to 1, minus the 1 at the target", points=1)
def ce_rows_sum_to_zero(m, ctx):
    logits, Yb = logits_batch(ctx, 32)
    dlogits = m.cross_entropy_backward(logits.detach().clone(), Yb)
    return {"dlogits.sum(1)": detached(dlogits).sum(1)}


@check("cross_entropy", "another batch size (n = 5, 7 classes): nothing may assume n = 32", points=1)
def ce_other_batch(m, ctx):
    logits, Yb = logits_batch(ctx, 5, vocab_size=7)
    F.cross_entropy(logits, Yb).backward()
    dlogits = m.cross_entropy_backward(logits.detach().clone(), Yb)
    return {"dlogits": detached(dlogits), "cmp('logits', dlogits, logits) approximate": cmp(dlogits, logits)}


# ---- linear -------------------------------------------------------------------------------------

@check("linear", "dx, dW, db for out = x @ W + b (shapes (8, 6) @ (6, 5) + (5,)), cmp with autograd", points=3)
def linear_grads(m, ctx):
    x = ctx.randn(8, 6, requires_grad=True)
    W = ctx.randn(6, 5, offset=1, requires_grad=True)
    b = ctx.randn(5, offset=2, requires_grad=True)
    out = x @ W + b
    dout = ctx.randn(8, 5, offset=3)
    out.backward(dout)
    dx, dW, db = three(m.linear_backward(dout, x.detach(), W.detach()), ["dx", "dW", "db"])
    return {"dx": detached(dx), "dW": detached(dW), "db": detached(db),
            "cmp('x', dx, x) approximate": cmp(dx, x), "cmp('W', dW, W) approximate": cmp(dW, W),
            "cmp('b', db, b) approximate": cmp(db, b)}


@check("linear", "the lecture's second layer, logits = h @ W2 + b2 (32 x 64 @ 64 x 27): cmp for h, W2 and b2", points=1)
def linear_layer2(m, ctx):
    h = torch.tanh(ctx.randn(32, 64)).requires_grad_()
    W2 = (ctx.randn(64, 27, offset=1) * 0.1).requires_grad_()
    b2 = (ctx.randn(27, offset=2) * 0.1).requires_grad_()
    logits = h @ W2 + b2
    dlogits = ctx.randn(32, 27, offset=3) / 32
    logits.backward(dlogits)
    dh, dW2, db2 = three(m.linear_backward(dlogits, h.detach(), W2.detach()), ["dh", "dW2", "db2"])
    return {"cmp('h', dh, h)": cmp(dh, h), "cmp('W2', dW2, W2)": cmp(dW2, W2), "cmp('b2', db2, b2)": cmp(db2, b2)}


# ---- tanh -----------------------------------------------------------------------------------------

@check("tanh", "dhpreact for h = tanh(hpreact), cmp with autograd", points=2)
def tanh_grad(m, ctx):
    hpreact = (ctx.randn(8, 6) * 1.5).requires_grad_()
    h = torch.tanh(hpreact)
    dh = ctx.randn(8, 6, offset=1)
    h.backward(dh)
    dhpreact = m.tanh_backward(dh, hpreact.detach(), h.detach())
    return {"dhpreact": detached(dhpreact), "cmp('hpreact', dhpreact, hpreact) approximate": cmp(dhpreact, hpreact)}


@check("tanh", "saturated units (|h| near 1) pass almost no gradient back", points=1)
def tanh_saturated(m, ctx):
    hpreact = torch.tensor([[-6.0, -3.0, -0.5, 0.0, 0.5, 3.0, 6.0]])
    h = torch.tanh(hpreact)
    dh = torch.ones_like(h)
    return {"dhpreact": detached(m.tanh_backward(dh, hpreact, h))}


# ---- batchnorm ----------------------------------------------------------------------------------

def bn_setup(ctx, n, n_hidden):
    hprebn = (ctx.randn(n, n_hidden) * 3 + 1).requires_grad_()
    bngain = (ctx.randn(1, n_hidden, offset=1) * 0.1 + 1.0).requires_grad_()
    bnbias = (ctx.randn(1, n_hidden, offset=2) * 0.1).requires_grad_()
    hpreact = bngain * (hprebn - hprebn.mean(0, keepdim=True)) / torch.sqrt(
        hprebn.var(0, keepdim=True, unbiased=True) + 1e-5) + bnbias
    dhpreact = ctx.randn(n, n_hidden, offset=3)
    hpreact.backward(dhpreact)
    return hprebn, bngain, bnbias, dhpreact


def bn_results(m, hprebn, bngain, bnbias, dhpreact):
    dhprebn, dbngain, dbnbias = three(m.batchnorm_backward(dhpreact, hprebn.detach(), bngain.detach()),
                                      ["dhprebn", "dbngain", "dbnbias"])
    return {"dhprebn": detached(dhprebn), "dbngain": detached(dbngain), "dbnbias": detached(dbnbias),
            "cmp('hprebn', dhprebn, hprebn) approximate": cmp(dhprebn, hprebn),
            "cmp('bngain', dbngain, bngain) approximate": cmp(dbngain, bngain),
            "cmp('bnbias', dbnbias, bnbias) approximate": cmp(dbnbias, bnbias)}


@check("batchnorm", "dhprebn (one formula), dbngain, dbnbias for a batch of 32 x 8, cmp with autograd", points=3)
def bn_batch(m, ctx):
    return bn_results(m, *bn_setup(ctx, 32, 8))


@check("batchnorm", "a batch of only 4 examples, where n/(n-1) = 4/3 (Bessel's correction) shows clearly", points=1)
def bn_small_batch(m, ctx):
    return bn_results(m, *bn_setup(ctx, 4, 5))


# ---- embedding ----------------------------------------------------------------------------------

def emb_check(m, C, Xb, dembcat):
    C = C.clone().requires_grad_()
    emb = C[Xb]
    embcat = emb.view(emb.shape[0], -1)
    embcat.backward(dembcat)
    dC = m.embedding_backward(dembcat, Xb, C.detach())
    return {"dC": detached(dC), "cmp('C', dC, C) approximate": cmp(dC, C)}


@check("embedding", "dC for a batch of 32 contexts of 3 characters (characters repeat), cmp with autograd", points=2)
def emb_batch(m, ctx):
    C = ctx.randn(27, 4)
    Xb = torch.randint(0, 27, (32, 3), generator=ctx.generator(1))
    return emb_check(m, C, Xb, ctx.randn(32, 12, offset=2))


@check("embedding", "the start of every name: context [0, 0, 0] again and again, all into row 0 of dC", points=1)
def emb_repeated(m, ctx):
    C = ctx.randn(27, 4)
    Xb = torch.tensor([[0, 0, 0], [0, 0, 5], [0, 5, 13], [0, 0, 0], [0, 0, 1]])
    return emb_check(m, C, Xb, ctx.randn(5, 12, offset=2))


# ---- ninja: the whole backward pass -----------------------------------------------------------------

PARAM_NAMES = ["C", "W1", "b1", "W2", "b2", "bngain", "bnbias"]


def lecture_params(ctx, vocab_size=27, block_size=3, n_embd=4, n_hidden=16):
    """The lecture's init (its generator and its non-standard scales), at a smaller size."""
    g = torch.Generator().manual_seed(LECTURE_SEED)
    C = torch.randn((vocab_size, n_embd), generator=g)
    W1 = torch.randn((n_embd * block_size, n_hidden), generator=g) * (5/3) / ((n_embd * block_size)**0.5)
    b1 = torch.randn(n_hidden, generator=g) * 0.1
    W2 = torch.randn((n_hidden, vocab_size), generator=g) * 0.1
    b2 = torch.randn(vocab_size, generator=g) * 0.1
    gb = ctx.generator(1)  # the lecture draws these two from torch's global generator
    bngain = torch.randn((1, n_hidden), generator=gb) * 0.1 + 1.0
    bnbias = torch.randn((1, n_hidden), generator=gb) * 0.1
    parameters = [C, W1, b1, W2, b2, bngain, bnbias]
    for p in parameters:
        p.requires_grad = True
    return parameters


@check("ninja", "manual_backward: the gradient of every parameter of the MLP, cmp with loss.backward()", points=4)
def ninja_grads(m, ctx):
    parameters = lecture_params(ctx)
    C, W1, b1, W2, b2, bngain, bnbias = parameters
    Xb = torch.randint(0, 27, (32, 3), generator=ctx.generator(2))
    Yb = torch.randint(0, 27, (32,), generator=ctx.generator(3))
    hprebn = C[Xb].view(32, -1) @ W1 + b1
    hpreact = bngain * (hprebn - hprebn.mean(0, keepdim=True)) * (hprebn.var(0, keepdim=True, unbiased=True) + 1e-5)**-0.5 + bnbias
    loss = F.cross_entropy(torch.tanh(hpreact) @ W2 + b2, Yb)
    loss.backward()
    grads = m.manual_backward(Xb, Yb, parameters)
    if not isinstance(grads, (list, tuple)) or len(grads) != len(parameters):
        raise TypeError(f"manual_backward must return a list of {len(parameters)} gradients, in the order of parameters")
    out = {f"d{name}": detached(d) for name, d in zip(PARAM_NAMES, grads)}
    for name, d, p in zip(PARAM_NAMES, grads, parameters):
        out[f"cmp('{name}', d{name}, {name}) approximate"] = cmp(d, p)
    return out


@check("ninja", "one SGD step with your gradients lands where the autograd step lands", points=1)
def ninja_step(m, ctx):
    parameters = lecture_params(ctx)
    Xb = torch.randint(0, 27, (32, 3), generator=ctx.generator(2))
    Yb = torch.randint(0, 27, (32,), generator=ctx.generator(3))
    grads = m.manual_backward(Xb, Yb, parameters)
    shapes_ok = isinstance(grads, (list, tuple)) and len(grads) == len(parameters) and all(
        isinstance(d, torch.Tensor) and d.shape == p.shape for d, p in zip(grads, parameters))
    if not shapes_ok:
        return {"every gradient has its parameter's shape": False, "loss after one step": None}
    with torch.no_grad():
        for p, grad in zip(parameters, grads):
            p.data += -0.1 * grad
        C, W1, b1, W2, b2, bngain, bnbias = parameters
        hprebn = C[Xb].view(32, -1) @ W1 + b1
        hpreact = bngain * (hprebn - hprebn.mean(0, keepdim=True)) * (hprebn.var(0, keepdim=True, unbiased=True) + 1e-5)**-0.5 + bnbias
        loss = F.cross_entropy(torch.tanh(hpreact) @ W2 + b2, Yb)
    return {"every gradient has its parameter's shape": True, "loss after one step": loss}


def _warm_up():
    """Run the ops the checks use once, here in the worker that forks every job: each job then
    starts with torch's lazy initialization done (about 0.1 s less per job)."""
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(8, 6, generator=gen, requires_grad=True)
    ix = torch.randint(0, 6, (8, 3), generator=gen)
    h = torch.tanh(x @ x[:6].T + x.var(0, keepdim=True)[:, :6] + x.std(0)[:6] + x[ix].view(8, -1)[:, :6])
    F.cross_entropy(h, torch.zeros(8, dtype=torch.long)).backward()
    torch.allclose(F.softmax(h.detach(), 1), h.detach())


_warm_up()
