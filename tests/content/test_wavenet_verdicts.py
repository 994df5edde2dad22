"""Verdicts of the wavenet set: natural bugs are caught and named; the README lists the rules.

Each test grades a submission through the CLI, in a temporary copy of the course whose wavenet
stubs are the references, with one file replaced.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SET = "wavenet"


def grade_cli() -> list[str]:
    exe = Path(sys.executable).parent / "grade"
    return [str(exe)] if exe.is_file() else [sys.executable, "-m", "grader.cli"]


def course_copy(tmp_path: Path, **files: str) -> Path:
    root = tmp_path / "course"
    shutil.copytree(REPO / "exercises", root / "exercises")
    shutil.copytree(REPO / "solutions", root / "solutions")
    shutil.copytree(REPO / "data" / "fixtures", root / "data" / "fixtures")
    for ref in (REPO / "solutions" / SET).glob("*.py"):
        shutil.copy(ref, root / "exercises" / SET / ref.name)
    for name, text in files.items():
        (root / "exercises" / SET / f"{name}.py").write_text(text, encoding="utf-8")
    return root


def edited(name: str, *edits: tuple[str, str]) -> str:
    text = (REPO / "solutions" / SET / f"{name}.py").read_text(encoding="utf-8")
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


@pytest.mark.slow
def test_natural_bugs_are_named(tmp_path):
    flatten = edited("flatten", ("x = x.squeeze(1)", "x = x.squeeze()"))
    layers = edited("layers", ("dim = (0, 1)", "dim = 0"))
    results = grade_set(course_copy(tmp_path, flatten=flatten, layers=layers))
    assert results["flatten"]["mistake"]["id"] == "squeeze-every-dim"
    assert results["layers"]["mistake"]["id"] == "batch-dim-only-for-3d"


@pytest.mark.slow
def test_torch_layout_is_named(tmp_path):
    layers = edited("layers", ("dim = (0, 1)", "dim = (0, 2)"))
    results = grade_set(course_copy(tmp_path, layers=layers))
    assert results["layers"]["mistake"]["id"] == "torch-layout-dims-0-2"


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
