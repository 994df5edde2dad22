"""Value tracing inside a job: what each executed line of the exercise's own file produced.

Runs only in the forked child, and only for checks the job names in `trace`. A `sys.settrace`
hook follows the frames of one module (by its `__name__`, so a job's private copy of a file is
still its file); at each new line of a frame, the locals that changed since the last line are
attributed to the line that just ran; a return adds the returned value; a call from the module's
own code records, on the calling line, which function of the module it called and with what
arguments. Objects are watched attribute by attribute (`self.out`, a Value's .data and .grad,
an nn.Module's buffers, parameters and layers), so a `_backward` closure writing `self.grad += ...`
is seen. Each value is summarized as plain data: a kind ("v" a value, "grad", "call"), the function
it was made in (its qualified name: the stub's, not the student's), a dtype family, a shape, and
the values up to CAP (or a few statistics beyond); "m" marks a value read from state the trace may
not have seen change.

The trace is plain lists, dicts, numbers and strings: the job encodes it with the wire format like
any result; the parent aligns it (grading/pointer.py). Bounded: at most MAX_EVENTS lines recorded
and MAX_SECONDS of tracing, then tracing stops and the trace says it was cut.
"""
from __future__ import annotations

import ast
import math
import sys
import time
import weakref

CAP = 64            # values kept in full per summary; beyond, statistics
MAX_EVENTS = 4000   # lines recorded per check
MAX_PER_LINE = 16   # values recorded per executed line
MODULES = True
DEEP = True
MAX_ATTRS = 32      # attributes watched per object
MAX_SECONDS = 10.0  # of tracing per check; beyond, the code runs on untraced
_ATTRS = ("grad", "data")
_len, _type, _float, _id, _isinstance, _getattr = len, type, float, id, isinstance, getattr   # before any student code
_open = open


def _num(x) -> bool:
    t = _type(x)
    return t is int or t is float or t is bool


def _floats(seq) -> list:
    return [_float(v) for v in seq]


def _stats(vals: list) -> list:
    fin = [v for v in vals if v == v and v not in (math.inf, -math.inf)]
    if not fin:
        return [math.nan] * 4
    n = _len(fin)
    mean = sum(fin) / n
    return [mean, math.sqrt(sum((v - mean) ** 2 for v in fin) / n), min(fin), max(fin)]


class _NoGrad:
    """A tensor's .grad that is None."""


NO_GRAD = _NoGrad()


def summarize(x) -> dict | None:
    """A value as plain data, or None when it is nothing a reference could be compared on."""
    t = _type(x)
    if x is NO_GRAD:
        return {"d": "none", "s": []}
    if _num(x):
        return {"d": "num", "s": [], "v": [_float(x)]}
    if t is str:
        return {"d": "str", "s": [_len(x)], "r": x[:200]}
    if t in (list, tuple):
        if _len(x) and all(_num(v) for v in x[:CAP]) and all(_num(v) for v in x[-CAP:]):
            return _array_summary("num", [_len(x)], x)
        if _len(x) and all(_num(_data(v)) for v in x[:CAP]) and all(_num(_data(v)) for v in x[-CAP:]):
            return _array_summary("num", [_len(x)], [_data(v) for v in x])   # micrograd Values: their .data
        if _len(x) and all(_type(v) in (list, tuple) and _len(v) == _len(x[0]) and all(_num(u) for u in v)
                           for v in x[:CAP]) and _len(x[-1]) == _len(x[0]):
            rows = x if _len(x) <= CAP else list(x[:CAP // 2]) + list(x[-CAP // 2:])   # large: its ends
            return _array_summary("num", [_len(x), _len(x[0])], [u for v in rows for u in v])
        if _len(x) and all(_type(v) is str for v in x[:CAP]):
            return {"d": "strs", "s": [_len(x)], "r": "\x00".join(x[:CAP])[:2000]}
        return None
    if t is dict:
        items = list(x.items())
        tail = items[-1] if items else None
        return {"d": "dict", "s": [_len(x)], "r": repr(tail)[:200]}
    torch = sys.modules.get("torch")
    if torch is not None and t is torch.Generator:   # a generator made here: its seed (a reseeding shows)
        return {"d": "gen", "s": [], "v": [_float(x.initial_seed())]}
    if torch is not None and t is torch.Tensor or (torch is not None and t is torch.nn.Parameter):
        with torch.no_grad():
            flat = x.detach().reshape(-1)
            kind = "b" if x.dtype == torch.bool else ("f" if x.is_floating_point() else "i")
            if flat.numel() <= CAP:
                return {"d": kind, "s": list(x.shape), "v": flat.double().tolist()}
            f = flat.double()
            fin = f[torch.isfinite(f)]
            st = [fin.mean().item(), fin.std(unbiased=False).item(), fin.min().item(), fin.max().item()] \
                if fin.numel() else [math.nan] * 4
            return {"d": kind, "s": list(x.shape), "st": st, "h": f[:8].tolist() + f[-8:].tolist()}
    return None


def _data(x):
    """A micrograd-like object's numeric .data (None when x is not one)."""
    d = _getattr(x, "__dict__", None)
    return d.get("data") if _type(d) is dict and not _num(x) else None


def _array_summary(kind: str, shape: list, seq) -> dict:
    if _len(seq) <= CAP:
        return {"d": kind, "s": shape, "v": _floats(seq)}
    vals = _floats(seq)
    return {"d": kind, "s": shape, "st": _stats(vals), "h": vals[:8] + vals[-8:]}


def _key(x):
    """Something cheap that changes when x changes (enough to decide whether to summarize)."""
    t = _type(x)
    if t is str:
        return (t, x[:200])
    if _num(x):
        return (t, _id(x))   # identity: a line that writes an equal but new number still produced it
    if t in (list, tuple, dict):
        if t is dict:
            return (_id(x), _len(x))
        return (_id(x), _len(x), tuple(x[:4]) if _len(x) and _num(x[0]) else None, tuple(x[-4:]) if _len(x) and _num(x[-1]) else None)
    v = _getattr(x, "_version", None)
    return (_id(x), v if _type(v) is int else None)


def _watched(x) -> list:
    """The (kind, attribute, value) triples of an object worth watching: its attributes holding numbers or
    tensors (`self.out`, `self.running_mean`, a Value's .data and .grad; .grad is kind "grad"), and a tensor's
    .grad."""
    out = []
    if _tensor(x):   # (a tensor has a __dict__ too, empty)
        if not (x.is_leaf or x.retains_grad):
            return out   # an intermediate's .grad is never filled (torch warns when it is read)
        g = x.grad
        if g is not None:
            out.append(("grad", "grad", g))
        elif x.requires_grad:
            out.append(("grad", "grad", NO_GRAD))   # reset to None: a zero_grad is a step of the path too
        return out
    d = _getattr(x, "__dict__", None)
    if _type(d) is dict:
        for a, v in list(d.items())[:MAX_ATTRS]:
            if _type(a) is str and not a.startswith("__") and (_num(v) or _tensor(v)):
                out.append(("grad" if a == "grad" else "v", a, v))
            elif _type(a) is str and not a.startswith("_") and a not in _ATTRS and (_num(_data(v)) or (
                    _type(v) in (list, tuple) and _len(v) and _num(_data(v[0])))):
                out.append(("v", a, v if _type(v) in (list, tuple) else _data(v)))   # a Value held (self.b), a list of them (self.w)
        for a, v in _module_tensors(d) if MODULES else ():   # an nn.Module: its buffers, parameters, and its layers' parameters
            out.append(("v", a, v))
        return out[:MAX_ATTRS]
    return out


def _module_tensors(d: dict, depth: int = 0) -> list:
    """An nn.Module's state as (name, value): its buffers and parameters, and its layers' (a few levels
    down), with the layers' kinds in order as one text ("Linear ReLU Linear")."""
    out = []
    for store in ("_parameters", "_buffers"):
        if _type(d.get(store)) is dict:
            out += [(f"{store}.{k}", v) for k, v in list(d[store].items())[:MAX_ATTRS] if _tensor(v)]
    mods = d.get("_modules")
    if _type(mods) is dict and mods and depth < 3:
        out.append((f"_modules.{depth}", " ".join(_type(m).__name__ for m in list(mods.values())[:MAX_ATTRS])))
        for k, m in list(mods.items())[:MAX_ATTRS] if DEEP else ():
            sub = _getattr(m, "__dict__", None)
            if _type(sub) is dict:
                out += [(f"{k}.{n}", v) for n, v in _module_tensors(sub, depth + 1)]
    return out[:MAX_ATTRS]


def _tensor(x) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and _type(x) in (torch.Tensor, torch.nn.Parameter)


def _plain(x):
    """x itself when a summary can say it, else its .data (a micrograd Value), else None."""
    if summarize(x) is not None:
        return x
    d = _getattr(x, "__dict__", None)
    return d.get("data") if _type(d) is dict else None


class Tracer:
    """Per frame of the module: [line running, snapshot of its locals, name -> line that last changed it].

    A value is recorded once, where it was first produced: passing it on (an argument, `out = act`,
    `self.data = data`) is a move, not a new value. Arguments new at a call are the caller's line's
    values; a returned local belongs to the line that bound it."""

    def __init__(self, module_name: str):
        self.module = module_name
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
            if self._mine(frame.f_back):
                self._record_call(frame, snap)
            try:
                self._read_constants(frame, snap)
            except Exception as e:   # a constant that cannot be summarized ends the trace, never the check
                self.cut = f"tracing stopped: {type(e).__name__}"
            if not self._mine(frame.f_back):
                for _, (k, kind, x) in snap.items():
                    self._is_new(x)   # the check's inputs: on the path by definition
        return self._local

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
        if self._spent > MAX_SECONDS:
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

    def _record_call(self, frame, snap: dict) -> None:
        """A call from the module's own code: which function, with what arguments (the caller line's doing),
        and the arguments it made new for the call."""
        code = frame.f_code
        names = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
        args = [_plain(snap[n][2]) for n in names if n in snap]
        parts = [summarize(x) if x is not None else None for x in args]
        call = {"k": "call", "d": "args", "s": [_len(parts)], "f": _qual(frame),
                "p": [p if p is not None else {"d": "obj", "s": []} for p in parts][:MAX_PER_LINE]}
        caller = self._frames.get(_id(frame.f_back))
        self._record(frame.f_back.f_lineno, _qual(frame.f_back), [("v", x) for x in args if x is not None], True, call,
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


def _seen_whole(snap: dict, name) -> bool:
    """A for over this name goes through something the trace sees whole (text, numbers, Values, a tensor)."""
    if name is None:
        return True
    x = snap.get(name, (None, None, None))[2]
    if _type(x) is str or _tensor(x):
        return True
    return _type(x) in (list, tuple) and _len(x) > 0 and (_num(x[0]) or _type(x[0]) is str or _num(_data(x[0])))


def _constants(module) -> tuple[dict, dict, dict, dict]:
    """From the module's file: its constants, name -> the line of its last top-level assignment, and id -> name
    for those a function may be handed as they are (a default argument: a text, a list, a tensor); and its
    branches, the line of each if/while/for (on one line) -> the first line of its body; and the lines that
    write `name.data` (in place on a tensor: torch's version counter does not see it) -> name."""
    if module is None or _type(_getattr(module, "__file__", None)) is not str:
        return {}, {}, {}, {}
    with _open(module.__file__, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    branches, data_writes = {}, {}
    for node in ast.walk(tree):
        targets = node.targets if _type(node) is ast.Assign else [node.target] if _type(node) is ast.AugAssign else []
        for t in targets:
            if _type(t) is ast.Attribute and t.attr == "data" and _type(t.value) is ast.Name and \
                    node.lineno == node.end_lineno:
                data_writes[node.lineno] = t.value.id
        # (a for over an attribute: how long it runs was decided where that was made, maybe where the trace did
        # not look; over a name: when the trace sees what it names)
        head = node.test if _type(node) in (ast.If, ast.While) else node.iter if _type(node) is ast.For and \
            _type(node.iter) is not ast.Attribute else None
        if head is not None and head.end_lineno == node.lineno and node.body[0].lineno > node.lineno:
            branches[node.lineno] = (node.body[0].lineno, head.id if _type(node) is ast.For and _type(head) is ast.Name else None)
    lines = {}
    for node in tree.body:
        targets = node.targets if _type(node) is ast.Assign else \
            [node.target] if _type(node) in (ast.AnnAssign, ast.AugAssign) else []
        for n in (n for t in targets for n in ast.walk(t)):
            if _type(n) is ast.Name:
                lines[n.id] = node.lineno
    g = module.__dict__
    consts = {n: ln for n, ln in lines.items() if n in g and (_num(g[n]) or summarize(g[n]) is not None)}
    ids = {_id(g[n]): n for n in consts if not _num(g[n]) and not (_type(g[n]) is str and _len(g[n]) < 2)}
    return consts, ids, branches, data_writes


def _qual(frame) -> str:
    return frame.f_code.co_qualname[:200]


def trace_call(module_name: str, fn) -> dict:
    """Run fn() traced; the trace as plain data (an error in fn is recorded, not raised)."""
    tr = Tracer(module_name)
    error = None
    try:
        tr.run(fn)
    except Exception as e:
        error = type(e).__name__
    out = tr.result()
    out["error"] = error
    return out
