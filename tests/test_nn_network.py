"""Network: backpropagation against finite differences, training, least squares, runs, validation."""
import numpy as np
import pytest

import course_utils as cu
from course_utils.nn import Network

# (layer sizes, activations, loss): every activation with a derivative, every loss.
ARCHITECTURES = [
    ([2, 1], ["identity"], "mse"),
    ([2, 1], ["sigmoid"], "binary_cross_entropy"),
    ([2, 1], ["sigmoid"], "mse"),
    ([3, 1], ["identity"], "bce_with_logits"),
    ([2, 4, 1], ["tanh", "sigmoid"], "binary_cross_entropy"),
    ([2, 4, 1], ["relu", "identity"], "mse"),
    ([3, 5, 4, 2], ["tanh", "relu", "identity"], "mse"),
    ([2, 3, 3, 1], ["sigmoid", "tanh", "identity"], "bce_with_logits"),
    ([4, 6, 2], ["sigmoid", "sigmoid"], "binary_cross_entropy"),
    ([1, 8, 1], ["tanh", "tanh"], "mse"),
]


def _data(sizes, loss, n=9, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, sizes[0]))
    shape = (n,) if sizes[-1] == 1 else (n, sizes[-1])
    y = rng.random(shape) if loss != "mse" else rng.standard_normal(shape)
    return X, y


@pytest.mark.parametrize("sizes, acts, loss", ARCHITECTURES)
def test_every_parameter_gradient_matches_finite_differences(sizes, acts, loss):
    net = Network(sizes, activations=acts, rng=1)
    for b in net.biases:  # non-zero biases, so their gradients are tested in general position
        b += 0.1
    X, y = _data(sizes, loss)
    f, grad = net.param_functions(X, y, loss=loss)
    theta = net.parameter_vector()
    assert cu.nn.check_gradient(f, grad, theta) < 1e-6


@pytest.mark.parametrize("sizes, acts, loss", ARCHITECTURES[4:7])
def test_gradients_list_matches_the_flat_vector_and_the_shapes(sizes, acts, loss):
    net = Network(sizes, activations=acts, rng=2)
    X, y = _data(sizes, loss)
    cost, grads = net.gradients(X, y, loss=loss)
    assert cost == pytest.approx(cu.nn.cost(loss, net.forward(X), y.reshape(len(X), -1)))
    for (dW, db), W, b in zip(grads, net.weights, net.biases):
        assert dW.shape == W.shape and db.shape == b.shape
    flat = np.concatenate([g.ravel() for pair in grads for g in pair])
    np.testing.assert_allclose(flat, net.flat_gradient(X, y, loss=loss))


def test_sigmoid_bce_uses_the_stable_gradient_when_saturated():
    net = Network([1, 1], activations=["sigmoid"], init=0.0)
    net.weights[0][:] = 50.0  # sigmoid(50) rounds to 1: the chain rule through a(1-a) would fail
    X, y = np.array([[1.0], [-1.0]]), np.array([0.0, 1.0])
    _, [(dW, db)] = net.gradients(X, y, loss="binary_cross_entropy")
    np.testing.assert_allclose(dW, [[(1.0 * 1 + (-1.0) * -1) / 2]])  # ((a - y) x) averaged
    np.testing.assert_allclose(db, [0.0])


def test_forward_is_the_layer_formula_written_out():
    net = Network([2, 3, 1], activations=["tanh", "sigmoid"], rng=0)
    X = np.array([[0.5, -1.0], [2.0, 0.0]])
    hidden = np.tanh(X @ net.weights[0] + net.biases[0])
    out = 1 / (1 + np.exp(-(hidden @ net.weights[1] + net.biases[1])))
    np.testing.assert_allclose(net.forward(X), out)
    np.testing.assert_allclose(net.predict(X), out[:, 0])
    zs, outputs = net.forward_all(X)
    np.testing.assert_allclose(outputs[1], hidden)
    assert len(zs) == 2 and outputs[0] is not None


@pytest.mark.parametrize("batch_size", [None, 16])
def test_training_lowers_the_cost(batch_size):
    X, y = cu.nn.two_clusters(80, rng=0)
    net = Network([2, 4, 1], activations=["tanh", "sigmoid"], rng=0)
    before = net.cost(X, y, loss="binary_cross_entropy")
    history = net.fit(X, y, learning_rate=0.5, epochs=60, loss="binary_cross_entropy",
                      batch_size=batch_size, rng=0)
    after = net.cost(X, y, loss="binary_cross_entropy")
    assert after < 0.5 * before
    assert history.cost.shape == (60,) and history.grad_norms.shape == (60, 2)
    assert history.cost[-1] < history.cost[0]
    assert not history.diverged and history.divergence_report() == "The run did not diverge."
    assert net.accuracy(X, y) > 0.9


def test_full_batch_history_cost_is_the_cost_before_each_update():
    X, y = cu.nn.linear_3d(30, rng=0)
    net = Network([3, 1], activations=["identity"], rng=0)
    probe = net.copy()
    history = net.fit(X, y, learning_rate=0.05, epochs=3)
    for epoch in range(3):
        assert history.cost[epoch] == pytest.approx(probe.cost(X, y))
        probe.fit(X, y, learning_rate=0.05, epochs=1)


def test_simple_regression_reaches_least_squares():
    x, y = cu.nn.linear_1d(60, w=2.0, b=-1.0, noise=0.5, rng=0)
    net = Network([1, 1], activations=["identity"], rng=0)
    net.fit(x, y, learning_rate=0.2, epochs=400)
    w, b = np.linalg.lstsq(np.column_stack([x, np.ones(len(x))]), y, rcond=None)[0]
    assert abs(net.weights[0][0, 0] - w) < 1e-6 and abs(net.biases[0][0] - b) < 1e-6


def test_multiple_regression_reaches_least_squares():
    X, y = cu.nn.linear_3d(100, rng=1)
    net = Network([3, 1], activations=["identity"], rng=1)
    net.fit(X, y, learning_rate=0.2, epochs=500)
    coef = np.linalg.lstsq(np.column_stack([X, np.ones(len(X))]), y, rcond=None)[0]
    np.testing.assert_allclose(net.parameter_vector(), coef, atol=1e-6)


def test_too_large_learning_rate_is_reported_as_divergence():
    x, y = cu.nn.linear_1d(40, rng=0)
    net = Network([1, 1], activations=["identity"], rng=0)
    history = net.fit(x, y, learning_rate=3.0, epochs=200)
    assert history.diverged and 0 < history.diverged_at < 200
    # diverged_at counts the epochs completed, as in DescentResult: costs before it are finite.
    assert np.all(np.isfinite(history.cost[:history.diverged_at]))
    assert np.all(np.isnan(history.cost[history.diverged_at:]))
    assert history.divergence_report().startswith(f"Diverged at epoch {history.diverged_at}: its loss rose")


def test_same_rng_same_network_and_same_training():
    X, y = cu.nn.moons(50, rng=0)
    results = []
    for _ in range(2):
        net = Network([2, 5, 1], activations=["relu", "sigmoid"], rng=7, init="he")
        h = net.fit(X, y, learning_rate=0.3, epochs=20, loss="binary_cross_entropy", batch_size=10, rng=3)
        results.append((net.parameter_vector(), h.cost))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])
    other = Network([2, 5, 1], activations=["relu", "sigmoid"], rng=8)
    assert not np.array_equal(other.parameter_vector(), results[0][0])


def test_init_scales():
    wide = Network([400, 400, 1], activations=["relu", "identity"], rng=0, init="he")
    assert np.std(wide.weights[0]) == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    xavier = Network([400, 400, 1], activations=["tanh", "identity"], rng=0)
    assert np.std(xavier.weights[0]) == pytest.approx(np.sqrt(2 / 800), rel=0.02)
    fixed = Network([400, 400, 1], activations=["tanh", "identity"], rng=0, init=3.0)
    assert np.std(fixed.weights[0]) == pytest.approx(3.0, rel=0.02)
    assert all(np.all(b == 0) for b in fixed.biases)


def test_runs_train_like_separate_networks_with_their_own_learning_rates():
    X, y = cu.nn.xor(20, rng=0)
    lrs = np.array([0.1, 0.5, 1.0])
    many = Network([2, 3, 1], activations=["tanh", "sigmoid"], rng=0, runs=3)
    singles = []
    for r in range(3):
        net = Network([2, 3, 1], activations=["tanh", "sigmoid"])
        net.set_parameter_vector(many.parameter_vector()[r])
        singles.append(net)
    history = many.fit(X, y, learning_rate=lrs, epochs=30, loss="binary_cross_entropy", batch_size=5, rng=1)
    assert history.cost.shape == (30, 3) and history.grad_norms.shape == (30, 3, 2)
    for r, net in enumerate(singles):
        h = net.fit(X, y, learning_rate=lrs[r], epochs=30, loss="binary_cross_entropy", batch_size=5, rng=1)
        np.testing.assert_allclose(h.cost, history.cost[:, r])
        np.testing.assert_allclose(net.parameter_vector(), many.parameter_vector()[r])
        assert many.accuracy(X, y)[r] == net.accuracy(X, y)
    assert many.forward(X).shape == (3, 20, 1) and many.predict(X).shape == (3, 20)
    assert many.cost(X, y, loss="binary_cross_entropy").shape == (3,)


def test_a_diverging_run_is_frozen_and_the_others_continue():
    x, y = cu.nn.linear_1d(40, rng=0)
    net = Network([1, 1], activations=["identity"], rng=0, runs=2)
    history = net.fit(x, y, learning_rate=[0.1, 3.0], epochs=300)
    assert history.diverged.tolist() == [False, True]
    assert np.isfinite(history.cost[-1, 0]) and np.isnan(history.cost[-1, 1])
    assert np.all(np.isfinite(net.parameter_vector()[0]))
    assert history.divergence_report().startswith("1 of 2 runs diverged")


def test_classify_thresholds_follow_the_output_activation():
    X = np.array([[1.0], [-1.0]])
    for act, expected in [("sigmoid", [1.0, 0.0]), ("tanh", [1.0, 0.0]), ("identity", [1.0, 0.0])]:
        net = Network([1, 1], activations=[act], init=0.0)
        net.weights[0][:] = 1.0
        np.testing.assert_array_equal(net.classify(X), expected)
    np.testing.assert_array_equal(net.classify(X, threshold=2.0), [0.0, 0.0])
    multi = Network([1, 3], activations=["identity"], init=0.0)
    multi.biases[0][:] = [0.0, 2.0, 1.0]
    np.testing.assert_array_equal(multi.classify(X), [1.0, 1.0])


def test_params_round_trip_and_repr_and_describe():
    net = Network([2, 8, 1], activations=["tanh", "sigmoid"], rng=0)
    assert repr(net) == "Network([2, 8, 1], activations=['tanh', 'sigmoid'])"
    assert net.n_parameters == 2 * 8 + 8 + 8 + 1 == net.parameter_vector().size
    theta = np.arange(net.n_parameters, dtype=float)
    net.set_parameter_vector(theta)
    np.testing.assert_array_equal(net.parameter_vector(), theta)
    assert net.weights[0].shape == (2, 8) and net.weights[0][0, 1] == 1.0 and net.biases[1][0] == 32.0
    assert "total: 33 parameters" in net.describe()
    assert repr(Network([2, 1], activations=["sigmoid"], runs=4)).endswith("runs=4)")
    copy = net.copy()
    copy.weights[0][0, 0] = -5.0
    assert net.weights[0][0, 0] == 0.0


@pytest.mark.parametrize("kwargs, match", [
    ({"layer_sizes": [2]}, "^layer_sizes "),
    ({"layer_sizes": [2, 0, 1]}, "^layer_sizes "),
    ({"layer_sizes": [2, 1.5, 1]}, "^layer_sizes "),
    ({"layer_sizes": 3}, "^layer_sizes "),
    ({"activations": ["tanh"]}, "^activations must have one entry per layer"),
    ({"activations": "tanh"}, "^activations must be a list"),
    ({"activations": ["tanh", "softplus"]}, r"^activations\[1\] must be one of 'identity', 'sigmoid'"),
    ({"activations": ["tanh", "softmax"]}, r"^activations\[1\] is softmax, which needs a layer of >= 2 units"),
    ({"init": "glorot"}, "^init must be one of 'xavier', 'he'"),
    ({"init": -1.0}, "^init "),
    ({"runs": 0}, "^runs "),
    ({"rng": "x"}, "^rng "),
])
def test_bad_construction_is_named(kwargs, match):
    args = {"layer_sizes": [2, 3, 1], "activations": ["tanh", "sigmoid"], **kwargs}
    with pytest.raises(ValueError, match=match):
        Network(args.pop("layer_sizes"), **args)


@pytest.mark.parametrize("X, y, match", [
    (np.ones((5, 3)), np.ones(5), r"^X must have shape \(n, 2\)"),
    (np.ones(5), np.ones(5), r"^X must have shape \(n, 2\)"),
    (np.ones((5, 2)), np.ones(4), r"^y must have shape \(5,\) or \(5, 1\)"),
    (np.ones((5, 2)), np.ones((5, 2)), "^y must have shape"),
    (np.full((5, 2), np.nan), np.ones(5), "^X must be finite"),
    (np.ones((5, 2)), np.full(5, 2.0), r"^y must lie in \[0, 1\]"),
])
def test_bad_data_is_named(X, y, match):
    net = Network([2, 3, 1], activations=["tanh", "sigmoid"], rng=0)
    with pytest.raises(ValueError, match=match):
        net.fit(X, y, learning_rate=0.1, epochs=1, loss="binary_cross_entropy")


def test_bad_loss_lists_the_choices():
    net = Network([2, 1], activations=["sigmoid"])
    with pytest.raises(ValueError, match="^loss must be one of 'mse', 'binary_cross_entropy'"):
        net.gradients(np.ones((3, 2)), np.ones(3), loss="hinge")


@pytest.mark.parametrize("kwargs, match", [
    ({"learning_rate": 0.0}, "^learning_rate "),
    ({"learning_rate": [0.1, 0.2]}, "^learning_rate must be a single number"),
    ({"epochs": 0}, "^epochs "),
    ({"batch_size": 0}, "^batch_size "),
    ({"batch_size": 10}, "^batch_size must be <= the number of samples 5"),
    ({"bound": -1.0}, "^bound "),
])
def test_bad_fit_arguments_are_named(kwargs, match):
    net = Network([2, 1], activations=["sigmoid"])
    args = {"learning_rate": 0.1, "epochs": 2, **kwargs}
    with pytest.raises(ValueError, match=match):
        net.fit(np.ones((5, 2)), np.ones(5), **args)


def test_accuracy_and_set_parameter_vector_validate():
    net = Network([2, 1], activations=["sigmoid"], runs=2)
    with pytest.raises(ValueError, match="^y must have shape"):
        net.accuracy(np.ones((4, 2)), np.ones(3))
    with pytest.raises(ValueError, match=r"^theta must have shape \(2, 3\)"):
        net.set_parameter_vector(np.ones(3))
    with pytest.raises(ValueError, match="^learning_rate must be a number or shape"):
        net.fit(np.ones((4, 2)), np.ones(4), learning_rate=[0.1, 0.2, 0.3], epochs=1)
    with pytest.raises(ValueError, match="^param_functions needs a single network"):
        net.param_functions(np.ones((4, 2)), np.ones(4))


def test_saturated_sigmoid_bce_cost_is_computed_from_the_logit():
    # w = 1, b = 0, x = 40, y = 0: sigmoid(40) rounds to 1, the true loss is log(1 + e^40) ~ 40.
    net = Network([1, 1], activations=["sigmoid"], init=0.0)
    net.weights[0][:] = 1.0
    X, y = np.array([[40.0]]), np.array([0.0])
    assert net.cost(X, y, loss="binary_cross_entropy") == pytest.approx(40.0, rel=1e-15)
    f, grad = net.param_functions(X, y, loss="binary_cross_entropy")
    theta = net.parameter_vector()
    np.testing.assert_allclose(grad(theta), [40.0, 1.0])
    np.testing.assert_allclose(cu.nn.numerical_gradient(f, theta), [40.0, 1.0], rtol=1e-6)


def _mini_batch_run(**kwargs):
    x, y = cu.nn.linear_1d(20, rng=0)
    net = Network([1, 1], activations=["identity"], rng=0)
    start = net.parameter_vector()
    history = net.fit(x, y, learning_rate=0.1, epochs=3, batch_size=6, rng=4, **kwargs)
    return x, y, start, net, history


def test_recorded_update_path_is_the_plain_mini_batch_loop():
    x, y, start, net, history = _mini_batch_run(record_parameters="update")
    assert history.parameters.shape == (3 * 4 + 1, 2) and history.batch_cost.shape == (12,)
    # The loop written out: shuffle each epoch with the same generator, slice, step.
    rng, theta, path, batch_costs = np.random.default_rng(4), start.copy(), [start.copy()], []
    for _ in range(3):
        order = rng.permutation(20)
        for s in range(0, 20, 6):
            xb, yb = x[order[s:s + 6], 0], y[order[s:s + 6]]
            err = theta[0] * xb + theta[1] - yb
            batch_costs.append(np.mean(err * err))
            theta = theta - 0.1 * np.array([np.mean(2 * err * xb), np.mean(2 * err)])
            path.append(theta.copy())
    np.testing.assert_allclose(history.parameters, path, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(history.batch_cost, batch_costs, rtol=1e-13)
    np.testing.assert_array_equal(history.parameters[-1], net.parameter_vector())


def test_recorded_epoch_path_and_no_record_train_identically():
    _, _, start, net, history = _mini_batch_run(record_parameters="epoch")
    _, _, _, plain, plain_history = _mini_batch_run()
    _, _, _, _, updates = _mini_batch_run(record_parameters="update")
    assert history.parameters.shape == (4, 2) and history.batch_cost is None
    np.testing.assert_array_equal(history.parameters[0], start)
    np.testing.assert_array_equal(history.parameters, updates.parameters[::4])
    np.testing.assert_array_equal(net.parameter_vector(), plain.parameter_vector())
    np.testing.assert_array_equal(history.cost, plain_history.cost)
    assert plain_history.parameters is None and plain_history.batch_cost is None


def test_recorded_path_of_runs_and_of_a_diverged_run():
    x, y = cu.nn.linear_1d(40, rng=0)
    net = Network([1, 1], activations=["identity"], rng=0, runs=2)
    history = net.fit(x, y, learning_rate=[0.1, 3.0], epochs=300, record_parameters="epoch")
    assert history.parameters.shape == (301, 2, 2)
    at = history.diverged_at[1]
    np.testing.assert_array_equal(history.parameters[-1], net.parameter_vector())
    assert np.all(history.parameters[at + 1:, 1] == history.parameters[-1, 1])  # frozen where it stopped


def test_a_record_beyond_the_budget_is_refused_before_training():
    net = Network([2, 64, 1], activations=["tanh", "identity"], rng=0, runs=100)
    before = net.parameter_vector()
    with pytest.raises(ValueError, match=r"^record_parameters='update' would need \d+\.\d GiB"):
        net.fit(np.ones((1000, 2)), np.ones(1000), learning_rate=0.1, epochs=1000, batch_size=10,
                record_parameters="update")
    np.testing.assert_array_equal(net.parameter_vector(), before)
    with pytest.raises(ValueError, match="^record_parameters must be one of"):
        net.fit(np.ones((4, 2)), np.ones(4), learning_rate=0.1, epochs=1, record_parameters="all")


def test_history_compares_by_identity():
    _, _, _, _, history = _mini_batch_run(record_parameters="epoch")
    assert history == history and history != _mini_batch_run(record_parameters="epoch")[4]


def test_divergence_uses_the_shared_rule_and_sentence():
    from course_utils.divergence import LOSS_RISING, TOO_BIG, DivergenceRule, RunTracker, divergence_report

    x, y = cu.nn.linear_1d(40, rng=0)
    lrs = np.array([0.1, 3.0, 30.0])
    net = Network([1, 1], activations=["identity"], rng=0, runs=3)
    start = net.parameter_vector()
    history = net.fit(x, y, learning_rate=lrs, epochs=100, bound=1e6)
    assert isinstance(history.rule, DivergenceRule) and history.rule.bound == 1e6
    assert history.diverged_reason.tolist() == [0, LOSS_RISING, TOO_BIG]
    assert history.divergence_report() == divergence_report(history.diverged_at, history.diverged_reason,
                                                            history.rule)
    # Rule 1 by hand: the plain full-batch loop, its weights' sizes fed to the shared tracker.
    tracker = RunTracker((3,), rule=DivergenceRule(bound=1e6, patience=None))
    theta, X1 = start.copy(), np.column_stack([x[:, 0], np.ones(len(x))])
    for epoch in range(100):
        grad = 2 * (theta @ X1.T - y) @ X1 / len(x)
        theta = np.where(tracker.active[:, None], theta - lrs[:, None] * grad, theta)
        tracker.check(epoch + 1, size=np.abs(theta).max(axis=1))
    assert history.diverged_at[2] == tracker.diverged_at[2] > 0
    np.testing.assert_allclose(net.parameter_vector()[2], theta[2], rtol=1e-12)  # frozen at the same place


def test_tol_stops_runs_and_their_cost_stays():
    x, y = cu.nn.linear_1d(40, noise=0.0, rng=0)
    net = Network([1, 1], activations=["identity"], rng=0, runs=2)
    history = net.fit(x, y, learning_rate=[0.3, 0.01], epochs=200, tol=1e-4)
    assert history.stopped.tolist() == [True, False] and not history.diverged.any()
    at = history.stopped_at[0]
    assert 0 < at < 200 and np.all(history.cost[at:, 0] == history.cost[at, 0])
    assert "stopped=1" in repr(history)
    with pytest.raises(ValueError, match="^tol "):
        net.fit(x, y, learning_rate=0.1, epochs=1, tol=-1.0)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("sizes, acts, loss, batch_size", [
    ([2, 16, 16, 1], ["tanh", "relu", "sigmoid"], "binary_cross_entropy", None),
    ([2, 8, 3], ["sigmoid", "softmax"], "categorical_cross_entropy", 7),  # a smaller last batch
    ([2, 6, 1], ["identity", "identity"], "mse", None),
])
def test_fit_equals_descent_on_its_own_gradients_bit_for_bit(dtype, sizes, acts, loss, batch_size, monkeypatch):
    # fit keeps its large arrays in buffers reused between updates; gradients() allocates fresh
    # ones. Reused memory must not change a single number, nor leak one update into the next.
    monkeypatch.setattr(cu.nn.network, "_BUFFERED", 1)  # buffer every array, however small
    X, y = cu.nn.moons(40, rng=4)
    if sizes[-1] == 3:
        y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.3)
    net = Network(sizes, activations=acts, rng=5, dtype=dtype)
    plain = net.copy()
    net.fit(X, y, learning_rate=0.3, epochs=6, loss=loss, batch_size=batch_size, rng=9)
    rng, step = np.random.default_rng(9), np.asarray(0.3, dtype=dtype)
    batch = len(X) if batch_size is None else batch_size
    for _ in range(6):
        order = np.arange(len(X)) if batch_size is None else rng.permutation(len(X))
        for start in range(0, len(X), batch):
            idx = order[start:start + batch]
            _, grads = plain.gradients(X[idx], y[idx], loss=loss)
            for k, (dW, db) in enumerate(grads):
                plain.weights[k] -= step * dW
                plain.biases[k] -= step * db
    np.testing.assert_array_equal(net.parameter_vector(), plain.parameter_vector())
