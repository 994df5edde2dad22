import pytest

from grader.course.manifest import Rules
from grader.course.rules import violations
from grader.course.stubs import MarkerError, blocks, make_stub, solution_lines

REF = '''"""Doc."""


def scale(xs, k):
    """Scale xs by k."""
    # BEGIN SOLUTION: multiply every item by k
    return [k * x for x in xs]
    # END SOLUTION


class C:
    def f(self):
        y = 1
        # BEGIN SOLUTION
        y += 41
        # END SOLUTION
        return y
'''


def test_stub_keeps_signatures_and_docstrings():
    stub = make_stub(REF, "toy/scale")
    assert 'def scale(xs, k):\n    """Scale xs by k."""' in stub
    assert "    # TODO: multiply every item by k\n    raise NotImplementedError('toy/scale: multiply every item by k')" in stub
    assert "        y = 1\n        # TODO: fill in this block\n        raise NotImplementedError" in stub
    assert "k * x" not in stub and "41" not in stub and "return y" in stub
    compile(stub, "stub.py", "exec")


def test_blocks_and_solution_lines():
    assert [b.task for b in blocks(REF)] == ["multiply every item by k", "fill in this block"]
    assert solution_lines(REF) == {"return [k * x for x in xs]", "y += 41"}


@pytest.mark.parametrize("src, line", [("# BEGIN SOLUTION\nx=1\n", 1), ("x=1\n# END SOLUTION\n", 2),
                                        ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n", 2)])
def test_unbalanced_markers(src, line):
    with pytest.raises(MarkerError) as e:
        make_stub(src, "a/b")
    assert e.value.line == line


def test_forbidden_imports_and_calls():
    rules = Rules(forbid_imports=("torch", "numpy"), forbid_calls=(".backward", "torch.autograd", "F.cross_entropy"))
    src = ("import numpy as np\nfrom torch.nn import functional as F\nimport math\n"
           "loss.backward()\ng = torch.autograd.grad(y, x)\nl = F.cross_entropy(a, b)\nm = __import__('torch')\n")
    found = violations(src + "x = np.zeros(1)\n", rules)
    lines = [ln for ln, _ in found]
    assert lines == [1, 2, 4, 5, 6, 7]
    assert "numpy" in found[0][1]
    assert [ln for ln, _ in violations(src, rules)] == [1, 2, 4, 5, 6, 7]   # __import__: no import is "unused"
    plain = src.replace("m = __import__('torch')\n", "")
    assert [ln for ln, _ in violations(plain, rules)] == [2, 4, 5, 6]     # np never used: a warning only


def test_rules_allow_clean_code_and_ignore_syntax_errors():
    rules = Rules(forbid_imports=("torch",), forbid_calls=(".backward",))
    assert violations("import math\nx = math.tanh(1)\nself.backward_pass()\n", rules) == []
    assert violations("def broken(:\n", rules) == []


def test_forbidden_call_names_cannot_be_imported_around():
    rules = Rules(forbid_calls=("torch.autograd", "F.cross_entropy"))
    src = "import torch.autograd\nfrom torch import autograd\nfrom torch.autograd import grad\nimport torch\n"
    assert [ln for ln, _ in violations(src + "z = (torch, autograd, grad)\n", rules)] == [1, 2, 3]
    # reached without naming them (globals(), getattr, eval...): no import counts as unused
    assert [ln for ln, _ in violations(src + "g = globals()['grad']\n", rules)] == [1, 2, 3]
