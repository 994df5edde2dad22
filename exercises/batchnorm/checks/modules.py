"""Checks for makemore part 3: activations, gradients and BatchNorm (init, linear, batchnorm1d;
network.py and diagnostics.py beside this file hold the rest).

Torch checks backpropagate a fixed, seeded upstream gradient (ctx.backward) and return the
.grad of every input and parameter. Where the lecture fixes a seed, the checks use it.
Small networks keep the results small; lecture-sized ones are summarized by a few numbers.
"""
import torch
import torch.nn.functional as F

from grader.checks import check, grads

LECTURE_SEED = 2147483647  # torch.Generator().manual_seed(2147483647), as in the lecture


def lecture_g():
    return torch.Generator().manual_seed(LECTURE_SEED)


def contexts(ctx, n, block_size=3, vocab_size=27, offset=0):
    """A seeded batch of contexts Xb (n, block_size) and targets Yb (n,), like a names.txt batch."""
    gen = ctx.generator(offset)
    return torch.randint(0, vocab_size, (n, block_size), generator=gen), torch.randint(0, vocab_size, (n,), generator=gen)


def shape(t):
    """A tensor's shape as the lecture prints it, "(30, 100)"; anything else as is."""
    return str(tuple(t.shape)) if isinstance(t, torch.Tensor) else t


def kept(module, out):
    """Did the module keep its output in .out (the lecture's plots read layer.out)?"""
    return getattr(module, "out", None) is out


def bn_forward(params, Xb):
    """The lecture's training-loop forward pass of the part-3 MLP (batch statistics, std)."""
    C, W1, W2, b2, bngain, bnbias = params
    emb = C[Xb]
    embcat = emb.view(emb.shape[0], -1)
    hpreact = embcat @ W1
    hpreact = bngain * (hpreact - hpreact.mean(0, keepdim=True)) / hpreact.std(0, keepdim=True) + bnbias
    h = torch.tanh(hpreact)
    return h @ W2 + b2


# ---- init: Kaiming init and a calm first loss ---------------------------------------------------

SMALL = dict(vocab_size=27, block_size=3, n_embd=4, n_hidden=16)


@check("init", "W1 is Kaiming-initialized: randn * (5/3) / sqrt(fan_in), drawn from g right after C", points=2)
def w1_kaiming(m):
    C, W1, *_ = m.init_params(**SMALL, g=lecture_g())
    big = m.init_params()[1]  # lecture size: fan_in = 30, so W1.std() should be near (5/3)/sqrt(30) = 0.304
    return {"C": C.detach(), "W1": W1.detach(),
            "W1.std() at lecture size (about 0.304)": big.detach().std()}


@check("init", "the output layer starts small: W2 = randn * 0.01, b2 = randn * 0 (drawn after W1)", points=1)
def output_layer(m):
    _, _, W2, b2, *_ = m.init_params(**SMALL, g=lecture_g())
    return {"W2": W2.detach(), "b2": b2.detach()}


@check("init", "BatchNorm gain (ones) and bias (zeros) of shape (1, n_hidden); 12097 parameters, all requiring grad", points=1)
def bn_params(m):
    params = m.init_params(**SMALL, g=lecture_g())
    big = m.init_params()
    return {"shapes": [shape(p) for p in params], "bngain": params[4].detach(), "bnbias": params[5].detach(),
            "requires_grad": [bool(p.requires_grad) for p in params],
            "number of parameters at lecture size": sum(p.nelement() for p in big)}


@check("init", "other sizes (vocab 11, block_size 4, n_embd 5, n_hidden 7) and a generator of your caller's: "
       "every tensor drawn from that g, W1 scaled by its own fan_in = 20", points=1)
def init_other_sizes(m):
    g = torch.Generator().manual_seed(LECTURE_SEED + 1)
    params = m.init_params(vocab_size=11, block_size=4, n_embd=5, n_hidden=7, g=g)
    return {"shapes": [shape(p) for p in params], **{name: p.detach() for name, p in
            zip(["C", "W1", "W2", "b2", "bngain", "bnbias"], params)}}


@check("init", "the loss at init is about -log(1/27) = 3.30, not a confident wrong guess", points=1)
def initial_loss(m, ctx):
    params = m.init_params()
    Xb, Yb = contexts(ctx, 32)
    with torch.no_grad():
        loss = F.cross_entropy(bn_forward(params, Xb), Yb)
    return {"loss at init": loss}


@check("init", "the hidden layer at init: std of embcat @ W1 (about 5/3: not 1, not 9) and the share of saturated units, |tanh| > 0.99",
       points=1, atol=2e-3)
def not_saturated(m, ctx):
    C, W1, *_ = m.init_params()
    Xb, _ = contexts(ctx, 1000)
    with torch.no_grad():
        hpreact = C[Xb].view(Xb.shape[0], -1) @ W1
        h = torch.tanh(hpreact)
    return {"hpreact.std()": hpreact.std(), "share of |h| > 0.99": (h.abs() > 0.99).float().mean()}


# ---- linear: Linear and Tanh modules ------------------------------------------------------------

@check("linear", "Linear(12, 8): weight drawn from g as randn / sqrt(fan_in), shape (fan_in, fan_out); bias zeros", points=2)
def linear_init(m):
    m.g.manual_seed(LECTURE_SEED)
    lin = m.Linear(12, 8)
    return {"weight": lin.weight, "bias": lin.bias, "parameters()": [shape(p) for p in lin.parameters()]}


@check("linear", "Linear forward x @ weight + bias, kept in .out; gradients of x, weight and bias", points=2)
def linear_forward(m, ctx):
    m.g.manual_seed(LECTURE_SEED)
    lin = m.Linear(12, 8)
    lin.weight.requires_grad_()
    lin.bias = ctx.randn(8, offset=1, requires_grad=True)  # a nonzero bias, so adding it shows
    x = ctx.randn(5, 12, requires_grad=True)
    out = lin(x)
    ctx.backward(out)
    return {"out": out.detach(), "self.out is the output": kept(lin, out), **grads(x=x, weight=lin.weight, bias=lin.bias)}


@check("linear", "Linear(5, 9) then Linear(9, 3): each weight drawn from g in turn, scaled by its own fan_in; "
       "the forward pass of a batch of 4 through both", points=1)
def linear_other_sizes(m, ctx):
    m.g.manual_seed(LECTURE_SEED)
    a, b = m.Linear(5, 9), m.Linear(9, 3)
    x = ctx.randn(4, 5)
    with torch.no_grad():
        out = b(a(x))
    return {"first weight": a.weight, "second weight": b.weight, "out": out}


@check("linear", "Linear(12, 8, bias=False): no bias, parameters() is [weight], output x @ weight", points=1)
def linear_no_bias(m, ctx):
    m.g.manual_seed(LECTURE_SEED)
    lin = m.Linear(12, 8, bias=False)
    x = ctx.randn(5, 12)
    return {"bias": lin.bias, "parameters()": [shape(p) for p in lin.parameters()], "out": lin(x)}


@check("linear", "Tanh: torch.tanh, kept in .out, no parameters; gradient of x", points=1)
def tanh_module(m, ctx):
    t = m.Tanh()
    x = (ctx.randn(5, 8) * 2).requires_grad_()
    out = t(x)
    ctx.backward(out)
    return {"out": out.detach(), "self.out is the output": kept(t, out), "parameters()": t.parameters(), **grads(x=x)}


# ---- batchnorm1d --------------------------------------------------------------------------------

def bn_input(ctx, n=32, dim=6, offset=0, requires_grad=False):
    """Features with different means and spreads, as a hidden layer's pre-activations have."""
    scale = torch.linspace(0.5, 4.0, dim)
    shift = torch.linspace(-3.0, 2.0, dim)
    return (ctx.randn(n, dim, offset=offset) * scale + shift).requires_grad_(requires_grad)


def flat(t):
    return t.detach().reshape(-1) if isinstance(t, torch.Tensor) else t


@check("batchnorm1d", "a new BatchNorm1d(6): gamma ones, beta zeros, running_mean zeros, running_var ones, training on", points=1)
def bn_init(m):
    bn = m.BatchNorm1d(6)
    return {"gamma": bn.gamma, "beta": bn.beta, "running_mean": bn.running_mean, "running_var": bn.running_var,
            "training": bn.training, "eps": bn.eps, "momentum": bn.momentum,
            "parameters()": [shape(p) for p in bn.parameters()]}


@check("batchnorm1d", "training mode: each feature normalized over the batch (dim 0, unbiased var, eps inside the sqrt), "
       "then gamma * xhat + beta; gradients of x, gamma and beta", points=3)
def bn_train_forward(m, ctx):
    bn = m.BatchNorm1d(6)
    bn.gamma = (1 + 0.5 * ctx.randn(6, offset=1)).requires_grad_()
    bn.beta = ctx.randn(6, offset=2, requires_grad=True)
    x = bn_input(ctx, requires_grad=True)
    out = bn(x)
    ctx.backward(out)
    return {"out": out.detach(), "self.out is the output": kept(bn, out), **grads(x=x, gamma=bn.gamma, beta=bn.beta)}


@check("batchnorm1d", "features with a tiny spread (std 0.001): eps = 1e-5 is added to the variance inside the sqrt", points=1)
def bn_tiny_variance(m, ctx):
    bn = m.BatchNorm1d(4)
    x = ctx.randn(32, 4) * torch.tensor([1e-3, 3e-3, 1e-2, 1.0])
    return {"out": bn(x).detach()}


@check("batchnorm1d", "running_mean and running_var after three training batches: momentum 0.1, "
       "updated without tracking gradients", points=2)
def bn_running_stats(m, ctx):
    bn = m.BatchNorm1d(6)
    bn.gamma.requires_grad_()
    bn.beta.requires_grad_()
    for i in range(3):
        bn(bn_input(ctx, offset=i, requires_grad=True))
    return {"running_mean": flat(bn.running_mean), "running_var": flat(bn.running_var),
            "running_mean.requires_grad": bool(getattr(bn.running_mean, "requires_grad", False)),
            "running_var.requires_grad": bool(getattr(bn.running_var, "requires_grad", False))}


@check("batchnorm1d", "BatchNorm1d(3, eps=0.5, momentum=0.3): the layer uses its own eps and momentum, "
       "not the defaults (two training batches, then eval)", points=1)
def bn_eps_momentum(m, ctx):
    bn = m.BatchNorm1d(3, eps=0.5, momentum=0.3)
    outs = [flat(bn(bn_input(ctx, n=9, dim=3, offset=i))) for i in range(2)]
    bn.training = False
    with torch.no_grad():
        out = bn(bn_input(ctx, n=5, dim=3, offset=7))
    return {"outputs in training": outs, "running_mean": flat(bn.running_mean), "running_var": flat(bn.running_var),
            "output in eval mode": out.detach()}


@check("batchnorm1d", "eval mode (training = False): normalizes with the running statistics and leaves them unchanged", points=2)
def bn_eval(m, ctx):
    bn = m.BatchNorm1d(6)
    for i in range(2):
        bn(bn_input(ctx, offset=i))
    bn.training = False
    x = bn_input(ctx, n=5, offset=9)  # 5 examples: their own statistics would differ a lot
    with torch.no_grad():
        out = bn(x)
    return {"out": out.detach(), "running_mean after the eval call": flat(bn.running_mean),
            "running_var after the eval call": flat(bn.running_var)}


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
