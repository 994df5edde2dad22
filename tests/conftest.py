"""Fixtures shared by every test: datasets, references, a fresh toy course. Helpers live in tests/helpers.py."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO, TOY, dataset_path

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
    """A fresh copy of the tiny test course (tests/toy_course); returns its root."""
    import shutil
    root = tmp_path / "course"
    shutil.copytree(TOY, root, ignore=shutil.ignore_patterns(".z2h", "__pycache__"))
    return root


@pytest.fixture(autouse=True)
def _no_workspace_of_the_user(tmp_path_factory, monkeypatch):
    """Tests never see (or write) the user's last `grade init` or $Z2H_HOME."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
    monkeypatch.delenv("Z2H_HOME", raising=False)
