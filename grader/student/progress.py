"""Persisted progress: <course>/.z2h/progress.json, written atomically under a lock.

Nothing earned is ever lost: `best` points only go up, a killed run leaves the old file whole
(write, fsync, rename), and a corrupt or foreign file is set aside and rebuilt, never a crash.
"""
from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path

FORMAT = "z2h-progress/1"


def _dir(root: Path) -> Path:
    return root / ".z2h"


@contextlib.contextmanager
def locked(root: Path):
    """Serialize writers: two `grade` runs on one course take turns."""
    d = _dir(root)
    d.mkdir(exist_ok=True)
    with open(d / "lock", "a+") as f:
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


def _parse(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    if type(data) is not dict or data.get("format") != FORMAT or type(data.get("exercises")) is not dict:
        raise ValueError("not a z2h progress file")
    for key, rec in data["exercises"].items():
        if type(rec) is not dict or type(rec.get("best", 0)) not in (int, float):
            raise ValueError(f"bad record for {key}")
    return data


def load(root: Path) -> tuple[dict, str | None]:
    """(state, warning). A damaged file is set aside; the previous good copy (kept by every save)
    takes its place, so what was earned survives; with no good copy, a fresh state."""
    path = _dir(root) / "progress.json"
    if not path.exists():
        return _fresh(), None
    try:
        return _parse(path), None
    except (ValueError, OSError, UnicodeDecodeError) as e:
        aside = path.with_name(f"progress.corrupt-{int(time.time())}.json")
        with contextlib.suppress(OSError):
            os.replace(path, aside)
        try:
            state, how = _parse(_dir(root) / "progress.prev.json"), "restored from the previous good copy"
        except (ValueError, OSError, UnicodeDecodeError):
            state, how = _fresh(), "rebuilt"
        return state, f"the progress file {path} was unreadable ({e}); it was moved to {aside.name} and {how}"


def _fresh() -> dict:
    return {"format": FORMAT, "exercises": {}}


def save(root: Path, state: dict) -> None:
    d = _dir(root)
    d.mkdir(exist_ok=True)
    tmp = d / f"progress.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(state, f, indent=1, sort_keys=True)
        f.flush()
        os.fsync(f.fileno())
    if (d / "progress.json").is_file():  # the last good state, for load() to fall back on
        with contextlib.suppress(OSError, ValueError, UnicodeDecodeError):
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
                       of=len(r.checks), when=int(time.time()))
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
