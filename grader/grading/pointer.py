"""Where it goes wrong: the first line of the student's code whose values leave the reference's path.

A failing check that no known mistake explains is run again, traced (sandbox/tracer.py), on the
reference and then on the student's code. The traces are aligned here by values alone, never by
names (the student's are not the reference's): walking the student's trace in execution order,
each value a line produced must match a reference value of the same kind (a value, a `.grad`, a
`.data`) not yet consumed, within the check's tolerances, the reference's order preferred. The
first line producing a value that matches nothing is the line pointed at, since everything before
it was on the path.

Values are matched within the same function of the stub (its names are the course's); a call the
reference never made points at its caller. When unsure it says nothing: a trace cut short where the
reference's ran out, a deviation the student's code then rejoins (a harmless intermediate, or an
order that differs), a line that matched before (state carried across iterations: a missing
zero_grad shows in the next forward), a line whose values stood for several reference lines, a `for`
line, a value read from state set elsewhere, checks that disagree on the line, a malformed trace.
It must never point at a correct line.
"""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from pathlib import Path

from grader.grading.compare import TOLERANCES
from grader.sandbox.tracer import MAX_EVENTS, MAX_PER_LINE
from grader.grading.jobs import Source, make_job
from grader.grading.status import Verdict
from grader.sandbox.records import RunStatus

AHEAD = 48          # reference values ahead of the path's position a student value may match
TRACED = 2          # failing checks traced per exercise (the first is the one shown; two may disagree)
STATEFUL = True     # a line that matched before and now deviates: state carried over (silence)
BEHIND = 256        # reference values already passed that a student value may still match
FEW = 8             # how far ahead a small whole number may match
CROSS = 8           # student events before a deviation in which lines matched out of order make it unsure
REJOIN = 20
PERSIST = 200       # events after a deviation in which its value, handed on whole, shows it mattered         # values after a deviation, in its function: when most match again, it did not matter: silence
_NUMERIC = {"num", "f", "i", "b"}


@dataclass
class Pointer:
    line: int
    got: dict          # the value the line produced (a tracer summary)
    expected: dict | None   # the reference's value at this point, when one is near
    text: str = ""     # the line itself, from the student's file
    file: str = ""


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
    pool: dict[tuple, list] = {}
    order = [v for _, vals, _ in ref_events for v in vals]
    for i, v in enumerate(order):
        pool.setdefault(_bucket(v), []).append(i)
        pool.setdefault(_bucket(v, True), []).append(i)
    known = {v.get("f", "") for v in order}
    used, cursor, leaps = set(), [0], set()
    lines_of = [ln for ln, vals, _ in ref_events for _ in vals]
    mapped: dict[int, set] = {}   # student line -> the reference lines its values matched
    owners: dict[int, set] = {}   # reference line -> the student's lines that matched it (in the stub's functions)

    def candidates(v: dict, own: bool) -> list:
        bucket = pool.get(_bucket(v, not own), [])
        k = bisect.bisect_left(bucket, cursor[0])
        few = _low_information(v)
        # the reference's order first (never far ahead: the same value computed again later, a second pass,
        # is not this one), then what it did just before; a small whole number only near the position
        ahead = bucket[k:bisect.bisect_left(bucket, cursor[0] + (FEW if few else AHEAD))]
        if v["k"] == "if":   # which way a condition went: only the reference's next condition in that function
            return [i for i in ahead if i not in used][:1]
        return ahead + ([] if few else bucket[max(0, k - BEHIND):k][::-1])

    def taken(v: dict) -> bool:
        """The value is one the reference made that another of the student's lines already stood for, leaping
        over a value of the reference's just before it (so that line may have stood for the wrong one)."""
        own = v.get("f", "") in known
        return any(i in leaps and matches(v if own else dict(v, f=order[i].get("f")), order[i], rtol, atol)
                   for i in candidates(v, own))

    def take(v: dict) -> bool:
        own = v.get("f", "") in known   # a function of the student's own: its values may be anyone's
        cands = candidates(v, own)
        for n, i in enumerate(cands):
            if own and owners.get(lines_of[i], {line_now[0]}) != {line_now[0]}:
                continue   # a reference line another line of the student's stands for: a second pass, not this value
            if v.get("m") and not order[i].get("m"):
                continue   # state read as it was matches only state read as it was (not a value made on the way)
            if i not in used and matches(v if own else dict(v, f=order[i].get("f")), order[i], rtol, atol):
                if i >= cursor[0] and any(j not in used and cursor[0] <= j < i for j in cands[:n]):
                    leaps.add(i)
                used.add(i)
                cursor[0] = max(cursor[0], i + 1)
                mapped.setdefault(line_now[0], set()).add(lines_of[i])
                if own:
                    owners.setdefault(lines_of[i], set()).add(line_now[0])
                matched_at.setdefault(line_now[0], set()).add(line_now[1])
                last_ref[line_now[0]] = i
                if own and not _coincidental(v):
                    recent.append((line_now[2], v.get("f"), i, line_now[0]))
                return True
        return False

    line_now = [0, 0, 0]
    matched_at: dict[int, set] = {}   # student line -> the executions of it whose values matched
    last_ref: dict[int, int] = {}     # student line -> the reference value it matched last
    recent: list = []   # (student event, function, reference value, student line) of informative matches
    for n, (line, vals, xid) in enumerate(stu_events):
        line_now[0], line_now[1], line_now[2] = line, xid, n
        # a constant of the student's own (a name the reference has not) is no step of the computation
        bad = [v for v in vals if not take(v) and not (v.get("f", "").startswith("<module>.") and v["f"] not in known)]
        if not bad:
            continue
        if line in loops and bad[0]["k"] != "if":
            return None   # a for line binds what was made elsewhere (or iterates over the wrong thing): unsure
        if len(mapped.get(line, ())) > 1:
            return None   # this line's values matched several reference lines before: which it stands for is unsure
        if STATEFUL and matched_at.get(line, set()) - {xid} and bad[0]["k"] != "if" and (
                all(f != xid[1] for _, f in matched_at[line] - {xid}) or any(j not in used and not _coincidental(order[j]) for j in range(last_ref[line] + 1, cursor[0]))
                or _bucket(_next(order, used, cursor[0], bad[0].get("f")) or {"k": "", "d": "", "s": []}) != _bucket(bad[0])):
            # this line matched before, and since then (or just here) the reference did something the student's code
            # did not (a statement missing: a zero_grad): the state carried across iterations differs, not this line
            return None
        if _crossed([r for r in recent if r[0] >= n - CROSS and r[1] == bad[0].get("f")]):
            return None   # lines just before matched the reference's in another order (a swap?): the cause is unsure
        if bad[0]["k"] == "if" and any(j not in used and order[j]["k"] == "if" and order[j].get("f") == bad[0].get("f")
                                       for j in range(max(0, cursor[0] - AHEAD), cursor[0])):
            return None   # the reference weighed conditions here the student's code never did: which one is unsure
        if taken(bad[0]):
            return None   # what this line gave, another line gave before: which stands for the reference's is unsure
        if bad[0].get("m"):
            return None   # a container returned as the frame held it, changed in place where the trace may not see
        if ref_cut and cursor[0] >= len(order) - 1:
            return None   # the reference's trace ran out: nothing to compare with
        here = bad[0].get("f")
        # (a small number or a single character matches by coincidence: it says nothing of the way back)
        later = [v for _, vs, _ in stu_events[n + 1:] for v in vs if v.get("f") == here and not _coincidental(v)][:REJOIN]
        if len(later) >= 3 and not _persists(bad[0], stu_events[n + 1:]) and sum(map(take, later)) >= 0.75 * len(later):
            return None   # the code came back to the path: this value was an intermediate (or an order), not the bug
        if bad[0]["k"] == "if" and len(later) < 3:
            return None   # a condition the other way with too little after it to tell (an inverted if is no bug)
        return Pointer(line, bad[0], _nearest(bad[0], order, used, cursor[0]))
    return None


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


def attach(s, results: list, folders: list, todo: dict, oracle, worker, opts) -> None:
    """Set `.pointer` on each failing check no known mistake explains (milestones aside: too long to trace).

    The reference's traced jobs run (and their folders go) before any student's starts. Without the
    reference solutions (a published bundle) there is nothing to align with: silence.
    """
    wanted = [(k, r, [c.name for c in r.checks if c.status == Verdict.FAIL and c.mistake is None and not c.milestone]
               [:TRACED]) for k, sr in enumerate(results) for r in sr.exercises]
    wanted = [w for w in wanted if w[2]]
    if not wanted or not oracle.live:
        return
    names: dict[str, set] = {}
    for _, r, checks in wanted:
        names.setdefault(r.exercise.name, set()).update(checks)
    metas = {ex: {m.name: m for m in todo[ex]} for ex in names}
    ref = _reference_traces(s, names, metas, oracle, worker, opts)
    stu = worker.run([_job(f"t-s{k}-{r.exercise.name}", s, r.exercise, Source(Path(folders[k])),
                           [metas[r.exercise.name][n] for n in checks], opts, "student", opts.isolate)
                      for k, r, checks in wanted], opts.parallel)
    for k, r, checks in wanted:
        lines = _lines(Path(folders[k]) / f"{r.exercise.name}.py")
        loops = frozenset(i + 1 for i, ln in enumerate(lines) if ln.lstrip().startswith(("for ", "async for ")))
        found = {}
        for c in r.checks:
            b = stu.get(f"t-s{k}-{r.exercise.name}")
            ra, rb = ref.get((r.exercise.name, c.name)), b and b.runs.get(c.name)
            if c.name not in checks or not ra or not rb or ra.status != RunStatus.OK or rb.status != RunStatus.OK:
                continue
            m = metas[r.exercise.name][c.name]
            p = align(ra.value, rb.value, m.rtol, m.atol, loops)
            if p is not None and 0 < p.line <= len(lines):
                p.text, p.file = lines[p.line - 1].strip()[:200], r.file
                found[c.name] = p
        if len({p.line for p in found.values()}) == 1:   # checks that disagree on the line: unsure, silence
            for c in r.checks:
                c.pointer = found.get(c.name)


def _reference_traces(s, names: dict, metas: dict, oracle, worker, opts) -> dict:
    """(exercise, check) -> the reference's traced run, kept on the oracle: traced once per session."""
    cache = oracle.__dict__.setdefault("pointer_traces", {})
    need = {ex: sorted(n for n in ns if (ex, n) not in cache) for ex, ns in names.items()}
    jobs = [_job(f"t-r-{ex}", s, s.exercise(ex), Source(s.solutions_dir), [metas[ex][n] for n in ns], opts, "reference")
            for ex, ns in need.items() if ns]
    if jobs:
        done = worker.run(jobs, opts.parallel)
        for ex, ns in need.items():
            for n in ns:
                cache[(ex, n)] = done[f"t-r-{ex}"].runs.get(n) if f"t-r-{ex}" in done else None
    return cache


def _job(jid: str, s, ex, src, metas: list, opts, tag: str, isolate: bool = False):
    job = make_job(jid, s, ex, src, metas, opts, tag, isolate)
    job.trace = list(job.checks)
    return job


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
