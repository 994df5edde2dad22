"""Helpers shared by the tests (import them: `from tests.helpers import REPO, solve`)."""
from __future__ import annotations

import os
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
