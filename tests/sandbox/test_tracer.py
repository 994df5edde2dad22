"""Value tracing (sandbox/tracer.py): what each line of one module produced, as plain data, bounded."""
from __future__ import annotations

import contextlib
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


@contextlib.contextmanager
def loaded(tmp_path, name: str, src: str):
    """src as the module `name`, from a file of its own (the tracer follows only that file's lines)."""
    path = tmp_path / f"{name}.py"
    path.write_text(src)
    m = types.ModuleType(name)
    m.__file__ = str(path)
    exec(compile(src, str(path), "exec"), m.__dict__)
    sys.modules[name] = m
    try:
        yield m
    finally:
        del sys.modules[name]


@pytest.fixture
def mod(tmp_path):
    with loaded(tmp_path, "traced_mod", SRC) as m:
        yield m


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


BRANCHY = '''
LIMIT = 2.5


def clip(xs):
    out = []
    for x in xs:
        if x > LIMIT:
            out.append(LIMIT)
        else:
            out.append(x)
    return [y * 2 for y in out]
'''


@pytest.fixture
def branchy(tmp_path):
    with loaded(tmp_path, "branchy_mod", BRANCHY) as m:
        yield m


def test_which_way_a_condition_went_is_a_value_of_its_line(branchy):
    t = tracer.trace_call("branchy_mod", lambda: branchy.clip([1.0, 3.0]))
    ifs = [(ln, v["v"][0]) for ln, vals, *_ in t["events"] for v in vals if v["k"] == "if"]
    assert (8, 0.0) in ifs and (8, 1.0) in ifs                 # x > LIMIT: false, then true
    assert [v for ln, v in ifs if ln == 7] == [1.0, 1.0, 0.0]   # the for: two passes, then the end


def test_a_module_constant_is_recorded_where_it_was_assigned_when_read(branchy):
    t = tracer.trace_call("branchy_mod", lambda: branchy.clip([3.0]))
    consts = [(ln, v["f"], v["v"]) for ln, vals, *_ in t["events"] for v in vals if v["f"].startswith("<module>.")]
    assert consts == [(2, "<module>.LIMIT", [2.5])]


def test_events_say_which_execution_and_which_call(branchy):
    t = tracer.trace_call("branchy_mod", lambda: (branchy.clip([1.0, 2.0]), branchy.clip([1.0])))
    appends = [(xid, call) for ln, vals, xid, call in t["events"] if ln == 11]
    assert len(appends) == 3 and len(set(appends)) == 3          # each pass of the line is its own execution
    assert len({call for _, call in appends}) == 2               # in two calls of clip
    comp = {(xid, call) for ln, vals, xid, call in t["events"] if ln == 12}
    assert len(comp) == 2                                         # the comprehension is its caller's line: one each


@pytest.mark.slow   # imports torch
def test_a_zero_grad_a_data_write_and_a_generator_are_seen(tmp_path):
    torch = pytest.importorskip("torch")
    src = ("import torch\n\n\ndef step(ps, x):\n    g = torch.Generator().manual_seed(7)\n"
           "    loss = (ps[0] * x).sum()\n    for p in ps:\n        p.grad = None\n    loss.backward()\n"
           "    for p in ps:\n        p.data += -0.1 * p.grad\n    return loss.item()\n")
    with loaded(tmp_path, "stepper", src) as m:
        ps, x = [torch.ones(3, requires_grad=True)], torch.arange(3.0)
        t = tracer.trace_call("stepper", lambda: [m.step(ps, x) for _ in range(2)])
    by = [(ln, v["k"], v["d"]) for ln, vals, *_ in t["events"] for v in vals]
    assert (5, "v", "gen") in by                 # the generator made here: its seed
    assert (8, "grad", "none") in by             # p.grad = None, the second time (there was a grad)
    assert (9, "grad", "f") in by                # backward filled it
    assert (11, "v", "f") in by                  # p.data += ...: p changed


def test_bounded_by_a_share_of_the_check_time_limit(mod):
    import time
    def slow():
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < 0.3:
            mod.scale([1.0, 2.0], 3.0)
        return mod.scale([1.0], 1.0)
    t = tracer.trace_call("traced_mod", slow, limit=0.004)   # 2 ms may run traced (far fewer than MAX_EVENTS lines)
    assert "time" in t["cut"] and t["error"] is None


def test_a_call_through_nn_module_is_the_calling_lines(tmp_path):
    """self.head(x) runs forward through nn.Module.__call__ (library frames): the call is still the
    calling line's, with its arguments, as a direct call is."""
    torch = pytest.importorskip("torch")
    src = ("import torch.nn as nn\n\n"
           "class Head(nn.Module):\n"
           "    def forward(self, x):\n"
           "        return x * 2\n\n"
           "class Net(nn.Module):\n"
           "    def __init__(self):\n"
           "        super().__init__()\n"
           "        self.head = Head()\n\n"
           "    def forward(self, x):\n"
           "        return self.head(x) + 1\n")
    with loaded(tmp_path, "netmod", src) as m:
        net = m.Net()
        t = tracer.trace_call("netmod", lambda: net(torch.ones(3)))
    calls = [(ln, v["f"]) for ln, vals, *_ in t["events"] for v in vals if v["k"] == "call"]
    assert (13, "Head.forward") in calls
