"""fixtures and diagnose, directly: a record survives the round trip; a mistake is named only on a match."""
import math

import pytest

from grader.grading import diagnose, fixtures
from grader.grading.jobs import CheckMeta
from grader.sandbox.records import CheckRun, RunStatus


def meta(name):
    return CheckMeta("ex", name, "d", 1, None, None, 3.0, (), False)


def test_a_run_survives_the_fixture_round_trip():
    run = CheckRun("c", RunStatus.OK, {"x": [1.0, math.inf, -math.inf], "s": "t"})
    back = fixtures.run_from_json("c", fixtures.run_to_json(run))
    assert back.status == RunStatus.OK and back.value["s"] == "t" and back.value["x"][1] == math.inf


@pytest.mark.parametrize("bad", [{"status": "pass"}, {"status": None}, "ok", {"status": "ok", "error": 3}])
def test_a_malformed_record_raises_value_error(bad):
    with pytest.raises(ValueError):
        fixtures.run_from_json("c", bad)


def run(x):
    return CheckRun("c", RunStatus.OK, x)


def test_a_mistake_is_named_where_the_student_shows_all_its_symptoms():
    metas = [meta("a"), meta("b")]
    ref = {"a": run(1.0), "b": run(1.0)}
    wrong = {"a": run(2.0), "b": run(1.0)}                  # concerns check a only
    student = {"a": run(2.0), "b": run(5.0)}                # a second, unknown bug on b
    kept = diagnose.explain(metas, student, ref, [("m", wrong)], {"a", "b"})
    assert kept == [("m", {"a"})]


def test_a_shared_symptom_is_not_a_name():
    """The pow mistake breaks both checks; a student who fails only the division check did not make it."""
    metas = [meta("pow"), meta("div")]
    ref = {"pow": run(1.0), "div": run(1.0)}
    pow_lost_minus_one = {"pow": run(3.0), "div": run(3.0)}
    student = {"pow": run(1.0), "div": run(3.0)}
    assert diagnose.explain(metas, student, ref, [("pow", pow_lost_minus_one)], {"div"}) == []


def test_two_mistakes_are_both_named_and_subsets_dropped():
    metas = [meta("a"), meta("b")]
    ref = {"a": run(1.0), "b": run(1.0)}
    m1, m2, m3 = {"a": run(2.0), "b": run(1.0)}, {"a": run(1.0), "b": run(3.0)}, {"a": run(2.0), "b": run(1.0)}
    student = {"a": run(2.0), "b": run(3.0)}
    kept = diagnose.explain(metas, student, ref, [("m1", m1), ("m2", m2), ("m3", m3)], {"a", "b"})
    assert [m for m, _ in kept] == ["m1", "m2"]


def test_an_exercise_waiting_for_an_unwritten_import_is_blocked(toy):
    import shutil

    from grader.course.manifest import load_course
    from grader.grading import engine
    shutil.copy(toy / "solutions" / "toy" / "counter.py", toy / "exercises" / "toy" / "counter.py")
    res = engine.grade_set(load_course(toy).set("toy"))
    scale, counter = res.exercises
    assert scale.status == "not started" and scale.unwritten == ["scale"]
    assert counter.status == "blocked" and "scale.py" in counter.detail and counter.unwritten == []
