"""Data generators: shapes, ranges, determinism for a given rng, and argument validation."""
import numpy as np
import pytest

import course_utils as cu

CLASSIFICATION = [cu.nn.two_clusters, cu.nn.xor, cu.nn.moons]
REGRESSION = [cu.nn.linear_1d, cu.nn.linear_3d]


def _arrays(out):
    return [np.asarray(a) for a in out]


@pytest.mark.parametrize("make", [cu.nn.exam_data, *CLASSIFICATION, *REGRESSION])
def test_same_seed_same_data_and_different_seed_different_data(make):
    first, again, other = make(50, rng=3), make(50, rng=3), make(50, rng=4)
    for a, b in zip(_arrays(first), _arrays(again)):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(_arrays(first)[0], _arrays(other)[0])


@pytest.mark.parametrize("make", [cu.nn.exam_data, *CLASSIFICATION, *REGRESSION])
def test_generator_accepts_a_generator_and_advances_it(make):
    rng = np.random.default_rng(0)
    a, b = make(20, rng=rng), make(20, rng=rng)
    assert not np.array_equal(_arrays(a)[0], _arrays(b)[0])


@pytest.mark.parametrize("make", CLASSIFICATION)
@pytest.mark.parametrize("n", [1, 7, 100])
def test_classification_shapes_and_balanced_labels(make, n):
    X, y = make(n, rng=0)
    assert X.shape == (n, 2) and y.shape == (n,)
    assert set(np.unique(y)) <= {0.0, 1.0}
    assert abs(y.sum() - n / 2) <= 1


def test_exam_data_is_plausible():
    data = cu.nn.exam_data(500, rng=0)
    studied, slept = data.X.T
    assert data.X.shape == (500, 2)
    assert studied.min() >= 0 and studied.max() <= 10
    assert slept.min() >= 4 and slept.max() <= 10
    assert data.score.min() >= 0 and data.score.max() <= 100
    np.testing.assert_array_equal(data.passed, (data.score >= cu.nn.EXAM_PASS_MARK).astype(float))
    assert 0.3 < data.passed.mean() < 0.7
    # both hours help: a least-squares fit of the score has positive slopes
    A = np.column_stack([data.X, np.ones(500)])
    coef = np.linalg.lstsq(A, data.score, rcond=None)[0]
    assert coef[0] > 2 and coef[1] > 2
    X, passed, score = data  # a named tuple unpacks
    assert X is data.X and passed is data.passed and score is data.score


def test_two_clusters_centres_are_distance_apart():
    X, y = cu.nn.two_clusters(4000, rng=1, distance=4.0, spread=0.5)
    gap = X[y == 1].mean(axis=0) - X[y == 0].mean(axis=0)
    assert np.linalg.norm(gap) == pytest.approx(4.0, abs=0.1)
    assert X.mean(axis=0) == pytest.approx([1.0, 1.0], abs=0.1)


def test_xor_labels_follow_the_signs_without_noise():
    X, y = cu.nn.xor(40, rng=0, noise=0.0)
    assert set(map(tuple, X)) == {(-1.0, -1.0), (-1.0, 1.0), (1.0, -1.0), (1.0, 1.0)}
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(float))


def test_moons_without_noise_lie_on_the_half_circles():
    X, y = cu.nn.moons(60, rng=0, noise=0.0)
    top, bottom = X[y == 0], X[y == 1] - [1.0, 0.5]
    np.testing.assert_allclose(np.hypot(*top.T), 1.0)
    np.testing.assert_allclose(np.hypot(*bottom.T), 1.0)
    assert np.all(top[:, 1] >= 0) and np.all(bottom[:, 1] <= 1e-12)


def test_linear_1d_without_noise_is_the_line():
    x, y = cu.nn.linear_1d(30, w=-0.5, b=2.0, noise=0.0, rng=0, low=1.0, high=3.0)
    assert x.shape == (30, 1) and y.shape == (30,)
    assert x.min() >= 1.0 and x.max() <= 3.0
    np.testing.assert_allclose(y, -0.5 * x[:, 0] + 2.0)


def test_linear_3d_without_noise_is_the_plane():
    X, y = cu.nn.linear_3d(25, w=[1.0, 2.0, 3.0], b=-1.0, noise=0.0, rng=0)
    assert X.shape == (25, 3) and y.shape == (25,)
    np.testing.assert_allclose(y, X @ [1.0, 2.0, 3.0] - 1.0)


def test_noise_adds_spread_of_the_requested_size():
    x, y = cu.nn.linear_1d(20000, w=1.0, b=0.0, noise=0.7, rng=0)
    assert np.std(y - x[:, 0]) == pytest.approx(0.7, rel=0.03)


@pytest.mark.parametrize("make", [cu.nn.exam_data, *CLASSIFICATION, *REGRESSION])
@pytest.mark.parametrize("n", [0, -3, 2.5, True, "10"])
def test_bad_n_is_named(make, n):
    with pytest.raises(ValueError, match="^n "):
        make(n)


@pytest.mark.parametrize("make", [cu.nn.xor, cu.nn.moons, cu.nn.linear_1d, cu.nn.linear_3d])
@pytest.mark.parametrize("noise", [-0.1, np.nan, "a"])
def test_bad_noise_is_named(make, noise):
    with pytest.raises(ValueError, match="^noise "):
        make(10, noise=noise)


@pytest.mark.parametrize("make", [cu.nn.exam_data, *CLASSIFICATION, *REGRESSION])
def test_bad_rng_is_named(make):
    with pytest.raises(ValueError, match="^rng "):
        make(10, rng="seed")


@pytest.mark.parametrize("kwargs, name", [
    ({"distance": -1.0}, "distance"), ({"spread": 0.0}, "spread"), ({"spread": np.inf}, "spread"),
])
def test_two_clusters_bad_shape_parameters(kwargs, name):
    with pytest.raises(ValueError, match=f"^{name} "):
        cu.nn.two_clusters(10, **kwargs)


@pytest.mark.parametrize("kwargs, name", [
    ({"w": np.nan}, "w"), ({"b": "1"}, "b"), ({"low": 2.0, "high": 1.0}, "high"),
])
def test_linear_1d_bad_parameters(kwargs, name):
    with pytest.raises(ValueError, match=f"^{name} "):
        cu.nn.linear_1d(10, **kwargs)


@pytest.mark.parametrize("kwargs, name", [({"w": [1.0, 2.0]}, "w"), ({"w": [1, 2, np.nan]}, "w"),
                                          ({"b": None}, "b")])
def test_linear_3d_bad_parameters(kwargs, name):
    with pytest.raises(ValueError, match=f"^{name} "):
        cu.nn.linear_3d(10, **kwargs)
