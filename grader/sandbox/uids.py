"""Uids for isolated jobs, unique across every grader on the machine.

Each isolated job runs as a uid of its own (61000-61999, skipping any uid an account owns). Two
graders at once must not hand out the same uid, or one's job could read or signal the other's.
A uid is leased by a lock on one byte (offset uid - 61000) of one root-owned file,
/run/z2h-uids.lock (or /dev/shm/z2h-uids.lock): the kernel drops the lock when its grader
exits, however it ends, so nothing stale is ever left to clean up. Within one grader process a
table says which leases are held (POSIX locks do not conflict within a process).
"""
from __future__ import annotations

import os
import stat
import threading

BASE, COUNT = 61000, 1000
NOBODY = 65534
_LOCK_DIRS = ("/run", "/dev/shm")

_mutex = threading.Lock()
_held: set[int] = set()
_fd: int | None = None


def _lock_file() -> int | None:
    """The shared lock file, opened once: root's, a plain file, never through a link."""
    global _fd
    if _fd is not None:
        return _fd
    for d in _LOCK_DIRS:
        try:
            fd = os.open(os.path.join(d, "z2h-uids.lock"), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except OSError:
            continue
        st = os.fstat(fd)
        if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid():
            _fd = fd
            return fd
        os.close(fd)  # planted by someone else: not ours to trust
    return None


def _account(uid: int) -> bool:
    import pwd
    try:
        pwd.getpwuid(uid)
        return True
    except KeyError:
        return False


def lease(start: int = 0) -> int:
    """A uid no account owns and no other job on the machine holds, searching from BASE + start;
    nobody (shared, the weaker promise) when the range is exhausted or no lock file can be made."""
    import fcntl
    with _mutex:
        fd = _lock_file()
        if fd is None:
            return NOBODY
        busy = _running_uids()
        for k in range(COUNT):
            off = (start + k) % COUNT
            uid = BASE + off
            if uid in _held or uid in busy or _account(uid):
                continue
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, off)
            except OSError:
                continue  # another grader's job runs as it
            _held.add(uid)
            return uid
        return NOBODY


def _running_uids() -> set[int]:
    """Uids some process runs as now: one a grader that takes no lease (an older version) handed
    out, or one whose processes outlived their grader, is not free either."""
    out = set()
    try:
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    out.add(os.stat(f"/proc/{entry}").st_uid)
                except OSError:
                    pass
    except OSError:
        pass
    return out


def release(uid: int) -> None:
    """Give the uid back (after its processes are gone)."""
    import fcntl
    with _mutex:
        if uid not in _held or _fd is None:
            return
        _held.discard(uid)
        try:
            fcntl.lockf(_fd, fcntl.LOCK_UN, 1, uid - BASE)
        except OSError:
            pass


def ours(uid: int) -> bool:
    """A uid from the job range (never nobody, which other programs share)."""
    return BASE <= uid < BASE + COUNT
