"""Name the known mistake a failing student's results match.

A mistake is named when, on every check the student does not pass, the student's results are
the mistake's results (close values, or the same kind of error): the student made that mistake.
"""
from __future__ import annotations

from grader.grading.compare import compare
from grader.grading.status import BAD_VERDICTS, Status
from grader.sandbox.records import RunStatus


def matches(metas: list, student: dict, wrong: dict, failed: set[str]) -> bool:
    """student, wrong: check name -> CheckRun. True when the student fails exactly as `wrong` does."""
    failing = [m for m in metas if m.name in failed]
    if not failing:
        return False
    for m in failing:
        s, w = student.get(m.name), wrong.get(m.name)
        if s is None or w is None or s.status != w.status:
            return False
        if s.status == RunStatus.OK and compare(w.value, s.value, m.rtol, m.atol, same_nan=True).verdict == "wrong":
            return False
        if s.status == RunStatus.ERROR and (s.error or {}).get("type") != (w.error or {}).get("type"):
            return False
    return True


def name_mistakes(results, todo: dict, oracle) -> None:
    """Set `.mistake` on each failing ExerciseResult whose results match a known mistake's."""
    failing = [r for r in results if r.status in (Status.FAILING, Status.ERROR, Status.TIMED_OUT) and r.runs
               and not any((c.error or {}).get("type") == "ReferenceFailed" for c in r.checks)]
    if not failing:
        return
    catalogue = oracle.mistakes(sorted({r.exercise.name for r in failing}), todo)
    for r in failing:
        failed = {c.name for c in r.checks if c.status in BAD_VERDICTS}
        for mistake, runs in catalogue[r.exercise.name]:
            if matches(todo[r.exercise.name], r.runs, runs, failed):
                r.mistake = mistake
                break
