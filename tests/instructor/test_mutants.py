"""grade dev mutants: small edits inside solution blocks, graded; the survivors point at weak checks."""
from grader.course.manifest import load_course
from grader.instructor import mutants

SRC = '''def f(xs, k):
    # BEGIN SOLUTION: scale
    total = 0
    for x in reversed(xs):
        total += x * k
    return total if total < 10 else 10
    # END SOLUTION
'''


def test_mutants_edit_only_inside_solution_blocks():
    whats = [m.what for m in mutants.mutants(SRC, "f")]
    assert "line 5: `x * k` -> `x / k`" in whats
    assert "line 4: `reversed(xs)` -> `xs`" in whats
    assert "line 5: `total += x * k` -> `total = x * k`" in whats
    assert "line 6: `total < 10` -> `total <= 10`" in whats
    assert all(m.line in range(3, 7) for m in mutants.mutants(SRC, "f"))


def test_the_toy_course_kills_its_mutants_and_dev_check_reports_the_score(toy):
    s = load_course(toy).set("toy")
    report = mutants.run(s)
    killed, total, left = mutants.score(report, {})
    assert total > 0 and killed + len(left) == total
    mutants.write(s, report)
    assert mutants.recorded(s) == (report, True)


def test_an_equivalent_mutant_stays_known_when_its_line_moves(toy):
    s = load_course(toy).set("toy")
    (s.solutions_dir / "mutants.toml").write_text(
        '[[equivalent]]\nexercise = "scale"\nwhat = "line 25: `a <= b` -> `a < b`"\nwhy = "equal sizes crop nothing"\n')
    known = mutants.equivalent(s)
    report = {"exercises": {"scale": {"mutants": 3, "survivors": ["line 28: `a <= b` -> `a < b`",
                                                                  "line 30: `a + b` -> `a - b`"]}}}
    killed, total, left = mutants.score(report, known)
    assert (killed, total) == (2, 3) and left == [("scale", "line 30: `a + b` -> `a - b`")]
