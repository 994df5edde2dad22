"""Shared test helpers: the repo root, the real datasets (../shared/data or $Z2H_DATA)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def dataset_path(name: str) -> Path | None:
    dirs = [Path(p) for p in os.environ.get("Z2H_DATA", "").split(os.pathsep) if p]
    dirs += [REPO / "data", REPO.parent / "shared" / "data"]
    return next((d / name for d in dirs if (d / name).is_file()), None)


@pytest.fixture
def dataset():
    """dataset("names.txt") -> Path; fails (never skips) in CI, where the data must be present."""
    def find(name: str) -> Path:
        p = dataset_path(name)
        if p is None:
            if os.environ.get("CI"):
                pytest.fail(f"{name} not found: CI must set Z2H_DATA")
            pytest.skip(f"{name} not found (set Z2H_DATA)")
        return p
    return find


@pytest.fixture
def reference():
    """reference("micrograd", "value") -> the reference module, imported from solutions/<set>/."""
    import importlib

    def load(set_name: str, module: str):
        folder = str(REPO / "solutions" / set_name)
        if sys.path[0] != folder:
            sys.path.insert(0, folder)
        for name in list(sys.modules):  # sibling modules of another set may share a name
            mod = sys.modules[name]
            if getattr(mod, "__file__", None) and "/solutions/" in mod.__file__ and folder not in mod.__file__:
                del sys.modules[name]
        return importlib.import_module(module)
    return load


@pytest.fixture
def toy(tmp_path):
    """A fresh copy of the tiny test course (tests/course); returns its root."""
    import shutil
    root = tmp_path / "course"
    shutil.copytree(REPO / "tests" / "course", root, ignore=shutil.ignore_patterns(".z2h", "__pycache__"))
    return root


def solve(root: Path, set_name: str = "toy") -> None:
    """Copy the references over the stubs, as a student who finished would have them."""
    import shutil
    for p in (root / "solutions" / set_name).glob("*.py"):
        shutil.copy(p, root / "exercises" / set_name / p.name)
