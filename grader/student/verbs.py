"""The student's small verbs: hint, reset, data."""
from __future__ import annotations

from grader.course import datasets as data
from grader.course import stubs
from grader.course.manifest import Course, resolve
from grader.exits import EXIT_FAIL, EXIT_OK, EXIT_USAGE
from grader.render import console as console_r
from grader.render import screens
from grader.student import progress


def hint(course: Course, target: str | None, console, fmt: str = "text") -> int:
    """One more hint: for the named exercise (or set), else the one you are on; hints for the checks
    that failed in your last run come first. As JSON: the hints shown so far, nothing used up."""
    state, _ = progress.load(course.root)
    ex = current_exercise(course, state, target)
    if ex is None:
        console_r.render_error(console, "every exercise passes: no hint needed" if target is None else
                               f"every exercise of {target} passes: name one, e.g. grade hint {target}/...", fmt)
        return EXIT_USAGE
    failing = state["exercises"].get(ex.id, {}).get("failing", [])
    order = ex.hint_order(failing)
    if fmt == "json":
        seen = min(int(state["exercises"].get(ex.id, {}).get("hints", 0)), len(ex.hints))
        console_r.print_json({"schema": "z2h-hint/1", "exercise": ex.id, "shown": seen,
                              "total": len(ex.hints), "hints": [ex.hints[i] for i in order[:seen]]})
        return EXIT_OK
    screens.render_hint(console, ex, progress.next_hint(course.root, ex.id), order)
    return EXIT_OK


def current_exercise(course: Course, state: dict, target: str | None = None):
    """The named exercise; or the first exercise not passed in the named set, or in the whole course."""
    if target is not None:
        s, ex = resolve(course, target)
        if ex is not None:
            return ex
        sets = [s]
    else:
        sets = [course.set(n) for n in course.set_names]
    return next((e for s in sets for e in s.exercises
                 if state["exercises"].get(e.id, {}).get("status") != "passed"), None)


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
    path.write_text(stubs.pristine(s, ex), encoding="utf-8")
    console.print(f"Restored {path.relative_to(course.root)}.")
    return EXIT_OK


def datasets(course: Course, console, fetch: list[str] | None = None, fmt: str = "text") -> int:
    known = {d.name: d for d in data.registry(course.root)}
    for name in fetch or []:
        if name not in known:
            console_r.render_error(console, f"unknown dataset {name!r}; known: {', '.join(known)}", fmt)
            return EXIT_USAGE
        if data.find(name, course.root):
            console.print(f"{name} is already here: {data.find(name, course.root)}")
            continue
        try:
            console.print(f"Fetched {name} -> {data.fetch(known[name], course.root)}")
        except OSError as e:
            console_r.render_error(console, str(e), fmt)
            return EXIT_FAIL
    rows = []
    for d in known.values():
        where = data.find(d.name, course.root)
        state = "missing" if where is None else ("ok" if data.sha256(where) == d.sha256 else "present, sha256 differs")
        rows.append((d.name, state, str(where or ""), d.used_by))
    path = [str(p) for p in data.data_dirs(course.root)]
    if fmt == "json":
        console_r.print_json({"schema": "z2h-data/1", "path": path, "datasets": [
            {"name": n, "state": st, "where": w, "used_by": u} for n, st, w, u in rows]})
    else:
        screens.render_datasets(console, rows, path)
    return EXIT_OK if all(r[1] == "ok" for r in rows) else EXIT_FAIL
