"""How a forked job confines itself before any student code runs: its own session, rlimits, a
scrubbed environment, death with the zygote, and, when asked (as root), a uid of its own that can
read only the engine and a private copy of the submission."""
from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

ALIASES: dict[str, str] = {}  # a job's private copy of a folder -> the folder, for tracebacks


def confine(req: dict) -> None:
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


def die_with(zygote: int) -> None:
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
        ALIASES[str(dst)] = d.rstrip(os.sep)

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
