"""Exercise self-checks: a friendly verdict that can fail, and ValueErrors for an author's bad arguments."""
import contextlib
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import course_utils as cu


def test_correct_answer_prints_and_returns_true(capsys):
    assert cu.check_close("your minimum", 0.5000001, 0.5) is True
    assert capsys.readouterr().out == "Correct: your minimum = 0.5000\n"


def test_integers_print_without_decimals(capsys):
    cu.check_close("updates", 46, 46)
    cu.check_close("labels", [0, 1, 1], [0, 1, 1])
    assert capsys.readouterr().out == "Correct: updates = 46\nCorrect: labels = [0, 1, 1]\n"


def test_long_arrays_print_their_shape_not_their_values(capsys):
    assert cu.check_close("end points", np.full(500, 0.5), np.full(500, 0.5))
    cu.check_close("end points", [np.nan] * 11, np.zeros(11), strict=False)
    assert capsys.readouterr().out.splitlines() == [
        "Correct: end points (all 500 values)",
        "Not yet: end points has 11 of 11 entries that are not finite (nan or inf): look for a run that "
        "diverged, a division by zero or a log of zero.",
    ]


def test_missing_entries_are_called_missing(capsys):
    assert cu.check_close("counts", [None, None], [25, 4], strict=False) is False
    assert cu.check_close("counts", (3, None), [25, 4], strict=False) is False
    assert capsys.readouterr().out == "Not yet: counts contains None: some answers are still missing.\n" * 2


def test_arrays_compare_elementwise(capsys):
    got = cu.gradient_descent(cu.quadratic, [-1.0, 2.0], learning_rate=0.1, epochs=60).final
    assert cu.check_close("both ends", got, [0.5, 0.5], atol=1e-8)
    assert "Correct: both ends = " in capsys.readouterr().out


def test_wrong_answer_raises_by_default_with_hint():
    with pytest.raises(AssertionError) as info:
        cu.check_close("your minimum", 0.49, 0.5, atol=1e-3, hint="Run more epochs.")
    assert str(info.value) == "Not yet: your minimum is close, but slightly too small. Run more epochs."


def test_wrong_answer_prints_when_not_strict(capsys):
    assert cu.check_close("your minimum", 0.49, 0.5, strict=False) is False
    assert capsys.readouterr().out == "Not yet: your minimum is close, but slightly too small.\n"


def test_tolerances():
    assert cu.check_close("x", 1.0009, 1.0, atol=1e-3)
    assert cu.check_close("x", 101.0, 100.0, atol=0.0, rtol=0.02)
    with pytest.raises(AssertionError):
        cu.check_close("x", 1.0011, 1.0, atol=1e-3)
    with pytest.raises(AssertionError):  # default atol is tight: the check can fail
        cu.check_close("x", 0.50001, 0.5)


@pytest.mark.parametrize("got, message", [
    (None, "Not yet: x is None; expected a number or an array."),
    ("0.5", "Not yet: x is '0.5'; expected a number or an array."),  # a string is not a number
    ("half", "Not yet: x is 'half'; expected a number or an array."),
    ([1.0, 2.0], "Not yet: x has shape (2,), expected ()."),
    ([[0.5]], None),  # one number in a nested list is the same answer
    (np.nan, "Not yet: x is not finite (nan): look for a run that diverged, a division by zero or a log of zero."),
    ([np.inf], "Not yet: x is not finite (inf): look for a run that diverged, a division by zero or a log of zero."),
])
def test_unusable_answers_fail_kindly(capsys, got, message):
    ok = cu.check_close("x", got, 0.5, strict=False)
    if message is None:
        assert ok is True
    else:
        assert ok is False and capsys.readouterr().out == message + "\n"


def test_same_size_different_shape_is_accepted():
    assert cu.check_close("point", [[0.2283, -1.6255]], (0.2283, -1.6255))


def test_check_true(capsys):
    assert cu.check_true("the loss went down", 3 < 4) is True
    assert cu.check_true("a numpy bool", np.float64(1.0) > 0) is True
    assert capsys.readouterr().out == "Correct: the loss went down\nCorrect: a numpy bool\n"
    with pytest.raises(AssertionError, match=r"^Not yet: expected the loss went down\. Look again\.$"):
        cu.check_true("the loss went down", False, hint="Look again.")
    assert cu.check_true("it converged", np.array([False]), strict=False) is False
    assert cu.check_true("it converged", [False], strict=False) is False  # a list holding False is False
    assert capsys.readouterr().out == "Not yet: expected it converged.\n" * 2


@pytest.mark.parametrize("kwargs, name", [
    (dict(atol=-1e-6), "atol"), (dict(atol=np.nan), "atol"), (dict(atol="small"), "atol"),
    (dict(rtol=-0.1), "rtol"), (dict(rtol=None), "rtol"),
    (dict(strict="yes"), "strict"), (dict(strict=None), "strict"),
])
def test_check_close_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        cu.check_close("x", 0.5, 0.5, **kwargs)


def test_check_close_bad_reference():
    with pytest.raises(ValueError, match=r"^expected must be numeric"):
        cu.check_close("x", 0.5, "half")


def test_check_true_bad_arguments():
    with pytest.raises(ValueError, match=r"^condition must be a single True/False"):
        cu.check_true("all positive", np.array([True, False]))
    with pytest.raises(ValueError, match=r"^strict"):
        cu.check_true("x", True, strict=1)


def test_below_reports_the_bound_or_flags_the_value():
    assert cu.below(1.7e-10, 1e-8) == "< 1e-08"
    assert cu.below(-2e-13, 1e-12) == "< 1e-12"
    assert cu.below(3e-5, 1e-8) == "3.0e-05 (NOT below 1e-08)"
    assert cu.below(1e-8, 1e-8) == "1.0e-08 (NOT below 1e-08)"


@pytest.mark.parametrize("tol", [0, -1.0, float("nan"), "a"])
def test_below_rejects_bad_tol(tol):
    with pytest.raises(ValueError, match="tol"):
        cu.below(1.0, tol)


def test_below_rejects_non_numeric_value():
    with pytest.raises(ValueError, match="value"):
        cu.below("abc", 1e-8)


@pytest.mark.parametrize("got, expected, message", [
    (-2.0, 2.0, "the slope has the wrong sign."),
    (0.3, -1e-9, "the slope has the wrong sign."),
    (25.0, 2.0, "the slope is much too large (off by more than a factor of ten)."),
    (-0.1, -2.0, "the slope is much too small (off by more than a factor of ten)."),
    (3.0, 2.0, "the slope is too large."),
    (1.5, 2.0, "the slope is too small."),
    (2.1, 2.0, "the slope is close, but slightly too large."),
    (0.01, 0.0, "the slope is too high."),
    (0.0, 0.5, "the slope is too low."),
])
def test_wrong_numbers_are_described_in_words(capsys, got, expected, message):
    assert cu.check_close("the slope", got, expected, strict=False) is False
    assert capsys.readouterr().out == f"Not yet: {message}\n"


def test_wrong_arrays_name_the_first_entry_that_is_off(capsys):
    cu.check_close("g", [1.0, 2.0, 31.5, 4.0], [1.0, 2.0, 3.0, 5.0], strict=False)
    cu.check_close("g", [[-1.0, -2.0], [3.0, 4.0]], [[1.0, 2.0], [3.0, 4.0]], strict=False)
    cu.check_close("labels", [0, 1, 1], [0, 1, 2], strict=False)
    assert capsys.readouterr().out.splitlines() == [
        "Not yet: 2 of 4 entries of g are off; the first is entry [2] = 31.5000, which is much too "
        "large (off by more than a factor of ten).",
        "Not yet: 2 of 4 entries of g are off, all with the wrong sign.",
        "Not yet: 1 of 3 entries of labels are off; the first is entry [2] = 1, which is too small.",
    ]


def _formatted(value):
    return {f"{value:.4f}", f"{value:.3f}", f"{value:.2f}", f"{value:g}", repr(value)}


def _away_from_zero(smallest, largest):
    """Floats with smallest < |v| <= largest, either sign, drawn directly (a filter on a plain
    float strategy throws most draws away, which older hypothesis versions fail as a health check)."""
    sizes = st.floats(smallest, largest, exclude_min=True)
    return st.tuples(sizes, st.booleans()).map(lambda t: t[0] if t[1] else -t[0])


@settings(max_examples=300, deadline=None)
@given(got=st.floats(-1e6, 1e6), expected=_away_from_zero(1e-3, 1e6))
def test_a_failed_check_never_prints_the_expected_value(got, expected):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        ok = cu.check_close("answer", got, expected, atol=1e-9, strict=False)
    text = out.getvalue()
    assert ok == bool(np.isclose(got, expected, atol=1e-9, rtol=0.0))
    if not ok:
        assert text.startswith("Not yet: answer ")
        assert not any(f in text for f in _formatted(expected) if f not in _formatted(got))


@settings(max_examples=200, deadline=None)
@given(got=st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=12),
       shift=st.lists(_away_from_zero(1e-2, 1e3), min_size=12, max_size=12))
def test_a_failed_array_check_never_prints_the_expected_entries(got, shift):
    expected = [g + s for g, s in zip(got, shift)]   # every entry off by more than the tolerance
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        ok = cu.check_close("answer", got, expected, atol=1e-9, strict=False)
    text = out.getvalue()
    assert ok is False and text.startswith("Not yet: ")
    for e in expected:   # entries are shown as in check_close: 4 decimals
        assert f"{e:.4f}" not in text or any(f"{e:.4f}" in f"{g:.4f}" for g in got)
