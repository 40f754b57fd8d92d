"""The dtype option: float32 networks and losses compute in float32 and track float64 closely."""
import numpy as np
import pytest

import course_utils as cu
from course_utils.nn import Network

CASES = [
    ([2, 16, 1], ["tanh", "sigmoid"], "binary_cross_entropy", "moons"),
    ([2, 8, 8, 3], ["relu", "tanh", "softmax"], "categorical_cross_entropy", "three"),
    ([1, 8, 1], ["sigmoid", "identity"], "mse", "line"),
]


def _data(kind):
    if kind == "moons":
        return cu.nn.moons(120, rng=0)
    if kind == "three":
        rng = np.random.default_rng(0)
        X = rng.normal(size=(120, 2))
        return X, (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)
    return cu.nn.linear_1d(120, rng=0)


@pytest.mark.parametrize("sizes, acts, loss, kind", CASES)
def test_float32_trains_in_float32_and_tracks_float64(sizes, acts, loss, kind):
    X, y = _data(kind)
    wide = Network(sizes, activations=acts, rng=3)
    narrow = Network(sizes, activations=acts, rng=3, dtype="float32")
    np.testing.assert_array_equal(narrow.parameter_vector(), wide.parameter_vector().astype(np.float32))
    h64 = wide.fit(X, y, learning_rate=0.2, epochs=40, loss=loss, batch_size=30, rng=1)
    h32 = narrow.fit(X, y, learning_rate=0.2, epochs=40, loss=loss, batch_size=30, rng=1,
                     record_parameters="epoch")
    arrays = narrow.weights + narrow.biases + narrow.forward_all(X)[0] + narrow.forward_all(X)[1][1:]
    assert all(a.dtype == np.float32 for a in arrays)
    assert all(g.dtype == np.float32 for pair in narrow.gradients(X, y, loss=loss)[1] for g in pair)
    assert h32.parameters.dtype == np.float32
    np.testing.assert_allclose(h32.cost, h64.cost, rtol=2e-4)
    np.testing.assert_allclose(narrow.parameter_vector(), wide.parameter_vector(), rtol=2e-3, atol=2e-4)
    assert repr(narrow).endswith("dtype='float32')") and "dtype" not in repr(wide)


def test_float32_runs_equal_float32_single_networks():
    X, y = cu.nn.xor(40, rng=0)
    many = Network([2, 4, 1], activations=["tanh", "sigmoid"], rng=0, runs=2, dtype=np.float32)
    one = Network([2, 4, 1], activations=["tanh", "sigmoid"], dtype=np.float32)
    one.set_parameter_vector(many.parameter_vector()[1])
    many.fit(X, y, learning_rate=[0.1, 0.7], epochs=20, loss="binary_cross_entropy")
    one.fit(X, y, learning_rate=0.7, epochs=20, loss="binary_cross_entropy")
    np.testing.assert_array_equal(one.parameter_vector(), many.parameter_vector()[1])


@pytest.mark.parametrize("name", sorted(cu.nn.LOSSES))
def test_losses_compute_in_the_dtype_asked_for(name):
    rng = np.random.default_rng(2)
    y_hat = rng.uniform(0.05, 0.95, (10, 3))
    y = cu.nn.one_hot(rng.integers(0, 3, 10), 3)
    if name == "categorical_cross_entropy":
        y_hat = y_hat / y_hat.sum(axis=1, keepdims=True)
    loss = cu.nn.LOSSES[name]
    v32, g32 = loss(y_hat, y, dtype="float32"), loss.grad(y_hat, y, dtype="float32")
    assert v32.dtype == np.float32 and g32.dtype == np.float32
    np.testing.assert_allclose(v32, loss(y_hat, y), rtol=1e-5)
    np.testing.assert_allclose(g32, loss.grad(y_hat, y), rtol=1e-5)
    assert cu.nn.cost(name, y_hat, y, dtype="float32") == pytest.approx(cu.nn.cost(name, y_hat, y), rel=1e-5)
    assert cu.nn.cost_grad(name, y_hat, y, dtype="float32").dtype == np.float32


@pytest.mark.parametrize("dtype", ["float16", "int64", np.complex64, None, True, "double precision", 64])
def test_other_dtypes_are_refused(dtype):
    with pytest.raises(ValueError, match="^dtype must be 'float64' or 'float32'"):
        Network([2, 1], activations=["sigmoid"], dtype=dtype)
    with pytest.raises(ValueError, match="^dtype must be 'float64' or 'float32'"):
        cu.nn.cost("mse", [1.0], [0.0], dtype=dtype)
