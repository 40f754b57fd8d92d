"""Train/validation/test splits: sizes, stratification, pairing, seeding, validation."""
import numpy as np
import pytest

import course_utils as cu


def _labelled(counts, d=2, seed=0):
    y = np.repeat(np.arange(len(counts)), counts)
    X = np.column_stack([np.arange(y.size, dtype=float)] * d)  # row i holds i: pairing is checkable
    return X, y


def test_stratified_three_way_split_keeps_class_proportions():
    X, y = _labelled([50, 30, 20])
    parts = cu.nn.train_val_test_split(X, y, validation_fraction=0.2, test_fraction=0.1, rng=0)
    assert np.bincount(parts.y_val).tolist() == [10, 6, 4]
    assert np.bincount(parts.y_test).tolist() == [5, 3, 2]
    assert np.bincount(parts.y_train).tolist() == [35, 21, 14]


def test_parts_are_disjoint_cover_everything_and_keep_rows_paired():
    X, y = _labelled([7, 9, 4])
    parts = cu.nn.train_val_test_split(X, y, rng=1)
    rows = np.concatenate([parts.X_train[:, 0], parts.X_val[:, 0], parts.X_test[:, 0]]).astype(int)
    assert sorted(rows.tolist()) == list(range(20))
    for Xp, yp in [(parts.X_train, parts.y_train), (parts.X_val, parts.y_val), (parts.X_test, parts.y_test)]:
        np.testing.assert_array_equal(y[Xp[:, 0].astype(int)], yp)
    assert parts.y_train.dtype == y.dtype  # integer labels stay integers


def test_same_seed_same_split_other_seed_other_split():
    X, y = _labelled([40, 40])
    a = cu.nn.train_test_split(X, y, rng=5)
    b = cu.nn.train_test_split(X, y, rng=5)
    c = cu.nn.train_test_split(X, y, rng=6)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a.X_test, c.X_test)


def test_parts_are_shuffled_not_sorted_by_class():
    X, y = _labelled([30, 30])
    parts = cu.nn.train_test_split(X, y, rng=0)
    assert not np.all(np.diff(parts.y_train) >= 0)


def test_one_hot_targets_stratify_by_their_class():
    X, y = _labelled([12, 8])
    parts = cu.nn.train_test_split(X, cu.nn.one_hot(y, 2), test_fraction=0.25, rng=0)
    assert parts.y_test.sum(axis=0).tolist() == [3.0, 2.0]


def test_regression_targets_split_without_stratification():
    X, y = cu.nn.linear_1d(40, rng=0)
    with pytest.raises(ValueError, match="^y must hold class labels .* pass stratify=False"):
        cu.nn.train_test_split(X, y, rng=0)
    parts = cu.nn.train_test_split(X, y, test_fraction=0.25, rng=0, stratify=False)
    assert parts.X_train.shape == (30, 1) and parts.y_test.shape == (10,)
    np.testing.assert_array_equal(np.sort(np.r_[parts.y_train, parts.y_test]), np.sort(y))


def test_halves_round_up():
    X, y = _labelled([10, 10])
    assert np.bincount(cu.nn.train_test_split(X, y, test_fraction=0.25, rng=0).y_test).tolist() == [3, 3]


@pytest.mark.parametrize("kwargs, match", [
    ({"test_fraction": 0.0}, "^test_fraction "),
    ({"test_fraction": 1.0}, "^test_fraction must be a fraction in"),
    ({"test_fraction": True}, "^test_fraction "),
    ({"test_fraction": "0.2"}, "^test_fraction "),
    ({"validation_fraction": -0.1}, "^validation_fraction "),
    ({"validation_fraction": 0.5, "test_fraction": 0.5}, r"^validation_fraction \+ test_fraction must be < 1"),
    ({"rng": "seed"}, "^rng "),
    ({"stratify": "yes"}, "^stratify must be True or False"),
    ({"X": np.ones(20)}, r"^X must have shape \(n, d\)"),
    ({"y": np.ones(19)}, r"^y must have shape \(20,\)"),
    ({"X": np.full((20, 2), np.nan)}, "^X must be finite"),
])
def test_bad_input_names_the_parameter(kwargs, match):
    X, y = _labelled([10, 10])
    args = {"X": X, "y": y, **kwargs}
    with pytest.raises(ValueError, match=match):
        cu.nn.train_val_test_split(args.pop("X"), args.pop("y"), **args)


def test_an_empty_part_is_refused():
    X, y = _labelled([2, 2])
    with pytest.raises(ValueError, match="^the test set would be empty"):
        cu.nn.train_test_split(X, y, test_fraction=0.1, rng=0)
