"""The parent's side of the worker: start a zygote, hand it jobs, enforce deadlines, read results.

Nothing from a worker is ever unpickled: results are JSON plus raw array bytes, decoded by
`wire.decode` with limits. A job that hangs is killed with its whole process group.
"""
from __future__ import annotations

import json
import os
import select
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from grader.sandbox import uids
from grader.sandbox.cleanup import kill_uid, remove_tree
from grader.sandbox.readback import read_run
from grader.sandbox.records import CheckRun, Fate, Job, JobResult, RunStatus

GRACE_S = 1.0          # beyond the sum of check timeouts, before a job is killed
STALL_S = 4.0          # beyond that, with no word of the job's end: the worker is stopped or hung
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


def sweep_stale(root: str) -> None:
    """Remove worker folders (z2h-<grader pid>-*) of ours whose grader is gone: the one case that leaves
    one is a grader killed together with its worker (SIGKILL to the process group). A live pid, even a
    reused one, keeps its folder. POSIX only: on Windows os.kill(pid, 0) would end the process."""
    if not hasattr(os, "getuid"):
        return
    try:
        names = [n for n in os.listdir(root) if n.startswith("z2h-")]
    except OSError:
        return
    for name in names:
        pid = name.split("-")[1]
        path = os.path.join(root, name)
        try:
            st = os.lstat(path)
            if not pid.isdigit() or not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
                continue
            os.kill(int(pid), 0)
        except ProcessLookupError:
            remove_tree(path)
        except (OSError, OverflowError, ValueError):
            continue


class WorkerError(Exception):
    pass


@dataclass
class _RunState:
    """One `Worker.run`: jobs waiting, running (when each was sent, when it started) and done."""
    pending: list[Job]
    running: dict[str, Job] = field(default_factory=dict)
    sent: dict[str, float] = field(default_factory=dict)
    started: dict[str, tuple[int, float]] = field(default_factory=dict)
    results: dict[str, JobResult] = field(default_factory=dict)
    tries: dict[str, int] = field(default_factory=dict)
    suspects: set[str] = field(default_factory=set)  # caught in a killed zygote: retried alone


class Worker:
    """One zygote for one set: warm imports, then one fresh forked process per job."""

    MAX_RESTARTS = 5

    def __init__(self, preload: list[str], check_files: list[str]):
        sweep_stale(job_root() or tempfile.gettempdir())
        self.tmp = Path(tempfile.mkdtemp(prefix=f"z2h-{os.getpid()}-", dir=job_root()))  # the pid: whose, if left
        os.chmod(self.tmp, 0o711)  # a job that runs as an unprivileged user must reach its own folder
        self._hello = {"preload": preload, "check_files": check_files, "folder": str(self.tmp)}
        self._killed: set[str] = set()
        self._uid_seq = 0
        self._uids: dict[str, int] = {}  # job id -> the uid leased for it (isolated, as root)
        self._stall = False
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

    def pids(self) -> set[int]:
        """The processes the worker keeps between runs (the zygote), for tests that look for leftovers."""
        return {self.proc.pid} if self.proc.poll() is None else set()

    def settle(self) -> None:
        """Block until a run can start its jobs at once (for the fork sandbox: the zygote is ready)."""
        self.ready()

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
        st = _RunState(list(jobs))
        self.restarts = 0
        while st.pending or st.running:
            while st.pending and len(st.running) < parallel:
                if st.running and (st.pending[0].id in st.suspects or st.suspects.intersection(st.running)):
                    break
                job = st.pending.pop(0)
                self._submit(job)
                st.running[job.id], st.sent[job.id] = job, time.monotonic()
            msg = self._read_line(timeout=0.05)
            now = time.monotonic()
            if msg is None and self.proc.poll() is None and self._stalled(st, now):
                _killpg(self.proc.pid)  # stopped (SIGSTOP) or deaf: a worker that does not answer is replaced
                self.proc.wait()
            if msg is None and self.proc.poll() is not None:
                if not self._lost_worker(st, on_event):
                    break
                continue
            if msg and "pid" in msg and msg["job"] in st.running:
                st.started[msg["job"]] = (msg["pid"], now)
            elif msg and "exit" in msg and msg["job"] in st.running:
                job = st.running.pop(msg["job"])
                st.results[job.id] = self._finish(job, msg, st.started, now)
                self._killed.discard(job.id)  # a worker lives on (watch mode): the id comes back next run
                st.started.pop(job.id, None)
                on_event and on_event(job, st.results[job.id])
            for jid, (pid, t0) in list(st.started.items()):
                if jid in st.running and now - t0 > st.running[jid].budget + GRACE_S and jid not in self._killed:
                    self._killed.add(jid)
                    _killpg(pid)
            if on_event:
                on_event(None, None)
        return st.results

    def _stalled(self, st: _RunState, now: float) -> bool:
        """True when a running job is well past its deadline and the worker has not reported its end:
        the worker was stopped (a job sent it SIGSTOP) or hangs. Every wait has a deadline."""
        for jid, job in st.running.items():
            if now - st.sent.get(jid, now) > job.budget + GRACE_S + STALL_S:
                self._stall = True
                return True
        return False

    def _lost_worker(self, st: _RunState, on_event) -> bool:
        """The zygote died or was replaced. Its jobs die with it (and their process groups); each gets
        one more try, alone, so an innocent neighbour is not failed for what another did. False when
        the worker kept dying: then every job left is reported, not run."""
        why = ("the worker process stopped answering while this ran (was it sent SIGSTOP?)" if self._stall
               else "the worker process was killed while this ran")
        self._stall = False
        for jid, (pid, _) in st.started.items():
            _killpg(pid)
        for job in list(st.running.values()):
            self._killed.discard(job.id)
            self._forget_uid(job.id, kill=True)
            st.tries[job.id] = st.tries.get(job.id, 0) + 1
            if st.tries[job.id] < 2:
                remove_tree(self.tmp / job.id)
                st.pending.insert(0, job)
                st.suspects.add(job.id)
                continue
            st.results[job.id] = self._collect(job, Fate.CRASHED, why, discard=True)
            on_event and on_event(job, st.results[job.id])
        st.running.clear()
        st.started.clear()
        if self.restarts >= self.MAX_RESTARTS:
            for job in st.pending:
                st.results[job.id] = self._collect(job, Fate.CRASHED, "not run: the worker kept being killed")
            return False
        self._restart()
        return True

    def _submit(self, job: Job) -> None:
        out = self.tmp / job.id
        out.mkdir(exist_ok=True)
        limits = dict(job.limits, drop=True, uid=self._lease_uid(job.id)) if job.isolate else dict(job.limits, drop=False)
        req = {"job": job.id, "out": str(out), "exercise": job.exercise, "module": job.module,
               "module_path": job.module_path, "search_path": job.search_path, "overrides": job.overrides,
               "checks": job.checks, "seed": job.seed, "data_dirs": job.data_dirs,
               "student_dirs": job.student_dirs, "limits": limits, "trace": job.trace}
        try:
            self.proc.stdin.write((json.dumps(req) + "\n").encode())
            self.proc.stdin.flush()
        except OSError:
            pass  # the zygote is gone; the run loop notices and restarts it

    def _lease_uid(self, job_id: str) -> int:
        """A uid no account owns and no other job on this machine (in this grader or another) runs
        as: all as nobody, one submission's job could kill, read or overwrite another's."""
        if os.geteuid() != 0:
            return uids.NOBODY  # not root: the job runs as us anyway (confine makes it a no-op)
        self._uid_seq += 1
        uid = uids.lease(self._uid_seq)
        self._uids[job_id] = uid
        return uid

    def _forget_uid(self, job_id: str, kill: bool = False) -> None:
        """The job is over: (when its worker died, first end every process of its uid) free its uid."""
        uid = self._uids.pop(job_id, None)
        if uid is not None and uids.ours(uid):
            if kill:
                kill_uid(uid)
            uids.release(uid)

    def _finish(self, job: Job, msg: dict, started: dict, now: float) -> JobResult:
        if job.id in self._killed:
            t = now - started.get(job.id, (0, now))[1]
            return self._collect(job, Fate.KILLED, f"stopped after {t:.1f} s (time limit {job.budget:.0f} s)")
        if msg.get("signal"):
            name = signal.Signals(msg["signal"]).name if msg["signal"] in signal.valid_signals() else msg["signal"]
            return self._collect(job, Fate.CRASHED, f"the process died from {name}")
        return self._collect(job, Fate.OK, "")

    def _collect(self, job: Job, fate: Fate, detail: str, discard: bool = False) -> JobResult:
        """`discard`: the job took its worker down (killed or stopped it) twice: nothing it wrote counts."""
        out = self.tmp / job.id
        runs: dict[str, CheckRun] = {}
        for i, name in enumerate(job.checks):
            runs[name] = CheckRun(name, RunStatus.LOST) if discard else read_run(out, i, name)
        self._forget_uid(job.id, kill=fate != Fate.OK)
        lost = [r for r in runs.values() if r.status == RunStatus.LOST]
        if fate == Fate.OK and lost:
            fate, detail = Fate.EXITED, "the process ended before reporting every check (did the code call os._exit or exit?)"
        remove_tree(out)
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
        for job_id in list(self._uids):
            self._forget_uid(job_id, kill=True)
        remove_tree(self.tmp)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _killpg(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass




