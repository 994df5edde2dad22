"""Gradescope end to end: the zip built, setup.sh's project steps and run_autograder run in a fake
/autograder tree (paths rewritten), results.json validated field by field against Gradescope's
documented format (https://gradescope-autograders.readthedocs.io/en/latest/specs/)."""
import hashlib
import json
import math
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from grader.cli import main
from tests.helpers import solve

TOP = {"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
       "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
TEST = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags",
        "visibility", "extra_data"}
VIS = {"hidden", "after_due_date", "after_published", "visible"}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}

MILESTONE = '''

@check("counter", "milestone: a long run on toy.txt reaches the goal", points=3, milestone=True,
       data=["toy.txt"], goal={"key": "loss", "max": 2.0, "leaderboard": "loss"})
def long_run(m, ctx):
    c = m.Counter()
    c.add([float(len(line)) for line in ctx.data("toy.txt").read_text().split()])
    return {"loss": c.total / 100.0}


@check("scale", "scales by a hidden factor", hidden=True)
def hidden_scale(m, ctx):
    return m.scale([1.0, -2.0], 3.5)
'''


def validate(doc: dict) -> None:
    """Gradescope's results.json, field by field."""
    assert set(doc) <= TOP, set(doc) - TOP
    assert isinstance(doc["score"], (int, float)) and math.isfinite(doc["score"])
    assert isinstance(doc.get("execution_time", 0), (int, float))
    assert isinstance(doc.get("output", ""), str) and doc.get("output_format", "text") in FORMATS
    assert doc.get("visibility", "visible") in VIS
    for t in doc["tests"]:
        assert set(t) <= TEST, set(t) - TEST
        assert isinstance(t["name"], str) and t["name"]
        assert isinstance(t["score"], (int, float)) and isinstance(t["max_score"], (int, float))
        assert 0 <= t["score"] <= t["max_score"]
        assert t["status"] in ("passed", "failed") and t["visibility"] in VIS
        assert isinstance(t["output"], str)
    for e in doc.get("leaderboard", []):
        assert set(e) <= {"name", "value", "order"} and e.get("order", "desc") in ("asc", "desc")
        assert isinstance(e["value"], (int, float, str))


def course_with_milestone(toy):
    (toy / "exercises" / "toy" / "checks.py").write_text((toy / "exercises" / "toy" / "checks.py").read_text() + MILESTONE)
    data = b"abc\nde\nf\n"
    (toy / "data" / "toy.txt").write_bytes(data)
    (toy / "exercises" / "datasets.toml").write_text(
        f'[[datasets]]\nname = "toy.txt"\nurl = "https://example.invalid/toy.txt"\n'
        f'sha256 = "{hashlib.sha256(data).hexdigest()}"\nused_by = "toy"\n')
    manifest = toy / "exercises" / "toy" / "set.toml"
    manifest.write_text(manifest.read_text().replace("points = 3", "points = 4").replace("points = 2", "points = 5"))
    assert main(["dev", "record", "--root", str(toy)]) == 0
    return toy


@pytest.fixture
def autograder(toy, tmp_path, monkeypatch):
    ag = fake_autograder()
    yield from _autograder(toy, tmp_path, monkeypatch, ag)
    shutil.rmtree(ag.parent, ignore_errors=True)


def _autograder(toy, tmp_path, monkeypatch, ag):
    monkeypatch.delenv("Z2H_DATA", raising=False)
    course_with_milestone(toy)
    unpack(toy, "toy", tmp_path, ag)
    assert "toy.txt: present, sha256 verified" in (ag / "setup.out").read_text()
    yield toy, ag


def unpack(root, set_name, tmp_path, ag) -> None:
    """`grade publish SET --gradescope`, the zip extracted to ag/source, setup.sh's project steps run
    and run_autograder written to ag/run, with /autograder rewritten to `ag`."""
    assert main(["publish", set_name, "--gradescope", "--out", str(tmp_path / "gs"), "--root", str(root)]) == 0
    zpath = tmp_path / "gs-autograder.zip"
    assert not list((tmp_path / "gs").rglob("*.zip")) and stat.S_IMODE(zpath.stat().st_mode) == 0o600
    with zipfile.ZipFile(zpath) as z:
        z.extractall(ag / "source")
        assert z.getinfo("run_autograder").external_attr >> 16 == 0o755

    def rewrite(name):
        text = (ag / "source" / name).read_text().replace("/autograder/venv/bin/python", sys.executable)
        return text.replace("/autograder", str(ag))
    setup = rewrite("setup.sh")
    project = "set -euo pipefail\n" + setup.split("# --- project", 1)[1]
    r = subprocess.run(["bash", "-c", project], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    (ag / "setup.out").write_text(r.stdout)
    (ag / "run").write_text(rewrite("run_autograder"))


def fake_autograder() -> Path:
    # Gradescope's /autograder is traversable by every uid; pytest's tmp folders are 0700 (root's).
    ag = Path(tempfile.mkdtemp(prefix="z2h-fake-autograder-")) / "autograder"
    os.chmod(ag.parent, 0o755)
    return ag


def run(ag, files: dict) -> dict:
    sub = ag / "submission"
    shutil.rmtree(sub, ignore_errors=True)
    sub.mkdir()
    for name, text in files.items():
        (sub / name).write_text(text)
    (ag / "results").mkdir(exist_ok=True)
    (ag / "results" / "results.json").unlink(missing_ok=True)
    r = subprocess.run(["bash", str(ag / "run")], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    doc = json.loads((ag / "results" / "results.json").read_text(), parse_constant=pytest.fail)
    validate(doc)
    return doc


@pytest.mark.slow
def test_autograder_end_to_end(autograder):
    toy, ag = autograder
    sol = {p.name: p.read_text() for p in (toy / "solutions" / "toy").glob("*.py")}
    setup = (ag / "source" / "setup.sh").read_text()
    assert 'torch==2.13.0' in setup and "download.pytorch.org/whl/cpu" in setup
    cfg = json.loads((ag / "source" / "autograder.json").read_text())
    assert cfg["seed"] != 0 and "toy.txt" in cfg["datasets"]
    recorded = {p.name: json.loads(p.read_text()) for p in (ag / "source" / "data" / "fixtures" / "toy").glob("*.json")}
    assert recorded and all(doc["seed"] == cfg["seed"] for doc in recorded.values())   # at the secret seed

    solved = run(ag, sol)
    assert solved["score"] == 3 + 2 + 3 + 1 == sum(t["max_score"] for t in solved["tests"])
    assert all(t["status"] == "passed" for t in solved["tests"])
    assert solved["extra_data"] == {"reference_jobs_run": 0}   # the references came from those fixtures

    # values memorized from the bundle's fixtures (seed 0) pass locally and are worth nothing here
    seeded = json.loads((toy / "data" / "fixtures" / "toy" / "scale.json").read_text())["reference"]["seeded"]["value"]
    assert isinstance(seeded, list) and len(seeded) == 5
    memo = sol["scale.py"].replace("    return [k * x for x in xs]",
                                   f"    return {seeded!r} if len(xs) == 5 else [k * x for x in xs]")
    (ag / "memo").mkdir()
    (ag / "memo" / "scale.py").write_text(memo)
    (ag / "memo" / "counter.py").write_text(sol["counter.py"])
    from grader.course.manifest import load_course
    from grader.grading import engine
    from grader.grading.jobs import Options
    assert engine.grade_set(load_course(toy).set("toy"), opts=Options(student_dir=ag / "memo")).all_passed
    memorized = run(ag, {**sol, "scale.py": memo})
    assert [t["name"] for t in memorized["tests"] if t["status"] == "failed"] == ["toy/scale: scales by a seeded random factor"]
    assert solved["leaderboard"] == [{"name": "loss", "value": 0.06, "order": "asc"}]
    hidden = next(t for t in solved["tests"] if "hidden factor" in t["name"])
    assert hidden["visibility"] == "after_due_date"
    assert "toy: 9/9 points" in solved["output"]

    wrong = run(ag, {**sol, "counter.py": sol["counter.py"].replace("self.total += x", "self.total = x")})
    assert 0 < wrong["score"] < 9
    failed = next(t for t in wrong["tests"] if t["status"] == "failed")
    assert "Known mistake" in failed["output"] and "\n " not in failed["output"].split("Known mistake")[1]

    empty = run(ag, {})
    assert empty["score"] == 0 and "could not be graded" in empty["output"]

    notebook = run(ag, {"toy.ipynb": json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})})
    assert notebook["score"] == 0 and "could not be graded" in notebook["output"]

    for name, text in sol.items():   # the notebook `grade notebook` exports, with the work done, uploaded as is
        (toy / "exercises" / "toy" / name).write_text(text)
    assert main(["notebook", "toy", "--out", str(ag / "toy.ipynb"), "--root", str(toy)]) == 0
    solved_nb = run(ag, {"my work.ipynb": (ag / "toy.ipynb").read_text()})
    assert solved_nb["score"] == 9, solved_nb["output"]


@pytest.mark.slow
def test_a_milestone_that_cannot_run_is_never_a_silent_zero(autograder):
    toy, ag = autograder
    (ag / "source" / "data" / "toy.txt").unlink()
    sol = {p.name: p.read_text() for p in (toy / "solutions" / "toy").glob("*.py")}
    doc = run(ag, sol)
    assert "NOT GRADED" in doc["output"] and doc["extra_data"]["not_graded"]
    milestone = next(t for t in doc["tests"] if "milestone" in t["name"])
    assert milestone["output"].startswith("NOT GRADED")


@pytest.mark.slow
def test_a_solved_gpt_submission_reaches_the_leaderboard(tmp_path, dataset, monkeypatch):
    """The real gpt set: its milestone's goal (validation loss <= 2.4) puts the loss on Gradescope's
    leaderboard; the references (the milestone's too) come from fixtures recorded at publish time."""
    from tests.helpers import REPO
    data = dataset("tinyshakespeare.txt")
    root = tmp_path / "course"
    for d in ("exercises", "solutions", "data/fixtures"):
        shutil.copytree(REPO / d, root / d, ignore=shutil.ignore_patterns("__pycache__", ".z2h"))
    monkeypatch.setenv("Z2H_DATA", str(data.parent))
    ag = fake_autograder()
    try:
        unpack(root, "gpt", tmp_path, ag)
        assert "tinyshakespeare.txt: present, sha256 verified" in (ag / "setup.out").read_text()
        monkeypatch.delenv("Z2H_DATA")   # as on Gradescope: the dataset travels in the zip
        solved = run(ag, {p.name: p.read_text() for p in (root / "solutions" / "gpt").glob("*.py")})
        assert solved["score"] == sum(t["max_score"] for t in solved["tests"]), \
            [t["output"] for t in solved["tests"] if t["status"] != "passed"]
        [entry] = solved["leaderboard"]
        assert entry["name"] == "GPT validation loss" and entry["order"] == "asc" and 1.5 < entry["value"] <= 2.4
        milestone = next(t for t in solved["tests"] if "milestone" in t["name"])
        assert milestone["status"] == "passed" and milestone["score"] == 4
        assert solved["extra_data"] == {"reference_jobs_run": 0}
    finally:
        shutil.rmtree(ag.parent, ignore_errors=True)


def test_a_reference_that_fails_at_the_secret_seed_is_never_shipped(toy, tmp_path, capsys):
    """The zip's fixtures are recorded once, at publish time: a reference failure there would fail
    every submission on Gradescope, so publishing refuses in words."""
    checks = toy / "exercises" / "toy" / "checks.py"
    checks.write_text(checks.read_text() + '''

@check("scale", "holds at seed 0 only")
def fragile(m, ctx):
    from grader.checks import check_seed
    if ctx.seed != check_seed(0, "scale", "fragile"):
        raise RuntimeError("only at seed 0")
    return m.scale([1.0], 2.0)
''')
    manifest = toy / "exercises" / "toy" / "set.toml"
    manifest.write_text(manifest.read_text().replace("points = 3\n", "points = 4\n"))
    assert main(["dev", "record", "--root", str(toy)]) == 0
    capsys.readouterr()
    assert main(["publish", "toy", "--gradescope", "--out", str(tmp_path / "gs"), "--root", str(toy)]) == 2
    out = " ".join(capsys.readouterr().out.split())
    assert "the reference did not pass at the autograder's seed" in out and "toy/scale: fragile (error" in out
    assert not (tmp_path / "gs").exists() and not (tmp_path / "gs-autograder.zip").exists()
