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
