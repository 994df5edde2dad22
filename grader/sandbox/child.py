"""One job, in the forked child: the only code that runs student code.

It isolates itself first (own session, rlimits, scrubbed environment, closed stdin, captured
output, a temporary working folder, another user when asked), then imports the student's
module and runs each check under a timer, writing each result as JSON plus raw bytes.
"""
from __future__ import annotations

import builtins
import errno
import importlib.util
import inspect
import json
import os
import signal
import sys
import time
import traceback
from pathlib import Path

from grader.sandbox.records import RunStatus
from grader.sandbox.confine import ALIASES, confine, die_with
from grader.sandbox import tracer  # a job asked to trace a check returns the trace instead (issue 13)

class CheckTimeout(BaseException):
    """BaseException, so a student's `except Exception` cannot swallow it."""


def run_job(req: dict, registry: dict) -> None:
    try:
        zygote = os.getppid()
        confine(req)
        die_with(zygote)
        _run(req, registry)
    except BaseException:
        pass
    os._exit(0)


def _run(req: dict, registry: dict) -> None:
    from grader import checks
    from grader.sandbox import wire
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
        if load_error is not None and load_error["status"] == RunStatus.TIMEOUT and i > 0:
            rec.update(status=RunStatus.SKIPPED, reason="not run: importing the module timed out")
        elif load_error is not None:
            rec.update(load_error)
        elif stopped:
            rec.update(status=RunStatus.SKIPPED, reason=stopped)
        else:
            rec.update(_one(chk, module, req, out, student_dirs, blob, checks, wire, spare))
            if rec["status"] == RunStatus.TIMEOUT:
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
            two = len(inspect.signature(chk.fn).parameters) >= 2  # fn(m) or fn(m, ctx); decided before student code runs
            _swap_builtins(spare)
            try:
                call = (lambda: chk.fn(module, ctx)) if two else (lambda: chk.fn(module))
                value = tracer.trace_call(req["module"], call, chk.timeout) if chk.name in req.get("trace", ()) else call()
            finally:
                _swap_builtins(spare)
            return {"status": RunStatus.OK, "value": wire.encode(value, blob)}
        except CheckTimeout:
            raise
        except checks.DatasetMissing as e:
            return {"status": RunStatus.SKIPPED, "reason": f"dataset {_safe_str(e)} is missing"}
        except NotImplementedError as e:
            return {"status": RunStatus.TODO, "message": _safe_str(e)}
        except BaseException as e:  # SystemExit and KeyboardInterrupt too: the student's code raised it
            return {"status": "error", **_describe(e, student_dirs)}
    except CheckTimeout:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return {"status": RunStatus.TIMEOUT, "limit": chk.timeout}
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
            return None, {"status": RunStatus.TODO, "message": _safe_str(e)}
        except BaseException as e:
            return None, {"status": "error", "phase": "import", **_describe(e, student_dirs)}
    except CheckTimeout:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return None, {"status": RunStatus.TIMEOUT, "limit": IMPORT_TIMEOUT, "phase": "import"}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _import_file(name: str, path: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def _check_files() -> set[str]:
    """Where the checks live (they sit beside the stubs): their frames are the grader's, not the student's."""
    from grader import checks
    return {os.path.realpath(c.fn.__code__.co_filename) for c in checks.REGISTRY}


def _describe(e: BaseException, student_dirs: list[str]) -> dict:
    """The exception with only the student's own frames: the grader's are noise to them."""
    every = traceback.extract_tb(e.__traceback__)
    checks = _check_files()
    frames = [f for f in every if os.path.realpath(f.filename) not in checks
              and any(os.path.realpath(f.filename).startswith(d + os.sep) for d in student_dirs)]
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
    for copy, original in ALIASES.items():  # name the student's files, not the job's copies
        tb, only, message = (x.replace(copy, original) for x in (tb, only, message))
    if isinstance(e, OSError) and e.errno == errno.EFBIG:
        more = " (a job may write at most its file-size limit, 64 MB by default: far too much printing?)"
        message, only = message + more, only + more
    out = {"type": type(e).__name__, "message": message, "where": where, "traceback": (tb + only)[-6000:]}
    in_checks = [i for i, f in enumerate(every) if os.path.realpath(f.filename) in checks]
    if in_checks and not any(f in frames for f in every[in_checks[-1]:]) and \
            isinstance(e, (AttributeError, TypeError, IndexError, KeyError, ValueError)):
        out["in_check"] = (every[in_checks[-1]].line or "")[:200]   # the check choked on what the student returned
    return out


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
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0), 0o600)
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
