"""A simulated Windows, for tests: on PYTHONPATH, this makes the POSIX-only modules unimportable and
removes fork, setsid, SIGALRM, setitimer, the open flags O_NOFOLLOW, O_NONBLOCK and O_DIRECTORY, and the
uid calls; no function takes dir_fd, and none but stat takes a descriptor for a path, as on Windows.
The grader must run on what is left (os.open(dir_fd=...) still works underneath: code must ask
os.supports_dir_fd, as it must on Windows)."""
import os
import signal
import sys

_GONE = ("fcntl", "resource", "termios", "pwd", "grp")


class _NotHere:
    def find_spec(self, name, path=None, target=None):
        if name in _GONE:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, _NotHere())
for _m in _GONE:
    sys.modules.pop(_m, None)
for _n in ("fork", "setsid", "forkpty", "O_NOFOLLOW", "O_NONBLOCK", "O_DIRECTORY", "geteuid", "getuid"):
    if hasattr(os, _n):
        delattr(os, _n)
os.supports_dir_fd = set()
os.supports_fd = {os.stat} & os.supports_fd
for _n in ("SIGALRM", "setitimer", "ITIMER_REAL"):
    if hasattr(signal, _n):
        delattr(signal, _n)
os.environ["Z2H_SIMULATED_WINDOWS"] = "1"
