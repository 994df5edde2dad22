"""Value tracing (sandbox/tracer.py): what each line of one module produced, as plain data, bounded."""
from __future__ import annotations

import json
import sys
import types

import pytest

from grader.sandbox import tracer, wire

SRC = '''
def scale(xs, k):
    out = []
    for x in xs:
        y = x * k
        out.append(y)
    total = sum(out)
    return total / len(out)


class V:
    def __init__(self, data):
        self.data = data
        self.grad = 0.0

    def double(self):
        out = V(self.data * 2)
        def _backward():
            self.grad += 2 * out.grad
        out._backward = _backward
        return out
'''


@pytest.fixture
def mod(tmp_path):
    path = tmp_path / "traced_mod.py"
    path.write_text(SRC)
    m = types.ModuleType("traced_mod")
    m.__file__ = str(path)
    exec(compile(SRC, str(path), "exec"), m.__dict__)
    sys.modules["traced_mod"] = m
    yield m
    del sys.modules["traced_mod"]


def lines_of(trace: dict) -> list[int]:
    return [ln for ln, *_ in trace["events"]]


def test_records_each_line_values_in_order(mod):
    t = tracer.trace_call("traced_mod", lambda: mod.scale([1.0, 2.0], 3.0))
    assert t["error"] is None and not t["cut"]
    by_line = {}
    for ln, vals, *_ in t["events"]:
        by_line.setdefault(ln, []).extend(v.get("v", [None])[0] for v in vals if v["k"] == "v" and v["s"] == [])
    assert by_line[5] == [3.0, 6.0]          # y = x * k, twice
    assert by_line[8] == [4.5]               # the return value
    assert 7 in by_line                      # total


def test_attribute_writes_and_closures(mod):
    def run():
        a = mod.V(1.5)
        b = a.double()
        b.grad = 1.0
        b._backward()
        return a.grad
    t = tracer.trace_call("traced_mod", run)
    grads = [(ln, v["v"][0]) for ln, vals, *_ in t["events"] for v in vals if v["k"] == "grad"]
    assert (19, 2.0) in grads                # self.grad += 2 * out.grad, in the _backward closure
    calls = [v for _, vals, *_ in t["events"] for v in vals if v["k"] == "call"]
    assert any(v["f"] == "V.__init__" and v["p"][1]["v"] == [3.0] for v in calls)


def test_other_modules_are_not_traced(mod):
    t = tracer.trace_call("some_other_module", lambda: mod.scale([1.0], 2.0))
    assert t["events"] == []


@pytest.mark.slow   # imports torch
def test_trace_is_plain_data_through_the_wire(mod):
    torch = pytest.importorskip("torch")
    t = tracer.trace_call("traced_mod", lambda: mod.scale([torch.ones(100), torch.zeros(3)], 2.0))
    blob = bytearray()
    back = wire.decode(wire.encode(t, blob), bytes(blob))
    assert json.loads(json.dumps(back)) == back
    big = [v for _, vals, *_ in back["events"] for v in vals if v.get("s") == [100]]
    assert big and "st" in big[0] and "v" not in big[0]   # beyond the cap: statistics, not values


def test_an_error_is_recorded_not_raised(mod):
    t = tracer.trace_call("traced_mod", lambda: mod.scale([], 1.0))
    assert t["error"] == "ZeroDivisionError"


def test_bounded_by_events(mod, monkeypatch):
    monkeypatch.setattr(tracer, "MAX_EVENTS", 10)
    t = tracer.trace_call("traced_mod", lambda: mod.scale([float(i) for i in range(1000)], 1.0))
    assert len(t["events"]) <= 10 and "too many" in t["cut"]
