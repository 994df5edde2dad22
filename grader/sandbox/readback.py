"""Reading what a job left in its folder, in the parent: each check's result (JSON plus raw array bytes,
decoded strictly by wire.decode, never unpickled) and its printed output, every read capped."""
from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

from grader.sandbox import wire
from grader.sandbox.records import CheckRun, RunStatus

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


OUTPUT_CAP = 8192      # bytes of a check's printed output kept for the report


MAX_RESULT = 16 * 2**20   # bytes of one check's result JSON (wire.MAX_VALUES values fit well within)


MAX_BLOB = 256 * 2**20    # bytes of one check's array data


def _read_file(path: Path, limit: int, start: int = 0) -> bytes | None:
    """Up to `limit` bytes of a plain file the job left in its folder, or None. The job owns that
    folder: never follow a link it planted (to the fixtures, say), never block on a FIFO."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
            return None
        os.lseek(fd, max(0, start), os.SEEK_SET)
        chunks, left = [], max(0, limit)
        while left > 0 and (chunk := os.read(fd, min(left, 2**20))):
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except (OSError, OverflowError):
        return None
    finally:
        os.close(fd)


def read_capped(path: Path, start: int = 0, end: int | None = None) -> bytes:
    n = OUTPUT_CAP if end is None else min(end - start, OUTPUT_CAP)
    return _read_file(path, n, start) or b""


def printable(text: str) -> str:
    """Terminal control characters written visibly (\\x1b), so printed escapes cannot redraw a report."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def read_run(out: Path, i: int, name: str) -> CheckRun:
    data = _read_file(out / f"{i}.json", MAX_RESULT + 1)
    if data is None:
        return CheckRun(name, RunStatus.LOST)
    try:
        if len(data) > MAX_RESULT:
            raise wire.WireError("result file too large")
        rec = json.loads(data.decode("utf-8"))
        if type(rec) is not dict or rec.get("name") != name:
            raise wire.WireError("result does not belong to this check")
        blob = _read_file(out / f"{i}.bin", MAX_BLOB + 1) or b""
        if len(blob) > MAX_BLOB:
            raise wire.WireError("result arrays too large")
        status = rec.get("status")
        value = wire.decode(rec.get("value"), blob) if status == RunStatus.OK else None
        start, end = (rec.get("out") or [0, 0])[:2]
        text = printable(read_capped(out / "output.txt", int(start), int(end)).decode("utf-8", "replace"))
        error = {k: printable(str(rec[k])[:6000]) for k in ("type", "message", "where", "traceback", "phase",
                                                            "reason", "in_check") if rec.get(k) is not None} or None
        if status == RunStatus.TIMEOUT:
            what = "importing the module" if rec.get("phase") == "import" else "the check"
            error = {"type": "Timeout", "message": f"{what} took longer than {rec.get('limit')} s"}
        if status not in {s.value for s in RunStatus} - {RunStatus.LOST.value}:
            raise wire.WireError(f"unknown status {status!r}")
        return CheckRun(name, RunStatus(status), value, error, text, float(rec.get("seconds", 0.0)))
    except (ValueError, KeyError, TypeError, OSError, RecursionError, OverflowError) as e:
        return CheckRun(name, RunStatus.ERROR, error={"type": "BadResult", "message": f"unreadable result: {e}"})
