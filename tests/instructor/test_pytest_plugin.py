"""`pytest --z2h SET`: each check a pytest item, passing or failing with the grader's words."""
import shutil
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_each_check_is_a_pytest_item(toy, tmp_path):
    shutil.copy(toy / "solutions" / "toy" / "scale.py", toy / "exercises" / "toy" / "scale.py")
    (tmp_path / "empty").mkdir()
    r = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:z2h", "-p", "grader.instructor.pytest_plugin", "--z2h", "toy",
                        "--z2h-root", str(toy), "-q", "-rA", "--rootdir", str(tmp_path / "empty"), "-p", "no:cacheprovider",
                        str(tmp_path / "empty")], capture_output=True, text=True, timeout=120, cwd=tmp_path / "empty")
    out = r.stdout
    assert "PASSED ::toy/scale::short" in out and "PASSED ::toy/scale::seeded" in out, out
    assert "FAILED ::toy/counter::accumulates" in out and "1 failed, 2 passed" in out
    assert "not started: toy/counter: add the scaled items to the total" in out
    assert r.returncode == 1
