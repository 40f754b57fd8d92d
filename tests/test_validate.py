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


# ---- the kinds added for a uniform layer: strings, booleans, complex refused; 0-d arrays accepted

@pytest.mark.parametrize("value", ["1.5", ["1.5", "2"], [True, False], np.array([True]), [1 + 2j], 1j,
                                   [1.0, None], None, object()])
def test_as_float_array_refuses_strings_bools_complex_none(value):
    with pytest.raises(ValueError, match=r"^x must be numeric"):
        v.as_float_array("x", value)


def test_as_float_array_does_not_copy_a_float_array():
    a = np.arange(3.0)
    assert v.as_float_array("x", a) is a


@pytest.mark.parametrize("check", [v.number, v.positive_number, v.nonnegative_number, v.probability])
def test_scalar_checks_accept_0d_arrays(check):
    assert check("p", np.array(0.5)) == 0.5
    assert type(check("p", np.array(0.5))) is float


@pytest.mark.parametrize("check", [v.number, v.positive_number, v.nonnegative_number, v.probability])
@pytest.mark.parametrize("value", [True, np.bool_(False), "0.5", 0.5 + 0j, np.complex128(0.5), [0.5],
                                   np.array([0.5]), np.array(True), None, np.nan])
def test_scalar_checks_refuse_non_numbers(check, value):
    with pytest.raises(ValueError, match=r"^p must be") as info:
        check("p", value)
    assert "got" in str(info.value)


def test_string_is_flagged_as_a_string_in_the_message():
    with pytest.raises(ValueError, match=r"got '0.5' \(a string\)"):
        v.positive_number("learning_rate", "0.5")


@pytest.mark.parametrize("value", [-0.01, 1.01, np.inf, -np.inf])
def test_probability_range(value):
    with pytest.raises(ValueError, match=r"^p must be a probability in \[0, 1\]"):
        v.probability("p", value)


@pytest.mark.parametrize("value", [0, 1, 0.0, 1.0, 0.3])
def test_probability_accepts_the_closed_interval(value):
    assert v.probability("p", value) == value


def test_integer_accepts_0d_integer_array_and_maximum():
    assert v.integer("n", np.array(4)) == 4
    with pytest.raises(ValueError, match=r"^n must be <= 3, got 4"):
        v.integer("n", 4, maximum=3)
    with pytest.raises(ValueError, match=r"^n must be an integer"):
        v.integer("n", np.array(4.0))


def test_flag_accepts_0d_bool_array():
    assert v.flag("ascent", np.array(True)) is True


@pytest.mark.parametrize("value", [True, np.bool_(True), np.array([1, 2]), [1], "1", None])
def test_choice_does_not_match_bools_arrays_or_other_types(value):
    with pytest.raises(ValueError, match=r"^ndim must be one of 1, 2; got"):
        v.choice("ndim", value, (1, 2))


def test_choice_returns_the_canonical_entry():
    out = v.choice("kind", np.str_("a"), ("a", "b"))
    assert out == "a" and type(out) is str


@pytest.mark.parametrize("value", [3, None, b"abc", ["a"]])
def test_text_refuses_non_strings(value):
    with pytest.raises(ValueError, match=r"^label must be a string"):
        v.text("label", value)


def test_function_refuses_classes_and_non_callables():
    assert v.function("grad", abs) is abs
    assert v.function("grad", None, allow_none=True) is None
    with pytest.raises(ValueError, match=r"^grad must be a function, got the class int; did you mean"):
        v.function("grad", int)
    with pytest.raises(ValueError, match=r"^grad must be a function \(callable\), got 'x' \(a string\)"):
        v.function("grad", "x")


def test_returned_none_says_forgot_return():
    with pytest.raises(ValueError, match=r"^grad returned None: did you forget `return`"):
        v.returned("grad", None)


def test_returned_checks_numbers_and_shape():
    np.testing.assert_array_equal(v.returned("grad", 2.0, shape=(3,)), [2.0, 2.0, 2.0])
    with pytest.raises(ValueError, match=r"^grad must return numbers"):
        v.returned("grad", "abc")
    with pytest.raises(ValueError, match=r"^grad must return an array of shape \(3,\), got shape \(2,\)"):
        v.returned("grad", [1.0, 2.0], shape=(3,))


def test_instance_figure_axes():
    from matplotlib.figure import Figure
    fig = Figure()
    ax = fig.add_subplot()
    assert v.figure("fig", fig) is fig and v.axes("ax", ax) is ax
    assert v.figure("fig", None, allow_none=True) is None
    with pytest.raises(ValueError, match=r"^fig must be a matplotlib Figure, got 'fig' \(a string\)"):
        v.figure("fig", "fig")
    with pytest.raises(ValueError, match=r"^ax must be a matplotlib Axes, got"):
        v.axes("ax", fig)
    with pytest.raises(ValueError, match=r"^result must be a dict or a list, got 3"):
        v.instance("result", 3, (dict, list))


def test_long_values_are_shortened_in_messages():
    with pytest.raises(ValueError) as info:
        v.positive_number("tol", "x" * 1000)
    assert len(str(info.value)) < 200
    with pytest.raises(ValueError, match=r"an array of shape \(100,\) and dtype float64"):
        v.positive_array("learning_rate", -np.ones(100))


def test_warnings_fail_the_unit_tests():
    # pyproject.toml sets filterwarnings = error: a warning escaping a library call fails its test.
    import warnings
    with pytest.raises(RuntimeWarning, match="escaped"):
        warnings.warn("escaped", RuntimeWarning, stacklevel=1)
