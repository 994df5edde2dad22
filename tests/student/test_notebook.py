"""Notebooks: export, grading a notebook file (with broken cells), and check() run for real in a kernel."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from tests.helpers import TOY, REPO
from grader.sources import cells as notebook
from grader.student import kernel
from grader.student import notebook as nb_export
from grader.cli import main
from grader.course.manifest import load_course

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _set(root: Path, name: str = "toy"):
    return load_course(root).set(name)


def _cells(nb) -> dict[str, nbformat.NotebookNode]:
    return {c.metadata["z2h"]["exercise"]: c for c in nb.cells if c.metadata.get("z2h", {}).get("exercise")}


def _fill(nb, root: Path, set_name: str, overrides: dict[str, str] | None = None) -> None:
    """Put the references (or the given sources) into the exercise cells, keeping the marker line."""
    for eid, cell in _cells(nb).items():
        name = eid.split("/")[1]
        src = (overrides or {}).get(name) or (root / "solutions" / set_name / f"{name}.py").read_text()
        cell.source = f"# z2h: {eid}\n{src}"


def test_export_tags_every_exercise_and_never_overwrites(toy, capsys):
    s = _set(toy)
    path = nb_export.export(s)
    assert path == toy / "exercises" / "toy" / "toy.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown"
    cells = _cells(nb)
    assert list(cells) == ["toy/scale", "toy/counter"]
    for eid, cell in cells.items():
        assert cell.metadata["tags"] == [f"z2h:{eid}"]
        assert cell.source.splitlines()[0] == f"# z2h: {eid}"
        assert (toy / "exercises" / "toy" / f"{eid.split('/')[1]}.py").read_text().strip() in cell.source
        nxt = nb.cells[nb.cells.index(cell) + 1]
        assert nxt.source == f'from grader import check\ncheck("{eid}")'
    with pytest.raises(FileExistsError):
        nb_export.export(s)
    assert main(["notebook", "toy", "--root", str(toy)]) == 1
    assert "--force" in capsys.readouterr().out
    path.write_text("my work")
    assert main(["notebook", "toy", "--root", str(toy), "--force"]) == 0
    assert nbformat.read(str(path), as_version=4).cells


def test_modules_from_notebook_and_grade_it(toy, capsys):
    s = _set(toy)
    nb = nb_export.build(s)
    _fill(nb, toy, "toy")
    path = toy / "solved.ipynb"
    nbformat.write(nb, str(path))
    modules, problems = notebook.modules_from_notebook(path, s)
    assert set(modules) == {"scale", "counter"} and problems == []
    assert "return [k * x for x in xs]" in modules["scale"]
    assert main(["toy", "--notebook", str(path), "--root", str(toy)]) == 0
    out = capsys.readouterr().out
    assert "passed" in out and "5/5 points" in out
    state = json.loads((toy / ".z2h" / "progress.json").read_text())
    assert state["exercises"]["toy/scale"]["status"] == "passed"


def test_broken_notebook_names_each_problem_and_grades_the_rest(toy, capsys):
    s = _set(toy)
    nb = nb_export.build(s)
    _fill(nb, toy, "toy")
    cells = _cells(nb)
    # counter's cell retagged: its first line now says toy/scale, its metadata still toy/counter
    cells["toy/counter"].source = cells["toy/counter"].source.replace("# z2h: toy/counter", "# z2h: toy/scale")
    # a second, wrong scale cell at the end; and a cell of another set
    nb.cells.append(nbformat.v4.new_code_cell("# z2h: toy/scale\ndef scale(xs, k):\n    return [x for x in xs]\n"))
    nb.cells.append(nbformat.v4.new_code_cell("# z2h: other/thing\nx = 1\n"))
    path = toy / "broken.ipynb"
    nbformat.write(nb, str(path))
    modules, problems = notebook.modules_from_notebook(path, s)
    assert set(modules) == {"scale"} and "return [x for x in xs]" in modules["scale"]
    text = "\n".join(problems)
    assert "labelled for more than one exercise" in text
    assert "2 cells are labelled toy/scale" in text and "graded the last" in text
    assert "other/thing" in text and "belongs to another set" in text
    assert "toy/counter: its only cell" in text
    assert main(["toy", "--notebook", str(path), "--root", str(toy), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    by = {e["id"]: e for e in doc["exercises"]}
    assert by["toy/scale"]["status"] == "failing"      # the last scale cell was graded
    assert by["toy/counter"]["status"] == "error" and "two labels" in by["toy/counter"]["detail"]
    assert doc["notebook"]["problems"] == problems


def test_deleted_and_reordered_cells(toy, capsys):
    s = _set(toy)
    nb = nb_export.build(s)
    _fill(nb, toy, "toy")
    scale = _cells(nb)["toy/scale"]
    nb.cells.remove(scale)
    path = toy / "deleted.ipynb"
    nbformat.write(nb, str(path))
    modules, problems = notebook.modules_from_notebook(path, s)
    assert set(modules) == {"counter"}
    assert any(p.startswith("toy/scale: the notebook has no cell for toy/scale") for p in problems)
    assert main(["toy", "--notebook", str(path), "--root", str(toy)]) == 1
    out = capsys.readouterr().out
    assert "no cell for toy/scale" in out and "z2h-nb-" not in out
    nb.cells.append(scale)                           # back, but below counter, which imports it
    nbformat.write(nb, str(path))
    modules, problems = notebook.modules_from_notebook(path, s)
    assert set(modules) == {"scale", "counter"}
    assert any("toy/counter: its cell" in p and "comes before" in p for p in problems)
    assert main(["toy", "--notebook", str(path), "--root", str(toy)]) == 0   # still graded, and right


def test_unreadable_notebook_and_magics(toy):
    s = _set(toy)
    bad = toy / "bad.ipynb"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="not a readable notebook"):
        notebook.modules_from_notebook(bad, s)
    src, n = notebook.strip_magics("# z2h: toy/scale\n%timeit 1\n!ls\nx = 1\n")
    assert n == 2 and src.splitlines()[1:] == ["# %timeit 1", "# !ls", "x = 1"]


def test_kernel_helpers_register_the_cell_as_a_module():
    names = kernel.top_level_names("import random as r\nfrom value import Value\nx, y = 1, 2\n"
                                     "class A:\n    z = 3\ndef f():\n    q = 1\n")
    assert names == ["r", "Value", "x", "y", "A", "f"]
    assert notebook.marker_of("\n# z2h: micrograd/value\nx") == "micrograd/value"
    assert notebook.marker_of("x = 1\n# z2h: micrograd/value") is None


# ---- a real kernel --------------------------------------------------------------------------------

def _execute(nb, cwd: Path):
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nbclient.NotebookClient(nb, timeout=180, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def _outputs(cell) -> str:
    out = []
    for o in cell.get("outputs", []):
        out.append(o.get("text") or o.get("data", {}).get("text/plain", "")
                   or f"{o.get('ename', '')}: {o.get('evalue', '')}")
    return ANSI.sub("", "\n".join(out))


def _check_outputs(nb) -> dict[str, str]:
    return {c.metadata["z2h"]["check"]: _outputs(c) for c in nb.cells if c.metadata.get("z2h", {}).get("check")}


def _course_for_kernel(tmp_path: Path) -> tuple[Path, str]:
    """The micrograd set when it is there (a copy of the course), else the toy course."""
    src, set_name = REPO, "micrograd"
    if not (REPO / "exercises" / "micrograd" / "set.toml").is_file() or not (REPO / "solutions" / "micrograd").is_dir():
        src, set_name = TOY, "toy"
    root = tmp_path / "course"
    root.mkdir()
    (root / "exercises").mkdir()
    shutil.copy(src / "exercises" / "course.toml", root / "exercises" / "course.toml")
    ignore = shutil.ignore_patterns("__pycache__", "*.ipynb", ".*")
    shutil.copytree(src / "exercises" / set_name, root / "exercises" / set_name, ignore=ignore)
    shutil.copytree(src / "solutions" / set_name, root / "solutions" / set_name, ignore=ignore)
    if (src / "data" / "fixtures" / set_name).is_dir():
        shutil.copytree(src / "data" / "fixtures" / set_name, root / "data" / "fixtures" / set_name)
    return root, set_name


def test_check_in_a_real_kernel_stubs_then_references(tmp_path):
    root, set_name = _course_for_kernel(tmp_path)
    s = load_course(root).set(set_name)
    path = nb_export.export(s)
    ids = [ex.id for ex in s.exercises]

    nb = _execute(nbformat.read(str(path), as_version=4), path.parent)
    outs = _check_outputs(nb)
    assert set(outs) == set(ids)
    for eid in ids:
        assert f"{eid}  not started" in outs[eid], outs[eid]

    nb = nbformat.read(str(path), as_version=4)
    _fill(nb, root, set_name)
    first = s.exercises[0].name
    probe = nbformat.v4.new_code_cell(f"import {first}\nprint({first}.__file__)")
    nb.cells.insert(nb.cells.index(_cells(nb)[s.exercises[0].id]) + 2, probe)
    nb = _execute(nb, path.parent)
    outs = _check_outputs(nb)
    for eid in ids:
        assert f"{eid}  passed" in outs[eid], outs[eid]
    # later cells import the notebook's version of an earlier exercise, not the file on disk
    assert f"<notebook cell {s.exercises[0].id}>" in _outputs(probe)
    state = json.loads((root / ".z2h" / "progress.json").read_text())
    assert all(state["exercises"][eid]["status"] == "passed" for eid in ids)


def test_check_in_a_kernel_explains_a_failure(toy):
    s = _set(toy)
    path = nb_export.export(s)
    nb = nbformat.read(str(path), as_version=4)
    _fill(nb, toy, "toy", {"scale": "def scale(xs, k):\n    return [k * x for x in xs[:-1]] + [1 / 0]\n"})
    nb = _execute(nb, path.parent)
    out = _check_outputs(nb)["toy/scale"]
    assert "toy/scale  error" in out and "ZeroDivisionError" in out
    assert 'cell toy/scale' in out and "z2h-nb-" not in out     # the cell is named, not a temp file
    assert 'run check("toy/scale") again' in out


HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>&amp;"


def test_check_panel_is_html_that_wraps_and_escapes_what_the_student_wrote(toy):
    """check()'s output carries text/html that fits any width (CSS wraps it: no fixed columns, no
    fixed width) and text/plain beside it; what the student's code printed or raised is escaped."""
    s = _set(toy)
    path = nb_export.export(s)
    nb = nbformat.read(str(path), as_version=4)
    body = (f"def scale(xs, k):\n    print({HOSTILE!r} + 'w' * 300)\n"
            f"    raise ValueError({HOSTILE!r})\n")
    _fill(nb, toy, "toy", {"scale": body})
    nb = _execute(nb, path.parent)
    cell = next(c for c in nb.cells if c.metadata.get("z2h", {}).get("check") == "toy/scale")
    bundles = [o["data"] for o in cell.outputs if "text/html" in o.get("data", {})]
    assert len(bundles) == 1, cell.outputs
    page, text = bundles[0]["text/html"], bundles[0]["text/plain"]
    assert "toy/scale  error" in text and "ValueError" in text
    assert "ValueError" in page and "toy/scale" in page
    assert "<script" not in page and "<img" not in page and "&lt;script&gt;" in page
    assert "&amp;amp;" in page                                  # escaped once, as written
    assert "white-space:pre-wrap" in page and "white-space:pre;" not in page
    assert not re.search(r"(min-|max-)?width:\s*[0-9.]+(px|em|ch|rem)", page), page[:500]
    assert "w" * 300 in page                                    # one word: CSS breaks it, not the grader
