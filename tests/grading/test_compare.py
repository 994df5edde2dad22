import math

import numpy as np

from grader.grading.compare import compare
from grader.sandbox.wire import Array, Unsupported


def arr(x, dtype="float32", kind="torch"):
    return Array(np.asarray(x, dtype=dtype if dtype != "bfloat16" else "float32"), kind, dtype)


def notes(c):
    return " | ".join(n for m in c.mismatches for n in m.notes)


def test_exact_close_wrong_floats():
    assert compare(1.0, 1.0).verdict == "exact"
    c = compare(1.0, 1.0 + 1e-12)
    assert c.verdict == "close" and 0 < c.maxdiff < 1e-11
    c = compare(1.0, 1.5)
    assert c.verdict == "wrong" and c.maxdiff == 0.5
    assert c.mismatches[0].expected == "1" and c.mismatches[0].got == "1.5"


def test_nan_is_never_close():
    c = compare({"x": 1.0}, {"x": math.nan})
    assert c.verdict == "wrong" and "NaN" in notes(c)
    assert compare(arr([1.0, 2.0]), arr([1.0, np.nan])).verdict == "wrong"


def test_int_and_float_interchangeable_but_bool_is_not():
    assert compare(6.0, 6).verdict != "wrong"
    assert compare(True, 1).verdict == "wrong"


def test_nested_dict_missing_key_and_list_length():
    c = compare({"a": [1, 2, 3], "b": "x"}, {"a": [1, 2]})
    paths = {m.path for m in c.mismatches}
    assert c.verdict == "wrong" and paths == {"a", "b"}
    assert "off by one" in notes(c)


def test_broadcasting_shape_is_named():
    c = compare(arr(np.ones((27, 1))), arr(np.ones(27)))
    assert c.verdict == "wrong" and "broadcasting" in notes(c) and "keepdim" in notes(c)


def test_dtype_mismatch_is_explained():
    c = compare(arr([1.0, 0.0]), arr([1, 0], dtype="int64"))
    assert c.verdict == "wrong" and "int64" in notes(c) and ".float()" in notes(c)


def test_constant_factors():
    e = np.arange(1, 7, dtype="float64").reshape(2, 3)
    assert "2 x" in notes(compare(arr(e), arr(2 * e)))
    assert "sign is flipped" in notes(compare(arr(e), arr(-e)))
    assert "1/32" in notes(compare(arr(e), arr(e / 32)))
    assert "2 x" in notes(compare({"a.grad": 3.0}, {"a.grad": 6.0}))


def test_zero_and_missing_gradient():
    c = compare({"W.grad": arr([[1.0, 2.0]])}, {"W.grad": arr([[0.0, 0.0]])})
    assert "no gradient reached it" in notes(c)
    c = compare({"W.grad": arr([[1.0, 2.0]])}, {"W.grad": None})
    assert c.verdict == "wrong" and "None" in notes(c)


def test_whole_wrong_column_gets_a_map():
    e = np.ones((6, 5))
    g = e.copy()
    g[:, 2] = 7
    c = compare(arr(e), arr(g))
    m = c.mismatches[0]
    assert "whole columns (2)" in notes(c)
    assert m.grid[0] == "..x.." and m.worst.startswith("worst at [0, 2]")


def test_transpose_and_reshape_are_named():
    e = np.arange(6.0).reshape(2, 3)
    assert "transpose" in notes(compare(arr(e), arr(e.T)))
    assert "another shape" in notes(compare(arr(e), arr(e.reshape(3, 2) * 1.0 + 0 if False else e.reshape(6))))


def test_unsupported_result_is_wrong():
    c = compare({"out": 1.0}, {"out": Unsupported("micrograd.Value")})
    assert c.verdict == "wrong" and "Value" in notes(c)


def test_float32_tolerance_is_dtype_aware():
    assert compare(arr([1.0]), arr([1.00001])).verdict == "close"
    assert compare(arr([1.0], "float64", "numpy"), arr([1.00001], "float64", "numpy")).verdict == "wrong"


def test_lists_of_different_lengths_say_where_they_part():
    c = compare({"merges": ["a", "b", "c", "d"]}, {"merges": ["a", "x", "c"]})
    assert "first difference is at [1]: expected 'b', got 'x'" in notes(c)
    c = compare({"ids": [[1], [2], [3]]}, {"ids": [[1], [2]]})
    assert "[2] = " in notes(c) and "missing" in notes(c)


def test_same_nan_only_for_diagnosis():
    a = arr([1.0, np.nan, np.inf])
    assert compare(a, arr([1.0, np.nan, np.inf])).verdict == "wrong"
    assert compare(a, arr([1.0, np.nan, np.inf]), same_nan=True).verdict != "wrong"
    assert compare(a, arr([1.0, np.nan, -np.inf]), same_nan=True).verdict == "wrong"


def test_infinity_must_be_met_exactly():
    assert compare(math.inf, -math.inf).verdict == "wrong"
    assert compare(math.inf, math.inf).verdict == "exact"
    assert compare(arr([1.0, np.inf]), arr([1.0, -np.inf])).verdict == "wrong"
    assert compare(arr([1.0, np.inf]), arr([1.0, np.inf])).verdict != "wrong"
