"""Documented promises of the networks, tested by searching for counterexamples.

* backpropagation equals finite differences of the cost, for random architectures,
  activations, losses and weights, *including saturated outputs* (logits of +-40 and more):
  the cost and its gradient are one function;
* the cost of a network equals the loss module's cost of its output (or of its logits where
  the network computes from logits), so what is plotted is what is descended;
* several runs trained together equal the same runs trained one at a time, bit for bit.

The search is derandomized (the same examples on every machine) and small, so CI stays
deterministic and fast.
"""
import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import course_utils as cu
from course_utils.nn import Network

SEARCH = settings(derandomize=True, max_examples=60, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow])
HIDDEN = ["identity", "sigmoid", "tanh", "relu"]
# (output activation, loss, outputs): every pairing a network accepts.
HEADS = [
    ("identity", "mse", None), ("sigmoid", "mse", None), ("tanh", "mse", None), ("softmax", "mse", 3),
    ("sigmoid", "binary_cross_entropy", None), ("identity", "bce_with_logits", None),
    ("tanh", "bce_with_logits", None), ("softmax", "categorical_cross_entropy", 3),
    ("identity", "cce_with_logits", 4),
]


@st.composite
def problems(draw):
    """A network with its data: random sizes, activations, loss, weight scale up to saturation."""
    out_act, loss, k = draw(st.sampled_from(HEADS))
    k = k if k is not None else draw(st.sampled_from([1, 2]))
    hidden = draw(st.lists(st.tuples(st.integers(1, 4), st.sampled_from(HIDDEN)), max_size=2))
    d, n = draw(st.integers(1, 3)), draw(st.integers(1, 6))
    scale = draw(st.sampled_from([0.5, 2.0, 10.0, 40.0]))  # 10 and 40 saturate sigmoid/tanh/softmax
    seed = draw(st.integers(0, 2**16))
    net = Network([d, *(h for h, _ in hidden), k], activations=[a for _, a in hidden] + [out_act],
                  init=1.0, rng=seed)
    rng = np.random.default_rng(seed + 1)
    for W, b in zip(net.weights, net.biases):
        W *= scale / np.sqrt(W.shape[0])
        b += scale * rng.normal(size=b.shape) / 2
    X = rng.normal(size=(n, d))
    if loss in ("categorical_cross_entropy", "cce_with_logits"):
        y = rng.integers(0, k, n)
    elif loss == "mse":
        y = rng.normal(size=(n, k))
    else:
        y = rng.random((n, k)) < 0.5
        y = y.astype(float)
    return net, X, y, loss


def _no_kinks(net, X, eps=1e-3):
    """relu (and the finite difference) need every relu input away from 0 by more than the step."""
    zs, _ = net.forward_all(X)
    return all(np.min(np.abs(z)) > eps for z, a in zip(zs, net.activations) if a.name == "relu")


@SEARCH
@given(problems())
def test_backprop_equals_finite_differences_of_the_cost(problem):
    net, X, y, loss = problem
    assume(_no_kinks(net, X))
    f, grad = net.param_functions(X, y, loss=loss)
    theta = net.parameter_vector()
    analytic, numeric = grad(theta), cu.nn.numerical_gradient(f, theta, eps=1e-6)
    # Rounding in the cost is about 1e-16 |J|, divided by the step 1e-6: allow 1e-6 |J| absolutely.
    atol = 1e-6 * max(1.0, abs(f(theta)))
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=atol)


@SEARCH
@given(problems())
def test_network_cost_is_the_loss_of_its_output(problem):
    net, X, y, loss = problem
    zs, outputs = net.forward_all(X)
    cost = net.cost(X, y, loss=loss)
    chosen = cu.nn.get_loss(loss)
    target = y if y.ndim == 2 or net.layer_sizes[-1] == 1 else cu.nn.one_hot(y, net.layer_sizes[-1])
    target = target.reshape(len(X), -1)
    if chosen.link is not None:  # computed from the logits: the same loss, written in z
        expected = cu.nn.cost(chosen.logits_loss, zs[-1], target)
    else:
        expected = cu.nn.cost(chosen, outputs[-1], target)
    assert cost == expected
    assert np.isfinite(cost)


@settings(derandomize=True, max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.integers(1, 3), st.sampled_from([None, 1, 2]))
def test_runs_trained_together_equal_runs_trained_alone(problem, runs, batch_size):
    net, X, y, loss = problem
    batch_size = None if batch_size is None else min(batch_size, len(X))
    many = Network(net.layer_sizes, activations=list(net.activations), runs=runs, rng=0)
    lrs = np.linspace(0.05, 0.5, runs)
    singles = []
    for r in range(runs):
        one = Network(net.layer_sizes, activations=list(net.activations), init=0.0)
        one.set_parameter_vector(many.parameter_vector()[r])
        singles.append(one)
    history = many.fit(X, y, learning_rate=lrs, epochs=5, loss=loss, batch_size=batch_size, rng=7)
    for r, one in enumerate(singles):
        h = one.fit(X, y, learning_rate=lrs[r], epochs=5, loss=loss, batch_size=batch_size, rng=7)
        np.testing.assert_array_equal(one.parameter_vector(), many.parameter_vector()[r])
        np.testing.assert_array_equal(h.cost, history.cost[:, r])


@SEARCH
@given(n=st.integers(1, 40), n_in=st.integers(1, 12), runs=st.sampled_from([None, 1, 3]),
       dtype=st.sampled_from(["float64", "float32"]), seed=st.integers(0, 2**16))
def test_error_through_a_one_unit_layer_is_the_matrix_product_bit_for_bit(n, n_in, runs, dtype, seed):
    # Backpropagation sends the error back through a one-unit layer by broadcasting instead of
    # a matrix product; the two must be the same numbers, or float64 training would change.
    from course_utils.nn.network import _times_transpose

    rng = np.random.default_rng(seed)
    lead = () if runs is None else (runs,)
    delta = (rng.standard_normal(lead + (n, 1)) * 10.0 ** rng.integers(-15, 15)).astype(dtype)
    W = (rng.standard_normal(lead + (n_in, 1)) * 10.0 ** rng.integers(-15, 15)).astype(dtype)
    got = _times_transpose(delta, W)
    assert got.dtype == np.dtype(dtype) and got.shape == lead + (n, n_in)
    np.testing.assert_array_equal(got, delta @ W.mT)
    wide = rng.standard_normal(lead + (n_in, 2)).astype(dtype)  # more units: the matrix product itself
    np.testing.assert_array_equal(_times_transpose(np.ones(lead + (n, 2), dtype), wide),
                                  np.ones(lead + (n, 2), dtype) @ wide.mT)
