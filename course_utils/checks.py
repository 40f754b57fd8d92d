"""Self-checks for exercises: a friendly message instead of a bare ``AssertionError``.

In a learner's self-check cell use ``strict=False``: a wrong answer prints ``Not yet: ...``
and the notebook keeps running. Worked-solution cells use the default ``strict=True``, so a
wrong reference solution fails the notebook under CI.

A failed check never prints the expected value (that would hand out the answer): it says in
words what is off - not a number, not finite, the wrong shape, the wrong sign, too large or
too small (and roughly how far) - and then the author's hint.
"""
from __future__ import annotations

import numpy as np

from . import _validate

__all__ = ["below", "check_close", "check_true"]


def check_close(what, got, expected, *, atol=1e-6, rtol=0.0, hint="", strict=True):
    """Print ``Correct: ...`` if ``got`` is close to ``expected``; otherwise explain.

    Parameters
    ----------
    what : str
        What is being checked, in words (``"your minimum"``).
    got, expected : float or array_like
        The learner's answer and the reference, compared with ``numpy.allclose``.
    atol, rtol : float
        Tolerances passed to ``numpy.allclose``.
    hint : str
        A nudge shown when the check fails.
    strict : bool, default True
        Raise ``AssertionError`` on a wrong answer; with False, print ``Not yet: ...`` instead.

    Returns
    -------
    bool
        Whether the answer was right.

    >>> check_close("x", 0.5000001, 0.5)
    Correct: x = 0.5000
    True
    >>> check_close("updates", 46, 46)
    Correct: updates = 46
    True
    >>> check_close("x", None, 0.5, strict=False)
    Not yet: x is None; expected a number or an array.
    False
    >>> check_close("the slope", -2.0, 2.0, strict=False)
    Not yet: the slope has the wrong sign.
    False
    """
    what, hint = _validate.text("what", what), _validate.text("hint", hint)
    atol, rtol = _validate.nonnegative_number("atol", atol), _validate.nonnegative_number("rtol", rtol)
    strict = _validate.flag("strict", strict)
    exp_arr = _validate.finite_array("expected", expected)  # the author's reference, not the learner's
    if isinstance(got, (list, tuple)) and any(v is None for v in np.ravel(np.asarray(got, dtype=object))):
        return _verdict(False, f"{what} contains None: some answers are still missing.", hint, strict)
    try:
        if got is None:  # an untouched scaffold usually returns None; numpy would make it NaN
            raise TypeError
        got_arr = _validate.as_float_array("got", got)  # "0.5", True and 1j are not numbers
    except (TypeError, ValueError):
        return _verdict(False, f"{what} is {got!r}; expected a number or an array.", hint, strict)
    if got_arr.size != exp_arr.size:
        return _verdict(False, f"{what} has shape {got_arr.shape}, expected {exp_arr.shape}.", hint, strict)
    got_arr = got_arr.reshape(exp_arr.shape)
    close = np.isclose(got_arr, exp_arr, atol=atol, rtol=rtol)
    if np.all(close):
        shown = f"(all {got_arr.size} values)" if got_arr.size > _MAX_SHOWN else f"= {_fmt(got_arr)}"
        print(f"Correct: {what} {shown}")
        return True
    return _verdict(False, _what_is_off(what, got_arr, exp_arr, close), hint, strict)


def check_true(what, condition, *, hint="", strict=True):
    """Print ``Correct: <what>`` if ``condition`` holds; otherwise explain (raise if ``strict``).

    ``condition`` is a boolean: ``True``/``False``, a numpy bool, or a one-entry boolean
    array such as ``a == b`` on one-element arrays. Anything else (``"False"``, NaN, 1) is a
    ``ValueError``: its truth would be Python's, not the answer's.

    >>> check_true("x is positive", 2.0 > 0)
    Correct: x is positive
    True
    >>> check_true("x is positive", "False")
    Traceback (most recent call last):
    ...
    ValueError: condition must be True or False (a comparison such as x > 0), got 'False' (a string)
    """
    what, hint = _validate.text("what", what), _validate.text("hint", hint)
    strict = _validate.flag("strict", strict)
    if np.size(condition) != 1:
        raise ValueError(f"condition must be a single True/False (reduce an array with np.all or np.any), "
                         f"got shape {np.shape(condition)}")
    truth = condition
    while isinstance(truth, (list, tuple)) and len(truth) == 1:
        truth = truth[0]
    if isinstance(truth, np.ndarray) and truth.dtype.kind == "b":
        truth = truth.reshape(()).item()
    if not isinstance(truth, (bool, np.bool_)):
        raise ValueError("condition must be True or False (a comparison such as x > 0), "
                         f"got {_validate.describe(condition)}")
    if truth:  # [False] is a wrong answer, not a non-empty list
        print(f"Correct: {what}")
        return True
    return _verdict(False, f"expected {what}.", hint, strict)


def below(value, tol):
    """Describe a tiny number by the bound it stays under: ``'< 1e-08'``.

    Round-off-sized numbers (a finite-difference check, a gradient at a minimum) change in
    their last digits from one machine or numpy build to the next. Printing the bound keeps a
    lesson's output identical everywhere while still proving the point; a value that is not
    below ``tol`` is printed in full and flagged, so the claim can fail visibly.

    Parameters
    ----------
    value : float
        The number to report; its magnitude is compared.
    tol : float
        The bound, > 0.

    >>> below(1.7e-10, 1e-8)
    '< 1e-08'
    >>> below(-3e-5, 1e-8)
    '3.0e-05 (NOT below 1e-08)'
    """
    tol = _validate.positive_number("tol", tol)
    magnitude = abs(_validate.real("value", value))  # NaN and inf are allowed: reported as NOT below
    if magnitude < tol:
        return f"< {tol:.0e}"
    return f"{magnitude:.1e} (NOT below {tol:.0e})"


def _what_is_off(what, got, expected, close):
    """Say in words how ``got`` differs from ``expected`` without revealing ``expected``."""
    if not np.all(np.isfinite(got)):
        bad = f"is not finite ({_fmt(got)})" if got.ndim == 0 else (
            f"has {np.count_nonzero(~np.isfinite(got))} of {got.size} entries that are not finite (nan or inf)")
        return f"{what} {bad}: look for a run that diverged, a division by zero or a log of zero."
    if got.ndim == 0:
        return f"{what} {_how_far(float(got), float(expected))}."
    first = np.argwhere(~close)[0]
    entry = float(got[tuple(first)])
    where = ", ".join(str(int(i)) for i in first)
    count = int(np.count_nonzero(~close))
    opposite = np.sign(got) == -np.sign(expected)
    if np.all(opposite[~close] & (expected[~close] != 0)):
        return f"{count} of {got.size} entries of {what} are off, all with the wrong sign."
    return (f"{count} of {got.size} entries of {what} are off; the first is entry [{where}] "
            f"= {_fmt(entry)}, which {_how_far(entry, float(expected[tuple(first)]))}.")


def _how_far(got, expected):
    # Words, not numbers derived from the answer: the sign, the direction and a rough size.
    # Signs and ratios are taken without multiplying or dividing the two values, which would
    # underflow to 0 (or overflow) for subnormal or huge entries.
    if got != 0 and expected != 0 and (got < 0) != (expected < 0):
        return "has the wrong sign"
    if expected == 0 or got == 0:
        return "is too high" if got > expected else "is too low"
    size = "large" if abs(got) > abs(expected) else "small"
    small, large = sorted((abs(got), abs(expected)))
    if large / 10 > small:
        return f"is much too {size} (off by more than a factor of ten)"
    if large / 1.1 > small:
        return f"is too {size}"
    return f"is close, but slightly too {size}"


_MAX_SHOWN = 10  # a longer array in a verdict buries it (and prints round-off digits)


def _verdict(ok, message, hint, strict):
    text = f"Not yet: {message}" + (f" {hint}" if hint else "")
    if strict:
        raise AssertionError(text)
    print(text)
    return ok


def _fmt(arr):
    arr = np.asarray(arr, dtype=float)
    if np.all(np.isfinite(arr)) and np.array_equal(arr, np.round(arr)) and np.all(np.abs(arr) < 1e15):
        arr = arr.astype(np.int64)  # counts and labels read better without decimals
        return np.array2string(arr, separator=", ") if arr.ndim else str(int(arr))
    return np.array2string(arr, precision=4, separator=", ") if arr.ndim else f"{float(arr):.4f}"
