"""Checks of sample.py (generate, with a small stand-in model), and the milestone: your Transformer trained
on names.txt. Each runs on your module and on the reference; the results are compared."""
import importlib
import math
import time

import torch

from grader.checks import check

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


MILESTONE = dict(n_layer=2, n_head=4, n_embd=32, n_embd2=64, batch_size=32, max_steps=600, learning_rate=5e-3)
GOAL = 2.30  # test loss; the bigram counts of the training words score 2.45 on the test words


@check("sample", f"milestone: your Transformer (or the model MILESTONE_MODEL in sample.py names), trained "
       f"{MILESTONE['max_steps']} steps on names.txt, reaches a test loss below {GOAL} (and shows 20 samples)",
       points=4, data=["names.txt"], milestone=True, timeout=60)
def milestone(m, ctx):
    """Built only from your pieces: dataset.create_datasets, your Transformer (or RNN) and generate."""
    dataset = importlib.import_module("dataset")
    choice = getattr(m, "MILESTONE_MODEL", "transformer")
    if choice not in ("transformer", "rnn", "gru"):
        raise ValueError(f"MILESTONE_MODEL must be 'transformer', 'rnn' or 'gru', not {choice!r}")
    cfg = MILESTONE
    lines = ctx.data("names.txt").read_text(encoding="utf-8").splitlines()
    train, test = dataset.create_datasets(lines, generator=torch.Generator().manual_seed(3407))
    ctx.progress(0.0, f"{len(train)} training words, {len(test)} test words")
    X, Y = (torch.stack(t) for t in zip(*(train[i] for i in range(len(train)))))
    Xt, Yt = (torch.stack(t) for t in zip(*(test[i] for i in range(len(test)))))

    config = dataset.ModelConfig(vocab_size=train.get_vocab_size(), block_size=train.get_output_length(),
                                 n_layer=cfg["n_layer"], n_head=cfg["n_head"], n_embd=cfg["n_embd"], n_embd2=cfg["n_embd2"])
    torch.manual_seed(3407)
    if choice == "transformer":
        model = importlib.import_module("transformer").Transformer(config)
    else:
        model = importlib.import_module("rnn").RNN(config, cell_type=choice)
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
    print(f"{choice}: test loss {test_loss.item():.4f} (goal: below {GOAL}) after {cfg['max_steps']} steps, {time.time() - t0:.1f} s")
    print("samples: " + ", ".join(words))
    return {f"test loss below {GOAL}": test_loss.item() < GOAL}
