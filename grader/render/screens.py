"""Terminal screens of the verbs: a set's result, the dashboard, hints, checklists, datasets, a batch."""
from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from grader.grading.status import Status, Verdict
from grader.render.console import FIRST_FAILING, bar, clip
from grader.render.panels import exercise_panel, exercise_table, milestone_reward, warning_lines


def render_set(console: Console, result, focus: bool = False, hint: str | None = None,
               set_points: int | None = None) -> None:
    """The table, then the first failing exercise in detail (every failing check when `focus`).
    set_points: the whole set's points now (this run's exercises plus the latest of the others), when
    only some exercises were graded."""
    console.print(exercise_table(result))
    pts, total = (result.points if set_points is None else set_points), result.set.points
    console.print(Text(f"{result.set.name}  [{bar(pts, total)}] {pts}/{total} points   ({result.seconds:.2f} s)"))
    skipped = [c for r in result.exercises for c in r.checks if c.status == Verdict.SKIPPED]
    if skipped:
        console.print(Text(f"skipped {len(skipped)} check(s): {skipped[0].reason}", style="yellow"))
    for c in (c for r in result.exercises for c in r.checks if c.milestone and c.status == Verdict.PASS):
        console.print(milestone_reward(c))
    target = next((r for r in result.exercises if r.status in FIRST_FAILING), None)
    for r in result.exercises:
        for line in (warning_lines(r) if r is not target else []):   # the target's panel says them
            console.print(line)
    if target is not None:
        console.print(exercise_detail(target, every=focus, hint=hint))
    elif (nxt := next((r for r in result.exercises if r.status == Status.NOT_STARTED), None)) is not None:
        console.print(_next_up(nxt, hint))
    elif result.all_passed:
        what = result.exercises[0].exercise.id if focus else f"All of {result.set.name}"
        console.print(Text(f"{what} passes. Well done.", style="bold green"))


def _next_up(r, hint: str | None) -> Text:
    t = Text()
    t.append("Next: ", style="bold")
    t.append(f"{r.exercise.title}\n")
    t.append(f"  edit {r.file}: replace each `raise NotImplementedError` with your code, then run "
             f"`grade {r.exercise.set}` again.\n")
    if hint or r.exercise.hints:
        t.append(f"  hint: {hint or r.exercise.hints[0]}", style="cyan")
    return t


def exercise_detail(r, every: bool = False, hint: str | None = None) -> Panel:
    """The failing exercise in detail, as `grade SET` shows it."""
    again = r.exercise.id if every else r.exercise.set     # `every`: one exercise was asked for
    return exercise_panel(r, every, hint, next_step=f"Edit {r.file}, then run `grade {again}` again.")


def render_dashboard(console: Console, course, rows: list[dict], warning: str | None = None) -> None:
    """rows: {name, title, points, max, passed, total, next, error} per set."""
    t = Table(title=Text(course.title), title_justify="left")  # an author's text: never markup
    for col in ("set", "progress", "exercises", "points", "next"):
        t.add_column(col, justify="right" if col in ("points", "exercises") else "left")
    for row in rows:
        if row.get("error"):
            t.add_row(Text(row["name"]), Text("content error", style="red"), "-", "-", Text(row["error"], style="red"))
            continue
        t.add_row(Text(row["name"]), Text(f"[{bar(row['points'], row['max'], 16)}]"), f"{row['passed']}/{row['total']}",
                  f"{row['points']}/{row['max']}", Text(clip(row["next"], 40)) if row["next"] else Text("done", style="green"))
    console.print(t)
    nxt = next((r for r in rows if r.get("next") and not r.get("error")), None)
    if nxt:
        console.print(f"Next up: [bold]{escape(nxt['next'])}[/bold]  (run `grade {escape(nxt['name'])}`)")
    if warning:
        console.print(Text(warning, style="yellow"))


def render_hint(console: Console, exercise, n: int, order: list[int] | None = None) -> None:
    """The first n hints of the exercise, in `order` (hints for the failing checks first)."""
    hints = exercise.hints
    if not hints:
        console.print(f"{exercise.id} has no hints.")
        return
    order = order or list(range(len(hints)))
    shown = min(n, len(hints))
    console.print(Text(exercise.id, style="bold"))
    for k in range(shown):
        console.print(Text.assemble((f"hint {k + 1}/{len(hints)}: ", "bold cyan"), hints[order[k]]))
    if shown == len(hints) and n > len(hints):
        console.print(Text("That was the last hint.", style="dim"))


def render_lines(console: Console, lines: list[tuple[bool, str]], title: str) -> None:
    """A checklist: (ok, text) per line, as `grade dev check` prints it."""
    console.print(Text(title, style="bold"))
    for ok, text in lines:
        console.print(Text.assemble(("  ok   " if ok else "  FAIL ", "green" if ok else "bold red"), text))


def render_datasets(console: Console, rows: list[tuple[str, str, str, str]], path: list[str]) -> None:
    t = Table(title="datasets", title_justify="left")
    for col in ("name", "state", "where", "used by"):
        t.add_column(col)
    for name, state, where, used in rows:
        t.add_row(name, Text(state, style="green" if state == "ok" else "yellow"), where, used)
    console.print(t)
    console.print(f"data path: {escape(' : '.join(path))}  (set Z2H_DATA to add folders)")
    if any(r[1] == "missing" for r in rows):
        console.print("Fetch a missing one with `grade data fetch NAME` (needs the internet).")


def render_batch(console: Console, s, rows: list[dict], out) -> None:
    t = Table(title=f"batch: {s.name}", title_justify="left")
    for col in ("submission", "points", "passed", "problem"):
        t.add_column(col, justify="right" if col in ("points", "passed") else "left")
    for row in rows:
        res = row.get("result")
        if res is None:
            t.add_row(Text(row["submission"]), f"0/{s.points}", "-", Text(row["error"], style="red"))
            continue
        passed = sum(r.status == Status.PASSED for r in res.exercises)
        worst = next((f"{r.exercise.name}: {r.status}" for r in res.exercises
                      if r.status in (Status.ERROR, Status.TIMED_OUT, Status.RULE_BROKEN)), "")
        t.add_row(Text(row["submission"]), f"{res.points}/{s.points}", f"{passed}/{len(res.exercises)}", Text(worst, style="yellow"))
    console.print(t)
    console.print(f"Wrote {escape(str(out))}/gradebook.csv and one JSON result per submission.")


# ---- notebooks and watch mode (grader/notebook.py, grader/watch.py) -------------------------------


