"""The iris loader: shape, columns, known statistics of Fisher's table, refusal of bad files."""
import numpy as np
import pytest

import course_utils as cu


def test_shape_columns_and_classes():
    iris = cu.nn.load_iris()
    assert iris.X.shape == (150, 4) and iris.y.shape == (150,) and iris.y.dtype.kind == "i"
    assert iris.feature_names == ("sepal_length", "sepal_width", "petal_length", "petal_width")
    assert iris.class_names == ("setosa", "versicolor", "virginica")
    assert np.bincount(iris.y).tolist() == [50, 50, 50]
    assert np.all(np.diff(iris.y) >= 0)  # the table's order: 50 setosa, 50 versicolor, 50 virginica


def test_known_statistics_of_fishers_table():
    X, y = cu.nn.load_iris()[:2]
    assert X.mean(axis=0).round(3).tolist() == [5.843, 3.057, 3.758, 1.199]
    assert X.std(axis=0, ddof=1).round(4).tolist() == [0.8281, 0.4359, 1.7653, 0.7622]
    assert X[y == 0].mean(axis=0).round(3).tolist() == [5.006, 3.428, 1.462, 0.246]
    assert X[y == 1].mean(axis=0).round(3).tolist() == [5.936, 2.770, 4.260, 1.326]
    assert X[y == 2].mean(axis=0).round(3).tolist() == [6.588, 2.974, 5.552, 2.026]
    assert X[y == 0].std(axis=0, ddof=1).round(4).tolist() == [0.3525, 0.3791, 0.1737, 0.1054]
    assert X[y == 1].std(axis=0, ddof=1).round(4).tolist() == [0.5162, 0.3138, 0.4699, 0.1978]
    assert X[y == 2].std(axis=0, ddof=1).round(4).tolist() == [0.6359, 0.3225, 0.5519, 0.2747]
    assert round(float(np.corrcoef(X[:, 2], X[:, 3])[0, 1]), 4) == 0.9629
    assert round(float(np.corrcoef(X[:, 0], X[:, 1])[0, 1]), 4) == -0.1176
    rows = [tuple(r) + (c,) for r, c in zip(X.tolist(), y.tolist())]
    assert len(set(rows)) == 149 and rows[101] == rows[142]  # the one repeated flower of the table
    # Fisher's table, not the UCI copy: samples 35 and 38 (1-based).
    assert X[34].tolist() == [4.9, 3.1, 1.5, 0.2] and X[37].tolist() == [4.9, 3.6, 1.4, 0.1]


def test_loads_from_another_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a notebook runs from notebooks/, a script from anywhere
    assert cu.nn.load_iris().X.shape == (150, 4)


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_files_are_refused(tmp_path):
    good = cu.nn.load_iris()
    lines = ["sepal_length,sepal_width,petal_length,petal_width,species"] + [
        ",".join([*(f"{v:g}" for v in row), good.class_names[c]]) for row, c in zip(good.X, good.y)]
    np.testing.assert_array_equal(cu.nn.load_iris(_write(tmp_path / "ok.csv", "\n".join(lines))).X, good.X)
    cases = {
        "header": (["a,b,c,d,e"] + lines[1:], "must have the columns sepal_length"),
        "rows": (lines[:-1], "must have 150 rows"),
        "number": (lines[:5] + ["x,3.0,1.4,0.2,setosa"] + lines[6:], "row 6 must start with four numbers"),
        "species": (lines[:5] + ["5.0,3.0,1.4,0.2,rose"] + lines[6:], "row 6: species must be one of"),
        "fields": (lines[:5] + ["5.0,3.0,1.4,setosa"] + lines[6:], "row 6 must have 5 fields"),
        "negative": (lines[:5] + ["-5.0,3.0,1.4,0.2,setosa"] + lines[6:], "positive finite measurements"),
    }
    for name, (body, match) in cases.items():
        with pytest.raises(ValueError, match=match):
            cu.nn.load_iris(_write(tmp_path / f"{name}.csv", "\n".join(body)))
    with pytest.raises(ValueError, match="^path must be an existing file"):
        cu.nn.load_iris(tmp_path / "missing.csv")
    with pytest.raises(ValueError, match="^path must be a file path"):
        cu.nn.load_iris(3)
