"""Results on the wire: a JSON tree plus one blob of raw array bytes. Never pickle.

The worker encodes whatever a check returned by its real type (`type(x)`, which an object
cannot fake, unlike `isinstance` through `__class__`); the parent decodes strictly, with limits,
into plain Python values and numpy arrays, so a worker that writes garbage gets a verdict.
"""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass

MAX_DEPTH = 32
MAX_ITEMS = 1_000_000
MAX_VALUES = 200_000   # plain values in one result (arrays count once): beyond, encoding and decoding
                       # alone would outlast a check's time limit; return a tensor or an array instead

# torch dtype name -> numpy dtype name the bytes are stored as
_TORCH_STORE = {"float32": "float32", "float64": "float64", "float16": "float16", "bfloat16": "float32",
                "int64": "int64", "int32": "int32", "int16": "int16", "int8": "int8", "uint8": "uint8",
                "bool": "bool"}


class WireError(ValueError):
    pass


# ---- worker side -----------------------------------------------------------------------------

class _TooMany(Exception):
    pass


def encode(x, blob: bytearray):
    """Python value -> JSON-able tree; array bytes are appended to `blob`."""
    start = len(blob)
    try:
        return _encode(x, blob, 0, [MAX_VALUES])
    except _TooMany:
        del blob[start:]
        return {"t": "unsupported", "type": f"result of more than {MAX_VALUES:,} values (return a tensor or an array)"}


def _encode(x, blob: bytearray, depth: int, left: list):
    left[0] -= 1
    if left[0] < 0:
        raise _TooMany
    if depth > MAX_DEPTH:
        return {"t": "unsupported", "type": f"structure nested more than {MAX_DEPTH} deep"}
    t = type(x)
    if x is None:
        return None
    if t is bool or t is str:
        return x
    if issubclass(t, bool):
        return bool.__bool__(x)
    if issubclass(t, int):
        return {"t": "int", "v": int.__repr__(x)}
    if issubclass(t, float):
        return {"t": "float", "v": float.__repr__(x)}  # the real value, whatever a subclass says
    if issubclass(t, str):
        return str.__str__(x)
    if issubclass(t, (list, tuple)):
        items = list.__iter__(x) if issubclass(t, list) else tuple.__iter__(x)
        return {"t": "list" if issubclass(t, list) else "tuple", "v": [_encode(i, blob, depth + 1, left) for i in items]}
    if issubclass(t, dict):
        return {"t": "dict", "v": [[str(k) if type(k) is not str else k, _encode(v, blob, depth + 1, left)]
                                   for k, v in dict.items(x)]}
    torch = sys.modules.get("torch")
    if torch is not None and issubclass(t, torch.Tensor):
        return _encode_tensor(torch, x, blob)
    np = sys.modules.get("numpy")
    if np is not None and issubclass(t, np.ndarray):
        return _encode_array(np.ascontiguousarray(x), "numpy", str(x.dtype), blob)
    if np is not None and issubclass(t, np.generic):
        return _encode(x.item(), blob, depth + 1, left)
    return {"t": "unsupported", "type": f"{t.__module__}.{t.__qualname__}"}


def _encode_tensor(torch, x, blob: bytearray):
    with torch._C.DisableTorchFunction():  # a Tensor subclass may not intercept its own encoding
        x = torch.Tensor.detach(x).cpu().contiguous()
        dtype = str(x.dtype).removeprefix("torch.")
        if dtype not in _TORCH_STORE:
            return {"t": "unsupported", "type": f"tensor of dtype {dtype}"}
        store = x.float() if dtype == "bfloat16" else x
        arr = store.numpy()
    return _encode_array(arr, "torch", dtype, blob)


def _encode_array(arr, kind: str, dtype: str, blob: bytearray):
    raw = arr.tobytes()
    node = {"t": "array", "kind": kind, "dtype": dtype, "store": str(arr.dtype), "shape": list(arr.shape),
            "off": len(blob), "len": len(raw)}
    blob.extend(raw)
    return node


# ---- parent side -----------------------------------------------------------------------------

@dataclass
class Array:
    """A decoded tensor or ndarray: values as numpy, plus where it came from."""
    values: object  # numpy.ndarray
    kind: str       # "torch" | "numpy"
    dtype: str      # "float32", "int64", "bfloat16", ...

    @property
    def shape(self) -> tuple:
        return tuple(self.values.shape)


@dataclass(frozen=True)
class Unsupported:
    type: str


def decode(node, blob: bytes):
    """The worker's tree -> plain values; a malformed or oversized tree raises WireError."""
    return _decode(node, blob, 0, [MAX_VALUES])


def _decode(node, blob: bytes, depth: int, left: list):
    left[0] -= 1
    if depth > MAX_DEPTH + 1:  # + 1: encode marks what lies deeper as one unsupported node
        raise WireError("result nested too deep")
    if left[0] < 0:
        raise WireError(f"result of more than {MAX_VALUES:,} values")
    if node is None or type(node) in (bool, str):
        return node
    if type(node) is not dict or "t" not in node:
        raise WireError(f"unexpected node {str(node)[:60]!r}")
    t, v = node["t"], node.get("v")
    if t == "int":
        return int(_str(v)[:5000])
    if t == "float":
        return float(_str(v))
    if t in ("list", "tuple"):
        items = [_decode(i, blob, depth + 1, left) for i in _list(v)]
        return items if t == "list" else tuple(items)
    if t == "dict":
        return {_str(k): _decode(val, blob, depth + 1, left) for k, val in (_pair(p) for p in _list(v))}
    if t == "array":
        return _decode_array(node, blob)
    if t == "unsupported":
        return Unsupported(_str(node.get("type", "?"))[:200])
    raise WireError(f"unknown node type {t!r}")


def _decode_array(node: dict, blob: bytes) -> Array:
    import numpy as np
    store, dtype = _str(node.get("store")), _str(node.get("dtype"))
    if store not in set(_TORCH_STORE.values()) or dtype not in _TORCH_STORE:
        raise WireError(f"bad dtype {dtype!r}/{store!r}")
    shape = tuple(int(s) for s in _list(node.get("shape")))
    if any(s < 0 for s in shape) or math.prod(shape) > 10**9:
        raise WireError(f"bad shape {shape}")
    off, n = int(node["off"]), int(node["len"])
    item = np.dtype(store).itemsize
    if off < 0 or off + n > len(blob) or n != math.prod(shape) * item:
        raise WireError("array bytes do not match its shape")
    values = np.frombuffer(blob, dtype=store, count=math.prod(shape), offset=off).reshape(shape)
    return Array(values, _str(node.get("kind")), dtype)


def _str(x) -> str:
    if type(x) is not str:
        raise WireError(f"expected a string, got {type(x).__name__}")
    return x


def _list(x) -> list:
    if type(x) is not list or len(x) > MAX_ITEMS:
        raise WireError("expected a list")
    return x


def _pair(p) -> tuple:
    if type(p) is not list or len(p) != 2:
        raise WireError("expected a key-value pair")
    return p[0], p[1]
