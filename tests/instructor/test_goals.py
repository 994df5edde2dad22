"""Milestones with goals, hidden checks in dev check, and `dev record` refusing a missing dataset."""
import hashlib

from grader.cli import main
from grader.course.manifest import load_course
from grader.grading import engine
from grader.grading.status import Verdict
from tests.helpers import add_milestone_without_its_dataset, solve

GOAL = '''

@check("counter", "milestone: reaches the goal", milestone=True, goal={{"key": "loss", "max": {limit}}})
def reach(m, ctx):
    c = m.Counter()
    c.add([1.0, 2.0, 3.0])
    return {{"loss": c.total / 10.0}}
'''


def add_goal(toy, limit):
    checks = toy / "exercises" / "toy" / "checks.py"
    checks.write_text(checks.read_text() + GOAL.format(limit=limit))
    manifest = toy / "exercises" / "toy" / "set.toml"
    manifest.write_text(manifest.read_text().replace("points = 2\n", "points = 3\n"))


def milestone(result):
    return next(c for r in result.exercises for c in r.checks if c.name == "reach")


def test_a_student_passes_a_goal_by_meeting_it_not_by_matching(toy):
    add_goal(toy, 1.0)                       # the reference reaches 0.6
    solve(toy)
    counter = toy / "exercises" / "toy" / "counter.py"
    counter.write_text(counter.read_text().replace("self.total += x", "self.total += x * 0.5"))
    s = load_course(toy).set("toy")
    c = milestone(engine.grade_set(s))
    assert c.status == Verdict.PASS and c.goal_value == 0.3   # not the reference's 0.6, but within the goal
    counter.write_text(counter.read_text().replace("x * 0.5", "x * 5"))
    c = milestone(engine.grade_set(s))
    assert c.status == Verdict.FAIL and "the goal is loss <= 1" in c.comparison.mismatches[0].notes[0]


def test_dev_check_fails_when_the_reference_misses_its_goal(toy, capsys):
    add_goal(toy, 0.5)                       # the reference reaches 0.6: the goal is wrong
    assert main(["dev", "record", "--root", str(toy)]) == 0
    assert main(["dev", "check", "--root", str(toy)]) == 1
    assert "the reference passes every check; not: reach" in capsys.readouterr().out


def test_dev_check_proves_hidden_checks_catch_mistakes(toy, capsys):
    checks = toy / "exercises" / "toy" / "checks.py"
    checks.write_text(checks.read_text() + '''

@check("scale", "a hidden draw", hidden=True)
def hidden_draw(m, ctx):
    return m.scale([ctx.random.random()], 3.0)
''')
    manifest = toy / "exercises" / "toy" / "set.toml"
    manifest.write_text(manifest.read_text().replace("points = 3\n", "points = 4\n"))
    assert main(["dev", "record", "--root", str(toy)]) == 0
    assert main(["dev", "check", "-v", "--root", str(toy)]) == 0
    assert "toy/scale: its hidden checks catch a known mistake on their own" in capsys.readouterr().out


def test_dev_record_fails_on_a_missing_dataset_unless_allowed(toy, capsys, monkeypatch):
    monkeypatch.delenv("Z2H_DATA", raising=False)
    add_milestone_without_its_dataset(toy)
    assert main(["dev", "record", "--root", str(toy)]) == 1
    assert "dataset missing" in capsys.readouterr().out
    assert main(["dev", "record", "--allow-missing", "--root", str(toy)]) == 0
