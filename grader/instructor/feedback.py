"""A feedback file per student, Markdown and HTML: the words `grade SET` would show them locally
(the table, then every exercise that needs work in full), with hidden checks shown only as passed
or failed (their inputs, numbers and printed output are the instructor's)."""
from __future__ import annotations

import copy
import html
from io import StringIO

from rich.console import Console
from rich.text import Text

from grader.grading.status import Status
from grader.render import screens
from grader.render.panels import exercise_panel


def masked(result):
    """A copy in which each hidden check says only its verdict."""
    res = copy.copy(result)
    res.exercises = []
    for r in result.exercises:
        r2 = copy.copy(r)
        r2.checks = []
        for c in r.checks:
            c2 = copy.copy(c)
            if c.hidden:
                c2.description, c2.comparison, c2.error, c2.output = "a hidden check", None, None, ""
                c2.name = "hidden"
            r2.checks.append(c2)
        res.exercises.append(r2)
    return res


def _console(buf) -> Console:
    return Console(file=buf, width=100, record=True, no_color=False, force_terminal=False, highlight=False,
                   emoji=False, soft_wrap=False)


def render(row: dict) -> tuple[str, str]:
    """(markdown, html) for one row of a batch."""
    buf = StringIO()
    con = _console(buf)
    res = row.get("result")
    title = f"Feedback: {row['submission']}" + (f" ({row['name']})" if row.get("name") else "")
    if res is None:
        con.print(Text(f"Your submission could not be graded: {row['error']}"))
    else:
        res = masked(res)
        screens.render_set(con, res, focus=True)
        first = _first_bad(res)
        for r in res.exercises:
            if r.status not in (Status.PASSED, Status.NOT_STARTED, Status.SKIPPED) and r is not first:
                con.print(exercise_panel(r, every=True))
    text = con.export_text(clear=False)
    page = con.export_html(inline_styles=True)
    md = f"# {title}\n\n```text\n{text.replace('```', '` ` `')}\n```\n"
    at = page.find(">", page.find("<body")) + 1
    return md, page[:at] + f"<h1>{html.escape(title)}</h1>" + page[at:]


def _first_bad(res):
    from grader.render.console import FIRST_FAILING
    return next((r for r in res.exercises if r.status in FIRST_FAILING), None)


def write(out, row: dict) -> None:
    folder = out / "feedback"
    folder.mkdir(exist_ok=True)
    md, page = render(row)
    (folder / f"{row['submission']}.md").write_text(md, encoding="utf-8")
    (folder / f"{row['submission']}.html").write_text(page, encoding="utf-8")
