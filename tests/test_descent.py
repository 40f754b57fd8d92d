"""The gradient-descent driver: exact vectorization, ascent, convergence, divergence, tol, result.at, input checks."""
import itertools
import warnings

import numpy as np
import pytest

import course_utils as cu


def reference_run(grad, start, lr, epochs, *, ascent=False, tol=None, bound=1e8, objective=None):
    """One run written out as plainly as notebook 01 does it: an independent reference.

    ``grad`` maps one point (a float, or a length-2 array) to its gradient; ``lr`` is a float or
    a function ``lr(step, grad_norm)``. With ``objective`` the run also diverges the two other
    ways course_utils.divergence documents: outside the plotted domain widened by its width on
    each side (or beyond the start, if it started farther out), or a loss (``f``, ``-f`` for
    ascent) that rose 5 steps in a row above its start. Returns (path, stopped_at, diverged_at).
    """
    x = np.array(start, dtype=float)
    path = [x.copy()]
    stopped_at = diverged_at = -1
    if objective is not None:
        lo, hi = np.array(objective.domain, dtype=float).reshape(-1, 2).T
        lo, hi = lo - (hi - lo), hi + (hi - lo)
        lo, hi = np.minimum(lo, x), np.maximum(hi, x)
        loss = (lambda p: -objective(p)) if ascent else objective
        first = last = loss(x)
        rises = 0
    with np.errstate(all="ignore"):
        for step in range(epochs):
            if stopped_at < 0 and diverged_at < 0:
                g = np.asarray(grad(x), dtype=float)
                norm = abs(g) if g.ndim == 0 else np.sqrt(g[0] * g[0] + g[1] * g[1])
                if tol is not None and norm < tol:
                    stopped_at = step
                else:
                    rate = lr(step, norm) if callable(lr) else lr
                    x = x + rate * g if ascent else x - rate * g
                    size = abs(x) if x.ndim == 0 else np.sqrt(x[0] * x[0] + x[1] * x[1])
                    gone = not size <= bound
                    if objective is not None and not gone:
                        gone = bool(np.any(x < lo) or np.any(x > hi))
                        now = loss(x)
                        rises = rises + 1 if now > last and now > first else 0
                        last = now
                        gone = gone or rises >= 5
                    if gone:
                        diverged_at = step + 1
                        x = np.full_like(x, np.nan)
            path.append(x.copy())
    return np.array(path), stopped_at, diverged_at


def assert_results_equal(a, b):
    """Two DescentResults hold exactly the same numbers (NaN where both diverged)."""
    for name in ("path", "grads", "learning_rates", "stopped_at", "diverged_at"):
        got, want = getattr(a, name), getattr(b, name)
        assert got.shape == want.shape, name
        assert np.array_equal(got, want, equal_nan=True), name


def take_run(result, index):
    """The record of one run of a vectorized result, as its own DescentResult-like namespace."""
    tail = (slice(None),) * (result.ndim == 2)
    return type("Run", (), {
        "path": result.path[(slice(None),) + index + tail],
        "grads": result.grads[(slice(None),) + index + tail],
        "learning_rates": result.learning_rates[(slice(None),) + index],
        "stopped_at": result.stopped_at[index],
        "diverged_at": result.diverged_at[index],
    })


@pytest.fixture
def no_warnings():
    """Turn every warning into an error inside the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# --- the driver against a plain loop --------------------------------------------------------

CASES_1D = [
    (cu.quadratic, [-1.0, 0.5, 2.0], [0.01, 0.1, 0.3, 0.4]),
    (cu.sextic, [-2.0, -0.3, 0.9, 1.9], [0.001, 0.01, 0.05]),
    (cu.cos_bowl, [-1.5, 0.0, 0.1, 1.2], [0.01, 0.05, 0.2]),
    (cu.steep, [-3.0, 0.4, 2.0], [0.001, 0.01, 0.1]),
    (cu.plateau, [-3.0, 0.5, 2.0], [0.1, 1.0, 5.0]),
]


@pytest.mark.parametrize("obj, starts, rates", CASES_1D, ids=[c[0].name for c in CASES_1D])
@pytest.mark.parametrize("ascent", [False, True])
def test_single_1d_runs_match_the_plain_loop(obj, starts, rates, ascent, no_warnings):
    for s, lr in itertools.product(starts, rates):
        r = cu.gradient_descent(obj, s, learning_rate=lr, epochs=40, ascent=ascent)
        path, stopped, diverged = reference_run(obj.grad, s, lr, 40, ascent=ascent, objective=obj)
        assert np.array_equal(r.path, path, equal_nan=True)
        assert (r.stopped_at, r.diverged_at) == (stopped, diverged)


@pytest.mark.parametrize("obj", [cu.peaks, cu.saddle], ids=["peaks", "saddle"])
def test_single_2d_runs_match_the_plain_loop(obj, no_warnings):
    for s, lr in itertools.product([(0.5, -0.5), (-1.0, 0.2), (0.0, 1e-3)], [0.01, 0.1, 0.6]):
        r = cu.gradient_descent(obj, s, learning_rate=lr, epochs=60)
        path, stopped, diverged = reference_run(obj.grad, s, lr, 60, objective=obj)
        assert np.array_equal(r.path, path, equal_nan=True)
        assert (r.stopped_at, r.diverged_at) == (stopped, diverged)


# --- a vectorized run equals the same runs one at a time, exactly ----------------------------

@pytest.mark.parametrize("obj, starts, rates", CASES_1D, ids=[c[0].name for c in CASES_1D])
@pytest.mark.parametrize("tol", [None, 1e-3])
def test_vectorized_1d_grid_equals_single_runs(obj, starts, rates, tol, no_warnings):
    lrs = np.array(rates)[:, None]  # learning rates down, starts across
    grid = cu.gradient_descent(obj, starts, learning_rate=lrs, epochs=50, tol=tol)
    assert grid.path.shape == (51, len(rates), len(starts))
    for (i, lr), (j, s) in itertools.product(enumerate(rates), enumerate(starts)):
        one = cu.gradient_descent(obj, s, learning_rate=lr, epochs=50, tol=tol)
        assert_results_equal(take_run(grid, (i, j)), one)


@pytest.mark.parametrize("obj", [cu.peaks, cu.saddle], ids=["peaks", "saddle"])
@pytest.mark.parametrize("tol", [None, 1e-2])
def test_vectorized_2d_grid_equals_single_runs(obj, tol, no_warnings):
    rng = np.random.default_rng(11)
    starts = rng.uniform(-2.5, 2.5, (4, 2))
    rates = [0.005, 0.05, 0.3]
    grid = cu.gradient_descent(obj, starts, learning_rate=np.array(rates)[:, None], epochs=80, tol=tol)
    assert grid.path.shape == (81, 3, 4, 2)
    for (i, lr), (j, s) in itertools.product(enumerate(rates), enumerate(starts)):
        one = cu.gradient_descent(obj, s, learning_rate=lr, epochs=80, tol=tol)
        assert_results_equal(take_run(grid, (i, j)), one)


def test_vectorized_runs_include_diverging_ones(no_warnings):
    starts = [0.5, 1.0, 2.0, 3.0]
    rates = np.array([0.01, 0.1, 0.3])[:, None]
    grid = cu.gradient_descent(cu.steep, starts, learning_rate=rates, epochs=30)
    assert grid.diverged.any() and not grid.diverged.all()
    for i, j in np.ndindex(grid.diverged.shape):
        one = cu.gradient_descent(cu.steep, starts[j], learning_rate=rates[i, 0], epochs=30)
        assert_results_equal(take_run(grid, (i, j)), one)


@pytest.mark.parametrize("start_shape, lr_shape, batch", [
    ((), (), ()), ((5,), (), (5,)), ((), (3,), (3,)), ((5,), (3, 1), (3, 5)),
    ((2, 3), (), (2, 3)), ((2, 3), (3,), (2, 3)), ((1, 4), (2, 1), (2, 4)),
])
@pytest.mark.parametrize("ndim", [1, 2])
def test_result_shapes_follow_broadcasting(start_shape, lr_shape, batch, ndim):
    rng = np.random.default_rng(0)
    obj = cu.quadratic if ndim == 1 else cu.peaks
    start = rng.uniform(-1, 1, start_shape + (2,) * (ndim == 2))
    lr = rng.uniform(0.01, 0.1, lr_shape) if lr_shape else 0.05
    r = cu.gradient_descent(obj, start, learning_rate=lr, epochs=7)
    point = (2,) * (ndim == 2)
    assert r.path.shape == (8,) + batch + point
    assert r.grads.shape == (7,) + batch + point
    assert r.learning_rates.shape == (7,) + batch
    assert r.stopped_at.shape == r.diverged_at.shape == batch
    assert r.final.shape == batch + point and r.epochs == 7 and r.ndim == ndim
    np.testing.assert_array_equal(r.path[0], np.broadcast_to(start, batch + point))
    np.testing.assert_array_equal(r.learning_rates, np.broadcast_to(lr, (7,) + batch))
    np.testing.assert_array_equal(r.final, r.path[-1])


def test_records_the_gradient_used_at_every_step():
    r = cu.gradient_descent(cu.sextic, [-1.0, 0.3, 1.4], learning_rate=[[0.01], [0.02]], epochs=20)
    np.testing.assert_array_equal(r.grads, cu.sextic.grad(r.path[:-1]))
    np.testing.assert_array_equal(r.path[1:], r.path[:-1] - r.learning_rates * r.grads)
    r2 = cu.gradient_descent(cu.peaks, [[0.1, 0.2], [-1.0, 1.0]], learning_rate=0.05, epochs=20)
    np.testing.assert_array_equal(r2.grads, cu.peaks.grad(r2.path[:-1]))


def test_start_is_not_modified():
    start = np.array([[0.1, 0.2], [1.0, -1.0]])
    copy = start.copy()
    r = cu.gradient_descent(cu.peaks, start, learning_rate=0.1, epochs=5)
    np.testing.assert_array_equal(start, copy)
    r.path[0, 0, 0] = 99.0
    np.testing.assert_array_equal(start, copy)


def test_plain_callables_in_1d_and_2d():
    r1 = cu.gradient_descent(lambda x: 2 * (x - 3), 0.0, learning_rate=0.25, epochs=60)
    assert r1.final == pytest.approx(3.0, abs=1e-12)
    r2 = cu.gradient_descent(lambda p: 2 * (p - [1.0, -2.0]), [[0.0, 0.0], [5.0, 5.0]],
                             learning_rate=0.25, epochs=60, ndim=2)
    np.testing.assert_allclose(r2.final, [[1.0, -2.0], [1.0, -2.0]], atol=1e-12)
    assert r2.ndim == 2


# --- ascent ---------------------------------------------------------------------------------

def _negated(obj):
    if obj.ndim == 1:
        return cu.Objective("neg_" + obj.name, "-f", lambda x: -obj.f(x), lambda x: -obj.df(x),
                            domain=obj.domain)
    return cu.Objective("neg_" + obj.name, "-f", lambda x, y: -obj.f(x, y),
                        lambda x, y: tuple(-g for g in obj.df(x, y)), ndim=2, domain=obj.domain)


@pytest.mark.parametrize("obj", [cu.sextic, cu.cos_bowl, cu.peaks, cu.saddle, cu.steep],
                         ids=["sextic", "cos_bowl", "peaks", "saddle", "steep"])
@pytest.mark.parametrize("tol", [None, 1e-4])
def test_ascent_equals_descent_on_minus_f(obj, tol, no_warnings):
    rng = np.random.default_rng(5)
    if obj.ndim == 1:
        starts = rng.uniform(*obj.domain, 12)
    else:
        starts = rng.uniform(-2, 2, (12, 2))
    rates = np.array([0.01, 0.05])[:, None]
    up = cu.gradient_descent(obj, starts, learning_rate=rates, epochs=100, ascent=True, tol=tol)
    neg = _negated(obj)
    down = cu.gradient_descent(neg, starts, learning_rate=rates, epochs=100, tol=tol)
    # flip the gradient's sign in a plain callable: the other solution in the notes
    flipped = cu.gradient_descent(lambda x: -obj.grad(x), starts, learning_rate=rates,
                                  epochs=100, tol=tol, ndim=obj.ndim)
    assert np.array_equal(up.path, down.path, equal_nan=True)
    assert np.array_equal(up.grads, -down.grads, equal_nan=True)
    for name in ("learning_rates", "stopped_at", "diverged_at"):
        assert np.array_equal(getattr(up, name), getattr(down, name)), name
    # A plain callable carries no domain and no loss, so only the size rule can stop it: the
    # same numbers for every run the objective's rules let through, and up to where they stopped.
    kept = ~up.diverged
    assert np.array_equal(up.path[:, kept], flipped.path[:, kept])
    assert np.array_equal(up.stopped_at, flipped.stopped_at)
    for i, j in zip(*np.nonzero(up.diverged)):
        k = up.diverged_at[i, j]
        assert np.array_equal(up.path[:k, i, j], flipped.path[:k, i, j])
        assert flipped.diverged_at[i, j] in (-1,) or flipped.diverged_at[i, j] >= k
    assert up.ascent and not down.ascent
    assert repr(up).startswith("DescentResult(ascent,")


def test_ascent_finds_the_local_maximum_of_cos_bowl():
    r = cu.gradient_descent(cu.cos_bowl, [-0.3, 0.2], learning_rate=0.01, epochs=300, ascent=True)
    np.testing.assert_allclose(r.final, [0.0, 0.0], atol=1e-10)


# --- convergence on convex functions --------------------------------------------------------

def test_small_learning_rate_decreases_a_convex_function_monotonically():
    starts = np.linspace(-2, 2, 9)
    for obj, lr in [(cu.quadratic, 0.01), (cu.quadratic, 0.1), (cu.steep, 0.001)]:
        r = cu.gradient_descent(obj, starts, learning_rate=lr, epochs=200)
        f = obj(r.path)
        assert np.all(np.diff(f, axis=0) <= 0)
        far = f[:-1] - obj(obj.minima[0]) > 1e-9  # strictly, until rounding makes steps invisible in f
        assert far.sum() > 50 and np.all(np.diff(f, axis=0)[far] < 0)


def test_small_learning_rate_decreases_a_convex_2d_function():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])  # positive definite: f(p) = p.A.p / 2

    def f(p):
        return 0.5 * np.einsum("...i,ij,...j->...", p, A, p)

    rng = np.random.default_rng(2)
    r = cu.gradient_descent(lambda p: p @ A, rng.uniform(-3, 3, (20, 2)), learning_rate=0.05,
                            epochs=150, ndim=2)
    assert np.all(np.diff(f(r.path), axis=0) < 0)
    np.testing.assert_allclose(r.final, 0.0, atol=1e-4)


def test_quadratic_converges_to_its_minimum():
    r = cu.gradient_descent(cu.quadratic, np.linspace(-2, 2, 11), learning_rate=0.1, epochs=100)
    np.testing.assert_allclose(r.final, 0.5, atol=1e-12)
    assert r.divergence_report() == "No run diverged."
    assert not r.diverged.any() and not r.stopped.any()


def test_learning_rate_at_the_edge_oscillates_without_diverging():
    # x <- x - lr (6x - 3) with lr = 1/3 maps x to 1 - x: a 2-cycle around 0.5.
    r = cu.gradient_descent(cu.quadratic, 0.0, learning_rate=1 / 3, epochs=10)
    np.testing.assert_allclose(r.path, [0.0, 1.0] * 5 + [0.0], atol=1e-12)
    assert not r.diverged


# --- divergence -----------------------------------------------------------------------------

def test_divergence_is_flagged_at_the_right_epoch(recwarn):
    r = cu.gradient_descent(cu.steep, [0.5, 2.0, 3.0], learning_rate=0.1, epochs=20)
    assert len(recwarn) == 0
    # 3 -> -7.8 -> 182.02: outside [-9, 9] (steep is plotted on [-3, 3]) at epoch 2
    np.testing.assert_array_equal(r.diverged_at, [-1, -1, 2])
    np.testing.assert_array_equal(r.diverged, [False, False, True])
    assert np.all(np.isfinite(r.path[:2, 2])) and r.path[1, 2] == pytest.approx(-7.8)
    assert np.all(np.isnan(r.path[2:, 2]))
    assert np.all(r.learning_rates[2:, 2] == 0) and np.all(r.learning_rates[:2, 2] == 0.1)
    assert np.all(np.isfinite(r.grads[:2, 2])) and np.all(np.isnan(r.grads[2:, 2]))
    assert np.all(np.isfinite(r.path[:, :2]))
    assert r.divergence_report() == (
        "1 of 3 runs diverged; the first at epoch 2 (it left [-9, 9]). " + r.rule.describe())
    assert "[-9, 9] (the plotted domain [-3, 3] widened by its width on each side)" in r.rule.describe()
    assert repr(r) == "DescentResult(descent, runs=3, epochs=20, diverged=1, stopped=0)"
    assert np.isnan(r.at(5)[2]) and np.isfinite(r.at(1)[2])


def test_a_plain_gradient_function_diverges_only_by_size(no_warnings):
    # the same landscape as steep, without its domain or loss: only |x| > 1e8 or NaN count
    r = cu.gradient_descent(lambda x: 4 * (x * x * x), [0.5, 2.0, 3.0], learning_rate=0.1, epochs=20)
    # 3 -> -7.8 -> 182.02 -> -2.4e6 -> 5.6e18 (> 1e8): diverged at epoch 4
    np.testing.assert_array_equal(r.diverged_at, [-1, -1, 4])
    assert np.all(np.isfinite(r.path[:4, 2])) and abs(r.path[3, 2]) > 1e6
    assert np.all(np.isnan(r.path[4:, 2]))
    assert r.divergence_report() == (
        "1 of 3 runs diverged; the first at epoch 4 (its position exceeded 1e+08 in size). "
        "A run counts as diverged when its position stops being finite or exceeds 1e+08 in size.")


def test_a_slow_runaway_is_caught_by_its_rising_loss(no_warnings):
    # lr = 0.35 > 1/3 on the quadratic: |x - 0.5| grows by 10 % a step, far inside every bound
    r = cu.gradient_descent(cu.quadratic, 1.0, learning_rate=0.35, epochs=30)
    assert r.diverged_at == 5 and r.diverged_reason == 4
    free = cu.gradient_descent(lambda x: 6 * x - 3, 1.0, learning_rate=0.35, epochs=30)
    assert not free.diverged and np.all(np.abs(free.path) < 10)  # the size rule alone never fires
    np.testing.assert_array_equal(r.path[:5], free.path[:5])
    assert r.divergence_report().startswith(
        "Diverged at epoch 5: its loss rose for 5 steps in a row above its starting value. A run counts")
    # ... while lr = 1/3 exactly oscillates with a constant loss and is not called diverged
    assert not cu.gradient_descent(cu.quadratic, 0.0, learning_rate=1 / 3, epochs=200).diverged


def test_a_start_outside_the_domain_is_not_divergence_by_itself(no_warnings):
    r = cu.gradient_descent(cu.quadratic, [30.0, -40.0], learning_rate=0.1, epochs=60)
    assert not r.diverged.any()
    np.testing.assert_allclose(r.final, 0.5, atol=1e-9)


def test_divergence_over_a_learning_rate_grid(no_warnings):
    # quadratic: |1 - 6 lr| > 1 (lr > 1/3) diverges, from any start other than 0.5
    rates = np.array([0.05, 0.2, 0.4, 0.5, 1.0])[:, None]
    r = cu.gradient_descent(cu.quadratic, [0.5, 1.0, -2.0], learning_rate=rates, epochs=200)
    expected = np.array([[False, False, False]] * 2 + [[False, True, True]] * 3)
    np.testing.assert_array_equal(r.diverged, expected)
    for i, j in zip(*np.nonzero(expected)):
        path, _, diverged_at = reference_run(cu.quadratic.grad, [0.5, 1.0, -2.0][j], rates[i, 0], 200,
                                             objective=cu.quadratic)
        assert r.diverged_at[i, j] == diverged_at > 0
        assert np.all(np.isnan(r.path[diverged_at:, i, j]))
        assert np.all(np.isfinite(r.path[:diverged_at, i, j]))
    first = r.diverged_at[r.diverged].min()
    assert first == r.diverged_at[4, 2]  # lr = 1 from the start farthest from 0.5
    assert r.divergence_report().startswith(f"6 of 15 runs diverged; the first at epoch {first} (")
    # the larger the rate, the sooner it diverges
    assert r.diverged_at[4, 1] < r.diverged_at[3, 1] < r.diverged_at[2, 1]


def test_2d_divergence_marks_the_whole_point(no_warnings):
    # descent on the saddle runs away along y (y doubles each step with lr = 0.5)
    r = cu.gradient_descent(cu.saddle, [[1.0, 0.0], [0.0, 1.0], [1.0, 1e-3]], learning_rate=0.5, epochs=40)
    # y leaves [-6, 6] (the saddle is plotted on [-2, 2]): 2**3 > 6, 1e-3 * 2**13 > 6
    np.testing.assert_array_equal(r.diverged_at, [-1, 3, 13])
    assert np.all(np.isnan(r.path[3:, 1])) and np.all(np.isfinite(r.path[:3, 1]))
    np.testing.assert_array_equal(r.final[0], [0.0, 0.0])
    # the same gradient as a plain function runs on until |x| > 1e8: 2**27, 1e-3 * 2**37
    plain = cu.gradient_descent(lambda p: p * [2.0, -2.0], [[1.0, 0.0], [0.0, 1.0], [1.0, 1e-3]],
                                learning_rate=0.5, epochs=40, ndim=2)
    np.testing.assert_array_equal(plain.diverged_at, [-1, 27, 37])
    assert np.all(np.isnan(plain.path[27:, 1])) and np.all(np.isfinite(plain.path[:27, 1]))


def test_bound_sets_what_counts_as_running_away(no_warnings):
    saddle_grad = lambda p: p * [2.0, -2.0]  # noqa: E731
    r = cu.gradient_descent(saddle_grad, [0.0, 1.0], learning_rate=0.5, epochs=40, bound=10.0, ndim=2)
    assert r.diverged_at == 4  # 1, 2, 4, 8, 16 > 10
    r = cu.gradient_descent(saddle_grad, [0.0, 1.0], learning_rate=0.5, epochs=10, bound=1e6, ndim=2)
    assert r.diverged_at == -1 and r.final[1] == 1024.0
    # with the objective, leaving [-6, 6] comes first unless the bound is tighter
    assert cu.gradient_descent(cu.saddle, [0.0, 1.0], learning_rate=0.5, epochs=40).diverged_at == 3
    assert cu.gradient_descent(cu.saddle, [0.0, 1.0], learning_rate=0.5, epochs=40, bound=3.0).diverged_at == 2


def test_nan_from_the_gradient_counts_as_divergence(no_warnings):
    # sqrt of a negative number is NaN (numpy would warn "invalid value"): the run is flagged.
    r = cu.gradient_descent(np.sqrt, [1.0, 4.0], learning_rate=2.0, epochs=5)
    # 1 -> 1 - 2 = -1 -> NaN ; 4 -> 4 - 4 = 0 -> 0 (stays)
    np.testing.assert_array_equal(r.diverged_at, [2, -1])
    assert np.isnan(r.path[2:, 0]).all() and r.final[1] == 0.0


def test_overflow_in_the_gradient_counts_as_divergence(no_warnings):
    r = cu.gradient_descent(np.exp, [700.0, 0.0], learning_rate=1.0, epochs=3, ascent=True)
    np.testing.assert_array_equal(r.diverged_at, [1, -1])
    assert np.isnan(r.path[1:, 0]).all()


def test_diverged_runs_emit_no_runtime_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = cu.gradient_descent(cu.steep, np.linspace(-3, 3, 7), learning_rate=[[0.01], [1.0]], epochs=50,
                                tol=1e-6)
        r.final, r.at([0, 50]), r.divergence_report()
    assert r.diverged[1].sum() == 6 and not r.diverged[0].any()


# --- the stop tolerance ---------------------------------------------------------------------

def test_tol_stops_at_the_first_small_gradient_and_freezes():
    tol = 1e-3
    free = cu.gradient_descent(cu.quadratic, 2.0, learning_rate=0.1, epochs=100)
    k = int(np.argmax(np.abs(cu.quadratic.grad(free.path)) < tol))
    assert k > 0
    r = cu.gradient_descent(cu.quadratic, 2.0, learning_rate=0.1, epochs=100, tol=tol)
    assert r.stopped_at == k and r.stopped
    np.testing.assert_array_equal(r.path[:k + 1], free.path[:k + 1])
    assert np.all(r.path[k:] == r.path[k])
    assert abs(cu.quadratic.grad(r.path[k])) < tol <= abs(cu.quadratic.grad(r.path[k - 1]))
    np.testing.assert_array_equal(r.learning_rates[:k], 0.1)
    np.testing.assert_array_equal(r.learning_rates[k:], 0.0)
    assert repr(r) == "DescentResult(descent, runs=1, epochs=100, diverged=0, stopped=1)"


def test_tol_vectorized_over_starts_and_rates(no_warnings):
    starts = [-2.0, 0.0, 0.4, 1.5]
    rates = [0.01, 0.05, 0.15]
    r = cu.gradient_descent(cu.quadratic, starts, learning_rate=np.array(rates)[:, None], epochs=150, tol=1e-4)
    for (i, lr), (j, s) in itertools.product(enumerate(rates), enumerate(starts)):
        _, stopped_at, _ = reference_run(cu.quadratic.grad, s, lr, 150, tol=1e-4)
        assert r.stopped_at[i, j] == stopped_at
    # lr = 0.01 from -2 needs more than 150 epochs (about 193)
    assert r.stopped_at[0, 0] == -1 and not r.stopped[0, 0]


def test_tol_at_the_minimum_stops_immediately():
    r = cu.gradient_descent(cu.quadratic, 0.5, learning_rate=0.1, epochs=5, tol=1e-9)
    assert r.stopped_at == 0
    np.testing.assert_array_equal(r.path, 0.5)
    np.testing.assert_array_equal(r.learning_rates, 0.0)


def test_tol_uses_the_length_of_the_2d_gradient():
    tol = 1e-3
    start = [0.8 * tol, 0.8 * tol]  # each component < tol, but |grad| = 1.13 tol
    r = cu.gradient_descent(lambda p: p, start, learning_rate=0.5, epochs=5, tol=tol, ndim=2)
    assert r.stopped_at == 1
    np.testing.assert_array_equal(r.final, [0.4 * tol, 0.4 * tol])


def test_tol_does_not_hide_divergence():
    r = cu.gradient_descent(cu.steep, [0.0, 3.0], learning_rate=0.1, epochs=10, tol=1e-3)
    np.testing.assert_array_equal(r.stopped_at, [0, -1])
    np.testing.assert_array_equal(r.diverged_at, [-1, 2])


# --- reading one run at several epoch counts ------------------------------------------------

@pytest.mark.parametrize("tol", [None, 1e-3])
def test_at_equals_separate_shorter_runs(tol):
    starts = np.array([-1.5, -0.2, 0.3, 1.9])
    rates = np.array([0.005, 0.02, 0.06])[:, None]
    long = cu.gradient_descent(cu.sextic, starts, learning_rate=rates, epochs=60, tol=tol)
    for k in (1, 2, 7, 30, 59, 60):
        short = cu.gradient_descent(cu.sextic, starts, learning_rate=rates, epochs=k, tol=tol)
        assert np.array_equal(long.at(k), short.final, equal_nan=True)
        assert_results_equal(short, type("R", (), {
            "path": long.path[:k + 1], "grads": long.grads[:k], "learning_rates": long.learning_rates[:k],
            "stopped_at": np.where(long.stopped_at < k, long.stopped_at, -1),
            "diverged_at": np.where(long.diverged_at <= k, long.diverged_at, -1)}))
    np.testing.assert_array_equal(long.at(0), np.broadcast_to(starts, (3, 4)))


def test_at_in_2d_and_with_an_array_of_epochs():
    r = cu.gradient_descent(cu.peaks, [[0.1, 0.2], [-1.0, 1.0]], learning_rate=[[0.01], [0.05]], epochs=40)
    ks = [0, 10, 40]
    got = r.at(ks)
    assert got.shape == (3, 2, 2, 2)
    for n, k in enumerate(ks):
        short = cu.gradient_descent(cu.peaks, [[0.1, 0.2], [-1.0, 1.0]], learning_rate=[[0.01], [0.05]],
                                    epochs=max(k, 1))
        np.testing.assert_array_equal(got[n], short.final if k else short.path[0])
    np.testing.assert_array_equal(r.at(np.int64(10)), r.path[10])


@pytest.mark.parametrize("bad", [-1, 41, 2.5, [1, 2.5], [0, 41], True, "3", None, []])
def test_at_rejects_bad_epochs(bad):
    r = cu.gradient_descent(cu.quadratic, 1.0, learning_rate=0.1, epochs=40)
    with pytest.raises(ValueError, match=r"^epochs must be integers in \[0, 40\]"):
        r.at(bad)


# --- bad input ------------------------------------------------------------------------------

def run(**overrides):
    kwargs = dict(grad=cu.quadratic, start=1.0, learning_rate=0.1, epochs=5)
    kwargs.update(overrides)
    grad, start = kwargs.pop("grad"), kwargs.pop("start")
    return cu.gradient_descent(grad, start, **kwargs)


@pytest.mark.parametrize("name, value", [
    ("grad", 3.0), ("grad", "peaks"), ("grad", None),
    ("start", np.nan), ("start", [0.0, np.inf]), ("start", "one"), ("start", None),
    ("learning_rate", 0), ("learning_rate", -0.1), ("learning_rate", np.nan), ("learning_rate", np.inf),
    ("learning_rate", [0.1, 0.0]), ("learning_rate", [[0.1], [np.nan]]), ("learning_rate", "fast"),
    ("learning_rate", None),
    ("epochs", 0), ("epochs", -3), ("epochs", 2.5), ("epochs", 10.0), ("epochs", True), ("epochs", "10"),
    ("epochs", None),
    ("tol", 0), ("tol", -1e-3), ("tol", np.nan), ("tol", np.inf), ("tol", "small"), ("tol", [1e-3]),
    ("tol", True),
    ("bound", 0), ("bound", -1.0), ("bound", np.nan), ("bound", None),
])
def test_bad_input_names_the_parameter(name, value):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        run(**{name: value})


@pytest.mark.parametrize("start", [1.0, [1.0, 2.0, 3.0], np.zeros((4, 3)), np.zeros((2, 1))])
def test_2d_start_must_end_in_a_pair(start):
    with pytest.raises(ValueError, match=r"^start must have shape \(\.\.\., 2\)"):
        run(grad=cu.peaks, start=start)
    with pytest.raises(ValueError, match=r"^start must have shape \(\.\.\., 2\)"):
        run(grad=lambda p: p, start=start, ndim=2)


@pytest.mark.parametrize("ndim", [0, 3, -1])
def test_ndim_must_be_1_or_2(ndim):
    with pytest.raises(ValueError, match=r"^ndim must be one of 1, 2"):
        run(grad=lambda x: x, ndim=ndim)


@pytest.mark.parametrize("ndim", ["2", 2.0, True])
def test_ndim_must_be_an_integer(ndim):
    with pytest.raises(ValueError, match=r"^ndim must be an integer"):
        run(grad=lambda x: x, ndim=ndim)


def test_ndim_contradicting_the_objective_is_rejected():
    with pytest.raises(ValueError, match=r"^ndim"):
        run(grad=cu.peaks, start=[1.0, 2.0], ndim=1)
    with pytest.raises(ValueError, match=r"^ndim"):
        run(grad=cu.quadratic, ndim=2)
    assert run(grad=cu.peaks, start=[1.0, 2.0], ndim=2).ndim == 2  # agreeing is fine


@pytest.mark.parametrize("ascent", ["yes", None, 1, 0.0])
def test_ascent_must_be_a_bool(ascent):
    with pytest.raises(ValueError, match=r"^ascent must be True or False"):
        run(ascent=ascent)


def test_learning_rates_that_do_not_broadcast_against_the_starts():
    with pytest.raises(ValueError, match=r"^learning_rate.*start"):
        run(start=[1.0, 2.0, 3.0], learning_rate=[0.1, 0.2])
    with pytest.raises(ValueError, match=r"^learning_rate.*start"):
        run(grad=cu.peaks, start=np.zeros((3, 2)), learning_rate=[0.1, 0.2])


def test_a_schedule_class_instead_of_an_instance_is_rejected():
    with pytest.raises(ValueError, match="learning_rate"):
        run(learning_rate=cu.fixed)


# --- what is recorded, and memory ----------------------------------------------------------

@pytest.mark.parametrize("record, kept", [("all", list(range(13))), ("end", [0, 12]), (5, [0, 5, 10, 12]),
                                          (4, [0, 4, 8, 12]), (12, [0, 12]), (50, [0, 12])])
@pytest.mark.parametrize("tol", [None, 1e-3])
def test_record_keeps_the_same_numbers_at_fewer_epochs(record, kept, tol):
    starts = np.array([-1.9, -0.4, 0.2, 1.95])
    rates = np.array([0.01, 0.05, 0.2])[:, None]
    full = cu.gradient_descent(cu.sextic, starts, learning_rate=rates, epochs=12, tol=tol)
    part = cu.gradient_descent(cu.sextic, starts, learning_rate=rates, epochs=12, tol=tol, record=record)
    assert part.recorded.tolist() == kept and part.epochs == 12
    assert np.array_equal(part.path, full.path[kept], equal_nan=True)
    steps = np.array(kept[1:]) - 1  # the step that led to each recorded epoch
    assert np.array_equal(part.grads, full.grads[steps], equal_nan=True)
    assert np.array_equal(part.learning_rates, full.learning_rates[steps])
    for name in ("stopped_at", "diverged_at", "diverged_reason"):
        assert np.array_equal(getattr(part, name), getattr(full, name)), name
    assert np.array_equal(part.final, full.final, equal_nan=True)
    assert np.array_equal(part.at(kept), full.at(kept), equal_nan=True)
    assert full.diverged.any()


def test_record_accepts_a_zero_d_array():
    a = cu.gradient_descent(cu.quadratic, 1.0, learning_rate=0.1, epochs=9, record=np.array(3))
    assert a.recorded.tolist() == [0, 3, 6, 9]


def test_at_an_epoch_that_was_not_recorded_says_so():
    r = cu.gradient_descent(cu.quadratic, 1.0, learning_rate=0.1, epochs=20, record=5)
    assert float(r.at(10)) == float(cu.gradient_descent(cu.quadratic, 1.0, learning_rate=0.1, epochs=10).final)
    with pytest.raises(ValueError, match=r"^epochs 7 were not all recorded.*record='all'"):
        r.at(7)


@pytest.mark.parametrize("record", ["some", "", None, 0, -2, 2.5, True, [1]])
def test_bad_record_names_the_parameter(record):
    with pytest.raises(ValueError, match=r"^record\b"):
        run(record=record)


def test_a_history_beyond_the_budget_is_refused_at_once():
    import time

    t0 = time.perf_counter()
    with pytest.raises(ValueError) as info:
        cu.gradient_descent(cu.quadratic, 1.0, learning_rate=0.1, epochs=10**9)
    assert time.perf_counter() - t0 < 0.5
    text = str(info.value)
    assert text.startswith("record='all' with epochs=1000000000 and 1 run(s) would need about 22.4 GiB")
    assert "1.0 GiB budget" in text and "record='end'" in text
    k = int(text.split("record=")[3].split()[0])  # the suggested record=k really fits
    fits = cu.descent._check_memory(10**9 // k + 2, (1,), 1, k, 10**9)
    assert fits is None and cu.MEMORY_BUDGET == 2**30
    # a 300 x 300 basin map over 5,000 epochs would need ~17 GiB with the whole path
    grid = np.zeros((300, 300, 2))
    with pytest.raises(ValueError, match=r"would need about 1[0-9]\.\d GiB"):
        cu.gradient_descent(cu.peaks, grid, learning_rate=0.05, epochs=5000)


def test_recording_only_the_end_uses_memory_proportional_to_the_runs():
    import tracemalloc

    starts = np.linspace(-1.9, 1.9, 2000)

    def peak(epochs):
        tracemalloc.start()
        cu.gradient_descent(cu.sextic, starts, learning_rate=0.01, epochs=epochs, record="end")
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return top

    short, long = peak(10), peak(400)
    assert long < 1.5 * short < 40 * starts.nbytes  # no growth with the epochs
