"""The parent's side of the worker: start a zygote, hand it jobs, enforce deadlines, read results.

Nothing from a worker is ever unpickled: results are JSON plus raw array bytes, decoded by
`wire.decode` with limits. A job that hangs is killed with its whole process group.
"""
from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader.sandbox.readback import read_run
from grader.sandbox.records import CheckRun, Fate, Job, JobResult, RunStatus

JOB_UID_BASE, JOB_UIDS = 61000, 1000   # isolated jobs run as uids of their own, from this range
GRACE_S = 1.0          # beyond the sum of check timeouts, before a job is killed
PKG_PARENT = str(Path(__file__).resolve().parents[2])  # the folder holding the grader package


def job_root() -> str | None:
    """Where job folders go. Each check's result is a file; creating one took 2.5 ms on a busy ext4
    /tmp here and 0.01 ms on tmpfs, so /dev/shm when it has room, unless TMPDIR says otherwise."""
    shm = "/dev/shm"
    if os.environ.get("TMPDIR") or not os.path.isdir(shm) or not os.access(shm, os.W_OK):
        return None
    try:
        st = os.statvfs(shm)
    except OSError:
        return None
    return shm if st.f_bavail * st.f_frsize >= 256 * 2**20 else None


class WorkerError(Exception):
    pass


class Worker:
    """One zygote for one set: warm imports, then one fresh forked process per job."""

    MAX_RESTARTS = 5

    def __init__(self, preload: list[str], check_files: list[str]):
        self.tmp = Path(tempfile.mkdtemp(prefix="z2h-", dir=job_root()))
        os.chmod(self.tmp, 0o711)  # a job that runs as an unprivileged user must reach its own folder
        self._hello = {"preload": preload, "check_files": check_files}
        self._killed: set[str] = set()
        self._uid_seq = 0
        self.checks: list[dict] | None = None
        self.restarts = 0
        self._start()

    def _start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "Z2H"))}
        # A fixed hash seed: a set of strings iterates in the same order in every job and run
        # (-I would ignore it, so: no user site, no bytecode, and the current folder off the path).
        env.update(OMP_NUM_THREADS="1", PYTHONHASHSEED="0")
        boot = (f"import sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; "
                f"sys.path.insert(0, {PKG_PARENT!r}); from grader.sandbox.zygote import main; main()")
        self.proc = subprocess.Popen([sys.executable, "-s", "-B", "-c", boot], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, env=env, start_new_session=True, cwd=self.tmp)
        self.proc.stdin.write((json.dumps(self._hello) + "\n").encode())
        self.proc.stdin.flush()
        self._buf = b""

    def _restart(self) -> None:
        """The zygote died (a job may have killed it): start a fresh one and go on."""
        self.restarts += 1
        _killpg(self.proc.pid)
        self.proc.wait()
        self._start()
        self.checks = None
        self.ready()

    def ready(self) -> list[dict]:
        """Block until the zygote has loaded the checks; return their metadata."""
        if self.checks is None:
            msg = self._read_line(timeout=120)
            if msg is None or not msg.get("ready"):
                raise WorkerError((msg or {}).get("error", "the worker did not start"))
            self.checks = msg["checks"]
        return self.checks

    def run(self, jobs: list[Job], parallel: int = 2, on_event=None) -> dict[str, JobResult]:
        pending, running, results = list(jobs), {}, {}
        started: dict[str, tuple[int, float]] = {}
        tries: dict[str, int] = {}
        suspects: set[str] = set()  # caught in a killed zygote: retried alone, so only the culprit fails
        self.restarts = 0
        while pending or running:
            while pending and len(running) < parallel:
                if running and (pending[0].id in suspects or suspects.intersection(running)):
                    break
                job = pending.pop(0)
                self._submit(job)
                running[job.id] = job
            msg = self._read_line(timeout=0.05)
            now = time.monotonic()
            if msg is None and self.proc.poll() is not None:
                # Someone killed the zygote. Its jobs die with it (and their process groups); each
                # gets one more try, alone, so an innocent neighbour is not failed for what another did.
                for jid, (pid, _) in started.items():
                    _killpg(pid)
                for job in list(running.values()):
                    self._killed.discard(job.id)
                    tries[job.id] = tries.get(job.id, 0) + 1
                    if tries[job.id] < 2:
                        shutil.rmtree(self.tmp / job.id, ignore_errors=True)
                        pending.insert(0, job)
                        suspects.add(job.id)
                        continue
                    results[job.id] = self._collect(job, Fate.CRASHED, "the worker process was killed while this ran")
                    on_event and on_event(job, results[job.id])
                running.clear()
                started.clear()
                if self.restarts >= self.MAX_RESTARTS:
                    for job in pending:
                        results[job.id] = self._collect(job, Fate.CRASHED, "not run: the worker kept being killed")
                    break
                self._restart()
                continue
            if msg and "pid" in msg and msg["job"] in running:
                started[msg["job"]] = (msg["pid"], now)
            elif msg and "exit" in msg and msg["job"] in running:
                job = running.pop(msg["job"])
                results[job.id] = self._finish(job, msg, started, now)
                self._killed.discard(job.id)  # a worker lives on (watch mode): the id comes back next run
                started.pop(job.id, None)
                on_event and on_event(job, results[job.id])
            for jid, (pid, t0) in list(started.items()):
                if jid in running and now - t0 > running[jid].budget + GRACE_S and jid not in self._killed:
                    self._killed.add(jid)
                    _killpg(pid)
            if on_event:
                on_event(None, None)
        return results

    def _submit(self, job: Job) -> None:
        out = self.tmp / job.id
        out.mkdir(exist_ok=True)
        limits = dict(job.limits, drop=True, uid=self._next_uid()) if job.isolate else dict(job.limits, drop=False)
        req = {"job": job.id, "out": str(out), "exercise": job.exercise, "module": job.module,
               "module_path": job.module_path, "search_path": job.search_path, "overrides": job.overrides,
               "checks": job.checks, "seed": job.seed, "data_dirs": job.data_dirs,
               "student_dirs": job.student_dirs, "limits": limits, "trace": job.trace}
        try:
            self.proc.stdin.write((json.dumps(req) + "\n").encode())
            self.proc.stdin.flush()
        except OSError:
            pass  # the zygote is gone; the run loop notices and restarts it

    def _next_uid(self) -> int:
        """A uid no account owns, different from every other running job's: all as nobody, one
        submission's job could kill, read or overwrite another's."""
        import pwd
        for _ in range(JOB_UIDS):
            self._uid_seq += 1
            uid = JOB_UID_BASE + self._uid_seq % JOB_UIDS
            try:
                pwd.getpwuid(uid)
            except KeyError:
                return uid
        return 65534

    def _finish(self, job: Job, msg: dict, started: dict, now: float) -> JobResult:
        if job.id in self._killed:
            t = now - started.get(job.id, (0, now))[1]
            return self._collect(job, Fate.KILLED, f"stopped after {t:.1f} s (time limit {job.budget:.0f} s)")
        if msg.get("signal"):
            name = signal.Signals(msg["signal"]).name if msg["signal"] in signal.valid_signals() else msg["signal"]
            return self._collect(job, Fate.CRASHED, f"the process died from {name}")
        return self._collect(job, Fate.OK, "")

    def _collect(self, job: Job, fate: Fate, detail: str) -> JobResult:
        out = self.tmp / job.id
        runs: dict[str, CheckRun] = {}
        for i, name in enumerate(job.checks):
            runs[name] = read_run(out, i, name)
        lost = [r for r in runs.values() if r.status == RunStatus.LOST]
        if fate == Fate.OK and lost:
            fate, detail = Fate.EXITED, "the process ended before reporting every check (did the code call os._exit or exit?)"
        shutil.rmtree(out, ignore_errors=True)
        return JobResult(job, runs, fate, detail)

    def _read_line(self, timeout: float) -> dict | None:
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return json.loads(line)

    def close(self) -> None:
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            _killpg(self.proc.pid)
            self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _killpg(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass




