"""Stubs from references: every `# BEGIN SOLUTION` ... `# END SOLUTION` block becomes a TODO.

    # BEGIN SOLUTION: the local derivative of tanh      ->   # TODO: the local derivative of tanh
    self.grad += (1 - t**2) * out.grad                  ->   raise NotImplementedError("micrograd/value: ...")
    # END SOLUTION
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from grader.course.manifest import ContentError

BEGIN = re.compile(r"^(\s*)# BEGIN SOLUTION(?::\s*(.*?))?\s*$")
END = re.compile(r"^\s*# END SOLUTION\s*$")


class MarkerError(ValueError):
    def __init__(self, line: int, reason: str):
        self.line = line
        super().__init__(f"line {line}: {reason}")


@dataclass(frozen=True)
class Block:
    start: int          # 1-based line of the BEGIN marker
    end: int            # 1-based line of the END marker
    task: str           # "the local derivative of tanh"
    lines: tuple[str, ...]  # the solution text between the markers


def blocks(source: str) -> list[Block]:
    found, open_at, task, body = [], None, "", []
    for n, line in enumerate(source.splitlines(), 1):
        if (m := BEGIN.match(line)):
            if open_at is not None:
                raise MarkerError(n, f"BEGIN SOLUTION inside the block opened at line {open_at}")
            open_at, task, body = n, (m.group(2) or "fill in this block"), []
        elif END.match(line):
            if open_at is None:
                raise MarkerError(n, "END SOLUTION without a BEGIN SOLUTION")
            found.append(Block(open_at, n, task, tuple(body)))
            open_at = None
        elif open_at is not None:
            body.append(line)
    if open_at is not None:
        raise MarkerError(open_at, "BEGIN SOLUTION is never closed by END SOLUTION")
    return found


def make_stub(source: str, exercise_id: str) -> str:
    """The stub text for a reference: the same file with each solution block replaced."""
    out, inside = [], False
    for line in source.splitlines():
        if (m := BEGIN.match(line)):
            indent, task = m.group(1), (m.group(2) or "fill in this block")
            out.append(f"{indent}# TODO: {task}")
            out.append(f"{indent}raise NotImplementedError({f'{exercise_id}: {task}'!r})")
            inside = True
        elif END.match(line):
            inside = False
        elif not inside:
            out.append(line)
    blocks(source)  # raises MarkerError on unbalanced markers
    return "\n".join(out) + "\n"


def solution_lines(source: str) -> set[str]:
    """Every non-trivial line of every solution block: what a bundle must never contain."""
    return {ln.strip() for b in blocks(source) for ln in b.lines if len(ln.strip()) > 3 and not ln.strip().startswith("#")}


def pristine(s, ex) -> str:
    """The stub as shipped: generated from the reference, or the bundle's saved copy."""
    ref = s.reference_path(ex)
    if ref.is_file():
        return make_stub(ref.read_text(encoding="utf-8"), ex.id)
    saved = s.root / "data" / "stubs" / s.name / f"{ex.name}.py"
    if saved.is_file():
        return saved.read_text(encoding="utf-8")
    raise ContentError(saved, "no pristine copy of this stub to restore from")


def unwritten(source: str) -> list[str]:
    """The functions and methods of a student's file that still raise NotImplementedError, in file order
    (read from the AST: nothing runs). A module-level raise is named "the module"."""
    import ast
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    found: list[str] = []

    def raises(node) -> bool:
        return any(isinstance(n, ast.Raise) and n.exc is not None and "NotImplementedError" in ast.unparse(n.exc)[:40]
                   for n in ast.walk(node))

    def visit(body, prefix: str = "") -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                visit(node.body, f"{node.name}.")
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and raises(node):
                found.append(prefix + node.name)
            elif isinstance(node, ast.Raise) and raises(node) and not prefix:
                found.append("the module")
    visit(tree.body)
    return found
