"""Verdicts of the micrograd set on code nobody on the project wrote: the lecture's recipes, natural
mistakes, hostile submissions. Each test grades a submission through the CLI, as a student would."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import failing_checks as failing
from tests.helpers import grade_solved_set
from tests.helpers import mistake_id as mistake

REPO = Path(__file__).resolve().parents[2]
SET = "micrograd"


def grade(tmp_path: Path, exercise: str, edits=(), source: str | None = None, seed: int | None = None) -> dict:
    return grade_solved_set(tmp_path, SET, exercise, edits, source, seed)


def test_exp_built_without_children_is_caught(tmp_path):
    r = grade(tmp_path, "value", [("out = Value(math.exp(x), (self,), 'exp')", "out = Value(math.exp(x))")])
    assert r["status"] == "failing"
    assert {"graph_structure", "every_op_backprop"} <= failing(r)
    assert mistake(r) == "exp-no-children"


@pytest.mark.parametrize("op_line", [
    "out = Value(t, (self,), 'tanh')",
    "out = Value(0.0 if self.data < 0 else self.data, (self,), 'ReLU')",
    "out = Value(self.data ** other, (self,), f'**{other}')",
])
def test_every_primitive_op_must_keep_its_child(tmp_path, op_line):
    r = grade(tmp_path, "value", [(op_line, op_line.replace("(self,)", "()"))])
    assert r["status"] == "failing" and "graph_structure" in failing(r)


def test_neg_without_a_graph_link_is_named(tmp_path):
    r = grade(tmp_path, "value", [("        return self * -1\n", "        return Value(-self.data)\n")])
    assert "graph_structure" in failing(r) and mistake(r) == "neg-no-graph-link"


def test_tanh_derivative_from_the_input_is_named(tmp_path):
    r = grade(tmp_path, "value", [("self.grad += (1 - t**2) * out.grad", "self.grad += (1 - x**2) * out.grad")])
    assert mistake(r) == "tanh-grad-from-input"


def _own_truediv(dadb: str) -> list:
    return [("        return self * other**-1\n",
             "        other = other if isinstance(other, Value) else Value(other)\n"
             "        out = Value(self.data / other.data, (self, other), '/')\n\n"
             "        def _backward():\n"
             "            self.grad += (1 / other.data) * out.grad\n"
             f"            other.grad += ({dadb}) * out.grad\n"
             "        out._backward = _backward\n"
             "        return out\n")]


def test_a_correct_hand_written_truediv_passes(tmp_path):
    assert grade(tmp_path, "value", _own_truediv("-self.data / other.data**2"))["status"] == "passed"


@pytest.mark.parametrize("dadb, named", [("self.data", "div-grad-is-a"), ("-self.data / other.data", "div-grad-no-square"),
                                         ("self.data / other.data**2", None)])
def test_a_wrong_truediv_is_not_blamed_on_pow(tmp_path, dadb, named):
    r = grade(tmp_path, "value", _own_truediv(dadb))
    assert failing(r) == {"div", "every_op_backprop"}
    assert mistake(r) == named
    assert mistake(r) != "pow-grad-missing-minus-one"
    div = next(c for c in r["checks"] if c["name"] == "div")
    assert not any("__pow__" in m["path"] for m in div["mismatches"])


def test_the_power_rule_without_its_minus_one_is_blamed_on_pow(tmp_path):
    r = grade(tmp_path, "value", [("self.grad += other * self.data ** (other - 1) * out.grad",
                                   "self.grad += other * self.data ** other * out.grad")])
    assert {"pow_int", "pow_float", "div"} <= failing(r) and mistake(r) == "pow-grad-missing-minus-one"


def test_the_lectures_recursive_build_topo_fails_only_the_deep_graph_and_is_named(tmp_path):
    ref = (REPO / "solutions" / SET / "backward.py").read_text()
    body = ref[ref.index("    topo = []\n    visited = set()\n    stack"):ref.index("    return topo\n")]
    r = grade(tmp_path, "backward", [(body, "    topo = []\n    visited = set()\n\n    def build(v):\n"
                                           "        if v not in visited:\n            visited.add(v)\n"
                                           "            for child in v._prev:\n                build(child)\n"
                                           "            topo.append(v)\n    build(root)\n")])
    assert failing(r) == {"backward_deep"}
    assert mistake(r) == "lecture-recursive-topo"
    assert "the lecture's recursive build_topo, which hits Python's recursion limit on 10,000-deep graphs" in r["mistake"]["why"]
    assert "Departure from the lecture" in (REPO / "exercises" / SET / "backward.py").read_text()


def test_train_ignoring_lr_is_caught_and_said(tmp_path):
    r = grade(tmp_path, "train", [("            p.data += -lr * p.grad", "            p.data += -0.1 * p.grad")])
    assert "other_data_and_lr" in failing(r) and mistake(r) == "lr-ignored"
    chk = next(c for c in r["checks"] if c["name"] == "other_data_and_lr")
    assert any(mm["path"] == "changing lr changes the step" for mm in chk["mismatches"])


def test_train_using_the_module_level_data_is_caught(tmp_path):
    r = grade(tmp_path, "train", [("        ypred = [model(x) for x in xs]\n", "        ypred = [model(x) for x in globals()['xs']]\n")])
    assert "other_data_and_lr" in failing(r)


def test_a_rebinding_update_changes_nothing_and_is_explained(tmp_path):
    r = grade(tmp_path, "train", [("            p.data += -lr * p.grad", "            p = p + -lr * p.grad")])
    assert r["status"] == "failing" and "rebinds a name" in r["mistake"]["why"]


def test_mlp_of_unequal_widths_is_checked(tmp_path):
    # a Layer that ignores nout and always makes 4 neurons passes MLP(3, [4, 4, 1]) weights but not [3, 5, 1]
    r = grade(tmp_path, "nn", [("self.neurons = [Neuron(nin) for _ in range(nout)]",
                                "self.neurons = [Neuron(nin) for _ in range(nout if nout == 1 else 4)]")])
    assert "unequal_sizes" in failing(r)
