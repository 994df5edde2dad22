"""`grade publish` and `grade batch`, rendered: thin wrappers over publish.py and batch.py."""
from __future__ import annotations

from pathlib import Path

from grader.course.manifest import Course, resolve
from grader.exits import EXIT_OK, EXIT_USAGE
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


def batch(course: Course, set_name: str, submissions: list[str], out: str, opts: Options, console,
          detail: bool = False, roster: str | None = None) -> int:
    from rich.text import Text
    from grader.instructor import summary
    s, _ = resolve(course, set_name)
    subs = [Path(p) for p in submissions]
    if roster and not Path(roster).is_file():
        console_r.render_error(console, f"the roster {roster} does not exist")
        return EXIT_USAGE
    with console_r.grading_progress(console, f"grading {len(subs)} submissions",
                                    len(subs) * len(s.exercises)) as on_event:
        rows = batch_mod.run(s, subs, Path(out), opts, on_event, detail, Path(roster) if roster else None)
    screens.render_batch(console, s, rows, Path(out))
    st = summary.stats(s, summary.read_results(Path(out)))
    for line in summary.lines(st):
        console.print(Text(line))
    console.print(f"Feedback for each student in {Path(out) / 'feedback'}/ (Markdown and HTML); "
                  f"summary in {Path(out) / 'summary'}/ (summary.md, scores.svg).")
    return EXIT_OK
