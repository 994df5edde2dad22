"""One engine behind every verb: run a set's checks on student code and on the reference, compare.

The reference runs first, in its own forked processes; student jobs start only after its results
are read and its folders removed, so student code never sees them. The comparison is done here,
in the parent, on decoded plain data.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from grader.grading import diagnose
from grader.course import rules
from grader.grading.compare import Comparison, compare
from grader.course.manifest import ContentError, Exercise, ExerciseSet
from grader.course.mistakes import Mistake
from grader.grading.jobs import Options, Source, check_files, make_job, plan, start_worker  # noqa: F401
from grader.grading.oracle import Oracle
from grader.sandbox.pool import CheckRun, JobResult, Worker, WorkerError

STATUSES = ("passed", "failing", "not started", "error", "timed out", "rule broken", "skipped")


@dataclass
class CheckResult:
    name: str
    description: str
    points: int
    milestone: bool
    status: str                      # pass | fail | todo | error | timeout | skipped
    comparison: Comparison | None = None
    error: dict | None = None
    output: str = ""
    seconds: float = 0.0
    reason: str = ""                 # why skipped


@dataclass
class ExerciseResult:
    exercise: Exercise
    status: str
    checks: list[CheckResult] = field(default_factory=list)
    points: int = 0
    max_points: int = 0
    mistake: Mistake | None = None
    violations: list[tuple[int, str]] = field(default_factory=list)
    detail: str = ""
    file: str = ""
    runs: dict = field(default_factory=dict, repr=False)   # the student's raw runs, for diagnosis

    @property
    def passed_checks(self) -> int:
        return sum(c.status == "pass" for c in self.checks)


@dataclass
class SetResult:
    set: ExerciseSet
    exercises: list[ExerciseResult]
    seconds: float = 0.0
    seed: int = 0

    @property
    def points(self) -> int:
        return sum(e.points for e in self.exercises)

    @property
    def all_passed(self) -> bool:
        return all(e.status in ("passed", "skipped") for e in self.exercises)


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


def _prepare(s: ExerciseSet, folder: Path, exercises: list[Exercise]) -> tuple[dict[str, ExerciseResult], list[Exercise]]:
    """Results pre-filled for missing files and broken rules; and the exercises left to run."""
    results, runnable = {}, []
    for ex in exercises:
        path = folder / f"{ex.name}.py"
        res = ExerciseResult(ex, "not started", max_points=ex.points, file=_rel(path, s.root))
        results[ex.name] = res
        if not path.is_file():
            res.status, res.detail = "error", f"the file {res.file} is missing (grade reset {ex.id} restores it)"
            continue
        res.violations = rules.violations(path.read_text(encoding="utf-8", errors="replace"), ex.rules)
        for need in ex.needs:  # a rule broken in a module this one imports is broken here too
            other = folder / f"{need}.py"
            if other.is_file():
                res.violations += [(None, f"{_rel(other, s.root)}:{ln}: {msg} (this exercise imports {need}.py)")
                                   for ln, msg in rules.violations(other.read_text(encoding="utf-8", errors="replace"),
                                                                   ex.rules)]
        if res.violations:
            res.status = "rule broken"
            continue
        runnable.append(ex)
    return results, runnable


def _grade(s, folders: list[Path], only, opts, on_event, worker: Worker, oracle: Oracle | None = None) -> list[SetResult]:
    t0 = time.perf_counter()
    exercises = [only] if only else list(s.exercises)
    prepared = [_prepare(s, Path(f), exercises) for f in folders]
    try:
        metas = worker.ready()
    except WorkerError as e:
        raise ContentError(check_files(s)[0], f"the checks failed to load:\n{e}") from None
    todo = plan(s, metas, exercises, opts)
    oracle = oracle or Oracle(s, worker, opts, on_event)
    wanted = [ex for ex in exercises if any(ex in run for _, run in prepared)]
    reference = oracle.reference(wanted, todo)
    jobs = [make_job(f"s{k}-{ex.name}", s, ex, Source(Path(f)), todo[ex.name], opts)
            for k, (f, (_, run)) in enumerate(zip(folders, prepared)) for ex in run]
    for job in jobs:
        job.limits = dict(job.limits, drop=opts.isolate)
    done = worker.run(jobs, opts.parallel, on_event)
    out = []
    for k, (results, run) in enumerate(prepared):
        for ex in run:
            _judge(results[ex.name], todo[ex.name], reference[ex.name], done[f"s{k}-{ex.name}"], s)
        out.append(SetResult(s, [results[e.name] for e in exercises], 0.0, opts.seed))
    if opts.diagnose:
        diagnose.name_mistakes([r for sr in out for r in sr.exercises], todo, oracle)
    for sr in out:
        sr.seconds = time.perf_counter() - t0
    return out


def _judge(res: ExerciseResult, metas: list[dict], ref: dict[str, CheckRun], got: JobResult, s: ExerciseSet) -> None:
    res.runs = got.runs
    for m in metas:
        run = got.runs.get(m["name"]) or CheckRun(m["name"], "skipped")
        cr = CheckResult(m["name"], m["description"], m["points"], m["milestone"], "error",
                         error=_relative(run.error, s.root),
                         output=run.output, seconds=run.seconds)
        res.checks.append(cr)
        r = ref.get(m["name"]) or CheckRun(m["name"], "skipped")
        if r.status == "skipped" or m["name"] not in got.runs or _honest_skip(run, got):
            cr.status, cr.reason = "skipped", (run.error or r.error or {}).get("reason") or \
                f"needs the dataset {', '.join(m['data'])}: `grade data fetch {' '.join(m['data'])}`, or set Z2H_DATA"
        elif run.status == "skipped":  # only a missing dataset, or an earlier timeout, may skip a check
            cr.error = {"type": "NotRun", "message": "the check reported itself skipped "
                        f"({(run.error or {}).get('reason', '')}), but the reference ran it: no points"}
        elif run.status == "ok" and r.status == "ok":
            cr.comparison = compare(r.value, run.value, m["rtol"], m["atol"])
            cr.status = "pass" if cr.comparison.verdict != "wrong" else "fail"
        elif r.status != "ok":
            cr.error = {"type": "ReferenceFailed", "message": f"the reference itself did not pass this check "
                        f"({r.status}: {(r.error or {}).get('message', '')}); this is a bug in the course"}
        elif run.status in ("todo", "timeout"):
            cr.status = run.status
        elif run.status == "lost":
            cr.error = {"type": "Lost", "message": got.detail or "the check never reported back"}
    res.points = sum(c.points for c in res.checks if c.status == "pass")
    res.status = _status(res, got)


def _honest_skip(run: CheckRun, got: JobResult) -> bool:
    """A check skipped because an earlier one timed out (the exercise is 'timed out' anyway)."""
    return run.status == "skipped" and (run.error or {}).get("reason", "").startswith("not run:") \
        and any(x.status == "timeout" for x in got.runs.values())


def _status(res: ExerciseResult, got: JobResult) -> str:
    st = [c.status for c in res.checks if c.status != "skipped"]
    if got.fate == "killed" or "timeout" in st:
        res.detail = got.detail
        return "timed out"
    if got.fate in ("crashed", "exited"):
        res.detail = got.detail
        return "error"
    if not st:
        return "skipped"
    if "error" in st:
        return "error"
    if all(x == "todo" for x in st):
        return "not started"
    return "passed" if all(x == "pass" for x in st) else "failing"


def _relative(error: dict | None, root: Path) -> dict | None:
    """Tracebacks name files relative to the course, as the student sees them."""
    if not error:
        return error
    prefixes = sorted({str(root) + "/", str(root.resolve()) + "/"}, key=len, reverse=True)
    out = dict(error)
    for key in ("traceback", "message"):
        for p in prefixes:
            if key in out:
                out[key] = out[key].replace(p, "")
    return out


def _rel(path: Path, root: Path) -> str:
    """The file as the student knows it: relative to the course, or (a submission) its name."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return path.name
