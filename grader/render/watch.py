"""The screens of `grade watch`: the live in-place view, and the lines before and after it."""
from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from grader.grading.status import Status, Verdict
from grader.render.console import FIRST_FAILING, STYLE
from grader.render.panels import exercise_panel, verdict_line


def watch_live(console: Console):
    """The in-place display of `grade watch` (alternate screen; restored on exit)."""
    from rich.live import Live
    return Live(console=console, auto_refresh=False, screen=True, redirect_stdout=False, redirect_stderr=False)


def watch_screen(v) -> Group:
    """What `grade watch` shows. v: grader.watch.View (set, current exercise, latest results, status line)."""
    s, cur = v.set, v.current
    parts: list = []
    head = Text()
    head.append(f"grade watch {s.name}", style="bold")
    k = [e.name for e in s.exercises].index(cur.name) + 1
    head.append(f"   exercise {k}/{len(s.exercises)}: ")
    head.append(cur.id, style="bold")
    head.append(f"   edit {v.files[cur.name]}")
    parts.append(head)
    strip = Text("  ")
    for e in s.exercises:
        r = v.results.get(e.name)
        st = r.status if r else "not graded"
        strip.append(f"{'>' if e.name == cur.name else ' '}{e.name}", style=STYLE.get(st, "dim") + (" bold" if e.name == cur.name else ""))
        strip.append(f" [{st}]  ", style="dim")
    parts.append(strip)
    if v.show_list:
        parts.append(_list_table(v))
    r = v.results.get(cur.name)
    if v.grading:
        parts.append(Text(f"grading {v.grading} ...", style="cyan"))
    elif r is None:
        parts.append(Text("not graded yet: save the file (or press r)", style="dim"))
    else:
        parts.append(verdict_line(r))
        if r.status in FIRST_FAILING:
            parts.append(exercise_panel(r, hint=v.hint, next_step=f"Save {r.file} to re-grade.",
                                        more_hints="" if v.hint and "that was the last one" in v.hint else "more: press h"))
        elif r.status == Status.NOT_STARTED:
            t = Text(f"  edit {r.file}: replace each `raise NotImplementedError` with your code and save.")
            hint = v.hint or (r.exercise.hints[0] if r.exercise.hints else None)
            if hint:
                t.append(f"\n  hint: {hint}", style="cyan")
            parts.append(t)
        elif v.hint:
            parts.append(Text(f"  hint: {v.hint}", style="cyan"))
    if v.message:
        parts.append(Text(v.message, style=v.message_style or "bold"))
    if v.notice:
        parts.append(Text(v.notice, style="yellow"))
    parts.append(_foot(v))
    return Group(*parts)


def render_watch_starting(console: Console, s, mode: str) -> None:
    console.print(Text(f"grade watch {s.name}: starting the worker and grading every exercise once "
                       f"(saves seen by {mode}) ...", style="dim"))


def render_watch_done(console: Console, s, results: list) -> None:
    """After `grade watch`: where each exercise stands (progress is saved as it goes)."""
    console.print(Text(f"grade watch {s.name}: stopped. Progress is saved.", style="bold"))
    for r in results:
        console.print(verdict_line(r))


def _list_table(v) -> Table:
    """Every exercise of the set, with its latest verdict (key l)."""
    s = v.set
    t = Table(expand=False)
    for col, just in (("exercise", "left"), ("status", "left"), ("checks", "right"), ("points", "right")):
        t.add_column(col, justify=just)
    for e in s.exercises:
        r = v.results.get(e.name)
        if r is None:
            t.add_row(e.id, Text("not graded", style="dim"), "-", f"-/{e.points}")
            continue
        ran = [c for c in r.checks if c.status != Verdict.SKIPPED]
        t.add_row(e.id, Text(r.status, style=STYLE.get(r.status, "")), f"{r.passed_checks}/{len(ran)}" if ran else "-",
                  f"{r.points}/{r.max_points}")
    return t


def _foot(v) -> Text:
    foot = Text(style="dim")
    if v.last:
        foot.append(f"last: {v.last}   ")
    foot.append(f"saves seen by {v.mode}")
    if v.mode != "polling":
        foot.append(" (if saves go unnoticed: --poll or Z2H_POLL=1)")
    if v.keys:
        foot.append("\nkeys: n next  h hint  l list  r re-run  q quit")
    else:
        foot.append("\nCtrl-C to stop")
    return foot
