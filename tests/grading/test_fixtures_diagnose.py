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


def test_a_mistake_is_named_only_when_every_failing_check_matches():
    student = {"a": CheckRun("a", RunStatus.OK, 2.0), "b": CheckRun("b", RunStatus.OK, 5.0)}
    wrong = {"a": CheckRun("a", RunStatus.OK, 2.0), "b": CheckRun("b", RunStatus.OK, 7.0)}
    metas = [meta("a"), meta("b")]
    assert diagnose.matches(metas, student, wrong, {"a"})
    assert not diagnose.matches(metas, student, wrong, {"a", "b"})
    assert not diagnose.matches(metas, student, wrong, set())
