"""Verdicts of the tokenizer set: each exercise is graded on its own code, and natural bugs are named.

Each test grades a submission through the CLI, in a temporary copy of the course.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SET = "tokenizer"


def grade_cli() -> list[str]:
    exe = Path(sys.executable).parent / "grade"
    return [str(exe)] if exe.is_file() else [sys.executable, "-m", "grader.cli"]


def course_copy(tmp_path: Path, solved: bool, **files: str) -> Path:
    """A copy of the course; with `solved`, the stubs replaced by the references; then `files` on top."""
    root = tmp_path / "course"
    shutil.copytree(REPO / "exercises", root / "exercises")
    shutil.copytree(REPO / "solutions", root / "solutions")
    shutil.copytree(REPO / "data" / "fixtures", root / "data" / "fixtures")
    if solved:
        for ref in (REPO / "solutions" / SET).glob("*.py"):
            shutil.copy(ref, root / "exercises" / SET / ref.name)
    for name, text in files.items():
        (root / "exercises" / SET / f"{name}.py").write_text(text, encoding="utf-8")
    return root


def reference(name: str) -> str:
    return (REPO / "solutions" / SET / f"{name}.py").read_text(encoding="utf-8")


def edited(name: str, *edits: tuple[str, str]) -> str:
    text = reference(name)
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def grade_set(root: Path) -> dict:
    env = dict(os.environ, NO_COLOR="1")
    out = subprocess.run(grade_cli() + [SET, "--root", str(root), "--json", "--skip-milestones"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert out.stdout, out.stderr
    return {e["id"].split("/")[1]: e for e in json.loads(out.stdout)["exercises"]}


def passed(result: dict) -> bool:
    return result["status"] == "passed" and all(c["status"] == "pass" for c in result["checks"] if not c["milestone"])


@pytest.mark.slow
def test_finished_train_beside_unfinished_stats_and_merge_is_graded(tmp_path):
    results = grade_set(course_copy(tmp_path, solved=False, train=reference("train"), encode=reference("encode")))
    assert results["stats"]["status"] == "not started"
    assert results["merge"]["status"] == "not started"
    assert passed(results["train"]), results["train"]["status"]
    assert passed(results["encode"]), results["encode"]["status"]


@pytest.mark.slow
def test_a_bug_in_stats_is_not_charged_to_train_or_split(tmp_path):
    stats = edited("stats", ("counts[pair] = counts.get(pair, 0) + 1", "counts[pair] = 1"))
    results = grade_set(course_copy(tmp_path, solved=True, stats=stats))
    assert results["stats"]["status"] == "failing"
    assert results["stats"]["mistake"]["id"] == "presence-not-count"
    for ex in ("train", "encode", "split", "special"):
        assert passed(results[ex]), ex


@pytest.mark.slow
def test_natural_bugs_are_named(tmp_path):
    encode = edited("encode", ('pair = min(stats, key=lambda p: merges.get(p, float("inf")))', "pair = max(stats, key=stats.get)"))
    merge = edited("merge", ("if i < len(ids) - 1 and ids[i] == pair[0]", "if ids[i] == pair[0]"))
    train = edited("train", ("        ids = merge(ids, pair, idx)\n", "        merge(ids, pair, idx)\n"))
    results = grade_set(course_copy(tmp_path, solved=True, encode=encode, merge=merge, train=train))
    assert results["encode"]["mistake"]["id"] == "encode-most-frequent"
    assert results["merge"]["mistake"]["id"] == "merge-no-bounds-check"
    assert results["train"]["mistake"]["id"] == "merged-ids-discarded"


def test_readme_lists_every_rule():
    import tomllib
    manifest = tomllib.loads((REPO / "exercises" / SET / "set.toml").read_text(encoding="utf-8"))
    readme = (REPO / "exercises" / SET / "README.md").read_text(encoding="utf-8")
    tables = [manifest.get("rules", {})] + [ex.get("rules", {}) for ex in manifest["exercises"]]
    rules = {item for t in tables for key in ("forbid_imports", "forbid_calls") for item in t.get(key, [])}
    assert "## Rules the set enforces" in readme
    if not rules:
        assert "forbids no import or call" in readme
    missing = sorted(r for r in rules if f"`{r}`" not in readme)
    assert not missing, f"README.md does not list: {missing}"
