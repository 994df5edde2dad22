"""The leak guard: no line of a set's solution blocks may reach what students get.

Per set, against that set's own solutions (a common line in one set never blocks another).
Every hit is reported at once, each with the shipped file and line and the solution file and line
it comes from. Files are matched line by line (a README's code block quoting a line is a hit);
hints and mistake explanations also by substring, since a sentence can quote a solution line. An author allows a line on
purpose in set.toml:

    [leaks]
    allow = ["return [k * x for x in xs]"]

`grade publish` scans the bundle it built; `grade dev check` scans the same content in the course.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.course import mistakes, stubs
from grader.course.manifest import _read_toml

MIN_CHARS = 12          # non-space characters: `return out` is no secret
PROSE = ("set.toml",)   # hints: a sentence may quote a solution line (READMEs and code: whole lines)


@dataclass(frozen=True)
class Leak:
    where: str           # the shipped file (or hint, or mistake) and line
    text: str
    source: str          # solutions/<set>/<file>.py:<line>

    def __str__(self) -> str:
        return f"{self.where}: {self.text!r} (solution line {self.source})"


def allowed(s) -> set[str]:
    try:
        data, _ = _read_toml(s.dir / "set.toml")
    except Exception:  # noqa: BLE001 - the manifest's own check reports a broken set.toml
        return set()
    allow = (data.get("leaks") or {}).get("allow", []) if isinstance(data.get("leaks"), dict) else []
    return {str(a).strip() for a in allow if isinstance(a, str)}


def secrets(s) -> dict[str, str]:
    """Solution-block line -> where it is (solutions/<set>/<file>.py:<line>); lines students get anyway excluded."""
    found, public = {}, set()
    for ref in sorted(s.solutions_dir.glob("*.py")):
        text = ref.read_text(encoding="utf-8")
        secret = stubs.solution_lines(text)
        public |= {ln.strip() for ln in stubs.make_stub(text, "x/y").splitlines()}
        for i, line in enumerate(text.splitlines(), 1):
            ln = line.strip()
            if ln in secret and ln not in found:
                found[ln] = f"{ref.relative_to(s.root)}:{i}"
    skip = public | allowed(s)
    return {ln: where for ln, where in found.items() if ln not in skip and len(ln.replace(" ", "")) >= MIN_CHARS}


def scan_text(name: str, text: str, secret: dict[str, str], prose: bool) -> list[Leak]:
    out = []
    for i, line in enumerate(text.splitlines(), 1):
        ln = line.strip()
        if ln in secret:
            out.append(Leak(f"{name}:{i}", ln, secret[ln]))
        elif prose:
            hit = next((sec for sec in secret if sec in ln), None)
            if hit:
                out.append(Leak(f"{name}:{i}", hit, secret[hit]))
    return out


def scan_set(s, files: list[tuple[str, str]]) -> list[Leak]:
    """`files`: (shown name, text) of what ships for set `s` (set.toml holds the hints); plus its
    mistake explanations, which ship inside the fixtures."""
    secret = secrets(s)
    if not secret:
        return []
    leaks = []
    for name, text in files:
        leaks += scan_text(name, text, secret, name.endswith(PROSE))
    for m in mistakes.load(s.solutions_dir):
        leaks += [Leak(f"mistake {m.exercise}/{m.id} (its explanation ships in the fixtures)", x.text, x.source)
                  for x in scan_text("", m.why, secret, True)]
    return list(dict.fromkeys(leaks))


def bundle_files(s, out: Path) -> list[tuple[str, str]]:
    """What a built bundle ships for set `s` (its exercises folder, pristine stubs), as (name, text)."""
    roots = [out / "exercises" / s.name, out / "data" / "stubs" / s.name]
    return [(str(p.relative_to(out)), p.read_text(encoding="utf-8", errors="replace"))
            for r in roots if r.is_dir() for p in sorted(r.rglob("*")) if p.is_file()]


def course_files(s) -> list[tuple[str, str]]:
    """The same content in the course, for `grade dev check`: README, checks, set.toml, generated stubs."""
    files = []
    for p in [s.dir / "README.md", s.dir / "set.toml"] + [Path(f) for f in s.check_files()]:
        if p.is_file():
            files.append((str(p.relative_to(s.root)), p.read_text(encoding="utf-8", errors="replace")))
    for ex in s.exercises:
        ref = s.reference_path(ex)
        if ref.is_file():
            files.append((str(s.stub_path(ex).relative_to(s.root)), stubs.make_stub(ref.read_text(encoding="utf-8"), ex.id)))
    return files
