"""Check an analytic gradient against central finite differences.

The derivative is the slope of a tiny secant: ``(f(x + eps) - f(x - eps)) / (2 eps)``,
one coordinate at a time. It is slow (two evaluations of ``f`` per parameter) but needs
no calculus, so it is the referee for every backpropagation formula in the course.

>>> import numpy as np
>>> f = lambda x: float(np.sum(x ** 3))
>>> check_gradient(f, lambda x: 3 * x ** 2, np.array([1.0, -2.0])) < 1e-8
True
"""
from __future__ import annotations

import numpy as np

from .. import _validate

__all__ = ["numerical_gradient", "relative_error", "check_gradient"]


def numerical_gradient(f, x, *, eps=1e-6):
    """Central-difference gradient of a scalar function of an array.

    Parameters
    ----------
    f : callable
        ``f(x) -> float`` for an array ``x`` of the shape given.
    x : array_like, any shape
        Where to differentiate. Not modified.
    eps : float
        Half-width of the difference, > 0.

    Returns
    -------
    ndarray, same shape as ``x`` (a float for a number)
    """
    if not callable(f):
        raise ValueError(f"f must be callable, got {f!r}")
    x = _validate.finite_array("x", x).copy()
    eps = _validate.positive_number("eps", eps)
    grad = np.empty_like(x)
    flat, out = x.reshape(-1), grad.reshape(-1)  # views: editing flat edits x
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = _scalar("f", f(x))
        flat[i] = old - eps
        down = _scalar("f", f(x))
        flat[i] = old
        out[i] = (up - down) / (2 * eps)
    return grad if grad.ndim else float(grad)


def _scalar(name, value):
    arr = _validate.returned(name, value)  # None: a forgotten return; strings, complex: not numbers
    if arr.size != 1:
        raise ValueError(f"{name} must return a single number, got shape {arr.shape}")
    return float(arr.reshape(()))


def relative_error(a, b):
    """``max|a - b| / max(|a| + |b|)``: 0 for identical arrays, ~1 for unrelated ones.

    Parameters
    ----------
    a, b : array_like, same shape
        No NaN. Infinities are allowed: equal entries (also two equal infinities) agree
        exactly, and an infinity against anything else gives ``inf``.

    Returns
    -------
    float
        0 when both are all zeros (or identical).

    >>> relative_error([1.0, 2.0], [1.0, 2.0 + 1e-9]) < 1e-9
    True
    >>> relative_error([np.inf, 1.0], [np.inf, 1.0]), relative_error([np.inf], [1.0])
    (0.0, inf)
    """
    a = _validate.as_float_array("a", a)
    b = _validate.as_float_array("b", b)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got a {a.shape} and b {b.shape}")
    for name, arr in (("a", a), ("b", b)):
        if np.any(np.isnan(arr)):
            raise ValueError(f"{name} must not contain NaN (a gradient that is not a number cannot be "
                             f"compared), got NaN at index {np.argwhere(np.isnan(arr))[0].tolist()}")
    differ = a != b
    if not differ.any():
        return 0.0
    if not (np.all(np.isfinite(a[differ])) and np.all(np.isfinite(b[differ]))):
        return float("inf")
    # Equal infinities agree exactly: they count neither in the difference nor in the scale.
    finite = np.isfinite(a) & np.isfinite(b)
    a, b = a[finite], b[finite]
    # The ratio does not change when both are divided by their largest size, and then
    # |a - b| and |a| + |b| cannot overflow.
    top = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))))
    if top > 1e300:
        a, b = a / top, b / top
    scale = max(float(np.max(np.abs(a) + np.abs(b))), np.finfo(float).tiny)
    return float(np.max(np.abs(a - b)) / scale)


def check_gradient(f, grad, x, *, eps=1e-6):
    """Relative error between an analytic gradient and the central-difference one.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``.
    grad : callable or array_like
        ``grad(x) -> array`` of the shape of ``x``, or that array already computed.
    x : array_like, any shape
        Where to compare.
    eps : float
        Half-width of the finite difference.

    Returns
    -------
    float
        Below about 1e-7 the gradient is right; above 1e-3 something is wrong.
    """
    x = _validate.finite_array("x", x)
    analytic = _validate.returned("grad", grad(x.copy())) if callable(grad) else _validate.as_float_array("grad", grad)
    if analytic.shape != x.shape:
        raise ValueError(f"grad must have the shape of x {x.shape}, got {analytic.shape}")
    return relative_error(analytic, numerical_gradient(f, x, eps=eps))
