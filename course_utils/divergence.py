"""When a run has diverged: the one criterion every descent in the course uses.

A *run* is one start with one learning rate in :func:`course_utils.gradient_descent`, or one
network in ``Network.fit``. It has **diverged** at epoch ``k`` when, after its ``k``-th update,

1. **it is not finite or too big**: a coordinate (or weight) is NaN or infinite, or its size
   exceeds ``bound`` (default ``1e8``). This needs nothing but the position, so it applies to
   every run, including a plain gradient function with no known domain;
2. **it left the picture**: it lies outside the objective's plotted domain widened by
   :data:`MARGIN` domain widths on every side (for ``[-2, 2]``: outside ``[-6, 6]``), far off
   the figure the learner is looking at. Applies when the domain is known (course objectives);
3. **it climbs instead of descending**: its loss rose at each of the last :data:`PATIENCE`
   steps, and each time ended above the loss it started from. Applies when the loss is known
   (course objectives, where the loss of an ascent is ``-f``; a network's cost).

Why three rules: rule 1 alone (the old ``|x| > 1e8``) is reached only after a runaway has
already left every plot, often later than the 15-30 epochs a slider shows; rule 3 catches a
learning rate just above the stable limit, whose loss grows by a few percent a step, long
before it reaches any bound; rule 2 catches a run thrown onto a far, flat region (the plateau),
where the loss stops changing and the run would sit forever off the axes.

A diverged run is frozen: from epoch ``k`` on its position is NaN and it takes no more steps.
:func:`divergence_report` turns the outcome into the sentence a learner reads, the same for
descent and for networks; :class:`RunTracker` is the bookkeeping both loops share.

>>> rule = DivergenceRule.for_domain((-2.0, 2.0))
>>> print(rule.describe())
A run counts as diverged when its position stops being finite or exceeds 1e+08 in size, \
leaves [-6, 6] (the plotted domain [-2, 2] widened by its width on each side), or its loss \
rises for 5 steps in a row above its starting value.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate

__all__ = ["BOUND", "MARGIN", "PATIENCE", "DivergenceRule", "RunTracker", "divergence_report"]

BOUND = 1e8
"""Default size beyond which a run has run away (rule 1)."""
MARGIN = 1.0
"""How many domain widths beyond each edge of the plotted domain a run may go (rule 2)."""
PATIENCE = 5
"""How many consecutive rising steps above the starting loss count as diverging (rule 3)."""

# Why a run diverged, as stored in RunTracker.reason (0: it did not).
NOT_FINITE, TOO_BIG, LEFT_DOMAIN, LOSS_RISING = 1, 2, 3, 4
_WHY = {
    NOT_FINITE: "its {quantity} stopped being finite",
    TOO_BIG: "its {quantity} exceeded {bound} in size",
    LEFT_DOMAIN: "it left {region}",
    LOSS_RISING: "its loss rose for {patience} steps in a row above its starting value",
}


def _fmt(v):
    return f"{v:g}"


@dataclass(frozen=True, eq=False, repr=False)
class DivergenceRule:
    """The divergence criterion of one experiment: which of the three rules apply, with what numbers.

    Parameters
    ----------
    bound : float, default :data:`BOUND`
        Rule 1: a run whose size exceeds ``bound`` has diverged.
    domain : tuple, optional
        Rule 2: the plotted domain, ``(lo, hi)`` (1-D) or ``((xlo, xhi), (ylo, yhi))`` (2-D);
        ``None`` switches the rule off.
    patience : int or None, default :data:`PATIENCE`
        Rule 3: consecutive rising steps above the start loss; ``None`` switches it off.
    quantity : str, default "position"
        What the sentence calls the thing that diverges ("position", "weights").
    """

    bound: float = BOUND
    domain: tuple | None = None
    patience: int | None = PATIENCE
    quantity: str = "position"

    def __post_init__(self):
        object.__setattr__(self, "bound", _validate.positive_number("bound", self.bound))
        _validate.text("quantity", self.quantity)
        if self.patience is not None:
            object.__setattr__(self, "patience", _validate.integer("patience", self.patience, minimum=1))
        if self.domain is not None:
            d = _validate.finite_array("domain", self.domain)
            if d.shape not in ((2,), (2, 2)) or np.any(d.reshape(-1, 2)[:, 0] >= d.reshape(-1, 2)[:, 1]):
                raise ValueError(f"domain must be (lo, hi) or ((xlo, xhi), (ylo, yhi)) with lo < hi, "
                                 f"got {self.domain!r}")

    @classmethod
    def for_domain(cls, domain, *, bound=BOUND, patience=PATIENCE):
        """The full criterion (all three rules) for an objective plotted on ``domain``."""
        return cls(bound=bound, domain=domain, patience=patience)

    @property
    def box(self):
        """Rule 2's region, ``(lo, hi)`` arrays of shape ``(D,)``: the domain widened by :data:`MARGIN`."""
        if self.domain is None:
            return None
        d = np.asarray(self.domain, dtype=float).reshape(-1, 2)
        width = d[:, 1] - d[:, 0]
        return d[:, 0] - MARGIN * width, d[:, 1] + MARGIN * width

    def _box_text(self):
        lo, hi = self.box
        d = np.asarray(self.domain, dtype=float).reshape(-1, 2)
        if lo.size == 1:
            region, plotted = f"[{_fmt(lo[0])}, {_fmt(hi[0])}]", f"[{_fmt(d[0, 0])}, {_fmt(d[0, 1])}]"
        else:
            region = " x ".join(f"[{_fmt(a)}, {_fmt(b)}]" for a, b in zip(lo, hi))
            plotted = " x ".join(f"[{_fmt(a)}, {_fmt(b)}]" for a, b in d)
        return f"{region} (the plotted domain {plotted} widened by its width on each side)"

    def describe(self):
        """One sentence: what counts as diverged in this experiment, with the numbers."""
        s = "" if self.quantity.endswith("s") else "s"  # "its position stops", "its weights stop"
        parts = [f"its {self.quantity} stop{s} being finite or exceed{s} {_fmt(self.bound)} in size"]
        if self.domain is not None:
            parts.append(f"leaves {self._box_text()}")
        if self.patience is not None:
            parts.append(f"its loss rises for {self.patience} steps in a row above its starting value")
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + ", or " + parts[-1]
        return f"A run counts as diverged when {listed}."

    def why(self, reason):
        """The clause for one reason code stored in :attr:`RunTracker.reason` (1-4), in words.

        >>> DivergenceRule.for_domain((-2.0, 2.0)).why(3)
        'it left [-6, 6]'
        """
        reason = _validate.choice("reason", _validate.integer("reason", reason), tuple(_WHY))
        region = self._box_text().split(" (")[0] if self.domain is not None else ""
        return _WHY[int(reason)].format(quantity=self.quantity, bound=_fmt(self.bound), region=region,
                                        patience=self.patience)

    def __repr__(self):
        return f"DivergenceRule(bound={self.bound:g}, domain={self.domain!r}, patience={self.patience!r})"


def divergence_report(diverged_at, reason, rule, *, noun="run"):
    """The learner-facing sentence: whether, when and why runs diverged, and what that means.

    Parameters
    ----------
    diverged_at : int or ndarray of int, shape B
        Epoch at which each run diverged (-1: never).
    reason : int or ndarray of int, shape B
        Reason codes from :class:`RunTracker` (0 where a run did not diverge).
    rule : DivergenceRule
        The criterion used, quoted in the sentence.
    noun : str, default "run"
        What one run is called ("run", "training run").

    >>> rule = DivergenceRule(bound=1e8, patience=None)
    >>> divergence_report(-1, 0, rule)
    'The run did not diverge.'
    >>> print(divergence_report([-1, 3, 7], [0, 1, 2], rule))
    2 of 3 runs diverged; the first at epoch 3 (its position stopped being finite). \
A run counts as diverged when its position stops being finite or exceeds 1e+08 in size.
    """
    _validate.instance("rule", rule, DivergenceRule)
    noun = _validate.text("noun", noun)
    at = np.atleast_1d(_epochs("diverged_at", diverged_at, minimum=-1))
    try:
        why = np.broadcast_to(np.atleast_1d(_epochs("reason", reason, minimum=0)), at.shape)
    except ValueError:
        raise ValueError(f"reason must have the shape of diverged_at {at.shape}, got {np.shape(reason)}") from None
    if np.any(why[at >= 0] == 0) or np.any(why > max(_WHY)):
        raise ValueError(f"reason must hold a code from 1 to {max(_WHY)} for each diverged run, "
                         f"got {_validate.describe(reason)}")
    bad = at >= 0
    if not bad.any():
        return f"The {noun} did not diverge." if at.size == 1 else f"No {noun} diverged."
    first = int(np.flatnonzero(bad.ravel())[np.argmin(at.ravel()[bad.ravel()])])
    epoch, cause = int(at.ravel()[first]), rule.why(int(why.ravel()[first]))
    if at.size == 1:
        head = f"Diverged at epoch {epoch}: {cause}."
    else:
        plural = "s" if at.size != 1 else ""
        head = f"{int(bad.sum())} of {at.size} {noun}{plural} diverged; the first at epoch {epoch} ({cause})."
    return f"{head} {rule.describe()}"


def _with_rising(why, rising):
    """Reason codes with rule 3 added where no earlier rule applies (either may be None: none)."""
    if rising is None:
        return why
    climbing = np.where(rising, np.int8(LOSS_RISING), np.int8(0))
    return climbing if why is None else np.where(why > 0, why, climbing)


def _epochs(name, value, *, minimum):
    """An int or an array of ints >= ``minimum`` (epochs, reason codes)."""
    try:
        arr = np.asarray(value)
    except ValueError:  # ragged
        arr = np.asarray(None)
    if arr.dtype.kind not in "iu" or np.any(arr < minimum):
        raise ValueError(f"{name} must be integers >= {minimum}, got {_validate.describe(value)}")
    return arr


class RunTracker:
    """Which runs of a vectorized loop still move, and when and why the others stopped or diverged.

    The bookkeeping :func:`course_utils.gradient_descent` and ``Network.fit`` share. A loop
    creates one tracker, then at every step asks it which runs to update and tells it what
    happened::

        tracker = RunTracker(batch_shape, rule=rule, tol=tol)
        tracker.start(position=x0, loss=loss0)    # both optional (rules 2 and 3 use them)
        for step in range(epochs):
            g = gradient(x)
            tracker.stop_small(step, grad_norm)   # runs with |g| < tol freeze (tol=None: no-op)
            ... update the runs where tracker.active (all of them while tracker.all_active)
            bad = tracker.check(step + 1, position=x, loss=loss_of(x))
            if bad is not None:
                ...                               # freeze those runs (report them as NaN)

    Parameters
    ----------
    shape : tuple of int
        The batch shape ``B`` (one entry per run; ``()`` for a single run).
    rule : DivergenceRule, optional
        The criterion (default: rule 1 only, with :data:`BOUND`).
    tol : float, optional
        Stop a run once its gradient magnitude is below ``tol``.

    Attributes
    ----------
    active : ndarray of bool, shape B
        Runs still updating (neither stopped nor diverged).
    all_active : bool
        True while no run has stopped or diverged: loops skip their masking then.
    stopped_at, diverged_at : ndarray of int, shape B
        Epoch of stopping (``|grad| < tol``) and of divergence (-1: never).
    reason : ndarray of int8, shape B
        Why each run diverged (0: it did not); :meth:`DivergenceRule.why` says it in words.
    """

    def __init__(self, shape, *, rule=None, tol=None):
        if not isinstance(shape, tuple) or not all(
                isinstance(n, (int, np.integer)) and not isinstance(n, (bool, np.bool_)) and n >= 0 for n in shape):
            raise ValueError(f"shape must be a tuple of ints >= 0 (the batch shape), got {_validate.describe(shape)}")
        self.rule = DivergenceRule() if rule is None else _validate.instance("rule", rule, DivergenceRule)
        self.tol = _validate.positive_number("tol", tol, allow_none=True)
        self.active = np.ones(shape, dtype=bool)
        self.all_active = True
        self.stopped_at = np.full(shape, -1)
        self.diverged_at = np.full(shape, -1)
        self.reason = np.zeros(shape, dtype=np.int8)
        self.version = 0  # counts the changes of ``active``: loops cache what depends on it
        self._box = self.rule.box
        self._inner = self._inner_square()
        self._loss0 = self._last = self._rises = None

    def __repr__(self):
        return (f"RunTracker(runs={self.active.size}, active={int(self.active.sum())}, "
                f"stopped={int((self.stopped_at >= 0).sum())}, diverged={int((self.diverged_at >= 0).sum())})")

    def start(self, *, position=None, loss=None):
        """Record where the runs start (shape ``B`` or ``(*B, D)``) and their loss (shape ``B``).

        The loss switches rule 3 on. A start outside rule 2's region widens that run's region to
        include it: a run is not called diverged for where the learner chose to start it.
        """
        if position is not None and self._box is not None:
            x = np.asarray(position, dtype=float)
            if x.ndim == self.active.ndim:  # 1-D runs: give the coordinate axis the region has
                x = x[..., None]
            lo, hi = self._box
            if np.any(x < lo) or np.any(x > hi):
                self._box = (np.minimum(lo, x), np.maximum(hi, x))
                self._inner = self._inner_square()
        if loss is not None and self.rule.patience is not None:
            self._loss0 = np.broadcast_to(np.asarray(loss, dtype=float), self.active.shape).copy()
            self._last = self._loss0.copy()
            self._rises = np.zeros(self.active.shape, dtype=np.int32)
            self._counting = False

    def stop_small(self, step, grad_norm):
        """Freeze the active runs whose ``grad_norm`` is below ``tol``; True if any stopped now."""
        if self.tol is None:
            return False
        newly = grad_norm < self.tol
        if not self.all_active:
            newly &= self.active
        if not newly.any():
            return False
        self.stopped_at[newly] = step
        self._freeze(newly)
        return True

    def check(self, epoch, *, position=None, size=None, loss=None):
        """Apply the rule after an update; returns the mask of runs that diverged now, or None.

        Parameters
        ----------
        epoch : int
            The epoch just completed (the first update is epoch 1).
        position : ndarray, shape B or (*B, D), optional
            Every run's position (rules 1 and 2; the size is ``|x|``, Euclidean for ``D = 2``).
        size : ndarray, shape B, optional
            Instead of ``position``: every run's size (e.g. its largest weight), NaN if not finite.
        loss : ndarray, shape B, optional
            Every run's loss at this epoch (rule 3, after :meth:`start`).
        """
        why = None
        if position is not None:
            position = np.asarray(position)
            why = self._position_reasons(position, two_d=position.ndim > self.active.ndim)
        elif size is not None:
            why = self._size_reasons(np.asarray(size))
        if loss is not None and self._loss0 is not None:
            why = _with_rising(why, self._loss_rising(np.asarray(loss, dtype=float)))
        if why is None:
            return None
        bad = why > 0
        if not self.all_active:
            bad &= self.active
        if not bad.any():
            return None
        self.diverged_at[bad] = epoch
        self.reason[bad] = why[bad]
        self._freeze(bad)
        return bad

    def check_block(self, first, *, positions, losses=None):
        """Apply the rule to ``k`` consecutive epochs at once: the outcome of :meth:`check` called
        once per epoch, for loops whose runs are independent of each other.

        Such a loop may take a block of steps and ask once: a run's steps after the one that
        made it diverge are computed, then discarded (its position and loss there are ignored).

        Parameters
        ----------
        first : int
            The epoch of ``positions[0]``.
        positions : ndarray, shape (k, *B) or (k, *B, D)
            Every run's position after each of the ``k`` epochs.
        losses : ndarray, shape (k, *B), optional
            Every run's loss after each of them (rule 3, after :meth:`start`).

        Returns
        -------
        None, or (mask, offset)
            ``mask`` (shape ``B``): the runs that diverged in the block; ``offset`` (shape ``B``):
            for those, the index in the block of the epoch they diverged at.
        """
        why = self._position_reasons(positions, two_d=positions.ndim > self.active.ndim + 1)
        if losses is not None and self._loss0 is not None:
            why = _with_rising(why, self._rising_block(losses))
        if why is None:
            return None
        bad = why > 0
        if not self.all_active:
            bad &= self.active
        hit = bad.any(axis=0)
        if not hit.any():
            return None
        offset = bad.argmax(axis=0)  # the first bad epoch of each run
        self.diverged_at[hit] = first + offset[hit]
        self.reason[hit] = np.take_along_axis(why, offset[None], axis=0)[0][hit]
        self._freeze(hit)
        return hit, offset

    def report(self, noun="run"):
        """The learner-facing sentence (:func:`divergence_report`)."""
        return divergence_report(self.diverged_at, self.reason, self.rule, noun=noun)

    # ---------------------------------------------------------------- internals

    def _freeze(self, mask):
        self.active &= ~mask
        self.all_active = False
        self.version += 1

    def _inner_square(self):
        """``(lo, hi)`` numbers such that every coordinate in ``[lo, hi]`` is inside rule 2's region
        and well within rule 1's bound (None if the region differs between runs)."""
        if self._box is None or self._box[0].ndim != 1:
            return None
        lo, hi = self._box
        if not 2 * max(np.abs(lo).max(), np.abs(hi).max()) < self.rule.bound:
            return None
        return float(lo.max()), float(hi.min())

    def _size_reasons(self, size):
        # One reduction decides the common case (everything finite and small) without a mask.
        with np.errstate(invalid="ignore"):
            if size.max(initial=-np.inf) <= self.rule.bound:
                return None
            return np.where(np.isfinite(size), np.where(size <= self.rule.bound, 0, TOO_BIG), NOT_FINITE)

    def _position_reasons(self, x, *, two_d):
        # x: shape B or (*B, D), or with a leading axis of epochs (check_block).
        bound = self.rule.bound
        # Fast path: one min and one max decide the common case (every run finite and well
        # inside the region) without building a mask; NaN fails both comparisons. They run over
        # all coordinates at once, against the box's inner square: a reduction along a strided
        # axis costs many times one over contiguous memory.
        if self._box is not None:
            lo, hi = self._box
            if self._inner is not None and x.min() >= self._inner[0] and x.max() <= self._inner[1]:
                return None
        elif -bound / 2 <= x.min() and x.max() <= bound / 2:
            return None  # then |x| <= bound * sqrt(2) / 2 < bound for every run
        with np.errstate(invalid="ignore", over="ignore"):
            size = np.sqrt(x[..., 0] * x[..., 0] + x[..., 1] * x[..., 1]) if two_d else np.abs(x)
            finite = np.isfinite(x).all(axis=-1) if two_d else np.isfinite(x)
            why = np.where(finite, np.where(size <= bound, 0, TOO_BIG), NOT_FINITE).astype(np.int8)
            if self._box is not None:
                lo, hi = self._box
                if not two_d:  # the region of a 1-D run is stored with a coordinate axis
                    lo, hi = (lo[..., 0], hi[..., 0]) if lo.ndim > 1 else (lo[0], hi[0])
                inside = (x >= lo) & (x <= hi)
                inside = inside.all(axis=-1) if two_d else inside
                why[(why == 0) & ~inside] = LEFT_DOMAIN
        return why

    def _loss_rising(self, loss):
        # A step counts when the loss rose and ended above the start; any other step resets the count.
        # While nothing is counting, a loss that rose nowhere changes nothing but the last loss: one
        # comparison decides that common case (a falling loss) before the full rule.
        if not self._counting and not (loss > self._last).any():
            np.copyto(self._last, loss)
            return None
        counts = (loss > self._last) & (loss > self._loss0)  # comparisons with NaN are False, silently
        np.copyto(self._last, loss)
        if not self._counting and not counts.any():
            return None
        self._rises = np.where(counts, self._rises + 1, 0)
        self._counting = bool(self._rises.any())
        return self._rises >= self.rule.patience

    def _rising_block(self, losses):
        # _loss_rising over k epochs at once: the count at epoch t is the number of counting
        # steps since the last one that was not (plus the count carried in, if none was not).
        before = np.concatenate([self._last[None], losses[:-1]])
        counts = (losses > before) & (losses > self._loss0)
        np.copyto(self._last, losses[-1])
        if not self._counting and not counts.any():
            return None
        t = np.arange(len(losses)).reshape((-1,) + (1,) * self.active.ndim)
        reset = np.maximum.accumulate(np.where(counts, -1, t), axis=0)  # last epoch that did not count
        rises = np.where(reset >= 0, t - reset, t + 1 + self._rises)
        self._rises = rises[-1].astype(np.int32)
        self._counting = bool(self._rises.any())
        return rises >= self.rule.patience
