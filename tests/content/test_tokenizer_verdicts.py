"""Verdicts of the tokenizer set: each exercise is graded on its own code, and natural bugs are named.

Each test grades a submission through the CLI, in a temporary copy of the course.
"""
from pathlib import Path

import pytest

from tests import helpers
from tests.helpers import passed

REPO = helpers.REPO
SET = "tokenizer"


def course_copy(tmp_path: Path, solved: bool, **files: str) -> Path:
    return helpers.course_copy(tmp_path, SET, solved, **files)


def reference(name: str) -> str:
    return helpers.reference_source(SET, name)


def edited(name: str, *edits: tuple[str, str]) -> str:
    return helpers.edited_source(SET, name, *edits)


def grade_set(root: Path) -> dict:
    return {e["id"].split("/")[1]: e for e in helpers.grade_json(root, SET)}


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
