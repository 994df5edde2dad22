"""`grade publish`: a student bundle with the solutions hidden, verified line by line.

The bundle holds the engine, the stubs, checks, manifests, set READMEs, fixtures and pristine
stubs (for `grade reset`), a student README and pyproject: never solutions/ or mistakes.toml.
Before it is kept, every set's files are scanned against that set's solutions (`leakguard.py`).
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from grader.grading import fixtures
from grader.instructor import hidden, leakguard
from grader.course import stubs
from grader.course.datasets import registry
from grader.course.manifest import ContentError, Course

ENGINE = Path(__file__).resolve().parents[1]  # the grader package
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".z2h", "*.ipynb_checkpoints", "*.bak")


def publish(course: Course, names: list[str], out: Path, gradescope: bool = False) -> Path:
    if out.exists() and any(out.iterdir()):
        raise ContentError(out, "the output folder exists and is not empty; choose a new one")
    sets = [course.set(n) for n in names]
    for s in sets:
        _require_fresh_fixtures(s)
    out.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copytree(ENGINE, out / "grader", ignore=IGNORE)
        (out / "exercises").mkdir()
        (out / "exercises" / "course.toml").write_text(
            f'title = {course.title!r}\nsets = [{", ".join(repr(n) for n in names)}]\n'.replace("'", '"'))
        if (course.root / "exercises" / "datasets.toml").is_file():   # where `grade data` finds what to fetch
            shutil.copy(course.root / "exercises" / "datasets.toml", out / "exercises" / "datasets.toml")
        for s in sets:
            _copy_set(s, out)
        (out / "pyproject.toml").write_text(_pyproject(course))
        (out / "README.md").write_text(_readme(course, names))
        (out / ".gitignore").write_text(".z2h/\n__pycache__/\ndata/*.txt\n")
        from grader.instructor import workflow
        workflow.write(out, sets)   # CI: grade on push, per exercise; GitHub Classroom's autograding
        leaks = [leak for s in sets for leak in leakguard.scan_set(s, leakguard.bundle_files(s, out))]
        if leaks:
            raise ContentError(out, f"solution text would leak into the bundle ({len(leaks)} line(s)); nothing was "
                               "published. Allow a line on purpose in set.toml ([leaks] allow = [...]).\n  "
                               + "\n  ".join(map(str, leaks)))
        if gradescope:
            return gradescope_zip(out, names, course)
        return out
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise


def _require_fresh_fixtures(s) -> None:
    for ex in s.exercises:
        state, _ = fixtures.freshness(s, ex)
        if state != "fresh":
            raise ContentError(fixtures.path(s.root, s.name, ex.name),
                               f"fixture {state}: run `grade dev record` first")


def _copy_set(s, out: Path) -> None:
    dest = out / "exercises" / s.name
    dest.mkdir(parents=True)
    for name in ("set.toml", "README.md", "checks.py"):
        if (s.dir / name).is_file():
            shutil.copy(s.dir / name, dest / name)
    if (s.dir / "checks").is_dir():
        shutil.copytree(s.dir / "checks", dest / "checks", ignore=IGNORE)
    pristine = out / "data" / "stubs" / s.name
    pristine.mkdir(parents=True)
    for ex in s.exercises:
        text = stubs.make_stub(s.reference_path(ex).read_text(encoding="utf-8"), ex.id)
        (dest / f"{ex.name}.py").write_text(text, encoding="utf-8")
        (pristine / f"{ex.name}.py").write_text(text, encoding="utf-8")
    shutil.copytree(s.root / "data" / "fixtures" / s.name, out / "data" / "fixtures" / s.name)
    hidden.hide(s, dest, out / "data" / "fixtures" / s.name)   # hidden checks stay the instructor's


def runtime_dependencies() -> list[str]:
    """The engine's runtime dependencies exactly as the installed distribution declares them
    (editable or not); the source tree's pyproject.toml only when the engine is not installed."""
    import importlib.metadata as md
    try:
        reqs = md.requires("z2h-grader")
    except md.PackageNotFoundError:
        reqs = None
    if reqs is None:
        text = (ENGINE.parent / "pyproject.toml").read_text(encoding="utf-8")
        block = re.search(r"^dependencies = \[(.*?)^\]", text, re.S | re.M)
        reqs = re.findall(r'^\s*"([^"]+)"', block.group(1), re.M) if block else []
    return [r for r in reqs if "extra ==" not in r]


def _pyproject(course: Course) -> str:
    deps = "".join(f"\n    {json.dumps(r)}," for r in runtime_dependencies())
    engine = ENGINE.parent / "pyproject.toml"
    text = engine.read_text(encoding="utf-8") if engine.is_file() else ""
    return ('[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n\n'
            f'[project]\nname = "z2h-grader"\nversion = "0.1.0"\ndescription = {json.dumps(course.title + ": exercises")}\n'
            f'requires-python = ">=3.10"\ndependencies = [{deps}\n]\n\n'
            '[project.scripts]\ngrade = "grader.cli:main"\n\n' + _packaging(text))


def _packaging(text: str) -> str:
    """The engine's packaging (the course as package data: `pip install BUNDLE`, then `grade init`)."""
    m = re.search(r"^\[tool\.setuptools\]\n.*?(?=^\[tool\.pytest|\Z)", text, re.S | re.M)
    return m.group(0) if m else '[tool.setuptools.packages.find]\ninclude = ["grader", "grader.*"]\n'


def _readme(course: Course, names: list[str]) -> str:
    first = names[0]
    datasets = ", ".join(d.name for d in registry(course.root)) or "none"
    return f"""# {course.title}

Exercises, graded on your machine against recorded reference results.

## Set up (once)

Python 3.10 or newer, and any torch from 2.1 on (a CPU build is all the sets need):

```bash
python3 -m venv .venv && . .venv/bin/activate     # Windows (PowerShell): .venv\\Scripts\\activate
# Linux: the CPU wheel (plain `pip install torch` pulls GBs of CUDA libraries)
pip install torch --index-url https://download.pytorch.org/whl/cpu
# macOS and Windows: plain `pip install torch` is already the CPU wheel
pip install -e .
grade {first}
grade doctor      # if anything is off: what it found, and what to do about each problem
```

Where it runs: Linux; macOS; Windows, natively (the portable sandbox: no memory or process-count
limit) or in WSL (which is Linux); Jupyter, with `from grader import check, hint, reset` in a
notebook anywhere on disk; Google Colab, with a notebook from `grade notebook {first} --colab`.

## The loop

1. `grade` shows every set, your progress, and the next exercise.
2. `grade {first}` grades the set and tells you the file to edit first, under `exercises/{first}/`.
3. Replace each `raise NotImplementedError(...)` under a `# TODO`; read `exercises/<set>/README.md`
   for the brief, and `exercises/<set>/checks.py` for what is checked.
4. Run `grade {first}` again. A failing check says what was expected, what came back, how they
   differ, and the known mistake it matches. `grade hint <set>/<exercise>` gives hints one at a
   time; `grade reset <set>/<exercise>` restores a stub.

Datasets ({datasets}): `grade data` lists them;
`grade data fetch NAME` downloads one; or put them in `data/`, or point `Z2H_DATA` at them.

Sets in this bundle: {", ".join(names)}.
"""


def gradescope_zip(bundle: Path, names: list[str], course: Course) -> Path:
    """autograder.zip beside the bundle: the bundle, plus the references, mistakes, hidden checks, datasets
    and fixtures recorded at the zip's secret seed."""
    from grader.instructor import gradescope
    if len(names) != 1:
        raise ContentError(bundle, "a Gradescope autograder grades one set: publish one set with --gradescope")
    s = course.set(names[0])
    extra = {f"solutions/{s.name}/{p.relative_to(s.solutions_dir)}": p
             for p in sorted(s.solutions_dir.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}
    for p in map(Path, s.check_files()):  # the full checks, hidden ones included
        extra[str(p.relative_to(course.root))] = p
    extra[f"exercises/{s.name}/set.toml"] = s.dir / "set.toml"
    return gradescope.build(bundle, s, extra)   # with the fixtures, recorded at the secret seed
