"""The hint under a failure is the one written for the failing check, not the exercise's first."""
import os
import shutil
import subprocess
import sys

from tests.helpers import REPO


def test_a_failing_check_brings_its_own_hint(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(REPO / "exercises", root / "exercises")
    shutil.copytree(REPO / "data" / "fixtures", root / "data" / "fixtures")
    for f in (REPO / "solutions" / "tokenizer").glob("*.py"):
        shutil.copy(f, root / "exercises" / "tokenizer" / f.name)
    decode = root / "exercises" / "tokenizer" / "decode.py"
    decode.write_text(decode.read_text().replace('tokens.decode("utf-8", errors="replace")', 'tokens.decode("utf-8")'))
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200", "NO_COLOR": "1"}
    out = subprocess.run([sys.executable, "-m", "grader.cli", "tokenizer/decode", "--root", str(root)],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300).stdout
    assert "decode_invalid" in out
    assert "Hint: errors='replace' turns bytes" in out   # the second hint, the one naming decode_invalid
    assert "Join first, decode second" not in out         # the exercise's first hint


def test_a_mistake_in_the_basic_check_brings_the_recipe_not_a_detail(tmp_path):
    """The lecture's keepdim slip fails normalize_seeded first: its hint is the row-sum recipe."""
    root = tmp_path / "course"
    shutil.copytree(REPO / "exercises", root / "exercises")
    shutil.copytree(REPO / "data" / "fixtures", root / "data" / "fixtures")
    for f in (REPO / "solutions" / "bigram").glob("*.py"):
        shutil.copy(f, root / "exercises" / "bigram" / f.name)
    normalize = root / "exercises" / "bigram" / "normalize.py"
    normalize.write_text(normalize.read_text().replace("P.sum(1, keepdim=True)", "P.sum(1)"))
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200", "NO_COLOR": "1"}
    out = subprocess.run([sys.executable, "-m", "grader.cli", "bigram/normalize", "--root", str(root)],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300).stdout
    assert "Hint: Each ROW must sum to 1" in out, out[-1500:]
