"""Small synthetic data sets for the neural-network notebooks, each drawn from an explicit ``rng``.

Every generator takes the number of samples ``n`` and a keyword ``rng`` (``None``, an int
seed or a ``numpy.random.Generator``) and returns plain numpy arrays: features ``X`` of
shape ``(n, d)`` and targets of shape ``(n,)``. The same seed gives the same data.

>>> import course_utils as cu
>>> X, y = cu.nn.two_clusters(6, rng=0)
>>> X.shape, y.shape, sorted(set(y.tolist()))
((6, 2), (6,), [0.0, 1.0])
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import _validate

__all__ = [
    "ExamData", "EXAM_FEATURES", "EXAM_PASS_MARK", "exam_data", "two_clusters", "xor", "moons",
    "linear_1d", "linear_3d",
]

#: Axis labels of the exam feature space.
EXAM_FEATURES = ("hours studied", "hours slept")
#: A score at or above this mark is a pass.
EXAM_PASS_MARK = 60.0
# The (made-up) rule behind the exam data: score = intercept + per-hour gains + noise.
_EXAM_INTERCEPT, _EXAM_PER_HOUR_STUDIED, _EXAM_PER_HOUR_SLEPT, _EXAM_NOISE = 5.0, 4.5, 5.0, 6.0


class ExamData(NamedTuple):
    """The exam data set of the notes: one row per student.

    Attributes
    ----------
    X : ndarray, shape (n, 2)
        Hours studied (0–10) and hours slept the night before (4–10).
    passed : ndarray, shape (n,)
        1.0 if the student passed (``score >= EXAM_PASS_MARK``), else 0.0.
    score : ndarray, shape (n,)
        The exam score, 0–100.
    """

    X: np.ndarray
    passed: np.ndarray
    score: np.ndarray


def _n(n):
    return _validate.integer("n", n, minimum=1)


def _balanced_labels(n, k, rng):
    """``n`` labels in ``0..k-1``, as equal in number as possible, in random order."""
    return rng.permutation(np.arange(n) % k)


def exam_data(n, *, rng=None):
    """Students' study and sleep hours, whether they passed, and their exam score.

    The score follows a plausible (made-up) linear rule plus noise,
    ``score = 5 + 4.5 * studied + 5 * slept + noise`` (noise standard deviation 6),
    clipped to 0–100; a score of at least 60 is a pass. So both hours help, and the
    pass/fail boundary in the (studied, slept) plane is close to a straight line.

    Parameters
    ----------
    n : int
        Number of students, >= 1.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    ExamData
        Named tuple ``(X, passed, score)``; ``X`` has shape ``(n, 2)``, the others ``(n,)``.

    >>> data = exam_data(100, rng=1)
    >>> data.X.shape, data.passed.shape, data.score.shape
    ((100, 2), (100,), (100,))
    >>> bool(((data.score >= 60) == (data.passed == 1)).all())
    True
    """
    n, rng = _n(n), _validate.rng(rng)
    studied = rng.uniform(0.0, 10.0, n)
    slept = rng.uniform(4.0, 10.0, n)
    score = (_EXAM_INTERCEPT + _EXAM_PER_HOUR_STUDIED * studied + _EXAM_PER_HOUR_SLEPT * slept
             + _EXAM_NOISE * rng.standard_normal(n))
    score = np.clip(score, 0.0, 100.0)
    passed = (score >= EXAM_PASS_MARK).astype(float)
    return ExamData(np.column_stack([studied, slept]), passed, score)


def two_clusters(n, *, rng=None, distance=3.0, spread=1.0):
    """Two round Gaussian clusters in the plane, labelled 0 and 1 (half of the points each).

    The cluster centres are ``distance`` apart along the diagonal direction ``(1, -1)``,
    either side of the point ``(1, 1)``, so the best separating line does not pass through
    the origin (a unit needs its bias).

    Parameters
    ----------
    n : int
        Number of points, >= 1.
    rng : None, int or numpy.random.Generator
    distance : float, default 3.0
        Distance between the two centres, >= 0 (0: the classes overlap completely).
    spread : float, default 1.0
        Standard deviation of each cluster, > 0.

    Returns
    -------
    X : ndarray, shape (n, 2)
    y : ndarray, shape (n,)
        0.0 or 1.0.
    """
    n, rng = _n(n), _validate.rng(rng)
    distance = _validate.nonnegative_number("distance", distance)
    spread = _validate.positive_number("spread", spread)
    y = _balanced_labels(n, 2, rng).astype(float)
    direction = np.array([1.0, -1.0]) / np.sqrt(2.0)
    centres = np.array([1.0, 1.0]) + np.outer(y - 0.5, direction) * distance
    return centres + spread * rng.standard_normal((n, 2)), y


def xor(n, *, rng=None, noise=0.3):
    """The XOR problem: four blobs at ``(±1, ±1)``; label 1 where the two signs differ.

    No straight line separates the classes, so a single unit cannot solve it.

    Parameters
    ----------
    n : int
        Number of points, >= 1 (spread evenly over the four corners).
    rng : None, int or numpy.random.Generator
    noise : float, default 0.3
        Standard deviation of each blob, >= 0.

    Returns
    -------
    X : ndarray, shape (n, 2)
    y : ndarray, shape (n,)
        0.0 or 1.0.

    >>> X, y = xor(4, rng=0, noise=0.0)
    >>> bool(np.all(y == (np.sign(X[:, 0]) != np.sign(X[:, 1]))))
    True
    """
    n, rng = _n(n), _validate.rng(rng)
    noise = _validate.nonnegative_number("noise", noise)
    corner = _balanced_labels(n, 4, rng)
    signs = np.column_stack([np.where(corner % 2, 1.0, -1.0), np.where(corner // 2, 1.0, -1.0)])
    y = (signs[:, 0] != signs[:, 1]).astype(float)
    return signs + noise * rng.standard_normal((n, 2)), y


def moons(n, *, rng=None, noise=0.1):
    """Two interleaving half circles (label 0 on top, label 1 below, shifted right).

    Parameters
    ----------
    n : int
        Number of points, >= 1 (half on each moon).
    rng : None, int or numpy.random.Generator
    noise : float, default 0.1
        Standard deviation of the Gaussian noise added to each coordinate, >= 0.

    Returns
    -------
    X : ndarray, shape (n, 2)
    y : ndarray, shape (n,)
        0.0 or 1.0.
    """
    n, rng = _n(n), _validate.rng(rng)
    noise = _validate.nonnegative_number("noise", noise)
    y = _balanced_labels(n, 2, rng).astype(float)
    t = rng.uniform(0.0, np.pi, n)
    top = np.column_stack([np.cos(t), np.sin(t)])
    bottom = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    X = np.where(y[:, None] == 1, bottom, top)
    return X + noise * rng.standard_normal((n, 2)), y


def linear_1d(n, *, w=2.0, b=-1.0, noise=0.5, rng=None, low=-2.0, high=2.0):
    """Noisy points on a line: ``y = x * w + b + noise``, ``x`` uniform in ``[low, high]``.

    Parameters
    ----------
    n : int
        Number of points, >= 1.
    w, b : float
        True slope and intercept.
    noise : float, default 0.5
        Standard deviation of the Gaussian noise on ``y``, >= 0.
    rng : None, int or numpy.random.Generator
    low, high : float
        Range of ``x`` (``low < high``).

    Returns
    -------
    x : ndarray, shape (n, 1)
        A one-column feature matrix, ready for a network.
    y : ndarray, shape (n,)

    >>> x, y = linear_1d(3, w=2.0, b=1.0, noise=0.0, rng=0)
    >>> bool(np.allclose(y, 2 * x[:, 0] + 1))
    True
    """
    n, rng = _n(n), _validate.rng(rng)
    w, b = _validate.finite_number("w", w), _validate.finite_number("b", b)
    noise = _validate.nonnegative_number("noise", noise)
    low, high = _validate.finite_number("low", low), _validate.finite_number("high", high)
    if not low < high:
        raise ValueError(f"high must be > low, got low={low!r}, high={high!r}")
    x = rng.uniform(low, high, (n, 1))
    return x, x[:, 0] * w + b + noise * rng.standard_normal(n)


def linear_3d(n, *, w=(1.5, -2.0, 0.5), b=1.0, noise=0.3, rng=None):
    """Three standard-normal features and ``y = x1 w1 + x2 w2 + x3 w3 + b + noise``.

    Parameters
    ----------
    n : int
        Number of samples, >= 1.
    w : array_like, shape (3,)
        True weights.
    b : float
        True intercept.
    noise : float, default 0.3
        Standard deviation of the Gaussian noise on ``y``, >= 0.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray, shape (n, 3)
    y : ndarray, shape (n,)
    """
    n, rng = _n(n), _validate.rng(rng)
    w = _validate.finite_array("w", w)
    if w.shape != (3,):
        raise ValueError(f"w must have shape (3,), got shape {w.shape}")
    b = _validate.finite_number("b", b)
    noise = _validate.nonnegative_number("noise", noise)
    X = rng.standard_normal((n, 3))
    return X, X @ w + b + noise * rng.standard_normal(n)
