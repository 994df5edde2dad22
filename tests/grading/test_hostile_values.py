"""Judging is total over bounded input: huge ints, denormal factors, odd shapes; an exception while
judging one check becomes that check's error in words."""
from __future__ import annotations

import numpy as np
import pytest

from grader.course.manifest import Rules
from grader.course import rules
from grader.grading import engine
from grader.grading.compare import compare
from grader.sandbox.wire import Array


@pytest.mark.parametrize("got", [10**400, -10**400, 10**4000, [10**400, 1], {"a": 10**400}])
def test_ints_beyond_float_range(got):
    exp = 9.0 if type(got) is int else [9.0, 1.0] if type(got) is list else {"a": 9.0}
    c = compare(exp, got)
    assert c.verdict == "wrong"


def test_huge_ints_equal_are_exact():
    assert compare(10**400, 10**400).verdict == "exact"
    assert compare([10**400, 2], [10**400, 2]).verdict == "exact"


@pytest.mark.parametrize("k", [1e-310, 5e-324, 1e308, -1e-310])
def test_denormal_and_huge_scale_factors(k):
    e = np.linspace(1, 2, 12).reshape(3, 4)
    with np.errstate(over="ignore"):
        scaled = e * k
    c = compare(Array(e, "numpy", "float64"), Array(scaled, "numpy", "float64"))
    assert c.verdict == "wrong"
    assert compare([1.0, 2.0, 3.0], [x * k for x in (1.0, 2.0, 3.0)]).verdict == "wrong"
    assert compare(2.0, 2.0 * k).verdict == "wrong"


RULES = Rules(forbid_imports=("torch",), forbid_calls=(".backward",))


def test_rules_are_total():
    big = "0x" + "f" * 5000
    assert rules.violations(f"__import__({big})\nimport torch\n", RULES) == [(2, "imports torch: this exercise is built without torch")]
    deep = "x = " + "+".join(["1"] * 100_000) + "\n"
    found = rules.violations(deep, RULES)
    assert found and "nested too deeply" in found[0][1]
    assert rules.violations("\x00garbage", RULES) == []
    assert rules.violations("x = (" * 300 + ")" * 300, RULES) is not None


def test_an_exception_while_judging_is_that_checks_error(monkeypatch):
    from grader.grading.jobs import CheckMeta
    from grader.grading.results import ExerciseResult
    from grader.sandbox.records import CheckRun, Job, JobResult, RunStatus

    def boom(*a, **k):
        raise RecursionError("maximum recursion depth exceeded")
    monkeypatch.setattr(engine, "compare", boom)
    meta = CheckMeta(exercise="counter", name="accumulates", description="d", points=2, rtol=None, atol=None,
                     timeout=1.0, data=(), milestone=False)
    job = Job("j", "counter", "counter", "/x", [], ["accumulates"], 1.0)
    got = JobResult(job, {"accumulates": CheckRun("accumulates", RunStatus.OK, 9.0)})
    ref = {"accumulates": CheckRun("accumulates", RunStatus.OK, 9.0)}

    class Ex:
        name, id, points = "counter", "toy/counter", 2

    res = ExerciseResult(Ex(), None, max_points=2, file="counter.py")

    class S:
        root = "/"
    engine._judge(res, [meta], ref, got, S())
    assert res.checks[0].status == "error" and "could not judge" in res.checks[0].error["message"]
    assert res.status == "error" and res.points == 0
