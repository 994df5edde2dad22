"""`pytest --z2h SET`: each check of a set becomes a pytest item, for instructors who run the checks
in their own CI. Load it with `-p grader.instructor.pytest_plugin` (or through the `pytest11` entry
point of an installed z2h-grader):

    pytest -p grader.instructor.pytest_plugin --z2h micrograd [--z2h-root COURSE] [--z2h-from SUBMISSION]

The set is graded once, at collection, by the same engine as `grade SET` (student code runs in the
sandbox, never in pytest's process); each item passes or fails with the words `grade` would show.
Without --z2h the plugin adds nothing.
"""
from __future__ import annotations

from pathlib import Path

import pytest


def pytest_addoption(parser) -> None:
    g = parser.getgroup("z2h", "z2h-grader checks as tests")
    g.addoption("--z2h", action="append", default=[], metavar="SET", help="run this set's checks as tests")
    g.addoption("--z2h-root", default=None, help="the course folder (default: found from the current folder)")
    g.addoption("--z2h-from", default=None, help="grade a submission (folder, zip, notebook) instead of the workspace")
    g.addoption("--z2h-skip-milestones", action="store_true", help="skip the long training checks")


class CheckFailed(Exception):
    pass


class CheckItem(pytest.Item):
    def __init__(self, *, check, mistake=None, **kw):
        super().__init__(**kw)
        self.check, self.mistake = check, mistake

    def runtest(self) -> None:
        from grader.grading.status import Verdict
        if self.check.status == Verdict.SKIPPED:
            pytest.skip(self.check.reason or "skipped")
        if self.check.status != Verdict.PASS:
            raise CheckFailed()

    def repr_failure(self, excinfo):
        from grader.render import machine
        if isinstance(excinfo.value, CheckFailed):
            return machine.check_text(self.check, self.mistake)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, self.name


def _grade(config, name: str):
    import dataclasses
    import tempfile
    from grader.course.manifest import course_root, load_course
    from grader.grading import engine
    from grader.grading.jobs import Options
    from grader.sources.intake import intake
    course = load_course(course_root(config.getoption("z2h_root")))
    s = course.set(name)
    opts = Options(skip_milestones=config.getoption("z2h_skip_milestones"))
    source = config.getoption("z2h_from")
    if not source:
        return s, engine.grade_set(s, None, opts)
    with tempfile.TemporaryDirectory(prefix="z2h-pytest-") as tmp:
        intake(Path(source), s, Path(tmp))
        return s, engine.grade_set(s, None, dataclasses.replace(opts, student_dir=Path(tmp), isolate=True))


def pytest_collection_modifyitems(session, config, items) -> None:
    for name in config.getoption("z2h"):
        s, result = _grade(config, name)
        for r in result.exercises:
            if not r.checks:   # a missing file or a broken rule: one failing item says why
                items.append(_failing(session, r))
                continue
            for c in r.checks:
                items.append(CheckItem.from_parent(session, name=f"{r.exercise.id}::{c.name}", check=c,
                                                   mistake=r.mistake))


def _failing(session, r):
    from grader.grading.results import CheckResult
    from grader.grading.status import Verdict
    why = r.detail or "; ".join(m for _, m in r.violations) or str(r.status)
    c = CheckResult(r.exercise.name, why, r.max_points, False, Verdict.ERROR,
                    error={"type": str(r.status), "message": why})
    return CheckItem.from_parent(session, name=f"{r.exercise.id}", check=c)
