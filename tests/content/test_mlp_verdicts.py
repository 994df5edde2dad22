"""Verdicts of the mlp set on code nobody on the project wrote: the lecture's recipes, natural
mistakes, hostile submissions. Each test grades a submission through the CLI, as a student would."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import failing_checks as failing
from tests.helpers import grade_solved_set
from tests.helpers import mistake_id as mistake

REPO = Path(__file__).resolve().parents[2]
SET = "mlp"


def grade(tmp_path: Path, exercise: str, edits=(), source: str | None = None, seed: int | None = None) -> dict:
    return grade_solved_set(tmp_path, SET, exercise, edits, source, seed)


def test_reference_passes(tmp_path):
    assert grade(tmp_path, "cross_entropy")["status"] == "passed"


def test_the_lectures_probs_log_fails_only_the_extreme_check_and_is_named(tmp_path):
    r = grade(tmp_path, "cross_entropy", [(
        "logprobs = norm_logits - counts_sum.log()  # log(counts / counts_sum)",
        "counts_sum_inv = counts_sum**-1\n    probs = counts * counts_sum_inv\n    logprobs = probs.log()")])
    assert r["status"] == "failing"
    assert failing(r) == {"ce_extreme"}
    assert mistake(r) == "lecture-log-of-probs"
    assert "log space" in r["mistake"]["why"]


def test_the_stub_asks_for_log_space():
    stub = (REPO / "exercises" / SET / "cross_entropy.py").read_text()
    assert "log space" in stub and "Departure from the lecture" in stub
    assert "log space" in (REPO / "exercises" / SET / "set.toml").read_text()


@pytest.mark.parametrize("find, repl, named", [
    ("p.data += -lr * p.grad", "p.data += -0.1 * p.grad", "lr-ignored"),
    ("p.data += -lr * p.grad", "p = p - lr * p.grad", "update-rebinds-name"),
    ("loss = cross_entropy(logits, Ytr[ix])", "loss = cross_entropy(logits.softmax(1), Ytr[ix])",
     "softmax-before-cross-entropy"),
    ("    for p in parameters:\n        p.grad = None\n", "", "grads-not-zeroed"),
])
def test_train_mistakes_are_named(tmp_path, find, repl, named):
    r = grade(tmp_path, "train", [(find, repl)])
    assert mistake(r) == named


def test_train_ignoring_lr_is_said(tmp_path):
    r = grade(tmp_path, "train", [("p.data += -lr * p.grad", "p.data += -0.1 * p.grad")])
    chk = next(c for c in r["checks"] if c["name"] == "train_lr_batch")
    assert any(mm["path"] == "changing lr changes the step" for mm in chk["mismatches"])


def test_init_params_ignoring_vocab_size_is_caught(tmp_path):
    r = grade(tmp_path, "model", [("C = torch.randn((vocab_size, emb_dim), generator=g)",
                                   "C = torch.randn((27, emb_dim), generator=g)")])
    assert "model_init_other" in failing(r)
