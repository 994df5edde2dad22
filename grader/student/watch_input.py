"""What `grade watch` listens to, off the main thread: saves (file events from watchfiles, or polling
where events never come: WSL, NFS, some container mounts), a canary that notices missed events, and
single keys from the terminal. Everything arrives on the session's `events` queue."""
from __future__ import annotations

import os
import select
import sys
import threading
import time
from pathlib import Path

POLL_ENV = "Z2H_POLL"
STEP_MS = 10            # watchfiles: a burst of events ends after this much quiet
POLL_MS = 50            # polling mode: how often the exercise files are stat'ed (a few stat calls)
CANARY_S = 0.5          # how often we stat the stubs ourselves, to notice saves that sent no event
MISSED_S = 1.0          # a change seen this long with no event means events are not arriving


class Inputs:
    """Mixed into watch.Session: the watcher threads and the key reader."""

    def _start_watcher(self) -> None:
        t = threading.Thread(target=self._watch_files, name="z2h-watch-files", daemon=True)
        t.start()
        self._threads.append(t)

    def _watch_files(self) -> None:
        import watchfiles
        folder = self.s.dir.resolve()
        names = {f"{e.name}.py" for e in self.s.exercises}
        while not self._stop.is_set():
            self._rewatch.clear()
            if self.poll:
                self._poll_files()
                continue
            try:
                for changes in watchfiles.watch(folder, watch_filter=None, debounce=1000, step=STEP_MS,
                                                stop_event=_Either(self._stop, self._rewatch), rust_timeout=1000,
                                                recursive=False, raise_interrupt=False):
                    hit = {Path(p).name for _, p in changes
                           if Path(p).name in names and Path(p).parent.resolve() == folder}
                    if hit:
                        self.events.put(("save", hit))
            except Exception as e:  # no inotify left, folder gone...: poll ourselves via the canary
                self.events.put(("watch-error", str(e)))
                return

    def _poll_files(self) -> None:
        """Polling mode: stat the exercise files every POLL_MS. (Not watchfiles' own polling: it compares
        modification times in whole seconds, so a second save within the same second goes unseen.)"""
        paths = {f"{e.name}.py": self.s.stub_path(e) for e in self.s.exercises}
        last = {n: stat_of(p) for n, p in paths.items()}
        moving: set[str] = set()  # changed at the last tick: wait one quiet tick, not a half-written file
        while not self._stop.wait(POLL_MS / 1000):
            changed = set()
            for n, p in paths.items():
                st = stat_of(p)
                if st != last[n]:
                    last[n] = st
                    changed.add(n)
            settled, moving = moving - changed, changed
            if settled:
                self.events.put(("save", settled))

    def read_keys(self) -> None:
        """Raw single keys from the terminal (cbreak: Ctrl-C still works); restored by restore_terminal.
        Where there is no termios (Windows), no keys: saves still grade."""
        try:
            import termios
            import tty
        except ImportError:
            return
        fd = sys.stdin.fileno()
        self._term = (fd, termios.tcgetattr(fd))
        tty.setcbreak(fd)
        t = threading.Thread(target=self._keys_loop, args=(fd,), name="z2h-watch-keys", daemon=True)
        t.start()
        self._threads.append(t)

    def restore_terminal(self) -> None:
        term = getattr(self, "_term", None)
        if term:
            import termios
            termios.tcsetattr(term[0], termios.TCSADRAIN, term[1])
            self._term = None

    def _keys_loop(self, fd: int) -> None:
        while not self._stop.is_set():
            try:
                if not select.select([fd], [], [], 0.2)[0]:
                    continue
                data = os.read(fd, 32)
            except OSError:
                return
            if not data:
                return
            if data.startswith(b"\x1b"):   # arrows and other escape sequences
                continue
            for ch in data.decode("utf-8", "ignore"):
                self.events.put(("key", ch))

    def _canary(self) -> None:
        """Saves that sent no file event: grade them anyway, and switch watching to polling."""
        now = time.monotonic()
        missed = []
        for e in self.s.exercises:
            st = stat_of(self.s.stub_path(e))
            if st == self._seen.get(e.name):
                self._changed_at.pop(e.name, None)
                continue
            first = self._changed_at.setdefault(e.name, now)
            if now - first >= MISSED_S:
                missed.append(e.name)
        if not missed:
            return
        if not self.poll:
            self.poll = True
            self.view.mode = "polling"
            self._rewatch.set()
            self.view.notice = (f"file events did not arrive (WSL, NFS, a network drive?): switched to polling "
                                f"every {POLL_MS} ms. Next time start with `grade watch {self.s.name} --poll` "
                                f"or {POLL_ENV}=1.")
        self.on_save({f"{n}.py" for n in missed})


class _Either:
    """stop_event for watchfiles: set when either event is."""

    def __init__(self, a: threading.Event, b: threading.Event):
        self.a, self.b = a, b

    def is_set(self) -> bool:
        return self.a.is_set() or self.b.is_set()


def stat_of(path: Path):
    try:
        st = path.stat()
        return (st.st_mtime_ns, st.st_size, st.st_ino)
    except OSError:
        return None
