"""Softmax output + categorical cross-entropy: stability, gradients, the K = 2 case, training."""
import warnings

import numpy as np
import pytest

import course_utils as cu
from course_utils.nn import Network


def _problem(seed=0, n=12, k=3, d=2):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.integers(0, k, n)


def test_cce_from_logits_is_the_formula_and_equals_cce_of_softmax():
    rng = np.random.default_rng(0)
    z = rng.normal(scale=3, size=(20, 4))
    y = cu.nn.one_hot(rng.integers(0, 4, 20), 4)
    by_hand = -np.sum(y * np.log(np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)), axis=1)
    np.testing.assert_allclose(cu.nn.cce_with_logits(z, y), by_hand, rtol=1e-13)
    np.testing.assert_allclose(cu.nn.categorical_cross_entropy(cu.nn.softmax(z), y), by_hand, rtol=1e-12)
    np.testing.assert_allclose(cu.nn.cce_with_logits.grad(z, y), cu.nn.softmax(z) - y, rtol=1e-15)
    np.testing.assert_allclose(cu.nn.cross_entropy(y, z, from_logits=True), by_hand, rtol=1e-13)


def test_cce_from_logits_is_stable_at_extreme_logits():
    z = np.array([[1000.0, 0.0, -1000.0], [1000.0, 0.0, -1000.0], [-1e4, 1e4, 0.0]])
    y = cu.nn.one_hot([0, 2, 1], 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values, grads = cu.nn.cce_with_logits(z, y), cu.nn.cce_with_logits.grad(z, y)
    np.testing.assert_array_equal(values, [0.0, 2000.0, 0.0])  # the exact losses: 0, 1000 - (-1000), 0
    np.testing.assert_array_equal(grads[1], [1.0, 0.0, -1.0])


def test_two_class_softmax_cce_is_sigmoid_bce():
    # softmax([z, 0])[0] = sigmoid(z): with the logit difference z, the two losses are one function.
    rng = np.random.default_rng(3)
    z, y = rng.normal(scale=5, size=40), (rng.random(40) < 0.5).astype(float)
    pair_logits, pair_targets = np.column_stack([z, np.zeros_like(z)]), np.column_stack([y, 1 - y])
    np.testing.assert_allclose(cu.nn.cce_with_logits(pair_logits, pair_targets), cu.nn.bce_with_logits(z, y),
                               rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(cu.nn.softmax(pair_logits)[:, 0], cu.nn.sigmoid(z), rtol=1e-12)
    np.testing.assert_allclose(cu.nn.cce_with_logits.grad(pair_logits, pair_targets)[:, 0],
                               cu.nn.bce_with_logits.grad(z, y), rtol=1e-12, atol=1e-15)


def test_two_class_networks_give_the_same_cost_and_classes():
    # A [2, 2] softmax network whose second logit is fixed at 0 is a [2, 1] sigmoid network.
    X, labels = _problem(seed=4, k=2)
    sig = Network([2, 1], activations=["sigmoid"], rng=0)
    soft = Network([2, 2], activations=["softmax"], init=0.0)
    soft.weights[0][:, 0], soft.biases[0][0] = sig.weights[0][:, 0], sig.biases[0][0]
    # labels 1 = class "first logit" for the sigmoid network, so class index 0 for softmax.
    bce = sig.cost(X, labels.astype(float), loss="binary_cross_entropy")
    cce = soft.cost(X, 1 - labels, loss="categorical_cross_entropy")
    assert cce == pytest.approx(bce, rel=1e-12)
    np.testing.assert_array_equal(soft.classify(X), 1 - sig.classify(X).astype(int))


@pytest.mark.parametrize("hidden", [[], [5]])
def test_network_gradient_matches_finite_differences(hidden):
    X, labels = _problem(seed=1)
    sizes = [2, *hidden, 3]
    net = Network(sizes, activations=["tanh"] * len(hidden) + ["softmax"], rng=2)
    for b in net.biases:
        b += 0.1
    f, grad = net.param_functions(X, labels, loss="categorical_cross_entropy")
    assert cu.nn.check_gradient(f, grad, net.parameter_vector()) < 1e-7


def test_softmax_with_mse_backpropagates_through_the_jacobian():
    X, labels = _problem(seed=2)
    net = Network([2, 4, 3], activations=["tanh", "softmax"], rng=3)
    f, grad = net.param_functions(X, cu.nn.one_hot(labels, 3), loss="mse")
    assert cu.nn.check_gradient(f, grad, net.parameter_vector()) < 1e-7


def test_saturated_softmax_cost_and_gradient_agree():
    # Logits of +-400: softmax rounds to exactly 0 and 1, the true cost is about 800 per sample.
    net = Network([1, 2], activations=["softmax"], init=0.0)
    net.weights[0][:] = [[200.0, -200.0]]
    X, labels = np.array([[1.0], [2.0]]), np.array([1, 0])
    cost = net.cost(X, labels, loss="categorical_cross_entropy")
    assert cost == pytest.approx((400.0 + 0.0) / 2, rel=1e-12)
    f, grad = net.param_functions(X, labels, loss="categorical_cross_entropy")
    theta = net.parameter_vector()
    np.testing.assert_allclose(grad(theta), cu.nn.numerical_gradient(f, theta, eps=1e-4), rtol=1e-6)


def test_labels_and_one_hot_targets_train_identically():
    X, labels = _problem(seed=5, n=30)
    a = Network([2, 4, 3], activations=["tanh", "softmax"], rng=1)
    b = a.copy()
    ha = a.fit(X, labels, learning_rate=0.5, epochs=20, loss="categorical_cross_entropy")
    hb = b.fit(X, cu.nn.one_hot(labels, 3), learning_rate=0.5, epochs=20, loss="categorical_cross_entropy")
    np.testing.assert_array_equal(ha.cost, hb.cost)
    np.testing.assert_array_equal(a.parameter_vector(), b.parameter_vector())
    assert ha.cost[-1] < ha.cost[0]
    assert a.accuracy(X, labels) == a.accuracy(X, cu.nn.one_hot(labels, 3))


def test_classify_returns_integer_labels_and_accuracy_counts_them():
    net = Network([1, 3], activations=["softmax"], init=0.0)
    net.weights[0][:] = [[-1.0, 0.0, 1.0]]
    X = np.array([[-2.0], [2.0], [-1.0]])
    labels = net.classify(X)
    assert labels.dtype.kind == "i" and labels.tolist() == [0, 2, 0]
    assert net.accuracy(X, [0, 2, 1]) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="^threshold applies to one-output networks only"):
        net.classify(X, threshold=0.5)


def test_iris_is_learned():
    iris = cu.nn.load_iris()
    parts = cu.nn.train_test_split(iris.X, iris.y, test_fraction=0.2, rng=0)
    mean, std = parts.X_train.mean(axis=0), parts.X_train.std(axis=0)
    net = Network([4, 8, 3], activations=["tanh", "softmax"], rng=0)
    history = net.fit((parts.X_train - mean) / std, parts.y_train, learning_rate=0.5, epochs=300,
                      loss="categorical_cross_entropy")
    assert history.cost[-1] < 0.2 < history.cost[0]
    assert net.accuracy((parts.X_test - mean) / std, parts.y_test) >= 0.9


@pytest.mark.parametrize("y, match", [
    (np.array([0, 1, 3, 1]), r"^y must be class labels: integers 0 to 2, got 3"),
    (np.array([0, 1, 0.5, 1]), r"^y must be class labels"),
    (np.ones((4, 3)), "^y must have rows that sum to 1"),
    (np.ones((4, 2)), r"^y must have shape \(4,\) \(class labels 0 to 2\) or \(4, 3\)"),
])
def test_bad_targets_are_named(y, match):
    net = Network([2, 3], activations=["softmax"], rng=0)
    with pytest.raises(ValueError, match=match):
        net.fit(np.ones((4, 2)), y, learning_rate=0.1, epochs=1, loss="categorical_cross_entropy")


@pytest.mark.parametrize("acts, loss, match", [
    (["identity"], "categorical_cross_entropy", "^loss 'categorical_cross_entropy' needs a softmax output"),
    (["sigmoid"], "categorical_cross_entropy", "^loss 'categorical_cross_entropy' needs a softmax output"),
    (["softmax"], "binary_cross_entropy", "^loss 'binary_cross_entropy' needs a sigmoid output"),
])
def test_probability_losses_need_their_output_activation(acts, loss, match):
    net = Network([2, 3], activations=acts, rng=0)
    with pytest.raises(ValueError, match=match):
        net.cost(np.ones((4, 2)), np.zeros(4, dtype=int), loss=loss)


def test_losses_refuse_probabilities_outside_the_unit_interval():
    with pytest.raises(ValueError, match=r"^y_hat must lie in \[0, 1\] for categorical_cross_entropy"):
        cu.nn.categorical_cross_entropy([[1.2, -0.2]], [[1.0, 0.0]])
    with pytest.raises(ValueError, match=r"^y_hat must lie in \[0, 1\] for binary_cross_entropy"):
        cu.nn.binary_cross_entropy.grad([1.5], [1.0])
    with pytest.raises(ValueError, match=r"^q must lie in \[0, 1\]"):
        cu.nn.cross_entropy([1.0, 0.0], [2.0, -1.0])
    with pytest.raises(ValueError, match=r"^p must lie in \[0, 1\]"):
        cu.nn.cross_entropy([2.0, -1.0], [0.5, 0.5])
    with pytest.raises(ValueError, match="^from_logits must be True or False"):
        cu.nn.cross_entropy([1.0, 0.0], [0.5, 0.5], from_logits=1)


def test_one_hot():
    np.testing.assert_array_equal(cu.nn.one_hot(np.array([1.0, 0.0]), 2), [[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(ValueError, match="^labels must be class labels: integers 0 to 1, got 2"):
        cu.nn.one_hot([0, 2], 2)
    with pytest.raises(ValueError, match="^k must be >= 2"):
        cu.nn.one_hot([0], 1)
    with pytest.raises(ValueError, match=r"^labels must have shape \(n,\)"):
        cu.nn.one_hot([[0]], 2)
