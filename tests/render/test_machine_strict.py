"""Machine formats are strict JSON, and Gradescope's text is the student's words, unwrapped."""
import json
import math

from grader.grading.compare import Comparison, Mismatch
from grader.grading.results import CheckResult
from grader.grading.status import Verdict
from grader.render import machine


def test_dumps_never_writes_nan_or_infinity():
    doc = {"seconds": math.nan, "x": [math.inf, {"y": -math.inf}], "ok": 1.5}
    text = machine.dumps(doc)
    assert json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c))) == \
        {"seconds": None, "x": [None, {"y": None}], "ok": 1.5}


def test_a_skip_after_a_timeout_is_said_in_words_and_long_lines_are_not_wrapped():
    skipped = CheckResult("b", "second", 1, False, Verdict.SKIPPED, reason="not run: check 'a' timed out before it")
    assert machine.check_text(skipped) == "not run: check 'a' timed out before it"
    assert "None" not in machine.check_text(skipped)
    long = "x" * 300
    wrong = CheckResult("c", "third", 1, False, Verdict.FAIL,
                        comparison=Comparison("wrong", 1.0, [Mismatch("out", long, "y" * 300)]))
    text = machine.check_text(wrong)
    assert long in text and max(len(line) for line in text.splitlines()) > 300
    hidden = CheckResult("h", "secret", 1, False, Verdict.FAIL, hidden=True,
                         comparison=Comparison("wrong", 1.0, [Mismatch("out", "42", "41")]))
    assert "42" not in machine.check_text(hidden) and "hidden" in machine.check_text(hidden)
