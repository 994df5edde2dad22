"""`grade notebook SET` writes a set as a notebook; `grade SET --notebook PATH` grades one.

A notebook holds one code cell per exercise, labelled three ways (first line `# z2h: set/ex`, metadata,
tag; grader.sources.cells reads them). Its cells are written as modules into a temporary folder and
graded by the one engine, in the same sandbox as `grade SET`."""
from __future__ import annotations

from pathlib import Path

import nbformat

from grader.course import stubs
from grader.course.manifest import ExerciseSet, resolve
from grader.exits import EXIT_FAIL, EXIT_OK, EXIT_USAGE
from grader.grading.paths import for_display
from grader.render import console as console_r
from grader.render import notebook as nb_screens
from grader.sources.cells import MARKER, TAG


def default_path(s: ExerciseSet) -> Path:
    return s.dir / f"{s.name}.ipynb"


def _stub_text(s: ExerciseSet, ex) -> str:
    path = s.stub_path(ex)
    return path.read_text(encoding="utf-8") if path.is_file() else stubs.pristine(s, ex)


PACKAGE = "z2h-grader"   # what a Colab notebook installs, unless publish or --package names another address

COLAB_SETUP = """# z2h setup (run me first): installs the grader, and keeps your work and progress on Google Drive
# when Drive is mounted (Files > Mount Drive), so they survive the VM; else in ~/z2h.
import os, subprocess, sys
try:
    import grader
except ImportError:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", {package!r}], check=True)
    import importlib; importlib.invalidate_caches()
drive = os.environ.get("Z2H_DRIVE", "/content/drive/MyDrive")
os.environ["Z2H_HOME"] = os.path.join(drive, "z2h") if os.path.isdir(drive) else os.path.expanduser("~/z2h")
from grader import check, hint, reset, warm, workspace
print("workspace:", workspace(os.environ["Z2H_HOME"]))
warm({set_name!r})"""


def build(s: ExerciseSet, colab: bool = False, package: str | None = None) -> nbformat.NotebookNode:
    """The set as a notebook: brief, then per exercise a heading, the stub cell and its check cell.
    colab: a first cell that installs the grader and makes (or reuses) a workspace on Drive."""
    v4 = nbformat.v4
    nb = v4.new_notebook()
    if colab:
        first = v4.new_code_cell(COLAB_SETUP.format(package=package or PACKAGE, set_name=s.name))
        first.metadata["z2h"] = {"setup": True, "colab": True}
        nb.cells.append(first)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["z2h"] = {"set": s.name, "format": 1}
    brief = s.dir / "README.md"
    nb.cells.append(v4.new_markdown_cell(brief.read_text(encoding="utf-8") if brief.is_file()
                                         else f"# {s.title}\n\n{s.lecture}".strip()))
    nb.cells.append(v4.new_markdown_cell(
        "## How this notebook works\n\n"
        "Each exercise is one code cell: fill in every `# TODO` (replace the `raise NotImplementedError(...)` "
        "under it), run the cell, then run the check cell under it. `check` grades the code you last *ran*, "
        "in a separate sandboxed process, and saves your progress.\n\n"
        "Keep the first line of each exercise cell (`# z2h: ...`): it tells the grader which exercise the "
        "cell is. Run the cells top to bottom: later cells import earlier ones by name "
        "(`from value import Value`) and get the version you ran here.\n\n"
        f"From a terminal, `grade {s.name} --notebook {s.name}.ipynb` grades the saved notebook file."))
    setup = v4.new_code_cell("from grader import check, hint, reset, warm  # run me first: later cells can then "
                             f"import earlier ones by name\nwarm({s.name!r})  # starts the grader's worker now")
    setup.metadata["z2h"] = {"setup": True}
    nb.cells.append(setup)
    for ex in s.exercises:
        nb.cells.append(v4.new_markdown_cell(
            f"## {ex.title}\n\n`{ex.id}` — {ex.points} points"
            + (f"; uses {', '.join(f'`{n}`' for n in ex.needs)}" if ex.needs else "")))
        cell = v4.new_code_cell(f"{MARKER}{ex.id}\n{_stub_text(s, ex).rstrip()}\n")
        cell.metadata["z2h"] = {"exercise": ex.id}
        cell.metadata["tags"] = [f"{TAG}{ex.id}"]
        nb.cells.append(cell)
        chk = v4.new_code_cell(f'from grader import check\ncheck("{ex.id}")')
        chk.metadata["z2h"] = {"check": ex.id}
        nb.cells.append(chk)
    return nb


def export(s: ExerciseSet, out: Path | None = None, force: bool = False, colab: bool = False,
           package: str | None = None) -> Path:
    """Write the set's notebook; never over an existing file unless `force`."""
    path = Path(out) if out else default_path(s)
    if path.is_dir():
        path = path / f"{s.name}.ipynb"
    if path.exists() and not force:
        raise FileExistsError(f"{path} already exists: your work may be in it. Use --force to overwrite it, "
                              f"or --out OTHER.ipynb")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    nbformat.write(build(s, colab, package), str(tmp))
    tmp.replace(path)
    return path


def export_cli(course, set_name: str, out: str | None, force: bool, console, colab: bool = False,
               package: str | None = None) -> int:
    """`grade notebook SET [--out PATH] [--force] [--colab [--package ADDRESS]]`."""
    s, ex = resolve(course, set_name)
    if ex is not None:
        console_r.render_error(console, f"a notebook holds a whole set: grade notebook {s.name}")
        return EXIT_USAGE
    try:
        path = export(s, Path(out) if out else None, force, colab, package)
    except FileExistsError as e:
        console_r.render_error(console, str(e))
        return EXIT_FAIL
    nb_screens.render_notebook_written(console, for_display(path, course.root), s)
    return EXIT_OK
