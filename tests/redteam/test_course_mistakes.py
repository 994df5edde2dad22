"""`grade dev check` refuses, with file and line, the course mistakes the grader cannot survive
silently: a check returning a student object, two checks of one name, rich markup in a title.
And the grader itself, meanwhile, judges such a check an error instead of passing anything."""
from __future__ import annotations

import re
import shutil

import pytest

from grader import cli
from grader.instructor import authoring_lint, selfcheck
from grader.course.manifest import load_course
from tests.helpers import TOY

pytestmark = pytest.mark.slow   # runs the toy set's dev check


def _course(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(TOY, root, ignore=shutil.ignore_patterns(".z2h", "__pycache__"))
    return root


def test_dev_check_refuses_the_three_mistakes(tmp_path, capsys):
    root = _course(tmp_path)
    toml = root / "exercises" / "toy" / "set.toml"
    toml.write_text(toml.read_text().replace('title = "Scale a list"', 'title = "Scale [/] a [bold]list"'))
    checks = root / "exercises" / "toy" / "checks.py"
    checks.write_text(checks.read_text() + "\n\n@check('counter', 'the counter itself')\ndef boxed(m):\n"
                      "    return m.Counter()\n\n\n@check('scale', 'one')\ndef twin(m):\n    return 1\n\n\n"
                      "@check('scale', 'two')\ndef twin(m):\n    return 2\n")
    f = selfcheck.check_course(load_course(root), ["toy"])
    bad = "\n".join(text for ok, text in f.lines if not ok)
    assert re.search(r"set\.toml:\d+: toy/scale's title .* holds rich markup", bad), bad
    assert re.search(r"checks\.py:\d+: a second check named 'twin'", bad), bad
    assert "returns counter.Counter from the reference" in bad and "checks.py:" in bad, bad
    assert not f.passed
    code = cli.main(["dev", "check", "toy", "--root", str(root)])
    out = capsys.readouterr().out
    assert code != 0 and "Traceback" not in out


def test_markup_is_recognised():
    assert authoring_lint.is_markup("[/]") and authoring_lint.is_markup("a [bold]b")
    assert not authoring_lint.is_markup("Scale a list") and not authoring_lint.is_markup("x = 1 (a) {b}")


def test_an_object_from_the_reference_never_passes():
    from grader.grading.compare import compare
    from grader.sandbox.wire import Unsupported
    assert compare(Unsupported("value.Value"), Unsupported("value.Value")).verdict == "wrong"
    assert compare({"v": [Unsupported("value.Value")]}, {"v": [Unsupported("value.Value")]}).verdict == "wrong"
