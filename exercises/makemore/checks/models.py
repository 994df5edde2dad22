"""Checks of bow.py, rnn.py, gru.py and transformer.py. Each runs on your module and on the reference;
the results are compared.

Weights are set by ROLE: every check writes seeded values into the parameters named as in
makemore.py (wte.weight, cell.xh_to_h.weight, transformer.h.0.attn.c_attn.weight, ...), so the order
in which you create them never matters, but the names do. Sizes differ on purpose (n_embd != n_embd2,
sequences shorter than block_size). Gradients come from a backward pass with a fixed random upstream
gradient (or from the loss), for every input and parameter.
"""
import atexit
import importlib
import math
import os
import zlib
from dataclasses import dataclass

import numpy.random  # noqa: F401  loaded here, in the trusted worker: the engine seeds it in every job
import torch

from grader.checks import check, grads

# skip torch's slow teardown when the worker exits (jobs end with os._exit and never run this)
atexit.register(os._exit, 0)


@dataclass
class Config:
    """The same fields as makemore.py's ModelConfig (your models only read them)."""
    block_size: int = None
    vocab_size: int = None
    n_layer: int = 4
    n_embd: int = 64
    n_embd2: int = 64
    n_head: int = 4


SMALL = Config(block_size=9, vocab_size=11, n_layer=2, n_embd=12, n_embd2=20, n_head=3)
OTHER = Config(block_size=6, vocab_size=7, n_layer=1, n_embd=8, n_embd2=5, n_head=2)


def _get(model, name):
    obj = model
    for part in name.split("."):
        if not hasattr(obj, part) and hasattr(obj, "__getitem__"):
            obj = obj[int(part)] if part.isdigit() else obj[part]
        else:
            obj = getattr(obj, part)
    return obj


def set_roles(model, ctx, names):
    """Write seeded values into the named tensors (makemore.py's names); returns {name: tensor}.
    Weights of linear layers are scaled by 1/sqrt(fan_in); LayerNorm weights are near 1."""
    found = {}
    for name in names:
        try:
            t = _get(model, name)
        except (AttributeError, KeyError, IndexError, ValueError):
            raise AttributeError(f"your model has no {name!r} (makemore.py's name for it)") from None
        if not isinstance(t, torch.Tensor):
            raise AttributeError(f"{name!r} should be a tensor, it is {type(t).__name__}")
        g = ctx.generator(zlib.crc32(name.encode()) % 100_000)
        v = torch.randn(t.shape, generator=g, dtype=t.dtype)
        if name.endswith(".bias"):
            v = 0.2 * v
        elif ("ln_" in name) and name.endswith(".weight"):
            v = 1 + 0.2 * v
        elif t.dim() == 2 and "wte" not in name and "wpe" not in name:
            v = v / math.sqrt(t.shape[1])
        with torch.no_grad():
            t.copy_(v)
        found[name] = t
    return found


def parameter_list(model):
    """'name (shape)' of every parameter, sorted by name: the order you create them in does not matter."""
    return sorted(f"{n} {tuple(p.shape)}" for n, p in model.named_parameters())


def backward(ctx, out):
    g = torch.randn(out.shape, generator=ctx.generator(7919), dtype=out.dtype)
    (out * g).sum().backward()


def linear(prefix):
    return [f"{prefix}.weight", f"{prefix}.bias"]


def tokens(ctx, cfg, B, T, offset=0, targets=False):
    """Seeded token ids (B, T); with targets=True also targets, ending with the stop token 0 then -1s as padding."""
    idx = torch.randint(0, cfg.vocab_size, (B, T), generator=ctx.generator(offset))
    if not targets:
        return idx
    y = torch.randint(1, cfg.vocab_size, (B, T), generator=ctx.generator(offset + 1))
    for b in range(B):
        end = 2 + b % (T - 2)
        y[b, end] = 0
        y[b, end + 1:] = -1
    return idx, y


def changed_positions(f, idx, at, new_value):
    """Edit the token at position `at`; the positions whose logits change."""
    idx2 = idx.clone()
    idx2[:, at] = new_value
    with torch.no_grad():
        a, b = f(idx)[0], f(idx2)[0]
    diff = (a - b).abs().amax(dim=(0, 2))
    return ", ".join(str(t) for t in range(idx.shape[1]) if diff[t] > 0) or "none"


def mask_buffers(module, block_size):
    """Every buffer with block_size**2 entries, as a (block_size, block_size) float tensor: the causal
    mask must be one of them (its name and its leading dimensions of size 1 are yours to choose)."""
    n = block_size
    return [b.detach().reshape(n, n).float() for b in module.buffers() if b.numel() == n * n]


def model_run(model, ctx, names, cfg, B, T):
    """Set the weights by role; logits of idx; loss on targets with -1 padding; every gradient."""
    params = set_roles(model, ctx, names)
    idx, y = tokens(ctx, cfg, B, T, targets=True)
    logits, loss = model(idx, y)
    logits_only, no_loss = model(idx)
    loss.backward()
    return {"logits": logits, "loss": loss, "loss without targets": no_loss, **grads(**params)}


# ---- bow -----------------------------------------------------------------------------------------

def bow_names(cfg):
    return ["wte.weight", "wpe.weight", *linear("context_block.mlp.c_fc"), *linear("context_block.mlp.c_proj"),
            *linear("lm_head")]


@check("bow", "CausalBoW: output and x.grad for T=6 < block_size=9 (mask cropped); the mask is a buffer", points=2)
def cbow_values(m, ctx):
    mod = m.CausalBoW(SMALL)
    x = ctx.randn(2, 6, 5, requires_grad=True)
    out = mod(x)
    backward(ctx, out)
    return {"out": out, **grads(x=x), "buffers (the tril mask, registered with register_buffer)": mask_buffers(mod, SMALL.block_size),
            "parameters": parameter_list(mod)}


@check("bow", "CausalBoW causality probe: edit the input at position 3 of 9; which output positions change", points=1)
def cbow_causal(m, ctx):
    mod = m.CausalBoW(SMALL)
    x = ctx.randn(2, 9, 4)
    x2 = x.clone()
    x2[:, 3] = ctx.randn(2, 4, offset=1)
    with torch.no_grad():
        diff = (mod(x) - mod(x2)).abs().amax(dim=(0, 2))
    return {"positions whose output changed (3 and later)": [t for t in range(9) if diff[t] > 0]}


@check("bow", "BoWBlock (n_embd 12, n_embd2 20): output and the gradients of x and of mlp.c_fc, mlp.c_proj", points=2)
def bowblock_values(m, ctx):
    block = m.BoWBlock(SMALL)
    params = set_roles(block, ctx, [*linear("mlp.c_fc"), *linear("mlp.c_proj")])
    x = ctx.randn(3, 7, SMALL.n_embd, requires_grad=True)
    out = block(x)
    backward(ctx, out)
    return {"out": out, **grads(x=x, **params), "parameters": parameter_list(block)}


@check("bow", "BoW: logits, the loss (targets padded with -1) and the gradient of every parameter, T=7 < block_size=9", points=3)
def bow_model(m, ctx):
    model = m.BoW(SMALL)
    return {"parameters": parameter_list(model), **model_run(model, ctx, bow_names(SMALL), SMALL, 3, 7)}


@check("bow", "BoW causality probe (and another config: n_embd 8, n_embd2 5, T = block_size = 6): "
       "edit the token at position 2; which logits change", points=1)
def bow_causal(m, ctx):
    model = m.BoW(OTHER)
    set_roles(model, ctx, bow_names(OTHER))
    idx = tokens(ctx, OTHER, 2, 6)
    res = model_run(model, ctx, bow_names(OTHER), OTHER, 2, 6)
    return {"positions whose logits changed (2 and later)": changed_positions(model, idx, 2, (idx[:, 2] + 1) % 7),
            "logits": res["logits"], "loss": res["loss"]}


# ---- rnn -----------------------------------------------------------------------------------------

def rnn_names(cell):
    cells = {"rnn": linear("cell.xh_to_h"),
             "gru": [*linear("cell.xh_to_z"), *linear("cell.xh_to_r"), *linear("cell.xh_to_hbar")]}[cell]
    return ["start", "wte.weight", *cells, *linear("lm_head")]


def cell_run(m, ctx, cls, names, cfg):
    cell = cls(cfg)
    params = set_roles(cell, ctx, names)
    xt = ctx.randn(4, cfg.n_embd, offset=1, requires_grad=True)
    hprev = (0.8 * ctx.randn(4, cfg.n_embd2, offset=2)).requires_grad_()
    ht = cell(xt, hprev)
    backward(ctx, ht)
    return {"ht": ht, **grads(xt=xt, hprev=hprev, **params), "parameters": parameter_list(cell)}


@check("rnn", "RNNCell (n_embd 12, n_embd2 20): ht, and the gradients of xt, hprev and xh_to_h", points=2)
def rnncell_values(m, ctx):
    return cell_run(m, ctx, m.RNNCell, linear("xh_to_h"), SMALL)


@check("rnn", "RNN(cell_type='rnn'): logits, the loss (targets padded with -1), the gradient of every parameter "
       "(start included: it is learned)", points=3)
def rnn_model(m, ctx):
    model = m.RNN(SMALL, cell_type="rnn")
    return {"parameters": parameter_list(model), **model_run(model, ctx, rnn_names("rnn"), SMALL, 3, 7)}


@check("rnn", "the hidden state is carried: edit the token at position 2 of 8; which logits change "
       "(another config: n_embd 8, n_embd2 5)", points=2)
def rnn_carried(m, ctx):
    model = m.RNN(OTHER, cell_type="rnn")
    set_roles(model, ctx, rnn_names("rnn"))
    idx = tokens(ctx, OTHER, 2, 8)
    with torch.no_grad():
        logits, _ = model(idx)
    return {"positions whose logits changed (2 and every later one)": changed_positions(model, idx, 2, (idx[:, 2] + 1) % 7),
            "logits": logits}


# ---- gru -----------------------------------------------------------------------------------------

GRU_CELL = [*linear("xh_to_z"), *linear("xh_to_r"), *linear("xh_to_hbar")]


@check("gru", "GRUCell (n_embd 12, n_embd2 20): ht, and the gradients of xt, hprev and the three gates' weights", points=3)
def grucell_values(m, ctx):
    return cell_run(m, ctx, m.GRUCell, GRU_CELL, SMALL)


@check("gru", "GRUCell gates pinned: z = 0 keeps hprev; z = 1 gives the candidate; r = 0 hides hprev from the candidate",
       points=2)
def grucell_gates(m, ctx):
    cfg = OTHER
    cell = m.GRUCell(cfg)
    set_roles(cell, ctx, GRU_CELL)
    xt, hprev = ctx.randn(3, cfg.n_embd, offset=1), ctx.randn(3, cfg.n_embd2, offset=2)
    out = {}
    with torch.no_grad():
        for label, gate, bias in [("z = 0", "xh_to_z", -1e4), ("z = 1", "xh_to_z", 1e4), ("z = 1, r = 0", "xh_to_r", -1e4)]:
            if label == "z = 1, r = 0":
                cell.xh_to_z.bias.fill_(1e4)
            getattr(cell, gate).weight.zero_()
            getattr(cell, gate).bias.fill_(bias)
            out[f"ht with {label}"] = cell(xt, hprev)
    return out


@check("gru", "RNN(cell_type='gru'): logits, the loss and the gradient of every parameter", points=3)
def gru_model(m, ctx):
    model = importlib.import_module("rnn").RNN(SMALL, cell_type="gru")
    return {"parameters": parameter_list(model), **model_run(model, ctx, rnn_names("gru"), SMALL, 3, 7)}


@check("gru", "the hidden state is carried through the GRU: edit the token at position 2 of 8; which logits change", points=1)
def gru_carried(m, ctx):
    model = importlib.import_module("rnn").RNN(OTHER, cell_type="gru")
    set_roles(model, ctx, rnn_names("gru"))
    idx = tokens(ctx, OTHER, 2, 8)
    return {"positions whose logits changed (2 and every later one)": changed_positions(model, idx, 2, (idx[:, 2] + 1) % 7)}


# ---- transformer ---------------------------------------------------------------------------------

def block_names(prefix=""):
    return [*linear(f"{prefix}ln_1"), *linear(f"{prefix}attn.c_attn"), *linear(f"{prefix}attn.c_proj"),
            *linear(f"{prefix}ln_2"), *linear(f"{prefix}mlp.c_fc"), *linear(f"{prefix}mlp.c_proj")]


def transformer_names(cfg):
    return ["transformer.wte.weight", "transformer.wpe.weight",
            *[n for i in range(cfg.n_layer) for n in block_names(f"transformer.h.{i}.")],
            *linear("transformer.ln_f"), "lm_head.weight"]


@check("transformer", "NewGELU on -6..6 (and its gradient): the tanh approximation, 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))",
       points=2)
def gelu_values(m):
    x = torch.linspace(-6, 6, 49, dtype=torch.float64, requires_grad=True)
    out = m.NewGELU()(x)
    out.sum().backward()
    return {"out": out, **grads(x=x)}


@check("transformer", "CausalSelfAttention (n_embd 12, 3 heads, T=7 < block_size=9): output and the gradients of x, "
       "c_attn and c_proj; the mask is a buffer", points=3)
def attn_values(m, ctx):
    attn = m.CausalSelfAttention(SMALL)
    params = set_roles(attn, ctx, [*linear("c_attn"), *linear("c_proj")])
    x = ctx.randn(2, 7, SMALL.n_embd, requires_grad=True)
    out = attn(x)
    backward(ctx, out)
    return {"out": out, **grads(x=x, **params), "buffers (the tril mask, registered with register_buffer)": mask_buffers(attn, SMALL.block_size),
            "parameters": parameter_list(attn)}


@check("transformer", "CausalSelfAttention causality probe (8 channels, 2 heads, T = block_size = 6): edit position 2; "
       "which outputs change", points=1)
def attn_causal(m, ctx):
    attn = m.CausalSelfAttention(OTHER)
    set_roles(attn, ctx, [*linear("c_attn"), *linear("c_proj")])
    x = ctx.randn(2, 6, OTHER.n_embd)
    x2 = x.clone()
    x2[:, 2] = ctx.randn(2, OTHER.n_embd, offset=1)
    with torch.no_grad():
        a, b = attn(x), attn(x2)
    diff = (a - b).abs().amax(dim=(0, 2))
    return {"positions whose output changed (2 and later)": [t for t in range(6) if diff[t] > 0], "out": a}


@check("transformer", "Block: output and the gradients of x and every parameter (pre-LayerNorm, residuals)", points=3)
def block_values(m, ctx):
    block = m.Block(SMALL)
    params = set_roles(block, ctx, block_names())
    x = ctx.randn(2, 7, SMALL.n_embd, requires_grad=True)
    out = block(x)
    backward(ctx, out)
    return {"out": out, **grads(x=x, **params), "parameters": parameter_list(block)}


@check("transformer", "Transformer (2 layers): logits, the loss (targets padded with -1) and the gradient of every parameter",
       points=3)
def transformer_model(m, ctx):
    model = m.Transformer(SMALL)
    return {"parameters": parameter_list(model), **model_run(model, ctx, transformer_names(SMALL), SMALL, 3, 7)}


@check("transformer", "Transformer causality probe (another config: 1 layer, n_embd 8, 2 heads, T = block_size = 6): "
       "edit the token at position 2; which logits change", points=1)
def transformer_causal(m, ctx):
    model = m.Transformer(OTHER)
    set_roles(model, ctx, transformer_names(OTHER))
    idx = tokens(ctx, OTHER, 2, 6)
    with torch.no_grad():
        logits, _ = model(idx)
    return {"positions whose logits changed (2 and later)": changed_positions(model, idx, 2, (idx[:, 2] + 1) % 7),
            "logits": logits}
