"""Machine formats: the JSON view of a result, and Gradescope's results.json."""
from __future__ import annotations

from io import StringIO

from grader.grading.status import Verdict
from grader.render.console import make_console
from grader.render.panels import check_detail


def as_json(result) -> dict:
    def check(c):
        d = {"name": c.name, "description": c.description, "status": c.status, "points": c.points,
             "milestone": c.milestone, "seconds": c.seconds}
        if c.comparison:
            d["verdict"], d["maxdiff"] = c.comparison.verdict, finite(c.comparison.maxdiff)
            d["mismatches"] = [{"path": m.path, "expected": m.expected, "got": m.got, "maxdiff": finite(m.maxdiff),
                                "worst": m.worst, "notes": m.notes} for m in c.comparison.mismatches]
        if c.error:
            d["error"] = c.error
        if c.reason:
            d["reason"] = c.reason
        return d
    return {"schema": "z2h-grade/1", "set": result.set.name, "points": result.points, "max_points": result.set.points,
            "seed": result.seed, "seconds": round(result.seconds, 3), "all_passed": result.all_passed,
            "exercises": [{"id": r.exercise.id, "status": r.status, "points": r.points, "max_points": r.max_points,
                           "file": r.file, "detail": r.detail, "mistake": r.mistake and {"id": r.mistake.id, "why": r.mistake.why},
                           "violations": [{"line": ln, "message": m} for ln, m in r.violations],
                           "checks": [check(c) for c in r.checks]} for r in result.exercises]}


def finite(x):
    return None if x is None or x != x or x in (float("inf"), float("-inf")) else x


def as_gradescope(result) -> dict:
    """Gradescope's results.json: one test per check, visible, with its explanation as output."""
    tests = []
    for r in result.exercises:
        if not r.checks:  # rule broken, missing file: one zero-score line says why
            why = r.detail or "; ".join(f"line {ln}: {m}" if ln else m for ln, m in r.violations) or r.status
            tests.append({"name": f"{r.exercise.id}", "score": 0, "max_score": r.max_points, "status": "failed",
                          "output": why, "visibility": "visible"})
            continue
        for c in r.checks:
            buf = StringIO()
            make_console(buf, width=100).print(check_detail(c))
            out = buf.getvalue() if c.status != Verdict.PASS else "passed"
            if c.status != Verdict.PASS and r.mistake is not None:
                out += f"\nKnown mistake: {r.mistake.why}"
            tests.append({"name": f"{r.exercise.id}: {c.description}", "score": c.points if c.status == Verdict.PASS else 0,
                          "max_score": c.points, "status": "passed" if c.status == Verdict.PASS else "failed",
                          "output": out.strip(), "visibility": "visible"})
    return {"score": result.points, "execution_time": round(result.seconds, 3), "tests": tests}
