"""Verdicts of the wavenet set: natural bugs are caught and named.

Each test grades a submission through the CLI, in a temporary copy of the course whose wavenet
stubs are the references, with one file replaced.
"""
from pathlib import Path

import pytest

from tests import helpers

REPO = helpers.REPO
SET = "wavenet"


def course_copy(tmp_path: Path, **files: str) -> Path:
    return helpers.course_copy(tmp_path, SET, True, **files)


def edited(name: str, *edits: tuple[str, str]) -> str:
    return helpers.edited_source(SET, name, *edits)


def grade_set(root: Path) -> dict:
    return {e["id"].split("/")[1]: e for e in helpers.grade_json(root, SET)}


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
