"""The CLI end to end, through main(): exit codes, JSON, hint, reset, bad input."""
import json
import subprocess
import sys

from tests.helpers import solve
from grader.cli import main


def run(root, *args):
    return main([*args, "--root", str(root)])


def test_exit_codes(toy, capsys):
    assert run(toy) == 0                      # dashboard
    assert run(toy, "toy") == 1               # not started counts as not passed
    solve(toy)
    assert run(toy, "toy") == 0
    assert run(toy, "nope") == 2
    assert "no set 'nope'" in capsys.readouterr().out


def test_one_exercise_and_json(toy, capsys):
    solve(toy)
    capsys.readouterr()
    assert run(toy, "toy/scale", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert [e["id"] for e in data["exercises"]] == ["toy/scale"] and data["exercises"][0]["status"] == "passed"


def test_malformed_manifest_exits_2_with_file(toy, capsys):
    (toy / "exercises" / "toy" / "set.toml").write_text("title = \n")
    assert run(toy, "toy") == 2
    assert "set.toml:1" in capsys.readouterr().out


def test_hints_come_one_at_a_time(toy, capsys):
    assert main(["hint", "toy/scale", "--root", str(toy)]) == 0
    first = capsys.readouterr().out
    assert "hint 1/2" in first and "hint 2/2" not in first
    main(["hint", "toy/scale", "--root", str(toy)])
    assert "hint 2/2" in capsys.readouterr().out


def test_reset_asks_and_restores(toy, capsys):
    solve(toy)
    stub = toy / "exercises" / "toy" / "scale.py"
    assert main(["reset", "toy/scale", "--root", str(toy)]) == 1  # no stdin: the answer is no
    assert "k * x" in stub.read_text()
    assert main(["reset", "toy/scale", "-y", "--root", str(toy)]) == 0
    assert "NotImplementedError" in stub.read_text() and (stub.parent / ".scale.py.bak").is_file()


def test_progress_reaches_the_dashboard(toy, capsys):
    solve(toy)
    run(toy, "toy")
    capsys.readouterr()
    run(toy, "--json")
    sets = json.loads(capsys.readouterr().out)["sets"]
    assert sets[0]["points"] == 5 and sets[0]["passed"] == 2 and sets[0]["next"] is None


def test_dev_build_and_check(toy, capsys):
    assert main(["dev", "build", "--root", str(toy)]) == 0
    assert main(["dev", "check", "--root", str(toy)]) == 0
    assert "0 failed" in capsys.readouterr().out


def test_dev_check_catches_a_stale_stub_and_an_uncaught_mistake(toy, capsys):
    (toy / "exercises" / "toy" / "scale.py").write_text("def scale(xs, k):\n    return xs\n")
    m = toy / "solutions" / "toy" / "mistakes.toml"
    m.write_text(m.read_text().replace('"k + x"', '"x * k"'))
    assert main(["dev", "check", "--root", str(toy)]) == 1
    out = capsys.readouterr().out
    assert "run `grade dev build`" in out and "no check catches it" in out


def test_console_script_off_a_terminal_is_plain(toy):
    out = subprocess.run([sys.executable, "-m", "grader.cli", "toy", "--root", str(toy)], capture_output=True,
                         text=True, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 1 and "not started" in out.stdout and "\x1b[" not in out.stdout


def test_a_torch_free_set_never_imports_torch_in_the_grader(toy):
    solve(toy)
    code = ("import sys; from grader.cli import main; rc = main(['toy', '--root', sys.argv[1]]); "
            "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH', rc)")
    out = subprocess.run([sys.executable, "-c", code, str(toy)], capture_output=True, text=True)
    assert out.stdout.strip().endswith("NO-TORCH 0")
