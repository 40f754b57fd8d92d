r"""Optimisers beyond plain descent: momentum, RMSProp and Adam as one update rule.

All three keep running averages of the gradient ``g`` (per run, per coordinate) and step along
a *direction* ``d`` instead of ``g`` itself; :func:`course_utils.gradient_descent` then applies
``x <- x - learning_rate * d`` exactly as it applies plain descent:

* **momentum**: :math:`m \leftarrow \beta m + g`, direction :math:`m`;
* **RMSProp**: :math:`v \leftarrow \beta v + (1-\beta) g^2`, direction :math:`g / (\sqrt{v} + \epsilon)`;
* **Adam**: :math:`m \leftarrow \beta_1 m + (1-\beta_1) g` and :math:`v` as RMSProp (with
  :math:`\beta_2`), direction :math:`\hat m / (\sqrt{\hat v} + \epsilon)`,

with Adam's bias corrections :math:`\hat m = m / (1 - \beta_1^t)`, :math:`\hat v = v / (1 - \beta_2^t)`.
Momentum with ``beta = 0`` is plain descent, bit for bit. Hyperparameters may be arrays: they
broadcast against the starts and learning rates, so a grid over ``beta`` is one call.

>>> import numpy as np, course_utils as cu
>>> r = cu.gradient_descent(cu.quadratic, 2.0, learning_rate=0.05, epochs=200, optimizer=cu.momentum(beta=0.5))
>>> round(float(r.final), 6)
0.5
>>> cu.adam()
adam(beta1=0.9, beta2=0.999, eps=1e-08)
"""
from __future__ import annotations

import numpy as np

from . import _validate

__all__ = ["Optimizer", "momentum", "rmsprop", "adam", "OPTIMIZERS"]


def _fraction(name, value):
    """A number or array of numbers in [0, 1): a decay rate of a running average."""
    if isinstance(value, (bool, np.bool_, str)):
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}")
    arr = _validate.finite_array(name, value)
    if np.any(arr < 0) or np.any(arr >= 1):
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return arr


def _positive(name, value):
    if isinstance(value, (bool, np.bool_, str)):
        raise ValueError(f"{name} must be a number > 0, got {value!r}")
    return _validate.positive_array(name, value)


class Optimizer:
    """One update rule with a first moment (``beta1``), a second moment (``beta2``) or both.

    Use :func:`momentum`, :func:`rmsprop` or :func:`adam` to make one; pass it to
    ``gradient_descent(..., optimizer=...)``.

    Parameters
    ----------
    name : str
        "momentum", "rmsprop" or "adam" (used in ``repr``).
    beta1 : float or array_like, optional
        Decay of the running average of ``g``; ``None``: the direction uses ``g`` itself.
    beta2 : float or array_like, optional
        Decay of the running average of ``g**2``; ``None``: no division by it.
    eps : float or array_like, default 1e-8
        Added to the square root of the second moment (only with ``beta2``).
    average : bool
        True: ``m <- beta1 m + (1 - beta1) g`` (Adam); False: ``m <- beta1 m + g`` (heavy ball).
    bias_correction : bool
        Divide the moments by ``1 - beta**t`` (Adam).
    """

    def __init__(self, name, *, beta1=None, beta2=None, eps=1e-8, average=False, bias_correction=False):
        self.name = _validate.choice("name", name, ("momentum", "rmsprop", "adam"))
        self.beta1 = None if beta1 is None else _fraction("beta1" if name == "adam" else "beta", beta1)
        self.beta2 = None if beta2 is None else _fraction("beta2" if name == "adam" else "beta", beta2)
        self.eps = _positive("eps", eps)
        self.average = _validate.flag("average", average)
        self.bias_correction = _validate.flag("bias_correction", bias_correction)
        self._shown = {}

    @property
    def shape(self):
        """Broadcast shape of the hyperparameter arrays (joins the batch shape of a run)."""
        arrays = [a for a in (self.beta1, self.beta2) if a is not None]
        if self.beta2 is not None:
            arrays.append(self.eps)
        return np.broadcast_shapes(*(a.shape for a in arrays)) if arrays else ()

    def __repr__(self):
        args = ", ".join(f"{k}={_show(v)}" for k, v in self._shown.items())
        return f"{self.name}({args})"

    def _start(self, x, ndim):
        """Fresh state for the runs whose positions are ``x`` (shape ``B`` or ``(*B, 2)`` for
        ``ndim`` 1 or 2; the state arrays copy its memory layout)."""
        return _State(self, x, ndim)


def _show(v):
    v = np.asarray(v)
    return repr(float(v)) if v.ndim == 0 else f"array(shape={v.shape})"


class _State:
    """The running averages of one gradient_descent call, updated in place every step."""

    def __init__(self, opt, x, ndim):
        two_d = ndim == 2

        def per_run(a):  # hyperparameters broadcast over runs, with a coordinate axis for 2-D
            a = np.asarray(a, dtype=float)
            return a[..., None] if self.two_d and a.ndim else a

        self.two_d = two_d
        self.opt, self.t = opt, 0
        self.b1 = None if opt.beta1 is None else per_run(opt.beta1)
        self.b2 = None if opt.beta2 is None else per_run(opt.beta2)
        self.eps = per_run(opt.eps)
        self.m = None if self.b1 is None else np.zeros_like(x)
        self.v = None if self.b2 is None else np.zeros_like(x)
        self.d = np.empty_like(x)
        self.tmp = np.empty_like(x)

    def direction(self, g):
        """Update the averages with gradient ``g`` and return the step direction (a buffer)."""
        opt, self.t = self.opt, self.t + 1
        d, tmp = self.d, self.tmp
        if self.m is None:
            np.copyto(d, g)
        else:
            np.multiply(self.m, self.b1, out=self.m)
            if opt.average:
                np.multiply(g, 1 - self.b1, out=tmp)
                np.add(self.m, tmp, out=self.m)
            else:
                np.add(self.m, g, out=self.m)
            np.copyto(d, self.m)
            if opt.bias_correction:
                np.divide(d, 1 - self.b1 ** self.t, out=d)
        if self.v is not None:
            np.multiply(self.v, self.b2, out=self.v)
            np.multiply(g, g, out=tmp)
            np.multiply(tmp, 1 - self.b2, out=tmp)
            np.add(self.v, tmp, out=self.v)
            if opt.bias_correction:
                np.divide(self.v, 1 - self.b2 ** self.t, out=tmp)
                np.sqrt(tmp, out=tmp)
            else:
                np.sqrt(self.v, out=tmp)
            np.add(tmp, self.eps, out=tmp)
            np.divide(d, tmp, out=d)
        return d


def momentum(beta=0.9):
    r"""Heavy-ball momentum: :math:`m \leftarrow \beta m + g`, step :math:`-\alpha m`.

    Parameters
    ----------
    beta : float or array_like in [0, 1), default 0.9
        How much of the previous velocity is kept; 0 is plain descent.
    """
    opt = Optimizer("momentum", beta1=_fraction("beta", beta))
    opt._shown = {"beta": opt.beta1}
    return opt


def rmsprop(beta=0.9, *, eps=1e-8):
    r"""RMSProp: divide the gradient by the root of its running mean square.

    Parameters
    ----------
    beta : float or array_like in [0, 1), default 0.9
        Decay of the running mean of :math:`g^2`.
    eps : float or array_like > 0, default 1e-8
        Keeps the division finite where the gradient vanishes.
    """
    opt = Optimizer("rmsprop", beta2=_fraction("beta", beta), eps=eps)
    opt._shown = {"beta": opt.beta2, "eps": opt.eps}
    return opt


def adam(beta1=0.9, beta2=0.999, *, eps=1e-8):
    r"""Adam: momentum on the gradient, RMSProp's division, both bias-corrected.

    Its first step moves every coordinate by the learning rate (up to ``eps``), whatever the
    gradient's size: :math:`\hat m_1 / \sqrt{\hat v_1} = g / |g|`.

    Parameters
    ----------
    beta1 : float or array_like in [0, 1), default 0.9
    beta2 : float or array_like in [0, 1), default 0.999
    eps : float or array_like > 0, default 1e-8
    """
    opt = Optimizer("adam", beta1=_fraction("beta1", beta1), beta2=_fraction("beta2", beta2), eps=eps,
                    average=True, bias_correction=True)
    opt._shown = {"beta1": opt.beta1, "beta2": opt.beta2, "eps": opt.eps}
    return opt


OPTIMIZERS = {"momentum": momentum, "rmsprop": rmsprop, "adam": adam}
