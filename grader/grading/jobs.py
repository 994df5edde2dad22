"""Jobs for the worker: where a side's modules come from, which checks run, with what budget."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader.course.manifest import ContentError, Exercise, ExerciseSet
from grader.course.datasets import data_dirs, missing
from grader.sandbox.pool import Job, Worker


@dataclass
class Options:
    seed: int = 0
    skip_milestones: bool = False
    parallel: int = 2
    diagnose: bool = True
    student_dir: Path | None = None     # grade files from here instead of exercises/<set>/
    isolate: bool = False               # run student jobs as an unprivileged user when root (batch, Gradescope)


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
