"""Activation functions of a unit, each with its derivative and its output range.

An activation maps the linear part of a unit, ``z = x @ w + b``, to its output. The
derivative ``df(z)`` is what the chain rule multiplies by in backpropagation.

>>> import course_utils as cu
>>> cu.nn.sigmoid(0.0), cu.nn.sigmoid.df(0.0)
(0.5, 0.25)
>>> cu.nn.sign([-2.0, 0.0, 3.0])
array([-1.,  1.,  1.])
"""
from __future__ import annotations

import numpy as np

from .. import _validate

__all__ = [
    "Activation", "identity", "sigmoid", "tanh", "relu", "step", "sign",
    "ACTIVATIONS", "get_activation",
]


class Activation:
    """An elementwise activation ``f`` with its derivative ``df``.

    Parameters
    ----------
    name : str
        Identifier used by :func:`get_activation`, e.g. ``"sigmoid"``.
    f : callable
        ``f(z) -> a``, elementwise on a float array of any shape.
    df : callable
        ``df(z) -> da/dz``, elementwise, same shape as ``z``.
    output_range : tuple of float
        ``(lo, hi)``: the values ``f`` can take (bounds may be open or infinite).
    formula : str, optional
        The formula as LaTeX, for plot titles.

    Notes
    -----
    ``f(z)`` and ``df(z)`` accept a number or an array of any shape and return a float
    for a number, else an array of the same shape. Calling the activation is ``f``.
    """

    def __init__(self, name, f, df, output_range, *, formula=""):
        self.name = name
        self._f = f
        self._df = df
        self.output_range = tuple(float(v) for v in output_range)
        self.formula = formula

    def f(self, z):
        """Activation values ``f(z)``; ``z`` any shape."""
        return _scalar_or_array(self._f(_validate.as_float_array("z", z)))

    def df(self, z):
        """Derivative ``df/dz`` elementwise; same shape as ``z``."""
        return _scalar_or_array(self._df(_validate.as_float_array("z", z)))

    __call__ = f

    def __repr__(self):
        lo, hi = self.output_range
        return f"Activation({self.name}: {self.formula}, range=({lo:g}, {hi:g}))"


def _scalar_or_array(out):
    return out if np.ndim(out) else float(out)


def _sigmoid(z):
    # exp(-|z|) never overflows: 1/(1+e^-z) for z >= 0 and e^z/(1+e^z) for z < 0.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_df(z):
    s = _sigmoid(z)
    return s * (1.0 - s)


def _tanh_df(z):
    return 1.0 - np.tanh(z) ** 2


identity = Activation("identity", lambda z: z + 0.0, np.ones_like, (-np.inf, np.inf), formula=r"z")
sigmoid = Activation("sigmoid", _sigmoid, _sigmoid_df, (0.0, 1.0), formula=r"\frac{1}{1 + e^{-z}}")
tanh = Activation("tanh", np.tanh, _tanh_df, (-1.0, 1.0), formula=r"\tanh z")
relu = Activation("relu", lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float),
                  (0.0, np.inf), formula=r"\max(0, z)")
# The step and sign functions are flat almost everywhere: their derivative is 0 (undefined
# at z = 0), so gradient descent cannot learn through them. At z = 0 both output the
# "positive" class, the usual perceptron convention.
step = Activation("step", lambda z: (z >= 0).astype(float), np.zeros_like, (0.0, 1.0),
                  formula=r"1 \text{ if } z \geq 0 \text{ else } 0")
sign = Activation("sign", lambda z: np.where(z >= 0, 1.0, -1.0), np.zeros_like, (-1.0, 1.0),
                  formula=r"+1 \text{ if } z \geq 0 \text{ else } -1")

ACTIVATIONS = {a.name: a for a in (identity, sigmoid, tanh, relu, step, sign)}


def get_activation(activation):
    """The :class:`Activation` for a name (or the activation itself).

    Parameters
    ----------
    activation : str or Activation
        One of the names in :data:`ACTIVATIONS`, or an :class:`Activation`.

    Returns
    -------
    Activation

    Raises
    ------
    ValueError
        For an unknown name; the message lists the valid choices.

    >>> get_activation("tanh")
    Activation(tanh: \\tanh z, range=(-1, 1))
    """
    return _lookup("activation", activation, Activation, ACTIVATIONS)


def _lookup(name, value, cls, table):
    """``value`` if it is a ``cls``, else ``table[value]``; the error names ``name`` and the choices."""
    if isinstance(value, cls):
        return value
    if not isinstance(value, str):
        valid = ", ".join(repr(k) for k in table)
        article = "an" if cls.__name__[0] in "AEIOU" else "a"
        raise ValueError(f"{name} must be one of {valid} or {article} {cls.__name__}; got {value!r}")
    return table[_validate.choice(name, value, tuple(table))]
