"""The job process of the portable sandbox (sandbox.portable): warm up, say ready, run jobs given on
stdin with the forked child's code (`child._run`), say done after each.

A process runs only jobs of one side (the same folder of student code, the same tag; the parent sees
to it), one at a time, each in its own folder with its own output file and timer; an isolated job
(a uid of its own, as root) is the process's last. Between jobs the student's modules and search
path are dropped. Uses only what every platform has: no fork, setsid, SIGALRM or select on pipes.
"""
from __future__ import annotations

import json
import os
import queue
import signal
import sys
import threading
import time
import traceback
from pathlib import Path


def _send(fd: int, obj: dict) -> None:
    data = (json.dumps(obj) + "\n").encode()
    while data:
        data = data[os.write(fd, data):]


def keeper_main(folder: str | None = None) -> None:
    """The job process's parent, in its process group: waits for it and exits with its status
    (KEEPER_SIGNAL plus the signal, when a signal ended it). A job that kills its parent kills this.
    If the grader died meanwhile (we were re-parented), the worker's `folder` is removed, as the
    zygote removes its own when its grader dies: no one else is left to."""
    import subprocess
    grader = os.getppid()
    try:  # Linux: orphans a job leaves (setsid'd grandchildren) come to us, to be ended
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError, ImportError):
        pass
    boot = (f"import sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; sys.path.insert(0, "
            f"{os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))!r}); "
            f"from grader.sandbox.portable_job import job_main; job_main(keeper={os.getpid()})")
    job = subprocess.Popen([sys.executable, "-s", "-B", "-c", boot])
    _send(1, {"job_pid": job.pid})  # so the parent can tell its own processes from a job's strays
    code = job.wait()
    end_strays((os.getpid(),))
    if folder and os.getppid() != grader:
        from grader.sandbox.cleanup import remove_tree
        for _ in range(3):  # every keeper tries: another may be removing it at the same time
            if remove_tree(folder):
                break
    os._exit(200 - code if code < 0 else code)


def end_strays(parents: tuple[int, ...], seconds: float = 2.0) -> None:
    """Linux: kill what a job left running: children of `parents` (the job process and its keeper,
    a subreaper that adopts orphans) and their process groups, round after round until none is
    left or `seconds` pass. A chain that forks and exits every millisecond is gone from /proc before
    a scan reaches it, but its dead members stay (zombies of the keeper) and name its group, which
    is killed at once. Elsewhere (no /proc): the process group only."""
    if not os.path.isdir("/proc"):
        return
    end, mine, signalled = time.monotonic() + seconds, os.getpgrp(), set()
    while time.monotonic() < end:
        found = False
        for pid, state, group in _children_of(parents):
            if state != "Z":
                found = True
                _kill(lambda: os.kill(pid, signal.SIGKILL))
            if group not in (mine, 0, 1) and group not in signalled:
                found = True
                signalled.add(group)
                _kill(lambda: os.killpg(group, signal.SIGKILL))
        while True:  # reap our own
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break
        if not found:
            return


def _children_of(parents: tuple[int, ...]) -> list[tuple[int, str, int]]:
    """(pid, state, process group) of every process whose parent is one of `parents`, from /proc."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                state, ppid, group = f.read().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError, IndexError):
            continue
        if int(ppid) in parents:
            out.append((int(entry), state, int(group)))
    return out


def _kill(call) -> None:
    try:
        call()
    except OSError:
        pass


def job_main(keeper: int | None = None) -> None:
    from grader.sandbox.zygote import PRELOAD, _load_checks, _warm_torch
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    hello = json.loads(sys.stdin.buffer.readline())
    try:
        for name in PRELOAD:  # what a job that runs as another user may be unable to read later
            try:
                __import__(name)
            except ImportError:
                pass  # resource, on Windows
        for name in hello["preload"]:
            __import__(name)
        if "numpy" in sys.modules:
            __import__("numpy.random")
        if "torch" in sys.modules:
            sys.modules["torch"].set_num_threads(1)
            _warm_torch(sys.modules["torch"])  # the first backward's imports (~1.5 s) are no check's time
        registry = _load_checks(hello["check_files"])
    except BaseException:
        _send(1, {"ready": False, "error": traceback.format_exc(limit=-3)})
        os._exit(0)
    _send(1, {"ready": True, "checks": [c.meta() for c in registry]})
    serve({(c.exercise, c.name): c for c in registry}, keeper)


def serve(registry: dict, keeper: int | None = None) -> None:
    """keeper: the pid of our keeper (which adopts a job's orphans); only its children and ours are
    ever ended, and only while it is still our parent: if it died, this process ends too."""
    from grader.sandbox import child
    saved = {fd: os.dup(fd) for fd in (0, 1, 2)}
    jobs = _read_jobs(saved[0])
    if not hasattr(signal, "setitimer"):
        _thread_timer(child)
    home, path, first = os.getcwd(), list(sys.path), True
    while True:
        req = jobs.get()
        try:
            confine(req, first)
            first = False
            child._run(req, registry)
        except BaseException:
            os._exit(0)  # the state is unknown: no further job runs in this process
        if req["limits"].get("drop"):
            os._exit(0)
        if keeper is not None and os.getppid() != keeper:
            os._exit(0)  # the keeper was killed: never end another process's children
        end_strays((os.getpid(), keeper) if keeper is not None else (os.getpid(),))
        _reset(saved, home, path, req)
        _send(saved[1], {"done": req["job"]})


def _read_jobs(fd: int) -> queue.Queue:
    """A thread reads the parent's pipe: each line a job; at its end (the parent died or closed), exit."""
    q: queue.Queue = queue.Queue()

    def read():
        buf = b""
        try:
            while chunk := os.read(fd, 65536):
                buf += chunk
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    q.put(json.loads(line))
        except (OSError, ValueError):
            pass
        os._exit(0)
    threading.Thread(target=read, daemon=True).start()
    return q


def _reset(saved: dict, home: str, path: list, req: dict) -> None:
    """Back to the state before the job: the parent's pipes, the folder, the path, no student modules."""
    for s in (sys.stdout, sys.stderr):
        try:
            s.flush()
        except BaseException:
            pass
    for fd in (1, 2):
        os.dup2(saved[fd], fd)
    os.chdir(home)
    sys.path[:] = path
    overridden = [os.path.dirname(p) for p in req["overrides"].values()]  # a known mistake's variant
    dirs = [os.path.realpath(d) for d in (*req["student_dirs"], *req["search_path"], *overridden)]
    for name, mod in list(sys.modules.items()):
        f = getattr(mod, "__file__", None)
        if isinstance(f, str) and any(os.path.realpath(f).startswith(d + os.sep) for d in dirs):
            del sys.modules[name]


def confine(req: dict, first: bool) -> None:
    """What every platform allows: captured output, no stdin, a private working folder, a scrubbed
    environment; rlimits where `resource` exists; another uid when asked as root (POSIX)."""
    from grader.sandbox import confine as posix
    out = Path(req["out"])
    for name in ("SIGPIPE", "SIGINT", "SIGTERM", "SIGCHLD"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    fd = os.open(out / "output.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    _rlimits(req["limits"], posix, first)
    cwd = out / "cwd"
    cwd.mkdir(exist_ok=True)
    if req["limits"].get("drop") and hasattr(os, "geteuid"):
        posix._drop_privileges(req, out)
    os.chdir(cwd)
    keep = {k: os.environ[k] for k in ("SYSTEMROOT", "WINDIR", "COMSPEC") if k in os.environ}
    os.environ.clear()
    os.environ.update(keep, HOME=str(cwd), TMPDIR=str(cwd), TEMP=str(cwd), TMP=str(cwd), LANG="C.UTF-8",
                      PATH=os.pathsep.join(["/usr/bin", "/bin"]) if os.name != "nt" else keep.get("SYSTEMROOT", ""),
                      OMP_NUM_THREADS="1", PYTHONHASHSEED="0", USER="z2h", LOGNAME="z2h")
    sys.stdin = open(os.devnull)


def _rlimits(lim: dict, posix, first: bool) -> None:
    """Memory, file size, core dumps and processes once; CPU time per job (the soft limit moves on)."""
    try:
        import resource
    except ImportError:
        return  # Windows: time and output are limited by the parent; memory is not (docs/SECURITY.md)
    used = int(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]))
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    soft = used + int(lim["cpu_s"]) + 1
    todo = [(resource.RLIMIT_CPU, soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard)]
    if first:
        vm = posix._vm_size()
        for res, value in ((resource.RLIMIT_AS, vm + lim["memory_mb"] * 2**20 if vm else None),
                           (resource.RLIMIT_FSIZE, lim["file_mb"] * 2**20),
                           (resource.RLIMIT_CORE, 0),
                           (getattr(resource, "RLIMIT_NPROC", None), _nproc_limit(lim, posix))):
            if res is not None and value is not None:
                todo.append((res, value, value))
    for res, soft, hard in todo:
        try:
            resource.setrlimit(res, (soft, hard))
        except (ValueError, OSError):
            pass


def _nproc_limit(lim: dict, posix) -> int | None:
    """RLIMIT_NPROC counts every process of the user: what runs now plus a margin. Without /proc
    (macOS) the count comes from `ps`, so the limit is not 64 for the whole user."""
    if lim.get("nproc") is None or os.path.isdir("/proc"):
        return posix._nproc_limit(lim)
    import subprocess
    try:
        uids = subprocess.run(["ps", "-A", "-o", "uid="], capture_output=True, text=True, timeout=5).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None  # no count: no limit rather than one that stops the job from starting anything
    return sum(1 for u in uids if u == str(os.getuid())) + int(lim["nproc"])


def _thread_timer(child) -> None:
    """Where there is no SIGALRM (Windows): a thread interrupts the main thread with CheckTimeout
    after the check's time, and again every 0.25 s until disarmed, as the itimer does. Code stuck
    in C is not interrupted: the parent kills the process at the job's deadline."""
    import _thread
    gen = [0]

    def setitimer(_which, seconds, interval=0.0):
        gen[0] += 1
        mine = gen[0]
        if seconds > 0:
            def fire():
                time.sleep(seconds)
                while gen[0] == mine:
                    _thread.interrupt_main(signal.SIGINT)
                    time.sleep(interval or 0.25)
            threading.Thread(target=fire, daemon=True).start()
        return (0.0, 0.0)

    def arm(seconds: float) -> None:
        signal.signal(signal.SIGINT, child._on_alarm)
        setitimer(0, seconds, 0.25)
    signal.setitimer, signal.ITIMER_REAL = setitimer, 0
    child._arm = arm
