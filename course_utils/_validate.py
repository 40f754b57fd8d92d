"""Argument checks shared by every public function.

Each check raises a ``ValueError`` that names the offending parameter, so a learner
sees ``learning_rate must be > 0, got -0.1`` instead of a numpy traceback.
"""
from __future__ import annotations

import numbers

import numpy as np


def as_float_array(name, value):
    """Return ``value`` as a float ndarray, or raise naming ``name``."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numeric, got {value!r}") from None
    return arr


def finite_array(name, value):
    """A float array with no NaN or infinity."""
    arr = as_float_array(name, value)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf), got {value!r}")
    return arr


def positive_array(name, value):
    """A float array whose every entry is finite and > 0."""
    arr = finite_array(name, value)
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return arr


def positive_number(name, value, *, allow_none=False):
    """A single finite float > 0 (or None when ``allow_none``)."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def finite_number(name, value):
    """A single finite float (a weight, a bias, a range end)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def nonnegative_number(name, value):
    """A single finite float >= 0 (a tolerance, a duration)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number >= 0, got {value!r}")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def integer(name, value, *, minimum=None):
    """An int (not bool) that is at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(value)


def flag(name, value):
    """A bool (Python or numpy); rejects 0/1, strings and None, which are usually mistakes."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def choice(name, value, choices):
    """``value`` if it is one of ``choices``; the error lists the valid ones."""
    if value not in choices:
        valid = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {valid}; got {value!r}")
    return value


def points(name, value, ndim):
    """Start points: any shape for ``ndim == 1``; last axis of length 2 for ``ndim == 2``."""
    arr = finite_array(name, value)
    if ndim == 2 and (arr.ndim == 0 or arr.shape[-1] != 2):
        raise ValueError(f"{name} must have shape (..., 2) for a 2-D function, got shape {arr.shape}")
    return arr


def rng(value):
    """Normalise ``rng=None | int | Generator`` to a ``numpy.random.Generator``."""
    if value is None or isinstance(value, np.random.Generator):
        return np.random.default_rng(value)
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= 0:
        return np.random.default_rng(int(value))
    raise ValueError(f"rng must be None, an int seed >= 0 or a numpy.random.Generator, got {value!r}")
