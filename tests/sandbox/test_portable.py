"""The portable sandbox (a fresh process per job): the same verdicts as the fork sandbox, under a
simulated Windows too (tests/sandbox/simwin: no fcntl, resource, termios, pwd, grp, fork, setsid,
SIGALRM or setitimer)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import REPO, solve
from grader.course.manifest import load_course
from grader.grading import engine
from grader.sandbox import portable

SIMWIN = Path(__file__).parent / "simwin"


def run_cli(args: list[str], cwd: Path, windows: bool = False, sandbox: str | None = None):
    env = {k: v for k, v in os.environ.items() if k not in ("Z2H_SANDBOX", "PYTHONPATH")}
    env["PYTHONPATH"] = os.pathsep.join([str(SIMWIN)] * windows + [str(REPO)])
    if sandbox:
        env["Z2H_SANDBOX"] = sandbox
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=600)


def verdicts(out: subprocess.CompletedProcess) -> dict:
    """exercise -> (status, points, [check statuses], mistake): what a student sees, minus timings."""
    assert out.stdout, out.stderr
    data = json.loads(out.stdout)
    return {e["id"]: (e["status"], e["points"], [c["status"] for c in e["checks"]],
                            (e.get("mistake") or {}).get("id")) for e in data["exercises"]}


def grade_toy(root, monkeypatch, kind: str) -> dict:
    monkeypatch.setenv("Z2H_SANDBOX", kind)
    s = load_course(root).set("toy")
    res = engine.grade_set(s, opts=engine.Options())
    return {r.exercise.name: (r.status, r.points, [c.status for c in r.checks]) for r in res.exercises}


def test_choice(monkeypatch):
    monkeypatch.setenv("Z2H_SANDBOX", "portable")
    assert portable.wanted() and portable.kind() == "portable"
    monkeypatch.setenv("Z2H_SANDBOX", "fork")
    assert portable.wanted() == (not portable.fork_usable())
    monkeypatch.delattr(os, "fork")
    assert not portable.fork_usable() and portable.wanted()


@pytest.mark.parametrize("body", [None, "def scale(xs, k):\n    return [x * k + 1 for x in xs]\n",
                                  "def scale(xs, k):\n    while True:\n        pass\n",
                                  "import os\ndef scale(xs, k):\n    os._exit(0)\n",
                                  "def scale(xs, k):\n    raise ValueError('no')\n"])
def test_same_verdicts_as_fork_on_the_toy_course(toy, monkeypatch, body):
    solve(toy)
    if body:
        (toy / "exercises" / "toy" / "scale.py").write_text(body)
    assert grade_toy(toy, monkeypatch, "portable") == grade_toy(toy, monkeypatch, "fork")


def test_stubs_the_same(toy, monkeypatch):
    assert grade_toy(toy, monkeypatch, "portable") == grade_toy(toy, monkeypatch, "fork")


def test_thread_timer_interrupts_where_there_is_no_sigalrm(toy):
    """The job process's timer on Windows: SIGALRM and setitimer removed, a loop still times out
    within its check's time (not the parent's kill at the job's deadline)."""
    solve(toy)
    (toy / "exercises" / "toy" / "scale.py").write_text("def scale(xs, k):\n    while True:\n        pass\n")
    code = ("import signal, sys; del signal.SIGALRM, signal.setitimer; "
            "from grader.sandbox import portable_job; portable_job.job_main()")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    hello = {"preload": [], "check_files": [str(toy / "exercises" / "toy" / "checks.py")]}
    out = toy / "job"
    out.mkdir()
    req = {"job": "j", "out": str(out), "exercise": "scale", "module": "scale",
           "module_path": str(toy / "exercises" / "toy" / "scale.py"), "search_path": [str(toy / "exercises" / "toy")],
           "overrides": {}, "checks": ["scales"], "seed": 0, "data_dirs": [], "student_dirs": [str(toy / "exercises" / "toy")],
           "limits": {"memory_mb": 2048, "file_mb": 64, "cpu_s": 120, "nproc": None}}
    p = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    p.stdin.write((json.dumps(hello) + "\n").encode())
    p.stdin.flush()
    ready = json.loads(p.stdout.readline())
    assert ready["ready"]
    req["checks"] = [m["name"] for m in ready["checks"] if m["exercise"] == "scale"][:1]
    t0 = time.monotonic()
    p.stdin.write((json.dumps(req) + "\n").encode())
    p.stdin.flush()
    while not (out / "0.json").exists() and time.monotonic() - t0 < 20:
        time.sleep(0.05)
    p.stdin.close()
    p.wait(timeout=10)
    rec = json.loads((out / "0.json").read_text())
    assert rec["status"] == "timeout" and time.monotonic() - t0 < 15


def test_help_and_toy_under_simulated_windows(toy):
    out = run_cli(["--help"], toy, windows=True)
    assert out.returncode == 0 and "grade" in out.stdout, out.stderr
    solve(toy)
    (toy / "exercises" / "toy" / "scale.py").write_text("def scale(xs, k):\n    return [0 for x in xs]\n")
    win = run_cli(["toy", "--root", str(toy), "--json"], toy, windows=True)
    fork = run_cli(["toy", "--root", str(toy), "--json"], toy, sandbox="fork")
    assert verdicts(win) == verdicts(fork) and win.returncode == fork.returncode


def course_copy(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    shutil.copytree(REPO / "exercises", root / "exercises")
    shutil.copytree(REPO / "data" / "fixtures", root / "data" / "fixtures")
    return root


def first_mistake(set_name: str) -> tuple[str, list]:
    import tomllib
    m = tomllib.loads((REPO / "solutions" / set_name / "mistakes.toml").read_text())["mistakes"][0]
    return m["exercise"], m["edits"]


@pytest.mark.slow
@pytest.mark.parametrize("set_name", ["micrograd", "bigram"])
def test_real_sets_under_simulated_windows(tmp_path, set_name, dataset):
    """Stub, wrong (the set's first known mistake) and solved: the fork sandbox's verdicts."""
    if set_name == "bigram":
        dataset("names.txt")
    root = course_copy(tmp_path)
    args = [set_name, "--root", str(root), "--json", "--skip-milestones"]
    for state in ("stub", "wrong", "solved"):
        if state != "stub":
            for f in (REPO / "solutions" / set_name).glob("*.py"):
                shutil.copy(f, root / "exercises" / set_name / f.name)
        if state == "wrong":
            ex, edits = first_mistake(set_name)
            path = root / "exercises" / set_name / f"{ex}.py"
            text = path.read_text()
            for find, repl in edits:
                text = text.replace(find, repl)
            path.write_text(text)
        win = run_cli(args, tmp_path, windows=True)
        fork = run_cli(args, tmp_path, sandbox="fork")
        assert verdicts(win) == verdicts(fork), state
        assert win.returncode == fork.returncode, state
        if state == "wrong":
            assert any(v[3] for v in verdicts(win).values())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs prctl (Linux)")
def test_a_job_that_kills_its_keeper_ends_nothing_else(toy):
    """The job's keeper is killed; the orphaned job process is adopted by a subreaper (here the
    harness). Whatever else that subreaper has running must survive the job's clean-up."""
    solve(toy)
    counter = toy / "exercises" / "toy" / "counter.py"
    counter.write_text("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n" + counter.read_text())
    harness = (
        "import ctypes, os, subprocess, sys, time\n"
        "ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)\n"
        "sentinel = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], "
        "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "os.environ['Z2H_SANDBOX'] = 'portable'\n"
        "from pathlib import Path\nfrom grader.course.manifest import load_course\nfrom grader.grading import engine\n"
        "res = engine.grade_set(load_course(Path(sys.argv[1])).set('toy'), opts=engine.Options())\n"
        "time.sleep(1.0)\n"
        "print('ALIVE' if sentinel.poll() is None else 'DEAD', [str(r.status) for r in res.exercises])\n"
        "sentinel.kill()\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", harness, str(toy)], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.stdout.startswith("ALIVE"), out.stdout + out.stderr
    # The verdict itself is a race the job sets up: SIGKILL is delivered when the keeper is next
    # scheduled, and a quick job may finish (its values complete and judged) before that. Either
    # way every exercise gets a verdict and no traceback reaches the grader.
    statuses = out.stdout.split(" ", 1)[1]
    assert "'error'" in statuses or statuses.count("'passed'") == 2, out.stdout + out.stderr


def submission(tmp_path: Path, toy: Path, link: bool = False, name: str = "alice") -> Path:
    """A student's folder: a solved scale, a wrong counter (or, with link, a counter that is a link to
    the reference, and a folder that is a link to the solutions)."""
    sub = tmp_path / name
    (sub / "toy").mkdir(parents=True)
    reference = toy / "solutions" / "toy"
    shutil.copy(reference / "scale.py", sub / "toy" / "scale.py")
    if link:
        (sub / "toy" / "counter.py").symlink_to(reference / "counter.py")
        (sub / "answers").symlink_to(reference, target_is_directory=True)
    else:
        text = (reference / "counter.py").read_text()
        (sub / "toy" / "counter.py").write_text(text.replace("self.total += x", "self.total = x"))
    return sub


def test_from_under_simulated_windows(toy, tmp_path):
    """`grade --from` where there is no dir_fd and no O_NOFOLLOW: the fork sandbox's verdicts, and a
    link in the submission (to a file or to a folder) is never followed into the instructor's files."""
    args = ["toy", "--root", str(toy), "--json", "--from"]
    sub = submission(tmp_path, toy)
    win = run_cli([*args, str(sub)], tmp_path, windows=True)
    fork = run_cli([*args, str(sub)], tmp_path, sandbox="fork")
    assert verdicts(win) == verdicts(fork) and win.returncode == fork.returncode == 1, win.stderr
    assert [v[0] for v in verdicts(win).values()] == ["passed", "failing"]
    shutil.rmtree(sub)
    sub = submission(tmp_path, toy, link=True)
    linked = run_cli([*args, str(sub)], tmp_path, windows=True)
    assert "Traceback" not in linked.stdout + linked.stderr, linked.stderr
    assert verdicts(linked) == verdicts(run_cli([*args, str(sub)], tmp_path, sandbox="fork"))
    counter = json.loads(linked.stdout)["exercises"][1]
    assert (counter["status"], counter["points"]) == ("error", 0) and "counter.py is missing" in counter["detail"]
    bob = submission(tmp_path, toy, name="bob")
    batch = run_cli(["batch", "toy", str(sub), str(bob), "--root", str(toy), "--out", str(tmp_path / "out")],
                    tmp_path, windows=True)
    assert "Traceback" not in batch.stdout + batch.stderr, batch.stderr
    got = {n: [e["status"] for e in json.loads((tmp_path / "out" / f"{n}.json").read_text())["exercises"]]
           for n in ("alice", "bob")}
    assert got == {"alice": ["passed", "error"], "bob": ["passed", "failing"]}, got
