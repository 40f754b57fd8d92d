"""Argument checks shared by every public function: one checker per kind of parameter.

Each check returns the cleaned value or raises a ``ValueError`` that names the offending
parameter and shows what it received, so a learner sees
``learning_rate must be a finite number > 0, got -0.1`` instead of a numpy traceback.

The kinds, and the rules they share:

=====================  ==========================================================
number                 :func:`number`, :func:`real`, :func:`positive_number`,
                       :func:`nonnegative_number`, :func:`probability`
integer count          :func:`integer`
flag                   :func:`flag` (``True``/``False`` only)
array of numbers       :func:`as_float_array`, :func:`finite_array`, :func:`positive_array`
array of points        :func:`points`
choice of names        :func:`choice`, :func:`text`
callable               :func:`function`; :func:`returned` checks what it gave back
figure / axes          :func:`figure`, :func:`axes`
result object          :func:`instance`
random generator       :func:`rng`
=====================  ==========================================================

Booleans and strings are not numbers (``True`` is not a learning rate of 1, ``"0.5"`` is not
0.5), complex numbers are refused rather than silently truncated, and a 0-d array counts
as the scalar it holds.
"""
from __future__ import annotations

import numbers

import numpy as np

_NUMERIC_KINDS = "iuf"  # numpy dtype kinds that are real numbers (not bool, complex, str, object)


def _show(value, limit=80):
    """A short description of what a learner passed, for error messages."""
    if isinstance(value, np.ndarray) and value.size > 8:
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, type):
        return f"the class {value.__name__}"
    try:
        text = repr(value)
    except Exception:  # a broken __repr__ must not hide the real message
        text = f"<{type(value).__name__} object>"
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    if isinstance(value, (str, np.str_)):
        return f"{text} (a string)"
    return text


def _scalar(value):
    """A 0-d numeric array becomes the Python number it holds; anything else is returned as is."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in _NUMERIC_KINDS + "b":
        return value.item()
    return value


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def describe(value):
    """What a learner passed, shortened for an error message (``'0.5' (a string)``)."""
    return _show(value)


# ---------------------------------------------------------------- numbers

def real(name, value):
    """A single real number, NaN and infinity included (a value to report, not to compute with).

    >>> real("value", np.array(float("inf")))
    inf
    """
    value = _scalar(value)
    if not _is_real(value):
        raise ValueError(f"{name} must be a single real number, got {_show(value)}")
    return float(value)


def number(name, value, *, allow_none=False):
    """A single finite real number, returned as a float (or None when ``allow_none``).

    >>> number("w", 3), number("w", np.array(-0.5))
    (3.0, -0.5)
    """
    if value is None and allow_none:
        return None
    value = _scalar(value)
    if not _is_real(value) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {_show(value)}")
    return float(value)


def finite_number(name, value):
    """A single finite float (a weight, a bias, a range end); same as :func:`number`."""
    return number(name, value)


def positive_number(name, value, *, allow_none=False):
    """A single finite float > 0 (or None when ``allow_none``)."""
    if value is None and allow_none:
        return None
    value = _scalar(value)
    if not _is_real(value):
        raise ValueError(f"{name} must be a positive number, got {_show(value)}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {_show(value)}")
    return float(value)


def nonnegative_number(name, value):
    """A single finite float >= 0 (a tolerance, a duration)."""
    value = _scalar(value)
    if not _is_real(value):
        raise ValueError(f"{name} must be a number >= 0, got {_show(value)}")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {_show(value)}")
    return float(value)


def probability(name, value):
    """A single float in [0, 1].

    >>> probability("p", 0.25)
    0.25
    """
    value = _scalar(value)
    if not _is_real(value) or not 0 <= value <= 1:  # NaN fails the comparison too
        raise ValueError(f"{name} must be a probability in [0, 1], got {_show(value)}")
    return float(value)


def integer(name, value, *, minimum=None, maximum=None):
    """An int (not bool, not 3.0) between ``minimum`` and ``maximum`` (each optional)."""
    value = _scalar(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {_show(value)}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {_show(value)}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {_show(value)}")
    return int(value)


def flag(name, value):
    """A bool (Python, numpy or a 0-d bool array); rejects 0/1, strings and None, which are usually mistakes."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind == "b":
        value = value.item()
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {_show(value)}")
    return bool(value)


# ---------------------------------------------------------------- arrays

def as_float_array(name, value):
    """Return ``value`` as a float ndarray, or raise naming ``name``.

    Only real numbers convert: strings (even ``"1.5"``), booleans, complex numbers, None
    and ragged lists are refused.
    """
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError):  # ragged nested lists
        raise ValueError(f"{name} must be numeric, got {_show(value)}") from None
    kind = raw.dtype.kind
    if kind == "O":  # a list mixing numbers with None or other objects; real numbers still convert
        try:
            converted = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            converted = None
        if converted is None or any(not _is_real(v) for v in raw.ravel()):
            raise ValueError(f"{name} must be numeric, got {_show(value)}")
        return converted
    if kind not in _NUMERIC_KINDS:
        what = {"b": "booleans", "c": "complex numbers", "U": "strings", "S": "strings"}.get(kind, f"dtype {raw.dtype}")
        raise ValueError(f"{name} must be numeric (real numbers, not {what}), got {_show(value)}")
    return raw.astype(float, copy=False)


def finite_array(name, value):
    """A float array with no NaN or infinity."""
    arr = as_float_array(name, value)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf), got {_show(value)}")
    return arr


def positive_array(name, value):
    """A float array whose every entry is finite and > 0."""
    arr = finite_array(name, value)
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0, got {_show(value)}")
    return arr


def points(name, value, ndim):
    """Start points: any shape for ``ndim == 1``; last axis of length 2 for ``ndim == 2``."""
    arr = finite_array(name, value)
    if ndim == 2 and (arr.ndim == 0 or arr.shape[-1] != 2):
        raise ValueError(f"{name} must have shape (..., 2) for a 2-D function, got shape {arr.shape}")
    return arr


# ---------------------------------------------------------------- names

def choice(name, value, choices):
    """The entry of ``choices`` equal to ``value``; the error lists the valid ones.

    ``True`` does not match ``1`` and an array matches nothing, so neither slips through
    as a name or a count.
    """
    for c in choices:
        if isinstance(value, (bool, np.bool_)) != isinstance(c, bool):
            continue
        try:
            same = value == c
        except Exception:  # objects whose comparison raises are simply not a match
            continue
        if isinstance(same, (bool, np.bool_)) and same:
            return c
    valid = ", ".join(repr(c) for c in choices)
    raise ValueError(f"{name} must be one of {valid}; got {_show(value)}")


def text(name, value, *, allow_none=False):
    """A string (a label, a title, a description)."""
    if value is None and allow_none:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {_show(value)}")
    return str(value)


# ---------------------------------------------------------------- callables

def function(name, value, *, allow_none=False):
    """A callable that is not a class (``cu.fixed`` where ``cu.fixed(0.1)`` was meant is refused)."""
    if value is None and allow_none:
        return None
    if isinstance(value, type):
        raise ValueError(f"{name} must be a function, got {_show(value)}; did you mean to call it, "
                         f"{value.__name__}(...)?")
    if not callable(value):
        raise ValueError(f"{name} must be a function (callable), got {_show(value)}")
    return value


def returned(name, value, *, shape=None):
    """Check what a learner's function ``name`` returned: a real array, of ``shape`` if given.

    >>> returned("grad", [1.0, 2.0], shape=(2,)).tolist()
    [1.0, 2.0]
    """
    if value is None:
        raise ValueError(f"{name} returned None: did you forget `return` in the function?")
    try:
        arr = as_float_array(f"the value {name} returned", value)
    except ValueError as err:
        raise ValueError(f"{name} must return numbers: {err}") from None
    if shape is not None and arr.shape != tuple(shape):
        try:
            arr = np.broadcast_to(arr, shape)
        except ValueError:
            raise ValueError(f"{name} must return an array of shape {tuple(shape)}, "
                             f"got shape {arr.shape}") from None
    return arr


# ---------------------------------------------------------------- objects

def instance(name, value, cls, *, what=None, allow_none=False):
    """``value`` if it is an instance of ``cls`` (a class or tuple of classes)."""
    if value is None and allow_none:
        return None
    if not isinstance(value, cls):
        if what is None:
            classes = cls if isinstance(cls, tuple) else (cls,)
            what = " or ".join(f"a {c.__name__}" for c in classes)
        raise ValueError(f"{name} must be {what}, got {_show(value)}")
    return value


def figure(name, value, *, allow_none=False):
    """A matplotlib Figure."""
    from matplotlib.figure import Figure  # not pyplot: no backend is chosen here
    return instance(name, value, Figure, what="a matplotlib Figure", allow_none=allow_none)


def axes(name, value, *, allow_none=False):
    """A matplotlib Axes."""
    from matplotlib.axes import Axes
    return instance(name, value, Axes, what="a matplotlib Axes", allow_none=allow_none)


def rng(value):
    """Normalise ``rng=None | int | Generator`` to a ``numpy.random.Generator``."""
    if value is None or isinstance(value, np.random.Generator):
        return np.random.default_rng(value)
    value = _scalar(value)
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)) and value >= 0:
        return np.random.default_rng(int(value))
    raise ValueError(f"rng must be None, an int seed >= 0 or a numpy.random.Generator, got {_show(value)}")
