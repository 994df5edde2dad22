"""`grade watch SET`: re-grade the exercise being edited on every save; the verdict updates in place.

One warm Worker (the zygote, with the set's heavy imports done once) and one Oracle (reference
and known-mistake results, computed once) live for the whole session, so a save costs one fork
of the student's code, which still runs in a fresh process every time.

Saves arrive as file events (watchfiles). Where events never come (WSL, NFS, some container
mounts), a cheap modification-time check notices the save anyway, grades it, and switches
watching to polling; `--poll` or Z2H_POLL=1 starts in polling mode.
"""
from __future__ import annotations

import os
import queue
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from grader.grading.status import Status
from grader.exits import EXIT_OK
from grader.grading import engine
from grader.grading.jobs import Options, check_metas, plan, start_worker
from grader.sandbox.pool import WorkerError
from grader.student import progress
from grader.render import watch as watch_screens
from grader.course.manifest import ContentError, Course, Exercise, ExerciseSet, resolve
from grader.grading.oracle import Oracle
from grader.grading.status import BAD_VERDICTS
from grader.student.watch_input import CANARY_S, POLL_ENV, Inputs, stat_of

KEYS = "n next  h hint  l list  r re-run  q quit"


@dataclass
class View:
    """Everything the watch screen shows (rendered by watch_screens.watch_screen)."""
    set: ExerciseSet
    current: Exercise
    files: dict[str, str]
    results: dict = field(default_factory=dict)       # exercise name -> ExerciseResult (latest)
    message: str = ""
    message_style: str = ""
    notice: str = ""              # lasting: how saves are being detected, if that changed
    hint: str | None = None
    show_list: bool = False
    last: str = ""
    mode: str = "file events"
    keys: bool = False
    grading: str | None = None


def poll_wanted(flag: bool = False) -> bool:
    return flag or os.environ.get(POLL_ENV, "").strip().lower() not in ("", "0", "false", "no")


class Session(Inputs):
    """One watch session over one set. `events` receives ("save", names) / ("key", ch) / ("quit",)."""

    def __init__(self, course: Course, s: ExerciseSet, opts: Options, console, poll: bool = False,
                 start: Exercise | None = None, keys: bool = False, on_verdict=None):
        self.course, self.s, self.opts, self.console = course, s, opts, console
        self.poll, self.keys, self.on_verdict = poll, keys, on_verdict
        self.events: queue.Queue = queue.Queue()
        self.view = View(s, start or s.exercises[0], {e.name: _rel(s.stub_path(e), course.root) for e in s.exercises},
                         mode="polling" if poll else "file events", keys=keys)
        self._start = start
        self.worker = None
        self.oracle = None
        self.live = None
        self._stop = threading.Event()
        self._rewatch = threading.Event()
        self._threads: list[threading.Thread] = []
        self._seen = {e.name: stat_of(s.stub_path(e)) for e in s.exercises}
        self._changed_at: dict[str, float] = {}
        self._grading_since: float | None = None
        self._warmed: set[str] = set()
        self.rendered = 0
        self.timing: dict = {}          # the last save: when it was noticed, seconds to grade and to draw

    # ---- lifecycle -------------------------------------------------------------------------------

    def open(self) -> None:
        """Start the warm worker, compute the reference once, and grade the whole set."""
        self.worker = start_worker(self.s)
        import numpy  # noqa: F401  (explaining a mismatch needs it: import it now, not on the first failing save)
        self.oracle = Oracle(self.s, self.worker, self.opts)
        result = engine.grade_set(self.s, None, self.opts, worker=self.worker, oracle=self.oracle)
        for r in result.exercises:
            self.view.results[r.exercise.name] = r
        progress.record(self.course.root, result.exercises)
        if self._start is None:
            self.view.current = next((r.exercise for r in result.exercises if r.status != Status.PASSED),
                                     self.s.exercises[0])
        self.view.last = f"graded all of {self.s.name} in {result.seconds:.2f} s"
        if result.all_passed:
            self._say(f"All of {self.s.name} passes already. Save a file to re-grade it.", "bold green")
        self._start_watcher()

    def close(self) -> None:
        self._stop.set()
        self._rewatch.set()
        for t in self._threads:
            t.join(timeout=2)
        if self.worker is not None:
            self.worker.close()

    # ---- inputs ----------------------------------------------------------------------------------


    # ---- the loop --------------------------------------------------------------------------------

    def run(self) -> None:
        """Handle saves and keys until q (or Ctrl-C, or a ("quit",) event)."""
        self.draw()
        next_canary = time.monotonic() + CANARY_S
        while True:
            try:
                ev = self.events.get(timeout=max(0.05, next_canary - time.monotonic()))
            except queue.Empty:
                ev = None
                self._warm_one()
            if time.monotonic() >= next_canary:
                self._canary()
                next_canary = time.monotonic() + CANARY_S
            if ev is None:
                continue
            if ev[0] == "quit" or (ev[0] == "key" and ev[1] in "qQ"):
                return
            if ev[0] == "save":
                saved = set(ev[1])
                while True:      # coalesce saves queued meanwhile; keys wait their turn
                    try:
                        more = self.events.get_nowait()
                    except queue.Empty:
                        break
                    if more[0] == "save":
                        saved |= set(more[1])
                    else:
                        self.events.put(more)
                        break
                self.on_save(saved)
            elif ev[0] == "key":
                self.on_key(ev[1])
            elif ev[0] == "watch-error":
                self.poll = True
                self.view.mode = "polling (our own)"
                self.view.notice = f"file watching failed ({ev[1]}); checking the files every {CANARY_S:g} s instead"
                self.draw()

    def _warm_one(self) -> None:
        """While idle: run the current exercise's known mistakes, so its failing saves are diagnosed from cache."""
        name = self.view.current.name
        if self.worker is None or name in self._warmed:
            return
        try:
            todo = plan(check_metas(self.worker), list(self.s.exercises), self.opts)
            self.oracle.mistakes([name], todo)
        except (ContentError, WorkerError):
            pass           # a grade that needs it will report the problem
        self._warmed.add(name)

    def on_save(self, names: set[str]) -> None:
        self.timing = {"noticed": time.time()}
        order = [e for e in self.s.exercises if f"{e.name}.py" in names]
        for ex in order:
            path = self.s.stub_path(ex)
            for _ in range(10):             # editors that save by rename: wait for the new file
                if path.exists():
                    break
                time.sleep(0.02)
            self._seen[ex.name] = stat_of(path)
            self._changed_at.pop(ex.name, None)
        for ex in order:
            self.grade(ex, saved=True)

    def on_key(self, ch: str) -> None:
        v = self.view
        if ch in "nN":
            names = [e.name for e in self.s.exercises]
            v.current = self.s.exercises[(names.index(v.current.name) + 1) % len(names)]
            v.hint, v.message = None, ""
        elif ch in "hH":
            hints = v.current.hints
            if not hints:
                v.hint = f"{v.current.id} has no hints"
            else:
                n = min(progress.next_hint(self.course.root, v.current.id), len(hints))
                r = v.results.get(v.current.name)
                order = v.current.hint_order([c.name for c in r.checks if c.status in BAD_VERDICTS] if r else [])
                v.hint = f"({n}/{len(hints)}) {hints[order[n - 1]]}" + ("  [that was the last one]" if n == len(hints) else "")
        elif ch in "lL":
            v.show_list = not v.show_list
        elif ch in "rR":
            self.grade(v.current)
            return
        elif ch in "\r\n ":
            return
        else:
            self._say(f"keys: {KEYS}", "dim")
        self.draw()

    def grade(self, ex: Exercise, saved: bool = False) -> None:
        v = self.view
        if ex.name != v.current.name:        # the file being edited is the exercise we are on
            v.current, v.hint = ex, None
        v.message = ""
        path = self.s.stub_path(ex)
        self._grading_since = t0 = time.monotonic()
        try:
            result = engine.grade_set(self.s, ex, self.opts, on_event=self._busy, worker=self.worker,
                                      oracle=self.oracle)
        except ContentError as e:      # the course itself is broken (checks, mistakes.toml): say so, go on
            self._grading_since, v.grading = None, None
            self._say(f"error: {e}", "bold red")
            self.draw()
            return
        self._grading_since, v.grading = None, None
        t1 = time.monotonic()
        r = result.exercises[0]
        before = v.results.get(ex.name)
        v.results[ex.name] = r
        if r.status == Status.PASSED:
            self._advance(ex, already=before is not None and before.status == Status.PASSED)
        latency = None
        if saved and path.exists():
            latency = max(0.0, time.time() - path.stat().st_mtime)
        v.last = (f"{path.name} saved {time.strftime('%H:%M:%S')}, verdict {latency:.2f} s after the save"
                  if latency is not None else f"re-ran {ex.id} at {time.strftime('%H:%M:%S')}: {result.seconds:.2f} s")
        self.draw()
        self.timing.update(grade=t1 - t0, draw=time.monotonic() - t1)
        if self.on_verdict:
            self.on_verdict(ex, r, latency)
        warning = progress.record(self.course.root, [r])
        if warning:
            self._say(warning, "yellow")
            self.draw()

    def _advance(self, ex: Exercise, already: bool) -> None:
        v, res = self.view, self.view.results
        names = [e.name for e in self.s.exercises]
        i = names.index(ex.name)
        todo = [self.s.exercises[(i + k) % len(names)] for k in range(1, len(names))]
        nxt = next((e for e in todo if (res.get(e.name) is None or res[e.name].status != Status.PASSED)), None)
        r = res[ex.name]
        if nxt is None:
            self._say(f"{ex.id} passes ({r.points}/{r.max_points} points). All of {self.s.name} passes. "
                      "Well done! (q quits)", "bold green")
            return
        v.current, v.hint = nxt, None
        self._say(f"{ex.id} passes ({r.points}/{r.max_points} points).{' ' if already else ' Well done. '}"
                  f"Next: {nxt.id}: {nxt.title} (edit {v.files[nxt.name]})", "bold green")

    def _busy(self, job, res) -> None:
        """on_event from the worker loop: after 0.3 s, say that a (slow) grade is running."""
        if self._grading_since and not self.view.grading and time.monotonic() - self._grading_since > 0.3:
            self.view.grading = f"{self.view.current.id}"
            self.draw()


    # ---- output ----------------------------------------------------------------------------------

    def _say(self, text: str, style: str = "") -> None:
        self.view.message, self.view.message_style = text, style

    def draw(self) -> None:
        screen = watch_screens.watch_screen(self.view)
        if self.live is not None:
            self.live.update(screen, refresh=True)
        elif not self.view.grading:
            self.console.print(screen)
            self.console.print()
        self.rendered += 1


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            return str(path)


def _interrupt(*_):
    raise KeyboardInterrupt


def interactive(console) -> bool:
    return console.is_terminal and not os.environ.get("NO_COLOR")


def run(course: Course, target: str, console, opts: Options, poll: bool = False) -> int:
    """`grade watch SET`: returns when the user quits (q, or Ctrl-C)."""
    s, ex = resolve(course, target)
    live_mode = interactive(console)
    keys = live_mode and sys.stdin.isatty()
    sess = Session(course, s, opts, console, poll=poll_wanted(poll), start=ex, keys=keys)
    watch_screens.render_watch_starting(console, s, sess.view.mode)
    old_term = signal.signal(signal.SIGTERM, _interrupt)     # killed: still restore the terminal
    try:
        sess.open()
        if live_mode:
            with watch_screens.watch_live(console) as live:
                sess.live = live
                if keys:
                    sess.read_keys()
                try:
                    sess.run()
                finally:
                    sess.restore_terminal()
                    sess.live = None
        else:
            sess.run()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, old_term)
        sess.restore_terminal()
        sess.close()
    watch_screens.render_watch_done(console, s, [sess.view.results[e.name] for e in s.exercises if e.name in sess.view.results])
    return EXIT_OK
