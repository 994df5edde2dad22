"""Building blocks every screen shares: the exercise table, one-line verdicts, the failing-exercise panel."""
from __future__ import annotations

from rich.console import Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from grader.grading.status import Status, Verdict
from grader.render.console import MARK, STYLE, indent, shorten_paths


def exercise_table(result) -> Table:
    title = f"{result.set.name}: {result.set.title}"
    t = Table(title=Text(title), title_justify="left", expand=False, min_width=min(len(title) + 2, 100))
    for col, just in (("exercise", "left"), ("status", "left"), ("checks", "right"), ("points", "right")):
        t.add_column(col, justify=just)
    for r in result.exercises:
        ran = [c for c in r.checks if c.status != Verdict.SKIPPED]
        checks = f"{r.passed_checks}/{len(ran)}" if ran else "-"
        t.add_row(r.exercise.id, Text(r.status, style=STYLE.get(r.status, "")), checks, f"{r.points}/{r.max_points}")
    return t


def check_detail(c) -> Group:
    head = Text.assemble((f"check {c.name}", "bold"), f": {c.description}  ", (MARK[c.status], "red"))
    lines: list = [head]
    if c.status == Verdict.FAIL and c.comparison:
        for m in c.comparison.mismatches[:4]:
            lines.append(mismatch(m))
    elif c.status == Verdict.TIMEOUT:
        lines.append(Text(f"  {c.error.get('message', '')}: an infinite loop, or far too slow?", style="yellow"))
    elif c.error and c.error.get("type") == "MemoryError":
        lines.append(Text("  MemoryError: the code used more memory than the grader allows (2 GiB): "
                          "a tensor far too large, or a list that grows forever?", style="red"))
    elif c.error:
        tb = c.error.get("traceback") or f"{c.error.get('type')}: {c.error.get('message')}"
        lines.append(Text(indent(shorten_paths(tb)), style="red"))
    if c.output.strip():
        out = c.output.strip().splitlines()
        lines.append(Text("  your code printed:\n" + indent("\n".join(out[:12]) + ("\n..." if len(out) > 12 else ""), 4),
                          style="dim"))
    return Group(*lines)


def mismatch(m) -> Text:
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
        t.append("\n    wrong elements (x):\n" + indent("\n".join(m.grid), 6), style="dim")
    return t


def verdict_line(r) -> Text:
    """One exercise in one line: id, status, checks, points."""
    ran = [c for c in r.checks if c.status != Verdict.SKIPPED]
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
    if r.status == Status.RULE_BROKEN:
        for line, msg in r.violations:
            parts.append(Text(f"{r.file}:{line}: {msg}" if line else msg, style="magenta"))
    if r.detail:
        parts.append(Text(r.detail, style="yellow"))
    bad = [c for c in r.checks if c.status in (Verdict.FAIL, Verdict.ERROR, Verdict.TIMEOUT)]
    for c in (bad if every else bad[:1]):
        parts.append(check_detail(c))
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
