"""Tolerance-aware comparison of nested results -> verdicts and mismatches said in plain words.

Verdicts follow the lecture's cmp(): `exact` (bit-equal), `close` (within tolerance), `wrong`,
with the max abs difference. NaN never counts as close. numpy is imported only for tensors
and for explaining a wrong number, so a solved micrograd run never pays for it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from grader.grading.keys import is_gradient
from grader.sandbox.wire import Array, Unsupported

# dtype -> (rtol, atol); Python floats are float64
TOLERANCES = {"float64": (1e-7, 1e-10), "float32": (1e-4, 1e-5), "float16": (1e-2, 1e-3), "bfloat16": (2e-2, 1e-2)}
_ORDER = {"exact": 0, "close": 1, "wrong": 2}


@dataclass
class Mismatch:
    path: str                       # "a.grad", "losses", "out[2]"
    expected: str                   # short description
    got: str
    maxdiff: float | None = None
    worst: str | None = None        # "at [3, 5]: expected 0.125, got 0.25"
    notes: list[str] = field(default_factory=list)   # plain words: broadcasting, x2, NaN, ...
    grid: list[str] | None = None   # map of wrong elements of a matrix


@dataclass
class Comparison:
    verdict: str = "exact"
    maxdiff: float = 0.0
    mismatches: list[Mismatch] = field(default_factory=list)

    def add(self, verdict: str, maxdiff: float = 0.0, mismatch: Mismatch | None = None) -> None:
        if _ORDER[verdict] > _ORDER[self.verdict]:
            self.verdict = verdict
        if maxdiff == maxdiff:  # not NaN
            self.maxdiff = max(self.maxdiff, maxdiff)
        else:
            self.maxdiff = math.inf
        if mismatch:
            self.mismatches.append(mismatch)


def compare(expected, got, rtol: float | None = None, atol: float | None = None, same_nan: bool = False) -> Comparison:
    """`same_nan`: NaN matches NaN and inf the same inf, and an object the same kind of object
    (diagnosis: a mistake that yields NaN, or a Value instead of a number, is still recognised);
    grading never sets it, so NaN is never close to anything there, nor an object equal to one."""
    out = Comparison()
    _walk("", expected, got, out, rtol, atol, same_nan)
    return out


def _f(x) -> float:
    """A number as a float, total: an int beyond the float range becomes +-inf, never OverflowError."""
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf


def _is_num(x) -> bool:
    return type(x) in (int, float)


def _numeric_list(x) -> bool:
    return type(x) in (list, tuple) and len(x) > 0 and all(_is_num(i) for i in x)


def _walk(path: str, exp, got, out: Comparison, rtol, atol, same_nan: bool = False) -> None:
    if type(exp) is dict:
        if type(got) is not dict:
            return out.add("wrong", math.inf, Mismatch(path or "result", "a dict", _kind(got)))
        # in the order the check returned them (a fixture's keys are sorted; the job's are not)
        for k in [k for k in got if k in exp] + [k for k in exp if k not in got]:
            v = exp[k]
            sub = f"{path}.{k}" if path else k
            if k not in got:
                out.add("wrong", math.inf, Mismatch(sub, _kind(v), "nothing (key missing)"))
            else:
                _walk(sub, v, got[k], out, rtol, atol, same_nan)
        return
    if _numeric_list(exp) and (_numeric_list(got) or got in ([], ())):
        return _numbers(path, list(exp), list(got), out, rtol, atol, (len(exp),), (len(got),), same_nan)
    if type(exp) in (list, tuple):
        if type(got) not in (list, tuple):
            return out.add("wrong", math.inf, Mismatch(path, _kind(exp), _kind(got)))
        if len(exp) != len(got):
            return out.add("wrong", math.inf, Mismatch(path, f"{len(exp)} items", f"{len(got)} items",
                                                        notes=[_length_note(len(exp), len(got)), _first_diff(exp, got)]))
        for i, (e, g) in enumerate(zip(exp, got)):
            _walk(f"{path}[{i}]", e, g, out, rtol, atol, same_nan)
        return
    if type(exp) is Array:
        return _tensor(path, exp, got, out, rtol, atol, same_nan=same_nan)
    if _is_num(exp) and type(exp) is not bool:
        if not _is_num(got):
            note = ["a Value object came back where a number was expected: return its .data"] \
                if type(got) is Unsupported and "Value" in got.type else []
            return out.add("wrong", math.inf, Mismatch(path or "result", _kind(exp), _kind(got), notes=note))
        return _numbers(path, [exp], [got], out, rtol, atol, (), (), same_nan)
    if type(exp) is Unsupported and not same_nan:  # graded by its type name, any class of that name would pass
        # (diagnosis, same_nan, may still recognise a known mistake by the object it returns)
        return out.add("wrong", math.inf, Mismatch(path or "result", f"a {exp.type} (from the reference)", _kind(got),
                                                    notes=["the check returns an object, not plain data, so it cannot "
                                                           "be compared: a bug in the course (`grade dev check` says where)"]))
    if type(exp) is not type(got) or exp != got:
        return out.add("wrong", math.inf, Mismatch(path or "result", _show(exp), _show(got), notes=_none_note(path, exp, got)))
    out.add("exact")


def _none_note(path: str, exp, got) -> list[str]:
    if got is None and exp is not None and is_gradient(path):
        return ["the gradient is None: nothing flowed back to it (is it used, and does it require grad?)"]
    if type(got) is Unsupported:
        return [f"the check got a {got.type}, which cannot be compared"]
    return []


def _first_diff(exp, got) -> str:
    """Where two lists of different lengths part ways: the first index whose items differ."""
    for i, (e, g) in enumerate(zip(exp, got)):
        if compare(e, g).verdict == "wrong":
            return f"the first difference is at [{i}]: expected {_show(e)}, got {_show(g)}"
    n = min(len(exp), len(got))
    return f"the first {n} items agree; then " + (f"[{n}] = {_show(exp[n])} is missing" if len(exp) > n
                                                 else f"[{n}] = {_show(got[n])} is extra")


def _length_note(n_exp: int, n_got: int) -> str:
    if n_got == n_exp - 1 or n_got == n_exp + 1:
        return f"off by one: {n_got} instead of {n_exp} (a boundary item missing or extra?)"
    return f"expected {n_exp} items, got {n_got}"


def _kind(x) -> str:
    if type(x) is Array:
        return f"{x.kind} {x.dtype} {tuple(x.shape)}"
    if type(x) is Unsupported:
        return f"a {x.type}"
    if x is None:
        return "None"
    return f"a {type(x).__name__}"


def _show(x) -> str:
    if type(x) in (str, int, float, bool) or x is None:
        r = repr(x)
        return r if len(r) < 80 else r[:77] + "..."
    return _kind(x)


def _tol(dtype: str, rtol, atol) -> tuple[float, float]:
    r, a = TOLERANCES.get(dtype, (0.0, 0.0))
    return (r if rtol is None else rtol), (a if atol is None else atol)


def _numbers(path, exp: list, got: list, out: Comparison, rtol, atol, eshape, gshape, same_nan=False) -> None:
    """Plain Python numbers: decide fast; only a wrong answer pays for numpy to explain itself."""
    r, a = _tol("float64", rtol, atol)
    if len(exp) == len(got):
        if all(type(e) is type(g) and e == g for e, g in zip(exp, got)):
            return out.add("exact")
        ef, gf = [_f(e) for e in exp], [_f(g) for g in got]
        diffs = [abs(e - g) if e != g else 0.0 for e, g in zip(ef, gf)]
        if all(math.isfinite(e) and d <= a + r * abs(e) for d, e in zip(diffs, ef)):  # NaN and inf fail
            return out.add("close", max(diffs))
    import numpy as np
    to = lambda xs, shape: Array(np.asarray([_f(x) for x in xs], dtype=np.float64).reshape(shape), "python", "float64")
    _tensor(path, to(exp, eshape), to(got, gshape), out, rtol, atol, plain=True, same_nan=same_nan)


def _tensor(path, exp: Array, got, out: Comparison, rtol, atol, plain: bool = False, same_nan: bool = False) -> None:
    import numpy as np
    name = path or "result"
    if type(got) is not Array:
        return out.add("wrong", math.inf, Mismatch(name, _kind(exp), _kind(got), notes=_none_note(path, exp, got)))
    from grader.grading import explain
    e, g = exp.values, got.values
    notes: list[str] = []
    if exp.dtype != got.dtype and not plain:
        notes.append(explain.dtype_note(exp.dtype, got.dtype))
    if e.shape != g.shape and plain:
        return out.add("wrong", math.inf, Mismatch(name, f"{e.size} numbers", f"{g.size} numbers",
                                                    notes=[_length_note(e.size, g.size)]))
    if e.shape != g.shape:
        notes += explain.shape_notes(e, g)
        return out.add("wrong", math.inf, Mismatch(name, _kind(exp), _kind(got), notes=notes))
    ef, gf = e.astype(np.float64), g.astype(np.float64)
    r, a = _tol(exp.dtype, rtol, atol)
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(ef - gf)
        # a finite expected value allows the tolerance; inf must be met exactly; NaN is never close
        bad = np.where(np.isfinite(ef), ~(diff <= a + r * np.abs(ef)), ef != gf) | np.isnan(gf)
    if exp.dtype in ("bool",) or exp.dtype.startswith(("int", "uint")):
        bad = ef != gf
    if same_nan:
        bad &= ~(np.isnan(ef) & np.isnan(gf))
    diff = np.where(np.isfinite(ef) | np.isnan(gf) | (ef != gf), diff, 0.0)  # inf met exactly: no difference
    maxdiff = float(np.max(np.where(np.isnan(diff), np.inf, diff))) if diff.size else 0.0
    if not bad.any() and not notes:
        return out.add("exact" if np.array_equal(e, g) else "close", maxdiff)
    if not bad.any():
        return out.add("wrong", maxdiff, Mismatch(name, _kind(exp), _kind(got), maxdiff, notes=notes))
    notes += explain.value_notes(path, ef, gf, bad, r, a)
    worst = explain.worst(ef, gf, diff)
    grid = explain.grid(bad) if bad.ndim == 2 and min(bad.shape) > 1 and not bad.all() else None
    if bad.size > 1 and bad.all():
        notes.append("every element is wrong")
    edesc, gdesc = (explain.num(ef.item()), explain.num(gf.item())) if ef.ndim == 0 else (_kind(exp), _kind(got))
    if plain and ef.ndim == 1:
        edesc, gdesc = f"{ef.size} numbers", f"{gf.size} numbers"
    out.add("wrong", maxdiff, Mismatch(name, edesc, gdesc, maxdiff, worst if ef.ndim else None, notes, grid))
