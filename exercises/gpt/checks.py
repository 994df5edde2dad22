"""Checks of the gpt set. Each one runs on your module and on the reference; the results are compared.

Every parameter is set explicitly BY ROLE before a check runs, from a generator seeded by the role's
name: so your module and the reference get identical weights whatever order you create the layers
in. A role is the lecture's name where the name is part of the exercise (key, query, value, proj,
heads.0, sa, ffwd, ln1, ln2, ln_f, token_embedding_table, ...); inside a FeedForward the two linear
layers are told apart by shape (net.0: n_embd -> 4*n_embd, net.2: back); in a layer norm the gain
(gamma, or nn.LayerNorm's weight) and the shift (beta, or bias) are found by name, or as the 1-D
parameter created as ones / zeros. The "parameters" checks list the roles (sorted) with their shapes,
and gradients are reported by role too.
Sizes are varied from check to check (head_size != block_size, T < block_size, dropout > 0 in
train mode with torch.manual_seed right before the forward pass, and eval mode).
Gradients come from a backward pass with a fixed random upstream gradient.
"""
import atexit
import importlib
import math
import os
import zlib

import numpy.random  # noqa: F401  loaded here, in the trusted worker: the engine seeds it in every job
import torch
from torch import nn
from torch.nn import functional as F

from grader.checks import check, grads

# This file is imported once, by the worker that forks the jobs. When grading is over, that worker
# would spend 0.3-0.8 s tearing torch down before it exits, and the grader waits for it: skip the
# teardown. (Jobs end with os._exit and never run this; only the worker does, as its last act.)
atexit.register(os._exit, 0)

SHAKESPEARE = ("First Citizen:\nBefore we proceed any further, hear me speak.\n\n"
               "All:\nSpeak, speak.\n\nFirst Citizen:\nYou are all resolved rather to die than to famish?\n")

LN_NAMES = {"ln1", "ln2", "ln_f"}   # the layer norms of Block and GPTLanguageModel


def _named_tensors(mod) -> list:
    """(name, tensor) of a module's parameters; for a plain object (the lecture's own LayerNorm1d
    class is not an nn.Module) its tensor attributes."""
    if isinstance(mod, nn.Module):
        return list(mod.named_parameters())
    return [(k, v) for k, v in vars(mod).items() if isinstance(v, torch.Tensor) and k != "out"]


def _ln_roles(mod, prefix: str) -> dict:
    """A layer norm's gain -> prefix+'gamma', its shift -> prefix+'beta' (by name, else by how it was created)."""
    found = _named_tensors(mod)
    out, rest = {}, []
    for name, p in found:
        if name in ("gamma", "weight"):
            out[prefix + "gamma"] = p
        elif name in ("beta", "bias"):
            out[prefix + "beta"] = p
        else:
            rest.append((name, p))
    for name, p in rest:
        if p.dim() == 1 and prefix + "gamma" not in out and bool((p == 1).all()):
            out[prefix + "gamma"] = p
        elif p.dim() == 1 and prefix + "beta" not in out and bool((p == 0).all()):
            out[prefix + "beta"] = p
        else:
            out[prefix + name] = p
    return out


def _ffwd_roles(mod, prefix: str) -> dict:
    """A FeedForward's expanding layer -> net.0, its projection back -> net.2, told apart by shape."""
    found = _named_tensors(mod)
    mats = [p for _, p in found if p.dim() == 2]
    vecs = [p for _, p in found if p.dim() == 1]
    if len(mats) == 2 and len(vecs) <= 2 and mats[0].shape == mats[1].shape[::-1] and mats[0].shape[0] != mats[0].shape[1]:
        up, down = sorted(mats, key=lambda w: -w.shape[0])          # (4n, n) then (n, 4n)
        out = {prefix + "net.0.weight": up, prefix + "net.2.weight": down}
        for b in vecs:
            role = prefix + ("net.0.bias" if b.shape[0] == up.shape[0] else "net.2.bias")
            if role in out:
                break
            out[role] = b
        else:
            return out
    return {prefix + name: p for name, p in found}


def roles(model, kind: str | None = None) -> dict:
    """role -> parameter tensor, for every parameter of the model (see the module docstring)."""
    out = {}

    def visit(mod, prefix, kind):
        if kind == "ln" or isinstance(mod, nn.LayerNorm):
            out.update(_ln_roles(mod, prefix))
            return
        if kind == "ffwd":
            out.update(_ffwd_roles(mod, prefix))
            return
        if not isinstance(mod, nn.Module):
            out.update({prefix + k: v for k, v in _named_tensors(mod)})
            return
        for name, p in mod.named_parameters(recurse=False):
            out[prefix + name] = p
        for name, child in mod.named_children():
            visit(child, prefix + name + ".", "ln" if name in LN_NAMES else "ffwd" if name == "ffwd" else None)
        for name, child in vars(mod).items():   # a layer norm kept as a plain object (not a submodule)
            if name in LN_NAMES and not isinstance(child, nn.Module) and child is not None:
                visit(child, prefix + name + ".", "ln")

    visit(model, "", kind)
    return out


def parameters(model, kind: str | None = None) -> dict:
    """'role': 'shape' for every parameter, sorted by role, and how many distinct tensors there are
    (one head repeated shares its tensors between roles)."""
    r = roles(model, kind)
    return {"number of parameter tensors": len({id(p) for p in r.values()}),
            **{role: str(tuple(p.shape)) for role, p in sorted(r.items())}}


def set_roles(model, ctx, kind: str | None = None) -> dict:
    """Set every parameter from a generator seeded by its role; returns role -> tensor (for grads).
    Linear weights ~ randn / sqrt(fan_in); layer norm gains ~ 1 + 0.3 randn; shifts and biases ~ 0.3 randn."""
    r = roles(model, kind)
    with torch.no_grad():
        for role, p in sorted(r.items()):
            g = torch.Generator().manual_seed((ctx.seed * 31 + zlib.crc32(role.encode())) % 2**31)
            v = torch.randn(p.shape, generator=g, dtype=torch.float64)
            if role.endswith("gamma"):
                v = 1 + 0.3 * v
            elif p.dim() == 1:
                v = 0.3 * v
            elif p.dim() == 2 and "embedding" not in role:
                v = v / math.sqrt(p.shape[1])
            p.copy_(v.to(p.dtype))
    for p in r.values():
        if not p.requires_grad and p.is_leaf:   # a plain tensor (the lecture's LayerNorm1d): make it trainable
            p.requires_grad_()
    return r


def role_grads(r: dict) -> dict:
    return {f"{role}.grad": p.grad for role, p in sorted(r.items())}


def backward(ctx, out: torch.Tensor) -> None:
    """Backpropagate the fixed, seeded upstream gradient of ctx.backward(out), through a scalar.

    (out * g).sum().backward() gives exactly the gradients of out.backward(g); it avoids the
    1-2 s import (sympy, via torch.fx) that torch does on the first non-scalar backward of a process."""
    g = torch.randn(out.shape, generator=ctx.generator(7919), dtype=out.dtype)
    (out * g).sum().backward()


def causality_probe(f, x: torch.Tensor, new_token, edit_at: int = 5) -> dict:
    """Replace only the input at position `edit_at`; list the positions whose output changed.
    In a causal model they are edit_at and later: an earlier one means information leaks from the future."""
    x2 = x.clone()
    x2[:, edit_at] = new_token
    with torch.no_grad():
        a, b = f(x), f(x2)
    diff = (a - b).abs().flatten(2).amax(dim=(0, 2))
    changed = [t for t in range(x.shape[1]) if diff[t] > 0]
    return {f"no output before position {edit_at} changed (nothing leaks from the future)":
            all(t >= edit_at for t in changed),
            f"positions whose output changed when the token at {edit_at} was edited":
            ", ".join(map(str, changed)) or "none"}


def dropout_probe(module, x, seed: int) -> dict:
    """The output in train mode, torch.manual_seed(seed) right before the forward pass (dropout draws
    from torch's global generator), and in eval mode (dropout is the identity)."""
    module.train()
    torch.manual_seed(seed)
    with torch.no_grad():
        train = module(x)
    module.eval()
    with torch.no_grad():
        ev = module(x)
    return {"train mode (dropout on, torch.manual_seed(%d) first)" % seed: train, "eval mode (dropout off)": ev}


def generator_probe(generate, prompt, n: int) -> dict:
    """generate's sample with seeded generators: the same generator seed under two different global
    seeds must give the same tokens (the generator is used), another generator seed other tokens."""
    with torch.no_grad():
        torch.manual_seed(1)
        a = generate(prompt, max_new_tokens=n, generator=torch.Generator().manual_seed(1337))
        torch.manual_seed(2)
        b = generate(prompt, max_new_tokens=n, generator=torch.Generator().manual_seed(1337))
        torch.manual_seed(1)
        c = generate(prompt, max_new_tokens=n, generator=torch.Generator().manual_seed(7))
    return {"generate ignores its generator argument": not torch.equal(a, b),
            "another generator seed gives another sample": not torch.equal(a, c),
            "the prompt is kept": bool(torch.equal(a[:, :prompt.shape[1]], prompt)), "tokens": a}


# ---- 1. chars: the character-level tokenizer ------------------------------------------------------

@check("chars", "build_vocab: sorted distinct characters, stoi and itos numbered from 0", points=2)
def vocab_small(m):
    chars, stoi, itos = m.build_vocab(SHAKESPEARE)
    return {"chars": list(chars), "vocab_size": len(chars), "stoi": stoi, "itos": itos}


@check("chars", "encode('hii there') and decode it back", points=1)
def hii_there(m):
    chars, stoi, itos = m.build_vocab(SHAKESPEARE + "hii there")
    ids = m.encode("hii there", stoi)
    return {"encode('hii there')": list(ids), "decode(encode('hii there'))": m.decode(ids, itos)}


@check("chars", "round trip decode(encode(s)) == s on seeded random text (letters, punctuation, newlines)", points=1)
def round_trip(m, ctx):
    pool = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ \n!?.,;:'-&$3"
    text = "".join(ctx.random.choice(pool) for _ in range(300))
    chars, stoi, itos = m.build_vocab(text)
    s = text[17:80]
    ids = m.encode(s, stoi)
    return {"encode(s)": list(ids), "decode(encode(s))": m.decode(ids, itos), "round trip equals s": m.decode(ids, itos) == s}


@check("chars", "tinyshakespeare: the lecture's 65 characters, and encode('hii there')", points=1,
       data=["tinyshakespeare.txt"])
def shakespeare_vocab(m, ctx):
    text = ctx.data("tinyshakespeare.txt").read_text(encoding="utf-8")
    chars, stoi, itos = m.build_vocab(text)
    return {"vocab_size": len(chars), "''.join(chars)": "".join(chars),
            "encode('hii there')": list(m.encode("hii there", stoi))}


# ---- 2. batch: split and get_batch -----------------------------------------------------------------

@check("batch", "split_data: the first 90% (int(0.9 * len(data))) for training, the rest for validation")
def split(m):
    data = torch.arange(53)
    train, val = m.split_data(data)
    return {"len(train_data)": len(train), "len(val_data)": len(val), "train_data": train, "val_data": val}


@check("batch", "get_batch(data, block_size=8, batch_size=4, generator seeded 1337): x, and y = x shifted by one", points=3)
def batch_lecture_sizes(m, ctx):
    data = torch.randint(0, 65, (500,), generator=ctx.generator())
    g = torch.Generator().manual_seed(1337)
    x, y = m.get_batch(data, 8, 4, g)
    return {"y[:, :-1] == x[:, 1:] (targets shifted by one)": x.shape == y.shape and bool(torch.equal(y[:, :-1], x[:, 1:])),
            "x": x, "y": y}


@check("batch", "get_batch on a short tensor: offsets up to len(data) - block_size, every chunk full length")
def batch_short_data(m):
    data = torch.arange(100, 112)  # 12 tokens, block_size 10: only offsets 0 and 1 are possible
    g = torch.Generator().manual_seed(42)
    x, y = m.get_batch(data, 10, 6, g)
    return {"x": x, "y": y}


@check("batch", "get_batch with no generator uses torch's global generator (torch.manual_seed(1337) first)")
def batch_global_rng(m, ctx):
    data = torch.randint(0, 65, (300,), generator=ctx.generator())
    torch.manual_seed(1337)
    x, y = m.get_batch(data, 8, 4)
    return {"x": x, "y": y}


# ---- 3. bigram: the bigram language model ----------------------------------------------------------

def _bigram(m, ctx, vocab_size):
    torch.manual_seed(1337)
    model = m.BigramLanguageModel(vocab_size)
    return model, set_roles(model, ctx)


@check("bigram", "parameters: one token_embedding_table of (vocab_size, vocab_size), vocab_size 27 and 13")
def bigram_params(m):
    return {"vocab 27": parameters(m.BigramLanguageModel(27)), "vocab 13": parameters(m.BigramLanguageModel(13))}


@check("bigram", "forward(idx) without targets: logits (B, T, C) read from the table, loss None", points=2)
def bigram_no_targets(m, ctx):
    model, _ = _bigram(m, ctx, 27)
    idx = torch.randint(0, 27, (2, 8), generator=ctx.generator())
    logits, loss = model(idx)
    return {"logits": logits, "loss": loss}


@check("bigram", "forward(idx, targets): F.cross_entropy on (B*T, C) logits, and the gradient of the table "
       "(vocab_size 13, B 3, T 5)", points=3)
def bigram_loss(m, ctx):
    model, r = _bigram(m, ctx, 13)
    idx = torch.randint(0, 13, (3, 5), generator=ctx.generator())
    targets = torch.randint(0, 13, (3, 5), generator=ctx.generator(1))
    logits, loss = model(idx, targets)
    loss.backward()
    return {"loss": loss, "logits shape": list(logits.shape), **role_grads(r)}


@check("bigram", "generate: 2 rows, 20 new tokens sampled with torch.multinomial and the generator it is given "
       "(seeded 1337; the same seed under another global seed gives the same tokens, seed 7 others)", points=2)
def bigram_generate(m, ctx):
    model, _ = _bigram(m, ctx, 27)
    idx = torch.randint(0, 27, (2, 3), generator=ctx.generator())
    return generator_probe(model.generate, idx, 20)


# ---- 4. head: one head of self-attention -----------------------------------------------------------

@check("head", "parameters: key, query, value (bias=False); the tril buffer of block_size x block_size "
       "(head_size 4, n_embd 12, block_size 10)")
def head_params(m):
    head = m.Head(4, 12, 10)
    return {"parameters": parameters(head), "buffers": sorted(n for n, _ in head.named_buffers()),
            "tril": getattr(head, "tril", None)}


def _visible_attention(m, ctx):
    """A head whose value projection is the identity on the first T inputs: its output IS the attention.
    head_size 6 = T, n_embd 14, block_size 9 (so the mask must be cropped to tril[:T, :T])."""
    T, hs, C, bs = 6, 6, 14, 9
    head = m.Head(hs, C, bs).double()
    set_roles(head, ctx)
    x = torch.cat([torch.eye(T, dtype=torch.float64), 3 * ctx.randn(T, C - T, dtype=torch.float64)], dim=1)[None]
    with torch.no_grad():
        head.value.weight.copy_(torch.eye(hs, C, dtype=torch.float64))
        wei = head(x)[0]   # (T, T): row t = how much position t attends to each position
        logits = head.query(x)[0] @ head.key(x)[0].T
    return wei, logits


@check("head", "attention weights (seen through an identity value projection): causal, rows sum to 1, "
       "softmax of q @ k^T * head_size**-0.5 (head_size 6, n_embd 14, block_size 9, T 6)", points=3, rtol=1e-6)
def head_attention(m, ctx):
    wei, logits = _visible_attention(m, ctx)
    T = wei.shape[0]
    # the scale the softmax used, read off the last row: log(w1/w0) = scale * (l1 - l0)
    scale = ((wei[T - 1, 1].log() - wei[T - 1, 0].log()) / (logits[T - 1, 1] - logits[T - 1, 0])).item()
    return {"softmax scale (head_size**-0.5 with head_size 6, n_embd 14)": scale if math.isfinite(scale) else None,
            "largest weight on a future position (must be 0)": wei.triu(1).abs().max().item(),
            "row sums (each must be 1)": wei.sum(-1),
            "attention weights": wei}


@check("head", "causality probe: editing the token at position 5 changes no output before position 5 "
       "(head_size 5, n_embd 12, block_size 10, T 9)", points=2)
def head_causal(m, ctx):
    head = m.Head(5, 12, 10)
    set_roles(head, ctx)
    x = ctx.randn(2, 9, 12)
    return causality_probe(head, x, ctx.randn(2, 12, offset=1))


@check("head", "output, and the gradients of x and of the key, query, value weights "
       "(B 2, T 7, n_embd 10, head_size 6, block_size 7)", points=3)
def head_grads(m, ctx):
    head = m.Head(6, 10, 7)
    r = set_roles(head, ctx)
    x = ctx.randn(2, 7, 10, requires_grad=True)
    out = head(x)
    backward(ctx, out)
    return {"out": out, **grads(x=x), **role_grads(r)}


@check("head", "a sequence shorter than block_size (T 5, block_size 12, head_size 8, n_embd 16): "
       "the mask is cropped to tril[:T, :T]")
def head_short(m, ctx):
    head = m.Head(8, 16, 12)
    set_roles(head, ctx)
    x = ctx.randn(2, 5, 16)
    return {"out": head(x)}


@check("head", "dropout on the attention weights: train mode with dropout 0.25 (torch.manual_seed right before "
       "the forward pass), and eval mode (no dropout) (head_size 4, n_embd 8, block_size 6)")
def head_dropout(m, ctx):
    head = m.Head(4, 8, 6, 0.25)
    set_roles(head, ctx)
    return dropout_probe(head, ctx.randn(2, 6, 8), 4242)


# ---- 5. multihead: multi-head attention ------------------------------------------------------------

@check("multihead", "parameters: heads.0 .. heads.2 (each key, query, value), proj (weight, bias) "
       "(3 heads of head_size 4, n_embd 10: proj maps 12 -> 10)")
def mha_params(m):
    return {"parameters": parameters(m.MultiHeadAttention(3, 4, 10, 8))}


@check("multihead", "output (heads concatenated, then projected) and the gradient of x and of every parameter "
       "(4 heads of 3, n_embd 16, block_size 8, T 6)", points=3)
def mha_grads(m, ctx):
    mha = m.MultiHeadAttention(4, 3, 16, 8)
    r = set_roles(mha, ctx)
    x = ctx.randn(2, 6, 16, requires_grad=True)
    out = mha(x)
    backward(ctx, out)
    return {"out": out, **grads(x=x), **role_grads(r)}


@check("multihead", "causality probe: editing the token at position 5 changes no output before position 5 "
       "(2 heads of 5, n_embd 8, block_size 9, T 9)")
def mha_causal(m, ctx):
    mha = m.MultiHeadAttention(2, 5, 8, 9)
    set_roles(mha, ctx)
    x = ctx.randn(2, 9, 8)
    return causality_probe(mha, x, ctx.randn(2, 8, offset=1))


@check("multihead", "dropout 0.3 in train mode (in every head, and after the projection), none in eval mode")
def mha_dropout(m, ctx):
    mha = m.MultiHeadAttention(2, 4, 8, 8, 0.3)
    set_roles(mha, ctx)
    return dropout_probe(mha, ctx.randn(2, 7, 8), 4242)


# ---- 6. feedforward ----------------------------------------------------------------------------------

@check("feedforward", "parameters: net.0 (n_embd -> 4*n_embd), net.2 (4*n_embd -> n_embd), with biases (n_embd 8)")
def ffwd_params(m):
    return {"parameters": parameters(m.FeedForward(8), "ffwd")}


@check("feedforward", "output and the gradient of x and of every parameter (n_embd 6)", points=2)
def ffwd_grads(m, ctx):
    ffwd = m.FeedForward(6)
    r = set_roles(ffwd, ctx, "ffwd")
    x = ctx.randn(2, 4, 6, requires_grad=True)
    out = ffwd(x)
    backward(ctx, out)
    return {"out": out, **grads(x=x), **role_grads(r)}


@check("feedforward", "dropout 0.4 at the end in train mode, none in eval mode (n_embd 5)")
def ffwd_dropout(m, ctx):
    ffwd = m.FeedForward(5, 0.4)
    set_roles(ffwd, ctx, "ffwd")
    return dropout_probe(ffwd, ctx.randn(2, 3, 5), 4242)


# ---- 7. layernorm ------------------------------------------------------------------------------------

@check("layernorm", "parameters: gamma (ones), beta (zeros) (nn.LayerNorm's weight and bias count as gamma and beta)")
def ln_params(m):
    ln = m.LayerNorm1d(8)
    r = roles(ln, "ln")
    return {"parameters": parameters(ln, "ln"), "gamma": r.get("gamma"), "beta": r.get("beta")}


@check("layernorm", "(B, T, C) input: value and gradients agree with F.layer_norm (normalize the last dim, biased variance)",
       points=3)
def ln_matches_torch(m, ctx):
    ln = m.LayerNorm1d(16)
    r = set_roles(ln, ctx, "ln")
    x = (2 * ctx.randn(2, 6, 16) + 1).requires_grad_()
    out = ln(x)
    backward(ctx, out)
    return {"out": out, **grads(x=x), **role_grads(r)}


@check("layernorm", "LayerNorm1d(100) on the lecture's input (torch.manual_seed(1337); torch.randn(32, 100)): every "
       "row has mean 0 and std sqrt(100/99) = 1.005 (biased variance; the lecture's unbiased one printed 1.0000), "
       "the columns do not", points=1)
def ln_rows_not_columns(m):
    torch.manual_seed(1337)
    module = m.LayerNorm1d(100)
    x = module(torch.randn(32, 100))
    return {"x[:,0].mean()": x[:, 0].mean(), "x[:,0].std()": x[:, 0].std(),
            "x[0,:].mean()": x[0, :].mean(), "x[0,:].std()": x[0, :].std()}


@check("layernorm", "tiny activations (variance near eps): eps goes inside the square root; eps=1e-5 and eps=1e-2", points=1)
def ln_tiny(m, ctx):
    x = 1e-3 * ctx.randn(4, 16)
    return {"out (eps 1e-5)": m.LayerNorm1d(16)(x), "out (eps 1e-2)": m.LayerNorm1d(16, eps=1e-2)(x)}


# ---- 8. block ----------------------------------------------------------------------------------------

@check("block", "parameters: sa (its heads and proj), ffwd, ln1, ln2 (n_embd 12, 3 heads, block_size 8)")
def block_params(m):
    return {"parameters": parameters(m.Block(12, 3, 8))}


@check("block", "output (pre-norm, with residuals) and the gradient of x and of every parameter "
       "(n_embd 8, 2 heads, block_size 10, T 7)", points=3)
def block_grads(m, ctx):
    block = m.Block(8, 2, 10)
    r = set_roles(block, ctx)
    x = ctx.randn(2, 7, 8, requires_grad=True)
    out = block(x)
    backward(ctx, out)
    rows_normalized = bool(torch.allclose(out.mean(-1), torch.zeros(()), atol=1e-4))
    return {"output rows have mean 0 (a layer norm last: post-norm?)": rows_normalized, "out": out,
            **grads(x=x), **role_grads(r)}


@check("block", "causality probe: editing the token at position 5 changes no output before position 5 "
       "(n_embd 10, 2 heads, block_size 9)")
def block_causal(m, ctx):
    block = m.Block(10, 2, 9)
    set_roles(block, ctx)
    x = ctx.randn(2, 9, 10)
    return causality_probe(block, x, ctx.randn(2, 10, offset=1))


@check("block", "dropout 0.2 passed on to the attention and the feed-forward in train mode, none in eval mode "
       "(n_embd 8, 4 heads, block_size 6)")
def block_dropout(m, ctx):
    block = m.Block(8, 4, 6, 0.2)
    set_roles(block, ctx)
    return dropout_probe(block, ctx.randn(2, 6, 8), 4242)


# ---- 9. gpt: the whole model, and generate -----------------------------------------------------------

def _gpt(m, ctx, **sizes):
    torch.manual_seed(1337)
    model = m.GPTLanguageModel(**sizes)
    return model, set_roles(model, ctx)


@check("gpt", "forward: logits and loss of a seeded model (vocab 20, n_embd 8, 2 heads, 2 layers, block_size 8), "
       "and the gradient of every parameter", points=3)
def gpt_grads(m, ctx):
    model, r = _gpt(m, ctx, vocab_size=20, n_embd=8, n_head=2, n_layer=2, block_size=8)
    idx = torch.randint(0, 20, (2, 8), generator=ctx.generator())
    targets = torch.randint(0, 20, (2, 8), generator=ctx.generator(1))
    logits, loss = model(idx)
    _, loss = model(idx, targets)
    loss.backward()
    return {"logits": logits, "loss": loss, **role_grads(r)}


@check("gpt", "causality probe: editing the token at position 5 changes no logits before position 5 "
       "(vocab 13, n_embd 12, 3 heads, 1 layer, block_size 10, T 9)")
def gpt_causal(m, ctx):
    model, _ = _gpt(m, ctx, vocab_size=13, n_embd=12, n_head=3, n_layer=1, block_size=10)
    idx = torch.randint(0, 13, (2, 9), generator=ctx.generator())
    return causality_probe(lambda i: model(i)[0], idx, (idx[:, 5] + 1) % 13)


@check("gpt", "generate: 12 new tokens after a 1-token prompt with block_size 5 (so the context must be cropped to "
       "the last 5), sampled with the generator it is given (vocab 11, n_embd 6, 2 heads, 1 layer)", points=3)
def gpt_generate(m, ctx):
    model, _ = _gpt(m, ctx, vocab_size=11, n_embd=6, n_head=2, n_layer=1, block_size=5)
    model.eval()
    return generator_probe(model.generate, torch.zeros((2, 1), dtype=torch.long), 12)


@check("gpt", "dropout 0.2 in train mode (the loss, torch.manual_seed right before the forward pass), "
       "none in eval mode (vocab 9, n_embd 8, 4 heads, 2 layers, block_size 6)")
def gpt_dropout(m, ctx):
    model, _ = _gpt(m, ctx, vocab_size=9, n_embd=8, n_head=4, n_layer=2, block_size=6, dropout=0.2)
    idx = torch.randint(0, 9, (2, 6), generator=ctx.generator())
    model.train()
    torch.manual_seed(4242)
    with torch.no_grad():
        train = model(idx)[0]
    model.eval()
    with torch.no_grad():
        ev = model(idx)[0]
    return {"train mode logits (dropout on, torch.manual_seed(4242) first)": train, "eval mode logits (dropout off)": ev}


class AdamW:
    """torch.optim.AdamW's update (its defaults), written out: constructing torch.optim.AdamW imports
    torch._dynamo, which costs seconds in every job and fails in a sandbox that cannot import."""

    def __init__(self, params, lr: float, betas=(0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.01):
        self.params, self.lr, self.betas, self.eps, self.wd = list(params), lr, betas, eps, weight_decay
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.t = 0

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self):
        self.t += 1
        b1, b2 = self.betas
        for p, m, v in zip(self.params, self.m, self.v):
            if p.grad is None:
                continue
            p.mul_(1 - self.lr * self.wd)
            m.lerp_(p.grad, 1 - b1)
            v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
            denom = (v.sqrt() / math.sqrt(1 - b2 ** self.t)).add_(self.eps)
            p.addcdiv_(m, denom, value=-self.lr / (1 - b1 ** self.t))


MILESTONE = dict(n_embd=32, n_head=4, n_layer=2, block_size=16, batch_size=32, max_iters=600, lr=3e-3, eval_iters=50)


# The goal: the reference reaches 2.24; the best any bigram model can do on val is 2.48 (computed
# below), so meeting it beats every bigram model. Its validation loss goes on Gradescope's leaderboard.
GOAL = 2.4


@check("gpt", f"milestone: your GPT, trained 600 steps on tinyshakespeare, reaches a validation loss <= {GOAL} "
       "(the best bigram model's: 2.48)", points=4, data=["tinyshakespeare.txt"], milestone=True, timeout=60,
       goal={"key": "val loss", "max": GOAL, "leaderboard": "GPT validation loss"})
def beats_bigram(m, ctx):
    """Built only from your pieces: chars (vocab), batch (split, get_batch), and the GPT of your Blocks."""
    chars = importlib.import_module("chars")
    batch = importlib.import_module("batch")
    cfg = MILESTONE
    text = ctx.data("tinyshakespeare.txt").read_text(encoding="utf-8")
    itos_chars, stoi, itos = chars.build_vocab(text)
    vocab_size = len(itos_chars)
    data = torch.tensor(chars.encode(text, stoi), dtype=torch.long)
    train_data, val_data = batch.split_data(data)

    # the best any bigram model can do on val: bigram counts of the training split (plus-one smoothed)
    counts = torch.ones(vocab_size * vocab_size)
    counts.index_add_(0, train_data[:-1] * vocab_size + train_data[1:], torch.ones(len(train_data) - 1))
    P = counts.view(vocab_size, vocab_size)
    P = P / P.sum(1, keepdim=True)
    bigram_val = -P[val_data[:-1], val_data[1:]].log().mean().item()

    torch.manual_seed(1337)
    model = m.GPTLanguageModel(vocab_size, cfg["n_embd"], cfg["n_head"], cfg["n_layer"], cfg["block_size"])
    optimizer = AdamW(model.parameters(), lr=cfg["lr"])
    g = torch.Generator().manual_seed(1337)
    for it in range(cfg["max_iters"]):
        xb, yb = batch.get_batch(train_data, cfg["block_size"], cfg["batch_size"], g)
        logits, loss = model(xb, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if it % 20 == 0:
            ctx.progress(it / cfg["max_iters"], f"step {it}: train loss {loss.item():.4f}")

    model.eval()
    g_val = torch.Generator().manual_seed(42)
    with torch.no_grad():
        losses = [model(*batch.get_batch(val_data, cfg["block_size"], 64, g_val))[1].item()
                  for _ in range(cfg["eval_iters"])]
        sample = model.generate(torch.zeros((1, 1), dtype=torch.long), 200, generator=torch.Generator().manual_seed(1337))
    gpt_val = sum(losses) / len(losses)
    print(f"bigram (counts) val loss {bigram_val:.4f}; your GPT val loss {gpt_val:.4f}")
    print(chars.decode(sample[0].tolist(), itos))
    return {"val loss": gpt_val, "best bigram val loss": bigram_val}
