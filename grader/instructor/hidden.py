"""Hidden checks (`@check(..., hidden=True)`) are left out of the student bundle: its checks, its
fixtures, and its set.toml's points (an exercise's points there are those its visible checks can
earn). They stay in the course, the batch and the Gradescope zip.

Found on the checks' AST: a function decorated with `check(...)` (or `x.check(...)`) whose
`hidden=` keyword is literally True. Any other `hidden=` value is refused with file and line: what
ships must be decidable without running the checks.
"""
from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from grader.course.manifest import ContentError


@dataclass
class Hidden:
    names: set[str] = field(default_factory=set)                 # check function names
    descriptions: list[str] = field(default_factory=list)
    points: dict[str, int] = field(default_factory=dict)         # exercise -> hidden points


def _keyword(call: ast.Call, name: str):
    return next((k.value for k in call.keywords if k.arg == name), None)


def strip_checks(path: Path, found: Hidden) -> str:
    """The checks file without its hidden checks (the text unchanged when it has none)."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    cut: list[tuple[int, int]] = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for dec in node.decorator_list:
            if not (isinstance(dec, ast.Call) and getattr(dec.func, "id", getattr(dec.func, "attr", "")) == "check"):
                continue
            flag = _keyword(dec, "hidden")
            if flag is None:
                continue
            if not isinstance(flag, ast.Constant) or not isinstance(flag.value, bool):
                raise ContentError(path, "hidden= must be literally True or False", dec.lineno)
            if flag.value:
                cut.append((min(d.lineno for d in node.decorator_list), node.end_lineno))
                found.names.add(node.name)
                ex, desc = (dec.args + [None, None])[:2]
                points = _keyword(dec, "points")
                pts = points.value if isinstance(points, ast.Constant) and isinstance(points.value, int) else 1
                if isinstance(ex, ast.Constant):
                    found.points[str(ex.value)] = found.points.get(str(ex.value), 0) + pts
                if isinstance(desc, ast.Constant):
                    found.descriptions.append(str(desc.value))
    lines = text.splitlines(keepends=True)
    for start, end in sorted(cut, reverse=True):
        del lines[start - 1:end]
    return "".join(lines)


def strip_fixture(path: Path, names: set[str]) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    for n in names:
        doc.get("reference", {}).pop(n, None)
        for m in doc.get("mistakes", []):
            m.get("runs", {}).pop(n, None)
    path.write_text(json.dumps(doc, indent=1, sort_keys=True), encoding="utf-8")


def strip_points(toml_text: str, hidden_points: dict[str, int], totals: dict[str, int]) -> str:
    """set.toml with each exercise's points lowered by its hidden checks' points."""
    blocks = re.split(r"(?m)^(?=\[\[exercises\]\])", toml_text)
    out = []
    for b in blocks:
        name = re.search(r'(?m)^name\s*=\s*"([^"]+)"', b) if b.startswith("[[exercises]]") else None
        if name and hidden_points.get(name.group(1)):
            left = totals[name.group(1)] - hidden_points[name.group(1)]
            if left <= 0:
                raise ContentError(Path("set.toml"), f"{name.group(1)}: every check is hidden; students need one to work with")
            b = re.sub(r"(?m)^points\s*=\s*\d+", f"points = {left}", b, count=1)
        out.append(b)
    return "".join(out)


def hide(s, dest: Path, fixtures_dir: Path) -> Hidden:
    """Strip the hidden checks from a copied set (`dest`: exercises/<set> of the bundle)."""
    found = Hidden()
    for src in map(Path, s.check_files()):
        copy = dest / src.relative_to(s.dir)
        copy.write_text(strip_checks(src, found), encoding="utf-8")
    if not found.names:
        return found
    for f in fixtures_dir.glob("*.json"):
        strip_fixture(f, found.names)
    manifest = dest / "set.toml"
    manifest.write_text(strip_points(manifest.read_text(encoding="utf-8"), found.points,
                                     {ex.name: ex.points for ex in s.exercises}), encoding="utf-8")
    readme = dest / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8")
        for d in found.descriptions + sorted(found.names):
            if d in text:
                raise ContentError(s.dir / "README.md", f"the README names a hidden check ({d!r}): "
                                   "hidden checks must stay out of what students get", text[:text.index(d)].count("\n") + 1)
    return found
