"""The backprop set's checks judge without autograd in the student's job.

(a) The references' gradients equal autograd's on the very inputs the checks build (maxdiff as
    the lecture's cmp() prints it): so comparing a student with the reference is comparing with
    autograd, and no check needs to run loss.backward() where the student's code can reach it.
(b) A submission that walks up the stack (sys._getframe, inspect.stack) looking for `.grad`
    tensors finds none and fails, graded through the CLI on a copy of the course.
"""
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

REPO = Path(__file__).resolve().parents[2]
SET = REPO / "exercises" / "backprop"


def load_checks():
    """exercises/backprop/checks.py as a module, leaving the global check registry as it was."""
    from grader import checks as api
    before = list(api.REGISTRY)
    spec = importlib.util.spec_from_file_location("_backprop_checks_under_test", SET / "checks.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    registered = [c for c in api.REGISTRY if c not in before]
    api.REGISTRY[:] = before
    return mod, {c.name: c for c in registered}


@pytest.fixture(scope="module")
def checks():
    return load_checks()


def ctx_for(chk):
    from grader.checks import Ctx, check_seed
    return Ctx(check_seed(0, chk.exercise, chk.name), [])


def cmp(dt, t, atol=1e-8):
    """The lecture's cmp(): (exact, approximate, maxdiff), plus the shape, which it lets slide."""
    assert isinstance(dt, torch.Tensor) and dt.shape == t.grad.shape, (getattr(dt, "shape", dt), t.grad.shape)
    return torch.all(dt == t.grad).item(), torch.allclose(dt, t.grad, atol=atol), (dt - t.grad).abs().max().item()


def assert_autograd(result, tensors, tol=1e-6, atol=1e-8):
    for key, t in tensors.items():
        exact, approx, maxdiff = cmp(result[key], t, atol)
        assert approx and maxdiff < tol, (key, maxdiff)


def leaf(x):
    return x.detach().clone().requires_grad_()


def test_every_check_is_covered(checks):
    mod, registered = checks
    steps = {n for n, c in registered.items() if c.exercise == "steps"}
    covered = {"ce_batch", "ce_rows_sum_to_zero", "ce_other_batch", "linear_grads", "linear_layer2", "tanh_grad",
               "tanh_saturated", "bn_batch", "bn_small_batch", "emb_batch", "emb_other_sizes", "emb_repeated",
               "ninja_grads", "ninja_other_sizes", "ninja_step"} | steps
    assert set(registered) == covered


def test_no_autograd_in_the_job():
    """The checks' code never asks torch for gradients: no backward, no requires_grad, no .grad, no autograd."""
    import ast
    tree = ast.parse((SET / "checks.py").read_text())
    used = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    used |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    used |= {k.arg for n in ast.walk(tree) if isinstance(n, ast.Call) for k in n.keywords}
    assert not used & {"backward", "grad", "requires_grad", "requires_grad_", "autograd", "retain_grad", "enable_grad"}


@pytest.mark.parametrize("name,n,vocab", [("ce_batch", 32, 27), ("ce_other_batch", 5, 7)])
def test_cross_entropy_reference_is_autograd(checks, reference, name, n, vocab):
    mod, reg = checks
    ctx = ctx_for(reg[name])
    logits, Yb = mod.ce_inputs(ctx, n, vocab)
    t = leaf(logits)
    F.cross_entropy(t, Yb).backward()
    result = reg[name].fn(reference("backprop", "cross_entropy"), ctx_for(reg[name]))
    assert_autograd(result, {"dlogits": t}, tol=1e-7)  # the lecture: maxdiff 5.1e-09 at n = 32


def test_linear_reference_is_autograd(checks, reference):
    mod, reg = checks
    lin = reference("backprop", "linear")
    x, W, b, dout = (leaf(v) for v in mod.linear_inputs(ctx_for(reg["linear_grads"]), 8, 6, 5))
    (x @ W + b).backward(dout.detach())
    assert_autograd(reg["linear_grads"].fn(lin, ctx_for(reg["linear_grads"])), {"dx": x, "dW": W, "db": b})
    h, W2, b2, dlogits = mod.linear_inputs(ctx_for(reg["linear_layer2"]), 32, 64, 27, scale=0.1)
    h, W2, b2 = leaf(torch.tanh(h)), leaf(W2), leaf(b2)
    (h @ W2 + b2).backward(dlogits / 32)
    assert_autograd(reg["linear_layer2"].fn(lin, ctx_for(reg["linear_layer2"])), {"dh": h, "dW2": W2, "db2": b2})


def test_tanh_reference_is_autograd(checks, reference):
    mod, reg = checks
    hpreact, _, dh = mod.tanh_inputs(ctx_for(reg["tanh_grad"]), 8, 6)
    t = leaf(hpreact)
    torch.tanh(t).backward(dh)
    assert_autograd(reg["tanh_grad"].fn(reference("backprop", "tanh"), ctx_for(reg["tanh_grad"])), {"dhpreact": t})


@pytest.mark.parametrize("name,n,dim", [("bn_batch", 32, 8), ("bn_small_batch", 4, 5)])
def test_batchnorm_reference_is_autograd(checks, reference, name, n, dim):
    mod, reg = checks
    hprebn, bngain, bnbias, dhpreact = mod.bn_inputs(ctx_for(reg[name]), n, dim)
    hprebn, bngain, bnbias = leaf(hprebn), leaf(bngain), leaf(bnbias)
    # the lecture's "now:" forward pass of exercise 3
    hpreact = bngain * (hprebn - hprebn.mean(0, keepdim=True)) / torch.sqrt(
        hprebn.var(0, keepdim=True, unbiased=True) + 1e-5) + bnbias
    hpreact.backward(dhpreact)
    result = reg[name].fn(reference("backprop", "batchnorm"), ctx_for(reg[name]))
    assert_autograd(result, {"dhprebn": hprebn, "dbngain": bngain, "dbnbias": bnbias}, tol=1e-5)


@pytest.mark.parametrize("name,sizes", [("emb_batch", (27, 10, 32, 3)), ("emb_other_sizes", (9, 2, 7, 5)),
                                        ("emb_repeated", None)])
def test_embedding_reference_is_autograd(checks, reference, name, sizes):
    mod, reg = checks
    ctx = ctx_for(reg[name])
    C, Xb, dembcat = mod.emb_inputs(ctx, *sizes) if sizes else mod.emb_repeated_inputs(ctx)
    C = leaf(C)
    C[Xb].view(Xb.shape[0], -1).backward(dembcat)
    assert_autograd(reg[name].fn(reference("backprop", "embedding"), ctx_for(reg[name])), {"dC": C})


@pytest.mark.parametrize("name,sizes", [("ninja_grads", "LECTURE_SIZES"), ("ninja_other_sizes", "OTHER_SIZES")])
def test_ninja_reference_is_autograd(checks, reference, name, sizes):
    mod, reg = checks
    Xb, Yb, parameters = mod.network_inputs(ctx_for(reg[name]), **getattr(mod, sizes))
    parameters = [leaf(p) for p in parameters]
    mod.forward_loss(Xb, Yb, parameters).backward()
    result = reg[name].fn(reference("backprop", "ninja"), ctx_for(reg[name]))
    assert_autograd(result, {f"d{k}": p for k, p in zip(mod.PARAM_NAMES, parameters)}, tol=1e-5)


def test_ninja_step_reference_is_an_autograd_step(checks, reference):
    mod, reg = checks
    Xb, Yb, parameters = mod.network_inputs(ctx_for(reg["ninja_step"]), **mod.LECTURE_SIZES)
    parameters = [leaf(p) for p in parameters]
    mod.forward_loss(Xb, Yb, parameters).backward()
    with torch.no_grad():
        expected = mod.forward_loss(Xb, Yb, [p - 0.1 * p.grad for p in parameters])
    got = reg["ninja_step"].fn(reference("backprop", "ninja"), ctx_for(reg["ninja_step"]))
    assert got["every gradient has its parameter's shape"] is True
    assert abs(got["loss after one step"].item() - expected.item()) < 1e-5


def chunked_forward(Xb, Yb, parameters):
    """The lecture's exercise-1 forward pass, every intermediate kept with its .grad."""
    C, W1, b1, W2, b2, bngain, bnbias = parameters
    n = Xb.shape[0]
    t = {"emb": C[Xb]}
    t["embcat"] = t["emb"].view(n, -1)
    t["hprebn"] = t["embcat"] @ W1 + b1
    t["bnmeani"] = 1/n * t["hprebn"].sum(0, keepdim=True)
    t["bndiff"] = t["hprebn"] - t["bnmeani"]
    t["bndiff2"] = t["bndiff"]**2
    t["bnvar"] = 1/(n-1) * t["bndiff2"].sum(0, keepdim=True)
    t["bnvar_inv"] = (t["bnvar"] + 1e-5)**-0.5
    t["bnraw"] = t["bndiff"] * t["bnvar_inv"]
    t["hpreact"] = bngain * t["bnraw"] + bnbias
    t["h"] = torch.tanh(t["hpreact"])
    t["logits"] = t["h"] @ W2 + b2
    t["logit_maxes"] = t["logits"].max(1, keepdim=True).values
    t["norm_logits"] = t["logits"] - t["logit_maxes"]
    t["counts"] = t["norm_logits"].exp()
    t["counts_sum"] = t["counts"].sum(1, keepdim=True)
    t["counts_sum_inv"] = t["counts_sum"]**-1
    t["probs"] = t["counts"] * t["counts_sum_inv"]
    t["logprobs"] = t["probs"].log()
    loss = -t["logprobs"][range(n), Yb].mean()
    for v in t.values():
        v.retain_grad()
    loss.backward()
    # the lecture's F.cross_entropy gives the same gradients to the parameters
    ref = [leaf(p) for p in parameters]
    checks_mod, _ = load_checks()
    checks_mod.forward_loss(Xb, Yb, ref).backward()
    for p, r in zip(parameters, ref):
        assert torch.allclose(p.grad, r.grad, atol=1e-7)
    return t


@pytest.mark.parametrize("name,sizes", [("steps_lecture", "LECTURE_SIZES"), ("steps_other_sizes", "OTHER_SIZES")])
def test_steps_reference_is_autograd(checks, reference, name, sizes):
    mod, reg = checks
    Xb, Yb, parameters = mod.network_inputs(ctx_for(reg[name]), **getattr(mod, sizes))
    parameters = [leaf(p) for p in parameters]
    t = chunked_forward(Xb, Yb, parameters)
    t.update(zip(mod.PARAM_NAMES, parameters))
    result = reg[name].fn(reference("backprop", "steps"), ctx_for(reg[name]))
    assert list(result) == [f"{i:02d} d{s}" for i, s in enumerate(mod.STEPS, 1)]  # from the loss backwards
    assert_autograd(result, {f"{i:02d} d{s}": t[s] for i, s in enumerate(mod.STEPS, 1)}, tol=1e-6,
                    atol=1e-7)  # dlogit_maxes is 0 in exact arithmetic: float32 leaves ~1e-8


# ---- (b) a hostile submission: it steals .grad from the caller's frames ------------------------------

STEAL = '''
import inspect
import sys

import torch


def _stolen():
    """Every .grad reachable from the callers' frames, nearest first (sys._getframe and inspect.stack)."""
    found, seen = [], set()
    frames = []
    f = sys._getframe(1)
    while f is not None:
        frames.append(f)
        f = f.f_back
    frames += [info.frame for info in inspect.stack()]
    for fr in frames:
        for v in list(fr.f_locals.values()):
            for t in (v if isinstance(v, (list, tuple)) else [v]):
                if isinstance(t, torch.Tensor) and t.grad is not None and id(t) not in seen:
                    seen.add(id(t))
                    found.append(t.grad.clone())
    return found


def _take(shape, found):
    for i, g in enumerate(found):
        if tuple(g.shape) == tuple(shape):
            return found.pop(i)
    return torch.zeros(shape)
'''

HOSTILE = {
    "cross_entropy": STEAL + '''
def cross_entropy_backward(logits, Yb):
    return _take(logits.shape, _stolen())
''',
    "linear": STEAL + '''
def linear_backward(dout, x, W):
    found = _stolen()
    return _take(x.shape, found), _take(W.shape, found), _take((W.shape[1],), found)
''',
    "tanh": STEAL + '''
def tanh_backward(dh, hpreact, h):
    return _take(hpreact.shape, _stolen())
''',
    "batchnorm": STEAL + '''
def batchnorm_backward(dhpreact, hprebn, bngain):
    found = _stolen()
    return _take(hprebn.shape, found), _take(bngain.shape, found), _take(bngain.shape, found)
''',
    "embedding": STEAL + '''
def embedding_backward(dembcat, Xb, C):
    return _take(C.shape, _stolen())
''',
    "ninja": STEAL + '''
def manual_backward(Xb, Yb, parameters):
    found = _stolen()
    return [p.grad if p.grad is not None else _take(p.shape, found) for p in parameters]
''',
    "steps": STEAL + '''
NAMES = ["logprobs", "probs", "counts_sum_inv", "counts_sum", "counts", "norm_logits", "logit_maxes", "logits",
         "h", "W2", "b2", "hpreact", "bngain", "bnbias", "bnraw", "bnvar_inv", "bnvar", "bndiff2", "bndiff",
         "bnmeani", "hprebn", "embcat", "W1", "b1", "emb", "C"]


def manual_backward_steps(Xb, Yb, parameters):
    found = []
    f = sys._getframe(1)
    while f is not None:
        for name in NAMES:
            t = f.f_locals.get(name)
            if isinstance(t, torch.Tensor) and t.grad is not None:
                found.append(("d" + name, t.grad))
        f = f.f_back
    grads = dict(found)
    for p, name in zip(parameters, ["C", "W1", "b1", "W2", "b2", "bngain", "bnbias"]):
        if p.grad is not None:
            grads["d" + name] = p.grad
    return grads
''',
}


def test_the_hostile_submission_is_a_real_threat():
    """Where autograd runs in the caller (as the old checks did), stealing works: the test is not vacuous."""
    ns = {}
    exec(HOSTILE["cross_entropy"], ns)
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(6, 5, generator=g, requires_grad=True)
    Yb = torch.tensor([0, 1, 2, 3, 4, 0])
    F.cross_entropy(logits, Yb).backward()
    assert torch.equal(ns["cross_entropy_backward"](logits.detach().clone(), Yb), logits.grad)


@pytest.fixture(scope="module")
def hostile_course(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile") / "course"
    root.mkdir()
    ignore = shutil.ignore_patterns(".z2h", "__pycache__")
    for part in ("exercises", "solutions", "data"):
        shutil.copytree(REPO / part, root / part, ignore=ignore)
    names = [p.stem for p in (root / "exercises" / "backprop").glob("*.py") if p.stem != "checks"]
    for name in names:
        (root / "exercises" / "backprop" / f"{name}.py").write_text(HOSTILE[name])
    return root, names


@pytest.mark.slow
def test_a_stack_walking_submission_cannot_pass(hostile_course):
    root, names = hostile_course
    for name in names:
        proc = subprocess.run([sys.executable, "-m", "grader.cli", f"backprop/{name}", "--root", str(root), "--json"],
                              capture_output=True, text=True, timeout=300, cwd=root)
        assert proc.returncode == 1, (name, proc.stdout[-2000:], proc.stderr[-2000:])
        report = json.loads(proc.stdout)
        (ex,) = report["exercises"]
        assert ex["status"] not in ("passed", "not started"), (name, ex["status"])
        assert not ex["violations"], (name, ex["violations"])  # it broke no rule: it just found nothing
        passed = [c["name"] for c in ex["checks"] if c["status"] == "pass"]
        assert ex["points"] == 0 and not passed, (name, passed)
