"""The portable sandbox: jobs in fresh Python processes, where fork is missing (Windows) or unsafe
(macOS, after torch is imported). Chosen with `--sandbox portable` / Z2H_SANDBOX=portable, or
automatically (`wanted`).

Jobs run in fresh processes, never in the grader's: each is started ahead of time (imports the
set's modules and checks, says it is ready), then given jobs on stdin, one at a time, and runs each
with the forked child's code (`child._run`: JSON plus raw bytes, never pickled; portable_job.py).
A process runs jobs of one side only (one folder of student code; or the course's own code, the
reference and its known mistakes, kept between runs), so no submission's code ever shares a
process with another's or with the course's; a set's exercises of one student may (a process per
job would import torch once per exercise). SPARES fresh processes are kept warm, so the next run
(a save in watch mode, a second check() in a notebook) starts at once. The parent enforces
every deadline by killing the process tree, and reads results with the same capped reader
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
SPARES = 2          # fresh processes kept warm between runs: the reference's and the student's
TRUSTED = ("trusted",)  # the side of the course's own code (_key)
KEEPER_SIGNAL = 200  # the keeper exits with this plus the signal that ended the job (portable_job)


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
        self._procs: list[_Proc] = []   # warming, ready, or bound to a side (with a job or idle)
        self._failed = 0
        self._top_up()

    def _spawn(self) -> None:
        self._procs.append(_Proc(self.tmp, self._hello))

    def _drop(self, p: _Proc) -> None:
        if p.key is not None and p.job is None and p.popen.poll() is None:
            p.close_gently()  # ran jobs, now idle: it ends their strays and exits; killed if it does not
        p.kill()
        self._procs.remove(p)

    def pids(self) -> set[int]:
        """The processes kept between runs: each live keeper, and its job process once it said ready."""
        found = set()
        for p in self._procs:
            if p.popen.poll() is None:
                p.poll_ready()
                found |= {p.popen.pid} | ({p.job_pid} if p.job_pid else set())
        return found

    def ready(self) -> list[dict]:
        if self.checks is None:
            if not self._procs:
                self._spawn()
            msg = self._procs[0].wait_ready(READY_S)
            if msg is None or not msg.get("ready"):
                self._drop(self._procs[0])
                raise WorkerError((msg or {}).get("error", "the worker did not start"))
            self.checks = msg["checks"]
        return self.checks

    def settle(self) -> None:
        """Block until the spares have imported the set (or a deadline), as a pause between saves allows."""
        self.ready()
        deadline = time.monotonic() + READY_S
        for p in [p for p in self._procs if p.key is None]:
            p.wait_ready(max(0.0, deadline - time.monotonic()))

    def run(self, jobs: list[Job], parallel: int = 2, on_event=None) -> dict[str, JobResult]:
        pending, results = list(jobs), {}
        self._killed.clear()
        while pending or any(p.job for p in self._procs):
            self._assign(pending, parallel)
            if self._failed > self.MAX_RESTARTS:
                for job in pending:
                    results[job.id] = self._collect(job, Fate.CRASHED, "not run: the worker could not start")
                pending.clear()
            for p in [p for p in self._procs if p.job]:
                res = self._poll(p)
                if res is not None:
                    results[res.job.id] = res
                    on_event and on_event(res.job, res)
            if on_event:
                on_event(None, None)
            time.sleep(0.005)
        kept = next((p for p in self._procs if p.key == TRUSTED and p.popen.poll() is None), None)
        for p in [p for p in self._procs if p.key is not None and p is not kept]:
            self._drop(p)  # bound to this run's student sides: the next run gets fresh ones
        self._top_up()
        return results

    def _top_up(self) -> None:
        """Keep SPARES fresh processes warming or ready, so the next run (a save in watch mode, a
        second check() in a notebook, the student's jobs right after the reference's) need not wait
        for one to import torch. Killed at close."""
        while sum(1 for p in self._procs if p.key is None) < SPARES:
            self._spawn()

    def _assign(self, pending: list[Job], parallel: int) -> None:
        """Idle bound processes take their side's next job (or end); ready spares take any job;
        spares are started while fewer than `parallel` processes can take the work waiting (an idle
        process of the course's own code takes none of a student's)."""
        for p in [p for p in self._procs if p.key is not None and p.job is None]:
            job = next((j for j in pending if _key(j) == p.key), None)
            if job is None:
                if p.key != TRUSTED:
                    self._drop(p)  # the course's own code may wait for the next run; a student's never
                continue
            pending.remove(job)
            self._submit_to(p, job)
        for p in [p for p in self._procs if p.key is None]:
            busy = sum(1 for q in self._procs if q.job)
            if not pending or busy >= parallel:
                break
            msg = p.poll_ready()
            if msg is None and time.monotonic() - p.born > READY_S:
                msg = {"ready": False}  # never said it was ready: every wait has a deadline
            if msg is not None and not msg.get("ready"):
                self._drop(p)
                self._failed += 1
            elif msg is not None:
                job = pending.pop(0)
                self._submit_to(p, job)
        busy = sum(1 for q in self._procs if q.job)
        able = busy + sum(1 for q in self._procs if q.key is None)   # not an idle process of another side
        for _ in range(min(parallel, len(pending) + busy) - able):
            self._spawn()

    def _poll(self, p: _Proc) -> JobResult | None:
        """The job's result when it is done (said so, or its process ended), else None."""
        job, t0 = p.job, p.t0
        code = p.popen.poll()
        done = p.take_done(job.id)
        if not done and code is None:
            if time.monotonic() - t0 > job.budget + GRACE_S and job.id not in self._killed:
                self._killed.add(job.id)
                p.kill()
            return None
        p.job = None
        if not done:
            self._drop(p)  # whatever the job left running in its group dies with it
        if not done and code < 0 and job.id not in self._killed:  # the keeper itself was killed
            res = self._collect(job, Fate.CRASHED, "the worker process was killed while this ran")
        else:
            sig = code - KEEPER_SIGNAL if not done and code >= KEEPER_SIGNAL else 0
            res = self._finish(job, {"signal": sig}, {job.id: (p.popen.pid, t0)}, time.monotonic())
        self._killed.discard(job.id)
        return res

    def _submit_to(self, proc: _Proc, job: Job) -> None:
        out = self.tmp / job.id
        out.mkdir(exist_ok=True)
        limits = dict(job.limits, drop=job.isolate)
        if job.isolate and hasattr(os, "geteuid") and os.geteuid() == 0:
            limits["uid"] = self._lease_uid(job.id)   # leased across graders (sandbox.uids), freed in _collect
        req = {"job": job.id, "out": str(out), "exercise": job.exercise, "module": job.module,
               "module_path": job.module_path, "search_path": job.search_path, "overrides": job.overrides,
               "checks": job.checks, "seed": job.seed, "data_dirs": job.data_dirs,
               "student_dirs": job.student_dirs, "limits": limits}
        proc.key, proc.job, proc.t0 = _key(job), job, time.monotonic()
        proc.send(req)

    def close(self) -> None:
        for p in list(self._procs):
            self._drop(p)
        shutil.rmtree(self.tmp, ignore_errors=True)


def _key(job: Job) -> tuple:
    """Jobs that may share a process: the same code of the same side. Isolated jobs share nothing.
    The course's own code (the reference, its known mistakes) is one side, kept across runs."""
    if job.isolate:
        return ("isolated", job.id)
    if job.tag in ("reference", "mistake"):
        return TRUSTED
    return (job.tag, tuple(job.student_dirs), tuple(job.search_path), tuple(sorted(job.overrides.items())))


class _Proc:
    """One job process: started, warming (importing), ready, then bound to one side's jobs. It runs
    under a keeper (portable_job.keeper_main; -S: it needs no site-packages, and starts fast), so the process a job sees as its parent is not the
    grader: a job that kills its parent ends its own run, as one that kills the zygote does."""

    def __init__(self, tmp: Path, hello: dict):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "Z2H"))}
        env.update(OMP_NUM_THREADS="1", PYTHONHASHSEED="0")
        boot = (f"import sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; sys.path.insert(0, "
                f"{PKG_PARENT!r}); from grader.sandbox.portable_job import keeper_main; keeper_main({str(tmp)!r})")
        group = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if os.name == "nt" \
            else {"start_new_session": True}
        self.popen = subprocess.Popen([sys.executable, "-S", "-s", "-B", "-c", boot], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, env=env, cwd=tmp, **group)
        self.key: tuple | None = None
        self.job: Job | None = None
        self.t0, self.born = 0.0, time.monotonic()
        self._msgs: queue.Queue = queue.Queue()
        self._ready: dict | None = None
        self.job_pid: int | None = None
        self._done: set[str] = set()
        self.send(hello)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        """Lines from the process (a thread: no select on pipes on Windows): ready first, then done."""
        try:
            while (line := self.popen.stdout.readline(2**22)).endswith(b"\n"):
                self._msgs.put(json.loads(line))
        except (OSError, ValueError):
            pass
        with contextlib.suppress(OSError):
            self.popen.stdout.close()
        self._msgs.put({"ready": False})

    def _drain(self, timeout: float | None = None) -> None:
        try:
            msg = self._msgs.get(timeout=timeout) if timeout else self._msgs.get_nowait()
        except queue.Empty:
            return
        if type(msg) is dict and type(msg.get("job_pid")) is int and len(msg) == 1:
            self.job_pid = msg["job_pid"]  # from the keeper, before the job process says ready
        elif self._ready is None:
            self._ready = msg if type(msg) is dict else {"ready": False}
        elif type(msg) is dict and isinstance(msg.get("done"), str):
            self._done.add(msg["done"])

    def poll_ready(self) -> dict | None:
        while self._ready is None and not self._msgs.empty():
            self._drain()
        return self._ready

    def wait_ready(self, timeout: float) -> dict | None:
        deadline = time.monotonic() + timeout
        while self._ready is None and (left := deadline - time.monotonic()) > 0:
            self._drain(left)
        return self._ready

    def take_done(self, jid: str) -> bool:
        while not self._msgs.empty():
            self._drain()
        if jid in self._done:
            self._done.discard(jid)
            return True
        return False

    def send(self, obj: dict) -> None:
        try:
            self.popen.stdin.write((json.dumps(obj) + "\n").encode())
            self.popen.stdin.flush()
        except (OSError, ValueError):
            pass  # the process is gone: its exit is noticed by the run loop

    def close_gently(self, wait: float = 3.0) -> None:  # the keeper's end_strays takes up to 2 s
        with contextlib.suppress(OSError, ValueError):
            self.popen.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=wait)

    def kill(self) -> None:
        kill_tree(self.popen)
        with contextlib.suppress(OSError):
            self.popen.stdin.close()
        # stdout is the reader thread's to close: closing it here would wait for that thread's read,
        # which lasts while anything the job started still holds the pipe


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
