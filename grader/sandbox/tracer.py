"""Value tracing inside a job: what each executed line of the exercise's own file produced.

Runs only in the forked child, and only for checks the job names in `trace`. A `sys.settrace`
hook follows the frames of one module (by its `__name__`, so a job's private copy of a file is
still its file); at each new line of a frame, the locals that changed since the last line are
attributed to the line that just ran; a return adds the returned value; a call from the module's
own code records, on the calling line, which function of the module it called and with what
arguments; an if/while/for records which way it went; a module constant is recorded, at the line
that assigned it, when a function first reads it (trace_source.py). Values are summarized as plain
data (trace_values.py), each with a kind ("v" a value, "grad", "if", "call") and the function it was
made in (its qualified name: the stub's, not the student's); "m" marks a value read from state the
trace may not have seen change. An event is [line, values, which execution of the line, which call
of its function] (a comprehension runs within its caller's line).

The trace is plain lists, dicts, numbers and strings: the job encodes it with the wire format like
any result; the parent aligns it (grading/align.py). Bounded: at most MAX_EVENTS lines recorded
and MAX_SECONDS of tracing, or SHARE of the check's time limit from its start (so a check that runs
slower traced still ends in time), then tracing stops and the trace says it was cut.
"""
from __future__ import annotations

import sys
import time
import weakref

from grader.sandbox.trace_source import _constants, _seen_whole
from grader.sandbox.trace_values import _getattr, _id, _key, _len, _plain, _tensor, _type, _watched, summarize

MAX_EVENTS = 4000   # lines recorded per check
MAX_PER_LINE = 16   # values recorded per executed line
MAX_SECONDS = 10.0  # of tracing per check; beyond, the code runs on untraced
VIA = 4             # library frames between two of the module's that still make a call (nn.Module.__call__)
SHARE = 0.5         # of the check's time limit that may run traced (the rest, untraced, ends in time)


class Tracer:
    """Per frame of the module: [line running, snapshot of its locals, ids of what it held at its start,
    the execution of the line running, whether it is a comprehension (its caller's line), which call it is].

    A value is recorded once, where it was first produced: passing it on (an argument, `out = act`,
    `self.data = data`) is a move, not a new value. Arguments new at a call are the caller's line's
    values; a returned local belongs to the line that bound it."""

    def __init__(self, module_name: str, seconds: float | None = None):
        self.module = module_name
        self._seconds = seconds   # wall clock that may run traced, from run()
        self._deadline = None
        self.events: list = []
        self.cut = ""
        self._frames: dict = {}
        self._spent = 0.0
        self._seen: dict = {}     # id -> the object (numbers, strings) or a weak reference (tensors)
        self._xid = 0             # executions of lines: each line event, and each frame's start, is a new one
        self._consts: dict = {}   # module constant -> the line that assigned it (recorded when first read)
        self._const_ids: dict = {}
        self._branches: dict = {}  # line of an if/while/for -> the first line of its body
        self._data_writes: dict = {}   # line writing `name.data` -> name (torch does not count it as a change)

    def run(self, fn):
        try:
            self._consts, self._const_ids, self._branches, self._data_writes = _constants(sys.modules.get(self.module))
        except Exception:   # an odd module: no constants, no branches; the trace goes on
            self._consts, self._const_ids, self._branches, self._data_writes = {}, {}, {}, {}
        self._deadline = time.perf_counter() + self._seconds if self._seconds else None
        sys.settrace(self._global)
        try:
            return fn()
        finally:
            sys.settrace(None)

    def result(self) -> dict:
        return {"events": self.events, "cut": self.cut}

    def _mine(self, frame) -> bool:
        return frame is not None and frame.f_globals.get("__name__") == self.module

    def _global(self, frame, event, arg):
        if self.cut or not self._mine(frame):
            return None
        state = self._frames.get(_id(frame))
        if state is not None:   # a generator resumed: what changed while it waited is not its doing
            state[1] = self._snapshot(frame)
        else:
            snap = self._snapshot(frame)
            # a comprehension runs within its caller's line: the same execution of that line, all along
            caller = self._frames.get(_id(frame.f_back)) if frame.f_code.co_name.startswith("<") else None
            self._frames[_id(frame)] = [frame.f_lineno, snap, {_id(x) for k, kind, x in snap.values()},
                                        caller[3] if caller else self._next(), caller is not None,
                                        caller[5] if caller else self._next()]
            via = self._calling(frame)
            if via is not None:
                self._record_call(frame, snap, via)
            try:
                self._read_constants(frame, snap)
            except Exception as e:   # a constant that cannot be summarized ends the trace, never the check
                self.cut = f"tracing stopped: {type(e).__name__}"
            if via is None:
                for _, (k, kind, x) in snap.items():
                    self._is_new(x)   # the check's inputs: on the path by definition
        return self._local

    def _calling(self, frame):
        """The module's frame that called this one: directly, or through a library a few frames down (an
        nn.Module's __call__ calling forward); None for a call from the check."""
        up = frame.f_back
        for _ in range(VIA):
            if up is None:
                return None
            if self._mine(up):
                return up if _id(up) in self._frames else None
            up = up.f_back
        return None

    def _next(self) -> int:
        self._xid += 1
        return self._xid

    def _read_constants(self, frame, snap: dict) -> None:
        """Module constants a new frame reads (by name, or handed in: a default argument), each recorded once,
        at the line that assigned it: set at import, they are seen nowhere else."""
        if not self._consts:
            return
        names = [n for n in frame.f_code.co_names if n in self._consts]
        names += [self._const_ids[_id(x)] for k, kind, x in snap.values() if _id(x) in self._const_ids]
        for n in names:
            if n in self._consts and _len(self.events) < MAX_EVENTS:
                line = self._consts.pop(n)
                self._record(line, "<module>." + n[:100], [("v", frame.f_globals.get(n))], False, xid=(self._next(), 0))

    def _local(self, frame, event, arg):
        if self.cut:
            return None
        t0 = time.perf_counter()
        try:
            state = self._frames.get(_id(frame))
            if state is None:
                return None
            if event in ("line", "return"):
                snap = self._snapshot(frame)
                # an attribute counts when written on an object the name already held (a .data too when the
                # name is newly bound: the object is new, made by untraced code): a name bound to an object whose
                # attributes untraced code set (the check's backward()) did not produce them
                changed = [name for name, (k, kind, x) in snap.items() if state[1].get(name, (None,))[0] != k
                           and (type(name) is str or state[1].get(name[0], (None,))[0] == snap[name[0]][0]
                                or name[1] == "data")]
                # an argument stored on an object (`self.data = data`) is the caller's value, not this line's;
                # a comprehension's own names only bind what it iterates over (what it yields or makes counts)
                # a local that takes an attribute's value as it was (`xmean = self.running_mean`) reads state
                # set elsewhere, maybe where the trace did not look: marked, so the parent does not blame it
                if not frame.f_code.co_name.startswith("<"):
                    attrs = {_id(x) for n, (k, kind, x) in state[1].items() if type(n) is tuple}
                    self._record(state[0], _qual(frame), [(snap[n][1], snap[n][2]) for n in changed
                                                           if type(n) is str or _id(snap[n][2]) not in state[2]], False,
                                 held={_id(snap[n][2]) for n in changed if type(n) is str and _id(snap[n][2]) in attrs},
                                 xid=(state[3], state[5]))
                if _tensor(snap.get(self._data_writes.get(state[0]), (0, 0, None))[2]):   # `p.data += ...`: p changed
                    self._record(state[0], _qual(frame), [("v", snap[self._data_writes[state[0]]][2])], False, xid=(state[3], state[5]))
                if state[0] in self._branches and _seen_whole(state[1], self._branches[state[0]][1]):
                    # which way a condition went (a loop: one more pass, or the end)
                    taken = event == "line" and frame.f_lineno == self._branches[state[0]][0]
                    self._record(state[0], _qual(frame), [("if", taken)], False, xid=(state[3], state[5]))
                if event == "return":
                    self._frames.pop(_id(frame), None)
                    held = _type(arg) in (list, dict) and any(x is arg for _, _, x in state[1].values())
                    self._record(state[0], _qual(frame), [("v", _plain(arg))], False, held={_id(arg)} if held else (),
                                 xid=(state[3], state[5]))
                state[0], state[1] = frame.f_lineno, snap
                if not state[4]:
                    state[3] = self._next()
        except Exception as e:  # a value that cannot be summarized ends the trace, never the check
            self.cut = f"tracing stopped: {type(e).__name__}"
        self._spent += time.perf_counter() - t0
        if self._spent > MAX_SECONDS or (self._deadline is not None and t0 > self._deadline):
            self.cut = "tracing stopped: time"
        return self._local

    def _snapshot(self, frame) -> dict:
        snap = {}
        for name, x in frame.f_locals.items():
            snap[name] = (_key(x), "v", x)
            for kind, a, v in _watched(x):
                snap[(name, a)] = (_key(v), kind, v)
        return snap

    def _is_new(self, x) -> bool:
        """Not seen before (and remembered from now on)."""
        i = _id(x)
        old = self._seen.get(i)
        if old is not None:
            same = old() if _type(old) is weakref.ref else old
            if same is x and (_getattr(x, "_version", None) == self._seen.get((i, "v"))):
                return False
        try:
            self._seen[i] = weakref.ref(x)
        except TypeError:
            self._seen[i] = x
        self._seen[(i, "v")] = _getattr(x, "_version", None)
        return True

    def _record_call(self, frame, snap: dict, via) -> None:
        """A call from the module's own code: which function, with what arguments (the caller line's doing),
        and the arguments it made new for the call."""
        code = frame.f_code
        names = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
        args = [_plain(snap[n][2]) for n in names if n in snap]
        parts = [summarize(x) if x is not None else None for x in args]
        call = {"k": "call", "d": "args", "s": [_len(parts)], "f": _qual(frame),
                "p": [p if p is not None else {"d": "obj", "s": []} for p in parts][:MAX_PER_LINE]}
        caller = self._frames.get(_id(via))
        # a lambda's arguments are the items it is handed (a key function's candidates), not values the line made
        made = [] if code.co_name == "<lambda>" else [("v", x) for x in args if x is not None]
        self._record(via.f_lineno, _qual(via), made, True, call,
                     xid=(caller[3], caller[5]) if caller else (self._next(), 0))

    def _record(self, line: int, fn: str, produced: list, only_new: bool, call: dict | None = None,
                held=(), xid: tuple = (0, 0)) -> None:
        """only_new: arguments of a call: only those the call's line made (a value passed on was made before).
        held: ids of values read from state the trace may not have seen change (a container the frame
        already held, changed in place; an attribute's value taken as it was)."""
        vals = [call] if call is not None else []
        for kind, x in produced:
            if x is None or (not self._is_new(x) and only_new) or _len(vals) >= MAX_PER_LINE:
                continue
            s = summarize(x)
            if s is not None:
                s["k"], s["f"] = kind, fn
                if _id(x) in held:
                    s["m"] = 1
                vals.append(s)
        if vals:
            self.events.append([line, vals, xid[0], xid[1]])
            if _len(self.events) >= MAX_EVENTS:
                self.cut = "tracing stopped: too many lines"


def _qual(frame) -> str:
    return frame.f_code.co_qualname[:200]


def trace_call(module_name: str, fn, limit: float | None = None) -> dict:
    """Run fn() traced; the trace as plain data (an error in fn is recorded, not raised). limit: the check's
    time limit, SHARE of which may run traced."""
    tr = Tracer(module_name, limit * SHARE if limit else None)
    error = None
    try:
        tr.run(fn)
    except Exception as e:
        error = type(e).__name__
    out = tr.result()
    out["error"] = error
    return out
