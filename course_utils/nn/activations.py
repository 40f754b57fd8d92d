"""Activation functions of a unit, each with its derivative and its output range.

An activation maps the linear part of a unit, ``z = x @ w + b``, to its output. Its
derivative is what the chain rule multiplies by in backpropagation.

Like every "function with a derivative" in the course: calling the activation gives its
value and ``.grad`` its derivative, both checking their input; ``.f`` and ``.df`` are the
raw formulas (no checks, arrays in and out) that inner loops use.

>>> import course_utils as cu
>>> cu.nn.sigmoid(0.0), cu.nn.sigmoid.grad(0.0)
(0.5, 0.25)
>>> cu.nn.sign([-2.0, 0.0, 3.0])
array([-1.,  1.,  1.])
>>> cu.nn.softmax([0.0, 0.0, np.log(2.0)])
array([0.25, 0.25, 0.5 ])
"""
from __future__ import annotations

import numpy as np

from .. import _validate

__all__ = [
    "Activation", "Softmax", "identity", "sigmoid", "tanh", "relu", "step", "sign", "softmax",
    "ACTIVATIONS", "get_activation",
]


class Activation:
    """An elementwise activation with its derivative.

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
    df_from_output : callable, optional
        ``df_from_output(a) -> da/dz`` from the output ``a = f(z)`` alone, when that is the
        same number more cheaply (``1 - a^2`` for tanh): backpropagation then skips
        recomputing ``f``.

    Notes
    -----
    ``activation(z)`` and ``activation.grad(z)`` accept a number or an array of any shape
    and return a float for a number, else an array of the same shape. ``activation.f`` and
    ``activation.df`` are the formulas as given: float arrays only, nothing checked.
    """

    def __init__(self, name, f, df, output_range, *, formula="", df_from_output=None):
        if not isinstance(name, str) or not name:
            raise ValueError(f"name must be a non-empty string, got {name!r}")
        for label, fn in (("f", f), ("df", df)):
            if not callable(fn):
                raise ValueError(f"{label} must be callable (a function of z), got {fn!r}")
        self.name = name
        self.f = f
        self.df = df
        self.output_range = _output_range(output_range)
        if not isinstance(formula, str):
            raise ValueError(f"formula must be a string, got {formula!r}")
        self.formula = formula
        if df_from_output is not None and not callable(df_from_output):
            raise ValueError(f"df_from_output must be callable (a function of a = f(z)), got {df_from_output!r}")
        self._df_from_output = df_from_output

    def __call__(self, z):
        """Activation values ``f(z)``; ``z`` any shape."""
        return _scalar_or_array(self.f(self._check_z(z)))

    def grad(self, z):
        """Derivative ``df/dz`` elementwise; same shape as ``z``."""
        return _scalar_or_array(self.df(self._check_z(z)))

    def backward(self, z, a, upstream):
        """``dJ/dz`` from ``dJ/da`` (``upstream``) by the chain rule; raw, no checks.

        For an elementwise activation that is ``upstream * df(z)``; ``a = f(z)`` is passed
        for activations whose derivative is cheaper from their output (tanh, sigmoid, softmax).
        """
        if self._df_from_output is not None:
            return upstream * self._df_from_output(a)
        return upstream * self.df(z)

    def _check_z(self, z):
        return _validate.as_float_array("z", z)

    def __repr__(self):
        lo, hi = self.output_range
        return f"{type(self).__name__}({self.name}: {self.formula}, range=({lo:g}, {hi:g}))"


def _output_range(output_range):
    try:
        lo, hi = (float(v) for v in output_range)
    except (TypeError, ValueError):
        raise ValueError(f"output_range must be a pair (lo, hi) of numbers, got {output_range!r}") from None
    if np.isnan(lo) or np.isnan(hi) or not lo < hi:
        raise ValueError(f"output_range must be (lo, hi) with lo < hi, got {output_range!r}")
    return lo, hi


def _scalar_or_array(out):
    return out if np.ndim(out) else float(out)


def _sigmoid(z):
    # exp(-|z|) never overflows: 1/(1+e^-z) for z >= 0 and e^z/(1+e^z) for z < 0.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_df(z):
    return _sigmoid_df_from_output(_sigmoid(z))


def _sigmoid_df_from_output(s):
    return s * (1.0 - s)


def _tanh_df(z):
    return _tanh_df_from_output(np.tanh(z))


def _tanh_df_from_output(t):
    d = t * t
    if isinstance(d, np.ndarray):  # 1 - t^2 in that same new array: one large temporary, not two
        return np.subtract(1.0, d, out=d)
    return 1.0 - d


identity = Activation("identity", lambda z: z + 0.0, np.ones_like, (-np.inf, np.inf), formula=r"z",
                      df_from_output=lambda a: 1.0)
sigmoid = Activation("sigmoid", _sigmoid, _sigmoid_df, (0.0, 1.0), formula=r"\frac{1}{1 + e^{-z}}",
                     df_from_output=_sigmoid_df_from_output)
tanh = Activation("tanh", np.tanh, _tanh_df, (-1.0, 1.0), formula=r"\tanh z", df_from_output=_tanh_df_from_output)
relu = Activation("relu", lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(z.dtype),
                  (0.0, np.inf), formula=r"\max(0, z)")
# The step and sign functions are flat almost everywhere: their derivative is 0 (undefined
# at z = 0), so gradient descent cannot learn through them. At z = 0 both output the
# "positive" class, the usual perceptron convention.
step = Activation("step", lambda z: (z >= 0).astype(z.dtype), np.zeros_like, (0.0, 1.0),
                  formula=r"1 \text{ if } z \geq 0 \text{ else } 0")
sign = Activation("sign", lambda z: np.where(z >= 0, 1.0, -1.0).astype(z.dtype), np.zeros_like,
                  (-1.0, 1.0), formula=r"+1 \text{ if } z \geq 0 \text{ else } -1")


def _log_softmax(z):
    """``log softmax(z)`` along the last axis, as ``z - logsumexp(z)``; raw, never overflows."""
    # Subtracting the row maximum makes every exponent <= 0: exp cannot overflow, and the
    # largest term is exp(0) = 1, so the sum is >= 1 and its logarithm is finite.
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def _softmax(z):
    shifted = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def _softmax_jacobian(z):
    s = _softmax(z)
    return s[..., :, None] * (np.eye(z.shape[-1], dtype=z.dtype) - s[..., None, :])


class Softmax(Activation):
    """Softmax over the last axis: ``a_i = e^{z_i} / sum_j e^{z_j}``, a probability per class.

    Unlike the other activations, each output depends on the whole row ``z`` (the ``k``
    outputs of a layer), so its derivative is a ``k x k`` Jacobian per row:
    ``da_i/dz_j = a_i (delta_ij - a_j)``. ``grad(z)`` returns it with shape
    ``z.shape + (k,)``; backpropagation never builds it (:meth:`backward`).
    It is computed as ``e^{z - max z}``, so large logits never overflow.
    """

    def __init__(self):
        super().__init__("softmax", _softmax, _softmax_jacobian, (0.0, 1.0),
                         formula=r"\frac{e^{z_i}}{\sum_j e^{z_j}}")

    def backward(self, z, a, upstream):
        # Jacobian-vector product: a * (g - <g, a>) per row, k operations instead of k^2.
        return a * (upstream - np.sum(upstream * a, axis=-1, keepdims=True))

    def _check_z(self, z):
        z = _validate.as_float_array("z", z)
        if z.ndim == 0:
            raise ValueError("z must have at least one axis (the classes, last) for softmax, got a number")
        return z


softmax = Softmax()

#: The elementwise activations, one per name: what a single unit can use.
ACTIVATIONS = {a.name: a for a in (identity, sigmoid, tanh, relu, step, sign)}
# Softmax acts on a whole layer (one probability per unit), so it is not a unit's activation,
# but a network layer may name it.
_LAYER_ACTIVATIONS = {**ACTIVATIONS, softmax.name: softmax}


def get_activation(activation):
    """The :class:`Activation` for a name (or the activation itself).

    Parameters
    ----------
    activation : str or Activation
        One of the names in :data:`ACTIVATIONS`, ``"softmax"``, or an :class:`Activation`.

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
    return _lookup("activation", activation, Activation, _LAYER_ACTIVATIONS)


def _lookup(name, value, cls, table):
    """``value`` if it is a ``cls``, else ``table[value]``; the error names ``name`` and the choices."""
    if isinstance(value, cls):
        return value
    if not isinstance(value, str):
        valid = ", ".join(repr(k) for k in table)
        article = "an" if cls.__name__[0] in "AEIOU" else "a"
        raise ValueError(f"{name} must be one of {valid} or {article} {cls.__name__}; got {value!r}")
    return table[_validate.choice(name, value, tuple(table))]
