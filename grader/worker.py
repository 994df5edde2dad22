"""The worker: a warm fork server (zygote) and the short-lived child that runs one job.

The zygote is trusted: it imports the set's heavy modules (torch) and its checks once, then
forks one child per job. Only the child ever runs student code, in its own session, with
limits, a scrubbed environment, closed stdin and captured output. Protocol on the zygote's
stdin/stdout: one JSON object per line. Results go to files in the job's folder.
"""
from __future__ import annotations

import builtins
import errno
import importlib.util
import inspect
import json
import os
import select
import signal
import sys
import time
import traceback
from pathlib import Path


def _send(obj: dict) -> None:
    data = (json.dumps(obj) + "\n").encode()
    while data:
        data = data[os.write(1, data):]


def _load_checks(files: list[str]) -> list:
    from grader import checks
    for i, f in enumerate(files):
        spec = importlib.util.spec_from_file_location(f"_z2h_checks_{i}", f)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod
        spec.loader.exec_module(mod)
    return checks.REGISTRY


# Imported before forking: a job that runs as another user (batch, --from as root) may be unable
# to read the grader's folder, the virtualenv or the standard library, so what it needs is loaded.
PRELOAD = ("grader.checks", "grader.wire", "resource", "importlib.util", "math", "random", "collections",
           "itertools", "functools", "re", "string", "typing", "dataclasses", "copy", "heapq", "unicodedata",
           "struct", "statistics", "operator", "contextlib", "io", "time")


def main() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    hello = json.loads(sys.stdin.buffer.readline())
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
    _serve({(c.exercise, c.name): c for c in registry})


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


def _kill_orphans(jobs: dict[int, str]) -> None:
    """End every child of ours that is not a running job: what a finished job left behind."""
    me = str(os.getpid())
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not entry.isdigit() or int(entry) in jobs:
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = f.read().rsplit(")", 1)[1].split()[1]
        except (OSError, IndexError):
            continue
        if ppid == me:
            try:
                os.kill(int(entry), signal.SIGKILL)
            except OSError:
                pass


def _serve(registry: dict) -> None:
    _become_subreaper()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_w)
    jobs: dict[int, str] = {}  # pid -> job id
    buf = b""
    while True:
        ready, _, _ = select.select([0, wake_r], [], [], 1.0)
        if wake_r in ready:
            os.read(wake_r, 4096)
        _reap(jobs)
        if 0 not in ready:
            continue
        chunk = os.read(0, 65536)
        if not chunk:  # the parent went away: take every child with us
            for pid in jobs:
                _killpg(pid)
            _kill_orphans({})
            os._exit(0)  # skip torch's slow teardown: the parent waits for this exit
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            req = json.loads(line)
            pid = os.fork()
            if pid == 0:
                os.close(wake_r)
                os.close(wake_w)
                _child(req, registry)  # never returns
            jobs[pid] = req["job"]
            _send({"job": req["job"], "pid": pid})


def _reap(jobs: dict[int, str]) -> None:
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
        _kill_orphans(jobs)  # an orphan that ended may have left children of its own to us
        if job is not None:
            sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
            code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
            _send({"job": job, "exit": code, "signal": sig})


def _killpg(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


# ---- the child: everything below runs student code ----------------------------------------------

class CheckTimeout(BaseException):
    """BaseException, so a student's `except Exception` cannot swallow it."""


def _child(req: dict, registry: dict) -> None:
    try:
        zygote = os.getppid()
        _sandbox_self(req)
        _die_with(zygote)
        _run(req, registry)
    except BaseException:
        pass
    os._exit(0)


def _sandbox_self(req: dict) -> None:
    import resource
    os.setsid()
    for sig in (signal.SIGCHLD, signal.SIGPIPE, signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an over-long write fails, it does not kill
    out = Path(req["out"])
    fd = os.open(out / "output.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    lim = req["limits"]
    vm = _vm_size()
    for res, value in ((resource.RLIMIT_AS, vm + lim["memory_mb"] * 2**20 if vm else None),
                       (resource.RLIMIT_FSIZE, lim["file_mb"] * 2**20),
                       (resource.RLIMIT_CPU, int(lim["cpu_s"]) + 1),
                       (resource.RLIMIT_CORE, 0),
                       (resource.RLIMIT_NPROC, _nproc_limit(lim))):
        if value is not None:
            try:
                resource.setrlimit(res, (value, value))
            except (ValueError, OSError):
                pass
    cwd = out / "cwd"
    cwd.mkdir(exist_ok=True)
    if lim.get("drop"):
        _drop_privileges(req, out)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update({"HOME": str(cwd), "TMPDIR": str(cwd), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
                       "OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "USER": "z2h", "LOGNAME": "z2h"})
    sys.stdin = open(os.devnull)


NOBODY = 65534


def _die_with(zygote: int) -> None:
    """If the zygote is killed (by a job), the job dies too rather than run on as an orphan."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != zygote:
        os._exit(0)


def _drop_privileges(req: dict, out: Path) -> None:
    """Batch and Gradescope run as root: the job runs as a uid of its own (the parent picks one per
    job; nobody if it did not), so it can neither signal the grader or another job, nor read or
    write the progress file, the fixtures or another submission. Not root: a no-op."""
    if os.geteuid() != 0:
        return
    uid = int(req["limits"].get("uid", NOBODY))
    _private_copy(req, out)
    os.setgroups([])
    try:
        os.setgid(uid)
    except OSError:  # a user namespace that maps too few ids: nobody, shared by every job
        uid = NOBODY
        os.setgid(uid)
    for folder, _, files in os.walk(out):
        for p in (folder, *(os.path.join(folder, f) for f in files)):
            os.chown(p, uid, uid)
    os.chmod(out, 0o700)
    os.setuid(uid)


_ALIASES: dict[str, str] = {}  # a job's private copy of a folder -> the folder, for tracebacks


def _private_copy(req: dict, out: Path) -> None:
    """Copy the student's files into the job's own folder and point the job at the copy: the
    submissions stay readable by root alone (intake), so a job cannot read another's."""
    import shutil
    moved: dict[str, str] = {}
    for k, d in enumerate(dict.fromkeys(req["student_dirs"])):
        dst = out / "src" / str(k)
        dst.mkdir(parents=True)
        for entry in os.scandir(d):
            if entry.name.endswith(".py") and entry.is_file(follow_symlinks=False):
                shutil.copyfile(entry.path, dst / entry.name)
        moved[d.rstrip(os.sep)] = str(dst)
        _ALIASES[str(dst)] = d.rstrip(os.sep)

    def move(p: str) -> str:
        for a, b in moved.items():
            if p == a or p.startswith(a + os.sep):
                return b + p[len(a):]
        return p
    req["module_path"] = move(req["module_path"])
    req["search_path"] = [move(p) for p in req["search_path"]]
    req["overrides"] = {k: move(v) for k, v in req["overrides"].items()}
    req["student_dirs"] = [move(p) for p in req["student_dirs"]]


def _nproc_limit(lim: dict) -> int | None:
    """RLIMIT_NPROC counts every process of the user: allow what runs now plus a small margin."""
    if lim.get("nproc") is None:
        return None
    mine = int(lim.get("uid", NOBODY)) if lim.get("drop") and os.geteuid() == 0 else os.getuid()
    try:
        count = sum(1 for e in os.listdir("/proc") if e.isdigit() and os.stat(f"/proc/{e}").st_uid == mine)
    except OSError:
        count = 0
    return count + int(lim["nproc"])


def _vm_size() -> int:
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _run(req: dict, registry: dict) -> None:
    from grader import checks, wire
    out = Path(req["out"])
    student_dirs = [os.path.realpath(d) for d in req["student_dirs"]]
    todo = [registry[(req["exercise"], n)] for n in req["checks"]]
    spare = dict(builtins.__dict__)  # the builtins not live: the student's while the grader works, and back
    module, load_error = _load_module(req, student_dirs, spare)
    stopped = None
    for i, chk in enumerate(todo):
        started, pos = time.perf_counter(), _flush_pos()
        rec: dict = {"name": chk.name}
        blob = bytearray()
        if load_error is not None and load_error["status"] == "timeout" and i > 0:
            rec.update(status="skipped", reason="not run: importing the module timed out")
        elif load_error is not None:
            rec.update(load_error)
        elif stopped:
            rec.update(status="skipped", reason=stopped)
        else:
            rec.update(_one(chk, module, req, out, student_dirs, blob, checks, wire, spare))
            if rec["status"] == "timeout":
                stopped = f"not run: check {chk.name!r} timed out before it"
        rec.update(seconds=round(time.perf_counter() - started, 4), out=[pos, _flush_pos()])
        _write_result(out, i, rec, blob)


def _on_alarm(*_):
    raise CheckTimeout()


def _arm(seconds: float) -> None:
    """CheckTimeout after `seconds`, and again every 0.25 s until disarmed: code that swallows one
    (a bare `except:` in the student's code or in a library it calls) is interrupted again."""
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.25)


def _swap_builtins(spare: dict) -> None:
    """Exchange the live builtins with `spare`. Student code runs with whatever builtins it set up;
    the grader's own steps around it run with the real ones, so patching `isinstance` or `float`
    cannot break the reporting of a result."""
    live = builtins.__dict__
    saved = dict(live)
    live.clear()
    live.update(spare)
    spare.clear()
    spare.update(saved)


def _one(chk, module, req, out: Path, student_dirs, blob: bytearray, checks, wire, spare: dict) -> dict:
    seed = checks.check_seed(req["seed"], chk.exercise, chk.name)
    checks.seed_everything(seed)
    ctx = checks.Ctx(seed, req["data_dirs"], lambda f, m: _progress(out, chk.name, f, m))

    _arm(chk.timeout)
    try:  # the alarm stays armed until the result is encoded or the error described: both run student code
        try:
            two = len(inspect.signature(chk.fn).parameters) >= 2  # as checks.call, before their builtins
            _swap_builtins(spare)
            try:
                value = chk.fn(module, ctx) if two else chk.fn(module)
            finally:
                _swap_builtins(spare)
            return {"status": "ok", "value": wire.encode(value, blob)}
        except CheckTimeout:
            raise
        except checks.DatasetMissing as e:
            return {"status": "skipped", "reason": f"dataset {_safe_str(e)} is missing"}
        except NotImplementedError as e:
            return {"status": "todo", "message": _safe_str(e)}
        except BaseException as e:  # SystemExit and KeyboardInterrupt too: the student's code raised it
            return {"status": "error", **_describe(e, student_dirs)}
    except CheckTimeout:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return {"status": "timeout", "limit": chk.timeout}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


IMPORT_TIMEOUT = 5.0  # seconds for the student's module to import: a loop at module level ends here


def _load_module(req: dict, student_dirs: list[str], spare: dict):
    for d in reversed(req["search_path"]):
        sys.path.insert(0, d)
    _arm(IMPORT_TIMEOUT)
    try:
        try:
            _swap_builtins(spare)
            try:
                for name, path in req["overrides"].items():
                    _import_file(name, path)
                module = _import_file(req["module"], req["module_path"]) if req["module"] not in req["overrides"] \
                    else sys.modules[req["module"]]
            finally:
                _swap_builtins(spare)
            return module, None
        except CheckTimeout:
            raise
        except NotImplementedError as e:
            return None, {"status": "todo", "message": _safe_str(e)}
        except BaseException as e:
            return None, {"status": "error", "phase": "import", **_describe(e, student_dirs)}
    except CheckTimeout:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return None, {"status": "timeout", "limit": IMPORT_TIMEOUT, "phase": "import"}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _import_file(name: str, path: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def _describe(e: BaseException, student_dirs: list[str]) -> dict:
    """The exception with only the student's own frames: the grader's are noise to them."""
    frames = [f for f in traceback.extract_tb(e.__traceback__)
              if any(os.path.realpath(f.filename).startswith(d + os.sep) for d in student_dirs)]
    if isinstance(e, SyntaxError) and e.filename:
        where = f"{os.path.basename(e.filename)}:{e.lineno}"
    else:
        where = f"{os.path.basename(frames[-1].filename)}:{frames[-1].lineno}" if frames else None
    try:
        only = "".join(traceback.format_exception_only(type(e), e)).strip()
    except CheckTimeout:
        raise
    except BaseException:
        only = type(e).__name__
    tb = "".join(traceback.format_list(frames)) if frames else ""
    message = _safe_str(e)
    for copy, original in _ALIASES.items():  # name the student's files, not the job's copies
        tb, only, message = (x.replace(copy, original) for x in (tb, only, message))
    if isinstance(e, OSError) and e.errno == errno.EFBIG:
        more = " (a job may write at most its file-size limit, 64 MB by default: far too much printing?)"
        message, only = message + more, only + more
    return {"type": type(e).__name__, "message": message, "where": where, "traceback": (tb + only)[-6000:]}


def _safe_str(e: BaseException) -> str:
    try:
        return str(e)[:2000]
    except CheckTimeout:
        raise
    except BaseException:
        return type(e).__name__


def _flush_pos() -> int:
    for s in (sys.stdout, sys.stderr):
        try:
            s.flush()
        except BaseException:
            pass
    try:
        return os.lseek(1, 0, os.SEEK_CUR)
    except OSError:
        return 0


def _progress(out: Path, name: str, fraction: float, message: str) -> None:
    tmp = out / "progress.tmp"
    tmp.write_text(json.dumps({"check": name, "fraction": float(fraction), "message": str(message)[:200]}))
    os.replace(tmp, out / "progress.json")


def _write_new(path: Path, data: bytes) -> None:
    """Write a fresh file: whatever the student's code left at that name (a FIFO, a link) goes first."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _write_result(out: Path, i: int, rec: dict, blob: bytearray) -> None:
    try:
        _write_new(out / f"{i}.bin", bytes(blob))
        tmp = out / f"{i}.tmp"
        _write_new(tmp, json.dumps(rec).encode())
        os.replace(tmp, out / f"{i}.json")  # the .json appears last: its presence means complete
    except OSError as e:
        try:
            _write_new(out / f"{i}.json", json.dumps({"name": rec["name"], "status": "error", "type": "OSError",
                                                      "message": f"could not write the result: {e}"}).encode())
        except OSError:
            pass  # no result: the parent reports the check as lost


if __name__ == "__main__":
    main()
