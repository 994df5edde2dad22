"""Persisted progress: <course>/.z2h/progress.json, written atomically under a lock.

Nothing earned is ever lost: `best` points only go up, a killed run leaves the old file whole
(write, fsync, rename), and a corrupt or foreign file is set aside and rebuilt, never a crash.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import time
from pathlib import Path

FORMAT = "z2h-progress/1"


def _dir(root: Path) -> Path:
    return root / ".z2h"


def _ensure_dir(root: Path) -> Path:
    """<course>/.z2h as a folder: a file (or a link) in its place is set aside, never a crash."""
    d = _dir(root)
    if d.is_symlink() or (d.exists() and not d.is_dir()):
        _set_aside(d)
    d.mkdir(exist_ok=True)
    return d


def _set_aside(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.replace(path, path.with_name(f"{path.name}.corrupt-{time.time_ns()}"))


@contextlib.contextmanager
def locked(root: Path):
    """Serialize writers: two `grade` runs on one course take turns. A lock path that is not a
    plain file (a folder, a FIFO, a link) is set aside and made again, or nothing would be recorded."""
    d = _ensure_dir(root)
    lock = d / "lock"
    if lock.is_symlink() or (lock.exists() and not lock.is_file()):
        _set_aside(lock)
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(lock, flags, 0o644)
    with open(fd, "a+") as f:
        unlock = _lock(f)
        try:
            yield
        finally:
            unlock()


def _lock(f):
    """An exclusive lock on an open file: flock (POSIX), msvcrt.locking (Windows), else none. Returns
    the unlock. Imported here: no module of grader imports a POSIX-only module at import time."""
    try:
        import fcntl
    except ImportError:
        fcntl = None
    if fcntl is not None:
        fcntl.flock(f, fcntl.LOCK_EX)
        return lambda: fcntl.flock(f, fcntl.LOCK_UN)
    try:
        import msvcrt
    except ImportError:
        return lambda: None
    f.seek(0)
    msvcrt.locking(f.fileno(), msvcrt.LK_LOCK, 1)  # retries for 10 s, then OSError

    def unlock():
        f.seek(0)
        msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)
    return unlock


_KEY = re.compile(r"[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}")
_NUMBERS = ("best", "points", "max", "checks", "of", "hints", "when")


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number a progress file may hold")


def _parse(path: Path) -> dict:
    """The saved state, or ValueError: every key an exercise id, every number finite and in range
    (NaN or a huge number would break every later dashboard), every status a short string."""
    if path.stat().st_size > 16 * 2**20:
        raise ValueError("larger than 16 MB")
    data = json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_constant)
    if type(data) is not dict or data.get("format") != FORMAT or type(data.get("exercises")) is not dict:
        raise ValueError("not a z2h progress file")
    for key, rec in data["exercises"].items():
        if not _KEY.fullmatch(key) or type(rec) is not dict:
            raise ValueError(f"bad record {key[:40]!r}")
        for k in _NUMBERS:
            if k in rec and (type(rec[k]) not in (int, float) or not 0 <= rec[k] < 1e12):
                raise ValueError(f"bad {k} for {key}")
        if type(rec.get("status", "")) is not str or len(rec.get("status", "")) > 40:
            raise ValueError(f"bad status for {key}")
    return data


def load(root: Path) -> tuple[dict, str | None]:
    """(state, warning). A damaged file is set aside; the previous good copy (kept by every save)
    takes its place, so what was earned survives; with no good copy, a fresh state."""
    path = _dir(root) / "progress.json"
    if not path.exists():
        return _fresh(), None
    try:
        return _parse(path), None
    except (ValueError, OSError, UnicodeDecodeError, RecursionError) as e:
        aside = path.with_name(f"progress.corrupt-{int(time.time())}.json")
        with contextlib.suppress(OSError):
            os.replace(path, aside)
        try:
            state, how = _parse(_dir(root) / "progress.prev.json"), "restored from the previous good copy"
        except (ValueError, OSError, UnicodeDecodeError, RecursionError):
            state, how = _fresh(), "rebuilt"
        return state, f"the progress file {path} was unreadable ({e}); it was moved to {aside.name} and {how}"


def _fresh() -> dict:
    return {"format": FORMAT, "exercises": {}}


def save(root: Path, state: dict) -> None:
    d = _ensure_dir(root)
    tmp = d / f"progress.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(state, f, indent=1, sort_keys=True)
        f.flush()
        os.fsync(f.fileno())
    if (d / "progress.json").is_file():  # the last good state, for load() to fall back on
        with contextlib.suppress(OSError, ValueError, UnicodeDecodeError, RecursionError):
            _parse(d / "progress.json")
            os.replace(d / "progress.json", d / "progress.prev.json")
    os.replace(tmp, d / "progress.json")


def record(root: Path, results) -> str | None:
    """Merge a set's results (engine.ExerciseResult list) into the saved progress."""
    with locked(root):
        state, warning = load(root)
        for r in results:
            rec = state["exercises"].setdefault(r.exercise.id, {"best": 0, "hints": 0})
            rec.update(status=r.status, points=r.points, max=r.max_points, checks=r.passed_checks,
                       of=len(r.checks), when=int(time.time()),
                       failing=[c.name for c in r.checks if c.status in ("fail", "error", "timeout")])
            rec["best"] = max(rec.get("best", 0), r.points)
        save(root, state)
    return warning


def next_hint(root: Path, exercise_id: str) -> int:
    """Count one more hint shown for the exercise; returns how many have been shown now."""
    with locked(root):
        state, _ = load(root)
        rec = state["exercises"].setdefault(exercise_id, {"best": 0, "hints": 0})
        rec["hints"] = rec.get("hints", 0) + 1
        save(root, state)
        return rec["hints"]
