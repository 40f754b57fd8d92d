"""One gradient-descent driver for the whole course, vectorized over starts and learning rates.

The update is the one written out in notebook 01, ``x <- x - learning_rate * grad(x)``,
applied to every run at once: start points and learning rates broadcast against each other,
so a grid of experiments is one call.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate
from .functions import Objective
from .schedules import Schedule

__all__ = ["DescentResult", "gradient_descent"]


@dataclass(frozen=True, repr=False)
class DescentResult:
    """Everything one call of :func:`gradient_descent` recorded.

    Shapes use ``B`` for the broadcast batch shape of starts and learning rates, ``E`` for
    the number of epochs and ``D`` for the trailing coordinate axis (absent for 1-D).

    Attributes
    ----------
    path : ndarray, shape (E + 1, *B[, 2])
        ``path[k]`` is the position after ``k`` epochs; ``path[0]`` is the start.
        After a run diverges its entries are NaN (see ``diverged_at``).
    grads : ndarray, shape (E, *B[, 2])
        The gradient used at each step.
    learning_rates : ndarray, shape (E, *B)
        The learning rate applied at each step (0 once a run has stopped or diverged).
    stopped_at : ndarray of int, shape B
        Epoch at which the gradient magnitude fell below ``tol`` (-1: never, or no ``tol``).
    diverged_at : ndarray of int, shape B
        Epoch whose update became non-finite or left ``|x| <= bound`` (-1: never).
    """

    path: np.ndarray
    grads: np.ndarray
    learning_rates: np.ndarray
    stopped_at: np.ndarray
    diverged_at: np.ndarray
    ndim: int = 1
    ascent: bool = False

    @property
    def epochs(self):
        """Number of epochs run."""
        return self.grads.shape[0]

    @property
    def final(self):
        """Position after the last epoch, shape ``(*B[, 2])`` (NaN where diverged)."""
        return self.path[-1]

    @property
    def diverged(self):
        """Boolean mask of the runs that diverged."""
        return self.diverged_at >= 0

    @property
    def stopped(self):
        """Boolean mask of the runs that met the stop tolerance."""
        return self.stopped_at >= 0

    def at(self, epochs):
        """Position after ``epochs`` epochs (an int or an array of ints), read from one run.

        >>> import course_utils as cu
        >>> r = cu.gradient_descent(cu.quadratic, 1.0, learning_rate=0.1, epochs=3)
        >>> [round(float(v), 4) for v in r.at([0, 1, 3])]
        [1.0, 0.7, 0.532]
        """
        k = np.asarray(epochs)
        if not np.issubdtype(k.dtype, np.integer) or np.any(k < 0) or np.any(k > self.epochs):
            raise ValueError(f"epochs must be integers in [0, {self.epochs}], got {epochs!r}")
        return self.path[k]

    def __repr__(self):
        runs = int(np.prod(self.stopped_at.shape))
        kind = "ascent" if self.ascent else "descent"
        return (f"DescentResult({kind}, runs={runs}, epochs={self.epochs}, "
                f"diverged={int(self.diverged.sum())}, stopped={int(self.stopped.sum())})")

    def divergence_report(self):
        """A sentence for the learner: how many runs diverged and from which epoch."""
        n = int(self.diverged.sum())
        if n == 0:
            return "No run diverged."
        first = int(self.diverged_at[self.diverged].min())
        runs = int(np.prod(self.stopped_at.shape))
        return f"{n} of {runs} run(s) diverged; the first at epoch {first}."


def _gradient_fn(grad, ndim):
    if ndim is not None:
        ndim = _validate.choice("ndim", _validate.integer("ndim", ndim), (1, 2))
    if isinstance(grad, Objective):
        if ndim not in (None, grad.ndim):
            raise ValueError(f"ndim must match the objective ({grad.name} is {grad.ndim}-D), got {ndim}")
        return grad.raw_grad, grad.ndim
    if not callable(grad):
        raise ValueError(f"grad must be an Objective or a callable, got {grad!r}")
    return grad, 1 if ndim is None else ndim


def _learning_rate_fn(learning_rate):
    if isinstance(learning_rate, type):  # e.g. cu.fixed instead of cu.fixed(0.1)
        raise ValueError("learning_rate must be a number, an array or a schedule such as "
                         f"cu.fixed(0.1), got the class {learning_rate.__name__}")
    if isinstance(learning_rate, Schedule) or callable(learning_rate):
        return learning_rate, ()
    lr = _validate.positive_array("learning_rate", learning_rate)
    return (lambda step, grad_norm: lr), lr.shape


def _magnitude(v, ndim):
    """|v| per run: the sum of squares np.linalg.norm(v, axis=-1) computes, without its overhead."""
    return np.abs(v) if ndim == 1 else np.sqrt(v[..., 0] * v[..., 0] + v[..., 1] * v[..., 1])


def gradient_descent(grad, start, *, learning_rate, epochs, ascent=False, tol=None,
                     ndim=None, bound=1e8):
    """Run gradient descent (or ascent) from many starts with many learning rates at once.

    Parameters
    ----------
    grad : Objective or callable
        An :class:`Objective` or a gradient function. A callable maps ``x`` of shape
        ``(*B)`` (1-D) or ``(*B, 2)`` (2-D) to an array of the same shape.
    start : float or array_like, shape (*S) or (*S, 2)
        Starting point(s).
    learning_rate : float, array_like of shape L, or Schedule
        Step size(s) > 0. An array broadcasts against the start shape ``S`` (give it extra
        axes to form a grid); a schedule is called as ``schedule(step, grad_norm)``.
    epochs : int
        Number of update steps, >= 1.
    ascent : bool, default False
        Climb instead: ``x <- x + learning_rate * grad(x)``.
    tol : float, optional
        Stop a run (freeze it) once ``|grad| < tol``.
    ndim : {1, 2}, optional
        Needed only when ``grad`` is a plain callable of 2-D points.
    bound : float, default 1e8
        A run whose ``|x|`` exceeds this has run away and is marked diverged.

    Returns
    -------
    DescentResult
        Path, gradients and learning rates at every step, plus stop/divergence epochs.

    Examples
    --------
    >>> import numpy as np, course_utils as cu
    >>> r = cu.gradient_descent(cu.quadratic, np.array([-1.0, 2.0]), learning_rate=0.1, epochs=50)
    >>> np.round(r.final, 4).tolist()
    [0.5, 0.5]
    >>> grid = cu.gradient_descent(cu.quadratic, 1.0, learning_rate=[[0.01], [0.1]], epochs=5)
    >>> grid.final.shape
    (2, 1)
    """
    gradient, ndim = _gradient_fn(grad, ndim)
    x = _validate.points("start", start, ndim).copy()
    epochs = _validate.integer("epochs", epochs, minimum=1)
    tol = _validate.positive_number("tol", tol, allow_none=True)
    bound = _validate.positive_number("bound", bound)
    ascent = _validate.flag("ascent", ascent)
    lr_fn, lr_shape = _learning_rate_fn(learning_rate)

    start_shape = x.shape[:-1] if ndim == 2 else x.shape
    try:
        batch = np.broadcast_shapes(start_shape, lr_shape)
    except ValueError:
        raise ValueError(f"learning_rate of shape {lr_shape} does not broadcast against start of shape "
                         f"{start_shape}; add an axis for a grid, e.g. np.array(rates)[:, None]") from None
    # A single start runs as a batch of one: numpy scalars take other code paths than arrays
    # (``**`` through C pow, for one), and a single run must equal the same run in any batch.
    single = batch == ()
    batch = batch or (1,)
    x = np.broadcast_to(x, batch + (2,) * (ndim == 2)).copy()
    sign = 1.0 if ascent else -1.0

    path = np.empty((epochs + 1,) + x.shape)
    grads = np.empty((epochs,) + x.shape)
    rates = np.empty((epochs,) + batch)
    stopped_at = np.full(batch, -1)
    diverged_at = np.full(batch, -1)
    path[0] = x

    # |grad| is only needed by schedules and the stop test; runs that have stopped or diverged
    # are masked out, and while none has, the masking is skipped (same numbers, fewer passes).
    uses_norm = tol is not None or callable(learning_rate)
    active = np.ones(batch, dtype=bool)
    all_active = True
    # Diverging runs overflow on purpose; they are reported through diverged_at instead.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for step in range(epochs):
            g = np.asarray(gradient(x), dtype=float)
            norm = _magnitude(g, ndim) if uses_norm else None
            if tol is not None:
                newly = active & (norm < tol)
                if newly.any():
                    stopped_at[newly] = step
                    active &= ~newly
                    all_active = False
            lr = np.asarray(lr_fn(step, norm))
            if np.shape(lr) != batch:
                lr = np.broadcast_to(lr, batch)
            if not all_active:
                lr = np.where(active, lr, 0.0)
            step_size = lr[..., None] if ndim == 2 else lr
            moved = x + sign * step_size * g
            if all_active:
                x = np.asarray(moved)
            else:
                x = np.where(active[..., None] if ndim == 2 else active, moved, x)
            bad = ~(_magnitude(x, ndim) <= bound)
            if not all_active:
                bad &= active
            if bad.any():
                diverged_at[bad] = step + 1
                x[bad] = np.nan
                active &= ~bad
                all_active = False
            grads[step], rates[step], path[step + 1] = g, lr, x

    if single:
        path, grads, rates = path[:, 0], grads[:, 0], rates[:, 0]
        stopped_at, diverged_at = stopped_at[0, ...], diverged_at[0, ...]
    return DescentResult(path, grads, rates, stopped_at, diverged_at, ndim=ndim, ascent=ascent)
