"""The one vocabulary of statuses. Each is a str, so JSON and progress files keep their words.

A check run (what a job reports; grader.sandbox.pool.RunStatus) becomes a check Verdict here, and an
exercise's checks become its Status. "All passed" is defined once: `all_passed`.
"""
from __future__ import annotations

from enum import Enum


class _Word(str, Enum):
    def __str__(self) -> str:          # f"{status}" prints the word, not the enum's name
        return self.value

    __format__ = str.__format__


class Verdict(_Word):
    """One check, judged."""
    PASS = "pass"
    FAIL = "fail"
    TODO = "todo"          # the student's code still raises NotImplementedError
    ERROR = "error"
    TIMEOUT = "timeout"
    SKIPPED = "skipped"    # a dataset is missing, or an earlier check timed out


class Status(_Word):
    """One exercise."""
    PASSED = "passed"
    FAILING = "failing"
    NOT_STARTED = "not started"
    ERROR = "error"
    TIMED_OUT = "timed out"
    RULE_BROKEN = "rule broken"
    BLOCKED = "blocked"    # its own file is written, but a module it imports is not yet
    SKIPPED = "skipped"    # every check was skipped (a missing dataset)


BAD_VERDICTS = (Verdict.FAIL, Verdict.ERROR, Verdict.TIMEOUT)
NEEDS_WORK = (Status.FAILING, Status.ERROR, Status.TIMED_OUT, Status.RULE_BROKEN, Status.BLOCKED)   # shown in detail first


def all_passed(statuses) -> bool:
    """Every exercise passed; one whose every check was skipped (a missing dataset) does not count against."""
    return all(s in (Status.PASSED, Status.SKIPPED) for s in statuses)
