"""Errors, losses and the cost J, each loss with its gradient.

Vocabulary of the course:

* the **error** of a sample is ``y_hat - y``;
* a **loss** scores one sample: calling it, ``loss(y_hat, y)``, returns one number per
  sample, and ``loss.grad(y_hat, y)`` its gradient with respect to ``y_hat`` (both check
  their inputs; ``loss.f`` / ``loss.df`` are the raw elementwise formulas);
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
from .activations import _log_softmax, _lookup, sigmoid, softmax

__all__ = [
    "Loss", "mse", "binary_cross_entropy", "bce_with_logits", "categorical_cross_entropy",
    "cce_with_logits", "cross_entropy", "cost", "cost_grad", "errors", "binarised_errors",
    "one_hot", "LOSSES", "get_loss", "EPS",
]

#: Probabilities are clipped to ``[EPS, 1 - EPS]`` before taking logarithms.
EPS = 1e-7

_EXPECTS = ("values", "probabilities", "logits")
_TARGETS = ("any", "probabilities", "distributions")


def _float_dtype(dtype):
    """``np.float64`` or ``np.float32`` from a name or dtype; anything else is refused."""
    try:
        dt = None if dtype is None or isinstance(dtype, bool) else np.dtype(dtype)
    except TypeError:
        dt = None
    if dt not in (np.float64, np.float32):
        raise ValueError(f"dtype must be 'float64' or 'float32', got {dtype!r}")
    return dt


def _pair(y_hat, y, dtype="float64"):
    """Float arrays ``y_hat`` and ``y`` of the same shape ``(n,)`` or ``(n, k)``, in ``dtype``."""
    dtype = _float_dtype(dtype)
    y_hat = _validate.finite_array("y_hat", y_hat).astype(dtype, copy=False)
    y = _validate.finite_array("y", y).astype(dtype, copy=False)
    if y_hat.ndim not in (1, 2):
        raise ValueError(f"y_hat must have shape (n,) or (n, k), got shape {y_hat.shape}")
    if y_hat.shape != y.shape:
        raise ValueError(f"y_hat and y must have the same shape, got y_hat {y_hat.shape} and y {y.shape}"
                         " (reshape one of them, e.g. y.reshape(-1, 1) or y_hat.ravel())")
    return y_hat, y


def _in_unit_interval(name, values, what):
    if np.any(values < 0) or np.any(values > 1):
        raise ValueError(f"{name} must lie in [0, 1] for {what}, got values in "
                         f"[{values.min():g}, {values.max():g}]")


def _check_targets(kind, y, what):
    """Targets of a cross-entropy: in [0, 1]; for ``"distributions"`` rows that sum to 1."""
    if kind == "any":
        return
    _in_unit_interval("y", y, what)
    if kind == "distributions":
        if y.ndim != 2 or y.shape[1] < 2:
            raise ValueError(f"y must have shape (n, k) with k >= 2 classes for {what} (one-hot rows, "
                             f"e.g. cu.nn.one_hot(labels, k)), got shape {y.shape}")
        sums = y.sum(axis=1)
        worst = int(np.argmax(np.abs(sums - 1.0)))
        if abs(sums[worst] - 1.0) > 1e-6:
            raise ValueError(f"y must have rows that sum to 1 (one-hot or a distribution) for {what}; "
                             f"row {worst} sums to {sums[worst]:g}")


class Loss:
    """A per-sample loss and its gradient with respect to the prediction.

    Parameters
    ----------
    name : str
        Identifier used by :func:`get_loss`.
    f : callable
        ``f(y_hat, y) -> losses``: arrays of the same shape in, the same shape out; the
        per-sample loss is the sum over the last axis for ``(n, k)`` inputs.
    df : callable
        ``df(y_hat, y) -> d loss / d y_hat``, same shape.
    expects : {"values", "probabilities", "logits"}
        What ``y_hat`` should be. Probabilities outside ``[0, 1]`` are refused.
    formula : str, optional
        The per-sample formula as LaTeX.
    targets : {"any", "probabilities", "distributions"}
        What ``y`` may be: anything, numbers in ``[0, 1]``, or rows in ``[0, 1]`` that sum
        to 1 (one-hot labels of ``k`` classes).
    link : Activation, optional
        For a loss on probabilities: the output activation that turns logits into them
        (sigmoid, softmax). A network with that output computes the loss from its logits
        with ``logits_loss`` (see :class:`~course_utils.nn.Network`).
    logits_loss : Loss, optional
        The same loss written as a function of the logits.

    Notes
    -----
    ``loss(y_hat, y)`` and ``loss.grad(y_hat, y)`` check shapes and ranges; ``loss.f`` and
    ``loss.df`` are the raw formulas, which work on arrays of any shape (a network training
    several runs at once uses them).
    """

    def __init__(self, name, f, df, *, expects, formula="", targets="any", link=None, logits_loss=None):
        if not isinstance(name, str) or not name:
            raise ValueError(f"name must be a non-empty string, got {name!r}")
        for label, fn in (("f", f), ("df", df)):
            if not callable(fn):
                raise ValueError(f"{label} must be callable (a function of y_hat and y), got {fn!r}")
        self.name = name
        self.f = f
        self.df = df
        self.expects = _validate.choice("expects", expects, _EXPECTS)
        self.targets = _validate.choice("targets", targets, _TARGETS)
        if not isinstance(formula, str):
            raise ValueError(f"formula must be a string, got {formula!r}")
        self.formula = formula
        if (link is None) != (logits_loss is None):
            raise ValueError("link and logits_loss go together: give both or neither, "
                             f"got link={link!r}, logits_loss={logits_loss!r}")
        if logits_loss is not None and not (isinstance(logits_loss, Loss) and logits_loss.expects == "logits"):
            raise ValueError(f"logits_loss must be a Loss that expects logits, got {logits_loss!r}")
        self.link = link
        self.logits_loss = logits_loss

    def check(self, y_hat, y, dtype="float64"):
        """``y_hat`` and ``y`` as float arrays of ``dtype``, after checking shapes and ranges."""
        y_hat, y = _pair(y_hat, y, dtype)
        if self.expects == "probabilities":
            _in_unit_interval("y_hat", y_hat, f"{self.name} (probabilities; give logits to "
                              f"{self.logits_loss.name if self.logits_loss else 'a logits loss'})")
        _check_targets(self.targets, y, self.name)
        return y_hat, y

    def __call__(self, y_hat, y, *, dtype="float64"):
        """Per-sample losses.

        Parameters
        ----------
        y_hat, y : array_like, shape (n,) or (n, k)
            Predictions and targets (same shape).
        dtype : {"float64", "float32"}
            Precision of the computation and of the result.

        Returns
        -------
        ndarray, shape (n,)
            One loss per sample, summed over the ``k`` outputs.
        """
        y_hat, y = self.check(y_hat, y, dtype)
        with np.errstate(over="ignore"):  # a loss too large for a float is inf, not a warning
            values = self.f(y_hat, y)
        return values if values.ndim == 1 else values.sum(axis=1)

    def grad(self, y_hat, y, *, dtype="float64"):
        """Gradient of each sample's loss with respect to its prediction (in ``dtype``).

        Returns
        -------
        ndarray, same shape as ``y_hat``
        """
        y_hat, y = self.check(y_hat, y, dtype)
        with np.errstate(over="ignore"):
            return self.df(y_hat, y)

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


def _cce(p, y):
    # Terms with y = 0 are 0 (not 0 * log 0 = NaN); the sum over the classes is the loss.
    return -y * np.log(_clip(p))


def _cce_grad(p, y):
    return -y / _clip(p)


def _cce_logits(z, y):
    # -y_i log softmax(z)_i = y_i (logsumexp(z) - z_i): every term >= 0, no overflow.
    return -y * _log_softmax(z)


def _cce_logits_grad(z, y):
    # d/dz of -sum_i y_i log softmax(z)_i = softmax(z) * sum(y) - y = p - y for rows summing to 1.
    return softmax.f(z) * np.sum(y, axis=-1, keepdims=True) - y


mse = Loss("mse", lambda y_hat, y: (y_hat - y) ** 2, lambda y_hat, y: 2.0 * (y_hat - y),
           expects="values", formula=r"(\hat y - y)^2")
bce_with_logits = Loss(
    "bce_with_logits", _bce_logits, lambda z, y: sigmoid.f(z) - y, expects="logits",
    targets="probabilities", formula=r"\log(1 + e^{z}) - y z,\ \hat y = \sigma(z)")
binary_cross_entropy = Loss(
    "binary_cross_entropy", _bce, _bce_grad, expects="probabilities", targets="probabilities",
    formula=r"-[y \log \hat y + (1 - y) \log(1 - \hat y)]", link=sigmoid, logits_loss=bce_with_logits)
cce_with_logits = Loss(
    "cce_with_logits", _cce_logits, _cce_logits_grad, expects="logits", targets="distributions",
    formula=r"\log \sum_j e^{z_j} - \sum_i y_i z_i,\ \hat y = \mathrm{softmax}(z)")
categorical_cross_entropy = Loss(
    "categorical_cross_entropy", _cce, _cce_grad, expects="probabilities", targets="distributions",
    formula=r"-\sum_i y_i \log \hat y_i", link=softmax, logits_loss=cce_with_logits)

LOSSES = {loss.name: loss for loss in (mse, binary_cross_entropy, bce_with_logits,
                                       categorical_cross_entropy, cce_with_logits)}


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


def one_hot(labels, k):
    """Class labels ``0 .. k-1`` as one-hot rows: row ``i`` is 1 in column ``labels[i]``.

    Parameters
    ----------
    labels : array_like of int, shape (n,)
    k : int
        Number of classes, >= 2.

    Returns
    -------
    ndarray, shape (n, k)

    >>> one_hot([0, 2, 1], 3)
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])
    """
    k = _validate.integer("k", k, minimum=2)
    labels = _class_labels("labels", labels, k)
    return (labels[:, None] == np.arange(k)).astype(float)


def _class_labels(name, labels, k):
    """``labels`` as an int array of shape (n,) with values in 0..k-1, or a ValueError."""
    arr = _validate.finite_array(name, labels)
    if arr.ndim != 1:
        raise ValueError(f"{name} must have shape (n,): one class label per sample, got shape {arr.shape}")
    if np.any(arr != np.round(arr)) or np.any(arr < 0) or np.any(arr >= k):
        bad = arr[(arr != np.round(arr)) | (arr < 0) | (arr >= k)][0]
        raise ValueError(f"{name} must be class labels: integers 0 to {k - 1}, got {bad:g}")
    return arr.astype(int)


def cross_entropy(p, q, *, axis=-1, from_logits=False):
    """The general cross-entropy ``-sum_i p_i log q_i`` of distributions along ``axis``.

    Parameters
    ----------
    p : array_like
        Target distribution(s) with entries in [0, 1], e.g. one-hot rows of shape ``(n, k)``.
    q : array_like, same shape as ``p``
        Predicted probabilities in [0, 1], clipped to ``[EPS, 1]`` before the logarithm; or,
        with ``from_logits=True``, logits ``z`` with ``q = softmax(z)`` along ``axis``, and
        then ``log q = z - logsumexp(z)`` is computed without clipping and without overflow.
    axis : int
        The axis holding the classes.
    from_logits : bool, default False

    Returns
    -------
    float or ndarray
        The cross-entropy with ``axis`` summed out (one value per sample for ``(n, k)``).
        The notes' ``-(1/n) sum p log q`` is the mean of these over the samples.

    >>> round(float(cross_entropy([1.0, 0.0], [0.9, 0.1])), 4)
    0.1054
    >>> round(float(cross_entropy([1.0, 0.0], [np.log(9.0), 0.0], from_logits=True)), 4)
    0.1054
    """
    p = _validate.finite_array("p", p)
    q = _validate.finite_array("q", q)
    from_logits = _validate.flag("from_logits", from_logits)
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same shape, got p {p.shape} and q {q.shape}")
    if p.ndim == 0:
        raise ValueError("p must have at least one axis (the classes), got a number")
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)) \
            or not -p.ndim <= axis < p.ndim:
        raise ValueError(f"axis must be an integer in [{-p.ndim}, {p.ndim - 1}], got {axis!r}")
    _in_unit_interval("p", p, "cross_entropy (a distribution)")
    if from_logits:
        log_q = np.moveaxis(_log_softmax(np.moveaxis(q, axis, -1)), -1, axis)
    else:
        _in_unit_interval("q", q, "cross_entropy (probabilities; pass from_logits=True for logits)")
        log_q = np.log(np.clip(q, EPS, 1.0))
    out = -np.sum(p * log_q, axis=axis)
    return out if np.ndim(out) else float(out)


def cost(loss, y_hat, y, *, dtype="float64"):
    """The cost ``J``: the mean of the per-sample losses over the batch.

    Parameters
    ----------
    loss : str or Loss
        E.g. ``"mse"`` or ``cu.nn.binary_cross_entropy``.
    y_hat, y : array_like, shape (n,) or (n, k)
    dtype : {"float64", "float32"}
        Precision of the computation (the mean included).

    Returns
    -------
    float
    """
    return float(np.mean(get_loss(loss)(y_hat, y, dtype=dtype)))


def cost_grad(loss, y_hat, y, *, dtype="float64"):
    """Gradient of :func:`cost` with respect to ``y_hat``: the per-sample gradients / n.

    Returns
    -------
    ndarray, same shape as ``y_hat``, of ``dtype``
    """
    g = get_loss(loss).grad(y_hat, y, dtype=dtype)
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
