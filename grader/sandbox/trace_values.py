"""What the tracer records of a value (sandbox/tracer.py): summaries as plain data, and what to watch.

A value is summarized as plain data: a dtype family ("d"), a shape ("s"), and the values themselves up
to CAP ("v") or a few statistics and its ends beyond ("st", "h"), or a text ("r"). Objects are watched
attribute by attribute (`self.out`, a Value's .data and .grad, an nn.Module's buffers, parameters and
layers, a tensor's .grad, None included). Runs only in the job, on the student's objects: the
builtins it uses are taken before any student code runs.
"""
from __future__ import annotations

import math
import sys

CAP = 64            # values kept in full per summary; beyond, statistics
MODULES = True
DEEP = True
MAX_ATTRS = 32      # attributes watched per object
_ATTRS = ("grad", "data")
_len, _type, _float, _id, _getattr = len, type, float, id, getattr   # before any student code


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
