"""Rules a set can impose on student code, checked by reading its AST (the code never runs).

forbid_imports: module names ("torch" also forbids "torch.nn").
forbid_calls:   dotted names; ".backward" forbids any `x.backward(...)`, "torch.autograd" any use
                of that attribute chain, "F.cross_entropy" a call ending in those names.
"""
from __future__ import annotations

import ast

from grader.course.manifest import Rules


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif parts:
        parts.append("?")  # a call or subscript at the root: x().backward
    else:
        return None
    return ".".join(reversed(parts))


def _forbidden_module(name: str, banned: tuple[str, ...]) -> str | None:
    return next((b for b in banned if name == b or name.startswith(b + ".")), None)


def _matches_call(dotted: str, pattern: str) -> bool:
    if pattern.startswith("."):
        return dotted.endswith(pattern) or dotted == pattern[1:]
    return dotted == pattern or dotted.endswith("." + pattern) or dotted.startswith(pattern + ".")


def violations(source: str, rules: Rules) -> list[tuple[int, str]]:
    """[(line, message)] for every broken rule; a syntax error is not a rule (the worker reports it)."""
    if not rules.forbid_imports and not rules.forbid_calls:
        return []
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    except (RecursionError, MemoryError):  # the job's compiler may still manage: what cannot be read is refused
        return [(1, "the file is nested too deeply for the rules to be checked (split the long expression)")]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Call) and isinstance(node.args[0] if node.args else None, ast.Constant) \
                and type(node.args[0].value) is str \
                and (_dotted(node.func) or "").split(".")[-1] in ("__import__", "import_module"):
            names = [node.args[0].value]  # only a string names a module (str() of a 5,000-digit int raises)
        for n in names:
            if (b := _forbidden_module(n, rules.forbid_imports)):
                found.append((node.lineno, f"imports {n}: this set is built without {b}"))
        imported = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [f"{node.module}.{a.name}" for a in node.names] if isinstance(node, ast.ImportFrom) and node.module else []
        for n in imported:  # `from torch import autograd` reaches what "torch.autograd" forbids
            for pattern in rules.forbid_calls:
                if not pattern.startswith(".") and _matches_call(n, pattern):
                    found.append((node.lineno, f"imports {n}: {pattern} is not allowed in this set"))
        if isinstance(node, (ast.Attribute, ast.Call)):
            dotted = _dotted(node.func if isinstance(node, ast.Call) else node)
            for pattern in rules.forbid_calls if dotted else ():
                is_call = isinstance(node, ast.Call)
                if (is_call or not pattern.startswith(".")) and _matches_call(dotted, pattern):
                    found.append((node.lineno, f"uses {dotted}: {pattern.lstrip('.')} is not allowed in this set"))
    first: dict[int, str] = {}
    for line, msg in sorted(set(found)):
        first.setdefault(line, msg)  # one message a line: `torch.autograd.grad(...)` is one offence
    return sorted(first.items())
