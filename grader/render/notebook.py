"""Notebook screens: what `check()` shows in Jupyter, and `grade SET --notebook PATH` in a terminal."""
from __future__ import annotations

import html
import io

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.style import Style
from rich.terminal_theme import DEFAULT_TERMINAL_THEME
from rich.text import Text

from grader.grading.status import Status
from grader.render.console import FIRST_FAILING, NOTEBOOK_WIDTH, bar
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
    show(console, Group(*parts))


def show(console: Console, renderable) -> None:
    """In Jupyter: one output with text/html that wraps to the notebook's width, and text/plain laid
    out at NOTEBOOK_WIDTH for whatever shows no HTML. Elsewhere: printed as every screen is."""
    if not console.is_jupyter:
        console.print(renderable)
        return
    try:
        from IPython.display import display
    except ImportError:
        console.print(renderable)
        return
    display({"text/plain": plain_text(renderable), "text/html": notebook_html(renderable)}, raw=True)


def plain_text(renderable) -> str:
    out = Console(file=io.StringIO(), width=NOTEBOOK_WIDTH, color_system=None, highlight=False, emoji=False,
                  force_terminal=False, force_jupyter=False)
    out.print(renderable)
    return out.file.getvalue()


# No width anywhere: text flows (pre-wrap) and long words break, so the panel fits any pane.
_FLOW = "white-space:pre-wrap;overflow-wrap:anywhere;margin:0"
_MONO = "font-family:Menlo,'DejaVu Sans Mono',consolas,'Courier New',monospace;line-height:1.35"


def notebook_html(renderable) -> str:
    """The renderable as HTML: a panel is a box drawn by CSS, text is escaped spans that wrap."""
    return f'<div class="z2h-check" style="{_MONO};max-width:100%">{_html(renderable)}</div>'


def _html(r) -> str:
    if isinstance(r, Group):
        return "".join(_html(x) for x in r.renderables)
    if isinstance(r, Panel):
        title = r.title if isinstance(r.title, Text) else Text.from_markup(r.title or "")
        color = _css_color(r.border_style)
        return (f'<div style="border:1px solid {color};border-radius:4px;padding:0.2em 0.7em;margin:0.3em 0">'
                f'<div style="font-weight:bold;color:{color}">{html.escape(title.plain)}</div>'
                f'{_html(r.renderable)}</div>')
    return f'<pre style="{_FLOW};{_MONO}">{_spans(r)}</pre>'


def _spans(r) -> str:
    """Text (or anything rich draws) as escaped spans styled from the grader's own styles; no links."""
    wide = Console(file=io.StringIO(), width=NOTEBOOK_WIDTH if not isinstance(r, Text) else 10_000,
                   soft_wrap=isinstance(r, Text), color_system="truecolor", highlight=False, emoji=False,
                   force_terminal=True)
    out = []
    for seg in wide.render(r):
        if seg.control:
            continue
        text = html.escape(seg.text)
        css = seg.style.get_html_style(DEFAULT_TERMINAL_THEME) if seg.style else ""
        out.append(f'<span style="{html.escape(css)}">{text}</span>' if css else text)
    return "".join(out).rstrip("\n")


def _css_color(style) -> str:
    try:
        color = Style.parse(style).color if isinstance(style, str) else getattr(style, "color", None)
        return color.get_truecolor(DEFAULT_TERMINAL_THEME).hex if color else "#888888"
    except Exception:  # a style rich cannot read draws the box grey, never fails the panel
        return "#888888"


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
