"""A checks/ folder is one package: its files share helpers by relative import."""
from grader.course.manifest import load_course
from grader.grading import engine
from tests.helpers import solve


def test_check_files_share_a_helper_module(toy):
    folder = toy / "exercises" / "toy"
    text = (folder / "checks.py").read_text()
    (folder / "checks.py").unlink()
    (folder / "checks").mkdir()
    (folder / "checks" / "_common.py").write_text("FACTOR = 2.0\n")
    (folder / "checks" / "main.py").write_text(text.replace(
        "from grader.checks import check\n", "from grader.checks import check\n\nfrom ._common import FACTOR\n"
    ).replace("m.scale([1.0, 2.0, -3.0], 2.0)", "m.scale([1.0, 2.0, -3.0], FACTOR)"))
    solve(toy)
    res = engine.grade_set(load_course(toy).set("toy"))
    assert [r.status for r in res.exercises] == ["passed", "passed"]
