"""Manifests -> dataclasses: course.toml and each set's set.toml, validated with file:line."""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class ContentError(Exception):
    """Bad course content: a precise message with file and line. `grade` exits 2 on it."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None, key: str | None = None):
        self.path, self.reason, self.line, self.key = Path(path), reason, line, key
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {'[' + key + '] ' if key else ''}{reason}")


@dataclass(frozen=True)
class Rules:
    forbid_imports: tuple[str, ...] = ()   # ("torch", "numpy")
    forbid_calls: tuple[str, ...] = ()     # ("backward", "torch.autograd", "F.cross_entropy")


@dataclass(frozen=True)
class Exercise:
    set: str
    name: str
    title: str
    points: int
    hints: tuple[str, ...]
    needs: tuple[str, ...]   # other exercises of the set whose modules this one imports
    rules: Rules
    hint_checks: tuple[tuple[str, ...], ...] = ()   # per hint: the checks it addresses (empty: any)

    @property
    def id(self) -> str:  # "micrograd/value"
        return f"{self.set}/{self.name}"

    def hint_order(self, failing: list[str] | tuple[str, ...] = ()) -> list[int]:
        """Hint indices in the order to show them: those for the first failing check that has any, then
        general hints, then the rest, each group in the manifest's order. When no failing check has
        a hint of its own, the manifest's order: hints are written to go from a nudge to the answer."""
        about = dict(enumerate(self.hint_checks))
        target = next((c for c in failing if any(c in about.get(i, ()) for i in range(len(self.hints)))), None)
        if target is None:
            return list(range(len(self.hints)))
        rank = [0 if target in about.get(i, ()) else 1 if not about.get(i) else 2 for i in range(len(self.hints))]
        return sorted(range(len(self.hints)), key=lambda i: (rank[i], i))

    def hint_for(self, failing: list[str] | tuple[str, ...] = ()) -> str | None:
        order = self.hint_order(failing)
        return self.hints[order[0]] if order else None


@dataclass(frozen=True)
class ExerciseSet:
    name: str
    title: str
    lecture: str
    requires: tuple[str, ...]  # modules the worker imports before forking, e.g. ("torch",)
    exercises: tuple[Exercise, ...]
    root: Path                 # the course folder

    @property
    def dir(self) -> Path:
        return self.root / "exercises" / self.name

    @property
    def solutions_dir(self) -> Path:
        return self.root / "solutions" / self.name

    @property
    def points(self) -> int:
        return sum(e.points for e in self.exercises)

    def stub_path(self, ex: Exercise) -> Path:
        return self.dir / f"{ex.name}.py"

    def reference_path(self, ex: Exercise) -> Path:
        return self.solutions_dir / f"{ex.name}.py"

    def check_files(self) -> list[str]:
        """The set's checks: checks.py, or every .py file of a checks/ folder."""
        one = self.dir / "checks.py"
        if one.is_file():
            return [str(one)]
        many = sorted(str(p) for p in (self.dir / "checks").glob("*.py")) if (self.dir / "checks").is_dir() else []
        if not many:
            raise ContentError(self.dir, "the set has no checks.py (or checks/ folder)")
        return many

    def exercise(self, name: str) -> Exercise:
        for ex in self.exercises:
            if ex.name == name:
                return ex
        raise KeyError(name)


@dataclass(frozen=True)
class Course:
    root: Path
    title: str
    set_names: tuple[str, ...]
    _sets: dict[str, ExerciseSet] = field(default_factory=dict)

    def set(self, name: str) -> ExerciseSet:
        """Load one set's manifest on demand, so a broken set never stops the others."""
        if name not in self._sets:
            self._sets[name] = load_set(self.root, name)
        return self._sets[name]


def course_root(root: str | None) -> Path:
    """The course: `--root` when given, else found from the current folder upward, then $Z2H_HOME,
    then the workspace of the last `grade init`."""
    return Path(root).resolve() if root else find_root()


def find_root(start: Path | None = None) -> Path:
    """Walk up from `start` to the first folder holding exercises/course.toml; else the workspace
    named by $Z2H_HOME, else the one the last `grade init` made."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "exercises" / "course.toml").is_file():
            return folder
    for cand in (os.environ.get("Z2H_HOME"), last_init()):
        if cand and (Path(cand) / "exercises" / "course.toml").is_file():
            return Path(cand).resolve()
    raise ContentError(here, "no course here: no exercises/course.toml in this folder or any parent "
                       "(run `grade init` to make a workspace, cd into one, set Z2H_HOME, or pass --root PATH)")


def last_init_file() -> Path:
    """Where `grade init` records the workspace it made (one path, one line)."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.environ.get("APPDATA") or str(Path.home() / ".config")
    return Path(base) / "z2h" / "workspace"


def last_init() -> str | None:
    try:
        text = last_init_file().read_text(encoding="utf-8", errors="replace")[:4096].strip()
    except OSError:
        return None
    return text or None


def _read_toml(path: Path) -> tuple[dict, str]:
    if not path.is_file():
        raise ContentError(path, "file is missing")
    text = path.read_text(encoding="utf-8")
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        raise ContentError(path, f"not valid TOML: {e}", int(m.group(1)) if m else None) from None


def _line_of(text: str, needle: str, start: int = 1) -> int | None:
    for i, line in enumerate(text.splitlines(), 1):
        if i >= start and needle in line:
            return i
    return None


def _want(data: dict, key: str, kind: type | tuple, path: Path, text: str, default=None, where: str = "",
          start: int = 1):
    if key not in data:
        if default is not None:
            return default
        raise ContentError(path, f"missing required key{where}", _line_of(text, where.strip(" ()")) if where else None, key)
    value = data[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ContentError(path, f"must be {names}, got {type(value).__name__} {value!r}{where}",
                           _line_of(text, f"{key} =", start) or _line_of(text, key), key)
    return value


def _strings(data: dict, key: str, path: Path, text: str, where: str = "") -> tuple[str, ...]:
    items = _want(data, key, list, path, text, default=[], where=where)
    bad = [x for x in items if not isinstance(x, str)]
    if bad:
        raise ContentError(path, f"must be a list of strings, found {bad[0]!r}{where}", _line_of(text, f"{key} ="), key)
    return tuple(items)


def _hints(raw: dict, path: Path, text: str, where: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """hints = ["text", {text = "...", checks = ["name", ...]}, ...]: a hint may name the checks it addresses."""
    texts, about = [], []
    for h in _want(raw, "hints", list, path, text, default=[], where=where):
        if isinstance(h, str):
            texts.append(h), about.append(())
        elif isinstance(h, dict) and isinstance(h.get("text"), str) and \
                all(isinstance(c, str) for c in h.get("checks", [])) and isinstance(h.get("checks", []), list):
            texts.append(h["text"]), about.append(tuple(h.get("checks", [])))
        else:
            raise ContentError(path, f"each hint is a string or {{text = \"...\", checks = [\"check\", ...]}}, "
                               f"found {h!r}{where}", _line_of(text, "hints"), "hints")
    return tuple(texts), tuple(about)


def _rules(data: dict, path: Path, text: str, base: Rules = Rules()) -> Rules:
    raw = _want(data, "rules", dict, path, text, default={})
    return Rules(
        forbid_imports=_strings(raw, "forbid_imports", path, text) or base.forbid_imports,
        forbid_calls=_strings(raw, "forbid_calls", path, text) or base.forbid_calls,
    )


def load_set(root: Path, name: str) -> ExerciseSet:
    path = root / "exercises" / name / "set.toml"
    data, text = _read_toml(path)
    set_rules = _rules(data, path, text)
    raw_exercises = _want(data, "exercises", list, path, text)
    if not raw_exercises:
        raise ContentError(path, "a set needs at least one [[exercises]] entry", key="exercises")
    exercises: list[Exercise] = []
    for raw in raw_exercises:
        if not isinstance(raw, dict):
            raise ContentError(path, "each [[exercises]] entry must be a table", _line_of(text, "[[exercises]]"))
        ex_name = _want(raw, "name", str, path, text, where=" in an [[exercises]] entry")
        where = f" (exercise {ex_name!r})"
        line = _line_of(text, f'"{ex_name}"')
        if not NAME_RE.match(ex_name) or ex_name in sys.stdlib_module_names:
            raise ContentError(path, f"exercise name {ex_name!r} must be a lowercase identifier that "
                               "does not shadow a standard-library module", line, "name")
        if any(e.name == ex_name for e in exercises):
            raise ContentError(path, f"exercise {ex_name!r} is listed twice", line, "name")
        points = _want(raw, "points", int, path, text, where=where, start=line or 1)
        if points <= 0:
            raise ContentError(path, f"points must be positive{where}", line, "points")
        needs = _strings(raw, "needs", path, text, where)
        hints, about = _hints(raw, path, text, where)
        for need in needs:
            if need not in {e.name for e in exercises}:
                raise ContentError(path, f"needs {need!r}, which is not an earlier exercise of this set{where}",
                                   _line_of(text, "needs") or line, "needs")
        exercises.append(Exercise(
            set=name, name=ex_name, title=_want(raw, "title", str, path, text, where=where), points=points,
            hints=hints, needs=needs, rules=_rules(raw, path, text, set_rules), hint_checks=about))
    return ExerciseSet(
        name=name, title=_want(data, "title", str, path, text), lecture=_want(data, "lecture", str, path, text, default=""),
        requires=_strings(data, "requires", path, text), exercises=tuple(exercises), root=root)


def load_course(root: Path) -> Course:
    path = root / "exercises" / "course.toml"
    data, text = _read_toml(path)
    names = _strings(data, "sets", path, text)
    if not names:
        raise ContentError(path, "lists no sets", _line_of(text, "sets"), "sets")
    for n in names:
        if not NAME_RE.match(n):
            raise ContentError(path, f"set name {n!r} must be a lowercase identifier", _line_of(text, n), "sets")
        if names.count(n) > 1:
            raise ContentError(path, f"set {n!r} is listed twice", _line_of(text, f'"{n}"'), "sets")
    return Course(root=root, title=_want(data, "title", str, path, text), set_names=names)


def resolve(course: Course, target: str) -> tuple[ExerciseSet, Exercise | None]:
    """'micrograd' -> (set, None); 'micrograd/value' -> (set, exercise). KeyError names what is unknown."""
    set_name, _, ex_name = target.partition("/")
    if set_name not in course.set_names:
        raise KeyError(f"no set {set_name!r}; the sets are: {', '.join(course.set_names)}")
    s = course.set(set_name)
    if not ex_name:
        return s, None
    try:
        return s, s.exercise(ex_name)
    except KeyError:
        raise KeyError(f"no exercise {ex_name!r} in {set_name}; its exercises are: "
                       f"{', '.join(e.name for e in s.exercises)}") from None
