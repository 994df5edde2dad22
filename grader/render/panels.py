"""Building blocks every screen shares: the exercise table, one-line verdicts, the failing-exercise panel."""
from __future__ import annotations

from rich.console import Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from grader.grading.keys import is_gradient
from grader.grading.status import Status, Verdict
from grader.render.console import MARK, STYLE, indent, shorten_paths
from grader.render.pointer import pointer_block


def set_title(s) -> str:
    """"micrograd: <title>", unless the title already starts with the set's name."""
    return s.title if s.title.lower().startswith(s.name.lower()) else f"{s.name}: {s.title}"


def exercise_table(result) -> Table:
    title = set_title(result.set)
    t = Table(title=Text(title), title_justify="left", expand=False, min_width=min(len(title) + 2, 100))
    for col, just in (("exercise", "left"), ("status", "left"), ("checks", "right"), ("points", "right")):
        t.add_column(col, justify=just)
    for r in result.exercises:
        ran = [c for c in r.checks if c.status != Verdict.SKIPPED]
        checks = f"{r.passed_checks}/{len(ran)}" if ran else "-"
        t.add_row(r.exercise.id, Text(r.status, style=STYLE.get(r.status, "")), checks, f"{r.points}/{r.max_points}")
    return t


def check_detail(c, name_mistake: bool = False) -> Group:
    """One check in detail; `name_mistake`: say which known mistake it matches (when several are named)."""
    head = Text.assemble((f"check {c.name}", "bold"), f": {c.description}  ", (MARK[c.status], "red"))
    lines: list = [head]
    if c.status == Verdict.FAIL and c.comparison:
        shown = ordered(c.comparison.mismatches)
        counts: dict[str, int] = {}
        for m in shown[:SHOWN]:
            for note in m.notes:
                counts[note] = counts.get(note, 0) + 1
        said: set[str] = set()
        for m in shown[:SHOWN]:
            lines.append(mismatch(m, counts, said))
        if len(shown) > SHOWN:
            more = ", ".join(m.path for m in shown[SHOWN:SHOWN + 6]) + (", ..." if len(shown) > SHOWN + 6 else "")
            lines.append(Text(f"  and {len(shown) - SHOWN} more wrong: {more}", style="dim"))
        if name_mistake and getattr(c, "mistake", None) is not None:
            lines.append(Text.assemble(("  matches the known mistake: ", "bold red"), c.mistake.why))
        if getattr(c, "pointer", None) is not None:
            lines.append(pointer_block(c.pointer))
    elif c.status == Verdict.TIMEOUT:
        lines.append(Text(f"  {c.error.get('message', '')}: an infinite loop, or far too slow?", style="yellow"))
    elif c.error and c.error.get("type") == "MemoryError":
        lines.append(Text("  MemoryError: the code used more memory than the grader allows (2 GiB): "
                          "a tensor far too large, or a list that grows forever?", style="red"))
    elif c.error and c.error.get("in_check") is not None and not c.error.get("where"):
        lines.append(Text(f"  the check could not use what your code returned: {c.error.get('type')}: "
                          f"{c.error.get('message')}\n    (at `{c.error['in_check']}` in the check: is the return "
                          "value of the right type, e.g. a tensor and not a float or a list?)", style="red"))
    elif c.error:
        tb = c.error.get("traceback") or f"{c.error.get('type')}: {c.error.get('message')}"
        lines.append(Text(indent(shorten_paths(tb)), style="red"))
    if c.output.strip():
        out = c.output.strip().splitlines()
        lines.append(Text("  your code printed:\n" + indent("\n".join(out[:12]) + ("\n..." if len(out) > 12 else ""), 4),
                          style="dim"))
    return Group(*lines)


SHOWN = 4   # mismatches shown in full per check; the rest are named


def ordered(mismatches: list) -> list:
    """Outputs and losses before parameters and gradients; otherwise in the order the check computed them."""
    return sorted(mismatches, key=lambda m: is_gradient(m.path))


def mismatch(m, counts: dict[str, int] | None = None, said: set[str] | None = None) -> Text:
    """One wrong key. Across a check, a note is said once, with how often it applies (`counts`, `said`)."""
    t = Text(f"  {m.path}: ", style="bold")
    t.append("wrong", style="red")
    if m.maxdiff is not None and m.maxdiff != float("inf"):
        t.append(f"   maxdiff {m.maxdiff:.3g}")
    if m.expected == m.got:   # same shape and dtype: only the values differ
        t.append(f"\n    {m.expected}, as expected, but the values differ")
    else:
        t.append(f"\n    expected {m.expected}, got {m.got}")
    if m.worst:
        t.append(f"\n    {m.worst}")
    for note in m.notes:
        if said is not None and note in said:
            continue
        n = (counts or {}).get(note, 1)
        t.append(f"\n    - {note}" + (f" ({n} ×)" if n > 1 else ""), style="yellow")
        if said is not None:
            said.add(note)
    if m.grid:
        t.append("\n    wrong elements (x):\n" + indent("\n".join(m.grid), 6), style="dim")
    return t


def milestone_reward(c) -> Text:
    """A passed milestone, with what the student's own model produced: its numbers and its samples."""
    t = Text.assemble(("milestone passed: ", "bold green"), c.description)
    for k, v in c.produced.items():
        shown = f"{v:.4g}" if type(v) is float else str(v)
        t.append(f"\n  {k}: " + ("\n    " + shown.replace("\n", "\n    ") if "\n" in shown else shown), style="green")
    return t


def warning_lines(r) -> list[Text]:
    return [Text(f"warning: {r.file}:{line}: {msg}", style="yellow") for line, msg in r.warnings]


def not_written(r) -> Text:
    """What still raises NotImplementedError, by name: the checks that need it count as not passed."""
    todo = sum(c.status == Verdict.TODO for c in r.checks)
    names = ", ".join(f"`{n}`" for n in r.unwritten[:12]) + (", ..." if len(r.unwritten) > 12 else "")
    return Text(f"not written yet: {names} ({todo} check(s) wait for them)", style="yellow")


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
    parts += warning_lines(r)
    bad = [c for c in r.checks if c.status in (Verdict.FAIL, Verdict.ERROR, Verdict.TIMEOUT)]
    if r.unwritten and any(c.status == Verdict.TODO for c in r.checks):
        parts.append(not_written(r))
    for c in (bad if every else bad[:1]):
        parts.append(check_detail(c, name_mistake=len(r.mistakes) > 1))
    for mistake in getattr(r, "mistakes", None) or ([r.mistake] if r.mistake else []):
        parts.append(Text.assemble(("Known mistake: ", "bold red"), mistake.why))
    if r.exercise.needs and r.mistake is None and bad:
        failing = getattr(r, "needs_failing", None)
        if failing:
            parts.append(Text(f"This exercise runs your {', '.join(failing)}, which fails its own checks: fix "
                              f"{'it' if len(failing) == 1 else 'those'} first; the failures here may come from there.",
                              style="yellow"))
        else:
            files = ", ".join(f"{n}.py" for n in r.exercise.needs)
            parts.append(Text(f"This exercise also runs your {files}: a bug there can show up here.", style="dim"))
    first_hint = hint or r.exercise.hint_for([c.name for c in bad])
    if first_hint:
        more = "" if len(r.exercise.hints) < 2 or more_hints == "" else \
            f"   ({more_hints or 'more: grade hint ' + r.exercise.id})"
        parts.append(Text.assemble(("Hint: ", "bold cyan"), first_hint, (more, "dim")))
    if next_step:
        parts.append(Text(next_step, style="bold"))
    if len(bad) > 1 and not every:
        parts.append(Text(f"{len(bad) - 1} more failing check(s): grade {r.exercise.id}", style="dim"))
    return Panel(Group(*parts), title=f"{r.exercise.id}: {escape(r.exercise.title)}", title_align="left",
                 border_style=STYLE.get(r.status, ""))
