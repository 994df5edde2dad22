"""The instructor loop: fixtures, publish (hidden means hidden), scaffolding, batch, Gradescope."""
import csv
import json
import shutil
import zipfile

import pytest

from tests.helpers import solve
from grader.grading import engine
from grader.render import machine
from grader.cli import main
from grader.course.manifest import load_course


def grade(root, **kw):
    return engine.grade_set(load_course(root).set("toy"), opts=engine.Options(**kw))


def verdicts(result):
    return [(r.exercise.id, r.status, r.points, r.mistake and r.mistake.id,
             [(c.name, c.status) for c in r.checks]) for r in result.exercises]


def break_counter(root, refs=None):
    p = root / "exercises" / "toy" / "counter.py"
    ref = (refs or root) / "solutions" / "toy" / "counter.py"
    p.write_text(ref.read_text().replace("self.total += x", "self.total = x"))


def test_dev_check_fails_on_a_stale_fixture(toy, capsys):
    checks = toy / "exercises" / "toy" / "checks.py"
    checks.write_text(checks.read_text() + "\n# a change\n")
    assert main(["dev", "check", "--root", str(toy)]) == 1
    assert "stale (run `grade dev record`)" in capsys.readouterr().out
    assert main(["dev", "record", "--root", str(toy)]) == 0
    assert main(["dev", "check", "--root", str(toy)]) == 0


def test_bundle_hides_solutions_and_grades_exactly_as_the_repo(toy, tmp_path):
    out = tmp_path / "bundle"
    assert main(["publish", "toy", "--out", str(out), "--root", str(toy)]) == 0
    assert not (out / "solutions").exists() and not list(out.rglob("mistakes.toml"))
    lines = {ln.strip() for p in out.rglob("*") if p.is_file() and "grader" not in p.parts
             for ln in p.read_text(errors="replace").splitlines()}
    assert "return [k * x for x in xs]" not in lines and "self.total += x" not in lines
    for root in (toy, out):
        shutil.copy(toy / "solutions" / "toy" / "scale.py", root / "exercises" / "toy" / "scale.py")
        break_counter(root, refs=toy)
    assert verdicts(grade(toy)) == verdicts(grade(out))
    assert grade(out).exercises[1].mistake.id == "overwrites"


def test_publish_refuses_a_leak(toy, tmp_path, capsys):
    readme = toy / "exercises" / "toy" / "README.md"
    readme.write_text("Cheat sheet:\n    return [k * x for x in xs]\n")
    assert main(["publish", "toy", "--out", str(tmp_path / "b"), "--root", str(toy)]) == 2
    assert "would leak" in capsys.readouterr().out and not (tmp_path / "b").exists()


def test_bundle_needs_fresh_fixtures(toy, tmp_path, capsys):
    shutil.rmtree(toy / "data" / "fixtures")
    assert main(["publish", "toy", "--out", str(tmp_path / "b"), "--root", str(toy)]) == 2
    assert "grade dev record" in capsys.readouterr().out


def test_scaffold_passes_dev_check_at_once(toy, capsys):
    assert main(["dev", "new", "intro", "--root", str(toy)]) == 0
    assert main(["dev", "new", "intro", "second", "--root", str(toy)]) == 0
    assert main(["dev", "check", "--root", str(toy)]) == 0
    assert load_course(toy).set_names == ("toy", "intro")
    assert "TODO(author)" in (toy / "solutions" / "intro" / "first.py").read_text()


def test_batch_grades_a_class(toy, tmp_path):
    subs = tmp_path / "subs"
    right, wrong, crash = subs / "right", subs / "wrong", subs / "crash"
    for d in (right, wrong, crash):
        d.mkdir(parents=True)
    for p in (toy / "solutions" / "toy").glob("*.py"):
        shutil.copy(p, right / p.name)
        shutil.copy(p, wrong / p.name)
        shutil.copy(toy / "exercises" / "toy" / p.name, crash / p.name)
    (wrong / "counter.py").write_text((wrong / "counter.py").read_text().replace("+=", "="))
    (crash / "scale.py").write_text("import ctypes\ndef scale(xs, k):\n    ctypes.string_at(0)\n")
    with zipfile.ZipFile(subs / "right.zip", "w") as z:
        z.write(right / "scale.py", "hw/exercises/toy/scale.py")
        z.write(right / "counter.py", "hw/exercises/toy/counter.py")
        z.writestr("../../evil.py", "x = 1")
    (subs / "broken.zip").write_bytes(b"not a zip")
    out = tmp_path / "out"
    assert main(["batch", "toy", str(subs / "right.zip"), str(wrong), str(crash), str(subs / "broken.zip"),
                 "--out", str(out), "--root", str(toy)]) == 0
    rows = {r["submission"]: r for r in csv.DictReader(open(out / "gradebook.csv"))}
    assert rows["right"]["total"] == "5" and rows["wrong"]["total"] == "3" and rows["crash"]["total"] == "0"
    assert "scale: error" in rows["crash"]["causes"] and "not a readable zip" in rows["broken"]["error"]
    assert json.loads((out / "wrong.json").read_text())["exercises"][1]["mistake"]["id"] == "overwrites"
    assert not (tmp_path / "evil.py").exists()


def test_gradescope_results_and_autograder_zip(toy, tmp_path, capsys):
    solve(toy)
    break_counter(toy)
    data = machine.as_gradescope(grade(toy))
    assert data["score"] == 3 and {t["status"] for t in data["tests"]} == {"passed", "failed"}
    assert set(data["tests"][0]) == {"name", "score", "max_score", "status", "output", "visibility"}
    failed = next(t for t in data["tests"] if t["status"] == "failed")
    assert "expected 9, got 6" in failed["output"] and "Known mistake" in failed["output"]
    sub = tmp_path / "submission"
    sub.mkdir()
    shutil.copy(toy / "exercises" / "toy" / "counter.py", sub)
    capsys.readouterr()
    assert main(["toy", "--from", str(sub), "--format", "gradescope", "--root", str(toy)]) == 1
    assert json.loads(capsys.readouterr().out)["score"] == 0  # scale.py missing from the submission
    assert main(["publish", "toy", "--gradescope", "--out", str(tmp_path / "gs"), "--root", str(toy)]) == 0
    names = zipfile.ZipFile(tmp_path / "gs-autograder.zip").namelist()  # beside the bundle, never in it
    assert "setup.sh" in names and "run_autograder" in names and "grader/cli.py" in names
    assert "solutions/toy/scale.py" in names and not (tmp_path / "gs" / "solutions").exists()


def test_a_reference_that_times_out_is_never_recorded(toy, capsys):
    """A busy machine can make a reference time out: that is no answer, so the fixture is not written (it
    stays stale and dev check says so) and the instructor is told."""
    checks = toy / "exercises" / "toy" / "checks.py"
    checks.write_text(checks.read_text().replace('@check("counter", "accumulates across calls", points=2)',
                                                 '@check("counter", "accumulates across calls", points=2, timeout=0.5)')
                      .replace("    c = m.Counter()\n", "    c = m.Counter()\n    while True:\n        pass\n"))
    fixture = toy / "data" / "fixtures" / "toy" / "counter.json"
    before = fixture.read_bytes()
    assert main(["dev", "record", "--root", str(toy)]) in (0, 1)
    out = capsys.readouterr().out
    assert "toy/counter: not recorded: the reference timeout on accumulates" in out
    assert fixture.read_bytes() == before
    assert main(["dev", "check", "--root", str(toy)]) == 1
