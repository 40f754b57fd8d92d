"""Argument checks: every helper returns the cleaned value or raises a ValueError naming the parameter."""
import numpy as np
import pytest

from course_utils import _validate as v


@pytest.mark.parametrize("value", [1, 2.5, [1, 2], ((1.0, 2.0), (3.0, 4.0)), np.arange(3)])
def test_as_float_array_converts(value):
    arr = v.as_float_array("x", value)
    assert arr.dtype == float
    np.testing.assert_array_equal(arr, np.asarray(value, dtype=float))


@pytest.mark.parametrize("value", ["abc", [1, "a"], None.__class__, {"a": 1}, [[1, 2], [3]]])
def test_as_float_array_rejects_non_numeric(value):
    with pytest.raises(ValueError, match=r"^start must be numeric"):
        v.as_float_array("start", value)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf, [1.0, np.nan], [[0.0, np.inf]]])
def test_finite_array_rejects_non_finite(value):
    with pytest.raises(ValueError, match=r"^start must be finite"):
        v.finite_array("start", value)


def test_finite_array_accepts_finite():
    np.testing.assert_array_equal(v.finite_array("start", [0, -1e300]), [0.0, -1e300])


@pytest.mark.parametrize("value", [0, -1, [0.1, 0.0], [0.1, -2], np.nan, [0.1, np.inf], "a"])
def test_positive_array_rejects(value):
    with pytest.raises(ValueError, match=r"^learning_rate must be"):
        v.positive_array("learning_rate", value)


def test_positive_array_accepts():
    np.testing.assert_array_equal(v.positive_array("learning_rate", [[0.1], [2]]), [[0.1], [2.0]])


@pytest.mark.parametrize("value", [0, -1, -0.5, np.nan, np.inf, -np.inf, True, False, "1", None, [1.0],
                                   np.array([1.0]), 1 + 0j])
def test_positive_number_rejects(value):
    with pytest.raises(ValueError, match=r"^tol must be"):
        v.positive_number("tol", value)


@pytest.mark.parametrize("value", [1, 0.5, np.float64(1e-9), np.int64(3), np.float32(2.0)])
def test_positive_number_accepts(value):
    out = v.positive_number("tol", value)
    assert type(out) is float and out == float(value)


def test_positive_number_allow_none():
    assert v.positive_number("tol", None, allow_none=True) is None
    with pytest.raises(ValueError, match="tol"):
        v.positive_number("tol", None)


@pytest.mark.parametrize("value", [0, 0.0, 1e-6, 3, np.float64(2.5)])
def test_nonnegative_number_accepts(value):
    out = v.nonnegative_number("atol", value)
    assert type(out) is float and out == value


@pytest.mark.parametrize("value", [-1e-9, np.nan, np.inf, True, "0", None, [0.1]])
def test_nonnegative_number_rejects(value):
    with pytest.raises(ValueError, match=r"^atol must be"):
        v.nonnegative_number("atol", value)


@pytest.mark.parametrize("value", [1.0, 2.5, True, False, "3", None, np.float64(3.0), [3]])
def test_integer_rejects_non_integers(value):
    with pytest.raises(ValueError, match=r"^epochs must be an integer"):
        v.integer("epochs", value, minimum=1)


@pytest.mark.parametrize("value", [0, -1, -100])
def test_integer_minimum(value):
    with pytest.raises(ValueError, match=r"^epochs must be >= 1"):
        v.integer("epochs", value, minimum=1)


@pytest.mark.parametrize("value", [1, 10, np.int64(5), np.int32(7)])
def test_integer_accepts(value):
    out = v.integer("epochs", value, minimum=1)
    assert type(out) is int and out == value


def test_integer_without_minimum_accepts_negative():
    assert v.integer("k", -3) == -3


@pytest.mark.parametrize("value", [True, False, np.bool_(True)])
def test_flag_accepts_bools(value):
    assert v.flag("ascent", value) is bool(value)


@pytest.mark.parametrize("value", [1, 0, "yes", None, 1.0, np.array([True])])
def test_flag_rejects_everything_else(value):
    with pytest.raises(ValueError, match=r"^ascent must be True or False"):
        v.flag("ascent", value)


def test_choice_lists_valid_choices():
    assert v.choice("ndim", 2, (1, 2)) == 2
    with pytest.raises(ValueError, match=r"^ndim must be one of 1, 2; got 3"):
        v.choice("ndim", 3, (1, 2))
    with pytest.raises(ValueError, match=r"^kind must be one of 'a', 'b'; got 'c'"):
        v.choice("kind", "c", ("a", "b"))


@pytest.mark.parametrize("value", [0.0, [1.0, 2.0, 3.0], [[1.0], [2.0]], np.zeros((2, 3, 4))])
def test_points_1d_any_shape(value):
    assert v.points("start", value, 1).shape == np.shape(value)


@pytest.mark.parametrize("value", [[1.0, 2.0], [[1.0, 2.0]], np.zeros((3, 4, 2))])
def test_points_2d_accepts_trailing_pair(value):
    assert v.points("start", value, 2).shape == np.shape(value)


@pytest.mark.parametrize("value", [0.0, [1.0, 2.0, 3.0], [[1.0, 2.0, 3.0]], np.zeros((2, 3)), np.zeros(0)])
def test_points_2d_rejects_wrong_shape(value):
    with pytest.raises(ValueError, match=r"^start must have shape \(\.\.\., 2\)"):
        v.points("start", value, 2)


def test_points_rejects_nan():
    with pytest.raises(ValueError, match=r"^start must be finite"):
        v.points("start", [[0.0, np.nan]], 2)


def test_rng_normalises():
    assert isinstance(v.rng(None), np.random.Generator)
    a, b = v.rng(3).random(4), v.rng(3).random(4)
    np.testing.assert_array_equal(a, b)
    g = np.random.default_rng(1)
    # A Generator is used as given (not re-seeded): it continues the caller's stream.
    expected = np.random.default_rng(1)
    expected.random()
    g.random()
    np.testing.assert_array_equal(v.rng(g).random(3), expected.random(3))


@pytest.mark.parametrize("value", [1.5, "seed", [1, 2], np.random.RandomState(0), -1, True])
def test_rng_rejects(value):
    with pytest.raises(ValueError, match=r"^rng must be"):
        v.rng(value)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), True, "1", None])
def test_finite_number_rejects_non_finite_and_non_numbers(value):
    with pytest.raises(ValueError, match="^w must be a finite number"):
        v.finite_number("w", value)


def test_finite_number_returns_a_float():
    assert v.finite_number("w", -3) == -3.0 and isinstance(v.finite_number("w", 2), float)
