"""Aligning two value traces (sandbox/tracer.py): where the student's leaves the reference's path.

Plain data in, a Pointer or None out; no job, no file. Walking the student's trace in execution
order, each value a line produced must match a reference value of the same kind (a value, a
`.grad`, which way a condition went, a call) not yet stood for, within the check's tolerances, the
reference's order preferred, never by names (the student's are not the reference's): values match
within the same function of the stub (its names are the course's); a function of the student's own
may stand for anything. The first line producing a value that matches nothing is the line pointed
at, since everything before it was on the path.

When unsure it says nothing (`_Walk.unsure` lists why): a `for` line's binding, a line whose values
stood for several reference lines, a line that matched in an earlier call or where the reference did
something the student's code did not since (state carried over: a missing zero_grad shows in the
next forward), lines matched in another order (a swap), a condition after conditions the student
never weighed, a value another line already stood for by leaping, state read as it was, a reference
trace that ran out, a deviation the code then rejoins (a harmless intermediate), an inverted
condition with little after it, a malformed trace. It must never point at a correct line.
"""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from grader.grading.compare import TOLERANCES
from grader.sandbox.tracer import MAX_EVENTS, MAX_PER_LINE

AHEAD = 48          # reference values ahead of the path's position a student value may match
BEHIND = 256        # reference values already passed that a student value may still match
FEW = 8             # how far ahead a small whole number (or a condition) may match
STATEFUL = True     # a line that matched before and now deviates may carry state: see _Walk.stateful
CROSS = 8           # student events before a deviation in which lines matched out of order make it unsure
REJOIN = 20         # values after a deviation, in its function: when most match again, it did not matter
PERSIST = 200       # events after a deviation in which its value, handed on whole, shows it mattered


@dataclass
class Pointer:
    line: int
    got: dict          # the value the line produced (a tracer summary)
    expected: dict | None   # the reference's value at this point, when one is near
    text: str = ""     # the line itself, from the student's file
    file: str = ""


def align(ref_trace, stu_trace, rtol: float | None = None, atol: float | None = None,
          loops: frozenset = frozenset()) -> Pointer | None:
    """The first student line that leaves the reference's path, or None when unsure.

    loops: the student's `for` lines: what they bind was made elsewhere (a loop over parameters made
    by untraced code), so a value there that matches nothing may not be theirs: silence."""
    rtol, atol = (rtol, atol) if rtol is not None and atol is not None else TOLERANCES["float32"]
    ref, stu = _clean(ref_trace), _clean(stu_trace)
    if ref is None or stu is None:
        return None
    (ref_events, ref_cut), (stu_events, _) = ref, stu
    if not any(v["k"] == "if" for _, vals, _ in ref_events for v in vals):   # branches the reference's trace lacks
        stu_events = [(ln, [v for v in vals if v["k"] != "if"], x) for ln, vals, x in stu_events]
    walk = _Walk(ref_events, rtol, atol)
    for n, (line, vals, xid) in enumerate(stu_events):
        walk.at(line, xid, n)
        # a constant of the student's own (a name the reference has not) is no step of the computation
        bad = [v for v in vals if not walk.take(v) and not (v.get("f", "").startswith("<module>.")
                                                            and v["f"] not in walk.known)]
        if not bad:
            continue
        if walk.unsure(bad[0], loops, ref_cut) or walk.rejoins(bad[0], stu_events[n + 1:]):
            return None
        return Pointer(line, bad[0], _nearest(bad[0], walk.order, walk.used, walk.cursor))
    return None


class _Walk:
    """The alignment's state: the reference's values in order, which the student's have stood for, and
    where; the position (cursor) on the reference's path."""

    def __init__(self, ref_events: list, rtol: float, atol: float):
        self.rtol, self.atol = rtol, atol
        self.order = [v for _, vals, _ in ref_events for v in vals]
        self.lines_of = [ln for ln, vals, _ in ref_events for _ in vals]
        self.pool: dict[tuple, list] = {}
        for i, v in enumerate(self.order):
            self.pool.setdefault(_bucket(v), []).append(i)
            self.pool.setdefault(_bucket(v, True), []).append(i)
        self.known = {v.get("f", "") for v in self.order}
        self.used: set = set()
        self.leaps: set = set()       # reference values matched by leaping over one of the same kind
        self.cursor = 0
        self.mapped: dict[int, set] = {}     # student line -> the reference lines its values matched
        self.owners: dict[int, set] = {}     # reference line -> the student's lines that matched it (stub's functions)
        self.matched_at: dict[int, set] = {}  # student line -> the (execution, call) of it whose values matched
        self.last_ref: dict[int, int] = {}   # student line -> the reference value it matched last
        self.recent: list = []   # (student event, function, reference value, student line) of informative matches
        self.line, self.xid, self.n = 0, (0, 0), 0

    def at(self, line: int, xid: tuple, n: int) -> None:
        self.line, self.xid, self.n = line, xid, n

    def _same(self, v: dict, i: int, own: bool) -> bool:
        return matches(v if own else dict(v, f=self.order[i].get("f")), self.order[i], self.rtol, self.atol)

    def candidates(self, v: dict, own: bool) -> list:
        bucket = self.pool.get(_bucket(v, not own), [])
        k = bisect.bisect_left(bucket, self.cursor)
        few = _low_information(v)
        # the reference's order first (never far ahead: the same value computed again later, a second pass,
        # is not this one), then what it did just before; a small whole number only near the position
        ahead = bucket[k:bisect.bisect_left(bucket, self.cursor + (FEW if few else AHEAD))]
        if v["k"] == "if":   # which way a condition went: only the reference's next condition in that function,
            return [i for i in self.next_if(v, ahead) if not self.left_out(v, i)]   # with nothing left out before it
        return ahead + ([] if few else bucket[max(0, k - BEHIND):k][::-1])

    def next_if(self, v: dict, ahead: list | None = None) -> list:
        if ahead is None:
            bucket = self.pool.get(_bucket(v), [])
            k = bisect.bisect_left(bucket, self.cursor)
            ahead = bucket[k:bisect.bisect_left(bucket, self.cursor + FEW)]
        return [i for i in ahead if i not in self.used][:1]

    def left_out(self, v: dict, i: int) -> bool:
        """Informative values of v's function the reference made before i that nothing stood for (but those of
        i's own line: a for's binding comes with which way it went)."""
        return any(j not in self.used and self.order[j].get("f") == v.get("f") and not _coincidental(self.order[j])
                   and self.lines_of[j] != self.lines_of[i] for j in range(self.cursor, i))

    def take(self, v: dict) -> bool:
        """Match v to a reference value not yet stood for, and record it; False when none matches."""
        own = v.get("f", "") in self.known   # a function the reference has; else the student's own: anyone's values
        cands = self.candidates(v, own)
        for n, i in enumerate(cands):
            if own and self.owners.get(self.lines_of[i], {self.line}) != {self.line}:
                continue   # a reference line another line of the student's stands for: a second pass, not this value
            if v.get("m") and not self.order[i].get("m"):
                continue   # state read as it was matches only state read as it was (not a value made on the way)
            if i not in self.used and self._same(v, i, own):
                self._record(v, i, own, any(j not in self.used and self.cursor <= j < i for j in cands[:n]))
                return True
        return False

    def _record(self, v: dict, i: int, own: bool, leap: bool) -> None:
        if leap and i >= self.cursor:
            self.leaps.add(i)
        self.used.add(i)
        self.cursor = max(self.cursor, i + 1)
        self.mapped.setdefault(self.line, set()).add(self.lines_of[i])
        if own:
            self.owners.setdefault(self.lines_of[i], set()).add(self.line)
        self.matched_at.setdefault(self.line, set()).add(self.xid)
        self.last_ref[self.line] = i
        if own and not _coincidental(v):
            self.recent.append((self.n, v.get("f"), i, self.line))

    def unsure(self, bad: dict, loops: frozenset, ref_cut: str) -> bool:
        """The deviation at this line may not be this line's doing."""
        fn, line = bad.get("f"), self.line
        if line in loops and bad["k"] != "if":
            return True   # a for line binds what was made elsewhere (or iterates over the wrong thing)
        if len(self.mapped.get(line, ())) > 1:
            return True   # this line's values matched several reference lines before: which it stands for is unsure
        if STATEFUL and self.stateful(bad):
            return True
        if _crossed([r for r in self.recent if r[0] >= self.n - CROSS and r[1] == fn]):
            return True   # lines just before matched the reference's in another order (a swap?)
        if bad["k"] == "if" and any(j not in self.used and self.order[j]["k"] == "if" and self.order[j].get("f") == fn
                                    for j in range(max(0, self.cursor - AHEAD), self.cursor)):
            return True   # the reference weighed conditions here the student's code never did: which one is unsure
        if bad["k"] == "if" and any(self.left_out(bad, i) for i in self.next_if(bad)):
            return True   # the reference's next condition comes after steps the student's code did not take
        own = bad.get("f", "") in self.known
        if any(i in self.leaps and self._same(bad, i, own) for i in self.candidates(bad, own)):
            return True   # what this line gave, another line gave before by leaping: which stands for what is unsure
        if bad.get("m"):
            return True   # a container returned as the frame held it, changed in place where the trace may not see
        return bool(ref_cut) and self.cursor + AHEAD >= len(self.order)   # near where the reference's trace was cut

    def stateful(self, bad: dict) -> bool:
        """This line matched before (not in this execution), and either in an earlier call of its function, or
        since then (or just here) the reference did something the student's code did not (a statement missing:
        a zero_grad): the state carried across differs, not this line."""
        before = self.matched_at.get(self.line, set()) - {self.xid}
        if not before or bad["k"] == "if":
            return False
        if all(call != self.xid[1] for _, call in before):
            return True
        if any(j not in self.used and not _coincidental(self.order[j])
               for j in range(self.last_ref[self.line] + 1, self.cursor)):
            return True
        here = _next(self.order, self.used, self.cursor, bad.get("f"))
        return here is None or _bucket(here) != _bucket(bad)

    def rejoins(self, bad: dict, after: list) -> bool:
        """The code comes back to the path after the deviation (most informative values of its function match
        again, and the deviating value is not handed on whole): an intermediate, or an order, not the bug. A
        condition the other way with too little after it to tell is no bug either (an inverted if)."""
        # (a small number or a single character matches by coincidence: it says nothing of the way back)
        later = [v for _, vs, _ in after for v in vs if v.get("f") == bad.get("f") and not _coincidental(v)][:REJOIN]
        if len(later) >= 3 and not _persists(bad, after) and sum(map(self.take, later)) >= 0.75 * len(later):
            return True
        return bad["k"] == "if" and len(later) < 3


def _clean(trace) -> tuple[list, str] | None:
    """The events of a decoded trace, checked strictly (it is hostile data), or None."""
    if type(trace) is not dict or type(trace.get("events")) is not list:
        return None
    out = []
    if len(trace["events"]) > MAX_EVENTS:
        return None   # more than a job's tracer records: not a trace
    for n, ev in enumerate(trace["events"]):
        if type(ev) is not list or len(ev) not in (2, 4) or type(ev[0]) is not int or type(ev[1]) is not list:
            return None
        if len(ev) == 4 and (type(ev[2]) is not int or type(ev[3]) is not int):
            return None
        vals = [v for v in ev[1] if _valid(v)]
        if len(vals) != len(ev[1]) or len(vals) > MAX_PER_LINE + 1:
            return None
        # (line, values, which execution of it, in which call of its function)
        out.append((ev[0], vals, (ev[2], ev[3]) if len(ev) == 4 else (-1 - n, -1 - n)))
    return out, str(trace.get("cut") or "")


def _valid(v, depth: int = 0) -> bool:
    if type(v) is not dict or type(v.get("k", "")) is not str or type(v.get("d")) is not str:
        return False
    if type(v.get("f", "")) is not str:
        return False
    if "p" in v and (depth or type(v["p"]) is not list or not all(_valid(x, 1) for x in v["p"])):
        return False
    if type(v.get("s")) is not list or not all(type(n) is int for n in v["s"]):
        return False
    for key in ("v", "st", "h"):
        if key in v and (type(v[key]) is not list or not all(type(x) in (int, float) for x in v[key])):
            return False
    return "r" not in v or type(v["r"]) is str


def _close(a: list, b: list, rtol: float, atol: float) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if x != x or y != y:
            if not (x != x and y != y):
                return False
        elif math.isinf(x) or math.isinf(y):
            if x != y:
                return False
        elif abs(x - y) > atol + rtol * abs(y):
            return False
    return True


def matches(a: dict, b: dict, rtol: float, atol: float) -> bool:
    """Two summaries are the same value: same kind, family, shape, and values within tolerance."""
    if a.get("k") != b.get("k") or a["d"] != b["d"] or a["s"] != b["s"] or a.get("f") != b.get("f"):
        return False
    if "p" in a or "p" in b:   # a call: the same function with the same arguments
        return len(a.get("p", ())) == len(b.get("p", ())) and \
            all(matches(x, y, rtol, atol) for x, y in zip(a["p"], b["p"]))
    if a["d"] in ("obj", "none"):
        return True
    if "r" in a or "r" in b:
        return a.get("r") == b.get("r")
    if "v" in a and "v" in b:
        return _close(a["v"], b["v"], rtol, atol)
    if "st" in a and "st" in b:
        return _close(a["st"], b["st"], max(rtol, 1e-4), max(atol, 1e-6)) and \
            _close(a.get("h", []), b.get("h", []), rtol, atol)
    return False


def _bucket(v: dict, anywhere: bool = False) -> tuple:
    return (v["k"], None if anywhere else v.get("f", ""), v["d"], tuple(v["s"]))


def _low_information(v: dict) -> bool:
    """A small whole number (an index, a count): it matches by coincidence too easily to look far for it."""
    vals = v.get("v")
    return v["k"] in ("v", "if") and v["s"] == [] and vals is not None and len(vals) == 1 and vals[0] == vals[0] and \
        abs(vals[0]) < 1000 and float(vals[0]).is_integer()


def _persists(v: dict, events: list) -> bool:
    """The value is handed on whole later (bound by a loop, returned, stored): it was no passing intermediate."""
    if v["k"] == "if" or _coincidental(v):
        return False
    later = (w for _, vals, _ in events[:PERSIST] for w in vals if w["k"] != "call")
    return any(w["d"] == v["d"] and w["s"] == v["s"] and matches(dict(w, k=v["k"], f=v.get("f")), v, 0.0, 0.0)
               for w in later)


def _next(order: list, used: set, cursor: int, fn) -> dict | None:
    """The reference's next value in this function not yet stood for."""
    return next((order[j] for j in range(cursor, min(len(order), cursor + AHEAD))
                 if j not in used and order[j].get("f") == fn), None)


def _crossed(matches: list) -> bool:
    """Two of the student's lines that stand for two of the reference's, in the other order."""
    for a, (_, _, i, la) in enumerate(matches):
        if any(j < i for _, _, j, lb in matches[a + 1:]):
            return True
    return False


def _coincidental(v: dict) -> bool:
    return _low_information(v) or (v["d"] == "str" and len(v.get("r", "")) <= 1)


def _nearest(v: dict, order: list, used: set, cursor: int) -> dict | None:
    """The reference's value of the same kind and shape next on its path (what this line should give)."""
    same = [i for i in range(len(order)) if i not in used and _bucket(order[i]) == _bucket(v)]
    after = [i for i in same if i >= cursor]
    if after or same:
        return order[(after or same)[0]]
    kind = [i for i in range(cursor, len(order)) if i not in used and order[i]["k"] == v["k"]]
    return order[kind[0]] if kind else None
