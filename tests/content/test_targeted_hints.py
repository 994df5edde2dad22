"""The hint under a failure is the one written for the failing check, not the exercise's first."""
import os
import subprocess
import sys

from tests.helpers import REPO, course_copy, edited_source


def screen(tmp_path, set_name: str, name: str, *edits: tuple[str, str]) -> str:
    """What `grade SET/NAME` prints (200 columns, no colour) with the reference of NAME edited."""
    root = course_copy(tmp_path, set_name, **{name: edited_source(set_name, name, *edits)})
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "grader.cli", f"{set_name}/{name}", "--root", str(root)],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300).stdout


def test_a_failing_check_brings_its_own_hint(tmp_path):
    out = screen(tmp_path, "tokenizer", "decode", ('tokens.decode("utf-8", errors="replace")', 'tokens.decode("utf-8")'))
    assert "decode_invalid" in out
    assert "Hint: errors='replace' turns bytes" in out   # the second hint, the one naming decode_invalid
    assert "Join first, decode second" not in out         # the exercise's first hint


def test_a_mistake_in_the_basic_check_brings_the_recipe_not_a_detail(tmp_path):
    """The lecture's keepdim slip fails normalize_seeded first: its hint is the row-sum recipe."""
    out = screen(tmp_path, "bigram", "normalize", ("P.sum(1, keepdim=True)", "P.sum(1)"))
    assert "Hint: Each ROW must sum to 1" in out, out[-1500:]
