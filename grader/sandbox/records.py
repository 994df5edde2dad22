"""What passes between the engine and the sandbox: a job to run, and what came back of it."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


@dataclass
class Job:
    id: str
    exercise: str
    module: str                     # import name of the file under test, e.g. "value"
    module_path: str
    search_path: list[str]          # folders for its sibling imports
    checks: list[str]
    budget: float                   # seconds: sum of the checks' timeouts
    seed: int = 0
    overrides: dict[str, str] = field(default_factory=dict)
    data_dirs: list[str] = field(default_factory=list)
    student_dirs: list[str] = field(default_factory=list)
    tag: str = ""                   # the caller's word for whose code this is (shown to on_event, never read here)
    trace: list[str] = field(default_factory=list)   # checks to run traced: their value is the trace (sandbox/tracer.py)
    isolate: bool = False           # as root: run as a uid of its own, reading only the engine and its copy
    limits: dict = field(default_factory=lambda: {"memory_mb": 2048, "file_mb": 64, "cpu_s": 120, "nproc": 64})


class RunStatus(str, Enum):
    """What a job reports of one check (before any judging)."""
    OK = "ok"                 # returned a value
    TODO = "todo"             # raised NotImplementedError: not written yet
    ERROR = "error"
    TIMEOUT = "timeout"
    SKIPPED = "skipped"       # not run: a dataset is missing, or an earlier check timed out
    LOST = "lost"             # never reported back (the job died)

    def __str__(self) -> str:
        return self.value

    __format__ = str.__format__


class Fate(str, Enum):
    """How a job's process ended."""
    OK = "ok"
    KILLED = "killed"         # over its time budget, or stopped answering
    CRASHED = "crashed"       # died from a signal
    EXITED = "exited"         # ended before reporting every check

    def __str__(self) -> str:
        return self.value

    __format__ = str.__format__


@dataclass
class CheckRun:
    name: str
    status: RunStatus
    value: object = None
    error: dict | None = None
    output: str = ""
    seconds: float = 0.0


@dataclass
class JobResult:
    job: Job
    runs: dict[str, CheckRun]
    fate: Fate = Fate.OK
    detail: str = ""
