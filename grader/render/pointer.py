"""The "Where it goes wrong" block: the student's line whose values leave the reference's path."""
from __future__ import annotations

import re

from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

_FAMILY = {"f": "float", "i": "int", "b": "bool", "num": "", "str": "text", "strs": "texts", "dict": "dict"}


def _num(x) -> str:
    return f"{x:.4g}" if isinstance(x, float) else str(x)


def describe(v: dict | None) -> str:
    """A tracer summary in a few words: shape and the first values, or statistics beyond the cap.
    (It came from a job: every text in it is shown without terminal control characters.)"""
    return _CONTROL.sub("?", _describe(v))[:300]


def _describe(v: dict | None) -> str:
    if not v:
        return "?"
    if v.get("k") == "call":
        args = ", ".join(_describe(p) for p in v.get("p", [])[:4])
        return f"a call to {v.get('f', '?')}({args})"
    if v.get("k") == "if" and v.get("v"):
        return "the condition is " + ("true" if v["v"][0] else "false")
    head = ".grad = " if v.get("k") == "grad" else ""
    if "r" in v:
        return head + (repr(v["r"][:60]) if v["d"] == "str" else f"{_FAMILY.get(v['d'], v['d'])} of {v['s'][0]}: "
                       f"{v['r'][:60]!r}")
    shape = v.get("s") or []
    kind = _FAMILY.get(v["d"], v["d"])
    if v["d"] == "obj":
        return "an object"
    if v["d"] == "none":
        return head + "None"
    if not shape and "v" in v and v["v"]:
        return head + _num(v["v"][0])
    size = f"shape ({', '.join(map(str, shape))}{',' if len(shape) == 1 else ''}) {kind}".rstrip()
    if "v" in v:
        vals = ", ".join(_num(x) for x in v["v"][:6]) + (", ..." if len(v["v"]) > 6 else "")
        return f"{head}{size} [{vals}]"
    st = v.get("st") or []
    if len(st) == 4:
        return f"{head}{size}, mean {_num(st[0])}, std {_num(st[1])}, min {_num(st[2])}, max {_num(st[3])}"
    return head + size


def pointer_block(p) -> Text:
    """Where it goes wrong: file:line, the line, what it gives, and the reference's value at that point."""
    t = Text("  Where it goes wrong: ", style="bold red")
    t.append(f"{_CONTROL.sub('?', p.file)}:{p.line}", style="bold")
    if p.text:
        t.append(f"\n      {_CONTROL.sub('?', p.text)}", style="cyan")
    t.append("\n    gives  ")
    t.append(describe(p.got))
    if p.expected is not None:
        t.append("\n    the reference at this point: ", style="dim")
        t.append(describe(p.expected))
    return t


def as_json(p) -> dict | None:
    if p is None:
        return None
    return {"file": p.file, "line": p.line, "text": p.text, "gives": describe(p.got),
            "reference": describe(p.expected) if p.expected is not None else None}
