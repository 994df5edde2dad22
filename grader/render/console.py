"""The console, shared by every screen: plain text outside a terminal (or with NO_COLOR), a live
progress bar only on a real terminal, and small text helpers."""
from __future__ import annotations

import contextlib
import json
import os
import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from grader.grading.status import NEEDS_WORK, Status, Verdict


STYLE = {Status.PASSED: "green", Status.FAILING: "red", Status.NOT_STARTED: "dim", Status.ERROR: "red",
         Status.TIMED_OUT: "yellow", Status.RULE_BROKEN: "magenta", Status.SKIPPED: "yellow",
         Status.BLOCKED: "yellow"}


MARK = {Verdict.PASS: "ok", Verdict.FAIL: "wrong", Verdict.TODO: "todo", Verdict.ERROR: "error",
        Verdict.TIMEOUT: "timeout", Verdict.SKIPPED: "skipped"}


FIRST_FAILING = NEEDS_WORK    # the exercises shown in detail first


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


def bar(done: int, total: int, width: int = 20) -> str:
    n = round(width * done / total) if total else 0
    return "#" * n + "-" * (width - n)


def indent(s: str, n: int = 2) -> str:
    return "\n".join(" " * n + line for line in s.splitlines())


def shorten_paths(s: str) -> str:
    cwd = os.getcwd() + os.sep
    return s.replace(cwd, "")


def clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 3].rstrip() + "..."


def print_json(doc: dict) -> None:
    """A machine document on stdout, as is (no console markup, no wrapping): docs/JSON.md."""
    print(json.dumps(doc, indent=1))


def render_error(console: Console, message: str, fmt: str = "text") -> None:
    """An error, in the format asked for: a machine format gets its own format, never loose text."""
    if fmt == "json":
        print_json({"schema": "z2h-error/1", "error": message})
    elif fmt == "gradescope":
        print(json.dumps({"score": 0, "output": f"The submission could not be graded: {message}", "tests": []},
                         indent=1))
    else:
        console.print(Text(f"error: {message}", style="bold red"))


NOTEBOOK_WIDTH = 76   # columns: fits JupyterLab with the file browser open, and Colab's default pane


def notebook_console() -> Console:
    """In Jupyter: rich's HTML output, in colour. Anywhere else: the ordinary console."""
    try:
        from IPython import get_ipython
        jupyter = type(get_ipython()).__name__ == "ZMQInteractiveShell"
    except ImportError:
        jupyter = False
    if jupyter:
        return Console(force_jupyter=True, width=NOTEBOOK_WIDTH, highlight=False, emoji=False, soft_wrap=False)
    return make_console()
