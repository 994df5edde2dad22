"""Known mistakes: wrong variants of a reference, written as edits in solutions/<set>/mistakes.toml.

    [[mistakes]]
    exercise = "value"
    id = "mul-grad-overwritten"
    why = "gradient overwritten (=) instead of accumulated (+=)"
    edits = [["self.grad += other.data * out.grad", "self.grad = other.data * out.grad"]]

Each `find` must occur exactly once in the reference, so a variant can never silently go stale.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.course.manifest import ContentError, _line_of, _read_toml


@dataclass(frozen=True)
class Mistake:
    exercise: str
    id: str
    why: str
    edits: tuple[tuple[str, str], ...]

    def apply(self, reference: str, path: Path) -> str:
        text = reference
        for find, replace in self.edits:
            n = text.count(find)
            if n != 1:
                raise ContentError(path, f"mistake {self.id!r}: {find!r} occurs {n} times in the reference "
                                   "(it must occur exactly once)", key="edits")
            text = text.replace(find, replace)
        return text


def load(solutions_dir: Path) -> list[Mistake]:
    path = solutions_dir / "mistakes.toml"
    if not path.is_file():
        return []
    data, text = _read_toml(path)
    found = []
    for raw in data.get("mistakes", []):
        mid = raw.get("id")
        line = _line_of(text, f'"{mid}"') if mid else None
        edits = raw.get("edits")
        if not (isinstance(mid, str) and isinstance(raw.get("exercise"), str) and isinstance(raw.get("why"), str)):
            raise ContentError(path, "each [[mistakes]] needs exercise, id and why (strings)", line)
        if not (isinstance(edits, list) and edits and all(isinstance(e, list) and len(e) == 2
                                                          and all(isinstance(s, str) for s in e) for e in edits)):
            raise ContentError(path, f"mistake {mid!r}: edits must be a list of [find, replace] string pairs", line, "edits")
        found.append(Mistake(raw["exercise"], mid, raw["why"], tuple((f, r) for f, r in edits)))
    ids = [m.id for m in found]
    dup = next((i for i in ids if ids.count(i) > 1), None)
    if dup:
        raise ContentError(path, f"mistake id {dup!r} is used twice", _line_of(text, f'"{dup}"'), "id")
    return found


def variant(s, m: Mistake) -> str:
    """The reference of `m.exercise` with the mistake's edits applied: the one way a variant is made."""
    reference = s.reference_path(s.exercise(m.exercise)).read_text(encoding="utf-8")
    return m.apply(reference, s.solutions_dir / "mistakes.toml")
