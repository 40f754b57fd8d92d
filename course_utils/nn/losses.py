"""Errors, losses and the cost J, each loss with its gradient.

Vocabulary of the course:

* the **error** of a sample is ``y_hat - y``;
* a **loss** scores one sample (``Loss.value`` returns one number per sample);
* the **cost** J is the mean loss over a batch of samples (:func:`cost`).

Predictions and targets have shape ``(n,)`` (one output) or ``(n, k)`` (k outputs; the
per-sample loss is then summed over the outputs).

>>> import numpy as np, course_utils as cu
>>> y_hat, y = np.array([0.9, 0.2, 0.1, 0.51]), np.array([1, 0, 1, 0])
>>> cu.nn.errors(y_hat, y).round(2)
array([-0.1 ,  0.2 , -0.9 ,  0.51])
>>> cu.nn.binarised_errors(y_hat, y)
array([0, 0, 1, 1])
>>> round(cu.nn.cost("mse", y_hat, y), 4)
0.28
"""
from __future__ import annotations

import numpy as np

from .. import _validate
from .activations import _lookup, sigmoid

__all__ = [
    "Loss", "mse", "binary_cross_entropy", "bce_with_logits", "cross_entropy",
    "cost", "cost_grad", "errors", "binarised_errors", "LOSSES", "get_loss", "EPS",
]

#: Probabilities are clipped to ``[EPS, 1 - EPS]`` before taking logarithms.
EPS = 1e-7


def _pair(y_hat, y):
    """Float arrays ``y_hat`` and ``y`` of the same shape ``(n,)`` or ``(n, k)``."""
    y_hat = _validate.finite_array("y_hat", y_hat)
    y = _validate.finite_array("y", y)
    if y_hat.ndim not in (1, 2):
        raise ValueError(f"y_hat must have shape (n,) or (n, k), got shape {y_hat.shape}")
    if y_hat.shape != y.shape:
        raise ValueError(f"y_hat and y must have the same shape, got y_hat {y_hat.shape} and y {y.shape}"
                         " (reshape one of them, e.g. y.reshape(-1, 1) or y_hat.ravel())")
    return y_hat, y


def _per_sample(values):
    return values if values.ndim == 1 else values.sum(axis=1)


class Loss:
    """A per-sample loss and its gradient with respect to the prediction.

    Parameters
    ----------
    name : str
        Identifier used by :func:`get_loss`.
    value : callable
        ``value(y_hat, y) -> losses``, elementwise on arrays of the same shape.
    grad : callable
        ``grad(y_hat, y) -> d loss / d y_hat``, elementwise, same shape.
    expects : str
        What ``y_hat`` should be: ``"values"``, ``"probabilities"`` or ``"logits"``.
    formula : str, optional
        The per-sample formula as LaTeX.
    check_targets : bool
        If True, targets must lie in ``[0, 1]`` (the cross-entropy losses).

    Attributes
    ----------
    elementwise, elementwise_grad : callable
        ``value`` and ``grad`` as given: no shape checks and no sum over outputs, so they
        work on arrays of any shape (a network training several runs at once uses them).
    """

    def __init__(self, name, value, grad, *, expects, formula="", check_targets=False):
        self.name = name
        self.elementwise = value
        self.elementwise_grad = grad
        self.expects = expects
        self.formula = formula
        self.check_targets = check_targets

    def _inputs(self, y_hat, y):
        y_hat, y = _pair(y_hat, y)
        if self.check_targets and (np.any(y < 0) or np.any(y > 1)):
            raise ValueError(f"y must lie in [0, 1] for {self.name}, got values in "
                             f"[{y.min():g}, {y.max():g}]")
        return y_hat, y

    def value(self, y_hat, y):
        """Per-sample losses.

        Parameters
        ----------
        y_hat, y : array_like, shape (n,) or (n, k)
            Predictions and targets (same shape).

        Returns
        -------
        ndarray, shape (n,)
            One loss per sample, summed over the ``k`` outputs.
        """
        return _per_sample(self.elementwise(*self._inputs(y_hat, y)))

    def grad(self, y_hat, y):
        """Gradient of each sample's loss with respect to its prediction.

        Returns
        -------
        ndarray, same shape as ``y_hat``
        """
        return self.elementwise_grad(*self._inputs(y_hat, y))

    def __repr__(self):
        return f"Loss({self.name}: {self.formula}, expects {self.expects})"


def _clip(p):
    return np.clip(p, EPS, 1.0 - EPS)


def _bce(p, y):
    p = _clip(p)
    return -(y * np.log(p) + (1.0 - y) * np.log1p(-p))


def _bce_grad(p, y):
    # Gradient of the formula evaluated at the clipped probability: finite at p = 0 or 1.
    p = _clip(p)
    return (p - y) / (p * (1.0 - p))


def _bce_logits(z, y):
    # -y log s(z) - (1-y) log(1 - s(z)) = log(1 + e^z) - y z; logaddexp never overflows.
    return np.logaddexp(0.0, z) - y * z


mse = Loss("mse", lambda y_hat, y: (y_hat - y) ** 2, lambda y_hat, y: 2.0 * (y_hat - y),
           expects="values", formula=r"(\hat y - y)^2")
binary_cross_entropy = Loss(
    "binary_cross_entropy", _bce, _bce_grad, expects="probabilities", check_targets=True,
    formula=r"-[y \log \hat y + (1 - y) \log(1 - \hat y)]")
bce_with_logits = Loss(
    "bce_with_logits", _bce_logits, lambda z, y: sigmoid.f(z) - y, expects="logits",
    check_targets=True, formula=r"\log(1 + e^{z}) - y z,\ \hat y = \sigma(z)")

LOSSES = {loss.name: loss for loss in (mse, binary_cross_entropy, bce_with_logits)}


def get_loss(loss):
    """The :class:`Loss` for a name (or the loss itself).

    Raises
    ------
    ValueError
        For an unknown name; the message lists the valid choices.

    >>> get_loss("mse").name
    'mse'
    """
    return _lookup("loss", loss, Loss, LOSSES)


def cross_entropy(p, q, *, axis=-1):
    """The general cross-entropy ``-sum_i p_i log q_i`` of distributions along ``axis``.

    Parameters
    ----------
    p : array_like
        Target distribution(s), e.g. one-hot rows of shape ``(n, k)``.
    q : array_like, same shape as ``p``
        Predicted probabilities; clipped to ``[EPS, 1]`` before the logarithm.
    axis : int
        The axis holding the classes.

    Returns
    -------
    float or ndarray
        The cross-entropy with ``axis`` summed out (one value per sample for ``(n, k)``).
        The notes' ``-(1/n) sum p log q`` is the mean of these over the samples.

    >>> round(float(cross_entropy([1.0, 0.0], [0.9, 0.1])), 4)
    0.1054
    """
    p = _validate.finite_array("p", p)
    q = _validate.finite_array("q", q)
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same shape, got p {p.shape} and q {q.shape}")
    if p.ndim == 0:
        raise ValueError("p must have at least one axis (the classes), got a number")
    if not isinstance(axis, (int, np.integer)) or not -p.ndim <= axis < p.ndim:
        raise ValueError(f"axis must be an integer in [{-p.ndim}, {p.ndim - 1}], got {axis!r}")
    out = -np.sum(p * np.log(np.clip(q, EPS, 1.0)), axis=axis)
    return out if np.ndim(out) else float(out)


def cost(loss, y_hat, y):
    """The cost ``J``: the mean of the per-sample losses over the batch.

    Parameters
    ----------
    loss : str or Loss
        E.g. ``"mse"`` or ``cu.nn.binary_cross_entropy``.
    y_hat, y : array_like, shape (n,) or (n, k)

    Returns
    -------
    float
    """
    return float(np.mean(get_loss(loss).value(y_hat, y)))


def cost_grad(loss, y_hat, y):
    """Gradient of :func:`cost` with respect to ``y_hat``: the per-sample gradients / n.

    Returns
    -------
    ndarray, same shape as ``y_hat``
    """
    g = get_loss(loss).grad(y_hat, y)
    return g / g.shape[0]


def errors(y_hat, y):
    """Continuous errors ``y_hat - y`` (positive: the prediction was too high).

    Returns
    -------
    ndarray, same shape as ``y_hat``
    """
    y_hat, y = _pair(y_hat, y)
    return y_hat - y


def binarised_errors(y_hat, y, *, threshold=0.5):
    """1 where the thresholded prediction is the wrong class, else 0.

    A prediction counts as class 1 when ``y_hat >= threshold``.

    Returns
    -------
    ndarray of int, same shape as ``y_hat``
    """
    y_hat, y = _pair(y_hat, y)
    threshold = _validate.finite_array("threshold", threshold)
    if threshold.ndim:
        raise ValueError(f"threshold must be a single number, got shape {threshold.shape}")
    return ((y_hat >= threshold).astype(float) != y).astype(int)
