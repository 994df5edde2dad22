"""One engine behind every verb: run a set's checks on student code and on the reference, compare.

The reference runs first, in its own forked processes; student jobs start only after its results
are read and its folders removed, so student code never sees them. The comparison is done here,
in the parent, on decoded plain data.
"""
from __future__ import annotations

import time
from pathlib import Path

from grader.course import rules, stubs
from grader.course.manifest import ContentError, Exercise, ExerciseSet
from grader.grading import diagnose, goal, paths, pointer
from grader.grading.compare import compare
from grader.grading.jobs import CheckMeta, Options, Source, check_metas, make_job, plan, start_worker
from grader.grading.oracle import Oracle
from grader.grading.results import CheckResult, ExerciseResult, SetResult
from grader.grading.status import NEEDS_WORK, Status, Verdict
from grader.sandbox.pool import Worker, WorkerError
from grader.sandbox.records import CheckRun, Fate, JobResult, RunStatus


def grade_set(s: ExerciseSet, only: Exercise | None = None, opts: Options | None = None,
              on_event=None, worker: Worker | None = None, oracle: Oracle | None = None) -> SetResult:
    opts = opts or Options()
    return grade_many(s, [opts.student_dir or s.dir], only, opts, on_event, worker, oracle)[0]


def grade_many(s: ExerciseSet, folders: list[Path], only: Exercise | None = None, opts: Options | None = None,
               on_event=None, worker: Worker | None = None, oracle: Oracle | None = None) -> list[SetResult]:
    """Grade several students' folders in one run: the reference and mistakes are computed once.

    `oracle` (with `worker`): reuse reference and mistake results across runs (watch mode, notebooks).
    """
    opts = opts or Options()
    own = worker is None
    worker = worker or start_worker(s)
    try:
        return _grade(s, folders, only, opts, on_event, worker, oracle)
    finally:
        if own:
            worker.close()


class _Files:
    """A submission's files, each read and parsed once: exercises share the modules they import (in
    micrograd, value.py was parsed eight times per student; a batch paid it in series)."""

    def __init__(self, folder: Path):
        self.folder, self._memo = folder, {}

    def _get(self, key, make):
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def text(self, name: str) -> str | None:
        path = self.folder / f"{name}.py"
        return self._get(("text", name), lambda: path.read_text(encoding="utf-8", errors="replace")
                         if path.is_file() else None)

    def unwritten(self, name: str) -> list[str]:
        return self._get(("unwritten", name), lambda: stubs.unwritten(self.text(name) or ""))

    def rules(self, name: str, ex_rules) -> tuple[list, list]:
        return self._get(("rules", name, ex_rules), lambda: rules.check(self.text(name) or "", ex_rules))


def _prepare(s: ExerciseSet, folder: Path, exercises: list[Exercise]) -> tuple[dict[str, ExerciseResult], list[Exercise]]:
    """Results pre-filled for missing files and broken rules; and the exercises left to run."""
    results, runnable = {}, []
    files = _Files(folder)
    for ex in exercises:
        path = folder / f"{ex.name}.py"
        res = ExerciseResult(ex, Status.NOT_STARTED, max_points=ex.points, file=paths.in_course(path, s.root))
        results[ex.name] = res
        if files.text(ex.name) is None:
            res.status, res.detail = Status.ERROR, f"the file {res.file} is missing (grade reset {ex.id} restores it)"
            continue
        res.unwritten = list(files.unwritten(ex.name))
        for need in ex.needs:
            left = files.unwritten(need) if files.text(need) is not None else []
            if left:
                res.blocked_by[f"{need}.py"] = list(left)
        found, warned = files.rules(ex.name, ex.rules)
        res.violations, res.warnings = list(found), list(warned)
        for need in ex.needs:  # a rule broken in a module this one imports is broken here too
            if files.text(need) is not None:
                shown = paths.in_course(folder / f"{need}.py", s.root)
                res.violations += [(None, f"{shown}:{ln}: {msg} (this exercise imports {need}.py)")
                                   for ln, msg in files.rules(need, ex.rules)[0]]
        if res.violations:
            res.status = Status.RULE_BROKEN
            continue
        runnable.append(ex)
    return results, runnable


def _grade(s, folders: list[Path], only, opts: Options, on_event, worker: Worker,
           oracle: Oracle | None = None) -> list[SetResult]:
    t0 = time.perf_counter()
    exercises = [only] if only else list(s.exercises)
    prepared = [_prepare(s, Path(f), exercises) for f in folders]
    try:
        metas = check_metas(worker)
    except WorkerError as e:
        raise ContentError(s.check_files()[0], f"the checks failed to load:\n{e}") from None
    todo = plan(metas, exercises, opts)
    oracle = oracle or Oracle(s, worker, opts, on_event)
    wanted = [ex for ex in exercises if any(ex in run for _, run in prepared)]
    reference = oracle.reference(wanted, todo)
    jobs = [make_job(f"s{k}-{ex.name}", s, ex, Source(Path(f)), todo[ex.name], opts, "student", opts.isolate)
            for k, (f, (_, run)) in enumerate(zip(folders, prepared)) for ex in run]
    done = worker.run(jobs, opts.parallel, on_event)
    out = []
    for k, (results, run) in enumerate(prepared):
        for ex in run:
            _judge(results[ex.name], todo[ex.name], reference[ex.name], done[f"s{k}-{ex.name}"], s)
        _note_failing_needs(results)
        out.append(SetResult(s, [results[e.name] for e in exercises], 0.0, opts.seed))
    if opts.diagnose:
        diagnose.name_mistakes([r for sr in out for r in sr.exercises], todo, oracle)
    pointer.attach(s, out, folders, todo, oracle, worker, opts)   # where it goes wrong, when no mistake says
    for sr in out:
        sr.seconds = time.perf_counter() - t0
    return out


def _note_failing_needs(results: dict[str, ExerciseResult]) -> None:
    """An exercise that imports a sibling whose own checks fail in this run is told so: its failures may
    come from there (a network.py with the lecture's gain makes diagnostics' statistics differ too)."""
    for res in results.values():
        if res.status in (Status.FAILING, Status.ERROR, Status.TIMED_OUT):
            res.needs_failing = [f"{n}.py" for n in res.exercise.needs
                                 if n in results and results[n].status in NEEDS_WORK]


def _judge(res: ExerciseResult, metas: list[CheckMeta], ref: dict[str, CheckRun], got: JobResult,
           s: ExerciseSet) -> None:
    res.runs = got.runs
    for m in metas:
        run = got.runs.get(m.name) or CheckRun(m.name, RunStatus.SKIPPED)
        r = ref.get(m.name) or CheckRun(m.name, RunStatus.SKIPPED)
        cr = CheckResult(m.name, m.description, m.points, m.milestone, Verdict.ERROR,
                         error=paths.strip_in_error(run.error, s.root), output=run.output, seconds=run.seconds,
                         hidden=m.hidden, visibility=m.visibility, goal=m.goal)
        res.checks.append(cr)
        try:
            _verdict(cr, m, run, r, got)
        except Exception as e:  # judging is total: a value no rule foresaw fails this check alone, in words
            cr.status, cr.comparison = Verdict.ERROR, None
            cr.error = {"type": "Unjudgeable", "message": f"the grader could not judge this result "
                        f"({type(e).__name__}); it earns no points"}
    res.points = sum(c.points for c in res.checks if c.status == Verdict.PASS)
    res.status = _status(res, got)


def _verdict(cr: CheckResult, m: CheckMeta, run: CheckRun, r: CheckRun, got: JobResult) -> None:
    """One check's verdict, from the student's run and the reference's."""
    if r.status == RunStatus.SKIPPED or m.name not in got.runs or _honest_skip(run, got):
        cr.status, cr.reason = Verdict.SKIPPED, (run.error or r.error or {}).get("reason") or \
            f"needs the dataset {', '.join(m.data)}: `grade data fetch {' '.join(m.data)}`, or set Z2H_DATA"
    elif run.status == RunStatus.SKIPPED:  # only a missing dataset, or an earlier timeout, may skip a check
        cr.error = {"type": "NotRun", "message": "the check reported itself skipped "
                    f"({(run.error or {}).get('reason', '')}), but the reference ran it: no points"}
    elif run.status == RunStatus.OK and r.status == RunStatus.OK:
        if m.goal:  # a milestone's goal: met or not, whatever the reference's own number
            cr.comparison, cr.goal_value = goal.judge(m.goal, run.value)
        else:
            cr.comparison = compare(r.value, run.value, m.rtol, m.atol)
        cr.status = Verdict.PASS if cr.comparison.verdict != "wrong" else Verdict.FAIL
        if m.milestone:
            cr.produced = produced(run.value)
    elif r.status != RunStatus.OK:
        cr.error = {"type": "ReferenceFailed", "message": f"the reference itself did not pass this check "
                    f"({r.status}: {(r.error or {}).get('message', '')}); this is a bug in the course"}
    elif run.status == RunStatus.TODO:
        cr.status = Verdict.TODO
    elif run.status == RunStatus.TIMEOUT:
        cr.status = Verdict.TIMEOUT
    elif run.status == RunStatus.LOST:
        cr.error = {"type": "Lost", "message": got.detail or "the check never reported back"}


def produced(value, limit: int = 12) -> dict:
    """What a milestone made, to show: its top-level numbers and texts (texts cut to 2,000 characters)."""
    if type(value) is not dict:
        return {}
    out = {}
    for k, v in value.items():
        if len(out) >= limit:
            break
        if type(v) in (int, float, bool) or (type(v) is str and v):
            out[str(k)[:80]] = v[:2000] if type(v) is str else v
    return out


def _honest_skip(run: CheckRun, got: JobResult) -> bool:
    """A check skipped because an earlier one timed out (the exercise is 'timed out' anyway)."""
    return run.status == RunStatus.SKIPPED and (run.error or {}).get("reason", "").startswith("not run:") \
        and any(x.status == RunStatus.TIMEOUT for x in got.runs.values())


def _status(res: ExerciseResult, got: JobResult) -> Status:
    st = [c.status for c in res.checks if c.status != Verdict.SKIPPED]
    if got.fate == Fate.KILLED or Verdict.TIMEOUT in st:
        res.detail = got.detail
        return Status.TIMED_OUT
    if got.fate in (Fate.CRASHED, Fate.EXITED):
        res.detail = got.detail
        return Status.ERROR
    if not st:
        return Status.SKIPPED
    if Verdict.ERROR in st:
        return Status.ERROR
    if all(x == Verdict.TODO for x in st):
        if res.blocked_by and not res.unwritten:   # written, but what it imports is not: say so
            res.detail = "blocked: needs " + "; ".join(
                f"{f} (not written yet: {', '.join(names[:6])})" for f, names in res.blocked_by.items())
            return Status.BLOCKED
        return Status.NOT_STARTED
    return Status.PASSED if all(x == Verdict.PASS for x in st) else Status.FAILING
