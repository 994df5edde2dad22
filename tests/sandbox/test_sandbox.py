"""Sandbox verdicts: the worker process may hang, crash, exit or lie; the grader holds."""
import time

import pytest

from tests.helpers import solve
from grader.grading import engine
from grader.course.manifest import load_course


def grade(root, **kw):
    s = load_course(root).set("toy")
    return {r.exercise.name: r for r in engine.grade_set(s, opts=engine.Options(**kw)).exercises}


def write_scale(root, body: str):
    (root / "exercises" / "toy" / "scale.py").write_text(body)


def test_stubs_are_not_started(toy):
    res = grade(toy)
    assert [r.status for r in res.values()] == ["not started", "not started"]
    assert all(c.status == "todo" for r in res.values() for c in r.checks)


def test_solved_passes(toy):
    solve(toy)
    res = grade(toy)
    assert all(r.status == "passed" for r in res.values())
    assert res["scale"].points == 3 and res["counter"].points == 2


def test_infinite_loop_times_out_within_budget(toy):
    write_scale(toy, "def scale(xs, k):\n    while True:\n        pass\n")
    t0 = time.monotonic()
    res = grade(toy)
    assert time.monotonic() - t0 < 3 * (3.0 + 2.0)  # one check's timeout + 2 s, x3 slack on a loaded machine: a hang detector
    assert res["scale"].status == "timed out"
    assert res["scale"].checks[0].status == "timeout"


def test_segfault_is_an_error_and_the_rest_goes_on(toy):
    solve(toy)
    write_scale(toy, "import ctypes\ndef scale(xs, k):\n    ctypes.string_at(0)\n")
    res = grade(toy)
    assert res["scale"].status == "error" and "SIGSEGV" in res["scale"].detail


@pytest.mark.parametrize("body", ["import sys\ndef scale(xs, k):\n    print('PASSED')\n    sys.exit(0)\n",
                                  "import os\ndef scale(xs, k):\n    print('PASSED', flush=True)\n    os._exit(0)\n"])
def test_exit_is_never_a_pass(toy, body):
    write_scale(toy, body)
    res = grade(toy)
    assert res["scale"].status == "error" and res["scale"].points == 0


def test_monkeypatched_comparisons_do_not_help(toy):
    write_scale(toy, "import math, builtins\nmath.isclose = lambda *a, **k: True\n"
                     "builtins.all = lambda *a: True\n"
                     "def scale(xs, k):\n    return [0.0 for x in xs]\n")
    res = grade(toy)
    assert res["scale"].status == "failing" and res["scale"].points == 0


def test_lying_objects_do_not_pass(toy):
    write_scale(toy, "class Liar(float):\n    def __eq__(self, o): return True\n    def __float__(self): return 6.0\n"
                     "    __hash__ = float.__hash__\n"
                     "class Any:\n    def __eq__(self, o): return True\n"
                     "def scale(xs, k):\n    return [Liar(0.0), Any()] + [Liar(0.0)] * (len(xs) - 2)\n")
    res = grade(toy)
    assert res["scale"].status == "failing"
    assert res["scale"].points == 0


def test_syntax_error_names_file_and_line(toy):
    write_scale(toy, "def scale(xs, k):\n    return [k * x for x in xs\n")
    res = grade(toy)
    err = res["scale"].checks[0].error
    assert res["scale"].status == "error" and err["type"] == "SyntaxError" and err["where"] == "scale.py:2"


def test_traceback_shows_only_student_frames(toy):
    write_scale(toy, "def scale(xs, k):\n    return helper(xs)\ndef helper(xs):\n    return 1 / 0\n")
    tb = grade(toy)["scale"].checks[0].error["traceback"]
    assert "scale.py" in tb and "ZeroDivisionError" in tb
    assert "grader/" not in tb and "worker.py" not in tb


def test_garbage_output_and_prints_are_captured(toy):
    write_scale(toy, "import sys\ndef scale(xs, k):\n    sys.stdout.buffer.write(bytes(range(256)) * 100)\n"
                     "    print('{\"job\": \"x\", \"exit\": 0}')\n    return [k * x for x in xs]\n")
    res = grade(toy)
    assert res["scale"].status == "passed"
    assert len(res["scale"].checks[0].output) <= 20000


def test_known_mistake_is_named(toy):
    solve(toy)
    p = toy / "exercises" / "toy" / "counter.py"
    p.write_text(p.read_text().replace("self.total += x", "self.total = x"))
    res = grade(toy)
    assert res["counter"].status == "failing" and res["counter"].mistake.id == "overwrites"


def test_seed_changes_the_draw_but_stays_deterministic(toy):
    solve(toy)
    assert grade(toy, seed=5)["scale"].status == "passed"
