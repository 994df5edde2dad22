"""Clearing up after jobs, whatever they left: folders of any depth, and processes that keep forking.

`remove_tree` never recurses and never follows a link: a job's folder may hold 5,000 nested
folders (shutil.rmtree and os.walk recurse and die; paths outgrow PATH_MAX), folders it made
unreadable, FIFOs. It walks down with open descriptors, and moves what lies deeper than it holds
open up to the top, to be emptied in turn.

`kill_uid` ends every process of one uid (an isolated job's, which no one else uses), again and
again until none is left: a process that forks every millisecond is caught by the uid, not by a
list of pids.
"""
from __future__ import annotations

import os
import signal
import stat
import time

from grader.sandbox import uids

_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)   # Windows has neither


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


MAX_OPEN = 128   # folders held open on the way down; deeper ones are moved up to the top first


def _empty(path) -> None:
    """Depth first with a stack of open folders (no recursion, no paths: a deep tree outgrows both);
    a subtree deeper than MAX_OPEN is renamed to the top and emptied later, so at most MAX_OPEN + 1
    descriptors are open. Each folder costs one rmdir, and one rename per MAX_OPEN levels."""
    top = os.open(path, _DIR)
    stack = [(top, "", _subdirs(top))]
    seq = 0
    try:
        for _ in range(100_000_000):  # every step opens, moves or removes something; the bound is a guard
            fd, _, subs = stack[-1]
            name = next(subs, None)
            if name is not None and len(stack) > MAX_OPEN:
                while _exists(f".z2h-rm-{seq}", top):
                    seq += 1
                os.rename(name, f".z2h-rm-{seq}", src_dir_fd=fd, dst_dir_fd=top)
            elif name is not None:
                child = _open_sub(name, fd)
                stack.append((child, name, _subdirs(child)))
            elif len(stack) > 1:
                _, done, _ = stack.pop()
                os.close(fd)
                os.rmdir(done, dir_fd=stack[-1][0])
            else:
                stack[0] = (top, "", _subdirs(top))  # what was moved up meanwhile, or nothing
                if not _has_entries(top):
                    return
    finally:
        for fd, _, _ in stack:
            os.close(fd)


def _has_entries(fd: int) -> bool:
    with os.scandir(fd) as it:
        return next(it, None) is not None


def _open_sub(name: str, fd: int) -> int:
    try:
        return os.open(name, _DIR, dir_fd=fd)
    except PermissionError:  # a job made it unreadable: it is ours (or root's) to open up again
        os.chmod(name, 0o700, dir_fd=fd)
        return os.open(name, _DIR, dir_fd=fd)


def _subdirs(fd: int):
    """Unlink every non-folder in the folder; return an iterator over its subfolders' names."""
    subs = []
    for e in list(os.scandir(fd)):
        if e.is_dir(follow_symlinks=False):
            subs.append(e.name)
        else:
            _unlink(e.name, fd)
    return iter(subs)


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
    """Children of `me`: from /proc/ME/task/*/children where the kernel offers it (the zygote asks
    after every job: reading every process's stat took ~3.5 ms each time), else from every stat."""
    try:
        found: set[int] = set()
        for task in os.listdir(f"/proc/{me}/task"):
            with open(f"/proc/{me}/task/{task}/children") as f:
                found.update(int(p) for p in f.read().split())
        return sorted(found)
    except (OSError, ValueError):
        return _children_by_stat(me)


def _children_by_stat(me: int) -> list[int]:
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


class UidKiller:
    """`kill_uid` done by a small helper process, forked before the zygote imports torch.

    kill_uid forks (its helper takes the uid); forked from the zygote, with torch mapped, that fork
    and its teardown cost ~30 ms, paid once per isolated job and in series, since the zygote waits:
    a third of a batch's time. Forked from this small process it costs ~1 ms. Should the helper be
    gone, the zygote kills as before, itself."""

    def __init__(self) -> None:
        self.pid: int | None = None
        if not hasattr(os, "fork") or os.geteuid() != 0:
            return   # not root: no job runs as a uid of its own, nothing to kill by uid
        ask_r, ask_w = os.pipe()
        say_r, say_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(ask_w)
            os.close(say_r)
            _serve_kills(ask_r, say_w)   # never returns
        os.close(ask_r)
        os.close(say_w)
        self.pid, self._ask, self._say = pid, ask_w, say_r

    def kill_uid(self, uid: int) -> bool:
        if self.pid is not None:
            try:
                os.write(self._ask, uid.to_bytes(4, "little"))
                reply = os.read(self._say, 1)
                if reply:
                    return reply == b"1"
            except OSError:
                pass
            self.pid = None   # the helper is gone: kill from here, slowly but surely
        return kill_uid(uid)

    def close_in_job(self) -> None:
        """In a forked job: drop the pipes, or the job (root's helper listening) could name a uid to kill."""
        if self.pid is not None:
            os.close(self._ask)
            os.close(self._say)
            self.pid = None


def _serve_kills(ask: int, say: int) -> None:
    """The helper: a uid in, kill_uid, one byte out; ends with the zygote (its pipe closes)."""
    code = 0
    try:
        try:
            import ctypes
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1):   # not the zygote's pipes: the grader must see them close when the zygote ends
            os.dup2(null, fd)
        while True:
            data = b""
            while len(data) < 4:
                part = os.read(ask, 4 - len(data))
                if not part:
                    return
                data += part
            uid = int.from_bytes(data, "little")
            os.write(say, b"1" if uids.ours(uid) and kill_uid(uid) else b"0")   # job uids only, never an account's
    except BaseException:
        code = 1
    finally:
        os._exit(code)
