"""What the tracer reads of the module's own file (sandbox/tracer.py), once per traced check: its
constants (set at import, so seen nowhere else), its branches (which way a condition went is a value of
its line) and the lines that write `name.data` (torch's version counter does not see them)."""
from __future__ import annotations

import ast

from grader.sandbox.trace_values import _data, _len, _num, _tensor, _type, _getattr, _id, summarize

_open = open   # before any student code


def _seen_whole(snap: dict, name) -> bool:
    """A for over this name goes through something the trace sees whole (text, numbers, Values, a tensor)."""
    if name is None:
        return True
    x = snap.get(name, (None, None, None))[2]
    if _type(x) is str or _tensor(x):
        return True
    return _type(x) in (list, tuple) and _len(x) > 0 and (_num(x[0]) or _type(x[0]) is str or _num(_data(x[0])))


def _constants(module) -> tuple[dict, dict, dict, dict]:
    """From the module's file: its constants, name -> the line of its last top-level assignment, and id -> name
    for those a function may be handed as they are (a default argument: a text, a list, a tensor); and its
    branches, the line of each if/while/for (on one line) -> the first line of its body; and the lines that
    write `name.data` (in place on a tensor: torch's version counter does not see it) -> name."""
    if module is None or _type(_getattr(module, "__file__", None)) is not str:
        return {}, {}, {}, {}
    with _open(module.__file__, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    branches, data_writes = {}, {}
    for node in ast.walk(tree):
        targets = node.targets if _type(node) is ast.Assign else [node.target] if _type(node) is ast.AugAssign else []
        for t in targets:
            if _type(t) is ast.Attribute and t.attr == "data" and _type(t.value) is ast.Name and \
                    node.lineno == node.end_lineno:
                data_writes[node.lineno] = t.value.id
        # (a for over an attribute: how long it runs was decided where that was made, maybe where the trace did
        # not look; over a name: when the trace sees what it names)
        head = node.test if _type(node) in (ast.If, ast.While) else node.iter if _type(node) is ast.For and \
            _type(node.iter) is not ast.Attribute else None
        if head is not None and head.end_lineno == node.lineno and node.body[0].lineno > node.lineno:
            branches[node.lineno] = (node.body[0].lineno, head.id if _type(node) is ast.For and _type(head) is ast.Name else None)
    lines = {}
    for node in tree.body:
        targets = node.targets if _type(node) is ast.Assign else \
            [node.target] if _type(node) in (ast.AnnAssign, ast.AugAssign) else []
        for n in (n for t in targets for n in ast.walk(t)):
            if _type(n) is ast.Name:
                lines[n.id] = node.lineno
    g = module.__dict__
    consts = {n: ln for n, ln in lines.items() if n in g and (_num(g[n]) or summarize(g[n]) is not None)}
    ids = {_id(g[n]): n for n in consts if not _num(g[n]) and not (_type(g[n]) is str and _len(g[n]) < 2)}
    return consts, ids, branches, data_writes
