"""Hostile notebooks in every mode that reads one: `grade SET --notebook` (local) and
`grade SET --from x.ipynb` (isolated as root). Numeric tags, metadata of the wrong type, lone
surrogates and markup in cells get a verdict or an error in words, never a traceback; no folder
is left behind."""
from __future__ import annotations

import json
import os
import shutil
import time

import pytest

from grader import cli
from tests.redteam.test_redteam import IS_ROOT, assert_no_folders_left, make_course, make_world, run_inprocess

pytestmark = pytest.mark.slow   # runs the toy set

SCALE = "# z2h: toy/scale\ndef scale(xs, k):\n    return [k * x for x in xs]  # \udfff\n"
COUNTER = ("# z2h: toy/counter\nfrom scale import scale\ns = '\ud800 [/] [bold]x'\n\n\nclass Counter:\n"
           "    def __init__(self):\n        self.total = 0.0\n\n    def add(self, xs, k=1.0):\n"
           "        for x in scale(xs, k):\n            self.total += x\n")


def _notebook(path, cells):
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": 5}, "cells": [
        dict({"cell_type": "code", "id": f"c{i}", "outputs": [], "execution_count": None}, **c)
        for i, c in enumerate(cells)]}
    path.write_text(json.dumps(nb))
    return path


CASES = {
    "numeric-tags": ([{"metadata": {"tags": 5}, "source": SCALE},
                      {"metadata": {"tags": [7, "z2h:toy/counter"], "z2h": 3}, "source": COUNTER}], 0, "passed"),
    "lone-surrogates-and-markup": ([{"metadata": {}, "source": SCALE}, {"metadata": {}, "source": COUNTER}], 0, "passed"),
    "source-not-text": ([{"metadata": {}, "source": ["# z2h: toy/scale\n", 5]}], 2, "not a readable notebook"),
}


@pytest.fixture
def world():
    w = make_world()
    yield w
    shutil.rmtree(w, ignore_errors=True)


@pytest.mark.parametrize("mode", ["notebook", "from"])
@pytest.mark.parametrize("name", list(CASES))
def test_hostile_notebook(name, mode, world, capsys, monkeypatch):
    if mode == "from" and not IS_ROOT:
        pytest.skip("isolation needs root")
    cells, code, words = CASES[name]
    root = make_course(world)
    nb = _notebook(world / "nb.ipynb", cells)
    os.chmod(world / "nb.ipynb", 0o644)
    flag = "--notebook" if mode == "notebook" else "--from"
    t0 = time.monotonic()
    got, out = run_inprocess(["toy", "--root", str(root), flag, str(nb)], world, capsys, monkeypatch)
    assert time.monotonic() - t0 < 15
    assert got == code and "Traceback" not in out, out[-2000:]
    assert words in out, out[-2000:]
    got, out = run_inprocess(["toy", "--root", str(root), flag, str(nb), "--json"], world, capsys, monkeypatch)
    assert got == code and "Traceback" not in out
    assert_no_folders_left(world)
