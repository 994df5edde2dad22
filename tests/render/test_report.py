"""Rendering, checked on a Console(file=StringIO()): what the student reads."""
from io import StringIO

from tests.helpers import solve
from grader.grading import engine
from grader.render import console as console_r
from grader.render import machine
from grader.render import screens
from grader.course.manifest import load_course


def render(root, focus=False):
    s = load_course(root).set("toy")
    res = engine.grade_set(s)
    buf = StringIO()
    screens.render_set(console_r.make_console(buf, width=100), res, focus=focus)
    return buf.getvalue(), res


def test_stubs_show_not_started_and_the_file_to_edit(toy):
    out, _ = render(toy)
    assert out.count("not started") == 2 and "0/5 points" in out
    assert "edit exercises/toy/scale.py" in out and "hint: Multiply every item by k." in out
    assert "\x1b[" not in out  # plain text off a terminal


def test_failing_check_explains_itself_and_names_the_mistake(toy):
    solve(toy)
    p = toy / "exercises" / "toy" / "counter.py"
    p.write_text(p.read_text().replace("self.total += x", "self.total = x"))
    out, _ = render(toy)
    assert "check accumulates" in out and "expected 9, got 6" in out
    assert "Known mistake: the total is overwritten (=) instead of accumulated (+=)" in out
    assert "Edit exercises/toy/counter.py" in out


def test_solved_set_says_so(toy):
    solve(toy)
    out, res = render(toy)
    assert "5/5 points" in out and "All of toy passes" in out and res.all_passed


def test_error_shows_student_traceback(toy):
    (toy / "exercises" / "toy" / "scale.py").write_text("def scale(xs, k):\n    return xs[99]\n")
    out, _ = render(toy)
    assert "IndexError" in out and 'scale.py", line 2' in out and "grader" not in out.split("IndexError")[0][-400:]


def test_json_view_is_complete(toy):
    _, res = render(toy)
    data = machine.as_json(res)
    assert data["set"] == "toy" and data["max_points"] == 5
    assert [e["status"] for e in data["exercises"]] == ["not started", "not started"]


def test_dashboard_lists_sets_and_next(toy):
    buf = StringIO()
    course = load_course(toy)
    screens.render_dashboard(console_r.make_console(buf, width=100), course,
                            [{"name": "toy", "title": "t", "points": 3, "max": 5, "passed": 1, "total": 2,
                              "next": "toy/counter: A counter"}])
    out = buf.getvalue()
    assert "3/5" in out and "Next up: toy/counter" in out


def test_a_failing_import_is_named_where_it_shows_up(toy):
    """counter runs scale: with scale wrong (a factor the catalogue does not know), counter's failure is
    said to come from scale.py, in the panel and in --json."""
    solve(toy)
    p = toy / "exercises" / "toy" / "scale.py"
    p.write_text(p.read_text().replace("return [k * x for x in xs]", "return [k * x + 0.5 for x in xs]"))
    assert "+ 0.5" in p.read_text()
    s = load_course(toy).set("toy")
    res = engine.grade_set(s)
    counter = next(r for r in res.exercises if r.exercise.name == "counter")
    assert counter.status == "failing" and counter.needs_failing == ["scale.py"]
    from grader.render.panels import exercise_panel
    buf = StringIO()
    console_r.make_console(buf, width=120).print(exercise_panel(counter))
    assert "runs your scale.py, which fails its own checks" in buf.getvalue()
    doc = machine.as_json(res)
    assert next(e for e in doc["exercises"] if e["id"] == "toy/counter")["needs_failing"] == ["scale.py"]
    assert next(e for e in doc["exercises"] if e["id"] == "toy/scale")["needs_failing"] == []
