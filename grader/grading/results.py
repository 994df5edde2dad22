"""What grading produces: a result per check, per exercise, per set. Plain records; renderers read them."""
from __future__ import annotations

from dataclasses import dataclass, field

from grader.course.manifest import Exercise, ExerciseSet
from grader.course.mistakes import Mistake
from grader.grading.compare import Comparison
from grader.grading.paths import strip_folder, strip_in_error
from grader.grading.status import Status, Verdict, all_passed


@dataclass
class CheckResult:
    name: str
    description: str
    points: int
    milestone: bool
    status: Verdict
    comparison: Comparison | None = None
    error: dict | None = None
    output: str = ""
    seconds: float = 0.0
    reason: str = ""                 # why skipped
    mistake: Mistake | None = None   # the known mistake this failing check's results match
    produced: dict = field(default_factory=dict)   # a milestone's numbers and texts, to show the student
    hidden: bool = False             # a hidden check: only passed/failed is shown to students
    visibility: str = "visible"      # Gradescope's visibility of this check
    goal: dict | None = None         # a milestone's goal ({"key", "max"/"min", "leaderboard"})
    goal_value: float | None = None  # the number the goal judged (for a leaderboard)
    pointer: object = None           # grading.pointer.Pointer: the line where the values leave the reference's


@dataclass
class ExerciseResult:
    exercise: Exercise
    status: Status
    checks: list[CheckResult] = field(default_factory=list)
    points: int = 0
    max_points: int = 0
    mistake: Mistake | None = None                          # the first of `mistakes`
    mistakes: list[Mistake] = field(default_factory=list)   # every known mistake named, most explanatory first
    violations: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)    # rules bent harmlessly (an unused import)
    detail: str = ""
    file: str = ""
    unwritten: list[str] = field(default_factory=list)     # functions still raising NotImplementedError
    blocked_by: dict[str, list[str]] = field(default_factory=dict)   # module it imports -> what is unwritten there
    needs_failing: list[str] = field(default_factory=list)   # modules it imports whose own exercise fails in this run
    runs: dict = field(default_factory=dict, repr=False)   # the student's raw runs, for diagnosis

    @property
    def passed_checks(self) -> int:
        return sum(c.status == Verdict.PASS for c in self.checks)


@dataclass
class SetResult:
    set: ExerciseSet
    exercises: list[ExerciseResult]
    seconds: float = 0.0
    seed: int = 0

    @property
    def points(self) -> int:
        return sum(e.points for e in self.exercises)

    @property
    def all_passed(self) -> bool:
        return all_passed(e.status for e in self.exercises)


def relabel(result: SetResult, folder, labels: dict[str, str]) -> None:
    """Name the student's sources (notebook cells) instead of the temporary module files they were written to."""
    for r in result.exercises:
        if r.exercise.name in labels:
            r.file = labels[r.exercise.name]
        for c in r.checks:
            c.error = strip_in_error(c.error, folder, labels)
            if c.pointer is not None:   # a cell's lines are its module's lines
                c.pointer.file = r.file
        r.detail = strip_folder(r.detail, folder, labels)
