"""Checks of the makemore set. Each runs on your module and on the reference; the results are compared.

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
import time
import zlib
from dataclasses import dataclass

import numpy.random  # noqa: F401  loaded here, in the trusted worker: the engine seeds it in every job
import torch
from torch.nn import functional as F

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
    """Is there a buffer holding the (block_size, block_size) lower-triangular mask? (its name is yours)"""
    tril = torch.tril(torch.ones(block_size, block_size))
    return any(b.dim() >= 2 and tuple(b.shape[-2:]) == (block_size, block_size) and b.numel() == block_size ** 2
               and torch.equal(b.reshape(block_size, block_size).float(), tril) for b in module.buffers())


def model_run(model, ctx, names, cfg, B, T):
    """Set the weights by role; logits of idx; loss on targets with -1 padding; every gradient."""
    params = set_roles(model, ctx, names)
    idx, y = tokens(ctx, cfg, B, T, targets=True)
    logits, loss = model(idx, y)
    logits_only, no_loss = model(idx)
    loss.backward()
    return {"logits": logits, "loss": loss, "loss without targets": no_loss, **grads(**params)}


# ---- dataset -------------------------------------------------------------------------------------

WORDS = ["emma", "olivia", "ava", "isabella", "sophia", "mia", "zoe", "x"]


@check("dataset", "CharDataset of 8 words (13 characters): stoi (0 is reserved), itos, get_vocab_size, get_output_length, encode, decode", points=2)
def ds_vocab(m):
    chars = sorted(set("".join(WORDS)))
    ds = m.CharDataset(WORDS, chars, max(len(w) for w in WORDS))
    ix = ds.encode("emma")
    return {"stoi": dict(ds.stoi), "itos": {str(k): v for k, v in ds.itos.items()},
            "get_vocab_size()": ds.get_vocab_size(), "get_output_length()": ds.get_output_length(),
            "encode('emma')": ix, "encode's dtype": str(ix.dtype), "decode([13, 1, 9])": ds.decode([13, 1, 9]),
            "len": len(ds)}


@check("dataset", "__getitem__: x is 0 then the word; y is the word, then 0, then -1s; for every word (the longest too)", points=3)
def ds_items(m):
    chars = sorted(set("".join(WORDS)))
    ds = m.CharDataset(WORDS, chars, 9)  # longer than any word: three rows of -1 padding at least
    xs, ys = zip(*(ds[i] for i in range(len(ds))))
    ds2 = m.CharDataset(["abc", "a", "cab"], ["a", "b", "c"], 3)  # "abc" is the longest: no -1 in its y
    xs2, ys2 = zip(*(ds2[i] for i in range(len(ds2))))
    return {"x (one row per word)": torch.stack(xs), "y (one row per word)": torch.stack(ys),
            "x, max_word_length 3": torch.stack(xs2), "y, max_word_length 3": torch.stack(ys2)}


@check("dataset", "create_datasets on 25 lines (spaces, blank lines): cleaned words, chars, max_word_length, "
       "test set of int(0.1 * 23) = 2 words, the split of a seeded randperm", points=3)
def ds_split_small(m, ctx):
    rng = ctx.random
    words = ["".join(rng.choice("abcdefgh") for _ in range(rng.randint(2, 7))) for _ in range(23)]
    lines = [("  " + w if i % 5 == 0 else w + " " if i % 7 == 0 else w) for i, w in enumerate(words)]
    lines[3:3] = [""]
    lines[11:11] = ["   "]
    train, test = m.create_datasets(lines, generator=torch.Generator().manual_seed(3407))
    return {"train words": list(train.words), "test words": list(test.words), "chars": list(train.chars),
            "max_word_length": train.max_word_length, "test's chars and max_word_length are the same":
            [list(test.chars), test.max_word_length]}


@check("dataset", "create_datasets on 12,345 words: the test set is capped at 1000; the generator you are given is used", points=2)
def ds_split_large(m, ctx):
    letters = "abcdefghijklmnopqrstuvwxyz"
    g = ctx.generator()
    lens = torch.randint(3, 9, (12345,), generator=g)
    ids = torch.randint(0, 26, (12345, 8), generator=g).tolist()
    words = ["".join(letters[i] for i in row[:n]) for row, n in zip(ids, lens.tolist())]
    train, test = m.create_datasets(words, generator=torch.Generator().manual_seed(42))
    return {"len(train)": len(train), "len(test)": len(test),
            "the first 20 test words": list(test.words[:20]), "the first 20 train words": list(train.words[:20])}


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
    return {"out": out, **grads(x=x), "the tril mask is a registered buffer": mask_buffers(mod, SMALL.block_size),
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
    return {"out": out, **grads(x=x, **params), "the tril mask is a registered buffer": mask_buffers(attn, SMALL.block_size),
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


# ---- sample --------------------------------------------------------------------------------------

class ToyModel:
    """A stand-in language model: the logits at step t depend on the token at t and on the first token
    it is given (so cropping the context matters); it notes the longest context it was fed."""

    def __init__(self, ctx, vocab_size=9, block_size=4):
        self.table = 2 * torch.randn(vocab_size, vocab_size, generator=ctx.generator(11))
        self.first = torch.randn(vocab_size, vocab_size, generator=ctx.generator(12))
        self.block_size = block_size
        self.longest = 0

    def get_block_size(self):
        return self.block_size

    def __call__(self, idx, targets=None):
        self.longest = max(self.longest, idx.shape[1])
        return self.table[idx] + self.first[idx[:, :1]], None


@check("sample", "greedy (do_sample=False): 10 new tokens after a 2-token prompt, block_size 4 (crop the context)", points=2)
def sample_greedy(m, ctx):
    model = ToyModel(ctx)
    idx = torch.randint(0, 9, (3, 2), generator=ctx.generator())
    out = m.generate(model, idx, 10)
    return {"tokens": out, "the longest context fed to the model (block_size is 4)": model.longest}


@check("sample", "do_sample=True with a seeded generator: 300 rows, 3 new tokens; the same draw with another seed", points=2)
def sample_generator(m, ctx):
    model = ToyModel(ctx)
    idx = torch.zeros((300, 1), dtype=torch.long)
    a = m.generate(model, idx, 3, do_sample=True, generator=torch.Generator().manual_seed(3407))
    b = m.generate(model, idx, 3, do_sample=True, generator=torch.Generator().manual_seed(1))
    return {"tokens (generator seeded 3407)": a, "tokens (generator seeded 1)": b}


@check("sample", "temperature: 400 samples of one token at temperature 0.5 and 2.0 (same seeded generator)", points=2)
def sample_temperature(m, ctx):
    model = ToyModel(ctx)
    idx = torch.randint(0, 9, (400, 1), generator=ctx.generator())
    cold = m.generate(model, idx, 1, temperature=0.5, do_sample=True, generator=torch.Generator().manual_seed(7))
    hot = m.generate(model, idx, 1, temperature=2.0, do_sample=True, generator=torch.Generator().manual_seed(7))
    return {"tokens at temperature 0.5": cold[:, 1], "tokens at temperature 2.0": hot[:, 1]}


@check("sample", "top_k=3: 400 samples of one token, each one of the 3 largest logits of its row", points=2)
def sample_top_k(m, ctx):
    model = ToyModel(ctx)
    idx = torch.randint(0, 9, (400, 1), generator=ctx.generator())
    out = m.generate(model, idx, 1, do_sample=True, top_k=3, generator=torch.Generator().manual_seed(7))
    return {"tokens (top_k=3)": out[:, 1]}


class AdamW:
    """torch.optim.AdamW's update, written out (constructing torch.optim.AdamW imports torch._dynamo,
    which costs seconds in every job); makemore.py's settings: betas (0.9, 0.99), weight decay 0.01."""

    def __init__(self, params, lr, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.01):
        self.params, self.lr, self.betas, self.eps, self.wd = list(params), lr, betas, eps, weight_decay
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.t = 0

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


MILESTONE = dict(n_layer=2, n_head=4, n_embd=32, n_embd2=32, batch_size=32, max_steps=600, learning_rate=5e-3)
GOAL = 2.30  # test loss; a bigram model cannot go below about 2.45 on names.txt


@check("sample", f"milestone: your Transformer, trained {MILESTONE['max_steps']} steps on names.txt, reaches a test loss "
       f"below {GOAL} (and shows 20 samples)", points=4, data=["names.txt"], milestone=True, timeout=60)
def milestone(m, ctx):
    """Built only from your pieces: dataset.create_datasets, transformer.Transformer and generate."""
    dataset = importlib.import_module("dataset")
    transformer = importlib.import_module("transformer")
    cfg = MILESTONE
    lines = ctx.data("names.txt").read_text(encoding="utf-8").splitlines()
    train, test = dataset.create_datasets(lines, generator=torch.Generator().manual_seed(3407))
    ctx.progress(0.0, f"{len(train)} training words, {len(test)} test words")
    X, Y = (torch.stack(t) for t in zip(*(train[i] for i in range(len(train)))))
    Xt, Yt = (torch.stack(t) for t in zip(*(test[i] for i in range(len(test)))))

    config = dataset.ModelConfig(vocab_size=train.get_vocab_size(), block_size=train.get_output_length(),
                                 n_layer=cfg["n_layer"], n_head=cfg["n_head"], n_embd=cfg["n_embd"], n_embd2=cfg["n_embd2"])
    torch.manual_seed(3407)
    model = transformer.Transformer(config)
    optimizer = AdamW(model.parameters(), lr=cfg["learning_rate"])
    g = torch.Generator().manual_seed(3407)
    t0 = time.time()
    for step in range(cfg["max_steps"]):
        ix = torch.randint(len(X), (cfg["batch_size"],), generator=g)
        logits, loss = model(X[ix], Y[ix])
        model.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if step % 25 == 0:
            ctx.progress(step / cfg["max_steps"], f"step {step} | loss {loss.item():.4f} | {time.time() - t0:.0f} s")

    model.eval()
    with torch.no_grad():
        _, test_loss = model(Xt, Yt)
        steps = train.get_output_length() - 1
        samples = m.generate(model, torch.zeros((20, 1), dtype=torch.long), steps, do_sample=True,
                             generator=torch.Generator().manual_seed(3407))
    words = []
    for row in samples[:, 1:].tolist():
        row = row[:row.index(0)] if 0 in row else row
        words.append(train.decode(row))
    print(f"test loss {test_loss.item():.4f} (goal: below {GOAL}) after {cfg['max_steps']} steps, {time.time() - t0:.1f} s")
    print("samples: " + ", ".join(words))
    return {f"test loss below {GOAL}": test_loss.item() < GOAL}
