"""Cleanup that survives what a job leaves: deep or unreadable folder trees, forks that never stop;
uids leased so that two graders never share one."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from grader.sandbox import uids
from grader.sandbox.cleanup import kill_children, kill_uid, remove_tree

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.mark.slow
def test_removes_5000_nested_folders(tmp_path):
    import tempfile
    from pathlib import Path
    top = Path(tempfile.mkdtemp(prefix="z2h-test-", dir="/dev/shm" if os.path.isdir("/dev/shm") else tmp_path))
    fd = os.open(top, os.O_RDONLY)
    for _ in range(5000):   # deeper than PATH_MAX and than Python's recursion limit
        os.mkdir("d", dir_fd=fd)
        os.close(os.open("f", os.O_WRONLY | os.O_CREAT, dir_fd=fd))
        nxt = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = nxt
    os.close(fd)
    t0 = time.monotonic()
    assert remove_tree(top)
    assert not top.exists() and time.monotonic() - t0 < 30


def test_removes_links_fifos_and_unreadable_folders(tmp_path):
    top = tmp_path / "job"
    (top / "a" / "b").mkdir(parents=True)
    (top / "a" / "b" / "x").write_text("x")
    os.mkfifo(top / "fifo")
    outside = tmp_path / "keep"
    outside.mkdir()
    (outside / "precious").write_text("p")
    (top / "link").symlink_to(outside)
    os.chmod(top / "a", 0)
    assert remove_tree(top)
    assert (outside / "precious").read_text() == "p"


def test_missing_or_plain_file(tmp_path):
    assert remove_tree(tmp_path / "nothing")
    (tmp_path / "f").write_text("x")
    assert remove_tree(tmp_path / "f") and not (tmp_path / "f").exists()


CHAIN = "import os, sys, time\nwhile True:\n    if os.fork():\n        os._exit(0)\n    time.sleep(0.001)\n"


def test_kill_children_catches_a_process_that_forks_every_millisecond():
    from grader.sandbox.zygote import _become_subreaper
    pid = os.fork()
    if pid == 0:   # a subreaper of its own, as the zygote is
        _become_subreaper()
        subprocess.Popen([sys.executable, "-c", CHAIN])
        time.sleep(0.5)
        kill_children(os.getpid(), set(), seconds=5)
        time.sleep(0.2)
        left = [e for e in os.listdir("/proc") if e.isdigit() and _ppid(e) == os.getpid()]
        os._exit(0 if not left else 1)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0


def _ppid(e: str) -> int:
    try:
        with open(f"/proc/{e}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


@pytest.mark.skipif(not IS_ROOT, reason="runs processes as another uid")
def test_kill_uid_ends_every_process_of_the_uid():
    from grader.sandbox.cleanup import _live_of
    from grader.sandbox.zygote import _become_subreaper
    uid = uids.lease()
    try:
        keeper = os.fork()
        if keeper == 0:  # a subreaper, as the zygote is, so no zombie is left to init
            code = 1
            try:
                _become_subreaper()
                if os.fork() == 0:  # as the uid, in a session of its own, a chain of forks (no exec)
                    os.setsid()
                    os.setgid(uid)
                    os.setuid(uid)
                    while True:
                        if os.fork():
                            os._exit(0)
                        time.sleep(0.001)
                time.sleep(0.5)
                killed = kill_uid(uid)
                kill_children(os.getpid(), set())
                code = 0 if killed and not _live_of(uid) else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(keeper, 0)
        assert os.WEXITSTATUS(status) == 0
    finally:
        uids.release(uid)


def _uid(e: str) -> int:
    try:
        return os.stat(f"/proc/{e}").st_uid
    except OSError:
        return -1


@pytest.mark.slow
@pytest.mark.skipif(not IS_ROOT, reason="leases are for root's isolated jobs")
def test_two_graders_never_lease_the_same_uid():
    code = ("import sys; sys.path.insert(0, %r)\nfrom grader.sandbox import uids\nimport time\n"
            "got = [uids.lease(0) for _ in range(5)]\nprint(' '.join(map(str, got)), flush=True)\ntime.sleep(2)\n")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    procs = [subprocess.Popen([sys.executable, "-c", code % root], stdout=subprocess.PIPE) for _ in range(2)]
    mine = [uids.lease(0) for _ in range(5)]
    try:
        seen = [set(p.stdout.readline().split()) for p in procs]
        theirs = [int(x) for s in seen for x in s]
        assert len(set(theirs) | set(mine)) == 15, (theirs, mine)
    finally:
        for u in mine:
            uids.release(u)
        for p in procs:
            p.wait(timeout=10)


@pytest.mark.skipif(not IS_ROOT, reason="runs processes as another uid")
def test_the_uid_killer_ends_a_job_uids_processes_and_no_one_elses():
    """The zygote's small helper does kill_uid for it (cheap forks); it takes job uids only, and a
    forked job drops its pipes, so a job cannot ask root's helper to kill anything."""
    from grader.sandbox.cleanup import UidKiller, _live_of
    from grader.sandbox.zygote import _become_subreaper
    uid = uids.lease()
    try:
        keeper = os.fork()
        if keeper == 0:
            code = 1
            try:
                _become_subreaper()
                killer = UidKiller()
                if os.fork() == 0:  # a chain of forks as the uid, in a session of its own
                    killer.close_in_job()
                    os.setsid()
                    os.setgid(uid)
                    os.setuid(uid)
                    while True:
                        if os.fork():
                            os._exit(0)
                        time.sleep(0.001)
                time.sleep(0.3)
                ask, say = killer._ask, killer._say
                refused = not killer.kill_uid(0) and not killer.kill_uid(os.getuid()) and killer.pid is not None
                killed = killer.kill_uid(uid)
                kill_children(os.getpid(), {killer.pid})
                job = os.fork()
                if job == 0:   # what a job sees of the helper's pipes after close_in_job: nothing
                    killer.close_in_job()
                    try:
                        os.fstat(ask)
                        os._exit(1)
                    except OSError:
                        pass
                    try:
                        os.fstat(say)
                        os._exit(1)
                    except OSError:
                        os._exit(0)
                _, st = os.waitpid(job, 0)
                code = 0 if refused and killed and not _live_of(uid) and os.WEXITSTATUS(st) == 0 else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(keeper, 0)
        assert os.WEXITSTATUS(status) == 0
    finally:
        uids.release(uid)


def test_the_fast_children_listing_agrees_with_every_stat():
    from grader.sandbox.cleanup import _children, _children_by_stat
    kids = [subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) for _ in range(2)]
    try:
        mine = {k.pid for k in kids}
        assert mine <= set(_children(os.getpid())) and set(_children(os.getpid())) == set(_children_by_stat(os.getpid()))
    finally:
        for k in kids:
            k.kill()
            k.wait()


def test_a_dead_graders_worker_folder_is_swept_and_a_live_ones_kept(tmp_path):
    """A grader killed with its worker (SIGKILL to the group) leaves z2h-<pid>-*; the next worker removes
    it. A live grader's folder, a file, and a name that is not ours stay."""
    from grader.sandbox.pool import sweep_stale
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    gone = tmp_path / f"z2h-{dead.pid}-abc"
    (gone / "job" / "deep").mkdir(parents=True)
    (gone / "job" / "deep" / "result.json").write_text("{}")
    live = tmp_path / f"z2h-{os.getpid()}-def"
    live.mkdir()
    odd = tmp_path / "z2h-uids.lock"
    odd.write_text("")
    other = tmp_path / "z2h-test-x"
    other.mkdir()
    sweep_stale(str(tmp_path))
    assert not gone.exists() and live.exists() and odd.exists() and other.exists()
    sweep_stale(str(tmp_path / "missing"))   # no such folder: nothing to do, no error
