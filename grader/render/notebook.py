"""Notebook screens: what `check()` shows in Jupyter, and `grade SET --notebook PATH` in a terminal."""
from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.text import Text

from grader.grading.status import Status
from grader.render.console import FIRST_FAILING, bar
from grader.render.panels import exercise_panel, exercise_table, verdict_line


def render_notebook_written(console: Console, path: str, s) -> None:
    console.print(f"Wrote {escape(str(path))}: {len(s.exercises)} exercise cells of {s.name}, each followed by its check cell.")
    console.print(f"Open it in Jupyter (`jupyter lab {escape(str(path))}`), fill in a cell, run it, then run the check under it.")
    console.print(f"`grade {s.name} --notebook {escape(str(path))}` grades the saved notebook from a terminal.")


def render_notebook_problems(console: Console, name: str, messages: list[str]) -> None:
    if not messages:
        return
    console.print(Text(f"{name}:", style="bold yellow"))
    for m in messages:
        console.print(Text(f"  - {m}", style="yellow"))


def render_notebook_unrun(console: Console, what: str) -> None:
    console.print(Text.assemble(
        ("Nothing to check yet: ", "bold yellow"),
        f"run the cell for {what} first (its first line is `# z2h: {what}`), then run check again."
        if "/" in what else f"run an exercise cell of {what} first (first line `# z2h: {what}/...`), then check again."))


def render_notebook_check(console: Console, exercises: list, warning: str | None = None) -> None:
    """check() in a notebook: a verdict line per exercise, and what to do next (one output)."""
    parts: list = []
    for r in exercises:
        parts.append(verdict_line(r))
        again = f'Fix the cell, run it, then run check("{r.exercise.id}") again.'
        if r.status in FIRST_FAILING:
            parts.append(exercise_panel(r, every=True, next_step=again, more_hints=f'more: hint("{r.exercise.id}")'))
        elif r.status == Status.NOT_STARTED:
            t = Text("  Replace each `raise NotImplementedError` in the cell with your code, run it, then check again.")
            if r.exercise.hints:
                t.append(f"\n  hint: {r.exercise.hints[0]}", style="cyan")
            parts.append(t)
        elif r.status == Status.SKIPPED:
            reason = next((c.reason for c in r.checks if c.reason), "")
            parts.append(Text(f"  skipped: {reason}", style="yellow"))
    if warning:
        parts.append(Text(warning, style="yellow"))
    console.print(Group(*parts))


def render_notebook_set(console: Console, result, again: str, focus: bool = False) -> None:
    """`grade SET --notebook PATH`: the table, then the first failing exercise, naming cells, not files."""
    console.print(exercise_table(result))
    pts, total = result.points, result.set.points
    console.print(Text(f"progress  [{bar(pts, total)}] {pts}/{total} points   ({result.seconds:.2f} s)"))
    bad = [r for r in result.exercises if r.status in FIRST_FAILING]
    for r in (bad if focus else bad[:1]):
        console.print(exercise_panel(r, every=focus, next_step=f"Fix {r.file}, save the notebook, then run `{again}` again."))
    if not bad:
        nxt = next((r for r in result.exercises if r.status == Status.NOT_STARTED), None)
        if nxt is not None:
            t = Text.assemble(("Next: ", "bold"), f"{nxt.exercise.title}\n",
                              f"  fill in {nxt.file}, save the notebook, then run `{again}` again.")
            if nxt.exercise.hints:
                t.append(f"\n  hint: {nxt.exercise.hints[0]}", style="cyan")
            console.print(t)
        elif result.all_passed:
            console.print(Text(f"All of {result.set.name} passes. Well done.", style="bold green"))
