"""A milestone's goal (e.g. a validation loss <= 2.2), judged in the parent on the decoded raw value.

A student passes a goal by meeting it, not by matching the reference's number; the reference must
meet it too (`grade dev check`). The value is read from untrusted, decoded data: anything but a
finite real number fails the goal in plain words.
"""
from __future__ import annotations

import math

from grader.grading.compare import Comparison, Mismatch


def goal_value(goal: dict, value) -> tuple[float | None, str]:
    """(the number the goal is about, or None with why)."""
    key = goal.get("key")
    if key is not None:
        if not isinstance(value, dict) or key not in value:
            return None, f"the check's result has no entry {key!r}"
        value = value[key]
    if type(value) is bool or type(value) not in (int, float):
        return None, f"{key or 'the result'} is not a number ({type(value).__name__})"
    try:
        x = float(value)
    except OverflowError:
        return None, f"{key or 'the result'} is far out of range"
    if not math.isfinite(x):
        return None, f"{key or 'the result'} is {x} (not finite)"
    return x, ""


def describe(goal: dict) -> str:
    what = goal.get("key", "the result")
    parts = []
    if "max" in goal:
        parts.append(f"<= {goal['max']:g}")
    if "min" in goal:
        parts.append(f">= {goal['min']:g}")
    return f"{what} {' and '.join(parts)}"


def meets(goal: dict, value) -> tuple[bool, float | None, str]:
    x, why = goal_value(goal, value)
    if x is None:
        return False, None, why
    ok = ("max" not in goal or x <= goal["max"]) and ("min" not in goal or x >= goal["min"])
    return ok, x, "" if ok else f"{goal.get('key', 'the result')} = {x:.4g}, the goal is {describe(goal)}"


def judge(goal: dict, value) -> tuple[Comparison, float | None]:
    """A Comparison the renderers already know how to show: 'wrong' when the goal is missed."""
    ok, x, why = meets(goal, value)
    out = Comparison()
    if not ok:
        got = "nothing usable" if x is None else f"{x:.4g}"
        out.add("wrong", math.inf, Mismatch(goal.get("key", "result"), describe(goal), got, notes=[why]))
    return out, x
