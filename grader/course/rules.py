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
    """[(line, message)] for every broken rule; a syntax error is not a rule (the worker reports it).
    A forbidden import whose name is never used is only a warning (see `warnings`), not a violation."""
    return check(source, rules)[0]


def warnings(source: str, rules: Rules) -> list[tuple[int, str]]:
    """[(line, message)]: forbidden imports that bind a name the file never uses (harmless, but say so)."""
    return check(source, rules)[1]


_INDIRECT = {"globals", "vars", "locals", "eval", "exec", "getattr", "compile", "__import__", "__dict__",
             "modules", "__builtins__", "importlib"}   # ways to reach a name without writing it


def _used_names(nodes: list[ast.AST]) -> set[str] | None:
    """Every name the file reads; None when it reaches names indirectly (then no import is 'unused')."""
    names = {n.id for n in nodes if isinstance(n, ast.Name)}
    attrs = {n.attr for n in nodes if isinstance(n, ast.Attribute)}
    return None if (names | attrs) & _INDIRECT else names


def _unused(node: ast.AST, used: set[str] | None) -> bool:
    """An `import x` / `from x import y` whose every bound name is never read."""
    if used is None or not isinstance(node, (ast.Import, ast.ImportFrom)) or any(a.name == "*" for a in node.names):
        return False
    bound = [a.asname or (a.name.split(".")[0] if isinstance(node, ast.Import) else a.name) for a in node.names]
    return not any(b in used for b in bound)


def check(source: str, rules: Rules) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(violations, warnings), each [(line, message)], one message a line."""
    if not rules.forbid_imports and not rules.forbid_calls:
        return [], []
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return [], []
    except (RecursionError, MemoryError):  # the job's compiler may still manage: what cannot be read is refused
        return [(1, "the file is nested too deeply for the rules to be checked (split the long expression)")], []
    nodes = list(ast.walk(tree))   # walked once: walking is most of the cost, and a batch pays it per file
    used = _used_names(nodes)
    found, idle = _scan(nodes, rules, used)
    return _one_a_line(found), _one_a_line(idle)


def _one_a_line(found: list[tuple[int, str]]) -> list[tuple[int, str]]:
    first: dict[int, str] = {}
    for line, msg in sorted(set(found)):
        first.setdefault(line, msg)  # one message a line: `torch.autograd.grad(...)` is one offence
    return sorted(first.items())


def _scan(nodes: list[ast.AST], rules: Rules, used: set[str] | None) -> tuple[list, list]:
    found: list[tuple[int, str]] = []
    idle: list[tuple[int, str]] = []
    for node in nodes:
        sink = idle if _unused(node, used) else found
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
                sink.append((node.lineno, f"imports {n}: this exercise is built without {b}" +
                             (" (never used: delete the line)" if sink is idle else "")))
        imported = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [f"{node.module}.{a.name}" for a in node.names] if isinstance(node, ast.ImportFrom) and node.module else []
        for n in imported:  # `from torch import autograd` reaches what "torch.autograd" forbids
            for pattern in rules.forbid_calls:
                if not pattern.startswith(".") and _matches_call(n, pattern):
                    sink.append((node.lineno, f"imports {n}: {pattern} is not allowed in this exercise"))
        if isinstance(node, (ast.Attribute, ast.Call)):
            dotted = _dotted(node.func if isinstance(node, ast.Call) else node)
            for pattern in rules.forbid_calls if dotted else ():
                is_call = isinstance(node, ast.Call)
                if (is_call or not pattern.startswith(".")) and _matches_call(dotted, pattern):
                    found.append((node.lineno, f"uses {dotted}: {pattern.lstrip('.')} is not allowed in this exercise"))
    return found, idle
