"""Unit tests for course_utils.analysis: labels, unique points, basins, restarts, extrema."""
import numpy as np
import pytest

import course_utils as cu

SEXTIC_MIN = np.sqrt((10 + np.sqrt(52)) / 6)  # outer roots of f'(x) = 2x(3x^4 - 10x^2 + 4)
SEXTIC_MAX = np.sqrt((10 - np.sqrt(52)) / 6)


# --- nearest_label / unique_points -------------------------------------------------------

def test_nearest_label_1d_2d_and_nan():
    assert cu.nearest_label([0.49, np.nan, 3.0], [0.5, 1.0], tol=0.05).tolist() == [0, -1, -1]
    pts = np.array([[[0.0, 0.0], [1.0, 1.001]], [[5.0, 5.0], [np.nan, 0.0]]])
    labels = cu.nearest_label(pts, [[1.0, 1.0], [0.0, 0.0]], tol=1e-2)
    assert labels.shape == (2, 2)
    assert labels.tolist() == [[1, 0], [-1, -1]]


def test_unique_points_counts_and_negative_zero():
    u, n = cu.unique_points([-0.0, 0.0, 1e-9, 2.0, np.inf])
    assert u.tolist() == [0.0, 2.0] and n.tolist() == [3, 1]
    assert not np.signbit(u[0])
    u2, n2 = cu.unique_points(np.array([[1.0, 2.0], [1.0001, 2.0], [np.nan, 1.0]]), decimals=2)
    assert u2.tolist() == [[1.0, 2.0]] and n2.tolist() == [2]


# --- basin_map -------------------------------------------------------------------------

def test_basin_map_1d_matches_basin_boundaries():
    xs = np.linspace(-1.95, 1.95, 79)
    labels = cu.basin_map(cu.sextic, xs, learning_rate=0.01, epochs=400)
    # The local maxima +-0.6818 separate the basins of -1.6937, 0 and +1.6937.
    expected = np.where(xs < -SEXTIC_MAX, 0, np.where(xs > SEXTIC_MAX, 2, 1))
    np.testing.assert_array_equal(labels, expected)


def test_basin_map_2d_equals_runs_one_at_a_time():
    xs, ys = np.linspace(-3, 3, 7), np.linspace(-3, 3, 5)
    kw = dict(learning_rate=0.05, epochs=300)
    labels = cu.basin_map(cu.peaks, xs, ys, **kw)
    assert labels.shape == (5, 7)
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            end = cu.gradient_descent(cu.peaks, [x, y], **kw).final
            assert labels[i, j] == cu.nearest_label(end, cu.peaks.minima)


def test_basin_map_ascent_uses_maxima_and_custom_targets():
    xs = ys = np.array([-0.4, 1.3])
    up = cu.basin_map(cu.peaks, xs, ys, learning_rate=0.05, epochs=400, ascent=True)
    maxima = np.array(cu.peaks.maxima)
    # Each label really is the maximum that an independent ascent run ends on.
    ends = cu.gradient_descent(cu.peaks, np.stack(np.meshgrid(xs, ys), -1), learning_rate=0.05,
                               epochs=400, ascent=True).final
    np.testing.assert_array_equal(up, cu.nearest_label(ends, maxima))
    assert set(up.ravel().tolist()) <= {0, 1, 2}
    only_global = cu.basin_map(cu.peaks, xs, ys, learning_rate=0.05, epochs=400,
                               targets=[cu.peaks.minima[0]])
    assert set(only_global.ravel().tolist()) <= {0, -1}


def test_peaks_has_three_minima_reached_from_a_grid():
    xs = ys = np.linspace(-3, 3, 41)
    labels = cu.basin_map(cu.peaks, xs, ys, learning_rate=0.05, epochs=400)
    assert set(np.unique(labels).tolist()) == {-1, 0, 1, 2}


# --- restarts ------------------------------------------------------------------------

def test_restart_success_is_cumulative_any():
    s = np.array([[False, False, True], [True, False, False], [False, False, False], [False, True, True]])
    np.testing.assert_allclose(cu.restart_success(s), [0.25, 0.5, 0.75])


def test_restart_success_matches_theory_for_independent_runs():
    rng = np.random.default_rng(0)
    p = 0.2
    s = rng.random((20000, 8)) < p
    measured = cu.restart_success(s)
    theory = cu.restart_success_theory(p, np.arange(1, 9))
    np.testing.assert_allclose(measured, theory, atol=0.015)
    assert np.all(np.diff(measured) >= 0)


def test_restart_success_theory_values():
    np.testing.assert_allclose(cu.restart_success_theory(0.1, [1, 2, 10]), [0.1, 0.19, 1 - 0.9**10])
    assert cu.restart_success_theory(0.0, 5) == 0.0
    assert cu.restart_success_theory(1.0, 1) == 1.0


# --- locate_extrema -----------------------------------------------------------------------

PEAKS_EXTREMA = [
    ("minimum", "global", (0.2283, -1.6255), -6.5511),
    ("minimum", "local", (-1.3474, 0.2045), -3.0498),
    ("minimum", "local", (0.2964, 0.3202), -0.0649),
    ("maximum", "global", (-0.0093, 1.5814), 8.1062),
    ("maximum", "local", (-0.4600, -0.6292), 3.7766),
    ("maximum", "local", (1.2857, -0.0048), 3.5925),
]


def test_locate_extrema_peaks_finds_every_known_extremum():
    rng = np.random.default_rng(3)
    found = cu.locate_extrema(cu.peaks, rng.uniform(-3, 3, (400, 2)), learning_rate=0.05, epochs=500)
    got = [(e.kind, e.scope, tuple(np.round(e.location, 4) + 0.0), round(e.value, 4)) for e in found]
    assert got == PEAKS_EXTREMA
    assert sum(e.hits for e in found) <= 800
    assert str(found[0]) == "global minimum: f = -6.5511 at (x, y) = (0.2283, -1.6255)  " \
                            f"({found[0].hits} starts)"


def test_locate_extrema_sextic_and_cos_bowl_1d():
    found = cu.locate_extrema(cu.sextic, np.linspace(-1.9, 1.9, 21), learning_rate=0.01, epochs=500)
    minima = [e for e in found if e.kind == "minimum"]
    np.testing.assert_allclose([e.location for e in minima], [-SEXTIC_MIN, SEXTIC_MIN, 0.0], atol=1e-6)
    assert [e.scope for e in minima] == ["global", "global", "local"]
    assert round(minima[0].value, 4) == -6.0646
    maxima = [e.location for e in found if e.kind == "maximum"]
    np.testing.assert_allclose(maxima, [-SEXTIC_MAX, SEXTIC_MAX], atol=1e-6)


def test_locate_extrema_ignores_a_start_stuck_on_a_maximum():
    # Descent started exactly at 0 on cos(2 pi x) + x^2 never moves (f'(0) = 0), but 0 is a maximum.
    found = cu.locate_extrema(cu.cos_bowl, [0.0, 0.3, -0.3], learning_rate=0.01, epochs=500)
    minima = [e for e in found if e.kind == "minimum"]
    assert [round(e.location, 4) for e in minima] == [-0.4758, 0.4758]
    maxima = [e for e in found if e.kind == "maximum"]
    assert [(round(e.location, 4) + 0.0, e.hits) for e in maxima] == [(0.0, 3)]


def test_locate_extrema_nothing_settled_is_empty():
    assert cu.locate_extrema(cu.saddle, [[1.0, 0.5]], learning_rate=0.1, epochs=5) == []


# --- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("call, name", [
    (lambda: cu.nearest_label([0.0], [0.0], tol=0), "tol"),
    (lambda: cu.nearest_label([0.0], [np.nan]), "targets"),
    (lambda: cu.nearest_label([0.0], np.zeros((2, 3))), "targets"),
    (lambda: cu.nearest_label([0.0, 1.0, 2.0], [[0.0, 0.0]]), "points"),
    (lambda: cu.nearest_label(["a"], [0.0]), "points"),
    (lambda: cu.unique_points([1.0], decimals=-1), "decimals"),
    (lambda: cu.unique_points([1.0], decimals=1.5), "decimals"),
    (lambda: cu.basin_map("peaks", [0.0], [0.0], learning_rate=0.1, epochs=1), "objective"),
    (lambda: cu.basin_map(cu.peaks, [0.0], learning_rate=0.1, epochs=1), "ys"),
    (lambda: cu.basin_map(cu.sextic, [0.0], [0.0], learning_rate=0.1, epochs=1), "ys"),
    (lambda: cu.basin_map(cu.peaks, [[0.0]], [0.0], learning_rate=0.1, epochs=1), "xs"),
    (lambda: cu.basin_map(cu.peaks, [0.0], [np.inf], learning_rate=0.1, epochs=1), "ys"),
    (lambda: cu.basin_map(cu.peaks, [0.0], [0.0], learning_rate=-0.1, epochs=1), "learning_rate"),
    (lambda: cu.basin_map(cu.peaks, [0.0], [0.0], learning_rate=0.1, epochs=0), "epochs"),
    (lambda: cu.basin_map(cu.peaks, [0.0], [0.0], learning_rate=0.1, epochs=1, tol=0), "tol"),
    (lambda: cu.basin_map(cu.saddle, [0.0], [0.0], learning_rate=0.1, epochs=1), "targets"),
    (lambda: cu.restart_success([[0, 1]]), "success"),
    (lambda: cu.restart_success([True, False]), "success"),
    (lambda: cu.restart_success(np.zeros((3, 0), dtype=bool)), "success"),
    (lambda: cu.restart_success_theory(1.5, 2), "p"),
    (lambda: cu.restart_success_theory(True, 2), "p"),
    (lambda: cu.restart_success_theory(0.5, 0), "restarts"),
    (lambda: cu.restart_success_theory(0.5, 2.5), "restarts"),
    (lambda: cu.locate_extrema(None, [0.0], learning_rate=0.1, epochs=1), "objective"),
    (lambda: cu.locate_extrema(cu.sextic, [0.0], learning_rate=0.1, epochs=1, grad_tol=0), "grad_tol"),
    (lambda: cu.locate_extrema(cu.sextic, [0.0], learning_rate=0.1, epochs=1, decimals=-2), "decimals"),
    (lambda: cu.locate_extrema(cu.peaks, [0.0, 1.0, 2.0], learning_rate=0.1, epochs=1), "starts"),
])
def test_bad_input_raises_value_error_naming_the_parameter(call, name):
    with pytest.raises(ValueError, match=rf"\b{name}\b"):
        call()


def test_basin_map_memory_does_not_grow_with_the_epochs():
    import tracemalloc

    xs = ys = np.linspace(-3, 3, 40)

    def peak(epochs):
        tracemalloc.start()
        cu.basin_map(cu.peaks, xs, ys, learning_rate=0.05, epochs=epochs)
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return top

    assert peak(400) < 1.5 * peak(20)  # the whole path would be 20x larger
