"""The student's verbs, each a few lines over the one engine: grade, dashboard, hint, reset, data."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from grader.course import datasets as data
from grader.grading import engine
from grader.student import progress
from grader.render import console as console_r
from grader.render import machine
from grader.render import screens
from grader.course import stubs
from grader.course.manifest import ContentError, Course, resolve
from grader.sources.intake import SubmissionError, intake

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def grade(course: Course, target: str, console, opts: engine.Options, fmt: str = "text",
          source: str | None = None) -> int:
    """Grade a set or one exercise: the student's workspace, or a submission with `source`."""
    try:
        s, ex = resolve(course, target)
    except KeyError as e:
        console_r.render_error(console, e.args[0])
        return EXIT_USAGE
    with tempfile.TemporaryDirectory(prefix="z2h-from-") as tmp:
        if source:
            try:
                intake(Path(source), s, Path(tmp))
            except SubmissionError as e:
                console_r.render_error(console, str(e))
                return EXIT_USAGE
            opts.student_dir, opts.isolate = Path(tmp), True
        with console_r.grading_progress(console if fmt == "text" else _null_console(), f"grading {target}",
                                     1 if ex else len(s.exercises)) as on_event:
            result = engine.grade_set(s, ex, opts, on_event)
    warning = None if source else progress.record(course.root, result.exercises)
    if fmt == "json":
        print(json.dumps(machine.as_json(result), indent=1))
    elif fmt == "gradescope":
        print(json.dumps(machine.as_gradescope(result), indent=1))
    else:
        screens.render_set(console, result, focus=ex is not None)
        if warning:
            console.print(warning, style="yellow")
    return EXIT_OK if all(r.status == "passed" for r in result.exercises) else EXIT_FAIL


def _null_console():
    return console_r.make_console(open(os.devnull, "w"))


def publish(course: Course, names: list[str], out: str, gradescope: bool, console) -> int:
    from grader.instructor.publish import publish as build_bundle
    for n in names:
        resolve(course, n)
    path = build_bundle(course, names, Path(out).resolve(), gradescope)
    console.print(f"Published {', '.join(names)} to {Path(out).resolve()}: no solution text inside (verified).")
    if gradescope:
        console.print(f"Gradescope autograder: {path} (upload it as the autograder zip).")
    return EXIT_OK


def batch(course: Course, set_name: str, submissions: list[str], out: str, opts: engine.Options, console) -> int:
    from grader.instructor import batch as batch_mod
    s, ex = resolve(course, set_name)
    subs = [Path(p) for p in submissions]
    with console_r.grading_progress(console, f"grading {len(subs)} submissions", len(subs) * len(s.exercises)) as on_event:
        rows = batch_mod.run(s, subs, Path(out), opts, on_event)
    screens.render_batch(console, s, rows, Path(out))
    return EXIT_OK


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
        passed = [rec.get("status") == "passed" for rec in recs]
        nxt = next((ex for ex, ok in zip(s.exercises, passed) if not ok), None)
        rows.append({"name": name, "title": s.title, "points": sum(int(r.get("best", 0)) for r in recs),
                     "max": s.points, "passed": sum(passed), "total": len(s.exercises),
                     "next": f"{nxt.id}: {nxt.title}" if nxt else None})
    if as_json:
        console.print_json(json.dumps({"course": course.title, "sets": rows}))
    else:
        screens.render_dashboard(console, course, rows, warning)
    return EXIT_USAGE if any(r.get("error") for r in rows) else EXIT_OK


def hint(course: Course, target: str, console) -> int:
    s, ex = resolve(course, target)
    if ex is None:
        console_r.render_error(console, f"name one exercise, e.g. grade hint {s.exercises[0].id}")
        return EXIT_USAGE
    screens.render_hint(console, ex, progress.next_hint(course.root, ex.id))
    return EXIT_OK


def pristine_stub(s, ex) -> str:
    """The stub as shipped: generated from the reference, or the bundle's saved copy."""
    ref = s.reference_path(ex)
    if ref.is_file():
        return stubs.make_stub(ref.read_text(encoding="utf-8"), ex.id)
    saved = s.root / "data" / "stubs" / s.name / f"{ex.name}.py"
    if saved.is_file():
        return saved.read_text(encoding="utf-8")
    raise ContentError(saved, "no pristine copy of this stub to restore from")


def reset(course: Course, target: str, console, yes: bool, ask=input) -> int:
    s, ex = resolve(course, target)
    if ex is None:
        console_r.render_error(console, f"name one exercise, e.g. grade reset {s.exercises[0].id}")
        return EXIT_USAGE
    path = s.stub_path(ex)
    if not yes:
        try:
            answer = ask(f"Restore {path.relative_to(course.root)} to the stub? Your code in it will be lost. [y/N] ")
        except (EOFError, OSError):  # no terminal to ask: the answer is no
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            console.print("Nothing changed.")
            return EXIT_FAIL
    if path.is_file():
        backup = path.with_name(f".{path.name}.bak")
        backup.write_bytes(path.read_bytes())
        console.print(f"Your old version is saved as {backup.relative_to(course.root)}.")
    path.write_text(pristine_stub(s, ex), encoding="utf-8")
    console.print(f"Restored {path.relative_to(course.root)}.")
    return EXIT_OK


def datasets(course: Course, console, fetch: list[str] | None = None) -> int:
    known = {d.name: d for d in data.KNOWN}
    for name in fetch or []:
        if name not in known:
            console_r.render_error(console, f"unknown dataset {name!r}; known: {', '.join(known)}")
            return EXIT_USAGE
        if data.find(name, course.root):
            console.print(f"{name} is already here: {data.find(name, course.root)}")
            continue
        try:
            console.print(f"Fetched {name} -> {data.fetch(known[name], course.root)}")
        except OSError as e:
            console_r.render_error(console, str(e))
            return EXIT_FAIL
    rows = []
    for d in data.KNOWN:
        where = data.find(d.name, course.root)
        state = "missing" if where is None else ("ok" if data.sha256(where) == d.sha256 else "present, sha256 differs")
        rows.append((d.name, state, str(where or ""), d.used_by))
    screens.render_datasets(console, rows, [str(p) for p in data.data_dirs(course.root)])
    return EXIT_OK if all(r[1] == "ok" for r in rows) else EXIT_FAIL


def default_root(root: str | None) -> Path:
    from grader.course.manifest import find_root
    return Path(root).resolve() if root else find_root()
