"""`grade publish`: a student bundle with the solutions hidden, verified line by line.

The bundle holds the engine, the stubs, checks, manifests, set READMEs, fixtures and pristine
stubs (for `grade reset`), a student README and pyproject: never solutions/ or mistakes.toml.
Before it is kept, every file is scanned: no line of any solution block may appear in it.
"""
from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

from grader.grading import fixtures
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
        leaks = find_leaks(sets, out)
        if leaks:
            raise ContentError(leaks[0][0], f"solution text would leak into the bundle: {leaks[0][2]!r} "
                               f"(line {leaks[0][1]}); nothing was published", leaks[0][1])
        if gradescope:
            return gradescope_zip(out, names)
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


def secret_lines(sets) -> set[str]:
    """Lines of solution blocks that appear nowhere outside them (those are given to students)."""
    secret, public = set(), set()
    for s in sets:
        for ref in s.solutions_dir.glob("*.py"):
            text = ref.read_text(encoding="utf-8")
            secret |= stubs.solution_lines(text)
            public |= {ln.strip() for ln in stubs.make_stub(text, "x/y").splitlines()}
    return {ln for ln in secret - public if len(ln.replace(" ", "")) >= 12}  # `return out` is no secret


def find_leaks(sets, out: Path) -> list[tuple[Path, int, str]]:
    secret = secret_lines(sets)
    leaks = []
    for p in sorted(out.rglob("*")):
        if not p.is_file() or p.suffix not in (".py", ".md", ".toml", ".json", ".ipynb", ".txt", ".sh", ""):
            continue
        if p.is_relative_to(out / "grader"):
            continue  # the engine never names a lecture
        for i, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if line.strip() in secret:
                leaks.append((p, i, line.strip()))
    return leaks


def _pyproject(course: Course) -> str:
    text = (ENGINE.parent / "pyproject.toml").read_text(encoding="utf-8") if (ENGINE.parent / "pyproject.toml").is_file() else ""
    deps = re.search(r"dependencies = \[(.*?)\]", text, re.S)
    deps_text = deps.group(1) if deps else '\n    "rich>=13",\n    "numpy>=1.24",\n    "torch>=2.1",\n    "nbformat>=5.9",\n'
    return ('[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n\n'
            f'[project]\nname = "z2h-grader"\nversion = "0.1.0"\ndescription = "{course.title}: exercises"\n'
            f'requires-python = ">=3.10"\ndependencies = [{deps_text}]\n\n'
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

```bash
python3 -m venv .venv && . .venv/bin/activate && pip install torch==2.13.0 && pip install -e .
grade {first}
```

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


SETUP_SH = """#!/usr/bin/env bash
# Gradescope: runs once when the autograder image is built.
set -euo pipefail
apt-get update -qq && apt-get install -y -qq python3 python3-pip python3-venv >/dev/null
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install -q --index-url https://download.pytorch.org/whl/cpu "torch>=2.1"
/autograder/venv/bin/pip install -q /autograder/source
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope: runs for each submission. Only the stub files are taken from it.
cd /autograder/source
mkdir -p /autograder/results
/autograder/venv/bin/grade {target} --from /autograder/submission --format gradescope \\
    --root /autograder/source > /autograder/results/results.json
exit 0
"""


def gradescope_zip(bundle: Path, names: list[str]) -> Path:
    """autograder.zip beside the bundle: the bundle at its root, plus setup.sh and run_autograder."""
    if len(names) != 1:
        raise ContentError(bundle, "a Gradescope autograder grades one set: publish one set with --gradescope")
    (bundle / "setup.sh").write_text(SETUP_SH)
    (bundle / "run_autograder").write_text(RUN_AUTOGRADER.format(target=names[0]))
    zpath = bundle / "autograder.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(bundle.rglob("*")):
            if p.is_file() and p != zpath:
                info = zipfile.ZipInfo(str(p.relative_to(bundle)), date_time=(2020, 1, 1, 0, 0, 0))
                info.external_attr = (0o755 if p.name in ("setup.sh", "run_autograder") else 0o644) << 16
                z.writestr(info, p.read_bytes(), zipfile.ZIP_DEFLATED)
    return zpath
