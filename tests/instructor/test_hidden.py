"""Hidden checks: out of the student bundle (checks, fixtures, points, README), in the Gradescope zip."""
import json
import shutil
import zipfile

from grader.cli import main
from grader.course.manifest import load_course
from grader.grading import engine
from grader.grading.status import Status

HIDDEN = '''

@check("scale", "scales by a secret factor", hidden=True, points=2)
def secret_factor(m, ctx):
    return m.scale([0.25, 0.5], 7.0)
'''


def with_hidden(toy):
    checks = toy / "exercises" / "toy" / "checks.py"
    checks.write_text(checks.read_text() + HIDDEN)
    manifest = toy / "exercises" / "toy" / "set.toml"
    manifest.write_text(manifest.read_text().replace("points = 3\n", "points = 5\n"))
    assert main(["dev", "record", "--root", str(toy)]) == 0
    return toy


def test_hidden_checks_stay_out_of_the_bundle(toy, tmp_path):
    with_hidden(toy)
    out = tmp_path / "bundle"
    assert main(["publish", "toy", "--gradescope", "--out", str(out), "--root", str(toy)]) == 0
    text = "\n".join(p.read_text(errors="replace") for p in out.rglob("*") if p.is_file() and "grader" not in p.parts)
    assert "secret_factor" not in text and "secret factor" not in text
    assert "secret_factor" not in json.loads((out / "data" / "fixtures" / "toy" / "scale.json").read_text())["reference"]
    bundle = load_course(out).set("toy")
    assert bundle.exercise("scale").points == 3 and bundle.points == 5
    for p in (toy / "solutions" / "toy").glob("*.py"):
        shutil.copy(p, out / "exercises" / "toy" / p.name)
    res = engine.grade_set(bundle)
    assert res.all_passed and res.points == 5 and [c.name for c in res.exercises[0].checks] == ["short", "seeded"]
    with zipfile.ZipFile(tmp_path / "bundle-autograder.zip") as z:
        assert "secret_factor" in z.read("exercises/toy/checks.py").decode()
        assert "points = 5" in z.read("exercises/toy/set.toml").decode()


def test_the_readme_may_not_name_a_hidden_check(toy, tmp_path, capsys):
    with_hidden(toy)
    (toy / "exercises" / "toy" / "README.md").write_text("# Toy\n\nWe also check: scales by a secret factor.\n")
    assert main(["publish", "toy", "--out", str(tmp_path / "b"), "--root", str(toy)]) == 2
    assert "names a hidden check" in capsys.readouterr().out and not (tmp_path / "b").exists()


def test_batch_runs_hidden_checks(toy, tmp_path):
    with_hidden(toy)
    s = load_course(toy).set("toy")
    sub = tmp_path / "sub"
    shutil.copytree(toy / "solutions" / "toy", sub)
    (sub / "scale.py").write_text((sub / "scale.py").read_text().replace("return [k * x for x in xs]",
                                                                         "return [k * x if k < 5 else 0 for x in xs]"))
    res = engine.grade_set(s, opts=engine.Options(student_dir=sub))
    scale = res.exercises[0]
    assert scale.status == Status.FAILING and [c.name for c in scale.checks if c.status != "pass"] == ["secret_factor"]
