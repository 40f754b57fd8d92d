"""One gradient-descent driver for the whole course, vectorized over starts and learning rates.

The update is the one written out in notebook 01, ``x <- x - learning_rate * grad(x)``,
applied to every run at once: start points and learning rates broadcast against each other,
so a grid of experiments is one call.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate
from .divergence import BOUND, DivergenceRule, RunTracker, divergence_report
from .functions import Objective
from .optimizers import Optimizer
from .schedules import SCHEDULES

__all__ = ["MEMORY_BUDGET", "DescentResult", "gradient_descent"]

# How many coordinates the block loop keeps before the rule judges them (16 KiB), and at most
# how many epochs. A block saves the rule's dozen small calls per epoch, which dominate when the
# runs are few (a grid of 50 learning rates: 64 epochs per block); with many runs every call
# is real work anyway, and short blocks keep the memory a small multiple of the positions.
_BLOCK_VALUES = 2**11
_BLOCK_EPOCHS = 64


MEMORY_BUDGET = 2**30
"""Largest history (bytes) one :func:`gradient_descent` call may record: 1 GiB.

A call that would need more is refused before anything is allocated, with a ``ValueError``
that says how much it would need and how to ask for less (``record="end"``, ``record=k``,
fewer epochs or fewer runs)."""


@dataclass(frozen=True, eq=False, repr=False)
class DescentResult:
    """Everything one call of :func:`gradient_descent` recorded.

    Shapes use ``B`` for the broadcast batch shape of starts, learning rates and optimiser
    hyperparameters, ``R`` for the number of recorded epochs (``E + 1`` with ``record="all"``)
    and ``D`` for the trailing coordinate axis (absent for 1-D).

    Attributes
    ----------
    path : ndarray, shape (R, *B[, 2])
        ``path[i]`` is the position after ``recorded[i]`` epochs; ``path[0]`` is the start.
        After a run diverges its entries are NaN (see ``diverged_at``).
    grads : ndarray, shape (R - 1, *B[, 2])
        The gradient used by the step that led to ``path[i + 1]`` (NaN once a run diverged).
    learning_rates : ndarray, shape (R - 1, *B)
        The learning rate of that step (0 once a run has stopped or diverged).
    stopped_at : ndarray of int, shape B
        Epoch at which the gradient magnitude fell below ``tol`` (-1: never, or no ``tol``).
    diverged_at : ndarray of int, shape B
        Epoch after whose update the run met the divergence criterion (-1: never).
    diverged_reason : ndarray of int8, shape B
        Which rule of :mod:`course_utils.divergence` it met (0: none).
    rule : DivergenceRule
        The divergence criterion this call used (quoted by :meth:`divergence_report`).
    recorded : ndarray of int, shape (R,)
        The epochs ``path`` holds.
    """

    path: np.ndarray
    grads: np.ndarray
    learning_rates: np.ndarray
    stopped_at: np.ndarray
    diverged_at: np.ndarray
    diverged_reason: np.ndarray
    rule: DivergenceRule
    recorded: np.ndarray
    epochs: int
    ndim: int = 1
    ascent: bool = False

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
        index = np.searchsorted(self.recorded, k)
        if np.any(self.recorded[np.minimum(index, self.recorded.size - 1)] != k):
            raise ValueError(f"epochs {epochs!r} were not all recorded: this run kept epochs "
                             f"{_epochs_text(self.recorded)}; run again with record='all' or a "
                             "record=k that divides them")
        return self.path[index]

    def __repr__(self):
        runs = int(np.prod(self.stopped_at.shape))
        kind = "ascent" if self.ascent else "descent"
        return (f"DescentResult({kind}, runs={runs}, epochs={self.epochs}, "
                f"diverged={int(self.diverged.sum())}, stopped={int(self.stopped.sum())})")

    def divergence_report(self):
        """A sentence for the learner: whether, when and why runs diverged, and what that means."""
        return divergence_report(self.diverged_at, self.diverged_reason, self.rule)


def _epochs_text(recorded):
    shown = ", ".join(str(int(e)) for e in recorded[:4])
    return f"{shown}, ..., {int(recorded[-1])}" if recorded.size > 5 else ", ".join(str(int(e)) for e in recorded)


def _gradient_fn(grad, ndim):
    """(gradient function of x, loss function of x or None, ndim, objective or None)."""
    if ndim is not None:
        ndim = _validate.choice("ndim", _validate.integer("ndim", ndim), (1, 2))
    if isinstance(grad, Objective):
        if ndim not in (None, grad.ndim):
            raise ValueError(f"ndim must match the objective ({grad.name} is {grad.ndim}-D), got {ndim}")
        return grad
    if not callable(grad):
        raise ValueError(f"grad must be an Objective or a callable, got {grad!r}")
    return None


def _learning_rate_fn(learning_rate):
    """(schedule or None, constant rates or None)."""
    if isinstance(learning_rate, type) or any(learning_rate is f for f in SCHEDULES.values()):
        name = getattr(learning_rate, "__name__", repr(learning_rate))
        raise ValueError("learning_rate must be a number, an array or a schedule such as "
                         f"cu.fixed(0.1), got {name} itself (call it: {name}(0.1))")
    if callable(learning_rate):
        return learning_rate, None
    return None, _validate.positive_array("learning_rate", learning_rate)


def _record_step(record, epochs):
    """Every how many epochs a call keeps the position, from ``record="all" | "end" | k``."""
    if isinstance(record, np.ndarray) and record.ndim == 0:  # a 0-d array is its scalar
        record = record.item()
    if isinstance(record, str):
        _validate.choice("record", record, ("all", "end"))
        return 1 if record == "all" else epochs
    if isinstance(record, (bool, np.bool_)) or not isinstance(record, (int, np.integer)):
        raise ValueError(f"record must be 'all', 'end' or an integer k >= 1, got {record!r}")
    return _validate.integer("record", int(record), minimum=1)


def _recorded(step, epochs):
    """The epochs kept: 0, step, 2 step, ... and always the last."""
    kept = np.arange(0, epochs + 1, step)
    return kept if kept[-1] == epochs else np.append(kept, epochs)


def _check_memory(n_recorded, batch, ndim, record, epochs):
    runs = int(np.prod(batch))
    point = runs * (2 if ndim == 2 else 1)
    history = 8 * (n_recorded * point + (n_recorded - 1) * (point + runs))
    working = 8 * 12 * point  # position, gradient, step buffers, optimiser state, masks
    needed = history + working
    if needed <= MEMORY_BUDGET:
        return
    per_epoch = 8 * (2 * point + runs)
    k = -(-epochs // max((MEMORY_BUDGET - working) // per_epoch - 1, 1))
    fits = (f"record='end' keeps only the start and the end (about {_size(8 * 3 * point + working)}), "
            f"record={k} keeps one epoch in {k}") if working < MEMORY_BUDGET else "use fewer runs"
    raise ValueError(f"record={record!r} with epochs={epochs} and {runs} run(s) would need about "
                     f"{_size(needed)}, more than the {_size(MEMORY_BUDGET)} budget: {fits}, "
                     "or ask for fewer epochs or runs")


def _size(n):
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def gradient_descent(grad, start, *, learning_rate, epochs, ascent=False, tol=None,
                     ndim=None, bound=BOUND, record="all", optimizer=None):
    """Run gradient descent (or ascent) from many starts with many learning rates at once.

    Parameters
    ----------
    grad : Objective or callable
        An :class:`Objective` or a gradient function. A callable maps ``x`` of shape
        ``(*B)`` (1-D) or ``(*B, 2)`` (2-D) to an array of the same shape.
    start : float or array_like, shape (*S) or (*S, 2)
        Starting point(s).
    learning_rate : float, array_like of shape L, or schedule
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
        A run whose ``|x|`` exceeds this has run away. With an :class:`Objective` a run also
        diverges when it leaves the plotted domain by a wide margin or its loss keeps rising:
        the criterion of :mod:`course_utils.divergence`, quoted by ``divergence_report()``.
    record : {"all", "end"} or int, default "all"
        Which epochs to keep in the result: every one, only the start and the end (memory
        proportional to the runs), or every ``k``-th (and the last). The numbers are the same
        whatever is recorded. A history larger than :data:`MEMORY_BUDGET` is refused up front.
    optimizer : Optimizer, optional
        :func:`course_utils.momentum`, :func:`course_utils.rmsprop` or
        :func:`course_utils.adam`; ``None`` is plain descent. Array hyperparameters
        broadcast with the starts and learning rates like a learning-rate grid.

    Returns
    -------
    DescentResult
        Path, gradients and learning rates at the recorded steps, plus stop/divergence epochs.

    Examples
    --------
    >>> import numpy as np, course_utils as cu
    >>> r = cu.gradient_descent(cu.quadratic, np.array([-1.0, 2.0]), learning_rate=0.1, epochs=50)
    >>> np.round(r.final, 4).tolist()
    [0.5, 0.5]
    >>> grid = cu.gradient_descent(cu.quadratic, 1.0, learning_rate=[[0.01], [0.1]], epochs=5)
    >>> grid.final.shape
    (2, 1)
    >>> cu.gradient_descent(cu.quadratic, 1.0, learning_rate=0.1, epochs=10**9)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: record='all' with epochs=1000000000 and 1 run(s) would need about 22.4 GiB, ...
    """
    objective = _gradient_fn(grad, ndim)
    ndim = objective.ndim if objective is not None else (1 if ndim is None else ndim)
    x0 = _validate.points("start", start, ndim)
    epochs = _validate.integer("epochs", epochs, minimum=1)
    tol = _validate.positive_number("tol", tol, allow_none=True)
    bound = _validate.positive_number("bound", bound)
    ascent = _validate.flag("ascent", ascent)
    schedule, rates = _learning_rate_fn(learning_rate)
    if optimizer is not None and not isinstance(optimizer, Optimizer):
        raise ValueError(f"optimizer must be None or one of cu.momentum(), cu.rmsprop(), cu.adam(), "
                         f"got {optimizer!r}")
    every = _record_step(record, epochs)

    start_shape = x0.shape[:-1] if ndim == 2 else x0.shape
    shapes = {"learning_rate": () if rates is None else rates.shape,
              "optimizer": () if optimizer is None else optimizer.shape}
    try:
        batch = np.broadcast_shapes(start_shape, *shapes.values())
    except ValueError:
        raise ValueError(f"learning_rate of shape {shapes['learning_rate']} (and optimizer hyperparameters "
                         f"of shape {shapes['optimizer']}) do not broadcast against start of shape "
                         f"{start_shape}; add an axis for a grid, e.g. np.array(rates)[:, None]") from None
    # A single start runs as a batch of one: numpy scalars take other code paths than arrays
    # (``**`` through C pow, for one), and a single run must equal the same run in any batch.
    single = batch == ()
    batch = batch or (1,)
    _check_memory(epochs // every + 1 + (epochs % every > 0), batch, ndim, record, epochs)
    recorded = _recorded(every, epochs)

    rule = (DivergenceRule.for_domain(objective.domain, bound=bound) if objective is not None
            else DivergenceRule(bound=bound, patience=None))
    run = _Run(objective, grad, x0, batch, ndim, ascent, schedule, rates, optimizer, rule, tol)
    out = run.loop(epochs, recorded)
    if single:
        out = [a[:, 0] for a in out[:3]] + [a[0, ...] for a in out[3:]]
    return DescentResult(*out, rule=rule, recorded=recorded, epochs=epochs, ndim=ndim, ascent=ascent)


class _Run:
    """The state of one gradient_descent call: position, buffers and the run tracker."""

    def __init__(self, objective, grad, x0, batch, ndim, ascent, schedule, rates, optimizer, rule, tol):
        point = batch + (2,) * (ndim == 2)
        self.ndim, self.batch, self.schedule = ndim, batch, schedule
        # A 2-D objective's formulas take x and y apart: store each coordinate contiguously (and
        # show the usual (*B, 2) view), so x[..., 0] is one block of memory, several times faster
        # to compute on than every other float. Elementwise arithmetic gives the same bits either way.
        self.split = objective is not None and ndim == 2
        self.x, self.start, self.g, self.g_next, self.step_buf = (self._points() for _ in range(5))
        np.copyto(self.x, np.broadcast_to(x0, point))
        np.copyto(self.start, self.x)
        self.objective, self.grad = objective, grad
        self.sign = 1.0 if ascent else -1.0
        # sign * rate is exact (sign is +-1), so x + (sign * rate) * g has the bits of x -+ rate * g.
        self.rates = None if rates is None else np.broadcast_to(rates, batch)
        self.signed = None if rates is None else self.sign * self.rates
        self.uses_norm = tol is not None or schedule is not None
        self.state = None if optimizer is None else optimizer._start(self.x, ndim)
        self.tracker = RunTracker(batch, rule=rule, tol=tol)
        self.loss_sign = -1.0 if ascent else 1.0
        # The runs of an objective are independent (its formulas are elementwise) and, without a
        # tolerance or a schedule, no step depends on the rule's verdict until a run diverges:
        # the rule can then be applied to a block of epochs at once (see _blocks).
        self.blockwise = objective is not None and tol is None and schedule is None

    def _points(self, lead=()):
        """An empty array of points, shape ``(*lead, *B[, 2])``."""
        if self.split:
            return np.moveaxis(np.empty(lead + (2,) + self.batch), len(lead), -1)
        return np.empty(lead + self.batch + (2,) * (self.ndim == 2))

    def _evaluate(self, gradient=True):
        """(loss of every run or None, gradient at ``self.x`` or None), in one pass where possible.

        The loss is ``f`` (``-f`` for ascent) and exists only for an :class:`Objective`; an
        objective with ``fdf`` gives both from shared intermediate terms, bit for bit.
        """
        o, x = self.objective, self.x
        if o is None:
            return None, (self._gradient() if gradient else None)
        if gradient and o.fdf is not None:
            f, d = o.fdf(x) if o.ndim == 1 else o.fdf(x[..., 0], x[..., 1])
            return (f if self.loss_sign > 0 else np.negative(f)), self._store(d)
        return self._loss(x), (self._gradient() if gradient else None)

    def _store(self, d):
        """The objective's raw derivative as an array of the points' shape (its own array if it is one)."""
        x, g = self.x, self.g
        if self.ndim == 1:
            if getattr(d, "shape", None) == x.shape:  # np.shape's dispatch costs more, every step
                return d
            np.copyto(g, d)
        else:
            g[..., 0], g[..., 1] = d
        return g

    def _gradient(self):
        """The gradient at ``self.x``."""
        o, x, g = self.objective, self.x, self.g
        if o is not None:
            return self._store(o.df(x) if o.ndim == 1 else o.df(x[..., 0], x[..., 1]))
        out = self.grad(x)
        if out is None:
            raise ValueError("grad returned None: the gradient function must return an array "
                             f"of the points' shape {x.shape} (a missing return?)")
        try:
            np.copyto(g, out)
        except (TypeError, ValueError):
            raise ValueError(f"grad must return numbers of the points' shape {x.shape}, got "
                             f"{type(out).__name__} of shape {np.shape(out)}") from None
        return g

    def _norm(self, g):
        return np.abs(g) if self.ndim == 1 else np.sqrt(g[..., 0] * g[..., 0] + g[..., 1] * g[..., 1])

    def _masked(self, lr):
        """``lr`` with 0 for the runs that stopped or diverged (constant rates: cached per change)."""
        tracker = self.tracker
        if self.schedule is None and self._mask_version == tracker.version:
            return self._masked_lr
        masked = np.where(tracker.active, lr, 0.0)
        self._mask_version, self._masked_lr = tracker.version, (masked, -masked if self.sign < 0 else masked)
        return self._masked_lr

    def loop(self, epochs, recorded):
        n = recorded.size
        x, tracker, two_d = self.x, self.tracker, self.ndim == 2
        path = np.empty((n,) + x.shape)
        grads = np.empty((n - 1,) + x.shape)
        rates = np.empty((n - 1,) + self.batch)
        path[0] = x
        keep = np.zeros(epochs + 1, dtype=bool)
        keep[recorded] = True
        keep = keep.tolist()  # a list item is cheaper to read than an array's, every epoch
        slot = 1
        lr, signed = self.rates, self.signed
        self._mask_version = -1
        self._gone = self._gone_before = None
        # Diverging runs overflow on purpose; they are reported through diverged_at instead.
        # The error state is set once here, for the whole loop (the formulas run inside it).
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            loss, g = self._evaluate()
            tracker.start(position=x, loss=loss)
            if self.blockwise:
                self._blocks(epochs, recorded, keep, path, grads, rates, g)
                return path, grads, rates, tracker.stopped_at, tracker.diverged_at, tracker.reason
            for step in range(epochs):
                norm = self._norm(g) if self.uses_norm else None
                tracker.stop_small(step, norm)
                if self.schedule is not None:
                    lr = self._scheduled(step, norm)
                if not tracker.all_active:
                    lr, signed = self._masked(self.rates if self.schedule is None else lr)
                elif self.schedule is not None:
                    signed = -lr if self.sign < 0 else lr
                direction = g if self.state is None else self.state.direction(g)
                np.multiply(direction, signed[..., None] if two_d else signed, out=self.step_buf)
                if tracker.all_active:
                    np.add(x, self.step_buf, out=x)
                else:
                    alive = tracker.active[..., None] if two_d else tracker.active
                    np.add(x, self.step_buf, out=x, where=alive)
                self._gone_before = self._gone
                self._park(tracker.check(step + 1, position=x))
                # The loss of this epoch comes with the next step's gradient (one pass for both
                # where the objective allows); its rule is applied before anything uses them.
                self.g, self.g_next = self.g_next, self.g
                loss, g_next = self._evaluate(gradient=step + 1 < epochs)
                self._park(tracker.check(step + 1, loss=loss))
                if keep[step + 1]:
                    self._write(path, grads, rates, slot, g, lr)
                    slot += 1
                g = g_next
        return path, grads, rates, tracker.stopped_at, tracker.diverged_at, tracker.reason

    def _blocks(self, epochs, recorded, keep, path, grads, rates, g):
        """The loop of :meth:`loop` with the divergence rule applied once per block of epochs.

        Each step only updates and keeps the position (and the loss, where the objective gives
        it with the gradient); the rule then judges the block's positions and losses in a few
        array operations instead of a dozen small ones per epoch. A run that diverged inside a
        block takes the block's remaining steps for nothing; it is parked at its start after the
        block and its record is marked at the end (:meth:`_mark_diverged`), which leaves exactly
        what the epoch-by-epoch loop records.
        """
        x, tracker, two_d = self.x, self.tracker, self.ndim == 2
        size = max(1, min(epochs, _BLOCK_EPOCHS, _BLOCK_VALUES // x.size))
        every_epoch = recorded.size == epochs + 1
        block = None if every_epoch else self._points((size,))
        with_loss = self.objective.fdf is not None
        losses = np.empty((size,) + self.batch) if with_loss else None
        factor = self.signed[..., None] if two_d else self.signed
        step_buf, state = self.step_buf, self.state
        fresh = None if with_loss or two_d else self._fresh_gradient()
        slot = 1
        for first in range(0, epochs, size):
            n = min(size, epochs - first)
            # Nothing below changes inside a block: the rule speaks after it.
            alive = None if tracker.all_active else (tracker.active[..., None] if two_d else tracker.active)
            # Recording every epoch, the block is those rows of the path (marked at the end).
            kept = path[first + 1:first + 1 + n] if every_epoch else block
            for i in range(n):
                step = first + i
                # (out given by position: the keyword's parsing costs a tenth of a small call)
                np.multiply(g if state is None else state.direction(g), factor, step_buf)
                if alive is None:
                    np.add(x, step_buf, x)
                else:  # the diverged runs stay parked (their steps may be NaN)
                    np.add(x, step_buf, out=x, where=alive)
                kept[i] = x
                if step + 1 == epochs:
                    g_next = None
                    if with_loss:
                        losses[i] = self._evaluate(gradient=False)[0]
                elif fresh is not None:
                    g_next = fresh()
                else:
                    self.g, self.g_next = self.g_next, self.g
                    if with_loss:
                        losses[i], g_next = self._evaluate()
                    else:
                        g_next = self._gradient()
                if every_epoch:
                    grads[step] = g
                elif keep[step + 1]:
                    path[slot] = x
                    grads[slot - 1] = g
                    slot += 1
                g = g_next
            seen = losses[:n] if with_loss else self._loss(kept[:n])
            verdict = tracker.check_block(first + 1, positions=kept[:n], losses=seen)
            if verdict is not None:
                self._park(verdict[0])
        rates[...] = self.rates
        self._mark_diverged(path, grads, rates, recorded)

    def _fresh_gradient(self):
        """For a 1-D objective: a function giving the gradient at ``self.x`` as a new array
        (the formula's own result, copied only if it is not one), so no buffer needs swapping."""
        df, x = self.objective.df, self.x

        def gradient():
            d = df(x)
            return d if getattr(d, "shape", None) == x.shape else np.broadcast_to(d, x.shape).copy()

        return gradient

    def _loss(self, x):
        """The loss (``f``, ``-f`` for ascent) at points ``x`` of shape ``(..., *B[, 2])``."""
        o = self.objective
        f = o.f(x) if o.ndim == 1 else o.f(x[..., 0], x[..., 1])
        return f if self.loss_sign > 0 else np.negative(f)

    def _mark_diverged(self, path, grads, rates, recorded):
        """Mark the record of the diverged runs: no position from the epoch they diverged at, no
        gradient and rate 0 for the steps after it (the block loop records them unmarked)."""
        at = self.tracker.diverged_at
        hit = at >= 0
        if not hit.any():
            return
        epoch = recorded[1:].reshape((-1,) + (1,) * at.ndim)
        gone, after = hit & (at <= epoch), hit & (at < epoch)
        two_d = self.ndim == 2
        np.copyto(path[1:], np.nan, where=gone[..., None] if two_d else gone)
        np.copyto(grads, np.nan, where=after[..., None] if two_d else after)
        rates[after] = 0.0

    def _park(self, bad):
        """Park the runs that diverged now at their start: their gradient stays finite and the
        fast checks stay valid; they are reported as NaN from here on."""
        if bad is None:
            return
        self.x[bad] = self.start[bad]
        gone = self.tracker.diverged_at >= 0
        self._gone = gone[..., None] if self.ndim == 2 else gone

    def _scheduled(self, step, norm):
        try:
            lr = np.asarray(self.schedule(step, norm), dtype=float)
            lr = lr if lr.shape == self.batch else np.broadcast_to(lr, self.batch)
        except (TypeError, ValueError) as error:
            raise ValueError(f"learning_rate: the schedule {self.schedule!r} must take (step, grad_norm) "
                             f"and return rates broadcastable to {self.batch} ({error})") from None
        if not lr.min() >= 0 or not np.isfinite(lr.max()):
            raise ValueError(f"learning_rate: the schedule {self.schedule!r} returned a rate that is "
                             f"negative or not finite at step {step} (min {lr.min()!r}, max {lr.max()!r})")
        return lr

    def _write(self, path, grads, rates, slot, g, lr):
        """Record the step that led to this epoch; diverged runs read as NaN (no temporaries)."""
        rates[slot - 1] = lr  # item assignment: a third of np.copyto's call overhead
        path[slot] = self.x
        grads[slot - 1] = g
        if self._gone is not None:
            np.copyto(path[slot], np.nan, where=self._gone)
        if self._gone_before is not None:  # the gradient that threw a run away is still its own
            np.copyto(grads[slot - 1], np.nan, where=self._gone_before)
