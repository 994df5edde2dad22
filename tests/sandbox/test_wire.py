"""The wire format, directly: what a job may send, and what the parent refuses to decode."""
import numpy as np
import pytest

from grader.sandbox import wire


def roundtrip(x):
    blob = bytearray()
    node = wire.encode(x, blob)
    return wire.decode(node, bytes(blob))


def test_plain_values_roundtrip():
    x = {"a": 1, "b": [1.5, "s", None, True], "c": (1, 2), "d": {"e": -0.0}}
    assert roundtrip(x) == x


def test_arrays_travel_as_raw_bytes():
    got = roundtrip({"W": np.arange(6, dtype=np.float32).reshape(2, 3)})["W"]
    assert isinstance(got, wire.Array) and got.shape == (2, 3)
    assert got.values.tolist() == [[0, 1, 2], [3, 4, 5]]


def test_unknown_objects_are_named_not_sent():
    class Value:
        pass
    got = roundtrip({"v": Value()})["v"]
    assert isinstance(got, wire.Unsupported) and "Value" in got.type


def _nested(n):
    x = 1
    for _ in range(n):
        x = [x]
    return x


@pytest.mark.parametrize("node, blob", [
    ({"t": "array", "kind": "numpy", "dtype": "float32", "shape": [4], "off": 0, "n": 16}, b"\0" * 8),  # short blob
    ({"t": "nonsense"}, b""),
    (_nested(40), b""),                                                                 # too deep
])
def test_malformed_results_raise_wire_error(node, blob):
    with pytest.raises(wire.WireError):
        wire.decode(node, blob)
