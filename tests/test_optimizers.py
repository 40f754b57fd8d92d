"""Momentum, RMSProp and Adam inside gradient_descent: known answers, exactness, vectorization, input checks."""
import itertools

import numpy as np
import pytest

import course_utils as cu

FIELDS = ("path", "grads", "learning_rates", "stopped_at", "diverged_at")


def reference(name, grad, start, lr, epochs, *, beta1=0.9, beta2=0.999, eps=1e-8):
    """One run of each rule written out plainly, one step at a time (no divergence: tame settings)."""
    x = np.array(start, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    path = [x.copy()]
    for t in range(1, epochs + 1):
        g = np.asarray(grad(x), dtype=float)
        if name == "momentum":
            m = beta1 * m + g
            d = m
        elif name == "rmsprop":
            v = beta2 * v + (1 - beta2) * (g * g)
            d = g / (np.sqrt(v) + eps)
        else:
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * (g * g)
            d = (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
        x = x - lr * d
        path.append(x.copy())
    return np.array(path)


@pytest.mark.parametrize("obj, start", [(cu.quadratic, 1.7), (cu.sextic, -1.2), (cu.peaks, [0.4, -0.3])],
                         ids=["quadratic", "sextic", "peaks"])
def test_each_rule_matches_its_written_out_loop(obj, start):
    runs = {"momentum": (cu.momentum(0.7), {"beta1": 0.7}),
            "rmsprop": (cu.rmsprop(0.9), {"beta2": 0.9}),
            "adam": (cu.adam(0.8, 0.99), {"beta1": 0.8, "beta2": 0.99})}
    for name, (opt, hyper) in runs.items():
        r = cu.gradient_descent(obj, start, learning_rate=0.01, epochs=40, optimizer=opt)
        want = reference(name, obj.grad, start, 0.01, 40, **hyper)
        np.testing.assert_allclose(r.path, want, rtol=1e-13, atol=1e-15, err_msg=name)
        assert not r.diverged.any()


@pytest.mark.parametrize("obj, starts, top", [(cu.sextic, np.linspace(-1.9, 1.9, 9), 0.3),
                                              (cu.peaks, np.array([[0.5, -0.5], [-1.0, 1.0], [2.0, 0.3]]), 2.0)],
                         ids=["sextic", "peaks"])
@pytest.mark.parametrize("tol", [None, 1e-3])
def test_momentum_with_beta_zero_is_plain_descent_exactly(obj, starts, top, tol):
    rates = np.array([0.005, 0.05, top])[:, None]
    plain = cu.gradient_descent(obj, starts, learning_rate=rates, epochs=80, tol=tol)
    zero = cu.gradient_descent(obj, starts, learning_rate=rates, epochs=80, tol=tol, optimizer=cu.momentum(0.0))
    for name in FIELDS:
        assert np.array_equal(getattr(plain, name), getattr(zero, name), equal_nan=True), name
    assert plain.diverged.any()  # the comparison includes runs that diverged


@pytest.mark.parametrize("lr", [1e-3, 0.05, 0.3])
def test_adams_first_step_has_size_alpha_per_coordinate(lr):
    starts = np.array([[0.5, -0.5], [-1.0, 1.0], [2.0, 0.3], [1.2, -2.2]])
    r = cu.gradient_descent(cu.peaks, starts, learning_rate=lr, epochs=1, optimizer=cu.adam())
    g = cu.peaks.grad(starts)
    assert np.all(np.abs(g) > 1e-2)  # far from flat: eps = 1e-8 changes the step by < 1e-6 of it
    step = r.path[1] - r.path[0]
    np.testing.assert_allclose(np.abs(step), lr, rtol=1e-6)
    np.testing.assert_allclose(np.abs(step), lr * np.abs(g) / (np.abs(g) + 1e-8), rtol=1e-12)
    np.testing.assert_array_equal(np.sign(step), -np.sign(g))


@pytest.mark.parametrize("make", [lambda b: cu.momentum(b), lambda b: cu.rmsprop(b),
                                  lambda b: cu.adam(b, 0.99)], ids=["momentum", "rmsprop", "adam"])
@pytest.mark.parametrize("tol", [None, 1e-4])
def test_a_grid_over_beta_and_rate_equals_runs_one_at_a_time(make, tol):
    betas = np.array([0.0, 0.5, 0.9])
    rates = np.array([0.002, 0.02, 0.2])
    starts = np.array([[0.5, -0.5], [-1.0, 1.0]])
    grid = cu.gradient_descent(cu.peaks, starts, learning_rate=rates[:, None, None], epochs=60, tol=tol,
                               optimizer=make(betas[None, :, None]))
    assert grid.final.shape == (3, 3, 2, 2)
    for (i, lr), (j, b), (k, s) in itertools.product(enumerate(rates), enumerate(betas), enumerate(starts)):
        one = cu.gradient_descent(cu.peaks, s, learning_rate=lr, epochs=60, tol=tol, optimizer=make(b))
        assert np.array_equal(grid.path[:, i, j, k], one.path, equal_nan=True)
        assert np.array_equal(grid.learning_rates[:, i, j, k], one.learning_rates)
        assert grid.diverged_at[i, j, k] == one.diverged_at and grid.stopped_at[i, j, k] == one.stopped_at


def test_optimizer_runs_report_divergence():
    r = cu.gradient_descent(cu.quadratic, [1.0, 2.0], learning_rate=0.7, epochs=50, optimizer=cu.momentum(0.9))
    assert r.diverged.all()  # heavy ball on a bowl of curvature 6 is stable only for lr < 2 (1 + beta) / 6
    assert r.divergence_report().startswith("2 of 2 runs diverged; the first at epoch")
    assert np.isnan(r.final).all()


def test_optimizers_record_like_plain_descent():
    r = cu.gradient_descent(cu.sextic, [0.3, 1.9], learning_rate=0.01, epochs=30, optimizer=cu.adam(), record=10)
    full = cu.gradient_descent(cu.sextic, [0.3, 1.9], learning_rate=0.01, epochs=30, optimizer=cu.adam())
    np.testing.assert_array_equal(r.path, full.path[[0, 10, 20, 30]])


def test_reprs_and_registry():
    assert repr(cu.momentum()) == "momentum(beta=0.9)"
    assert repr(cu.rmsprop(0.5)) == "rmsprop(beta=0.5, eps=1e-08)"
    assert repr(cu.adam(eps=1e-6)) == "adam(beta1=0.9, beta2=0.999, eps=1e-06)"
    assert repr(cu.momentum([0.1, 0.2])) == "momentum(beta=array(shape=(2,)))"
    assert cu.OPTIMIZERS == {"momentum": cu.momentum, "rmsprop": cu.rmsprop, "adam": cu.adam}
    assert isinstance(cu.adam(), cu.Optimizer)


@pytest.mark.parametrize("call, name", [
    (lambda: cu.momentum(1.0), "beta"), (lambda: cu.momentum(-0.1), "beta"), (lambda: cu.momentum(True), "beta"),
    (lambda: cu.momentum("0.9"), "beta"), (lambda: cu.momentum(np.nan), "beta"),
    (lambda: cu.momentum([0.5, 1.2]), "beta"), (lambda: cu.rmsprop(1.5), "beta"),
    (lambda: cu.rmsprop(0.9, eps=0), "eps"), (lambda: cu.rmsprop(0.9, eps="x"), "eps"),
    (lambda: cu.adam(beta1=1.0), "beta1"), (lambda: cu.adam(beta2=-1e-3), "beta2"), (lambda: cu.adam(eps=-1.0), "eps"),
    (lambda: cu.adam(beta1=None), "beta1"), (lambda: cu.momentum(None), "beta"), (lambda: cu.rmsprop(None), "beta"),
])
def test_bad_hyperparameters_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        call()


@pytest.mark.parametrize("optimizer", ["adam", cu.adam, 0.9, True])
def test_optimizer_must_be_an_optimizer(optimizer):
    with pytest.raises(ValueError, match=r"^optimizer must be"):
        cu.gradient_descent(cu.quadratic, 1.0, learning_rate=0.1, epochs=5, optimizer=optimizer)


def test_hyperparameters_that_do_not_broadcast_are_refused():
    with pytest.raises(ValueError, match=r"^learning_rate.*optimizer"):
        cu.gradient_descent(cu.quadratic, [1.0, 2.0, 3.0], learning_rate=0.1, epochs=5,
                            optimizer=cu.momentum([0.1, 0.5]))
