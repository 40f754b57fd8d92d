"""Turning many descent end points into answers: unique points, basins, success rates."""
from __future__ import annotations

import numpy as np

from . import _validate

__all__ = ["nearest_label", "unique_points"]


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
    pts = _validate.as_float_array("points", points)
    if targets.ndim == 1:
        dist = np.abs(pts[..., None] - targets)
    else:
        dist = np.linalg.norm(pts[..., None, :] - targets, axis=-1)
    with np.errstate(invalid="ignore"):
        best = np.argmin(np.where(np.isnan(dist), np.inf, dist), axis=-1)
        hit = np.take_along_axis(dist, best[..., None], axis=-1)[..., 0] < tol
    return np.where(hit, best, -1)


def unique_points(points, *, decimals=3):
    """The distinct finite end points (rounded to ``decimals``), sorted, with how often each occurs.

    Returns
    -------
    unique : ndarray, shape (U,) or (U, 2)
    counts : ndarray of int, shape (U,)
    """
    decimals = _validate.integer("decimals", decimals, minimum=0)
    pts = _validate.as_float_array("points", points)
    flat = pts.reshape(-1) if pts.ndim <= 1 or pts.shape[-1] != 2 else pts.reshape(-1, 2)
    finite = np.all(np.isfinite(flat.reshape(flat.shape[0], -1)), axis=1)
    rounded = np.round(flat[finite], decimals) + 0.0  # + 0.0 folds -0.0 into 0.0
    return np.unique(rounded, axis=0, return_counts=True)
