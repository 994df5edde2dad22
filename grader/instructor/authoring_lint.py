"""Course mistakes `grade dev check` refuses, each with its file and line, read without running code:

- two checks with the same function name in a set (the registry keys checks by name: one is lost);
- rich markup in a title (the set's or an exercise's: `[/]` broke every screen before render escaped
  titles; `[b]` would still be shown otherwise than written anywhere a title is markup). Hints and
  descriptions are code-like text (`[self.b]`) and are always printed as plain text;
- a check whose reference result holds an object the wire cannot carry (a `Value` instead of its
  `.data`): it could only be compared by its type name, so any class of that name would pass.
"""
from __future__ import annotations

import ast
from pathlib import Path

from grader.sandbox.wire import Unsupported


def is_markup(text: str) -> bool:
    """True when rich would not print `text` as written."""
    from rich.errors import MarkupError
    from rich.markup import render
    try:
        return render(text).plain != text
    except (MarkupError, ValueError):
        return True


def check_defs(files: list[str]) -> list[tuple[str, int, str, str | None, str | None]]:
    """(file, line, function name, exercise, description) of every @check(...) function in the files."""
    out = []
    for f in files:
        try:
            tree = ast.parse(Path(f).read_text(encoding="utf-8"))
        except (OSError, SyntaxError, ValueError, RecursionError, UnicodeDecodeError):
            continue  # the worker reports checks that do not load
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for d in node.decorator_list:
                if isinstance(d, ast.Call) and _name(d.func) == "check":
                    args = [a.value if isinstance(a, ast.Constant) and type(a.value) is str else None
                            for a in d.args[:2]] + [None, None]
                    out.append((f, node.lineno, node.name, args[0], args[1]))
    return out


def _name(node: ast.AST) -> str | None:
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None


def duplicate_checks(defs) -> list[str]:
    first: dict[str, tuple[str, int]] = {}
    found = []
    for f, line, name, _, _ in defs:
        if name in first:
            pf, pl = first[name]
            found.append(f"{f}:{line}: a second check named {name!r} (the first is at {pf}:{pl}); "
                         "the registry keeps one check per name, so one of them is silently dropped: rename it")
        else:
            first[name] = (f, line)
    return found


def _line_of(path: Path, text: str) -> int:
    try:
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if text and text[:40] in line:
                return i
    except (OSError, UnicodeDecodeError):
        pass
    return 1


def markup_in_titles(s) -> list[str]:
    """Every title rich would not print as written, with where it is."""
    toml = s.dir / "set.toml"
    texts = [(toml, "the set's title", s.title)] + [(toml, f"{ex.id}'s title", ex.title) for ex in s.exercises]
    return [f"{p}:{_line_of(p, t)}: {what} {t!r} holds rich markup; write it without [brackets] like these"
            for p, what, t in texts if is_markup(t)]


def objects_returned(ref_result, defs) -> list[str]:
    """Checks whose reference result holds an object the grader cannot compare but by its type name."""
    where = {(ex, name): (f, line) for f, line, name, ex, _ in defs}
    found = []
    for r in ref_result.exercises:
        for name, run in (r.runs or {}).items():
            kinds = sorted({u.type for u in _unsupported(run.value)})
            if kinds:
                f, line = where.get((r.exercise.name, name), (str(ref_result.set.dir), 1))
                found.append(f"{f}:{line}: check {name!r} returns {', '.join(kinds)} from the reference: the grader "
                             "can compare such an object only by its type name, so any class of that name would pass. "
                             "Return plain data (.data, .item(), .tolist(), a tensor)")
    return found


def _unsupported(x, depth: int = 0):
    if depth > 40:
        return
    if type(x) is Unsupported:
        yield x
    elif type(x) in (list, tuple):
        for v in x:
            yield from _unsupported(v, depth + 1)
    elif type(x) is dict:
        for v in x.values():
            yield from _unsupported(v, depth + 1)
