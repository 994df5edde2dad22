"""Checks for makemore part 5: building a WaveNet.

Torch checks backpropagate a fixed, seeded upstream gradient (ctx.backward) and return the
.grad of every input and parameter. The modules draw from torch's global generator, which the
checks seed with the lecture's torch.manual_seed(42) before building anything.
"""
import math
import random

import torch
import torch.nn.functional as F

from grader.checks import check, grads


def kept(module, out):
    """Did the module keep its output in .out (the lecture prints layer.out.shape for every layer)?"""
    return getattr(module, "out", None) is out


def contexts(ctx, n, block_size=8, vocab_size=27, offset=0):
    """A seeded batch of contexts Xb (n, block_size) and targets Yb (n,)."""
    gen = ctx.generator(offset)
    return torch.randint(0, vocab_size, (n, block_size), generator=gen), torch.randint(0, vocab_size, (n,), generator=gen)


def shape(t):
    """A tensor's shape as the lecture prints it, "(4, 8, 10)"; anything else as is."""
    return str(tuple(t.shape)) if isinstance(t, torch.Tensor) else t


# ---- embedding ----------------------------------------------------------------------------------

@check("embedding", "Embedding(27, 10) after torch.manual_seed(42): the table is randn((27, 10)); parameters() is [weight]", points=1)
def emb_init(m):
    torch.manual_seed(42)
    emb = m.Embedding(27, 10)
    return {"weight": emb.weight, "parameters()": [shape(p) for p in emb.parameters()]}


@check("embedding", "Embedding(11, 3): a batch of contexts (4, 8) looks up (4, 8, 3), kept in .out; "
       "weight.grad adds up repeated characters", points=2)
def emb_lookup(m, ctx):
    torch.manual_seed(42)
    emb = m.Embedding(11, 3)
    emb.weight.requires_grad_()
    Xb, _ = contexts(ctx, 4, vocab_size=11)
    out = emb(Xb)
    ctx.backward(out)
    return {"out": out.detach(), "self.out is the output": kept(emb, out), **grads(weight=emb.weight)}


# ---- flatten ------------------------------------------------------------------------------------

@check("flatten", "Flatten: (4, 8, 10) -> (4, 80), each example's vectors in one row", points=1)
def flatten_plain(m, ctx):
    x = ctx.randn(4, 8, 10)
    f = m.Flatten()
    out = f(x)
    return {"out": out, "self.out is the output": kept(f, out), "parameters()": f.parameters()}


@check("flatten", "FlattenConsecutive(2): (4, 8, 10) -> (4, 4, 20), pairs of consecutive characters side by side; "
       "gradient of x", points=2)
def flatten_pairs(m, ctx):
    x = ctx.randn(4, 8, 10, requires_grad=True)
    f = m.FlattenConsecutive(2)
    out = f(x)
    ctx.backward(out)
    explicit = torch.cat([x[:, ::2, :], x[:, 1::2, :]], dim=2).detach()
    same = isinstance(out, torch.Tensor) and out.shape == explicit.shape and bool(torch.equal(out.detach(), explicit))
    return {"out": out.detach(), "equals torch.cat([x[:, ::2], x[:, 1::2]], dim=2)": same,
            "self.out is the output": kept(f, out), **grads(x=x)}


@check("flatten", "the middle dimension is dropped when one group is left: (4, 2, 6) -> (4, 12); "
       "FlattenConsecutive(8): (4, 8, 10) -> (4, 80); FlattenConsecutive(4): (4, 8, 3) -> (4, 2, 12)", points=2)
def flatten_squeeze(m, ctx):
    return {"FlattenConsecutive(2) of (4, 2, 6)": m.FlattenConsecutive(2)(ctx.randn(4, 2, 6)),
            "FlattenConsecutive(8) of (4, 8, 10)": m.FlattenConsecutive(8)(ctx.randn(4, 8, 10, offset=1)),
            "FlattenConsecutive(4) of (4, 8, 3)": m.FlattenConsecutive(4)(ctx.randn(4, 8, 3, offset=2))}


@check("flatten", "a batch of one example (sampling a name): FlattenConsecutive(2) of (1, 2, 5) is (1, 10), not (10,)", points=1)
def flatten_batch_of_one(m, ctx):
    return {"FlattenConsecutive(2) of (1, 2, 5)": m.FlattenConsecutive(2)(ctx.randn(1, 2, 5))}


# ---- sequential ---------------------------------------------------------------------------------

class Scale:
    """A tiny layer for these checks: x * w, with one parameter w."""

    def __init__(self, w):
        self.w = w

    def __call__(self, x):
        self.out = x * self.w
        return self.out

    def parameters(self):
        return [self.w]


class Shift:
    """x + b, with one parameter b."""

    def __init__(self, b):
        self.b = b

    def __call__(self, x):
        self.out = x + self.b
        return self.out

    def parameters(self):
        return [self.b]


class Square:
    """x ** 2: no parameters."""

    def __call__(self, x):
        self.out = x ** 2
        return self.out

    def parameters(self):
        return []


def tiny_stack(ctx):
    w = ctx.randn(5, offset=1, requires_grad=True)
    b = ctx.randn(5, offset=2, requires_grad=True)
    v = ctx.randn(5, offset=3, requires_grad=True)
    return [Scale(w), Square(), Shift(b), Scale(v)], (w, b, v)


@check("sequential", "Sequential([Scale, Square, Shift, Scale])(x): each layer gets the previous one's output; "
       "kept in .out; gradients of x and the parameters", points=2)
def seq_call(m, ctx):
    layers, (w, b, v) = tiny_stack(ctx)
    model = m.Sequential(layers)
    x = ctx.randn(3, 5, requires_grad=True)
    out = model(x)
    ctx.backward(out)
    return {"out": out.detach(), "self.out is the output": kept(model, out), **grads(x=x, w=w, b=b, v=v)}


@check("sequential", "parameters(): every layer's parameters, in order, in one flat list", points=1)
def seq_parameters(m, ctx):
    layers, expected = tiny_stack(ctx)
    params = m.Sequential(layers).parameters()
    flat = isinstance(params, list) and all(isinstance(p, torch.Tensor) for p in params)
    return {"a flat list of tensors": flat, "number of parameters": len(params) if isinstance(params, list) else None,
            "the same tensors, in order": flat and len(params) == 3 and all(p is q for p, q in zip(params, expected))}


# ---- layers: Linear, BatchNorm1d over 3-D input, Tanh ------------------------------------------------

def bn_input(ctx, *size, offset=0, requires_grad=False):
    """Channels (the last dim) with different means and spreads."""
    c = size[-1]
    x = ctx.randn(*size, offset=offset) * torch.linspace(0.5, 3.0, c) + torch.linspace(-2.0, 2.0, c)
    return x.requires_grad_(requires_grad)


def flat(t):
    return t.detach().reshape(-1) if isinstance(t, torch.Tensor) else t


@check("layers", "Linear on 3-D input (4, 4, 20) @ (20, 8) after torch.manual_seed(42), then Tanh; gradients; "
       "and Linear(20, 5, bias=False): no bias", points=1)
def linear_tanh_3d(m, ctx):
    torch.manual_seed(42)
    lin = m.Linear(20, 8)
    lin.weight.requires_grad_()
    lin.bias.requires_grad_()
    act = m.Tanh()
    x = ctx.randn(4, 4, 20, requires_grad=True)
    out = act(lin(x))
    ctx.backward(out)
    torch.manual_seed(42)
    nobias = m.Linear(20, 5, bias=False)
    with torch.no_grad():
        out2 = nobias(x)
    return {"out": out.detach(), "Linear's .out shape": shape(getattr(lin, "out", None)),
            **grads(x=x, weight=lin.weight, bias=lin.bias),
            "Linear(20, 5, bias=False): out": out2, "Linear(20, 5, bias=False): parameters()": [shape(p) for p in nobias.parameters()]}


@check("layers", "BatchNorm1d on 2-D input (32, 6): statistics over dim 0, as in part 3", points=1)
def bn_2d(m, ctx):
    bn = m.BatchNorm1d(6)
    x = bn_input(ctx, 32, 6, requires_grad=True)
    out = bn(x)
    ctx.backward(out)
    return {"out": out.detach(), **grads(x=x), "running_mean": flat(bn.running_mean), "running_var": flat(bn.running_var)}


@check("layers", "BatchNorm1d on 3-D input (4, 4, 6): one mean and variance per channel, over dims (0, 1); "
       "running stats of shape (1, 1, 6); gradients of x, gamma, beta", points=3)
def bn_3d(m, ctx):
    bn = m.BatchNorm1d(6)
    bn.gamma = (1 + 0.5 * ctx.randn(6, offset=1)).requires_grad_()
    bn.beta = ctx.randn(6, offset=2, requires_grad=True)
    x = bn_input(ctx, 4, 4, 6, requires_grad=True)
    out = bn(x)
    ctx.backward(out)
    return {"out": out.detach(), **grads(x=x, gamma=bn.gamma, beta=bn.beta),
            "running_mean.shape": shape(bn.running_mean), "running_mean": flat(bn.running_mean),
            "running_var": flat(bn.running_var)}


@check("layers", "BatchNorm1d(6, eps=1e-2, momentum=0.5) eval mode on 3-D input, after two training batches: "
       "normalizes with the running stats", points=1)
def bn_3d_eval(m, ctx):
    bn = m.BatchNorm1d(6, eps=1e-2, momentum=0.5)
    for i in range(2):
        bn(bn_input(ctx, 8, 2, 6, offset=i))
    bn.training = False
    with torch.no_grad():
        out = bn(bn_input(ctx, 3, 2, 6, offset=5))
    return {"out": out.detach()}


# ---- model: the hierarchical network --------------------------------------------------------------

SMALL = dict(vocab_size=13, n_embd=4, n_hidden=6)


def set_by_role(model, ctx):
    """Set every parameter from a generator seeded by its role (layer index, position in that layer's
    parameters()), so a forward check does not depend on the order the weights were drawn in."""
    with torch.no_grad():
        for i, layer in enumerate(model.layers):
            for j, p in enumerate(layer.parameters()):
                g = torch.Generator().manual_seed((ctx.seed * 31 + 1009 * i + j) % 2**31)
                v = torch.randn(p.shape, generator=g)
                if p.dim() == 2 and i > 0:
                    v = v / p.shape[0] ** 0.5          # Linear: (fan_in, fan_out)
                elif p.dim() == 1:
                    v = (1 + 0.3 * v) if (type(layer).__name__ == "BatchNorm1d" and j == 0) else 0.3 * v
                p.copy_(v)


@check("model", "the layers in order and the parameter counts: 76579 (n_embd 24, n_hidden 128) and 22397 (10, 68)", points=2)
def model_structure(m):
    model = m.build_model()
    params = model.parameters()
    return {"layers": [type(layer).__name__ for layer in model.layers],
            "parameter shapes": [shape(p) for p in params],
            "number of parameters": sum(p.nelement() for p in params),
            "number of parameters, n_embd 10 and n_hidden 68": sum(p.nelement() for p in m.build_model(n_embd=10, n_hidden=68).parameters()),
            "all require grad": all(p.requires_grad for p in params)}


@check("model", "the lecture's shape walk: a batch of 4 contexts through the (10, 68) model, layer.out.shape for every layer", points=2)
def model_shapes(m, ctx):
    model = m.build_model(n_embd=10, n_hidden=68)
    Xb, _ = contexts(ctx, 4)
    logits = model(Xb)
    return {"shapes": [(type(layer).__name__, shape(getattr(layer, "out", None))) for layer in model.layers],
            "logits.shape": shape(logits)}


@check("model", "init after torch.manual_seed(42) (vocab_size 13, n_embd 4, n_hidden 6): the embedding table, "
       "the first Linear weight, and the output layer scaled by 0.1", points=2)
def model_init(m):
    model = m.build_model(**SMALL)
    linears = [layer for layer in model.layers if type(layer).__name__ == "Linear"]
    return {"embedding table": model.layers[0].weight.detach(), "first Linear weight": linears[0].weight.detach(),
            "output layer weight": linears[-1].weight.detach(), "output layer bias": flat(linears[-1].bias)}


@check("model", "forward (vocab_size 13, n_embd 4, n_hidden 6, every parameter set by role): logits of a batch of "
       "8 contexts and the gradients of the table and the first and last weights", points=2)
def model_forward(m, ctx):
    model = m.build_model(**SMALL)
    set_by_role(model, ctx)
    Xb, _ = contexts(ctx, 8, vocab_size=13)
    logits = model(Xb)
    ctx.backward(logits)
    linears = [layer for layer in model.layers if type(layer).__name__ == "Linear"]
    return {"logits": logits.detach(), **grads(table=model.layers[0].weight, first_weight=linears[0].weight,
                                               last_weight=linears[-1].weight)}


@check("model", "the loss at init of the lecture's model is near -log(1/27) = 3.30", points=1)
def model_initial_loss(m, ctx):
    model = m.build_model()
    Xb, Yb = contexts(ctx, 32)
    with torch.no_grad():
        loss = F.cross_entropy(model(Xb), Yb)
    return {"loss at init": loss}


DEV_LOSS_GOAL = 2.30
TRAIN_STEPS = 2000


def names_splits(path, block_size=8):
    """The lecture's dataset with block_size 8: shuffled with random.seed(42), split 80/10/10."""
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


@check("model", f"milestone: {TRAIN_STEPS} SGD steps of your model on names.txt (block_size 8) reach a dev loss "
       f"below {DEV_LOSS_GOAL} (in eval mode)", points=3, data=["names.txt"], milestone=True, timeout=60)
def model_milestone(m, ctx):
    (Xtr, Ytr), (Xdev, Ydev) = names_splits(ctx.data("names.txt"))
    model = m.build_model()
    parameters = model.parameters()
    g = torch.Generator().manual_seed(2147483647)
    for i in range(TRAIN_STEPS):
        ix = torch.randint(0, Xtr.shape[0], (32,), generator=g)
        loss = F.cross_entropy(model(Xtr[ix]), Ytr[ix])
        for p in parameters:
            p.grad = None
        loss.backward()
        lr = 0.1 if i < TRAIN_STEPS * 3 // 4 else 0.01
        with torch.no_grad():
            for p in parameters:
                p += -lr * p.grad
        if i % 200 == 0:
            ctx.progress(i / TRAIN_STEPS, f"step {i}: loss {loss.item():.4f}")
    for layer in model.layers:
        layer.training = False
    with torch.no_grad():
        dev = F.cross_entropy(model(Xdev), Ydev).item()
    ctx.progress(1.0, f"dev loss {dev:.4f}")
    return {f"dev loss below {DEV_LOSS_GOAL}": dev < DEV_LOSS_GOAL, "dev loss is finite": math.isfinite(dev)}


def _warm_up():
    """Run the ops the checks use once, here in the worker that forks every job: each job then
    starts with torch's lazy initialization done."""
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(4, 4, 6, generator=gen, requires_grad=True)
    ix = torch.randint(0, 4, (4, 2), generator=gen)
    h = torch.tanh(x.view(4, 2, 12) @ torch.randn(12, 6, generator=gen))
    h = (h - h.mean((0, 1), keepdim=True)) / torch.sqrt(h.var((0, 1), keepdim=True) + 1e-5)
    h = torch.cat([h[:, ::2], h[:, 1::2]], dim=2).squeeze(1) + x[ix[:, 0], ix[:, 1]].repeat(1, 2)
    F.cross_entropy(h, torch.zeros(4, dtype=torch.long)).backward()


_warm_up()
