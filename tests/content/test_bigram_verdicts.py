"""Verdicts of the bigram set on code nobody on the project wrote: the lecture's recipes, natural
mistakes, hostile submissions. Each test grades a submission through the CLI, as a student would."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import failing_checks as failing
from tests.helpers import grade_solved_set
from tests.helpers import mistake_id as mistake

REPO = Path(__file__).resolve().parents[2]
SET = "bigram"


def grade(tmp_path: Path, exercise: str, edits=(), source: str | None = None, seed: int | None = None) -> dict:
    return grade_solved_set(tmp_path, SET, exercise, edits, source, seed)


HOSTILE_NORMALIZE = """
import torch

torch.equal = lambda a, b: True          # every 'unchanged?' question answers yes
torch.allclose = lambda *a, **k: True
torch.Tensor.equal = lambda a, b: True


def normalize(N, k=1):
    N += k                                # smooths N itself: the caller's counts change
    P = N.float()
    P /= P.sum(1, keepdim=True)
    return P
"""


def test_patching_torch_equal_and_mutating_N_fails(tmp_path):
    r = grade(tmp_path, "normalize", source=HOSTILE_NORMALIZE)
    assert r["status"] == "failing"
    assert {"normalize_seeded", "normalize_rect"} <= failing(r)
    seeded = next(c for c in r["checks"] if c["name"] == "normalize_seeded")
    assert any(mm["path"].startswith("N after the call") for mm in seeded["mismatches"])


def test_mutating_N_without_patching_is_caught(tmp_path):
    r = grade(tmp_path, "normalize", [("P = (N + k).float()", "N += k\n    P = N.float()")])
    assert "normalize_seeded" in failing(r)


def test_no_check_judges_with_torch_in_the_job():
    text = (REPO / "exercises" / SET / "checks.py").read_text()
    for judge in ("torch.equal(", "torch.allclose(", "torch.isfinite("):
        assert judge not in text, judge


def test_descent_ignoring_lr_is_caught_and_said(tmp_path):
    r = grade(tmp_path, "descent", [("W.data += -lr * W.grad", "W.data += -50 * W.grad")])
    assert "descent_lr" in failing(r) and mistake(r) == "lr-ignored"
    chk = next(c for c in r["checks"] if c["name"] == "descent_lr")
    assert any(mm["path"] == "changing lr changes the step" for mm in chk["mismatches"])


def test_descent_rebinding_W_is_named(tmp_path):
    r = grade(tmp_path, "descent", [("W.data += -lr * W.grad", "W = W - lr * W.grad")])
    assert mistake(r) == "update-rebinds-name"


@pytest.mark.parametrize("exercise, find, repl", [
    ("counts", "ix1 = stoi[ch1]\n            ix2 = stoi[ch2]",
     "ix1 = ALPHA.index(ch1)\n            ix2 = ALPHA.index(ch2)"),
    ("onehot", "ix1 = stoi[ch1]\n            ix2 = stoi[ch2]",
     "ix1 = ALPHA.index(ch1)\n            ix2 = ALPHA.index(ch2)"),
    ("nll", "ix1 = stoi[ch1]\n            ix2 = stoi[ch2]",
     "ix1 = ALPHA.index(ch1)\n            ix2 = ALPHA.index(ch2)"),
])
def test_a_hard_coded_vocabulary_is_caught(tmp_path, exercise, find, repl):
    ref = (REPO / "solutions" / SET / f"{exercise}.py").read_text()
    source = "ALPHA = '.abcdefghijklmnopqrstuvwxyz'\n" + ref.replace(find, repl)
    r = grade(tmp_path, exercise, source=source)
    assert r["status"] == "failing"


@pytest.mark.parametrize("exercise, find, repl, named", [
    ("normalize", "P /= P.sum(1, keepdim=True)", "P /= P.sum(1)", "no-keepdim"),
    ("onehot", "xs = torch.tensor(xs)\n    ys = torch.tensor(ys)", "xs = torch.Tensor(xs)\n    ys = torch.Tensor(ys)",
     "Tensor-not-tensor"),
    ("onehot", "xenc = F.one_hot(xs, num_classes=27).float()", "xenc = F.one_hot(xs, num_classes=27)", "one-hot-int"),
    ("descent", "    W.grad = None\n", "", "grad-not-reset"),
])
def test_seed_mistakes_are_named(tmp_path, exercise, find, repl, named):
    assert mistake(grade(tmp_path, exercise, [(find, repl)])) == named
