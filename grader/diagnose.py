"""Name the known mistake a failing student's results match.

A mistake is named when, on every check the student does not pass, the student's results are
the mistake's results (close values, or the same kind of error): the student made that mistake.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from grader import mistakes as mistakes_mod
from grader.compare import compare


def matches(metas: list[dict], student: dict, wrong: dict, failed: set[str]) -> bool:
    """student, wrong: check name -> CheckRun. True when the student fails exactly as `wrong` does."""
    failing = [m for m in metas if m["name"] in failed]
    if not failing:
        return False
    for m in failing:
        s, w = student.get(m["name"]), wrong.get(m["name"])
        if s is None or w is None or s.status != w.status:
            return False
        if s.status == "ok" and compare(w.value, s.value, m["rtol"], m["atol"]).verdict == "wrong":
            return False
        if s.status == "error" and (s.error or {}).get("type") != (w.error or {}).get("type"):
            return False
    return True


def name_mistakes(s, results, todo: dict, reference: dict, opts, worker, on_event) -> None:
    from grader.engine import Source, make_job  # engine imports this module: import late
    failing = [r for r in results if r.status in ("failing", "error", "timed out") and r.runs]
    catalogue = [m for m in mistakes_mod.load(s.solutions_dir) if any(r.exercise.name == m.exercise for r in failing)]
    if not catalogue:
        return
    with tempfile.TemporaryDirectory(prefix="z2h-mistakes-") as tmp:
        jobs, owners = [], {}
        for i, m in enumerate(catalogue):
            ex = s.exercise(m.exercise)
            ref_path = s.reference_path(ex)
            variant = Path(tmp) / str(i) / f"{ex.name}.py"
            variant.parent.mkdir()
            variant.write_text(m.apply(ref_path.read_text(encoding="utf-8"), s.solutions_dir / "mistakes.toml"))
            job = make_job(f"m-{i}", s, ex, Source(s.solutions_dir, {ex.name: str(variant)}), todo[ex.name], opts)
            jobs.append(job)
            owners[job.id] = m
        done = worker.run(jobs, opts.parallel, on_event)
    for r in failing:
        failed = {c.name for c in r.checks if c.status in ("fail", "error", "timeout")}
        for job in jobs:
            m = owners[job.id]
            if m.exercise == r.exercise.name and matches(todo[r.exercise.name], r.runs, done[job.id].runs, failed):
                r.mistake = m
                break
