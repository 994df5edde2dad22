"""All terminal output (rich), plus the JSON view of a result. Nothing else in grader/ prints.

Outside a terminal, or with NO_COLOR, rich prints plain text and we draw no live progress bar.
"""
from __future__ import annotations

import contextlib
import os
import sys
from io import StringIO

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

STYLE = {"passed": "green", "failing": "red", "not started": "dim", "error": "red", "timed out": "yellow",
         "rule broken": "magenta", "skipped": "yellow"}
MARK = {"pass": "ok", "fail": "wrong", "todo": "todo", "error": "error", "timeout": "timeout", "skipped": "skipped"}
FIRST_FAILING = ("failing", "error", "timed out", "rule broken")


def make_console(file=None, width: int | None = None) -> Console:
    plain = bool(os.environ.get("NO_COLOR")) or not (file or sys.stdout).isatty()
    if width is None and not (file or sys.stdout).isatty():
        width = int(os.environ.get("COLUMNS", 0)) or 100  # pipes and CI: wide enough not to break lines
    return Console(file=file, width=width, no_color=plain, highlight=False, emoji=False,
                   force_terminal=None if file is None else False, soft_wrap=False)


@contextlib.contextmanager
def grading_progress(console: Console, label: str, total: int):
    """Yields on_event(job, result) for the engine; a live bar only on a real terminal."""
    if not console.is_terminal or os.environ.get("NO_COLOR") or total <= 0:
        yield lambda job, res: None
        return
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=console, transient=True)
    task = bar.add_task(label, total=total)
    with bar:
        def on_event(job, res):
            if job is not None and job.id[0] == "s":  # a student job (r-: reference, m-: mistakes)
                bar.advance(task)
            bar.refresh()
        yield on_event


def _bar(done: int, total: int, width: int = 20) -> str:
    n = round(width * done / total) if total else 0
    return "#" * n + "-" * (width - n)


def exercise_table(result) -> Table:
    title = f"{result.set.name}: {result.set.title}"
    t = Table(title=title, title_justify="left", expand=False, min_width=min(len(title) + 2, 100))
    for col, just in (("exercise", "left"), ("status", "left"), ("checks", "right"), ("points", "right")):
        t.add_column(col, justify=just)
    for r in result.exercises:
        ran = [c for c in r.checks if c.status != "skipped"]
        checks = f"{r.passed_checks}/{len(ran)}" if ran else "-"
        t.add_row(r.exercise.id, Text(r.status, style=STYLE.get(r.status, "")), checks, f"{r.points}/{r.max_points}")
    return t


def render_set(console: Console, result, focus: bool = False, hint: str | None = None) -> None:
    """The table, then the first failing exercise in detail (every failing check when `focus`)."""
    console.print(exercise_table(result))
    pts, total = result.points, result.set.points
    console.print(Text(f"progress  [{_bar(pts, total)}] {pts}/{total} points   ({result.seconds:.2f} s)"))
    skipped = [c for r in result.exercises for c in r.checks if c.status == "skipped"]
    if skipped:
        console.print(Text(f"skipped {len(skipped)} check(s): {skipped[0].reason}", style="yellow"))
    target = next((r for r in result.exercises if r.status in FIRST_FAILING), None)
    if target is not None:
        console.print(exercise_detail(target, every=focus, hint=hint))
    elif (nxt := next((r for r in result.exercises if r.status == "not started"), None)) is not None:
        console.print(_next_up(nxt, hint))
    elif result.all_passed:
        console.print(Text(f"All of {result.set.name} passes. Well done.", style="bold green"))


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
    return exercise_panel(r, every, hint, next_step=f"Edit {r.file}, then run `grade {r.exercise.set}` again.")


def check_detail(c, file: str) -> Group:
    head = Text.assemble((f"check {c.name}", "bold"), f": {c.description}  ", (MARK[c.status], "red"))
    lines: list = [head]
    if c.status == "fail" and c.comparison:
        for m in c.comparison.mismatches[:4]:
            lines.append(_mismatch(m))
    elif c.status == "timeout":
        lines.append(Text(f"  {c.error.get('message', '')}: an infinite loop, or far too slow?", style="yellow"))
    elif c.error and c.error.get("type") == "MemoryError":
        lines.append(Text("  MemoryError: the code used more memory than the grader allows (2 GiB): "
                          "a tensor far too large, or a list that grows forever?", style="red"))
    elif c.error:
        tb = c.error.get("traceback") or f"{c.error.get('type')}: {c.error.get('message')}"
        lines.append(Text(_indent(_shorten_paths(tb)), style="red"))
    if c.output.strip():
        out = c.output.strip().splitlines()
        lines.append(Text("  your code printed:\n" + _indent("\n".join(out[:12]) + ("\n..." if len(out) > 12 else ""), 4),
                          style="dim"))
    return Group(*lines)


def _mismatch(m) -> Text:
    t = Text(f"  {m.path}: ", style="bold")
    t.append("wrong", style="red")
    if m.maxdiff is not None and m.maxdiff != float("inf"):
        t.append(f"   maxdiff {m.maxdiff:.3g}")
    t.append(f"\n    expected {m.expected}, got {m.got}")
    if m.worst:
        t.append(f"\n    {m.worst}")
    for note in m.notes:
        t.append(f"\n    - {note}", style="yellow")
    if m.grid:
        t.append("\n    wrong elements (x):\n" + _indent("\n".join(m.grid), 6), style="dim")
    return t


def _indent(s: str, n: int = 2) -> str:
    return "\n".join(" " * n + line for line in s.splitlines())


def _shorten_paths(s: str) -> str:
    cwd = os.getcwd() + os.sep
    return s.replace(cwd, "")


def render_dashboard(console: Console, course, rows: list[dict], warning: str | None = None) -> None:
    """rows: {name, title, points, max, passed, total, next, error} per set."""
    t = Table(title=course.title, title_justify="left")
    for col in ("set", "progress", "exercises", "points", "next"):
        t.add_column(col, justify="right" if col in ("points", "exercises") else "left")
    for row in rows:
        if row.get("error"):
            t.add_row(row["name"], Text("content error", style="red"), "-", "-", Text(row["error"], style="red"))
            continue
        t.add_row(row["name"], Text(f"[{_bar(row['points'], row['max'], 16)}]"), f"{row['passed']}/{row['total']}",
                  f"{row['points']}/{row['max']}", _clip(row["next"], 40) if row["next"] else Text("done", style="green"))
    console.print(t)
    nxt = next((r for r in rows if r.get("next") and not r.get("error")), None)
    if nxt:
        console.print(f"Next up: [bold]{escape(nxt['next'])}[/bold]  (run `grade {nxt['name']}`)")
    if warning:
        console.print(Text(warning, style="yellow"))


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 3].rstrip() + "..."


def render_error(console: Console, message: str) -> None:
    console.print(Text(f"error: {message}", style="bold red"))


def render_hint(console: Console, exercise, n: int) -> None:
    hints = exercise.hints
    if not hints:
        console.print(f"{exercise.id} has no hints.")
        return
    shown = min(n, len(hints))
    for i in range(shown):
        console.print(Text.assemble((f"hint {i + 1}/{len(hints)}: ", "bold cyan"), hints[i]))
    if shown == len(hints) and n > len(hints):
        console.print(Text("That was the last hint.", style="dim"))


def render_lines(console: Console, lines: list[tuple[bool, str]], title: str) -> None:
    """A checklist: (ok, text) per line, as `grade dev check` prints it."""
    console.print(Text(title, style="bold"))
    for ok, text in lines:
        console.print(Text.assemble(("  ok   " if ok else "  FAIL ", "green" if ok else "bold red"), text))


def as_json(result) -> dict:
    def check(c):
        d = {"name": c.name, "description": c.description, "status": c.status, "points": c.points,
             "milestone": c.milestone, "seconds": c.seconds}
        if c.comparison:
            d["verdict"], d["maxdiff"] = c.comparison.verdict, _finite(c.comparison.maxdiff)
            d["mismatches"] = [{"path": m.path, "expected": m.expected, "got": m.got, "maxdiff": _finite(m.maxdiff),
                                "worst": m.worst, "notes": m.notes} for m in c.comparison.mismatches]
        if c.error:
            d["error"] = c.error
        if c.reason:
            d["reason"] = c.reason
        return d
    return {"set": result.set.name, "points": result.points, "max_points": result.set.points,
            "seed": result.seed, "seconds": round(result.seconds, 3), "all_passed": result.all_passed,
            "exercises": [{"id": r.exercise.id, "status": r.status, "points": r.points, "max_points": r.max_points,
                           "file": r.file, "detail": r.detail, "mistake": r.mistake and {"id": r.mistake.id, "why": r.mistake.why},
                           "violations": [{"line": ln, "message": m} for ln, m in r.violations],
                           "checks": [check(c) for c in r.checks]} for r in result.exercises]}


def _finite(x):
    return None if x is None or x != x or x in (float("inf"), float("-inf")) else x


def render_datasets(console: Console, rows: list[tuple[str, str, str, str]], path: list[str]) -> None:
    t = Table(title="datasets", title_justify="left")
    for col in ("name", "state", "where", "used by"):
        t.add_column(col)
    for name, state, where, used in rows:
        t.add_row(name, Text(state, style="green" if state == "ok" else "yellow"), where, used)
    console.print(t)
    console.print(f"data path: {' : '.join(path)}  (set Z2H_DATA to add folders)")
    if any(r[1] == "missing" for r in rows):
        console.print("Fetch a missing one with `grade data fetch NAME` (needs the internet).")


def as_gradescope(result) -> dict:
    """Gradescope's results.json: one test per check, visible, with its explanation as output."""
    tests = []
    for r in result.exercises:
        if not r.checks:  # rule broken, missing file: one zero-score line says why
            why = r.detail or "; ".join(f"line {ln}: {m}" if ln else m for ln, m in r.violations) or r.status
            tests.append({"name": f"{r.exercise.id}", "score": 0, "max_score": r.max_points, "status": "failed",
                          "output": why, "visibility": "visible"})
            continue
        for c in r.checks:
            buf = StringIO()
            make_console(buf, width=100).print(check_detail(c, r.file))
            out = buf.getvalue() if c.status != "pass" else "passed"
            if c.status != "pass" and r.mistake is not None:
                out += f"\nKnown mistake: {r.mistake.why}"
            tests.append({"name": f"{r.exercise.id}: {c.description}", "score": c.points if c.status == "pass" else 0,
                          "max_score": c.points, "status": "passed" if c.status == "pass" else "failed",
                          "output": out.strip(), "visibility": "visible"})
    return {"score": result.points, "execution_time": round(result.seconds, 3), "tests": tests}


def render_batch(console: Console, s, rows: list[dict], out) -> None:
    t = Table(title=f"batch: {s.name}", title_justify="left")
    for col in ("submission", "points", "passed", "problem"):
        t.add_column(col, justify="right" if col in ("points", "passed") else "left")
    for row in rows:
        res = row.get("result")
        if res is None:
            t.add_row(row["submission"], f"0/{s.points}", "-", Text(row["error"], style="red"))
            continue
        passed = sum(r.status == "passed" for r in res.exercises)
        worst = next((f"{r.exercise.name}: {r.status}" for r in res.exercises
                      if r.status in ("error", "timed out", "rule broken")), "")
        t.add_row(row["submission"], f"{res.points}/{s.points}", f"{passed}/{len(res.exercises)}", Text(worst, style="yellow"))
    console.print(t)
    console.print(f"Wrote {out}/gradebook.csv and one JSON result per submission.")


# ---- notebooks and watch mode (grader/notebook.py, grader/watch.py) -------------------------------

def notebook_console() -> Console:
    """In Jupyter: rich's HTML output, in colour. Anywhere else: the ordinary console."""
    try:
        from IPython import get_ipython
        jupyter = type(get_ipython()).__name__ == "ZMQInteractiveShell"
    except ImportError:
        jupyter = False
    if jupyter:
        return Console(force_jupyter=True, width=100, highlight=False, emoji=False, soft_wrap=False)
    return make_console()


def verdict_line(r) -> Text:
    """One exercise in one line: id, status, checks, points."""
    ran = [c for c in r.checks if c.status != "skipped"]
    t = Text()
    t.append(f"{r.exercise.id}  ", style="bold")
    t.append(r.status, style=STYLE.get(r.status, ""))
    if ran:
        t.append(f"   {r.passed_checks}/{len(ran)} checks")
    t.append(f"   {r.points}/{r.max_points} points")
    return t


def exercise_panel(r, every: bool = False, hint: str | None = None, next_step: str = "",
                   more_hints: str | None = None) -> Panel:
    """The failing exercise in detail, as exercise_detail, ending with the next step of the verb that shows it."""
    parts: list = []
    if r.status == "rule broken":
        for line, msg in r.violations:
            parts.append(Text(f"{r.file}:{line}: {msg}" if line else msg, style="magenta"))
    if r.detail:
        parts.append(Text(r.detail, style="yellow"))
    bad = [c for c in r.checks if c.status in ("fail", "error", "timeout")]
    for c in (bad if every else bad[:1]):
        parts.append(check_detail(c, r.file))
    if r.mistake is not None:
        parts.append(Text.assemble(("Known mistake: ", "bold red"), r.mistake.why))
    if r.exercise.needs and r.mistake is None and bad:
        files = ", ".join(f"{n}.py" for n in r.exercise.needs)
        parts.append(Text(f"This exercise also runs your {files}: a bug there can show up here.", style="dim"))
    first_hint = hint or (r.exercise.hints[0] if r.exercise.hints else None)
    if first_hint:
        parts.append(Text.assemble(("Hint: ", "bold cyan"), first_hint,
                                   (f"   ({more_hints or 'more: grade hint ' + r.exercise.id})", "dim")))
    if next_step:
        parts.append(Text(next_step, style="bold"))
    if len(bad) > 1 and not every:
        parts.append(Text(f"{len(bad) - 1} more failing check(s): grade {r.exercise.id}", style="dim"))
    return Panel(Group(*parts), title=f"{r.exercise.id}: {escape(r.exercise.title)}", title_align="left",
                 border_style=STYLE.get(r.status, ""))


def render_notebook_written(console: Console, path: str, s) -> None:
    console.print(f"Wrote {path}: {len(s.exercises)} exercise cells of {s.name}, each followed by its check cell.")
    console.print(f"Open it in Jupyter (`jupyter lab {path}`), fill in a cell, run it, then run the check under it.")
    console.print(f"`grade {s.name} --notebook {path}` grades the saved notebook from a terminal.")


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
            parts.append(exercise_panel(r, every=True, next_step=again))
        elif r.status == "not started":
            t = Text("  Replace each `raise NotImplementedError` in the cell with your code, run it, then check again.")
            if r.exercise.hints:
                t.append(f"\n  hint: {r.exercise.hints[0]}", style="cyan")
            parts.append(t)
        elif r.status == "skipped":
            reason = next((c.reason for c in r.checks if c.reason), "")
            parts.append(Text(f"  skipped: {reason}", style="yellow"))
    if warning:
        parts.append(Text(warning, style="yellow"))
    console.print(Group(*parts))


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
        t = Table(expand=False)
        for col, just in (("exercise", "left"), ("status", "left"), ("checks", "right"), ("points", "right")):
            t.add_column(col, justify=just)
        for e in s.exercises:
            r = v.results.get(e.name)
            if r is None:
                t.add_row(e.id, Text("not graded", style="dim"), "-", f"-/{e.points}")
                continue
            ran = [c for c in r.checks if c.status != "skipped"]
            t.add_row(e.id, Text(r.status, style=STYLE.get(r.status, "")), f"{r.passed_checks}/{len(ran)}" if ran else "-",
                      f"{r.points}/{r.max_points}")
        parts.append(t)
    r = v.results.get(cur.name)
    if v.grading:
        parts.append(Text(f"grading {v.grading} ...", style="cyan"))
    elif r is None:
        parts.append(Text("not graded yet: save the file (or press r)", style="dim"))
    else:
        parts.append(verdict_line(r))
        if r.status in FIRST_FAILING:
            parts.append(exercise_panel(r, hint=v.hint, next_step=f"Save {r.file} to re-grade.",
                                        more_hints="more: press h"))
        elif r.status == "not started":
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
    parts.append(foot)
    return Group(*parts)


def render_notebook_set(console: Console, result, again: str, focus: bool = False) -> None:
    """`grade SET --notebook PATH`: the table, then the first failing exercise, naming cells, not files."""
    console.print(exercise_table(result))
    pts, total = result.points, result.set.points
    console.print(Text(f"progress  [{_bar(pts, total)}] {pts}/{total} points   ({result.seconds:.2f} s)"))
    bad = [r for r in result.exercises if r.status in FIRST_FAILING]
    for r in (bad if focus else bad[:1]):
        console.print(exercise_panel(r, every=focus, next_step=f"Fix {r.file}, save the notebook, then run `{again}` again."))
    if not bad:
        nxt = next((r for r in result.exercises if r.status == "not started"), None)
        if nxt is not None:
            t = Text.assemble(("Next: ", "bold"), f"{nxt.exercise.title}\n",
                              f"  fill in {nxt.file}, save the notebook, then run `{again}` again.")
            if nxt.exercise.hints:
                t.append(f"\n  hint: {nxt.exercise.hints[0]}", style="cyan")
            console.print(t)
        elif result.all_passed:
            console.print(Text(f"All of {result.set.name} passes. Well done.", style="bold green"))


def render_watch_starting(console: Console, s, mode: str) -> None:
    console.print(Text(f"grade watch {s.name}: starting the worker and grading every exercise once "
                       f"(saves seen by {mode}) ...", style="dim"))


def render_watch_done(console: Console, s, results: list) -> None:
    """After `grade watch`: where each exercise stands (progress is saved as it goes)."""
    console.print(Text(f"grade watch {s.name}: stopped. Progress is saved.", style="bold"))
    for r in results:
        console.print(verdict_line(r))
