"""Batch as an instructor uses it: a merged gradebook with history, a roster, per-check columns,
mistake ids and causes, feedback per student (hidden checks only passed/failed), a summary,
each student's own seconds, and bounded memory with a hostile student."""
import csv
import json
import resource
import shutil
import subprocess
import sys

import pytest

from grader.cli import main
from tests.helpers import add_milestone_without_its_dataset

HIDDEN = '''

@check("scale", "a hidden draw with secret inputs", hidden=True)
def hidden_draw(m, ctx):
    return m.scale([0.25, 0.5], 7.0)
'''


def make_class(toy, tmp_path, names=("alice", "bob", "carol")):
    subs = tmp_path / "subs"
    for n in names:
        d = subs / n
        d.mkdir(parents=True)
        for p in (toy / "solutions" / "toy").glob("*.py"):
            shutil.copy(p, d / p.name)
    return subs


def book(out):
    return {r["submission"]: r for r in csv.DictReader(open(out / "gradebook.csv"))}


def test_a_regrade_replaces_one_row_and_keeps_the_old_one(toy, tmp_path, capsys):
    subs = make_class(toy, tmp_path)
    out = tmp_path / "grades"
    roster = tmp_path / "roster.csv"
    roster.write_text("submission,student_id,name\nalice,s001,Alice A\nbob,s002,Bob B\ncarol,s003,Carol C\n")
    assert main(["batch", "toy", *(str(subs / n) for n in ("alice", "bob", "carol")), "--out", str(out),
                 "--roster", str(roster), "--detail", "--root", str(toy)]) == 0
    first = book(out)
    assert first["bob"]["total"] == "5" and first["bob"]["student_id"] == "s002" and first["bob"]["name"] == "Bob B"
    assert first["alice"]["scale/short"] == "pass" and float(first["alice"]["seconds"]) < 5
    counter = subs / "bob" / "counter.py"
    counter.write_text(counter.read_text().replace("self.total += x", "self.total = x"))
    assert main(["batch", "toy", str(subs / "bob"), "--out", str(out), "--root", str(toy)]) == 0
    second = book(out)
    assert set(second) == {"alice", "bob", "carol"} and second["alice"] == first["alice"]
    assert second["bob"]["total"] == "3" and second["bob"]["mistakes"] == "counter:overwrites"
    old = [json.loads(line) for line in (out / "history.jsonl").read_text().splitlines()]
    assert [(h["submission"], h["total"]) for h in old] == [("bob", "5")]
    assert len(list((out / "history").glob("bob-*.json"))) == 1
    summary = json.loads((out / "summary" / "summary.json").read_text())
    assert summary["submissions"] == 3 and summary["histogram"] == {"3": 1, "5": 2}
    assert summary["mistakes"] == [["toy/counter: overwrites", 1]]
    assert (out / "summary" / "scores.svg").read_text().startswith("<svg")
    assert "Most frequent named mistakes" in capsys.readouterr().out


def test_feedback_is_what_the_student_sees_and_hides_hidden_checks(toy, tmp_path):
    checks = toy / "exercises" / "toy" / "checks.py"
    checks.write_text(checks.read_text() + HIDDEN)
    manifest = toy / "exercises" / "toy" / "set.toml"
    manifest.write_text(manifest.read_text().replace("points = 3\n", "points = 4\n"))
    subs = make_class(toy, tmp_path, ("dan",))
    scale = subs / "dan" / "scale.py"
    scale.write_text(scale.read_text().replace("k * x", "k + x"))
    out = tmp_path / "grades"
    assert main(["batch", "toy", str(subs / "dan"), "--out", str(out), "--root", str(toy)]) == 0
    md = (out / "feedback" / "dan.md").read_text()
    page = (out / "feedback" / "dan.html").read_text()
    assert "toy/scale" in md and "expected" in md and "Known mistake" in md
    assert "a hidden check" in md and "secret inputs" not in md and "12.25" not in md  # 0.25 * 7 + ...: never shown
    assert "<h1>Feedback: dan</h1>" in page and "secret inputs" not in page


@pytest.mark.slow
def test_one_hostile_student_cannot_take_the_batch_past_500_mb(toy, tmp_path):
    manifest = toy / "exercises" / "toy" / "set.toml"   # numpy imported by the worker, as torch is in the real sets
    manifest.write_text('requires = ["numpy"]\n' + manifest.read_text())
    subs = make_class(toy, tmp_path, [f"s{i:02d}" for i in range(19)])
    hostile = subs / "hostile"
    hostile.mkdir()
    hostile.joinpath("scale.py").write_text(
        "import numpy as np\ndef scale(xs, k):\n    return np.ones(8 * 2**20)\n")   # 64 MB per check
    hostile.joinpath("counter.py").write_text(
        "import numpy as np\nclass Counter:\n    def __init__(self):\n        self.total = np.ones(8 * 2**20)\n"
        "    def add(self, xs, k=1.0):\n        pass\n")
    out = tmp_path / "grades"
    code = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    r = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "grader.cli", "batch", "toy",
                        *map(str, sorted(subs.iterdir())), "--out", str(out), "--root", str(toy)],
                       capture_output=True, text=True, timeout=300)
    peak_mb = int(r.stdout.strip().splitlines()[-1]) / 1024
    rows = book(out)
    assert len(rows) == 20 and rows["s00"]["total"] == "5" and rows["hostile"]["total"] == "0"
    got = json.loads((out / "hostile.json").read_text())["exercises"][0]["checks"][0]
    assert got["status"] == "fail" and "8388608" in json.dumps(got)   # the 64 MB array did reach the parent
    print(f"peak {peak_mb:.0f} MB")
    assert peak_mb < 500, peak_mb


def test_gradebook_cells_are_one_line_and_never_a_formula():
    from grader.instructor import gradebook
    assert gradebook._clip('=HYPERLINK("http://x")\nmore') == "'=HYPERLINK(\"http://x\") more"
    assert len(gradebook._clip("x" * 10_000)) == gradebook.MAX_FIELD and gradebook._clip(3) == 3


def test_each_student_has_own_seconds_and_a_milestone_that_could_not_run_is_flagged(toy, tmp_path, monkeypatch):
    """Findings 8: every row carried the whole batch's seconds; nothing said a milestone was not graded."""
    monkeypatch.delenv("Z2H_DATA", raising=False)
    add_milestone_without_its_dataset(toy)
    assert main(["dev", "record", "--allow-missing", "--root", str(toy)]) == 0
    subs = make_class(toy, tmp_path, ("fast", "slow"))
    slow = subs / "slow" / "scale.py"
    slow.write_text("import time\n" + slow.read_text().replace("    return [k * x", "    time.sleep(0.4)\n    return [k * x"))
    out = tmp_path / "grades"
    assert main(["batch", "toy", str(subs / "fast"), str(subs / "slow"), "--out", str(out), "--root", str(toy)]) == 0
    rows = book(out)
    assert float(rows["slow"]["seconds"]) >= 0.8 > float(rows["fast"]["seconds"])   # two checks of scale sleep
    assert rows["fast"]["not_graded"] == rows["slow"]["not_graded"] == "counter/reads"
    assert json.loads((out / "fast.json").read_text())["seconds"] < 0.8
