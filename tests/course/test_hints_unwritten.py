"""Hints that name their checks, the names still unwritten, and forbidden imports never used."""
from grader.course.manifest import Exercise, Rules
from grader.course.rules import check
from grader.course.stubs import unwritten


def ex(hints, about):
    return Exercise("s", "e", "t", 1, tuple(hints), (), Rules(), tuple(about))


def test_the_hint_for_the_failing_check_comes_first():
    e = ex(["general", "about b", "about a"], [(), ("b",), ("a",)])
    assert e.hint_for(["a"]) == "about a"
    assert e.hint_order(["zzz", "b"]) == [1, 0, 2]
    assert e.hint_for([]) == "general"


def test_with_no_hint_for_the_failing_check_hints_keep_their_order():
    e = ex(["about b", "general", "about a"], [("b",), (), ("a",)])
    assert e.hint_order(["c"]) == [0, 1, 2]     # a nudge first, the answer last, as written
    assert e.hint_order(["a"]) == [2, 1, 0]


def test_unwritten_names_methods_and_functions_in_file_order():
    src = ("class Value:\n    def __add__(self, o):\n        return 1\n"
           "    def __rsub__(self, o):\n        # TODO\n        raise NotImplementedError('x')\n"
           "def relu(x):\n    raise NotImplementedError\n")
    assert unwritten(src) == ["Value.__rsub__", "relu"]
    assert unwritten("def f(:\n") == []


def test_an_unused_forbidden_import_is_a_warning_not_a_violation():
    rules = Rules(forbid_imports=("numpy",))
    assert check("import numpy as np\nx = 1\n", rules)[0] == []
    assert check("import numpy as np\nx = 1\n", rules)[1][0][0] == 1
    assert check("import numpy as np\nx = np.ones(2)\n", rules)[0][0][0] == 1
