"""`grade dev mutants [SET...]`: find weak checks by grading small mutants of each reference.

Inside every solution block of a reference, one small edit at a time: an operator or a comparison
swapped, a constant +1 or x2, `keepdim`/`dim` flipped, `reversed(...)` dropped, `+=` made `=`. Each
mutant is graded as a student submission (the reference's other files beside it). A mutant that
passes every check "survives": either the checks are too weak there, or the edit changes nothing
(then list it in `solutions/<set>/mutants.toml` as equivalent, with the reason). The score is
written to data/mutants/<set>.json, which `grade dev check` reads and prints.
"""
from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.course import stubs
from grader.course.manifest import ExerciseSet, _read_toml
from grader.grading import engine
from grader.grading.jobs import Options, start_worker
from grader.grading.oracle import Oracle
from grader.grading.status import Status

SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.Pow: ast.Mult,
        ast.FloorDiv: ast.Div, ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
        ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}
MAX_PER_EXERCISE = 60   # mutants graded per exercise (a deterministic sample beyond)


@dataclass(frozen=True)
class Mutant:
    exercise: str
    line: int
    what: str            # "line 12: `a + b` -> `a - b`"
    text: str            # the whole mutated reference


def _edits(node: ast.AST) -> list[ast.AST]:
    """The small variants of one node (each a new node), or none."""
    out = []
    if isinstance(node, ast.BinOp) and type(node.op) in SWAP:
        out.append(ast.BinOp(node.left, SWAP[type(node.op)](), node.right))
    elif isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in SWAP:
        out.append(ast.Compare(node.left, [SWAP[type(node.ops[0])]()], node.comparators))
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float) and not isinstance(node.value, bool):
        out += [ast.Constant(node.value + 1), ast.Constant(node.value * 2 if node.value else 1)]
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "reversed" \
            and len(node.args) == 1:
        out.append(node.args[0])
    elif isinstance(node, ast.Call):
        for i, kw in enumerate(node.keywords):
            if kw.arg == "keepdim" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, bool):
                flipped = ast.keyword("keepdim", ast.Constant(not kw.value.value))
                out.append(ast.Call(node.func, node.args, node.keywords[:i] + [flipped] + node.keywords[i + 1:]))
            if kw.arg == "dim" and isinstance(kw.value, ast.Constant) and type(kw.value.value) is int:
                other = ast.keyword("dim", ast.Constant(0 if kw.value.value else 1))
                out.append(ast.Call(node.func, node.args, node.keywords[:i] + [other] + node.keywords[i + 1:]))
    return out


def _statement_edits(node: ast.AST, lines: list[str]) -> list[tuple[str, str]]:
    """`x += y` -> `x = y`: the one statement-level mutant (a text edit of its line)."""
    if isinstance(node, ast.AugAssign) and node.lineno == node.end_lineno:
        line = lines[node.lineno - 1]
        seg = line[node.col_offset:node.end_col_offset]
        op = seg.find("=", len(ast.unparse(node.target)))
        if op > 0 and seg[op - 1] in "+-*/":
            return [(seg, seg[:op - 1] + seg[op:])]
    return []


def mutants(source: str, exercise: str) -> list[Mutant]:
    """Every small mutant of the lines inside solution blocks, in file order."""
    try:
        tree = ast.parse(source)
        inside = {n for b in stubs.blocks(source) for n in range(b.start + 1, b.end)}
    except (SyntaxError, stubs.MarkerError):
        return []
    lines = source.splitlines(keepends=True)
    found: list[Mutant] = []
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) not in inside or node.lineno != getattr(node, "end_lineno", -1):
            continue
        line = lines[node.lineno - 1]
        seg = line[node.col_offset:node.end_col_offset]
        subs = [(seg, ast.unparse(new)) for new in _edits(node)] + _statement_edits(node, lines)
        for old, new in subs:
            if old == new:
                continue
            start = node.col_offset + line[node.col_offset:].find(old)
            mutated = line[:start] + new + line[start + len(old):]
            text = "".join(lines[:node.lineno - 1]) + mutated + "".join(lines[node.lineno:])
            found.append(Mutant(exercise, node.lineno, f"line {node.lineno}: `{old.strip()}` -> `{new.strip()}`", text))
    return sorted({m.text: m for m in found}.values(), key=lambda m: (m.line, m.what))


def _sample(items: list, n: int) -> list:
    """At most n, spread evenly over the list (deterministic)."""
    return items if len(items) <= n else [items[i * len(items) // n] for i in range(n)]


def equivalent(s: ExerciseSet) -> dict[tuple[str, str], str]:
    """(exercise, what) -> why, from solutions/<set>/mutants.toml (survivors that change nothing)."""
    path = s.solutions_dir / "mutants.toml"
    if not path.is_file():
        return {}
    data, _ = _read_toml(path)
    return {(str(e.get("exercise")), _unlined(str(e.get("what")))): str(e.get("why", ""))
            for e in data.get("equivalent", [])}


def _unlined(what: str) -> str:
    """A survivor without its "line N: " prefix: an equivalent mutant stays known when lines above it move."""
    head, sep, rest = what.partition(": ")
    return rest if sep and head.startswith("line ") and head[5:].isdigit() else what


def run(s: ExerciseSet, on_exercise=None, limit: int = MAX_PER_EXERCISE) -> dict:
    """Grade every mutant of every exercise of the set; returns the report written to data/mutants/<set>.json."""
    report = {"set": s.name, "sources": _hash(s), "exercises": {}}
    with start_worker(s) as worker, tempfile.TemporaryDirectory(prefix="z2h-mutants-") as tmp:
        opts = Options(diagnose=False, skip_milestones=True)
        oracle = Oracle(s, worker, opts)
        for ex in s.exercises:
            on_exercise and on_exercise(ex)
            ms = _sample(mutants(s.reference_path(ex).read_text(encoding="utf-8"), ex.name), limit)
            folders = []
            for i, m in enumerate(ms):
                folder = Path(tmp) / ex.name / str(i)
                shutil.copytree(s.solutions_dir, folder, ignore=shutil.ignore_patterns("__pycache__"))
                (folder / f"{ex.name}.py").write_text(m.text, encoding="utf-8")
                folders.append(folder)
            results = engine.grade_many(s, folders, ex, dataclasses.replace(opts), None, worker, oracle) if ms else []
            survivors = [m.what for m, r in zip(ms, results) if r.exercises[0].status == Status.PASSED]
            report["exercises"][ex.name] = {"mutants": len(ms), "survivors": survivors}
    return report


def score(report: dict, known: dict) -> tuple[int, int, list[tuple[str, str]]]:
    """(killed or equivalent, total, unexplained survivors [(exercise, what)])."""
    total = killed = 0
    left = []
    for ex, r in report.get("exercises", {}).items():
        total += r["mutants"]
        for what in r["survivors"]:
            if (ex, _unlined(what)) not in known:
                left.append((ex, what))
        killed += r["mutants"] - len([w for w in r["survivors"] if (ex, _unlined(w)) not in known])
    return killed, total, left


def _hash(s: ExerciseSet) -> str:
    h = hashlib.sha256()
    for f in sorted(s.solutions_dir.glob("*.py")) + [Path(p) for p in s.check_files()]:
        h.update(f.read_bytes())
    return h.hexdigest()


def path(s: ExerciseSet) -> Path:
    return s.root / "data" / "mutants" / f"{s.name}.json"


def write(s: ExerciseSet, report: dict) -> Path:
    p = path(s)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return p


def recorded(s: ExerciseSet) -> tuple[dict | None, bool]:
    """(the recorded report, whether it is fresh: made from the current references and checks)."""
    try:
        report = json.loads(path(s).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, False
    return report, isinstance(report, dict) and report.get("sources") == _hash(s)
