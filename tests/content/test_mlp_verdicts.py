"""Verdicts of the mlp set on code nobody on the project wrote: the lecture's recipes, natural
mistakes, hostile submissions. Each test grades a submission through the CLI, as a student would."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SET = "mlp"


def grade(tmp_path: Path, exercise: str, edits=(), source: str | None = None, seed: int | None = None) -> dict:
    """Grade SET/exercise in a copy of the course where every stub of SET is the reference, and
    `exercise` is the reference with `edits` applied (or `source`). Returns the exercise's JSON."""
    root = tmp_path / "course"
    shutil.copytree(REPO / "exercises", root / "exercises")
    shutil.copytree(REPO / "data" / "fixtures", root / "data" / "fixtures")
    for f in (REPO / "solutions" / SET).glob("*.py"):
        shutil.copy(f, root / "exercises" / SET / f.name)
    path = root / "exercises" / SET / f"{exercise}.py"
    text = source if source is not None else path.read_text()
    for find, repl in edits:
        assert text.count(find) == 1, find
        text = text.replace(find, repl)
    path.write_text(text)
    cmd = [sys.executable, "-m", "grader.cli", f"{SET}/{exercise}", "--root", str(root), "--json", "--skip-milestones"]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert out.stdout, out.stderr
    return json.loads(out.stdout)["exercises"][0]


def failing(result: dict) -> set[str]:
    return {c["name"] for c in result["checks"] if c["status"] != "pass"}


def mistake(result: dict) -> str | None:
    return (result.get("mistake") or {}).get("id")


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
