"""`grade publish` and `grade batch`, rendered: thin wrappers over publish.py and batch.py."""
from __future__ import annotations

from pathlib import Path

from grader.course.manifest import Course, resolve
from grader.exits import EXIT_OK
from grader.grading.jobs import Options
from grader.instructor import batch as batch_mod
from grader.instructor.publish import publish as build_bundle
from grader.render import console as console_r
from grader.render import screens


def publish(course: Course, names: list[str], out: str, gradescope: bool, console) -> int:
    for n in names:
        resolve(course, n)
    path = build_bundle(course, names, Path(out).resolve(), gradescope)
    console.print(f"Published {', '.join(names)} to {Path(out).resolve()}: no solution text inside (verified).")
    if gradescope:
        console.print(f"Gradescope autograder: {path} (upload it as the autograder zip).")
    return EXIT_OK


def batch(course: Course, set_name: str, submissions: list[str], out: str, opts: Options, console) -> int:
    s, _ = resolve(course, set_name)
    subs = [Path(p) for p in submissions]
    with console_r.grading_progress(console, f"grading {len(subs)} submissions",
                                    len(subs) * len(s.exercises)) as on_event:
        rows = batch_mod.run(s, subs, Path(out), opts, on_event)
    screens.render_batch(console, s, rows, Path(out))
    return EXIT_OK
