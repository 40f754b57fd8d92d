"""Self-checks for exercises: a friendly message instead of a bare ``AssertionError``."""
from __future__ import annotations

import numpy as np

__all__ = ["check_close", "check_true"]


def check_close(what, got, expected, *, atol=1e-6, rtol=0.0, hint=""):
    """Pass quietly (printing a tick) if ``got`` is close to ``expected``; else explain.

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
    """
    got_arr = np.asarray(got, dtype=float)
    exp_arr = np.asarray(expected, dtype=float)
    if got_arr.shape != exp_arr.shape and got_arr.size != exp_arr.size:
        raise AssertionError(f"Not yet: {what} has shape {got_arr.shape}, expected {exp_arr.shape}. {hint}")
    if not np.allclose(got_arr.reshape(exp_arr.shape), exp_arr, atol=atol, rtol=rtol):
        raise AssertionError(f"Not yet: {what} is {_fmt(got_arr)}, expected about {_fmt(exp_arr)}. {hint}")
    print(f"Correct: {what} = {_fmt(got_arr)}")


def check_true(what, condition, *, hint=""):
    """Pass (printing a tick) if ``condition`` holds; else explain ``what`` was expected."""
    if not bool(condition):
        raise AssertionError(f"Not yet: expected {what}. {hint}")
    print(f"Correct: {what}")


def _fmt(arr):
    return np.array2string(np.asarray(arr), precision=4, separator=", ") if np.ndim(arr) else f"{float(arr):.4f}"
