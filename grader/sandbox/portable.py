"""The portable sandbox: one fresh Python process per job, where fork is missing (Windows) or unsafe
(macOS, after torch is imported). Chosen with `--sandbox portable` / Z2H_SANDBOX=portable, or
automatically (`wanted`).

Each job is still a separate process that runs nothing but that job: it is started ahead of time
(imports the set's modules and checks, says it is ready), then given one job on stdin, runs it with
the forked child's code (`child._run`: JSON plus raw bytes, never pickled) and exits. The parent
enforces every deadline by killing the process tree, and reads results with the same capped reader
(`pool.Worker._collect`). Limits that need POSIX (rlimits, another uid) apply only where they exist:
see docs/SECURITY.md. Uses only what every platform has: no fork, setsid, SIGALRM or select on pipes.
"""
from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from grader.sandbox.pool import GRACE_S, PKG_PARENT, Worker, WorkerError
from grader.sandbox.records import Fate, Job, JobResult

READY_S = 120.0    # for a fresh process to import the set and its checks


def fork_usable() -> bool:
    """The fork sandbox needs fork, setsid, SIGALRM and setitimer; on macOS forking after torch is
    imported is unsafe (Python's documentation), so it counts as unusable there."""
    have = all(hasattr(os, n) for n in ("fork", "setsid", "killpg")) and \
        all(hasattr(signal, n) for n in ("SIGALRM", "setitimer"))
    return have and sys.platform != "darwin"


def wanted() -> bool:
    """Z2H_SANDBOX=portable or fork forces a kind; otherwise portable wherever fork is not usable."""
    kind = os.environ.get("Z2H_SANDBOX", "").strip().lower()
    if kind in ("portable", "fork"):
        return kind == "portable" or not fork_usable()
    return not fork_usable()


def kind() -> str:
    return "portable" if wanted() else "fork"  # for `grade doctor`


class PortableWorker(Worker):
    """Worker's interface (ready, run, close) over fresh processes instead of a zygote's forks."""

    def _start(self) -> None:
        self._spares: list[_Proc] = []
        self._failed = 0
        self._spawn()

    def _spawn(self) -> None:
        self._spares.append(_Proc(self.tmp, self._hello))

    def ready(self) -> list[dict]:
        if self.checks is None:
            if not self._spares:
                self._spawn()
            msg = self._spares[0].wait_ready(READY_S)
            if msg is None or not msg.get("ready"):
                self._spares.pop(0).kill()
                raise WorkerError((msg or {}).get("error", "the worker did not start"))
            self.checks = msg["checks"]
        return self.checks

    def _take(self) -> _Proc | None:
        """A warm process ready for a job, or None yet. One that failed is replaced."""
        for p in list(self._spares):
            msg = p.poll_ready()
            if msg is None:
                continue
            self._spares.remove(p)
            if msg.get("ready"):
                return p
            p.kill()
            self._failed += 1
            self._spawn()
        return None

    def run(self, jobs: list[Job], parallel: int = 2, on_event=None) -> dict[str, JobResult]:
        pending, results = list(jobs), {}
        running: dict[str, tuple[Job, _Proc, float]] = {}
        self._killed.clear()
        while pending or running:
            while pending and len(self._spares) + len(running) < min(parallel, len(pending) + len(running)):
                self._spawn()
            while pending and len(running) < parallel and (proc := self._take()) is not None:
                job = pending.pop(0)
                self._submit_to(proc, job)
                running[job.id] = (job, proc, time.monotonic())
            if self._failed > self.MAX_RESTARTS:
                for job in pending:
                    results[job.id] = self._collect(job, Fate.CRASHED, "not run: the worker could not start")
                pending.clear()
            for jid, (job, proc, t0) in list(running.items()):
                code = proc.popen.poll()
                if code is None and time.monotonic() - t0 > job.budget + GRACE_S and jid not in self._killed:
                    self._killed.add(jid)
                    proc.kill()
                    continue
                if code is None:
                    continue
                del running[jid]
                proc.kill()  # whatever the job left running in its group dies with it
                msg = {"signal": -code if code < 0 else 0}
                results[jid] = self._finish(job, msg, {jid: (proc.popen.pid, t0)}, time.monotonic())
                self._killed.discard(jid)
                on_event and on_event(job, results[jid])
            if on_event:
                on_event(None, None)
            time.sleep(0.01)
        if not self._spares:
            self._spawn()  # warm for the next run (watch mode, notebooks); killed at close otherwise
        return results

    def _submit_to(self, proc: _Proc, job: Job) -> None:
        out = self.tmp / job.id
        out.mkdir(exist_ok=True)
        limits = dict(job.limits, drop=job.isolate)
        if job.isolate and hasattr(os, "geteuid") and os.geteuid() == 0:
            limits["uid"] = self._next_uid()
        req = {"job": job.id, "out": str(out), "exercise": job.exercise, "module": job.module,
               "module_path": job.module_path, "search_path": job.search_path, "overrides": job.overrides,
               "checks": job.checks, "seed": job.seed, "data_dirs": job.data_dirs,
               "student_dirs": job.student_dirs, "limits": limits}
        proc.send(req)

    def close(self) -> None:
        for p in self._spares:
            p.kill()
        self._spares.clear()
        shutil.rmtree(self.tmp, ignore_errors=True)


class _Proc:
    """One fresh job process: started, warming (importing), ready, then given one job."""

    def __init__(self, tmp: Path, hello: dict):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "Z2H"))}
        env.update(OMP_NUM_THREADS="1", PYTHONHASHSEED="0")
        boot = (f"import sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; "
                f"sys.path.insert(0, {PKG_PARENT!r}); from grader.sandbox.portable import job_main; job_main()")
        group = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if os.name == "nt" \
            else {"start_new_session": True}
        self.popen = subprocess.Popen([sys.executable, "-s", "-B", "-c", boot], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, env=env, cwd=tmp, **group)
        self._msgs: queue.Queue = queue.Queue()
        self._ready: dict | None = None
        self.send(hello)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        """The first line the process prints: ready, or why not (a thread: no select on pipes on Windows)."""
        try:
            line = self.popen.stdout.readline(2**22)
            self._msgs.put(json.loads(line) if line.endswith(b"\n") else {"ready": False})
        except (OSError, ValueError):
            self._msgs.put({"ready": False})

    def poll_ready(self) -> dict | None:
        if self._ready is None:
            try:
                self._ready = self._msgs.get_nowait()
            except queue.Empty:
                return None
        return self._ready

    def wait_ready(self, timeout: float) -> dict | None:
        if self._ready is None:
            try:
                self._ready = self._msgs.get(timeout=timeout)
            except queue.Empty:
                return None
        return self._ready

    def send(self, obj: dict) -> None:
        try:
            self.popen.stdin.write((json.dumps(obj) + "\n").encode())
            self.popen.stdin.flush()
        except OSError:
            pass  # the process is gone: its exit is noticed by the run loop

    def kill(self) -> None:
        kill_tree(self.popen)
        for f in (self.popen.stdin, self.popen.stdout):
            with contextlib.suppress(OSError):
                f.close()


def kill_tree(popen: subprocess.Popen) -> None:
    """Kill a job and what it started: its process group (POSIX), its tree (Windows, taskkill /T)."""
    if os.name == "nt":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(popen.pid)], capture_output=True, timeout=10)
    elif hasattr(os, "killpg"):
        try:
            os.killpg(popen.pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        popen.kill()
    except OSError:
        pass
    try:
        popen.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


# ---- in the job process ------------------------------------------------------------------------

def _send(obj: dict) -> None:
    data = (json.dumps(obj) + "\n").encode()
    while data:
        data = data[os.write(1, data):]


def job_main() -> None:
    """Warm up (the set's modules, its checks), say ready, run the one job given, exit."""
    import traceback
    from grader.sandbox.zygote import _load_checks
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    stdin = sys.stdin.buffer
    hello = json.loads(stdin.readline())
    try:
        for name in ("grader.checks", "grader.sandbox.wire", "importlib.util", *hello["preload"]):
            __import__(name)
        if "numpy" in sys.modules:
            __import__("numpy.random")
        if "torch" in sys.modules:
            sys.modules["torch"].set_num_threads(1)
        registry = _load_checks(hello["check_files"])
    except BaseException:
        _send({"ready": False, "error": traceback.format_exc(limit=-3)})
        os._exit(0)
    _send({"ready": True, "checks": [c.meta() for c in registry]})
    line = stdin.readline()
    if not line.strip():
        os._exit(0)  # the parent closed: no job
    run_job(json.loads(line), {(c.exercise, c.name): c for c in registry})


def run_job(req: dict, registry: dict) -> None:
    from grader.sandbox import child
    try:
        _watch_parent()
        confine(req)
        if not hasattr(signal, "setitimer"):
            _thread_timer(child)
        child._run(req, registry)
    except BaseException:
        pass
    os._exit(0)


def _watch_parent() -> None:
    """stdin stays the parent's pipe: when it closes (the parent died), the job ends too."""
    fd = os.dup(0)

    def watch():
        try:
            while os.read(fd, 4096):
                pass
        except OSError:
            pass
        os._exit(0)
    threading.Thread(target=watch, daemon=True).start()


def confine(req: dict) -> None:
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
    _rlimits(req["limits"], posix)
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


def _rlimits(lim: dict, posix) -> None:
    try:
        import resource
    except ImportError:
        return  # Windows: time and output are limited by the parent; memory is not (docs/SECURITY.md)
    vm = posix._vm_size()
    for res, value in ((resource.RLIMIT_AS, vm + lim["memory_mb"] * 2**20 if vm else None),
                       (resource.RLIMIT_FSIZE, lim["file_mb"] * 2**20),
                       (resource.RLIMIT_CPU, int(lim["cpu_s"]) + 1),
                       (resource.RLIMIT_CORE, 0),
                       (getattr(resource, "RLIMIT_NPROC", None), posix._nproc_limit(lim))):
        if res is not None and value is not None:
            try:
                resource.setrlimit(res, (value, value))
            except (ValueError, OSError):
                pass


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
