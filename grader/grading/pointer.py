"""Where it goes wrong: the first line of the student's code whose values leave the reference's path.

A failing check that no known mistake explains is run again, traced (sandbox/tracer.py), on the
reference and then on the student's code; the traces are aligned by values (grading/align.py).
Only failing checks are traced (at most TRACED per exercise), the reference's traces once per
session; the traces are plain data (the wire format), never pickled. Checks of one exercise that
disagree on the line: silence. It must never point at a correct line.
"""
from __future__ import annotations

from pathlib import Path

from grader.grading.align import Pointer, align, matches  # noqa: F401  (Pointer and matches: the feature's names)
from grader.grading.jobs import Source, make_job
from grader.grading.status import Verdict
from grader.sandbox.records import RunStatus

TRACED = 2          # failing checks traced per exercise (the first is the one shown; two may disagree)


def attach(s, results: list, folders: list, todo: dict, oracle, worker, opts) -> None:
    """Set `.pointer` on each failing check no known mistake explains (milestones aside: too long to trace).

    The reference's traced jobs run (and their folders go) before any student's starts. Without the
    reference solutions (a published bundle) there is nothing to align with: silence.
    """
    wanted = [(k, r, [c.name for c in r.checks if c.status == Verdict.FAIL and c.mistake is None and not c.milestone]
               [:TRACED]) for k, sr in enumerate(results) for r in sr.exercises]
    wanted = [w for w in wanted if w[2]]
    if not wanted or not oracle.live:
        return
    names: dict[str, set] = {}
    for _, r, checks in wanted:
        names.setdefault(r.exercise.name, set()).update(checks)
    metas = {ex: {m.name: m for m in todo[ex]} for ex in names}
    ref = _reference_traces(s, names, metas, oracle, worker, opts)
    stu = worker.run([_job(f"t-s{k}-{r.exercise.name}", s, r.exercise, Source(Path(folders[k])),
                           [metas[r.exercise.name][n] for n in checks], opts, "student", opts.isolate)
                      for k, r, checks in wanted], opts.parallel)
    for k, r, checks in wanted:
        lines = _lines(Path(folders[k]) / f"{r.exercise.name}.py")
        loops = frozenset(i + 1 for i, ln in enumerate(lines) if ln.lstrip().startswith(("for ", "async for ")))
        found = {}
        for c in r.checks:
            b = stu.get(f"t-s{k}-{r.exercise.name}")
            ra, rb = ref.get((r.exercise.name, c.name)), b and b.runs.get(c.name)
            if c.name not in checks or not ra or not rb or ra.status != RunStatus.OK or rb.status != RunStatus.OK:
                continue
            m = metas[r.exercise.name][c.name]
            p = align(ra.value, rb.value, m.rtol, m.atol, loops)
            if p is not None and 0 < p.line <= len(lines):
                p.text, p.file = lines[p.line - 1].strip()[:200], r.file
                found[c.name] = p
        if len({p.line for p in found.values()}) == 1:   # checks that disagree on the line: unsure, silence
            for c in r.checks:
                c.pointer = found.get(c.name)


def _reference_traces(s, names: dict, metas: dict, oracle, worker, opts) -> dict:
    """(exercise, check) -> the reference's traced run, kept on the oracle: traced once per session."""
    cache = oracle.__dict__.setdefault("pointer_traces", {})
    need = {ex: sorted(n for n in ns if (ex, n) not in cache) for ex, ns in names.items()}
    jobs = [_job(f"t-r-{ex}", s, s.exercise(ex), Source(s.solutions_dir), [metas[ex][n] for n in ns], opts, "reference")
            for ex, ns in need.items() if ns]
    if jobs:
        done = worker.run(jobs, opts.parallel)
        for ex, ns in need.items():
            for n in ns:
                cache[(ex, n)] = done[f"t-r-{ex}"].runs.get(n) if f"t-r-{ex}" in done else None
    return cache


def _job(jid: str, s, ex, src, metas: list, opts, tag: str, isolate: bool = False):
    job = make_job(jid, s, ex, src, metas, opts, tag, isolate)
    job.trace = list(job.checks)
    return job


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
