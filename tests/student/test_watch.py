"""Watch mode: a save re-grades the exercise, passing moves on, keys, the polling fallback, the terminal."""
from __future__ import annotations

import io
import os
import re
import select
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.helpers import REPO
from grader.grading import engine
from grader.render import console as console_r
from grader.student import watch
from grader.course.manifest import load_course

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>78]")


class Run:
    """A Session on the toy course, its loop in a thread, verdicts collected as they come."""

    def __init__(self, root: Path, poll: bool = False, start=None):
        self.course = load_course(root)
        self.s = self.course.set("toy")
        self.out = io.StringIO()
        self.verdicts: list = []
        self.got = threading.Event()
        self.sess = watch.Session(self.course, self.s, engine.Options(), console_r.make_console(self.out, width=100),
                                  poll=poll, start=start, on_verdict=self._verdict)
        self.jobs: list[str] = []

    def _verdict(self, ex, r, latency):
        self.verdicts.append((ex.name, r.status, latency))
        self.got.set()

    def __enter__(self):
        self.sess.open()
        run = self.sess.worker.run

        def spy(jobs, *a, **k):          # which jobs each grade sends to the worker
            self.jobs += [j.id for j in jobs]
            return run(jobs, *a, **k)
        self.sess.worker.run = spy
        self.thread = threading.Thread(target=self.sess.run, daemon=True)
        self.thread.start()
        return self

    def wait(self, n: int, timeout: float = 20.0):
        deadline = time.monotonic() + timeout
        while len(self.verdicts) < n and time.monotonic() < deadline:
            self.got.wait(0.05)
            self.got.clear()
        assert len(self.verdicts) >= n, (self.verdicts, self.out.getvalue()[-2000:])
        return self.verdicts[n - 1]

    def __exit__(self, *exc):
        self.sess.events.put(("quit",))
        self.thread.join(10)
        self.sess.close()


def _save(path: Path, text: str) -> None:
    path.write_text(text)


def test_a_save_regrades_the_edited_exercise_and_passing_moves_on(toy):
    scale = toy / "exercises" / "toy" / "scale.py"
    with Run(toy) as w:
        assert w.sess.view.current.name == "scale"
        assert w.sess.view.results["scale"].status == "not started"
        time.sleep(0.2)
        _save(scale, "def scale(xs, k):\n    return [x for x in xs]\n")
        name, status, latency = w.wait(1)
        assert (name, status) == ("scale", "failing") and latency is not None and latency < 5
        assert w.sess.view.current.name == "scale"
        shutil.copy(toy / "solutions" / "toy" / "scale.py", scale)
        assert w.wait(2)[:2] == ("scale", "passed")
        assert w.sess.view.current.name == "counter"            # moved on to the next exercise
        assert "Next: toy/counter" in w.sess.view.message
        # the reference ran once, when the session opened; saves run only the student's code
        # ("t-": a failing check traced once for "Where it goes wrong", the reference's trace kept for the session)
        assert w.jobs and all(j.startswith(("s", "m-", "t-")) for j in w.jobs) and not any(j.startswith("r-") for j in w.jobs)
        assert sum(j.startswith("t-r-") for j in w.jobs) <= 1
        assert sum(j.startswith("m-") for j in w.jobs) <= len(list((toy / "solutions" / "toy").glob("*.py"))) + 5
    text = w.out.getvalue()
    assert "toy/scale  failing" in text and "toy/scale passes (3/3 points)" in text
    assert "verdict" in text and "after the save" in text


def test_keys_hint_next_list_rerun_quit(toy):
    with Run(toy) as w:
        v = w.sess.view
        w.sess.events.put(("key", "h"))
        w.sess.events.put(("key", "l"))
        deadline = time.monotonic() + 5
        while not (v.hint and v.show_list) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert v.hint.startswith("(1/2) Multiply every item by k.") and v.show_list
        w.sess.events.put(("key", "n"))
        deadline = time.monotonic() + 5
        while v.current.name != "counter" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert v.current.name == "counter" and v.hint is None
        w.sess.events.put(("key", "r"))
        assert w.wait(1) == ("counter", "not started", None)     # a re-run is not a save
        w.sess.events.put(("key", "q"))
        w.thread.join(5)
        assert not w.thread.is_alive()
    assert "keys: n next" not in w.out.getvalue()                # no keys without a terminal


def test_saves_without_file_events_are_caught_and_switch_to_polling(toy, monkeypatch):
    monkeypatch.setattr(watch.Session, "_start_watcher", lambda self: None)   # events never arrive
    scale = toy / "exercises" / "toy" / "scale.py"
    with Run(toy) as w:
        assert w.sess.view.mode == "file events"
        time.sleep(0.1)
        shutil.copy(toy / "solutions" / "toy" / "scale.py", scale)
        t0 = time.monotonic()
        assert w.wait(1, timeout=10)[:2] == ("scale", "passed")
        assert time.monotonic() - t0 < 8   # well before the 10 s wait: polling caught it (not a speed target)
        assert w.sess.view.mode == "polling" and w.sess.poll
        assert "--poll" in w.sess.view.notice and "Z2H_POLL=1" in w.sess.view.notice
    assert "switched to polling" in w.out.getvalue()


def test_polling_mode_sees_saves(toy, monkeypatch):
    monkeypatch.setenv("Z2H_POLL", "1")
    assert watch.poll_wanted(False) and watch.poll_wanted(True)
    monkeypatch.setenv("Z2H_POLL", "0")
    assert not watch.poll_wanted(False)
    scale = toy / "exercises" / "toy" / "scale.py"
    with Run(toy, poll=True) as w:
        assert w.sess.view.mode == "polling"
        time.sleep(0.3)
        shutil.copy(toy / "solutions" / "toy" / "scale.py", scale)
        assert w.wait(1)[:2] == ("scale", "passed")
        time.sleep(0.2)                               # a second save within the same second is seen too
        _save(scale, "def scale(xs, k):\n    return [x for x in xs]\n")
        assert w.wait(2)[:2] == ("scale", "failing")
        assert w.sess.view.mode == "polling"          # seen by the poller, which never switched modes


@pytest.mark.skipif(not sys.stdin or sys.platform == "win32", reason="needs a pty")
def test_in_a_terminal_keys_work_and_the_terminal_is_restored(toy):
    import termios
    master, slave = os.openpty()
    before = termios.tcgetattr(slave)
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="100", LINES="40")
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "grader.cli", "watch", "toy", "--root", str(toy)],
                            stdin=slave, stdout=slave, stderr=slave, env=env, cwd=REPO, start_new_session=True)
    buf = b""

    def read_until(needle: bytes, timeout: float = 30) -> None:
        nonlocal buf
        deadline = time.monotonic() + timeout
        while needle not in ANSI.sub("", buf.decode("utf-8", "replace")).encode() and time.monotonic() < deadline:
            if select.select([master], [], [], 0.1)[0]:
                try:
                    buf += os.read(master, 65536)
                except OSError:
                    break
        assert needle in ANSI.sub("", buf.decode("utf-8", "replace")).encode(), buf[-3000:]

    try:
        read_until(b"keys: n next")
        during = termios.tcgetattr(slave)
        assert during[3] & termios.ICANON == 0                   # raw keys while watching
        shutil.copy(toy / "solutions" / "toy" / "scale.py", toy / "exercises" / "toy" / "scale.py")
        read_until(b"toy/scale passes")
        os.write(master, b"h")
        read_until(b"(1/1) Use += so repeated calls add up.")
        os.write(master, b"q")
        assert proc.wait(15) == 0
        read_until(b"stopped. Progress is saved.")
        assert termios.tcgetattr(slave) == before                 # the terminal is as we found it
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
        os.close(slave)
