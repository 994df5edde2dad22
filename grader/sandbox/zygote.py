"""The worker: a warm fork server (zygote) that forks one child per job (grader/job.py).

The zygote is trusted: it imports the set's heavy modules (torch) and its checks once, then
forks. Only the child ever runs student code. Protocol on the zygote's stdin/stdout: one JSON
object per line. Results go to files in the job's folder.
"""
from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import json
import os
import select
import signal
import sys
import traceback

from grader.sandbox.child import run_job
from grader.sandbox import uids as uids_range
from grader.sandbox.cleanup import UidKiller, kill_children, remove_tree


def _send(obj: dict) -> None:
    data = (json.dumps(obj) + "\n").encode()
    try:
        while data:
            data = data[os.write(1, data):]
    except OSError:
        pass  # the grader is gone: the next read of stdin sees its end, and everything is cleared up


def _load_checks(files: list[str]) -> list:
    """Import a set's checks.py, or every file of its checks/ folder as one package (`_z2h_checks`),
    so the files can share helpers by relative import (`from ._common import seeded`); a file whose
    name starts with "_" holds helpers, and is imported only by those who use it."""
    from grader import checks
    if len(files) == 1 and os.path.basename(files[0]) == "checks.py":
        _exec("_z2h_checks", files[0])
        return checks.REGISTRY
    folder = os.path.dirname(files[0])
    pkg = importlib.util.module_from_spec(importlib.machinery.ModuleSpec("_z2h_checks", None, is_package=True))
    pkg.__path__ = [folder]
    sys.modules["_z2h_checks"] = pkg
    for f in files:
        name = os.path.splitext(os.path.basename(f))[0]
        if not name.startswith("_") and f"_z2h_checks.{name}" not in sys.modules:
            importlib.import_module(f"_z2h_checks.{name}")
    return checks.REGISTRY


def _exec(name: str, path: str) -> None:
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)


# Imported before forking: a job that runs as another user (batch, --from as root) may be unable
# to read the grader's folder, the virtualenv or the standard library, so what it needs is loaded.
PRELOAD = ("grader.checks", "grader.sandbox.wire", "resource", "importlib.util", "math", "random", "collections",
           "itertools", "functools", "re", "string", "typing", "dataclasses", "copy", "heapq", "unicodedata",
           "struct", "statistics", "operator", "contextlib", "io", "time")


def main() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    hello = json.loads(sys.stdin.buffer.readline())
    killer = UidKiller()   # forked while this process is small: see UidKiller
    try:
        for name in (*PRELOAD, *hello["preload"]):
            __import__(name)
        if "numpy" in sys.modules:
            __import__("numpy.random")  # every check seeds it: load it once, not in each job
        if "torch" in sys.modules:
            sys.modules["torch"].set_num_threads(1)  # forks must not inherit a live OpenMP pool
            _warm_torch(sys.modules["torch"])
        registry = _load_checks(hello["check_files"])
    except BaseException:
        _send({"ready": False, "error": traceback.format_exc(limit=-3)})
        return
    _send({"ready": True, "checks": [c.meta() for c in registry]})
    import gc
    gc.freeze()   # what is loaded now is never collected: a job's collections leave its pages shared
    _serve({(c.exercise, c.name): c for c in registry}, hello.get("folder"), killer)


def _warm_torch(torch) -> None:
    """A backward with an explicit gradient (what ctx.backward does) imports torch.fx and sympy on
    first use: ~1.5 s that every forked job would pay again. Pay it once, here."""
    x = torch.zeros(2, requires_grad=True)
    (x * 2).backward(torch.ones(2))


def _become_subreaper() -> None:
    """Orphans of a job (a grandchild that called setsid) are re-parented to us, so we can end them."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _kill_orphans(jobs: dict[int, str], killer: UidKiller) -> None:
    """End every child of ours that is not a running job (what a finished job left behind), and
    what those had forked, round after round until none is left (the uid killer is no orphan)."""
    kill_children(os.getpid(), set(jobs) | ({killer.pid} if killer.pid else set()))


def _serve(registry: dict, folder: str | None, killer: UidKiller) -> None:
    _become_subreaper()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_w)
    jobs: dict[int, str] = {}  # pid -> job id
    uids: dict[int, int] = {}  # pid -> the uid of its own an isolated job runs as
    buf = b""
    while True:
        ready, _, _ = select.select([0, wake_r], [], [], 1.0)
        if wake_r in ready:
            os.read(wake_r, 4096)
        _reap(jobs, uids, killer)
        if 0 not in ready:
            continue
        chunk = os.read(0, 65536)
        if not chunk:  # the parent went away: take every child with us
            for pid in jobs:
                _killpg(pid)
            for uid in set(uids.values()):
                if uids_range.ours(uid):
                    killer.kill_uid(uid)
            _kill_orphans({}, killer)
            if folder:  # the grader may be gone for good (killed): its jobs' folders go with us
                remove_tree(folder)
            os._exit(0)  # skip torch's slow teardown: the parent waits for this exit
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            req = json.loads(line)
            pid = os.fork()
            if pid == 0:
                os.close(wake_r)
                os.close(wake_w)
                killer.close_in_job()
                run_job(req, registry)  # never returns
            jobs[pid] = req["job"]
            if (req.get("limits") or {}).get("drop") and os.geteuid() == 0:
                uids[pid] = int(req["limits"].get("uid", 0))
            _send({"job": req["job"], "pid": pid})


def _reap(jobs: dict[int, str], uids: dict[int, int], killer: UidKiller) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        job = jobs.pop(pid, None)
        if job is not None:
            _killpg(pid)  # whatever the job left running dies with it
            uid = uids.pop(pid, 0)
            if uids_range.ours(uid):  # and whatever runs as its uid (never nobody): forks that left the group
                killer.kill_uid(uid)
        _kill_orphans(jobs, killer)  # an orphan that ended may have left children of its own to us
        if job is not None:
            sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
            code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
            _send({"job": job, "exit": code, "signal": sig})


def _killpg(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


if __name__ == "__main__":
    main()
