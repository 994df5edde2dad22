import json
import os
import threading

from grader.student import progress
from grader.course.manifest import load_course
from grader.grading.engine import ExerciseResult


def results(root, status, points):
    s = load_course(root).set("toy")
    return [ExerciseResult(s.exercise("scale"), status, points=points, max_points=3)]


def test_record_keeps_best_points(toy):
    progress.record(toy, results(toy, "passed", 3))
    progress.record(toy, results(toy, "failing", 1))
    rec = progress.load(toy)[0]["exercises"]["toy/scale"]
    assert rec["status"] == "failing" and rec["points"] == 1 and rec["best"] == 3


def test_corrupt_file_is_set_aside_and_rebuilt(toy):
    d = toy / ".z2h"
    d.mkdir()
    (d / "progress.json").write_text('{"format": "z2h-progress/1", "exerc')
    state, warning = progress.load(toy)
    assert state["exercises"] == {} and "unreadable" in warning
    assert any(p.name.startswith("progress.corrupt-") for p in d.iterdir())
    assert progress.record(toy, results(toy, "passed", 3)) is None


def test_foreign_file_is_not_trusted(toy):
    d = toy / ".z2h"
    d.mkdir()
    (d / "progress.json").write_text(json.dumps({"format": "z2h-progress/1", "exercises": {"toy/scale": "lots"}}))
    assert progress.load(toy)[1] is not None


def test_write_is_atomic_and_leaves_no_temp_files(toy):
    progress.record(toy, results(toy, "passed", 3))
    names = os.listdir(toy / ".z2h")
    assert "progress.json" in names and not [n for n in names if n.endswith(".tmp")]


def test_concurrent_writers_are_serialized(toy):
    def work(i):
        for _ in range(10):
            progress.next_hint(toy, "toy/scale")
    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert progress.load(toy)[0]["exercises"]["toy/scale"]["hints"] == 40


def test_corrupted_progress_falls_back_to_the_previous_good_copy(toy):
    progress.record(toy, results(toy, "passed", 3))
    progress.record(toy, results(toy, "failing", 1))
    (toy / ".z2h" / "progress.json").write_text("PASSED PASSED")
    state, warning = progress.load(toy)
    assert state["exercises"]["toy/scale"]["best"] == 3 and "previous good copy" in warning
