"""Jobs for the worker: where a side's modules come from, which checks run, with what budget."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from grader.course.datasets import data_dirs, missing
from grader.course.manifest import Exercise, ExerciseSet
from grader.sandbox.pool import Worker
from grader.sandbox.records import Job


@dataclass(frozen=True)
class Options:
    """How to grade. Made once per verb and never changed: use dataclasses.replace for a variant."""
    seed: int = 0
    skip_milestones: bool = False
    parallel: int = 2
    diagnose: bool = True
    student_dir: Path | None = None     # grade files from here instead of exercises/<set>/
    isolate: bool = False               # run student jobs as an unprivileged user when root (batch, Gradescope)


@dataclass(frozen=True)
class CheckMeta:
    """What the worker says of one check (never the function itself)."""
    exercise: str
    name: str
    description: str
    points: int
    rtol: float | None
    atol: float | None
    timeout: float
    data: tuple[str, ...]
    milestone: bool
    hidden: bool = False
    visibility: str = "visible"
    goal: dict | None = None        # {"key", "max"/"min", "leaderboard"}: judged in the parent

    @classmethod
    def from_wire(cls, d: dict) -> "CheckMeta":
        return cls(str(d["exercise"]), str(d["name"]), str(d["description"]), int(d["points"]),
                   None if d.get("rtol") is None else float(d["rtol"]),
                   None if d.get("atol") is None else float(d["atol"]),
                   float(d["timeout"]), tuple(str(x) for x in d.get("data", ())), bool(d.get("milestone")),
                   bool(d.get("hidden")), str(d.get("visibility") or "visible"),
                   dict(d["goal"]) if isinstance(d.get("goal"), dict) else None)


@dataclass
class Source:
    """Where one side's modules come from: a folder, plus files standing in for some of them."""
    folder: Path
    overrides: dict[str, str] = field(default_factory=dict)


# Standard-library modules torch imports lazily (torch.optim -> torch._dynamo -> cProfile, ...): imported
# in the worker before it forks, so a job running as a uid that cannot read the interpreter's own
# library (Python under a 0700 home) still finds them. `grade dev check --isolated` proves it.
TORCH_LAZY_STDLIB = ("cProfile", "pstats", "profile", "sysconfig", "decimal", "fractions", "statistics", "colorsys",
                     "ctypes.util", "getpass", "hmac", "secrets", "shlex", "unicodedata") + \
    (("termios",) if os.name == "posix" else ())


def _sysconfigdata() -> list[str]:
    """The module sysconfig reads its build data from (its name depends on the platform), and
    ctypes.wintypes (torch imports it everywhere; some Pythons refuse it off Windows)."""
    import importlib
    import sysconfig
    names = [getattr(sysconfig, "_get_sysconfigdata_name", lambda: "")(), "ctypes.wintypes"]
    out = []
    for n in filter(None, names):
        try:
            importlib.import_module(n)
            out.append(n)
        except Exception:  # noqa: BLE001 - not on this platform: nothing to preload
            pass
    return out


def start_worker(s: ExerciseSet) -> Worker:
    """One warm worker for a set: its `requires` and its checks imported once, then a fork per job
    (or, where fork is missing or unsafe, a fresh process per job: sandbox.portable)."""
    from grader.sandbox import portable
    lazy = list(TORCH_LAZY_STDLIB) + _sysconfigdata() if "torch" in s.requires else []
    kind = portable.PortableWorker if portable.wanted() else Worker
    return kind(list(s.requires) + lazy, s.check_files())


def check_metas(worker: Worker) -> list[CheckMeta]:
    return [CheckMeta.from_wire(m) for m in worker.ready()]


def plan(metas: list[CheckMeta], exercises: list[Exercise], opts: Options) -> dict[str, list[CheckMeta]]:
    """exercise name -> the checks to run, minus milestones when skipped."""
    by_ex: dict[str, list[CheckMeta]] = {e.name: [] for e in exercises}
    for m in metas:
        if m.exercise in by_ex and not (opts.skip_milestones and m.milestone):
            by_ex[m.exercise].append(m)
    return by_ex


def make_job(jid: str, s: ExerciseSet, ex: Exercise, src: Source, metas: list[CheckMeta], opts: Options,
             tag: str, isolate: bool = False) -> Job:
    """tag: whose code runs ("student", "reference", "mistake"); only student jobs are isolated."""
    module_path = src.overrides.get(ex.name, str(src.folder / f"{ex.name}.py"))
    absent = set(missing([d for m in metas for d in m.data], s.root))
    metas = [m for m in metas if not absent.intersection(m.data)]
    return Job(id=jid, exercise=ex.name, module=ex.name, module_path=module_path, search_path=[str(src.folder)],
               checks=[m.name for m in metas], budget=sum(m.timeout for m in metas), seed=opts.seed,
               overrides=dict(src.overrides), data_dirs=[str(d) for d in data_dirs(s.root)],
               student_dirs=[str(src.folder)] + [str(Path(p).parent) for p in src.overrides.values()],
               tag=tag, isolate=isolate)
