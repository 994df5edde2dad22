"""What a wrong number looks like, in plain words: broadcasting, x2, sign, NaN, zero gradient..."""
from __future__ import annotations

import numpy as np

from grader.grading.keys import is_gradient

GRID_MAX = (8, 40)  # rows, columns of the wrong-element map


def num(x: float) -> str:
    return f"{x:.6g}"


def dtype_note(exp: str, got: str) -> str:
    if exp.startswith("float") and got.startswith("int"):
        return (f"dtype: expected {exp}, got {got} (torch.tensor([1, 2]) infers int64 and F.one_hot returns "
                f"int64: call .float() on it, or pass dtype=torch.float32)")
    if exp.startswith("int") and got.startswith("float"):
        return f"dtype: expected {exp}, got {got} (an integer tensor: make it with dtype=torch.{exp})"
    return f"dtype: expected {exp}, got {got}"


def shape_notes(e: np.ndarray, g: np.ndarray) -> list[str]:
    notes = [f"shape: expected {tuple(e.shape)}, got {tuple(g.shape)}"]
    try:
        np.broadcast_shapes(e.shape, g.shape)
        notes.append("the two shapes differ only by broadcasting: a size-1 or missing dimension was stretched "
                     "(a sum without keepdim=True lines its result up with the wrong axis)")
    except ValueError:
        pass
    if g.ndim == 2 and g.T.shape == e.shape and np.allclose(g.T, e, equal_nan=False):
        notes.append("it is the transpose of the expected result")
    elif g.size == e.size and e.size and np.allclose(g.reshape(e.shape), e):
        notes.append("the values are right but arranged in another shape (a .view() or reshape is off)")
    return notes


def value_notes(path: str, e: np.ndarray, g: np.ndarray, bad: np.ndarray, rtol: float, atol: float) -> list[str]:
    notes: list[str] = []
    n_nan, n_inf = int(np.isnan(g).sum()), int(np.isinf(g).sum())
    if n_nan:
        notes.append(f"contains NaN in {n_nan} of {g.size} places (0/0, inf-inf, or log of a negative number)")
    if n_inf:
        notes.append(f"contains inf in {n_inf} of {g.size} places (an overflow: exp of a large number, or log(0))")
    if n_nan or n_inf:
        return notes
    is_grad = is_gradient(path)
    if not g.any() and e.any():
        notes.append("is all zeros: no gradient reached it (a missing _backward, or grads zeroed after backward?)"
                     if is_grad else "is all zeros")
        return notes
    factor = _constant_factor(e, g, rtol, atol) if e.size > 1 or _small_factor(e, g) else None
    if factor:
        notes.append(factor)
    notes += _lines(bad)
    return notes


def _small_factor(e: np.ndarray, g: np.ndarray) -> bool:
    """For a single number, a ratio means something only when small and whole: x2, x-1, /2."""
    if not e.any() or not np.isfinite(g).all():
        return False
    k = float(g.flat[0] / e.flat[0])
    return any(abs(k - c) < 1e-9 for c in (-1, 2, 3, 4, 0.5, 0.25, -2))


def _constant_factor(e: np.ndarray, g: np.ndarray, rtol: float, atol: float) -> str | None:
    mask = np.abs(e) > max(atol, 1e-12)
    if not mask.any():
        return None
    k = float(np.median(g[mask] / e[mask]))
    if not np.isfinite(k) or abs(k - 1) < 1e-6 or k == 0 or not np.allclose(g, k * e, rtol=max(rtol, 1e-6) * 10, atol=atol * 10):
        return None
    if abs(k + 1) < 1e-6:
        return "it is exactly -1 x the expected value: the sign is flipped"
    if not 1e-5 < abs(k) < 1e5:  # a factor this far from 1 names no slip (and 1/k of a denormal overflows)
        return f"it is the expected value scaled by {k:.4g}" if e.size > 1 else None
    n = round(abs(k))  # x n, -x n
    if 2 <= n <= 10000 and abs(abs(k) - n) < 1e-6 * n:
        return (f"it is exactly {n} x the expected value (a missing 1/{n}, a gradient counted {n} times, "
                f"or sum instead of mean?)" if k > 0 else f"it is exactly -{n} x the expected value")
    n = round(1 / k) if k > 0 else 0  # 1/n
    if 2 <= n <= 10000 and abs(k - 1 / n) < 1e-6 / n:
        return f"it is exactly 1/{n} of the expected value (an extra division by {n}, or mean instead of sum?)"
    if abs(k - 1) < 1e-3:   # "scaled by 1": a rounding-sized difference is not a factor worth naming
        return None
    return f"it is the expected value scaled by {k:.4g}" if e.size > 1 else None


def _lines(bad: np.ndarray) -> list[str]:
    """A wrong whole column (or row) is the signature of a broadcasting bug: say so."""
    if bad.ndim != 2 or min(bad.shape) < 2 or bad.all():
        return []
    cols, rows = bad.all(axis=0), bad.all(axis=1)
    if cols.any() and not bad[:, ~cols].any():
        return [f"the wrong elements fill whole columns ({_few(np.flatnonzero(cols))}): "
                "a broadcasting bug lines the arrays up along the wrong axis"]
    if rows.any() and not bad[~rows].any():
        return [f"the wrong elements fill whole rows ({_few(np.flatnonzero(rows))})"]
    return []


def _few(idx) -> str:
    items = [str(int(i)) for i in idx[:8]]
    return ", ".join(items) + (", ..." if len(idx) > 8 else "")


def worst(e: np.ndarray, g: np.ndarray, diff: np.ndarray) -> str:
    d = np.where(np.isnan(diff), np.inf, diff)
    flat = int(np.argmax(d))
    idx = np.unravel_index(flat, e.shape)
    where = f"[{', '.join(str(int(i)) for i in idx)}]"
    return f"worst at {where}: expected {num(float(e[idx]))}, got {num(float(g[idx]))}"


def grid(bad: np.ndarray) -> list[str]:
    """A small map of which elements are wrong ('x') and right ('.'), pooled to fit a terminal."""
    rows, cols = bad.shape
    rs, cs = -(-rows // GRID_MAX[0]), -(-cols // GRID_MAX[1])
    out = []
    for r in range(0, rows, rs):
        out.append("".join("x" if bad[r:r + rs, c:c + cs].any() else "." for c in range(0, cols, cs)))
    if rs > 1 or cs > 1:
        out.append(f"(each mark covers {rs}x{cs} elements)")
    return out
