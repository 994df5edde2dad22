"""Clearing up after jobs, whatever they left: folders of any depth, and processes that keep forking.

`remove_tree` never recurses and never follows a link: a job's folder may hold 5,000 nested
folders (shutil.rmtree and os.walk recurse and die; paths outgrow PATH_MAX), folders it made
unreadable, FIFOs. It hoists each subfolder's subfolders to the top, one level a round, so it
holds two file descriptors at most.

`kill_uid` ends every process of one uid (an isolated job's, which no one else uses), again and
again until none is left: a process that forks every millisecond is caught by the uid, not by a
list of pids.
"""
from __future__ import annotations

import os
import signal
import stat
import time

_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW


def remove_tree(path) -> bool:
    """Remove `path` and everything under it; True when it is gone. Never raises."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        if not stat.S_ISDIR(st.st_mode):
            os.unlink(path)
            return True
        _empty(path)
        os.rmdir(path)
        return True
    except OSError:
        return False


def _empty(path) -> None:
    top = os.open(path, _DIR)
    try:
        seq = 0
        for _ in range(1_000_000):  # every round removes or hoists something; the bound is only a guard
            entries = list(os.scandir(top))
            if not entries:
                return
            for e in entries:
                if not e.is_dir(follow_symlinks=False):
                    _unlink(e.name, top)
                    continue
                seq = _hoist(e.name, top, seq)
    finally:
        os.close(top)


def _hoist(name: str, top: int, seq: int) -> int:
    """Unlink the files of top/name, move its folders up into top, and remove it if now empty."""
    try:
        sub = os.open(name, _DIR, dir_fd=top)
    except PermissionError:  # a job made it unreadable: it is ours (or root's) to open up again
        os.chmod(name, 0o700, dir_fd=top)
        sub = os.open(name, _DIR, dir_fd=top)
    try:
        for c in list(os.scandir(sub)):
            if c.is_dir(follow_symlinks=False):
                while _exists(f".z2h-rm-{seq}", top):
                    seq += 1
                os.rename(c.name, f".z2h-rm-{seq}", src_dir_fd=sub, dst_dir_fd=top)
                seq += 1
            else:
                _unlink(c.name, sub)
    finally:
        os.close(sub)
    try:
        os.rmdir(name, dir_fd=top)
    except OSError:
        pass  # something appeared meanwhile: the next round sees it
    return seq


def _exists(name: str, fd: int) -> bool:
    try:
        os.stat(name, dir_fd=fd, follow_symlinks=False)
        return True
    except FileNotFoundError:
        return False


def _unlink(name: str, fd: int) -> None:
    try:
        os.unlink(name, dir_fd=fd)
    except FileNotFoundError:
        pass


def kill_uid(uid: int, seconds: float = 5.0) -> bool:
    """As root: SIGKILL every process running as `uid` until there is none (True), or `seconds` pass.

    A forked helper takes the uid and calls kill(-1, SIGKILL), which reaches every process that uid
    may signal: its own, and nothing else. Done again until /proc shows none alive (Linux's kill(-1)
    counts the processes it may not signal too, so ESRCH alone never says so). Never raises."""
    if uid <= 0 or not hasattr(os, "fork") or os.geteuid() != 0:
        return False
    try:
        pid = os.fork()
    except OSError:
        return False
    if pid == 0:  # the helper: nothing but system calls until _exit
        code = 1
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                try:
                    os.kill(-1, signal.SIGKILL)
                except ProcessLookupError:
                    code = 0
                    break
                if not _live_of(uid):  # only zombies left (signalled, not yet reaped by their parent)
                    code = 0
                    break
                time.sleep(0.001)
        finally:
            os._exit(code)
    deadline = time.monotonic() + seconds + 1.0
    try:
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
            time.sleep(0.002)
        _kill(pid)
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    return False


def _live_of(uid: int) -> bool:
    """Any process of `uid` that is not a zombie (nor the caller)?"""
    me = str(os.getpid())
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or entry == me:
            continue
        try:
            if os.stat(f"/proc/{entry}").st_uid != uid:
                continue
            with open(f"/proc/{entry}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X"):
                    return True
        except (OSError, IndexError):
            continue
    return False


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def kill_children(me: int, spare: set[int], seconds: float = 2.0) -> None:
    """Kill every child of process `me` not in `spare`, reap it, and look again until none is left.

    `me` is a subreaper: what a killed orphan had forked comes back to it as a child, and is found
    in the next round, however fast it forks."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        found = [pid for pid in _children(me) if pid not in spare]
        if not found:
            return
        for pid in found:
            _kill(pid)
        for pid in found:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def _children(me: int) -> list[int]:
    """Live (not zombie) children of `me`, from /proc."""
    out = []
    mine = str(me)
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 1 and fields[1] == mine:
            out.append(int(entry))
    return out
