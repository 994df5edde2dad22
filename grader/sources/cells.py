"""Notebook cells (nbformat): which code cell holds which exercise, read from a notebook file.

A notebook holds one code cell per exercise. Its first line names the exercise
(`# z2h: micrograd/value`), and so do its metadata (`cell.metadata["z2h"]["exercise"]`) and a
tag (`z2h:micrograd/value`). `scan` finds each exercise's cell and says what is wrong with the
notebook (deleted, duplicated, retagged or reordered cells); the cells are then written as modules
and graded like any other student folder.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


from grader.course.manifest import ExerciseSet

MARKER = "# z2h: "
MARKER_RE = re.compile(r"^#\s*z2h:\s*([a-z][a-z0-9_]*/[a-z][a-z0-9_]*)\s*$")
TAG = "z2h:"
MAX_CELL = 1 * 2**20      # bytes of one cell's source we are willing to grade
MAX_NOTEBOOK = 64 * 2**20


class NotebookError(ValueError):
    """A notebook we cannot read at all (not JSON, not a notebook, too large)."""


# ---- export --------------------------------------------------------------------------------------


# ---- reading a notebook file ---------------------------------------------------------------------

@dataclass
class Scan:
    """What a notebook holds for a set: module sources, where they came from, and what is wrong."""
    modules: dict[str, str] = field(default_factory=dict)          # exercise name -> source
    cells: dict[str, int] = field(default_factory=dict)            # exercise name -> cell number (1-based)
    problems: dict[str, list[str]] = field(default_factory=dict)   # exercise name ("" = the notebook) -> messages

    def add(self, name: str, msg: str) -> None:
        self.problems.setdefault(name, []).append(msg)

    def messages(self, s: ExerciseSet) -> list[str]:
        out = list(self.problems.get("", []))
        for ex in s.exercises:
            out += [f"{ex.id}: {m}" for m in self.problems.get(ex.name, [])]
        return out


def marker_of(source: str) -> str | None:
    """The exercise id on the first non-blank line (`# z2h: micrograd/value`), if any."""
    for line in source.splitlines():
        if line.strip():
            m = MARKER_RE.match(line.strip())
            return m.group(1) if m else None
    return None


def _claims(cell) -> dict[str, str]:
    """Every label a code cell carries: {"first line": id, "metadata": id, "tag": id}."""
    out = {}
    metadata = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
    meta = metadata.get("z2h")
    if isinstance(meta, dict) and isinstance(meta.get("exercise"), str):
        out["metadata"] = meta["exercise"]
    tags = metadata.get("tags")
    for t in tags if isinstance(tags, list) else ():  # a notebook is hostile: tags may be a number
        if isinstance(t, str) and t.startswith(TAG):
            out["tag"] = t[len(TAG):]
    mark = marker_of(_source(cell))
    if mark:
        out["first line"] = mark
    return out


def _source(cell) -> str:
    """The cell's text, always encodable: a lone surrogate (which no file can hold) is written as its
    escape, which means the same thing inside a string literal and is harmless elsewhere."""
    src = cell.get("source", "")
    text = "".join(x for x in src if isinstance(x, str)) if isinstance(src, list) else src if isinstance(src, str) else ""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def read(path: Path):
    import nbformat  # only here: `grade SET` without --notebook never pays for it
    path = Path(path)
    try:
        if path.stat().st_size > MAX_NOTEBOOK:
            raise NotebookError(f"{path.name} is larger than {MAX_NOTEBOOK // 2**20} MiB")
        return nbformat.read(str(path), as_version=4)
    except NotebookError:
        raise
    except Exception as e:  # nbformat raises JSON, validation and version errors of many kinds
        raise NotebookError(f"{path.name} is not a readable notebook ({type(e).__name__}: {e})") from None


def scan(nb, s: ExerciseSet) -> Scan:
    """Find each exercise's cell; report deleted, duplicated, retagged and reordered cells."""
    known = {ex.id: ex for ex in s.exercises}
    res = Scan()
    found: dict[str, list[tuple[int, str]]] = {}
    conflicted: dict[str, list[int]] = {}
    cells = nb.get("cells") if isinstance(nb, dict) else None
    for i, cell in enumerate(cells if isinstance(cells, list) else [], 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        claims = _claims(cell)
        ids = set(claims.values())
        if not ids:
            continue
        if len(ids) > 1:
            said = ", ".join(f"its {k} says {v}" for k, v in claims.items())
            res.add("", f"cell {i} is labelled for more than one exercise ({said}); it was not graded. Give it "
                    f"one label: its first line `{MARKER}<exercise>`, and the same in its tag and metadata "
                    "(or copy the cell from a freshly exported notebook)")
            for eid in ids:
                conflicted.setdefault(eid, []).append(i)
            continue
        eid = ids.pop()
        if eid not in known:
            where = "is not an exercise of this set" if eid.split("/")[0] == s.name else "belongs to another set"
            res.add("", f"cell {i} is labelled {eid}, which {where} ({s.name}: "
                    f"{', '.join(e.name for e in s.exercises)}); it was not graded")
            continue
        src = _source(cell)
        if len(src.encode("utf-8", "replace")) > MAX_CELL:
            res.add(known[eid].name, f"cell {i} is larger than {MAX_CELL // 1024} KiB; it was not graded")
            continue
        found.setdefault(eid, []).append((i, src))
    for ex in s.exercises:
        cells = found.get(ex.id)
        if not cells:
            if ex.id in conflicted:
                res.add(ex.name, f"its only cell (cell {conflicted[ex.id][0]}) carries two labels and was not graded")
            elif ex.name not in res.problems:
                res.add(ex.name, f"the notebook has no cell for {ex.id} (deleted?). Export a fresh notebook "
                        f"(`grade notebook {s.name} --out fresh.ipynb`) and copy its cell for {ex.id} back.")
            continue
        if len(cells) > 1:
            nums = ", ".join(str(n) for n, _ in cells)
            res.add(ex.name, f"{len(cells)} cells are labelled {ex.id} (cells {nums}); graded the last, cell "
                    f"{cells[-1][0]}, as running the notebook top to bottom would. Delete the others.")
        n, src = cells[-1]
        src, magics = strip_magics(src)
        if magics:
            res.add(ex.name, f"cell {n}: {magics} line(s) of IPython magic (% or !) are not Python and were "
                    "left out of grading")
        res.modules[ex.name], res.cells[ex.name] = src, n
    _check_order(res, s)
    return res


def strip_magics(src: str) -> tuple[str, int]:
    """Comment out IPython magics and shell escapes, which are not Python; keep line numbers."""
    lines, n = [], 0
    cell_magic = False
    for k, line in enumerate(src.splitlines()):
        s = line.lstrip()
        if (k == 0 and s.startswith("%%")) or cell_magic:
            cell_magic = True
        if cell_magic or (s.startswith(("%", "!")) and line[: len(line) - len(s)] == ""):
            lines.append("# " + line)
            n += 1
        else:
            lines.append(line)
    return "\n".join(lines) + ("\n" if src.endswith("\n") or not src else "\n"), n


def modules_from_notebook(path: Path, s: ExerciseSet) -> tuple[dict[str, str], list[str]]:
    """The exercise modules a notebook file holds (name -> source), and what is wrong with it."""
    res = scan(read(Path(path)), s)
    return res.modules, res.messages(s)


# ---- grading a folder written from notebook sources -------------------------------------------

def write_modules(folder: Path, modules: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, src in modules.items():
        (folder / f"{name}.py").write_text(src, encoding="utf-8")


# ---- inside a Jupyter kernel ---------------------------------------------------------------------


def _check_order(res: Scan, s: ExerciseSet) -> None:
    """A cell above a cell it imports, or cells out of the set's order: said, still graded."""
    order = [ex for ex in s.exercises if ex.name in res.cells]
    for ex in order:
        for need in ex.needs:
            if need in res.cells and res.cells[need] > res.cells[ex.name]:
                res.add(ex.name, f"its cell (cell {res.cells[ex.name]}) comes before the cell of {s.name}/{need} "
                        f"(cell {res.cells[need]}), which it imports: run top to bottom, it would import "
                        f"{need}.py from disk, not your cell. Graded as is; move it below.")
    positions = [res.cells[ex.name] for ex in order]
    if positions != sorted(positions):
        res.add("", "the exercise cells are not in the set's order ("
                + ", ".join(ex.name for ex in order) + "); each was still graded on its own")
