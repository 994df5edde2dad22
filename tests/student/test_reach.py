"""Where students are: global options anywhere, JSON or a refusal from every verb, `grade init`
and workspace discovery, `grade doctor`, the course shipped in the distribution, a Colab notebook."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from tests.helpers import REPO
from grader.cli import JSON_VERBS, VERBS, main, split_globals

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def home(tmp_path, monkeypatch):
    """No workspace anywhere: a fresh config folder, no $Z2H_HOME, a current folder with no course."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("Z2H_HOME", raising=False)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return tmp_path


def out_json(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


def test_global_options_before_or_after_the_verb(toy, capsys):
    assert split_globals(["--root", "R", "--json", "hint", "x"]) == ["hint", "x", "--root", "R", "--json"]
    assert split_globals(["toy", "--root", "R"]) == ["toy", "--root", "R"]
    assert main(["--root", str(toy), "--json", "hint", "toy/scale"]) == 0
    assert out_json(capsys)["schema"] == "z2h-hint/1"
    assert main(["--json", "--root", str(toy), "toy"]) == 1
    assert out_json(capsys)["schema"] == "z2h-grade/1"


def test_every_verb_honours_json_or_refuses_it(toy, capsys):
    args = {"hint": ["toy/scale"], "reset": ["toy/scale", "-y"], "data": [], "dev": ["check"], "watch": ["toy"],
            "publish": ["toy", "--out", str(toy / "o")], "batch": ["toy", "x", "--out", str(toy / "o")],
            "notebook": ["toy"], "doctor": [], "init": [str(toy / "ws")]}
    for verb in VERBS:
        code = main([verb, *args[verb], "--root", str(toy), "--json"])
        doc = out_json(capsys)
        assert "schema" in doc, verb
        if verb in JSON_VERBS:
            assert doc["schema"] != "z2h-error/1", (verb, doc)
        else:
            assert code == 2 and doc["schema"] == "z2h-error/1" and "does not print JSON" in doc["error"], verb
    assert not (toy / "exercises" / "toy" / ".scale.py.bak").exists()   # reset refused: nothing done


def test_hint_json_uses_up_no_hint(toy, capsys):
    for _ in range(3):
        assert main(["hint", "toy/scale", "--json", "--root", str(toy)]) == 0
        assert out_json(capsys)["shown"] == 0
    main(["hint", "toy/scale", "--root", str(toy)])
    capsys.readouterr()
    main(["hint", "toy/scale", "--json", "--root", str(toy)])
    assert out_json(capsys)["shown"] == 1


@pytest.mark.parametrize("argv", [["--json", "--bogus"], ["toy", "--json", "--seed", "x"], ["--json", "nope"],
                                  ["hint", "nope/x", "--json"], ["--format", "gradescope", "--nope"]])
def test_errors_in_the_format_asked_for(toy, capsys, argv):
    assert main([*argv, "--root", str(toy)]) == 2
    doc = out_json(capsys)
    assert doc.get("schema") == "z2h-error/1" or doc.get("score") == 0


def test_init_then_grade_from_anywhere(home, capsys, monkeypatch):
    assert main(["micrograd"]) == 2 and "grade init" in capsys.readouterr().out
    assert main(["init", str(home / "ws"), "--json"]) == 0
    assert out_json(capsys) == {"schema": "z2h-init/1", "workspace": str((home / "ws").resolve())}
    ws = home / "ws"
    assert not (ws / "solutions").exists() and not list(ws.rglob("mistakes.toml"))
    assert (ws / "data" / "stubs" / "micrograd" / "value.py").is_file()
    assert main(["micrograd/value", "--json"]) == 1          # found through the last init
    assert out_json(capsys)["exercises"][0]["status"] == "not started"
    assert main(["init", str(ws)]) == 2                       # never over a workspace
    capsys.readouterr()
    other = home / "other"
    assert main(["init", str(other)]) == 0
    capsys.readouterr()
    monkeypatch.setenv("Z2H_HOME", str(ws))                   # $Z2H_HOME before the last init
    main(["doctor", "--json"])
    found = {r["what"]: r for r in out_json(capsys)["findings"]}
    assert found["workspace"]["found"] == str(ws.resolve()) and found["progress"]["ok"]
    monkeypatch.chdir(other / "exercises")                    # the current folder before both
    main(["doctor", "--json"])
    assert {r["what"]: r for r in out_json(capsys)["findings"]}["workspace"]["found"] == str(other.resolve())


def test_doctor_says_what_to_do(home, capsys):
    assert main(["doctor"]) == 1
    text = capsys.readouterr().out
    assert "FAIL workspace" in text and "grade init" in text and "torch" in text


def test_the_distribution_lists_every_package():
    import tomllib
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "grader").rglob("__init__.py")}
    assert found <= listed


@pytest.mark.slow
def test_the_wheel_ships_the_course_and_no_solutions(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path / "w")], check=True, timeout=300, cwd=tmp_path)
    wheel = next((tmp_path / "w").glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert not [n for n in names if "solutions" in n or n.endswith("mistakes.toml")]
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    run = subprocess.run([sys.executable, "-m", "grader.cli", "init", str(tmp_path / "ws")], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    run = subprocess.run([sys.executable, "-m", "grader.cli", "micrograd", "--json"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert json.loads(run.stdout)["exercises"][0]["status"] == "not started"


@pytest.mark.slow
def test_colab_notebook_in_a_fresh_kernel_with_no_course(tmp_path, toy):
    """The --colab notebook, run top to bottom where there is no course: its first cell makes the
    workspace on the (simulated) Drive; a solved cell passes; progress lands on Drive."""
    nbclient = pytest.importorskip("nbclient")
    from grader.course.manifest import load_course
    from grader.student import notebook as nb_export
    s = load_course(REPO).set("micrograd")
    path = nb_export.export(s, tmp_path / "nb" / "micrograd.ipynb", colab=True, package="unused-here")
    nb = nbformat.read(str(path), as_version=4)
    assert "pip" in nb.cells[0].source and "Z2H_DRIVE" in nb.cells[0].source
    cell = next(c for c in nb.cells if c.metadata.get("z2h", {}).get("exercise") == "micrograd/value")
    cell.source = "# z2h: micrograd/value\n" + (REPO / "solutions" / "micrograd" / "value.py").read_text()
    drive = tmp_path / "drive"
    drive.mkdir()
    (tmp_path / "home").mkdir()
    env = {"Z2H_DRIVE": str(drive), "XDG_CONFIG_HOME": str(tmp_path / "cfg"), "HOME": str(tmp_path / "home")}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        for k, v in old.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    outs = {c.metadata["z2h"]["check"]: ANSI.sub("", "".join(o.get("text") or o.get("data", {}).get("text/plain", "")
                                                             for o in c.get("outputs", [])))
            for c in nb.cells if c.metadata.get("z2h", {}).get("check")}
    assert "micrograd/value  passed" in outs["micrograd/value"], outs["micrograd/value"]
    assert "not started" in outs["micrograd/backward"]
    state = json.loads((drive / "z2h" / ".z2h" / "progress.json").read_text())
    assert state["exercises"]["micrograd/value"]["status"] == "passed"


def test_the_bundle_readme_installs_torch_as_the_project_readme_does(toy):
    """A published bundle's README: the CPU wheel from PyTorch's CPU index on Linux, plain
    `pip install torch` elsewhere, any torch from 2.1, never a pinned version; and where it runs."""
    from grader.course.manifest import load_course
    from grader.instructor.publish import _readme
    text = _readme(load_course(toy), ["toy"])
    assert "pip install torch --index-url https://download.pytorch.org/whl/cpu" in text
    assert "plain `pip install torch`" in text and "torch from 2.1" in text
    assert "torch==" not in text
    for where in ("Linux", "macOS", "Windows", "WSL", "Colab", "from grader import check"):
        assert where in text, where
    project = (REPO / "README.md").read_text()
    assert "pip install torch --index-url https://download.pytorch.org/whl/cpu" in project
    assert "torch==" not in project.split("## The student loop")[0]
