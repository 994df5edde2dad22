"""Name the known mistakes a failing student's results match, check by check.

A mistake "concerns" the checks on which its results differ from the reference's. It is named for
a student when the student fails every check it concerns (the student shows all its symptoms) and,
on at least one of them, the student's results are the mistake's results (close values, or the
same kind of error). So a student with two mistakes hears both, even where they mix; and a mistake
that merely shares one symptom (a wrong `__truediv__` looks like a `__pow__` that lost its -1 on the
division check, but not on the power check) is never named. Each failing check names the mistake
that explains it.
"""
from __future__ import annotations

from grader.grading.compare import compare
from grader.grading.status import BAD_VERDICTS, Status
from grader.sandbox.records import RunStatus


def same(meta, a, b) -> bool:
    """Two runs of one check agree: both ok with close results, or the same status (and error type)."""
    if a is None or b is None or a.status != b.status:
        return False
    try:
        if a.status == RunStatus.OK:
            return compare(b.value, a.value, meta.rtol, meta.atol, same_nan=True).verdict != "wrong"
    except Exception:  # an unjudgeable value explains nothing
        return False
    if a.status == RunStatus.ERROR:
        return (a.error or {}).get("type") == (b.error or {}).get("type")
    return True


def explain(metas: list, student: dict, reference: dict, catalogue: list, failed: set[str]) -> list:
    """[(mistake, checks it explains)] for one exercise, most explanatory first, none a subset of another."""
    found = []
    for order, (mistake, runs) in enumerate(catalogue):
        # a goal-judged check (a milestone's loss <= 2.2) passes many values: a mistake's differing
        # number there is no symptom, so only equality-judged checks count
        concerned = {m.name for m in metas if not getattr(m, "goal", None)
                     and not same(m, runs.get(m.name), reference.get(m.name))}
        if not concerned or not concerned <= failed:
            continue
        matched = {m.name for m in metas if m.name in concerned and same(m, student.get(m.name), runs.get(m.name))}
        if matched:
            found.append((-len(matched), order, mistake, matched))
    kept: list = []
    for _, _, mistake, matched in sorted(found, key=lambda x: x[:2]):
        if not any(matched <= k for _, k in kept):
            kept.append((mistake, matched))
    return kept


def name_mistakes(results, todo: dict, oracle) -> None:
    """Set `.mistakes` (and `.mistake`, the first) on each failing exercise, and `.mistake` on each check."""
    failing = [r for r in results if r.status in (Status.FAILING, Status.ERROR, Status.TIMED_OUT) and r.runs
               and not any((c.error or {}).get("type") == "ReferenceFailed" for c in r.checks)]
    if not failing:
        return
    names = sorted({r.exercise.name for r in failing})
    catalogue = oracle.mistakes(names, todo)
    reference = oracle.reference([r.exercise for r in failing], todo)
    for r in failing:
        failed = {c.name for c in r.checks if c.status in BAD_VERDICTS}
        kept = explain(todo[r.exercise.name], r.runs, reference[r.exercise.name], catalogue[r.exercise.name], failed)
        r.mistakes = [m for m, _ in kept]
        r.mistake = r.mistakes[0] if r.mistakes else None
        for c in r.checks:
            c.mistake = next((m for m, checks in kept if c.name in checks), None)
