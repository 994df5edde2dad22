"""Checks of the gpt set. Each one runs on your module and on the reference; the results are compared.

Models are built right after `torch.manual_seed(1337)` (the lecture's seed), so your module and
the reference get identical weights, provided the parameters are created in the lecture's order
(the "parameters" checks list them, so an order mismatch is the first thing you see).
Dropout is always 0 here. Gradients come from a backward pass with a fixed random upstream gradient.
"""
import atexit
import importlib
import math
import os

import numpy.random  # noqa: F401  loaded here, in the trusted worker: the engine seeds it in every job
import torch
from torch.nn import functional as F

from grader.checks import check, grads

# This file is imported once, by the worker that forks the jobs. When grading is over, that worker
# would spend 0.3-0.8 s tearing torch down before it exits, and the grader waits for it: skip the
# teardown. (Jobs end with os._exit and never run this; only the worker does, as its last act.)
atexit.register(os._exit, 0)

SHAKESPEARE = ("First Citizen:\nBefore we proceed any further, hear me speak.\n\n"
               "All:\nSpeak, speak.\n\nFirst Citizen:\nYou are all resolved rather to die than to famish?\n")


def parameters(model) -> dict:
    """'name (shape)' for every parameter, keyed by creation order, so a mismatch names the first
    parameter that differs (in name, shape or position)."""
    found = [f"{name} {tuple(p.shape)}" for name, p in model.named_parameters()]
    return {"number of parameter tensors": len(found), **{f"[{i}]": f for i, f in enumerate(found)}}


def backward(ctx, out: torch.Tensor) -> None:
    """Backpropagate the fixed, seeded upstream gradient of ctx.backward(out), through a scalar.

    (out * g).sum().backward() gives exactly the gradients of out.backward(g); it avoids the
    1-2 s import (sympy, via torch.fx) that torch does on the first non-scalar backward of a process."""
    g = torch.randn(out.shape, generator=ctx.generator(7919), dtype=out.dtype)
    (out * g).sum().backward()


def every_grad(model) -> dict:
    return grads(**dict(model.named_parameters()))


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

@check("bigram", "parameters: one token_embedding_table of (vocab_size, vocab_size)")
def bigram_params(m):
    torch.manual_seed(1337)
    return {"parameters": parameters(m.BigramLanguageModel(27))}


@check("bigram", "forward(idx) without targets: logits (B, T, C) read from the table, loss None", points=2)
def bigram_no_targets(m, ctx):
    torch.manual_seed(1337)
    model = m.BigramLanguageModel(27)
    idx = torch.randint(0, 27, (2, 8), generator=ctx.generator())
    logits, loss = model(idx)
    return {"logits": logits, "loss": loss}


@check("bigram", "forward(idx, targets): F.cross_entropy on (B*T, C) logits, and the gradient of the table", points=3)
def bigram_loss(m, ctx):
    torch.manual_seed(1337)
    model = m.BigramLanguageModel(27)
    idx = torch.randint(0, 27, (4, 8), generator=ctx.generator())
    targets = torch.randint(0, 27, (4, 8), generator=ctx.generator(1))
    logits, loss = model(idx, targets)
    loss.backward()
    return {"loss": loss, "logits shape": list(logits.shape), **every_grad(model)}


@check("bigram", "generate: 2 rows, 20 new tokens sampled with torch.multinomial and a generator seeded 1337", points=2)
def bigram_generate(m, ctx):
    torch.manual_seed(1337)
    model = m.BigramLanguageModel(27)
    idx = torch.randint(0, 27, (2, 3), generator=ctx.generator())
    with torch.no_grad():
        out = model.generate(idx, max_new_tokens=20, generator=torch.Generator().manual_seed(1337))
        other = model.generate(idx, max_new_tokens=20, generator=torch.Generator().manual_seed(7))
    return {"another generator gives another sample (sampling, not argmax)": not torch.equal(out, other),
            "the prompt is kept": bool(torch.equal(out[:, :3], idx)), "tokens": out}


# ---- 4. head: one head of self-attention -----------------------------------------------------------

@check("head", "parameters: key, query, value (bias=False), in that order; the tril buffer")
def head_params(m):
    torch.manual_seed(1337)
    head = m.Head(8, 16, 8)
    return {"parameters": parameters(head), "buffers": [n for n, _ in head.named_buffers()],
            "tril": getattr(head, "tril", None)}


def _visible_attention(m):
    """A head whose value projection is the identity on the first T inputs: its output IS the attention."""
    T, hs, C = 8, 8, 16
    torch.manual_seed(1337)
    head = m.Head(hs, C, T).double()
    x = torch.cat([torch.eye(T, dtype=torch.float64), 3 * torch.randn(T, C - T, dtype=torch.float64)], dim=1)[None]
    with torch.no_grad():
        head.value.weight.copy_(torch.eye(hs, C, dtype=torch.float64))
        wei = head(x)[0]   # (T, T): row t = how much position t attends to each position
        logits = head.query(x)[0] @ head.key(x)[0].T
    return wei, logits


@check("head", "attention weights (seen through an identity value projection): causal, rows sum to 1, "
       "softmax of q @ k^T * head_size**-0.5", points=3, rtol=1e-6)
def head_attention(m):
    wei, logits = _visible_attention(m)
    T = wei.shape[0]
    # the scale the softmax used, read off the last row: log(w1/w0) = scale * (l1 - l0)
    scale = ((wei[T - 1, 1].log() - wei[T - 1, 0].log()) / (logits[T - 1, 1] - logits[T - 1, 0])).item()
    return {"softmax scale (head_size**-0.5 with head_size 8, n_embd 16)": scale if math.isfinite(scale) else None,
            "largest weight on a future position (must be 0)": wei.triu(1).abs().max().item(),
            "row sums (each must be 1)": wei.sum(-1),
            "attention weights": wei}


@check("head", "causality probe: editing the token at position 5 changes no output before position 5", points=2)
def head_causal(m, ctx):
    torch.manual_seed(1337)
    head = m.Head(8, 16, 8)
    x = ctx.randn(2, 8, 16)
    return causality_probe(head, x, ctx.randn(2, 16, offset=1))


@check("head", "output, and the gradients of x and of the key, query, value weights (B=2, T=8, n_embd=16, head_size=8)",
       points=3)
def head_grads(m, ctx):
    torch.manual_seed(1337)
    head = m.Head(8, 16, 8)
    x = ctx.randn(2, 8, 16, requires_grad=True)
    out = head(x)
    backward(ctx, out)
    return {"out": out, **grads(x=x), **every_grad(head)}


@check("head", "a sequence shorter than block_size (T=5, block_size=8): the mask is cropped to tril[:T, :T]")
def head_short(m, ctx):
    torch.manual_seed(1337)
    head = m.Head(8, 16, 8)
    x = ctx.randn(2, 5, 16)
    return {"out": head(x)}


# ---- 5. multihead: multi-head attention ------------------------------------------------------------

@check("multihead", "parameters: heads.0 .. heads.3 (each key, query, value), then proj (weight, bias)")
def mha_params(m):
    torch.manual_seed(1337)
    return {"parameters": parameters(m.MultiHeadAttention(4, 4, 16, 8))}


@check("multihead", "output (heads concatenated, then projected) and the gradient of x and of every parameter", points=3)
def mha_grads(m, ctx):
    torch.manual_seed(1337)
    mha = m.MultiHeadAttention(4, 4, 16, 8)
    x = ctx.randn(2, 8, 16, requires_grad=True)
    out = mha(x)
    backward(ctx, out)
    return {"out": out, **grads(x=x), **every_grad(mha)}


@check("multihead", "causality probe: editing the token at position 5 changes no output before position 5")
def mha_causal(m, ctx):
    torch.manual_seed(1337)
    mha = m.MultiHeadAttention(4, 4, 16, 8)
    x = ctx.randn(2, 8, 16)
    return causality_probe(mha, x, ctx.randn(2, 16, offset=1))


# ---- 6. feedforward ----------------------------------------------------------------------------------

@check("feedforward", "parameters: net.0 (n_embd -> 4*n_embd), net.2 (4*n_embd -> n_embd), with biases")
def ffwd_params(m):
    torch.manual_seed(1337)
    return {"parameters": parameters(m.FeedForward(8))}


@check("feedforward", "output and the gradient of x and of every parameter", points=2)
def ffwd_grads(m, ctx):
    torch.manual_seed(1337)
    ffwd = m.FeedForward(8)
    x = ctx.randn(2, 4, 8, requires_grad=True)
    out = ffwd(x)
    backward(ctx, out)
    return {"out": out, **grads(x=x), **every_grad(ffwd)}


# ---- 7. layernorm ------------------------------------------------------------------------------------

@check("layernorm", "parameters: gamma (ones), beta (zeros)")
def ln_params(m):
    ln = m.LayerNorm1d(8)
    return {"parameters": parameters(ln), "gamma": getattr(ln, "gamma", None), "beta": getattr(ln, "beta", None)}


@check("layernorm", "(B, T, C) input: value and gradients agree with F.layer_norm (normalize the last dim, biased variance)",
       points=3)
def ln_matches_torch(m, ctx):
    ln = m.LayerNorm1d(16)
    with torch.no_grad():
        ln.gamma.copy_(1 + 0.5 * ctx.randn(16, offset=1))
        ln.beta.copy_(ctx.randn(16, offset=2))
    x = (2 * ctx.randn(2, 6, 16) + 1).requires_grad_()
    out = ln(x)
    backward(ctx, out)
    # what torch's layer norm gives for the same input, gamma, beta and upstream gradient
    x2, g2, b2 = (t.detach().clone().requires_grad_() for t in (x, ln.gamma, ln.beta))
    ref = F.layer_norm(x2, (16,), g2, b2, 1e-5)
    backward(ctx, ref)
    close = lambda a, b: a is not None and a.shape == b.shape and torch.allclose(a, b, rtol=1e-4, atol=1e-5)
    return {"out agrees with F.layer_norm": close(out, ref),
            "x.grad agrees with F.layer_norm's": close(x.grad, x2.grad),
            "gamma.grad and beta.grad agree with F.layer_norm's": close(ln.gamma.grad, g2.grad) and close(ln.beta.grad, b2.grad),
            "out": out, **grads(x=x, gamma=ln.gamma, beta=ln.beta)}


@check("layernorm", "the lecture's probe: LayerNorm1d(100) on torch.randn(32, 100): rows have mean 0 and std ~1, "
       "columns do not", points=1)
def ln_lecture_probe(m):
    torch.manual_seed(1337)
    module = m.LayerNorm1d(100)
    x = module(torch.randn(32, 100))
    return {"x[:,0].mean()": x[:, 0].mean(), "x[:,0].std()": x[:, 0].std(),
            "x[0,:].mean()": x[0, :].mean(), "x[0,:].std()": x[0, :].std()}


@check("layernorm", "tiny activations (variance near eps): eps goes inside the square root", points=1)
def ln_tiny(m, ctx):
    ln = m.LayerNorm1d(16)
    x = 1e-3 * ctx.randn(4, 16)
    return {"out": ln(x)}


# ---- 8. block ----------------------------------------------------------------------------------------

@check("block", "parameters: sa, ffwd, ln1, ln2, in that order")
def block_params(m):
    torch.manual_seed(1337)
    return {"parameters": parameters(m.Block(8, 2, 8))}


@check("block", "output (pre-norm, with residuals) and the gradient of x and of every parameter", points=3)
def block_grads(m, ctx):
    torch.manual_seed(1337)
    block = m.Block(8, 2, 8)
    x = ctx.randn(2, 8, 8, requires_grad=True)
    out = block(x)
    backward(ctx, out)
    rows_normalized = bool(torch.allclose(out.mean(-1), torch.zeros(()), atol=1e-4))
    return {"output rows have mean 0 (a layer norm last: post-norm?)": rows_normalized, "out": out,
            **grads(x=x), **every_grad(block)}


@check("block", "causality probe: editing the token at position 5 changes no output before position 5")
def block_causal(m, ctx):
    torch.manual_seed(1337)
    block = m.Block(8, 2, 8)
    x = ctx.randn(2, 8, 8)
    return causality_probe(block, x, ctx.randn(2, 8, offset=1))


# ---- 9. gpt: the whole model, and generate -----------------------------------------------------------

def _small_gpt(m):
    torch.manual_seed(1337)
    return m.GPTLanguageModel(vocab_size=20, n_embd=8, n_head=2, n_layer=2, block_size=8)


@check("gpt", "forward: logits and loss of a seeded model (vocab 20, n_embd 8, 2 heads, 2 layers, block_size 8), "
       "and the gradient of every parameter", points=3)
def gpt_grads(m, ctx):
    model = _small_gpt(m)
    idx = torch.randint(0, 20, (2, 8), generator=ctx.generator())
    targets = torch.randint(0, 20, (2, 8), generator=ctx.generator(1))
    logits, loss = model(idx)
    _, loss = model(idx, targets)
    loss.backward()
    return {"logits": logits, "loss": loss, **every_grad(model)}


@check("gpt", "causality probe: editing the token at position 5 changes no logits before position 5")
def gpt_causal(m, ctx):
    model = _small_gpt(m)
    idx = torch.randint(0, 20, (2, 8), generator=ctx.generator())
    return causality_probe(lambda i: model(i)[0], idx, (idx[:, 5] + 1) % 20)


@check("gpt", "generate: 12 new tokens after a 1-token prompt with block_size 8 (so the context must be cropped to the last 8), "
       "sampled with a generator seeded 1337", points=3)
def gpt_generate(m):
    model = _small_gpt(m)
    idx = torch.zeros((2, 1), dtype=torch.long)
    with torch.no_grad():
        out = model.generate(idx, max_new_tokens=12, generator=torch.Generator().manual_seed(1337))
        other = model.generate(idx, max_new_tokens=12, generator=torch.Generator().manual_seed(7))
    return {"another generator gives another sample (sampling, not argmax)": not torch.equal(out, other), "tokens": out}


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


@check("gpt", "milestone: your GPT, trained 600 steps on tinyshakespeare, beats the best bigram model's validation loss",
       points=4, data=["tinyshakespeare.txt"], milestone=True, timeout=60)
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
    return {"GPT val loss < best bigram val loss": gpt_val < bigram_val}
