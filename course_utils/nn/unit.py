"""A single unit (perceptron): a weighted sum of the inputs, then an activation.

``y_hat = activation(X @ w + b)``. Every row of ``X`` is one sample ``x``, so row by row
this is ``activation(x . w + b)``, the notes' ``Y = X^T W`` as a dot product. The bias can
be absorbed into the weights as ``w0`` by giving every sample a constant input 1
(:func:`add_bias_column`).

>>> import numpy as np
>>> X = np.array([[1.0, 2.0], [0.0, -1.0]])
>>> unit_forward(X, np.array([0.5, 0.5]), b=-1.5, activation="identity")
array([ 0., -2.])
>>> add_bias_column(X) @ np.array([-1.5, 0.5, 0.5])
array([ 0., -2.])
"""
from __future__ import annotations

import numpy as np

from .. import _validate
from .activations import Softmax, get_activation

__all__ = ["add_bias_column", "unit_forward", "unit_linear"]


def _design(X):
    X = _validate.finite_array("X", X)
    if X.ndim != 2:
        raise ValueError(f"X must have shape (n, d): one row per sample, got shape {X.shape}")
    return X


def add_bias_column(X):
    """Prepend a column of ones, so the bias becomes the weight ``w0`` of a constant input.

    Parameters
    ----------
    X : array_like, shape (n, d)

    Returns
    -------
    ndarray, shape (n, d + 1)
        ``[1, x_1, ..., x_d]`` in every row.
    """
    X = _design(X)
    return np.hstack([np.ones((X.shape[0], 1)), X])


def unit_linear(X, w, b=0.0):
    """The linear part ``z = X @ w + b`` of a unit.

    Parameters
    ----------
    X : array_like, shape (n, d)
        One row per sample.
    w : array_like, shape (d,)
        One weight per input.
    b : float
        The bias.

    Returns
    -------
    ndarray, shape (n,)
    """
    X = _design(X)
    w = _validate.finite_array("w", w)
    if w.ndim != 1 or w.shape[0] != X.shape[1]:
        raise ValueError(f"w must have shape ({X.shape[1]},) to match X with {X.shape[1]} columns, "
                         f"got shape {w.shape}")
    b = _validate.finite_array("b", b)
    if b.ndim:
        raise ValueError(f"b must be a single number, got shape {b.shape}")
    return X @ w + float(b)


def unit_forward(X, w, b=0.0, *, activation="sigmoid"):
    """Output of one unit: ``activation(X @ w + b)``.

    Parameters
    ----------
    X : array_like, shape (n, d)
    w : array_like, shape (d,)
    b : float
    activation : str or Activation
        E.g. ``"sigmoid"``, ``"step"``, ``"identity"``: an elementwise activation
        (:data:`~course_utils.nn.ACTIVATIONS`), not softmax.

    Returns
    -------
    ndarray, shape (n,)
    """
    act = get_activation(activation)
    if isinstance(act, Softmax):
        raise ValueError("activation must be elementwise for a single unit; softmax needs a layer of "
                         "several units (cu.nn.Network)")
    return np.asarray(act.f(unit_linear(X, w, b)), dtype=float)
