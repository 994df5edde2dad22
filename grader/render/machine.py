"""Machine formats: the JSON view of a result, and Gradescope's results.json.

Every document is strict JSON (`dumps` refuses NaN and Infinity; `finite` maps them to null).
Gradescope's format: https://gradescope-autograders.readthedocs.io/en/latest/specs/ (score,
execution_time, output, output_format, tests[name, score, max_score, status, output,
visibility], leaderboard[name, value, order]).
"""
from __future__ import annotations

import json
import math
from io import StringIO

from grader.grading.status import Status, Verdict
from grader.render.console import make_console
from grader.render.panels import check_detail
from grader.render.pointer import as_json as pointer_json

WIDE = 10_000   # a console this wide never wraps: Gradescope wraps text itself


def dumps(doc) -> str:
    """Strict JSON: any NaN or infinity left anywhere becomes null."""
    return json.dumps(_strict(doc), indent=1, allow_nan=False)


def _strict(x):
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {str(k): _strict(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_strict(v) for v in x]
    return x


def as_json(result) -> dict:
    def check(c):
        d = {"name": c.name, "description": c.description, "status": c.status,
             "points": c.points if c.status == Verdict.PASS else 0, "max_points": c.points,
             "milestone": c.milestone, "seconds": finite(c.seconds)}
        if c.comparison:
            d["verdict"], d["maxdiff"] = c.comparison.verdict, finite(c.comparison.maxdiff)
            d["mismatches"] = [{"path": m.path, "expected": m.expected, "got": m.got, "maxdiff": finite(m.maxdiff),
                                "worst": m.worst, "notes": m.notes} for m in c.comparison.mismatches]
        if c.error:
            d["error"] = c.error
        if c.mistake is not None:
            d["mistake"] = c.mistake.id
        if getattr(c, "pointer", None) is not None:
            d["pointer"] = pointer_json(c.pointer)
        if c.reason:
            d["reason"] = c.reason
        if c.goal_value is not None:
            d["value"] = finite(c.goal_value)
        return d
    return {"schema": "z2h-grade/1", "set": result.set.name, "points": result.points, "max_points": result.set.points,
            "seed": result.seed, "seconds": finite(round(result.seconds, 3)), "all_passed": result.all_passed,
            "exercises": [{"id": r.exercise.id, "status": r.status, "points": r.points, "max_points": r.max_points,
                           "file": r.file, "detail": r.detail, "needs_failing": list(getattr(r, "needs_failing", [])), "mistake": r.mistake and {"id": r.mistake.id, "why": r.mistake.why},
                           "mistakes": [{"id": m.id, "why": m.why} for m in r.mistakes],
                           "violations": [{"line": ln, "message": m} for ln, m in r.violations],
                           "warnings": [{"line": ln, "message": m} for ln, m in r.warnings],
                           "checks": [check(c) for c in r.checks]} for r in result.exercises]}


def finite(x):
    return None if x is None or not isinstance(x, (int, float)) or not math.isfinite(x) else x


def check_text(c, mistake=None) -> str:
    """The words a student sees for one check, unwrapped; a hidden check says only passed or failed."""
    if c.status == Verdict.PASS:
        return "passed"
    if c.hidden:
        return "failed (a hidden check: its inputs are not shown)"
    if c.status == Verdict.SKIPPED:
        return c.reason if c.reason.startswith("not run:") else f"not run: {c.reason or 'skipped'}"
    if c.status == Verdict.TODO:
        return f"not started: {(c.error or {}).get('message') or 'raise NotImplementedError is still there'}"
    buf = StringIO()
    make_console(buf, width=WIDE).print(check_detail(c))
    out = "\n".join(line.rstrip() for line in buf.getvalue().splitlines()).strip()
    if mistake is not None:
        out += f"\nKnown mistake: {mistake.why}"
    return out


def _test(name, score, max_score, passed: bool, output: str, visibility: str = "visible") -> dict:
    return {"name": name, "score": score, "max_score": max_score, "status": "passed" if passed else "failed",
            "output": output, "visibility": visibility}


def as_gradescope(result) -> dict:
    """Gradescope's results.json: one test per check, a summary on top, a leaderboard where a goal names one."""
    tests, unrun = [], []
    for r in result.exercises:
        if not r.checks:  # rule broken, missing file: one zero-score line says why
            why = r.detail or "; ".join(f"line {ln}: {m}" if ln else m for ln, m in r.violations) or r.status
            tests.append(_test(r.exercise.id, 0, r.max_points, False, why))
            continue
        for c in r.checks:
            ok = c.status == Verdict.PASS
            text = check_text(c, r.mistake if not ok and not c.hidden else None)
            if c.status == Verdict.SKIPPED and not c.reason.startswith("not run:"):
                # a dataset the autograder lacks (not a check cut short by the student's own timeout):
                # never a silent 0, said on the test and on top
                unrun.append(f"{r.exercise.id}: {c.description} ({c.points} points)")
                text = f"NOT GRADED: {text}. Your instructor has been told; this score is incomplete."
            tests.append(_test(f"{r.exercise.id}: {c.description}", c.points if ok else 0, c.points, ok, text,
                               c.visibility))
    doc = {"score": result.points, "execution_time": finite(round(result.seconds, 3)) or 0,
           "output": summary(result, unrun), "output_format": "text", "tests": tests}
    if unrun:
        doc["extra_data"] = {"not_graded": unrun}
    lb = leaderboard(result)
    if lb:
        doc["leaderboard"] = lb
    return doc


def leaderboard(result) -> list[dict]:
    out = []
    for r in result.exercises:
        for c in r.checks:
            g = c.goal
            if g and g.get("leaderboard") and c.goal_value is not None:
                out.append({"name": g["leaderboard"], "value": c.goal_value, "order": "desc" if "min" in g else "asc"})
    return out


def summary(result, unrun: list[str] | None = None) -> str:
    lines = [f"{result.set.name}: {result.points}/{result.set.points} points"]
    for r in result.exercises:
        ran = [c for c in r.checks if c.status != Verdict.SKIPPED]
        mark = "passed" if r.status == Status.PASSED else str(r.status)
        checks = f", {r.passed_checks}/{len(ran)} checks" if ran else ""
        lines.append(f"  {r.exercise.id}: {mark}, {r.points}/{r.max_points} points{checks}")
    if unrun:
        lines.append("NOT GRADED (the autograder could not run them; the score above is incomplete): "
                     + "; ".join(unrun))
    return "\n".join(lines)


def unusable(why: str, max_score: int | None = None) -> dict:
    """results.json for a submission that cannot be graded at all: a score of 0 that says why."""
    doc = {"score": 0, "execution_time": 0, "output_format": "text",
           "output": f"Your submission could not be graded: {why}", "tests": []}
    if max_score is not None:
        doc["tests"] = [_test("submission", 0, max_score, False, doc["output"])]
    return doc
