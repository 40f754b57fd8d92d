"""Held-out data: seeded, stratified train / (validation) / test splits.

A model is fitted on the training set, its settings (hidden units, epochs, learning rate)
are chosen on the validation set, and the test set is touched once, at the end, to report
how well the chosen model does on data it has never influenced.

Stratified (the default for class labels) means every class is split in the same
proportions, so a 20 % test set of iris holds 10 flowers of each of the 3 species.

>>> import numpy as np, course_utils as cu
>>> X, y = np.arange(40.0).reshape(20, 2), np.repeat([0, 1], 10)
>>> parts = cu.nn.train_test_split(X, y, test_fraction=0.3, rng=0)
>>> parts.X_train.shape, parts.X_test.shape, np.bincount(parts.y_test).tolist()
((14, 2), (6, 2), [3, 3])
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import _validate

__all__ = ["TrainTest", "TrainValTest", "train_test_split", "train_val_test_split"]


class TrainTest(NamedTuple):
    """The two parts of :func:`train_test_split`; rows of ``X`` and ``y`` stay paired."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


class TrainValTest(NamedTuple):
    """The three parts of :func:`train_val_test_split`; rows of ``X`` and ``y`` stay paired."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def train_test_split(X, y, *, test_fraction=0.25, rng=None, stratify=True):
    """Split samples at random into a training and a test set.

    Parameters
    ----------
    X : array_like, shape (n, d)
        One row per sample.
    y : array_like, shape (n,) or (n, k)
        Targets: class labels (or one-hot rows) when ``stratify``, else anything.
    test_fraction : float, default 0.25
        Share of the samples (of each class, when stratified) in the test set, in (0, 1).
    rng : None, int or numpy.random.Generator
        The same seed gives the same split.
    stratify : bool, default True
        Split every class in the same proportions (``y`` must hold class labels: integers,
        or one-hot rows). Pass False for a regression target.

    Returns
    -------
    TrainTest
        ``(X_train, y_train, X_test, y_test)``, each part in random order. Per class,
        ``test_fraction * n_class`` samples, rounded half up, go to the test set.
    """
    X, y, labels, rng = _inputs(X, y, rng, stratify)
    test_fraction = _fraction("test_fraction", test_fraction)
    parts = _split(labels, (1.0 - test_fraction, test_fraction), rng, ("train", "test"))
    return TrainTest(*(a[idx] for idx in parts for a in (X, y)))


def train_val_test_split(X, y, *, validation_fraction=0.2, test_fraction=0.2, rng=None, stratify=True):
    """Split samples at random into training, validation and test sets.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,) or (n, k)
        Targets: class labels (or one-hot rows) when ``stratify``, else anything.
    validation_fraction, test_fraction : float, default 0.2
        Shares of the samples (of each class, when stratified) in the validation and test
        sets; each in (0, 1), together < 1.
    rng : None, int or numpy.random.Generator
    stratify : bool, default True
        Split every class in the same proportions; pass False for a regression target.

    Returns
    -------
    TrainValTest
        ``(X_train, y_train, X_val, y_val, X_test, y_test)``, each part in random order.

    >>> import numpy as np
    >>> y = np.repeat([0, 1, 2], 50)
    >>> parts = train_val_test_split(np.zeros((150, 4)), y, rng=0)
    >>> [np.bincount(p).tolist() for p in (parts.y_train, parts.y_val, parts.y_test)]
    [[30, 30, 30], [10, 10, 10], [10, 10, 10]]
    """
    X, y, labels, rng = _inputs(X, y, rng, stratify)
    validation_fraction = _fraction("validation_fraction", validation_fraction)
    test_fraction = _fraction("test_fraction", test_fraction)
    if validation_fraction + test_fraction >= 1.0:
        raise ValueError("validation_fraction + test_fraction must be < 1 (something must be left to "
                         f"train on), got {validation_fraction:g} + {test_fraction:g}")
    shares = (1.0 - validation_fraction - test_fraction, validation_fraction, test_fraction)
    parts = _split(labels, shares, rng, ("train", "validation", "test"))
    return TrainValTest(*(a[idx] for idx in parts for a in (X, y)))


def _inputs(X, y, rng, stratify):
    """``X`` and ``y`` as arrays of their own dtype (integer labels stay integers), the class
    of every sample (all 0 without stratification) and the generator."""
    X_float = _validate.finite_array("X", X)
    if X_float.ndim != 2:
        raise ValueError(f"X must have shape (n, d): one row per sample, got shape {X_float.shape}")
    y_float = _validate.finite_array("y", y)
    n = X_float.shape[0]
    if y_float.ndim not in (1, 2) or y_float.shape[0] != n:
        raise ValueError(f"y must have shape ({n},) or ({n}, k) to match the {n} rows of X, "
                         f"got shape {y_float.shape}")
    stratify = _validate.flag("stratify", stratify)
    rng = _validate.rng(rng)
    labels = _stratum_labels(y_float) if stratify else np.zeros(n, dtype=int)
    X, y = np.asarray(X), np.asarray(y)
    return (X if X.dtype.kind == "f" else X_float), (y if y.dtype.kind in "iuf" else y_float), labels, rng


def _stratum_labels(y):
    """The class of every sample: the label itself, or the position of the 1 in a one-hot row."""
    if y.ndim == 2:
        if not (np.all((y == 0) | (y == 1)) and np.all(y.sum(axis=1) == 1)):
            raise ValueError("y must be one-hot rows (a single 1 per row) to stratify by class; "
                             "pass stratify=False for other targets")
        return np.argmax(y, axis=1)
    if np.any(y != np.round(y)):
        bad = y[y != np.round(y)][0]
        raise ValueError(f"y must hold class labels (integers) to stratify, got {bad:g}; pass "
                         "stratify=False for a regression target")
    return np.unique(y, return_inverse=True)[1].reshape(-1)


def _fraction(name, value):
    value = _validate.positive_number(name, value)
    if value >= 1.0:
        raise ValueError(f"{name} must be a fraction in (0, 1), got {value!r}")
    return value


def _split(labels, shares, rng, names):
    """Index arrays, one per share: each class's samples shuffled and cut by the shares."""
    parts = [[] for _ in shares]
    for c in range(int(labels.max()) + 1):
        members = rng.permutation(np.flatnonzero(labels == c))
        # Counts of the held-out parts are rounded half up; the training part takes the rest.
        held = [int(np.floor(share * members.size + 0.5)) for share in shares[1:]]
        while sum(held) > members.size:  # tiny classes: two round-ups can exceed the class
            held[held.index(max(held))] -= 1
        cuts = np.cumsum([members.size - sum(held)] + held)[:-1]
        for part, chunk in zip(parts, np.split(members, cuts)):
            part.append(chunk)
    out = []
    for name, part in zip(names, parts):
        idx = np.concatenate(part)
        if idx.size == 0:
            raise ValueError(f"the {name} set would be empty with {labels.size} samples; use more "
                             "samples or a larger fraction")
        out.append(rng.permutation(idx))
    return out
