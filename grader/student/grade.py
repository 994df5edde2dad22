"""`grade SET[/EX]` and the dashboard: one grading path for the workspace, a submission (--from) and a
notebook file (--notebook), each a student folder handed to the one engine."""
from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.course.manifest import ContentError, Course, resolve
from grader.exits import EXIT_FAIL, EXIT_OK, EXIT_USAGE
from grader.grading import engine
from grader.grading.jobs import Options
from grader.grading.results import relabel
from grader.grading.status import Status
from grader.render import console as console_r
from grader.render import machine, screens
from grader.render import notebook as nb_screens
from grader.sources import cells
from grader.sources.intake import SubmissionError, intake
from grader.student import progress


class NotGradeable(Exception):
    """A submission or notebook that cannot be read at all."""


@dataclass
class Folder:
    """What the engine grades: a folder of modules, and how to speak of it."""
    path: Path | None                  # None: the workspace, exercises/<set>/
    isolate: bool = False              # a submission: its jobs run isolated when root
    labels: dict[str, str] = field(default_factory=dict)
    scan: cells.Scan | None = None     # a notebook: its cells and what is wrong with them
    record: bool = True                # progress is the workspace's, not a submission's


@contextlib.contextmanager
def student_folder(s, source: str | None = None, notebook: str | None = None):
    """The folder to grade: the workspace, a snapshot of a submission, or a notebook's cells as modules."""
    if not source and not notebook:
        yield Folder(None)
        return
    with tempfile.TemporaryDirectory(prefix="z2h-from-") as tmp:
        if source:
            try:
                intake(Path(source), s, Path(tmp))
            except SubmissionError as e:
                raise NotGradeable(str(e)) from None
            yield Folder(Path(tmp), isolate=True, record=False)
            return
        path = Path(notebook)
        try:
            sc = cells.scan(cells.read(path), s)
        except (cells.NotebookError, OSError) as e:
            raise NotGradeable(str(e)) from None
        folder = Path(tmp) / s.name
        cells.write_modules(folder, sc.modules)
        labels = {name: f"{path.name} cell {n} ({s.name}/{name})" for name, n in sc.cells.items()}
        yield Folder(folder, labels=labels, scan=sc)


def grade(course: Course, target: str, console, opts: Options, fmt: str = "text",
          source: str | None = None, notebook: str | None = None) -> int:
    """Grade a set or one exercise: the workspace, a submission (`source`) or a notebook file."""
    try:
        s, ex = resolve(course, target)
        with student_folder(s, source, notebook) as f:
            opts = dataclasses.replace(opts, student_dir=f.path, isolate=f.isolate)
            shown = console if fmt == "text" else console_r.make_console(open(os.devnull, "w"))
            with console_r.grading_progress(shown, f"grading {target}", 1 if ex else len(s.exercises)) as on_event:
                result = engine.grade_set(s, ex, opts, on_event)
            if f.labels:
                relabel(result, f.path, f.labels)
    except (KeyError, NotGradeable) as e:
        console_r.render_error(console, str(e.args[0]), fmt)
        return EXIT_USAGE
    if f.scan is not None:
        apply_problems(result, f.scan)
    warning = progress.record(course.root, result.exercises) if f.record else None
    set_points = _set_points(course, s) if f.record and ex is not None else None
    _show(console, result, fmt, target, ex is not None, warning, notebook, f.scan, set_points)
    return EXIT_OK if result.all_passed else EXIT_FAIL


def _set_points(course: Course, s) -> int:
    """The set's points now: the latest grade of every exercise (the one rule the dashboard uses too)."""
    state, _ = progress.load(course.root)
    return sum(int(state["exercises"].get(e.id, {}).get("points", 0) or 0) for e in s.exercises)


def _show(console, result, fmt: str, target: str, focus: bool, warning, notebook, sc, set_points=None) -> None:
    if fmt == "json":
        doc = machine.as_json(result)
        if sc is not None:
            doc["notebook"] = {"path": str(notebook), "problems": sc.messages(result.set)}
        print(machine.dumps(doc))
    elif fmt == "gradescope":
        print(machine.dumps(machine.as_gradescope(result)))
    elif sc is not None:
        nb_screens.render_notebook_problems(console, Path(notebook).name, sc.messages(result.set))
        nb_screens.render_notebook_set(console, result, f"grade {target} --notebook {notebook}", focus=focus)
    else:
        screens.render_set(console, result, focus=focus, set_points=set_points)
    if warning and fmt == "text":
        console.print(warning, style="yellow", markup=False)


def dashboard(course: Course, console, as_json: bool = False) -> int:
    state, warning = progress.load(course.root)
    rows = []
    for name in course.set_names:
        try:
            s = course.set(name)
        except ContentError as e:
            rows.append({"name": name, "error": str(e)})
            continue
        recs = [state["exercises"].get(ex.id, {}) for ex in s.exercises]
        passed = [rec.get("status") == Status.PASSED for rec in recs]
        nxt = next((ex for ex, ok in zip(s.exercises, passed) if not ok), None)
        rows.append({"name": name, "title": s.title, "points": sum(int(r.get("points", 0) or 0) for r in recs),
                     "best": sum(int(r.get("best", 0) or 0) for r in recs),
                     "max": s.points, "passed": sum(passed), "total": len(s.exercises),
                     "next": f"{nxt.id}: {nxt.title}" if nxt else None})
    if as_json:
        console_r.print_json({"schema": "z2h-dashboard/1", "course": course.title, "sets": rows})
    else:
        screens.render_dashboard(console, course, rows, warning)
    return EXIT_USAGE if any(r.get("error") for r in rows) else EXIT_OK


def apply_problems(result, sc: cells.Scan) -> None:
    """A missing or unusable cell: say so instead of 'the file is missing'."""
    for r in result.exercises:
        msgs = sc.problems.get(r.exercise.name)
        if msgs and r.exercise.name not in sc.modules:
            r.status, r.detail = Status.ERROR, " ".join(msgs)
            r.file = f"a cell whose first line is `{cells.MARKER}{r.exercise.id}`"
