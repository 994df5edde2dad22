"""Helpers shared by the tests (import them: `from tests.helpers import REPO, solve`)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TOY = REPO / "tests" / "toy_course"     # the tiny course the engine's tests grade


def dataset_path(name: str) -> Path | None:
    dirs = [Path(p) for p in os.environ.get("Z2H_DATA", "").split(os.pathsep) if p]
    dirs += [REPO / "data", REPO.parent / "shared" / "data"]
    return next((d / name for d in dirs if (d / name).is_file()), None)


def solve(root: Path, set_name: str = "toy") -> None:
    """Copy the references over the stubs, as a student who finished would have them."""
    import shutil
    for p in (root / "solutions" / set_name).glob("*.py"):
        shutil.copy(p, root / "exercises" / set_name / p.name)


def grade_solved_set(tmp_path: Path, SET: str, exercise: str, edits=(), source: str | None = None,
                     seed: int | None = None) -> dict:
    """Grade SET/exercise through the CLI, as a student would, in a copy of the course where every stub of SET is the reference, and
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


def failing_checks(result: dict) -> set[str]:
    return {c["name"] for c in result["checks"] if c["status"] != "pass"}


def mistake_id(result: dict) -> str | None:
    return (result.get("mistake") or {}).get("id")


def reference_source(set_name: str, name: str) -> str:
    return (REPO / "solutions" / set_name / f"{name}.py").read_text(encoding="utf-8")


def edited_source(set_name: str, name: str, *edits: tuple[str, str]) -> str:
    """The reference `name` of `set_name` with each (old, new) applied; each old occurs exactly once."""
    text = reference_source(set_name, name)
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def course_copy(tmp_path: Path, set_name: str, solved: bool = True, **files: str) -> Path:
    """A copy of the course; with `solved`, the stubs of `set_name` replaced by the references; then
    `files` (name -> source) on top."""
    root = tmp_path / "course"
    shutil.copytree(REPO / "exercises", root / "exercises")
    shutil.copytree(REPO / "solutions", root / "solutions")
    shutil.copytree(REPO / "data" / "fixtures", root / "data" / "fixtures")
    if solved:
        for ref in (REPO / "solutions" / set_name).glob("*.py"):
            shutil.copy(ref, root / "exercises" / set_name / ref.name)
    for name, text in files.items():
        (root / "exercises" / set_name / f"{name}.py").write_text(text, encoding="utf-8")
    return root


def grade_json(root: Path, target: str) -> list[dict]:
    """`grade TARGET --json --skip-milestones` in the course at root, through the installed CLI: the exercises."""
    exe = Path(sys.executable).parent / "grade"
    cmd = [str(exe)] if exe.is_file() else [sys.executable, "-m", "grader.cli"]
    out = subprocess.run(cmd + [target, "--root", str(root), "--json", "--skip-milestones"],
                         capture_output=True, text=True, env=dict(os.environ, NO_COLOR="1"), timeout=300)
    assert out.stdout, out.stderr
    return json.loads(out.stdout)["exercises"]


def passed(result: dict) -> bool:
    """Every check ran and passed (milestones are skipped here)."""
    return result["status"] == "passed" and all(c["status"] == "pass" for c in result["checks"] if not c["milestone"])


def add_milestone_without_its_dataset(toy: Path) -> Path:
    """The toy's counter gets a 1-point milestone reading absent.txt, a dataset nobody has; returns set.toml."""
    checks = toy / "exercises" / "toy" / "checks.py"
    checks.write_text(checks.read_text() + '''

@check("counter", "milestone: reads a dataset", milestone=True, data=["absent.txt"])
def reads(m, ctx):
    return ctx.data("absent.txt").read_text()
''')
    manifest = toy / "exercises" / "toy" / "set.toml"
    manifest.write_text(manifest.read_text().replace("points = 2\n", "points = 3\n"))
    return manifest
