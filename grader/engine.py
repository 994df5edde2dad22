"""One engine behind every verb: run a set's checks on student code and on the reference, compare.

The reference runs first, in its own forked processes; student jobs start only after its results
are read and its folders removed, so student code never sees them. The comparison is done here,
in the parent, on decoded plain data.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from grader import diagnose, rules
from grader.compare import Comparison, compare
from grader.course import ContentError, Exercise, ExerciseSet
from grader.data import data_dirs, missing
from grader.mistakes import Mistake
from grader.sandbox import CheckRun, Job, JobResult, Worker, WorkerError

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


@dataclass
class Options:
    seed: int = 0
    skip_milestones: bool = False
    parallel: int = 2
    diagnose: bool = True
    student_dir: Path | None = None     # grade files from here instead of exercises/<set>/


@dataclass
class Source:
    """Where one side's modules come from: a folder, plus files standing in for some of them."""
    folder: Path
    overrides: dict[str, str] = field(default_factory=dict)


def check_files(s: ExerciseSet) -> list[str]:
    one = s.dir / "checks.py"
    if one.is_file():
        return [str(one)]
    many = sorted(str(p) for p in (s.dir / "checks").glob("*.py")) if (s.dir / "checks").is_dir() else []
    if not many:
        raise ContentError(s.dir, "the set has no checks.py (or checks/ folder)")
    return many


def start_worker(s: ExerciseSet) -> Worker:
    return Worker(list(s.requires), check_files(s))


def plan(s: ExerciseSet, metas: list[dict], exercises: list[Exercise], opts: Options) -> dict[str, list[dict]]:
    """exercise name -> the checks to run (metadata), minus milestones when skipped."""
    by_ex: dict[str, list[dict]] = {e.name: [] for e in exercises}
    for m in metas:
        if m["exercise"] in by_ex and not (opts.skip_milestones and m["milestone"]):
            by_ex[m["exercise"]].append(m)
    return by_ex


def make_job(jid: str, s: ExerciseSet, ex: Exercise, src: Source, metas: list[dict], opts: Options) -> Job:
    module_path = src.overrides.get(ex.name, str(src.folder / f"{ex.name}.py"))
    absent = set(missing([d for m in metas for d in m["data"]], s.root))
    metas = [m for m in metas if not absent.intersection(m["data"])]
    return Job(id=jid, exercise=ex.name, module=ex.name, module_path=module_path, search_path=[str(src.folder)],
               checks=[m["name"] for m in metas], budget=sum(m["timeout"] for m in metas), seed=opts.seed,
               overrides=dict(src.overrides), data_dirs=[str(d) for d in data_dirs(s.root)],
               student_dirs=[str(src.folder)] + [str(Path(p).parent) for p in src.overrides.values()])


def grade_set(s: ExerciseSet, only: Exercise | None = None, opts: Options | None = None,
              on_event=None, worker: Worker | None = None) -> SetResult:
    opts = opts or Options()
    t0 = time.perf_counter()
    own = worker is None
    worker = worker or start_worker(s)
    try:
        return _grade(s, only, opts, on_event, worker, t0)
    finally:
        if own:
            worker.close()


def _grade(s, only, opts, on_event, worker: Worker, t0) -> SetResult:
    exercises = [only] if only else list(s.exercises)
    student = Source(opts.student_dir or s.dir)
    results: dict[str, ExerciseResult] = {}
    runnable = []
    for ex in exercises:
        path = student.folder / f"{ex.name}.py"
        res = ExerciseResult(ex, "not started", max_points=ex.points, file=_rel(path, s.root))
        results[ex.name] = res
        if not path.is_file():
            res.status, res.detail = "error", f"the file {res.file} is missing (grade reset {ex.id} restores it)"
            continue
        res.violations = rules.violations(path.read_text(encoding="utf-8", errors="replace"), ex.rules)
        if res.violations:
            res.status = "rule broken"
            continue
        runnable.append(ex)
    try:
        metas = worker.ready()
    except WorkerError as e:
        raise ContentError(check_files(s)[0], f"the checks failed to load:\n{e}") from None
    todo = plan(s, metas, runnable, opts)
    reference = reference_runs(s, runnable, todo, opts, worker, on_event)
    jobs = [make_job(f"s-{ex.name}", s, ex, student, todo[ex.name], opts) for ex in runnable]
    done = worker.run(jobs, opts.parallel, on_event)
    for ex in runnable:
        _judge(results[ex.name], todo[ex.name], reference[ex.name], done[f"s-{ex.name}"], s)
    if opts.diagnose:
        diagnose.name_mistakes(s, [results[e.name] for e in runnable], todo, reference, opts, worker, on_event)
    return SetResult(s, [results[e.name] for e in exercises], time.perf_counter() - t0, opts.seed)


def reference_runs(s: ExerciseSet, exercises: list[Exercise], todo: dict, opts: Options, worker: Worker,
                   on_event) -> dict[str, dict[str, CheckRun]]:
    if not s.solutions_dir.is_dir():
        raise ContentError(s.solutions_dir, "no reference solutions here, and no fixtures yet")
    src = Source(s.solutions_dir)
    jobs = [make_job(f"r-{ex.name}", s, ex, src, todo[ex.name], opts) for ex in exercises]
    done = worker.run(jobs, opts.parallel, on_event)
    return {ex.name: done[f"r-{ex.name}"].runs for ex in exercises}


def _judge(res: ExerciseResult, metas: list[dict], ref: dict[str, CheckRun], got: JobResult, s: ExerciseSet) -> None:
    res.runs = got.runs
    for m in metas:
        run = got.runs.get(m["name"]) or CheckRun(m["name"], "skipped")
        cr = CheckResult(m["name"], m["description"], m["points"], m["milestone"], "error",
                         error=_relative(run.error, s.root),
                         output=run.output, seconds=run.seconds)
        res.checks.append(cr)
        r = ref.get(m["name"]) or CheckRun(m["name"], "skipped")
        if r.status == "skipped" or run.status == "skipped":
            cr.status, cr.reason = "skipped", (run.error or r.error or {}).get("reason") or \
                f"needs the dataset {', '.join(m['data'])}: run `grade data` to fetch it"
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
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
