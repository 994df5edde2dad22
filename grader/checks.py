"""The authoring API: `@check`, tolerances, seeded inputs. Imported by checks.py files, in workers only.

    @check("backward", "gradient accumulates through a reused node", points=2)
    def reused_node(m):              # m: the student's module, or the reference
        a = m.Value(3.0)
        b = a * a + a
        b.backward()
        return {"b": b.data, "a.grad": a.grad}

A check returns plain results (numbers, strings, lists, dicts, arrays, tensors); the grader
compares them key by key with the reference's, in the parent process.
"""
from __future__ import annotations

import random as _random
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

DEFAULT_TIMEOUT = 3.0  # seconds per check


@dataclass(frozen=True)
class Check:
    exercise: str
    name: str
    description: str
    points: int
    rtol: float | None
    atol: float | None
    timeout: float
    data: tuple[str, ...]
    milestone: bool
    fn: Callable[..., Any]
    hidden: bool = False
    visibility: str = "visible"
    goal: dict | None = None

    def meta(self) -> dict:
        """Plain description the worker sends to the parent (never the function)."""
        return {"exercise": self.exercise, "name": self.name, "description": self.description,
                "points": self.points, "rtol": self.rtol, "atol": self.atol, "timeout": self.timeout,
                "data": list(self.data), "milestone": self.milestone, "hidden": self.hidden,
                "visibility": self.visibility, "goal": self.goal}


REGISTRY: list[Check] = []


def check(exercise: str, description: str, *, points: int = 1, rtol: float | None = None,
          atol: float | None = None, timeout: float = DEFAULT_TIMEOUT, data: tuple[str, ...] | list[str] = (),
          milestone: bool = False, hidden: bool = False, visibility: str | None = None,
          goal: dict | None = None):
    """Register `fn(m)` or `fn(m, ctx)` as a check of `exercise`. `data` names datasets it reads.

    hidden: left out of the student bundle; runs in batch and the autograder only.
    visibility: Gradescope's ("visible", "after_due_date", "after_published", "hidden"); hidden
    checks default to "after_due_date".
    goal: a milestone passes by meeting it, not by matching the reference's number:
    {"key": "val loss", "max": 2.2} (or "min"; "key" picks an entry of the returned dict;
    "leaderboard": "name" also reports the value on Gradescope's leaderboard)."""
    vis = visibility or ("after_due_date" if hidden else "visible")
    if vis not in VISIBILITIES:
        raise ValueError(f"check {exercise}: visibility must be one of {', '.join(VISIBILITIES)}")
    if goal is not None and not valid_goal(goal):
        raise ValueError(f"check {exercise}: goal must be a dict with a number under 'max' or 'min' "
                         "(and optionally 'key' and 'leaderboard', strings)")

    def deco(fn):
        REGISTRY.append(Check(exercise, fn.__name__, description, points, rtol, atol, timeout,
                              tuple(data), milestone, fn, hidden, vis, dict(goal) if goal else None))
        return fn
    return deco


VISIBILITIES = ("visible", "after_due_date", "after_published", "hidden")


def valid_goal(goal) -> bool:
    if not isinstance(goal, dict) or not ({"max", "min"} & set(goal)) or set(goal) - {"key", "max", "min", "leaderboard"}:
        return False
    nums = [goal[k] for k in ("max", "min") if k in goal]
    return all(type(x) in (int, float) and x == x and abs(x) != float("inf") for x in nums) and \
        all(isinstance(goal[k], str) for k in ("key", "leaderboard") if k in goal)


class DatasetMissing(Exception):
    pass


class Ctx:
    """What a check may use besides the module: seeded randomness, datasets, gradient probes."""

    def __init__(self, seed: int, data_dirs: list[str], report_progress: Callable[[float, str], None] | None = None):
        self.seed = seed
        self.random = _random.Random(seed)
        self._data_dirs = [Path(d) for d in data_dirs]
        self._report = report_progress or (lambda frac, msg: None)

    def generator(self, offset: int = 0):
        """A torch.Generator seeded from this check's seed (offset picks another stream)."""
        import torch
        return torch.Generator().manual_seed(self.seed + offset)

    def randn(self, *shape: int, dtype=None, offset: int = 0, requires_grad: bool = False):
        import torch
        t = torch.randn(*shape, generator=self.generator(offset), dtype=dtype or torch.float32)
        return t.requires_grad_(requires_grad)

    def backward(self, out) -> None:
        """Backpropagate a fixed, seeded upstream gradient (not ones: a sum hides transposes)."""
        import torch
        g = torch.randn(out.shape, generator=self.generator(7919), dtype=out.dtype)
        out.backward(g)

    def data(self, name: str) -> Path:
        for d in self._data_dirs:
            if (d / name).is_file():
                return d / name
        raise DatasetMissing(name)

    def progress(self, fraction: float, message: str = "") -> None:
        """Milestones call this while training; the parent shows it as a progress bar."""
        self._report(fraction, message)


def grads(**tensors) -> dict:
    """{'W.grad': W.grad, ...} for each named tensor; a missing grad stays None, so it is named."""
    return {f"{k}.grad": t.grad for k, t in tensors.items()}


def numeric_grad(f: Callable[[list[float]], float], xs: list[float], h: float = 1e-6) -> list[float]:
    """Central differences: d f / d xs[i] ~ (f(x+h) - f(x-h)) / 2h, for every i."""
    out = []
    for i in range(len(xs)):
        up, down = list(xs), list(xs)
        up[i] += h
        down[i] -= h
        out.append((f(up) - f(down)) / (2 * h))
    return out


def check_seed(base: int, exercise: str, name: str) -> int:
    """A stable per-check seed: the same on every run and machine; --seed picks another draw."""
    return (base * 1_000_003 + zlib.crc32(f"{exercise}/{name}".encode())) % 2**31


def seed_everything(seed: int) -> None:
    _random.seed(seed)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed(seed)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(seed)
