"""Turning many descent end points into answers: unique points, basins, success rates, extrema.

Each helper works on the end points of *one* vectorized :func:`gradient_descent` call, so an
experiment over thousands of starts stays a single call.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate
from .descent import gradient_descent
from .functions import Objective

__all__ = [
    "nearest_label", "unique_points", "basin_map", "restart_success",
    "restart_success_theory", "Extremum", "locate_extrema",
]


def nearest_label(points, targets, *, tol=1e-2):
    """Index of the target each point ended within ``tol`` of (-1 if none, or NaN).

    Parameters
    ----------
    points : array_like, shape (*B) for 1-D or (*B, 2) for 2-D
    targets : array_like, shape (T,) or (T, 2)
    tol : float
        Distance under which a point counts as having reached a target.

    Returns
    -------
    ndarray of int, shape B

    >>> nearest_label([0.49, 1.69, 0.1], [0.5, 1.6937], tol=0.05).tolist()
    [0, 1, -1]
    """
    tol = _validate.positive_number("tol", tol)
    targets = _validate.finite_array("targets", targets)
    if targets.ndim not in (1, 2) or targets.shape[0] == 0 or (targets.ndim == 2 and targets.shape[1] != 2):
        raise ValueError(f"targets must have shape (T,) or (T, 2) with T >= 1, got shape {targets.shape}")
    pts = _validate.as_float_array("points", points)
    if targets.ndim == 1:
        dist = np.abs(pts[..., None] - targets)
    else:
        if pts.ndim == 0 or pts.shape[-1] != 2:
            raise ValueError(f"points must have shape (..., 2) for 2-D targets, got shape {pts.shape}")
        dist = np.linalg.norm(pts[..., None, :] - targets, axis=-1)
    with np.errstate(invalid="ignore"):
        best = np.argmin(np.where(np.isnan(dist), np.inf, dist), axis=-1)
        hit = np.take_along_axis(dist, best[..., None], axis=-1)[..., 0] < tol
    return np.where(hit, best, -1)


def unique_points(points, *, decimals=3):
    """The distinct finite end points (rounded to ``decimals``), sorted, with how often each occurs.

    Parameters
    ----------
    points : array_like, shape (N,) for 1-D or (N, 2) for 2-D
        End points; entries with NaN (diverged runs) are left out. Any other shape is
        refused as ambiguous: flatten a grid of 1-D end points first (``np.ravel``).
    decimals : int, default 3

    Returns
    -------
    unique : ndarray, shape (U,) or (U, 2)
    counts : ndarray of int, shape (U,)

    >>> u, n = unique_points([1.00001, 0.99999, -2.0, float("nan")])
    >>> u.tolist(), n.tolist()
    ([-2.0, 1.0], [1, 2])
    """
    decimals = _validate.integer("decimals", decimals, minimum=0)
    pts = _validate.as_float_array("points", points)
    if pts.ndim > 2 or (pts.ndim == 2 and pts.shape[-1] != 2):
        raise ValueError(f"points must have shape (N,) for 1-D or (N, 2) for 2-D points, got shape {pts.shape}; "
                         f"pass np.ravel(points) for a grid of 1-D end points, points.reshape(-1, 2) for 2-D")
    flat = pts.reshape(-1) if pts.ndim != 2 else pts
    finite = np.isfinite(flat) if flat.ndim == 1 else np.all(np.isfinite(flat), axis=1)
    rounded = np.round(flat[finite], decimals) + 0.0  # + 0.0 folds -0.0 into 0.0
    if rounded.shape[0] == 0:  # nothing finite: an empty answer, not numpy's axis error
        return rounded, np.zeros(0, dtype=np.int64)
    return np.unique(rounded, axis=0, return_counts=True)


def _objective(objective):
    if not isinstance(objective, Objective):
        raise ValueError(f"objective must be a course_utils Objective, got {_validate.describe(objective)}")
    return objective


def _targets(objective, targets):
    """Targets as (T,) for a 1-D objective, (T, 2) for a 2-D one; a single 2-D point is one target."""
    arr = _validate.finite_array("targets", targets)
    if objective.ndim == 2 and arr.shape == (2,):
        arr = arr[None]
    if arr.size == 0 or (objective.ndim == 1 and arr.ndim != 1) or (
            objective.ndim == 2 and (arr.ndim != 2 or arr.shape[1] != 2)):
        form = "(T,)" if objective.ndim == 1 else "(T, 2) or one point (x, y)"
        raise ValueError(f"targets must have shape {form} with T >= 1 for the {objective.ndim}-D objective "
                         f"{objective.name}, got shape {arr.shape}")
    return arr


def _grid_starts(objective, xs, ys):
    xs = _validate.finite_array("xs", xs)
    if xs.ndim != 1 or xs.size == 0:
        raise ValueError(f"xs must be a non-empty 1-D array, got shape {xs.shape}")
    if objective.ndim == 1:
        if ys is not None:
            raise ValueError(f"ys must be None for the 1-D objective {objective.name}")
        return xs
    if ys is None:
        raise ValueError(f"ys is required for the 2-D objective {objective.name}")
    ys = _validate.finite_array("ys", ys)
    if ys.ndim != 1 or ys.size == 0:
        raise ValueError(f"ys must be a non-empty 1-D array, got shape {ys.shape}")
    X, Y = np.meshgrid(xs, ys)
    return np.stack([X, Y], axis=-1)


def basin_map(objective, xs, ys=None, *, learning_rate, epochs, targets=None, ascent=False, tol=1e-2):
    """Which target each start of a grid reaches, from one vectorized descent (or ascent) call.

    Parameters
    ----------
    objective : Objective
        A 1-D or 2-D course objective.
    xs : array_like, shape (NX,)
        Start coordinates along x.
    ys : array_like, shape (NY,), optional
        Start coordinates along y (2-D objectives only); the starts are the grid ``(xs[j], ys[i])``.
    learning_rate : float
        Step size > 0.
    epochs : int
        Number of steps, >= 1.
    targets : array_like, shape (T,) or (T, 2), optional
        Points to attribute each end point to; defaults to ``objective.minima``
        (``objective.maxima`` when ``ascent``).
    ascent : bool, default False
        Climb instead of descend (basins of the maxima).
    tol : float, default 1e-2
        An end point farther than ``tol`` from every target is labelled -1.

    Returns
    -------
    ndarray of int, shape (NX,) for 1-D or (NY, NX) for 2-D
        Index into ``targets`` (-1: none of them, or diverged). Ready for :func:`plot_basins`.

    >>> import numpy as np, course_utils as cu
    >>> basin_map(cu.sextic, [-1.5, 0.3, 1.9], learning_rate=0.01, epochs=300).tolist()
    [0, 1, 2]
    """
    objective = _objective(objective)
    starts = _grid_starts(objective, xs, ys)
    learning_rate = _validate.positive_number("learning_rate", learning_rate)
    epochs = _validate.integer("epochs", epochs, minimum=1)
    ascent = _validate.flag("ascent", ascent)
    tol = _validate.positive_number("tol", tol)
    if targets is None:
        targets = objective.maxima if ascent else objective.minima
        if len(targets) == 0:
            kind = "maxima" if ascent else "minima"
            raise ValueError(f"targets must be given: {objective.name} lists no known {kind}")
    targets = _targets(objective, targets)
    result = gradient_descent(objective, starts, learning_rate=learning_rate, epochs=epochs, ascent=ascent,
                              record="end")
    return nearest_label(result.final, targets, tol=tol)


def restart_success(success):
    """Measured chance that at least one of the first ``k`` restarts succeeded, for every ``k``.

    Parameters
    ----------
    success : array_like of bool, shape (trials, K)
        ``success[t, j]``: did run ``j`` of trial ``t`` reach the goal (e.g. the global minimum)?

    Returns
    -------
    ndarray of float, shape (K,)
        Entry ``k - 1`` is the fraction of trials in which any of runs ``0 .. k-1`` succeeded.

    >>> restart_success([[False, True, False], [False, False, False]]).tolist()
    [0.0, 0.5, 0.5]
    """
    s = np.asarray(success)
    if s.dtype != bool:
        raise ValueError(f"success must be an array of booleans, got dtype {s.dtype}")
    if s.ndim != 2 or 0 in s.shape:
        raise ValueError(f"success must have shape (trials, K) with both >= 1, got shape {s.shape}")
    return np.logical_or.accumulate(s, axis=1).mean(axis=0)


def restart_success_theory(p, restarts):
    """``1 - (1 - p)**k``: the chance that ``k`` independent restarts, each succeeding with ``p``, succeed once.

    Parameters
    ----------
    p : float
        Success probability of one run, in [0, 1].
    restarts : int or array_like of int
        Number(s) of restarts ``k >= 1``.

    >>> restart_success_theory(0.5, [1, 2, 3]).tolist()
    [0.5, 0.75, 0.875]
    """
    p = _validate.probability("p", p)
    try:
        k = np.asarray(restarts)
    except ValueError:  # a ragged list
        k = np.asarray(None)
    if not np.issubdtype(k.dtype, np.integer) or np.any(k < 1):
        raise ValueError(f"restarts must be integers >= 1, got {_validate.describe(restarts)}")
    return 1.0 - (1.0 - p) ** k


@dataclass(frozen=True, eq=False)
class Extremum:
    """A minimum or maximum found numerically.

    Attributes
    ----------
    kind : {"minimum", "maximum"}
    scope : {"global", "local"}
        Global among the extrema of this kind found in the objective's domain.
    location : float or ndarray, shape (2,)
    value : float
        The objective at ``location``.
    hits : int
        How many starts ended here.
    """

    kind: str
    scope: str
    location: object
    value: float
    hits: int

    def __str__(self):
        loc = np.round(np.atleast_1d(self.location), 4) + 0.0  # + 0.0: no "-0.0000"
        where = f"x = {loc[0]:.4f}" if loc.size == 1 else f"(x, y) = ({loc[0]:.4f}, {loc[1]:.4f})"
        starts = f"{self.hits} start{'s' * (self.hits != 1)}"
        return f"{self.scope} {self.kind}: f = {round(self.value, 4) + 0.0:.4f} at {where}  ({starts})"


def locate_extrema(objective, starts, *, learning_rate, epochs, decimals=3, grad_tol=1e-6):
    """Find every minimum and maximum reachable from ``starts``: one descent and one ascent call.

    End points whose gradient magnitude is below ``grad_tol`` and that lie in
    ``objective.domain`` are grouped with :func:`unique_points` (rounded to ``decimals``);
    each group's mean position is reported. Runs that did not settle are ignored, so use
    enough epochs. A group is kept only if the curvature there (a central-difference Hessian)
    confirms it: a start placed exactly on a maximum or saddle has a zero gradient and
    never moves, but it is not a minimum.

    Parameters
    ----------
    objective : Objective
    starts : array_like, shape (*S) or (*S, 2)
    learning_rate : float
    epochs : int
    decimals : int, default 3
        Rounding used to decide that two end points are the same extremum.
    grad_tol : float, default 1e-6
        An end point counts as settled when ``|grad| < grad_tol``.

    Returns
    -------
    list of Extremum
        Minima from lowest to highest value, then maxima from highest to lowest.

    >>> import numpy as np, course_utils as cu
    >>> found = locate_extrema(cu.sextic, np.linspace(-1.9, 1.9, 20), learning_rate=0.01, epochs=500)
    >>> for e in found:
    ...     print(e)
    global minimum: f = -6.0646 at x = -1.6937  (7 starts)
    global minimum: f = -6.0646 at x = 1.6937  (7 starts)
    local minimum: f = 0.0000 at x = 0.0000  (6 starts)
    global maximum: f = 0.8794 at x = -0.6818  (8 starts)
    global maximum: f = 0.8794 at x = 0.6818  (8 starts)
    """
    objective = _objective(objective)
    starts = _validate.points("starts", starts, objective.ndim)
    learning_rate = _validate.positive_number("learning_rate", learning_rate)
    epochs = _validate.integer("epochs", epochs, minimum=1)
    grad_tol = _validate.positive_number("grad_tol", grad_tol)
    decimals = _validate.integer("decimals", decimals, minimum=0)
    found = []
    for kind, ascent in (("minimum", False), ("maximum", True)):
        run = gradient_descent(objective, starts, learning_rate=learning_rate, epochs=epochs, ascent=ascent,
                               record="end")
        ends = _settled(objective, run.final, grad_tol)
        found += _group(objective, ends, kind, decimals)
    return found


def _settled(objective, ends, grad_tol):
    """End points (flattened) that are finite, inside the domain and with a tiny gradient."""
    ends = ends.reshape(-1) if objective.ndim == 1 else ends.reshape(-1, 2)
    # one row per end point, (N, ndim): an explicit width, so that N = 0 (every run diverged) works
    rows = ends.reshape(ends.shape[0], objective.ndim)
    finite = np.all(np.isfinite(rows), axis=1)
    ends, rows = ends[finite], rows[finite]
    g = objective.grad(ends)
    norm = np.abs(g) if objective.ndim == 1 else np.linalg.norm(g, axis=-1)
    lo, hi = np.array(objective.domain, dtype=float).T
    inside = np.all((rows >= lo) & (rows <= hi), axis=1)
    return ends[(norm < grad_tol) & inside]


def _group(objective, ends, kind, decimals):
    if ends.shape[0] == 0:
        return []
    keys, counts = unique_points(ends, decimals=decimals)
    rounded = np.round(ends, decimals) + 0.0
    same = rounded[:, None] == keys[None] if objective.ndim == 1 else np.all(rounded[:, None] == keys[None], axis=-1)
    locations = [ends[same[:, u]].mean(axis=0) for u in range(keys.shape[0])]
    # A run started exactly on a maximum or saddle has a zero gradient but never moved:
    # keep only points whose curvature really makes them a minimum (or maximum).
    keep = [u for u, loc in enumerate(locations) if _curves(objective, loc, kind)]
    locations, counts = [locations[u] for u in keep], counts[keep]
    if not locations:
        return []
    values = np.array([float(objective(loc)) for loc in locations])
    best = values.min() if kind == "minimum" else values.max()
    order = np.argsort(values if kind == "minimum" else -values, kind="stable")
    return [Extremum(kind, "global" if np.isclose(values[u], best, rtol=1e-9, atol=1e-9) else "local",
                     float(locations[u]) if objective.ndim == 1 else locations[u], float(values[u]), int(counts[u]))
            for u in order]


def _curves(objective, location, kind, h=1e-4):
    """True if the Hessian (central differences of the gradient) is definite with the right sign."""
    steps = h * np.eye(objective.ndim) if objective.ndim == 2 else np.array([h])
    cols = [(objective.grad(location + e) - objective.grad(location - e)) / (2 * h) for e in steps]
    hessian = np.array(cols, dtype=float).reshape(objective.ndim, objective.ndim)
    eig = np.linalg.eigvalsh((hessian + hessian.T) / 2)
    return bool(np.all(eig > 0)) if kind == "minimum" else bool(np.all(eig < 0))
