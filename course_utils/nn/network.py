"""A small fully-connected network: forward pass, backpropagation and gradient descent.

Layer ``l`` holds a weight matrix ``W[l]`` of shape ``(n_in, n_out)`` and a bias ``b[l]``
of shape ``(n_out,)``. A batch ``X`` of shape ``(n, n_in)`` (one sample per row) flows
forward as::

    z[l] = a[l-1] @ W[l] + b[l]        a[l] = activation_l(z[l])        a[0] = X

and the gradients flow backward with the chain rule (see :meth:`Network.gradients`).

Many independent networks of the same shape can be trained at once (``runs=R``): every
array then gains a leading axis of length ``R`` (weights ``(R, n_in, n_out)``), and
learning rates may differ per run. A grid of initialisations and learning rates is one call.

>>> import course_utils as cu
>>> net = cu.nn.Network([2, 8, 1], activations=["tanh", "sigmoid"], rng=0)
>>> net
Network([2, 8, 1], activations=['tanh', 'sigmoid'])
>>> X, y = cu.nn.two_clusters(100, rng=0)
>>> history = net.fit(X, y, learning_rate=0.5, epochs=100, loss="binary_cross_entropy")
>>> bool(history.cost[-1] < history.cost[0]), round(net.accuracy(X, y), 2)
(True, 0.96)
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

from .. import _validate
from ..descent import MEMORY_BUDGET
from ..divergence import BOUND, DivergenceRule, RunTracker, divergence_report
from .activations import _LAYER_ACTIVATIONS, Softmax, get_activation
from .losses import _check_targets, _class_labels, _float_dtype, get_loss

__all__ = ["Network", "History", "INITS"]

#: Named initialisations: the standard deviation of the Gaussian initial weights.
INITS = {
    "xavier": lambda n_in, n_out: np.sqrt(2.0 / (n_in + n_out)),  # Glorot: keeps variance for tanh
    "he": lambda n_in, n_out: np.sqrt(2.0 / n_in),  # He: keeps variance for ReLU
}


@dataclass(frozen=True, repr=False, eq=False)
class History:
    """What :meth:`Network.fit` recorded, one row per epoch.

    Shapes use ``E`` for the number of epochs, ``R`` for the runs of a network trained with
    ``runs=R`` (absent otherwise) and ``L`` for the number of layers. Divergence and stopping
    follow :mod:`course_utils.divergence`, the criterion every descent in the course uses.

    Attributes
    ----------
    cost : ndarray, shape (E,) or (E, R)
        The cost J of each epoch: the mean of the batch costs seen during that epoch, each
        measured before its update (with full batches: the cost at the start of the epoch).
        NaN from the epoch at which a run diverged on.
    grad_norms : ndarray, shape (E, L) or (E, R, L)
        Size (Frobenius norm) of each layer's weight gradient dJ/dW, averaged over the
        epoch's batches. Column 0 is the first layer (next to the input).
    diverged_at : int or ndarray of int, shape (R,)
        Epochs completed when a run met the divergence criterion (-1: never): its weights
        stopped being finite or exceeded ``bound``, or its cost rose for several epochs in a
        row above its first. ``cost[:diverged_at]`` is finite. A diverged run is frozen
        where it stopped (its weights keep their last values).
    diverged_reason : int or ndarray of int, shape (R,)
        Which rule it met (0: none); :meth:`divergence_report` says it in words.
    stopped_at : int or ndarray of int, shape (R,)
        Epochs completed when a run's gradient fell below ``tol`` (-1: never, or no ``tol``).
    rule : DivergenceRule
        The criterion this call used.
    learning_rate : float or ndarray, shape (R,)
    loss : str
    batch_size : int
        Samples per update (``n`` for full-batch training).
    parameters : ndarray or None
        With ``fit(record_parameters=...)``: the flat parameter vector (the order of
        :meth:`Network.parameter_vector`) before training and after every epoch
        (``"epoch"``, shape ``(E + 1, P)``) or every update (``"update"``, shape
        ``(U + 1, P)``, ``U`` = epochs x batches per epoch); ``(.., R, P)`` with runs.
        A diverged or stopped run's row stays where it stopped. None when not recorded.
    batch_cost : ndarray or None
        With ``record_parameters="update"``: the cost of each update's mini-batch, measured
        before the update, shape ``(U,)`` or ``(U, R)`` (NaN once a run has diverged or stopped).
    """

    cost: np.ndarray
    grad_norms: np.ndarray
    diverged_at: object
    diverged_reason: object
    stopped_at: object
    rule: DivergenceRule
    learning_rate: object
    loss: str
    batch_size: int
    parameters: object = None
    batch_cost: object = None

    @property
    def epochs(self):
        """Number of epochs run."""
        return self.cost.shape[0]

    @property
    def final_cost(self):
        """Cost of the last epoch (NaN for a run that diverged)."""
        return self.cost[-1] if self.cost.ndim > 1 else float(self.cost[-1])

    @property
    def diverged(self):
        """Whether the run (or, for several runs, each run) diverged."""
        d = np.asarray(self.diverged_at) >= 0
        return d if d.ndim else bool(d)

    @property
    def stopped(self):
        """Whether the run (or each run) met the stop tolerance ``tol``."""
        d = np.asarray(self.stopped_at) >= 0
        return d if d.ndim else bool(d)

    def divergence_report(self):
        """A sentence for the learner: whether, when and why runs diverged, and what that means.

        The same sentence as :meth:`course_utils.DescentResult.divergence_report`.
        """
        return divergence_report(self.diverged_at, self.diverged_reason, self.rule)

    def __repr__(self):
        runs = np.size(self.diverged_at)
        extra = f", runs={runs}" if np.ndim(self.diverged_at) else ""
        return (f"History(loss={self.loss!r}, epochs={self.epochs}{extra}, "
                f"diverged={int(np.sum(np.asarray(self.diverged_at) >= 0))}, "
                f"stopped={int(np.sum(np.asarray(self.stopped_at) >= 0))})")


class Network:
    """A fully-connected feed-forward network with one activation per layer.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, input first: ``[2, 8, 1]`` is 2 inputs, 8 hidden units, 1 output.
        Every size >= 1, at least two entries.
    activations : sequence of str or Activation
        One per weight layer (``len(layer_sizes) - 1``), e.g. ``["tanh", "sigmoid"]``.
    rng : None, int or numpy.random.Generator
        Draws the initial weights.
    init : {"xavier", "he"} or float, default "xavier"
        Initial weights are Gaussian with standard deviation ``sqrt(2 / (n_in + n_out))``
        ("xavier"), ``sqrt(2 / n_in)`` ("he", for ReLU) or the number given. Biases start at 0.
    runs : int, optional
        Hold ``runs`` independent networks of this shape (each with its own initial
        weights) and train them together; every parameter gains a leading axis of that length.
    dtype : {"float64", "float32"} or numpy dtype, default "float64"
        Precision of the parameters and of every computation (data are converted to it).
        float32 halves the memory and is faster on large layers; its round-off is about
        1e-7 instead of 1e-16, too coarse for finite-difference gradient checks. The same
        ``rng`` gives the same initial weights, rounded.

    Attributes
    ----------
    weights : list of ndarray, shapes (n_in, n_out) (or (runs, n_in, n_out))
    biases : list of ndarray, shapes (n_out,) (or (runs, n_out))
    """

    def __init__(self, layer_sizes, *, activations, rng=None, init="xavier", runs=None, dtype="float64"):
        self.layer_sizes = _layer_sizes(layer_sizes)
        self.dtype = _float_dtype(dtype)
        self.activations = _activations(activations, self.layer_sizes)
        self.runs = None if runs is None else _validate.integer("runs", runs, minimum=1)
        self.init = _init(init)
        rng = _validate.rng(rng)
        lead = () if self.runs is None else (self.runs,)
        self.weights, self.biases = [], []
        for n_in, n_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:]):
            std = INITS[self.init](n_in, n_out) if isinstance(self.init, str) else self.init
            self.weights.append((std * rng.standard_normal(lead + (n_in, n_out))).astype(self.dtype))
            self.biases.append(np.zeros(lead + (n_out,), dtype=self.dtype))

    # ------------------------------------------------------------------ description
    @property
    def n_layers(self):
        """Number of weight layers (hidden layers + the output layer)."""
        return len(self.weights)

    @property
    def n_parameters(self):
        """Number of weights and biases (of one run)."""
        return sum(i * o + o for i, o in zip(self.layer_sizes[:-1], self.layer_sizes[1:]))

    def __repr__(self):
        names = [a.name for a in self.activations]
        runs = "" if self.runs is None else f", runs={self.runs}"
        dtype = "" if self.dtype == np.float64 else f", dtype={self.dtype.name!r}"
        return f"Network({list(self.layer_sizes)}, activations={names}{runs}{dtype})"

    def describe(self):
        """One line per layer: its units, what each unit sees, its activation and parameters.

        >>> print(Network([3, 4, 1], activations=["relu", "identity"], rng=0).describe())
        layer 1: 4 units, each sees the 3 inputs, relu, 16 parameters
        layer 2: 1 unit, each sees the 4 outputs of layer 1, identity, 5 parameters
        total: 21 parameters
        """
        lines = []
        for k, (n_in, n_out, act) in enumerate(zip(self.layer_sizes[:-1], self.layer_sizes[1:],
                                                    self.activations), start=1):
            source = f"the {n_in} input{'s' * (n_in > 1)}" if k == 1 else \
                f"the {n_in} output{'s' * (n_in > 1)} of layer {k - 1}"
            lines.append(f"layer {k}: {n_out} unit{'s' * (n_out > 1)}, each sees {source}, "
                         f"{act.name}, {n_in * n_out + n_out} parameters")
        lines.append(f"total: {self.n_parameters} parameters")
        return "\n".join(lines)

    def copy(self):
        """An independent copy (same weights, same shape)."""
        new = object.__new__(Network)
        new.__dict__.update(self.__dict__)
        new.weights = [W.copy() for W in self.weights]
        new.biases = [b.copy() for b in self.biases]
        return new

    # ------------------------------------------------------------------ forward
    def forward_all(self, X):
        """Forward pass keeping every layer's values (what backpropagation needs).

        Parameters
        ----------
        X : array_like, shape (n, layer_sizes[0])

        Returns
        -------
        zs : list of ndarray
            ``zs[l]`` is the linear part of layer ``l + 1``, shape ``(n, n_out)``
            (``(runs, n, n_out)`` with runs).
        outputs : list of ndarray
            ``outputs[0]`` is ``X``; ``outputs[l]`` is ``activation(zs[l - 1])``.
        """
        X = self._check_X(X)
        with np.errstate(**_QUIET):
            return self._forward(X)

    def forward(self, X):
        """The network's output for a batch.

        Parameters
        ----------
        X : array_like, shape (n, layer_sizes[0])

        Returns
        -------
        ndarray, shape (n, layer_sizes[-1]) (``(runs, n, layer_sizes[-1])`` with runs)
        """
        return self.forward_all(X)[1][-1]

    __call__ = forward

    def _forward(self, X, work=None):
        # Raw: no checks and no error-state handling; the public callers (and fit) hold _QUIET.
        # With a workspace (fit's), the linear parts are written into buffers kept between epochs.
        zs, outputs = [], [X]
        for k, (W, b, act) in enumerate(zip(self.weights, self.biases, self.activations)):
            z = _matmul(outputs[-1], W, work, ("z", k))
            z += b[..., None, :]  # in place: the same sums without a second (n, n_out) array
            zs.append(z)
            outputs.append(act.f(z))
        return zs, outputs

    def predict(self, X):
        """Output values; shape ``(n,)`` for a one-output network (like ``y``), else ``(n, k)``."""
        out = self.forward(X)
        return out[..., 0] if self.layer_sizes[-1] == 1 else out

    def classify(self, X, *, threshold=None):
        """Class labels: 0.0/1.0 for a one-output network, else the index of the largest output.

        Parameters
        ----------
        X : array_like, shape (n, layer_sizes[0])
        threshold : float, optional
            One-output networks only: outputs ``>= threshold`` are class 1. By default the
            middle of the output activation's range: 0.5 for sigmoid, 0 for tanh and for
            identity (logits).

        Returns
        -------
        ndarray, shape (n,) (``(runs, n)`` with runs)
            Floats 0.0/1.0 for one output (like the targets ``y``); ints ``0 .. k-1`` for
            ``k`` outputs, e.g. the most probable class of a softmax output.
        """
        out = self.forward(X)
        if self.layer_sizes[-1] > 1:
            if threshold is not None:
                raise ValueError(f"threshold applies to one-output networks only; this one has "
                                 f"{self.layer_sizes[-1]} outputs (the class is the largest), got {threshold!r}")
            return np.argmax(out, axis=-1)
        if threshold is None:
            lo, hi = self.activations[-1].output_range
            threshold = (lo + hi) / 2 if np.isfinite(lo) and np.isfinite(hi) else 0.0
        threshold = _validate.finite_array("threshold", threshold)
        if threshold.ndim:
            raise ValueError(f"threshold must be a single number, got shape {threshold.shape}")
        return (out[..., 0] >= threshold).astype(float)

    def accuracy(self, X, y, *, threshold=None):
        """Fraction of samples whose class (:meth:`classify`) equals the label ``y``.

        Parameters
        ----------
        X : array_like, shape (n, layer_sizes[0])
        y : array_like, shape (n,) or (n, k)
            Labels: 0/1 for a one-output network, class indices ``0 .. k-1`` (or one-hot
            rows) for a network with ``k`` outputs.

        Returns
        -------
        float (ndarray of shape (runs,) with runs)
        """
        X = self._check_X(X)
        y = _validate.finite_array("y", y)
        n, k = X.shape[0], self.layer_sizes[-1]
        if k > 1 and y.shape == (n, k):
            _check_targets("distributions", y, "accuracy")
            y = np.argmax(y, axis=1)
        if y.shape != (n,):
            wanted = f"({n},)" if k == 1 else f"({n},) (class labels) or ({n}, {k}) (one-hot)"
            raise ValueError(f"y must have shape {wanted} to match the {n} rows of X, got shape {y.shape}")
        if k > 1:
            y = _class_labels("y", y, k)
        acc = np.mean(self.classify(X, threshold=threshold) == y, axis=-1)
        return acc if np.ndim(acc) else float(acc)

    # ------------------------------------------------------------------ backward
    def cost(self, X, y, *, loss="mse"):
        """The cost J (mean loss over the batch); an array of shape ``(runs,)`` with runs."""
        X, Y, loss = self._check_data(X, y, loss)
        with np.errstate(**_QUIET):
            return _scalar(self._cost(*self._forward(X), Y, loss))

    def gradients(self, X, y, *, loss="mse"):
        """The cost J of a batch and its gradient for every layer, by backpropagation.

        With ``delta[l] = dJ/dz[l]`` (shape ``(n, n_out)``), the chain rule gives, from the
        output layer back to the first::

            delta[L] = dJ/da[L] * f_L'(z[L])          (output layer)
            dJ/dW[l] = a[l-1].T @ delta[l]            (sums over the batch)
            dJ/db[l] = delta[l] summed over the batch
            delta[l-1] = (delta[l] @ W[l].T) * f_{l-1}'(z[l-1])

        For a sigmoid output with binary cross-entropy, and for a softmax output with
        categorical cross-entropy, the first line simplifies to ``delta[L] = (a[L] - y) / n``,
        which stays accurate when the output saturates; the cost is then computed from the
        logits ``z[L]`` (``bce_with_logits``, ``cce_with_logits``), so cost and gradient are
        the same function even where ``a[L]`` rounds to 0 or 1.

        Parameters
        ----------
        X : array_like, shape (n, layer_sizes[0])
        y : array_like, shape (n,) (one output) or (n, layer_sizes[-1])
        loss : str or Loss, default "mse"

        Returns
        -------
        cost : float (ndarray of shape (runs,) with runs)
        grads : list of (dW, db)
            One pair per layer, shaped like ``weights[l]`` and ``biases[l]``.
        """
        X, Y, loss = self._check_data(X, y, loss)
        with np.errstate(**_QUIET):
            cost, grads = self._backprop(X, Y, loss)
        return _scalar(cost), grads

    def _from_logits(self, loss):
        """Whether the output activation is ``loss``'s link: then cost and gradient use the logits."""
        return loss.link is not None and self.activations[-1] is loss.link

    def _cost(self, zs, outputs, Y, loss):
        # Mean over the samples of the per-sample loss (summed over the outputs).
        if self._from_logits(loss):
            values = loss.logits_loss.f(zs[-1], Y)
        else:
            values = loss.f(outputs[-1], Y)
        # sum / n is what np.mean computes; the ufunc's reduce without np.sum's Python wrapper.
        return _add(_add(values, axis=-1), axis=-1) / values.shape[-2]

    def _backprop(self, X, Y, loss, work=None):
        zs, outputs = self._forward(X, work)
        out, n = outputs[-1], X.shape[0]
        cost = self._cost(zs, outputs, Y, loss)
        if self._from_logits(loss):
            delta = (out - Y) / n  # d(loss o link)/dz: no division by a(1 - a), exact when saturated
        else:
            delta = self.activations[-1].backward(zs[-1], out, loss.df(out, Y) / n)
        grads = [None] * self.n_layers
        for k in range(self.n_layers - 1, -1, -1):
            grads[k] = (outputs[k].mT @ delta, _add(delta, axis=-2))
            if k > 0:
                upstream = _times_transpose(delta, self.weights[k], work, ("upstream", k))
                delta = self.activations[k - 1].backward(zs[k - 1], outputs[k], upstream)
        return cost, grads

    # ------------------------------------------------------------------ training
    def fit(self, X, y, *, learning_rate, epochs, loss="mse", batch_size=None, rng=None, bound=BOUND,
            tol=None, record_parameters=None):
        """Train by gradient descent, ``theta <- theta - learning_rate * dJ/dtheta``.

        Parameters
        ----------
        X : array_like, shape (n, layer_sizes[0])
        y : array_like, shape (n,) or (n, layer_sizes[-1])
            Targets. With ``"categorical_cross_entropy"`` either class labels ``0 .. k-1``
            of shape ``(n,)`` or one-hot rows of shape ``(n, k)``.
        learning_rate : float or array_like of shape (runs,)
            Step size(s) > 0; with runs, one per run (or one for all).
        epochs : int
            Passes over the data, >= 1.
        loss : str or Loss, default "mse"
            E.g. ``"mse"``, ``"binary_cross_entropy"`` (sigmoid output),
            ``"categorical_cross_entropy"`` (softmax output) or ``"bce_with_logits"``
            (identity output).
        batch_size : int, optional
            Samples per update. None (default): full batch, one update per epoch.
            Otherwise the data are shuffled every epoch and cut into mini-batches
            (the last one smaller when ``batch_size`` does not divide ``n``).
        rng : None, int or numpy.random.Generator
            Shuffles the mini-batches (unused for full-batch training).
        bound : float, default 1e8
            Divergence (the criterion of :mod:`course_utils.divergence`, shared with
            ``gradient_descent``): a run diverges when a weight stops being finite or exceeds
            ``bound`` in size, or when its cost (:attr:`History.cost`) rises for
            :data:`~course_utils.divergence.PATIENCE` epochs in a row above its first epoch's.
            A diverged run is frozen and reported (:meth:`History.divergence_report`).
        tol : float, optional
            Stop a run (freeze it) once the size of its whole gradient (all weights and
            biases, one mini-batch's) is below ``tol``.
        record_parameters : {None, "epoch", "update"}
            Also record the parameter vector after every epoch or after every update
            (e.g. to draw a mini-batch path over the cost's contour); see
            :class:`History`. Refused if the record would exceed
            :data:`~course_utils.MEMORY_BUDGET` (1 GiB, as for ``gradient_descent``).

        Returns
        -------
        History
        """
        X, Y, loss = self._check_data(X, y, loss)
        epochs = _validate.integer("epochs", epochs, minimum=1)
        rule = DivergenceRule(bound=bound, quantity="largest weight")  # validates bound
        tol = _validate.positive_number("tol", tol, allow_none=True)
        lead = () if self.runs is None else (self.runs,)
        lr = _validate.positive_array("learning_rate", learning_rate)
        if lr.ndim > 1 or (lr.ndim == 1 and lr.size != self.runs):
            expected = "a single number" if self.runs is None else f"a number or shape ({self.runs},)"
            raise ValueError(f"learning_rate must be {expected}, got shape {lr.shape}")
        lr = np.broadcast_to(lr, lead).astype(float)
        step_size = lr.astype(self.dtype)  # a float64 factor would turn float32 updates into float64
        n = X.shape[0]
        batch_size = n if batch_size is None else _validate.integer("batch_size", batch_size, minimum=1)
        if batch_size > n:
            raise ValueError(f"batch_size must be <= the number of samples {n}, got {batch_size}")
        rng = _validate.rng(rng)
        starts = range(0, n, batch_size)
        # The cost and gradient-norm history is one row per epoch: refuse it up front when a
        # typed epoch count would need more than the memory budget (not after minutes of swapping).
        history = epochs * int(np.prod(lead, dtype=int)) * (1 + self.n_layers) * 8
        if history > MEMORY_BUDGET:
            raise ValueError(f"epochs={epochs} would need {history / 2**30:.1f} GiB for the cost and gradient "
                             f"history (the budget is {MEMORY_BUDGET / 2**30:g} GiB); ask for fewer epochs "
                             "or fewer runs")
        path, batch_costs = self._record_buffers(record_parameters, epochs, len(starts))

        costs = np.full((epochs,) + lead, np.nan)
        norms = np.full((epochs,) + lead + (self.n_layers,), np.nan)
        state = _Training(loss=loss, tracker=RunTracker(lead, rule=rule, tol=tol), bound=rule.bound,
                          step_w=step_size[..., None, None],  # broadcast over a layer's (n_in, n_out)
                          step_b=step_size[..., None], path=path, batch_costs=batch_costs)
        tracker = state.tracker
        record = None if batch_size == n else _BatchRecord(len(starts), lead, self.n_layers, self.dtype)
        # A diverging run overflows on purpose; the tracker detects it and fit reports it.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            for epoch in range(epochs):
                if record is None:
                    self._full_batch_epoch(X, Y, state, epoch, costs, norms)
                else:
                    order = rng.permutation(n)
                    for b, start in enumerate(starts):
                        idx = order[start:start + batch_size]
                        record.add(b, *self._train_step(X[idx], Y[idx], state, epoch))
                    costs[epoch], norms[epoch] = record.means()
                # The rising-cost rule compares epoch costs, the first epoch's being the start;
                # a frozen run's cost (-inf) never rises.
                if epoch == 0:
                    tracker.start(loss=costs[0])
                else:
                    tracker.check(epoch + 1, loss=costs[epoch] if tracker.all_active else
                                  np.where(tracker.active, costs[epoch], -np.inf))
                if path is not None and batch_costs is None:
                    path[epoch + 1] = self.parameter_vector()
                if not tracker.all_active and not tracker.active.any():
                    break
        # A mean of batch costs is a sum started at 0.0, where -0.0 + 0.0 is 0.0; so with one batch.
        costs += 0.0
        for at, frozen in ((tracker.diverged_at, True), (tracker.stopped_at, False)):
            # After divergence the cost is NaN; a stopped run's cost stays where it stopped.
            for r in zip(*np.nonzero(at >= 0)) if at.ndim else ([()] if at >= 0 else []):
                later = slice(int(at[r]) + (0 if frozen else 1), None)
                costs[(later,) + r] = np.nan if frozen else costs[(int(at[r]),) + r]
        if path is not None:  # an early stop leaves the rest of the path where training ended
            last = (epoch + 1) if batch_costs is None else state.step
            path[last + 1:] = path[last]
        scalar = self.runs is None
        return History(costs, norms, *(a[()] if scalar else a for a in
                                       (tracker.diverged_at, tracker.reason.astype(int), tracker.stopped_at)),
                       rule, float(lr) if scalar else lr.copy(), loss.name, batch_size, path, batch_costs)

    def _full_batch_epoch(self, X, Y, state, epoch, costs, norms):
        """One full-batch update, its cost and gradient norms written straight into the history
        rows (the mean over one batch is that batch's numbers); NaN for runs already frozen."""
        cost, squares, measured = self._train_step(X, Y, state, epoch)
        costs[epoch] = cost if measured is None else np.where(measured, cost, np.nan)
        for k, sq in enumerate(squares):
            norms[(epoch, Ellipsis, k)] = np.sqrt(sq)  # in the network's dtype, stored as float64
        if measured is not None:
            norms[epoch][~measured] = np.nan

    def _train_step(self, Xb, Yb, state, epoch):
        """One gradient step on one batch, with the stop and divergence checks that follow it.

        Returns
        -------
        cost : the batch's cost before the update, shape () or (R,)
        squares : list of the squared Frobenius norms of each layer's weight gradient
        measured : None while every run is active, else the runs that were active for this
            batch (only their numbers count: a frozen run's batch may be inf or NaN)
        """
        tracker = state.tracker
        measured = None if tracker.all_active else tracker.active.copy()
        cost, grads = self._backprop(Xb, Yb, state.loss, state.work)
        squares = [_add(dW * dW, axis=(-2, -1)) for dW, _ in grads]
        if tracker.tol is not None:  # the size of the whole gradient, weights and biases
            tracker.stop_small(epoch, np.sqrt(sum(sq + _add(db * db, axis=-1)
                                                  for sq, (_, db) in zip(squares, grads))))
        active = tracker.active
        for k, (dW, db) in enumerate(grads):
            if tracker.all_active:  # the common case: no masking
                self.weights[k] -= state.step_w * dW
                self.biases[k] -= state.step_b * db
            else:  # np.where, not lr * 0: a frozen run may carry NaN gradients
                self.weights[k] -= np.where(active[..., None, None], state.step_w * dW, 0)
                self.biases[k] -= np.where(active[..., None], state.step_b * db, 0)
        if state.batch_costs is not None:
            state.batch_costs[state.step] = np.where(active, cost, np.nan)
            state.path[state.step + 1] = self.parameter_vector()
        state.step += 1
        if not self._inside(state.bound):
            tracker.check(epoch + 1, size=self._sizes())
        return cost, squares, measured

    def _sizes(self):
        """Per run: the largest weight or bias in size (NaN if any is not finite)."""
        lead = () if self.runs is None else (self.runs,)
        size = np.zeros(lead)
        for ps in (self.weights, self.biases):
            for p in ps:
                size = np.maximum(size, np.abs(p).reshape(lead + (-1,)).max(axis=-1))  # NaN propagates
        return size

    def _inside(self, bound):
        """Whether every parameter of every run is finite and within ``bound``: two reductions
        per array decide the common case (NaN fails both comparisons). The ufuncs' own reduce,
        not ``p.max()``: the method's Python wrapper cost more than the reduction of a small array."""
        return all(_max(p, axis=None) <= bound and _min(p, axis=None) >= -bound
                   for ps in (self.weights, self.biases) for p in ps)

    def _record_buffers(self, record_parameters, epochs, batches):
        """Preallocated parameter path (and batch costs) for ``record_parameters``, or Nones."""
        if record_parameters is None:
            return None, None
        _validate.choice("record_parameters", record_parameters, (None, "epoch", "update"))
        lead = () if self.runs is None else (self.runs,)
        rows = epochs + 1 if record_parameters == "epoch" else epochs * batches + 1
        need = rows * int(np.prod(lead, dtype=int)) * (self.n_parameters * self.dtype.itemsize + 8)
        if need > MEMORY_BUDGET:
            raise ValueError(f"record_parameters={record_parameters!r} would need {need / 2**30:.1f} GiB "
                             f"for {rows} rows of {self.n_parameters} parameters (the budget is "
                             f"{MEMORY_BUDGET / 2**30:g} GiB); ask for fewer epochs, larger batches, "
                             "record_parameters='epoch', or record nothing")
        path = np.empty((rows,) + lead + (self.n_parameters,), dtype=self.dtype)
        path[:] = self.parameter_vector()
        return path, (np.full((rows - 1,) + lead, np.nan) if record_parameters == "update" else None)

    # ------------------------------------------------------------------ parameter vector
    def parameter_vector(self):
        """All weights and biases in one flat vector, layer by layer (``W1, b1, W2, b2, ...``).

        Returns
        -------
        ndarray, shape (n_parameters,) (``(runs, n_parameters)`` with runs)
        """
        lead = () if self.runs is None else (self.runs,)
        parts = [p.reshape(lead + (-1,)) for W, b in zip(self.weights, self.biases) for p in (W, b)]
        return np.concatenate(parts, axis=-1)

    def set_parameter_vector(self, theta):
        """Load a flat vector from :meth:`parameter_vector` back into the weights and biases."""
        lead = () if self.runs is None else (self.runs,)
        theta = _validate.finite_array("theta", theta).astype(self.dtype, copy=False)
        if theta.shape != lead + (self.n_parameters,):
            raise ValueError(f"theta must have shape {lead + (self.n_parameters,)}, got {theta.shape}")
        at = 0
        for k, (W, b) in enumerate(zip(self.weights, self.biases)):
            for name, p in (("weights", W), ("biases", b)):
                size = int(np.prod(p.shape[len(lead):]))
                getattr(self, name)[k] = theta[..., at:at + size].reshape(p.shape).copy()
                at += size

    def flat_gradient(self, X, y, *, loss="mse"):
        """:meth:`gradients` as one flat vector, in the order of :meth:`parameter_vector`."""
        lead = () if self.runs is None else (self.runs,)
        _, grads = self.gradients(X, y, loss=loss)
        return np.concatenate([g.reshape(lead + (-1,)) for pair in grads for g in pair], axis=-1)

    def param_functions(self, X, y, *, loss="mse"):
        """The cost and its gradient as functions of the flat parameter vector.

        Handy for the gradient checker; the network itself is not changed.

        Returns
        -------
        f : callable
            ``f(theta) -> float``, the cost J with the parameters ``theta``.
        grad : callable
            ``grad(theta) -> ndarray`` of shape ``(n_parameters,)``, by backpropagation.

        >>> import numpy as np, course_utils as cu
        >>> net = cu.nn.Network([2, 3, 1], activations=["tanh", "identity"], rng=0)
        >>> X, y = np.ones((4, 2)), np.zeros(4)
        >>> f, grad = net.param_functions(X, y, loss="mse")
        >>> cu.nn.check_gradient(f, grad, net.parameter_vector()) < 1e-7
        True
        """
        if self.runs is not None:
            raise ValueError("param_functions needs a single network (runs=None), "
                             f"this one holds runs={self.runs}")
        X, Y, loss = self._check_data(X, y, loss)
        probe = self.copy()

        def f(theta):
            probe.set_parameter_vector(theta)
            with np.errstate(**_QUIET):
                return _scalar(probe._cost(*probe._forward(X), Y, loss))

        def grad(theta):
            probe.set_parameter_vector(theta)
            return probe.flat_gradient(X, Y, loss=loss)

        return f, grad

    # ------------------------------------------------------------------ checks
    def _check_X(self, X):
        X = _validate.finite_array("X", X).astype(self.dtype, copy=False)
        d = self.layer_sizes[0]
        if X.ndim != 2 or X.shape[1] != d:
            raise ValueError(f"X must have shape (n, {d}): one row per sample with {d} "
                             f"feature{'s' * (d > 1)}, got shape {X.shape}")
        return X

    def _check_data(self, X, y, loss):
        X = self._check_X(X)
        loss = self._check_loss(loss)
        y = _validate.finite_array("y", y)
        n, k = X.shape[0], self.layer_sizes[-1]
        labels = loss.targets == "distributions"
        if y.shape == (n,) and k == 1:
            y = y[:, None]
        elif y.shape == (n,) and labels:
            y = (_class_labels("y", y, k)[:, None] == np.arange(k)).astype(float)
        if y.shape != (n, k):
            wanted = f"({n},) or ({n}, 1)" if k == 1 else f"({n}, {k})"
            if k > 1 and labels:
                wanted = f"({n},) (class labels 0 to {k - 1}) or ({n}, {k}) (one-hot rows)"
            raise ValueError(f"y must have shape {wanted} to match X with {n} rows and a network "
                             f"with {k} output{'s' * (k > 1)}, got shape {y.shape}")
        _check_targets(loss.targets, y, f"the loss {loss.name!r}")
        return X, y.astype(self.dtype, copy=False), loss

    def _check_loss(self, loss):
        loss = get_loss(loss)
        out = self.activations[-1]
        if loss.expects == "probabilities" and out is not loss.link:
            # Only with its link is a probability loss computed from logits; any other output
            # would need clipping, and a clipped cost is not the function its gradient describes.
            raise ValueError(f"loss {loss.name!r} needs a {loss.link.name} output layer (it takes "
                             f"probabilities); this network's output is {out.name}. Use a "
                             f"{loss.link.name} output, or loss={loss.logits_loss.name!r} with an "
                             "identity output")
        return loss


# What the public methods ignore: a diverged run's huge weights overflow, and fit() reports it.
_QUIET = {"over": "ignore", "invalid": "ignore"}

# The reductions fit runs every update, called directly: np.sum, .max() and .sum() wrap them in
# Python code that costs more than reducing the small arrays of a mini-batch or a small network.
_add, _max, _min = np.add.reduce, np.maximum.reduce, np.minimum.reduce


@dataclass(eq=False)
class _Training:
    """What one call of :meth:`Network.fit` carries from update to update."""

    loss: object
    tracker: RunTracker
    bound: float
    step_w: np.ndarray  # the learning rates, shaped to broadcast over a layer's weights
    step_b: np.ndarray  # ... and over its biases
    path: object = None  # record_parameters' buffers (None when not recording)
    batch_costs: object = None
    step: int = 0  # updates done
    # Buffers for the large (n, units) arrays, reused every update: a fresh array of a few MiB
    # costs its page faults again each time, which on large batches took as long as the arithmetic.
    work: dict = field(default_factory=dict)


class _BatchRecord:
    """One epoch's per-batch costs and weight-gradient norms, and their means over the epoch.

    Each update stores its numbers in a row; at the end of the epoch one square root and one
    running sum (``np.add.accumulate``, strictly in order, from a row of zeros) per quantity
    give the same sums, bit for bit, as adding every batch to a total did, for a few numpy calls
    per epoch instead of several per update. The square roots are taken in the network's dtype
    and summed in float64, as before.
    """

    def __init__(self, batches, lead, n_layers, dtype):
        self.batches = batches
        self.costs = np.zeros((batches + 1,) + lead)  # row 0 stays 0.0: where the sums start
        self.norms = np.zeros((batches + 1,) + lead + (n_layers,))
        self.squares = np.zeros((batches,) + lead + (n_layers,), dtype=dtype)
        self.measured = np.ones((batches,) + lead, dtype=bool)
        self.masked = False  # whether some run was frozen during this epoch

    def add(self, b, cost, squares, measured):
        """Batch ``b``'s cost and squared norms (from ``Network._train_step``)."""
        if measured is None:
            self.costs[b + 1] = cost
        else:
            self.costs[b + 1] = np.where(measured, cost, 0.0)  # a frozen run's batch counts nothing
            self.measured[b] = measured
            self.masked = True
        for k, sq in enumerate(squares):
            self.squares[(b, Ellipsis, k)] = sq

    def means(self):
        """The epoch's mean cost and mean layer norms (NaN for a run no batch counted); resets."""
        self.norms[1:] = np.sqrt(self.squares)
        cost_sum = np.add.accumulate(self.costs, axis=0)[-1]
        if not self.masked:
            return cost_sum / self.batches, np.add.accumulate(self.norms, axis=0)[-1] / self.batches
        self.norms[1:][~self.measured] = 0.0
        norm_sum = np.add.accumulate(self.norms, axis=0)[-1]
        counted = self.measured.sum(axis=0)
        self.measured[...], self.masked = True, False
        with np.errstate(divide="ignore", invalid="ignore"):  # 0/0: no batch counted
            return (np.where(counted > 0, cost_sum / counted, np.nan),
                    np.where((counted > 0)[..., None], norm_sum / counted[..., None], np.nan))


#: Results of at least this many entries (per run) go into fit's reused buffers. Smaller ones
#: come from malloc's cache of freed blocks anyway, and looking up a buffer would cost more.
_BUFFERED = 2**16


def _buffer(work, key, a, b, n_out):
    """fit's reused array for ``key`` to hold an ``(.., rows of a, n_out)`` result of ``a`` and ``b``;
    None without a workspace or for a small result (then numpy allocates it). Keyed by shape
    too: a last, smaller mini-batch keeps its own buffers instead of replacing the others."""
    if work is None or a.shape[-2] * n_out < _BUFFERED:
        return None
    lead = a.shape[:-2] if a.ndim >= b.ndim else b.shape[:-2]  # the runs axis, if either has it
    shape, dtype = lead + (a.shape[-2], n_out), np.result_type(a, b)
    slot = (key, shape, dtype)
    if slot not in work:
        work[slot] = np.empty(shape, dtype=dtype)
    return work[slot]


def _matmul(a, W, work=None, key=None):
    """``a @ W``, written into the workspace's buffer ``key`` when there is a workspace."""
    return np.matmul(a, W, out=_buffer(work, key, a, W, W.shape[-1]))


def _times_transpose(delta, W, work=None, key=None):
    """``delta @ W.mT``, the error sent back through a layer's weights.

    For a one-unit layer (``W`` of shape ``(n_in, 1)``) that is an outer product: every entry is
    one multiplication, which broadcasting computes to the same numbers as the matrix product,
    without BLAS's (multithreaded) machinery for a sum of one term, several times faster.
    """
    if W.shape[-1] == 1:
        return np.multiply(delta, W.mT, out=_buffer(work, key, delta, W, W.shape[-2]))
    return _matmul(delta, W.mT, work, key)


def _scalar(value):
    return float(value) if np.ndim(value) == 0 else value


def _layer_sizes(layer_sizes):
    try:
        sizes = list(layer_sizes)
    except TypeError:
        raise ValueError(f"layer_sizes must be a list of integers >= 1, got {layer_sizes!r}") from None
    ok = all(isinstance(s, numbers.Integral) and not isinstance(s, bool) and s >= 1 for s in sizes)
    if not ok or len(sizes) < 2:
        raise ValueError("layer_sizes must be a list of at least two integers >= 1 (inputs first, "
                         f"outputs last), got {layer_sizes!r}")
    return tuple(int(s) for s in sizes)


def _activations(activations, layer_sizes):
    n_layers = len(layer_sizes) - 1
    if isinstance(activations, str) or not hasattr(activations, "__len__"):
        raise ValueError(f"activations must be a list with one activation per layer ({n_layers}), "
                         f"e.g. {['tanh'] * (n_layers - 1) + ['sigmoid']}; got {activations!r}")
    if len(activations) != n_layers:
        raise ValueError(f"activations must have one entry per layer: len(layer_sizes) - 1 = {n_layers}, "
                         f"got {len(activations)}")
    out = []
    for k, a in enumerate(activations):
        try:
            out.append(get_activation(a))
        except ValueError:
            valid = ", ".join(repr(name) for name in _LAYER_ACTIVATIONS)
            raise ValueError(f"activations[{k}] must be one of {valid}; got {a!r}") from None
        if isinstance(out[-1], Softmax) and layer_sizes[k + 1] < 2:
            raise ValueError(f"activations[{k}] is softmax, which needs a layer of >= 2 units (one "
                             f"probability per class); layer {k + 1} has {layer_sizes[k + 1]}. "
                             "For two classes use one sigmoid unit or two softmax units")
    return tuple(out)


def _init(init):
    if isinstance(init, str):
        return _validate.choice("init", init, tuple(INITS))
    if isinstance(init, bool) or not isinstance(init, numbers.Real) or not np.isfinite(init) or init < 0:
        raise ValueError(f"init must be one of {', '.join(map(repr, INITS))} or a standard deviation "
                         f">= 0, got {init!r}")
    return float(init)

