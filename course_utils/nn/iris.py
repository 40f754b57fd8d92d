"""Fisher's iris measurements: 150 flowers, 4 measurements, 3 species (``data/iris.csv``).

The file ships with the repository (``data/`` at its top level; see ``data/README.md`` for
the source and licence), so no lesson downloads anything.

>>> import course_utils as cu
>>> iris = cu.nn.load_iris()
>>> iris.X.shape, iris.y.shape, iris.class_names
((150, 4), (150,), ('setosa', 'versicolor', 'virginica'))
>>> iris.X.mean(axis=0).round(3).tolist()
[5.843, 3.057, 3.758, 1.199]
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple

import numpy as np

__all__ = ["Iris", "IRIS_FEATURES", "IRIS_CLASSES", "load_iris"]

#: Column names of the four measurements (centimetres), in file order.
IRIS_FEATURES = ("sepal_length", "sepal_width", "petal_length", "petal_width")
#: The species, in the order of their labels 0, 1, 2.
IRIS_CLASSES = ("setosa", "versicolor", "virginica")
_ROWS = 150


class Iris(NamedTuple):
    """The iris data set.

    Attributes
    ----------
    X : ndarray, shape (150, 4)
        The measurements in cm, columns as in ``feature_names``.
    y : ndarray of int, shape (150,)
        The species as a label 0, 1 or 2 (an index into ``class_names``).
    feature_names : tuple of str
    class_names : tuple of str
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple
    class_names: tuple


def _default_path():
    # course_utils/nn/iris.py -> the repository root is two packages up. An editable
    # install (the course's setup) imports the package from the checkout, so this finds
    # data/ whether a notebook runs from notebooks/ or anywhere else.
    return Path(__file__).resolve().parents[2] / "data" / "iris.csv"


def load_iris(path=None):
    """Load ``data/iris.csv`` and check its shape and columns.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Another copy of the file (same columns). By default the repository's ``data/iris.csv``.

    Returns
    -------
    Iris
        Named tuple ``(X, y, feature_names, class_names)``.

    Raises
    ------
    ValueError
        If ``path`` is not a readable file, or the file does not have the header
        ``sepal_length, sepal_width, petal_length, petal_width, species``, 150 rows of four
        positive numbers and one of the three species names.
    """
    if path is None:
        path = _default_path()
    elif not isinstance(path, (str, Path)):
        raise ValueError(f"path must be a file path (str or pathlib.Path), got {path!r}")
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path must be an existing file, got {str(path)!r} (the course keeps iris.csv "
                         "in data/ at the top of the repository; install the course with `make lab` "
                         "or pass path=)")
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    expected = list(IRIS_FEATURES) + ["species"]
    if [h.strip() for h in header] != expected:
        raise ValueError(f"{path.name} must have the columns {', '.join(expected)}; got {header}")
    if len(body) != _ROWS:
        raise ValueError(f"{path.name} must have {_ROWS} rows of data, got {len(body)}")
    X = np.empty((_ROWS, len(IRIS_FEATURES)))
    y = np.empty(_ROWS, dtype=int)
    for i, row in enumerate(body):
        if len(row) != len(expected):
            raise ValueError(f"{path.name} row {i + 2} must have {len(expected)} fields, got {row}")
        try:
            X[i] = [float(v) for v in row[:4]]
        except ValueError:
            raise ValueError(f"{path.name} row {i + 2} must start with four numbers, got {row}") from None
        if row[4].strip() not in IRIS_CLASSES:
            raise ValueError(f"{path.name} row {i + 2}: species must be one of {', '.join(IRIS_CLASSES)}, "
                             f"got {row[4]!r}")
        y[i] = IRIS_CLASSES.index(row[4].strip())
    if not np.all(np.isfinite(X)) or np.any(X <= 0):
        raise ValueError(f"{path.name} must hold positive finite measurements (cm)")
    return Iris(X, y, IRIS_FEATURES, IRIS_CLASSES)
