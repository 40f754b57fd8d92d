"""The single unit: forward pass, bias absorption, gradients through the unit, validation."""
import numpy as np
import pytest

import course_utils as cu


def _data(seed=0, n=20, d=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.normal(size=d), float(rng.normal())


def test_forward_is_activation_of_dot_product():
    X, w, b = _data()
    with pytest.raises(ValueError, match="^activation must be elementwise"):
        cu.nn.unit_forward(X, w, b, activation="softmax")
    for name, act in cu.nn.ACTIVATIONS.items():
        np.testing.assert_allclose(cu.nn.unit_forward(X, w, b, activation=name), act.f(X @ w + b))
    assert cu.nn.unit_forward(X, w).shape == (20,)


def test_bias_absorbed_as_w0():
    X, w, b = _data(1)
    Xb = cu.nn.add_bias_column(X)
    assert Xb.shape == (20, 4) and np.all(Xb[:, 0] == 1.0)
    np.testing.assert_allclose(cu.nn.unit_forward(Xb, np.r_[b, w], activation="tanh"),
                               cu.nn.unit_forward(X, w, b, activation="tanh"))


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "identity"])
def test_chain_rule_through_unit_matches_finite_differences(activation):
    X, w, b = _data(2)
    y = (np.random.default_rng(3).random(20) < 0.5).astype(float)
    act = cu.nn.get_activation(activation)
    theta = np.r_[b, w]
    Xb = cu.nn.add_bias_column(X)

    def J(t):
        return cu.nn.cost("mse", cu.nn.unit_forward(Xb, t, activation=activation), y)

    z = Xb @ theta
    grad = Xb.T @ (cu.nn.cost_grad("mse", act.f(z), y) * act.df(z))
    assert cu.nn.check_gradient(J, grad, theta) < 1e-7


def test_validation_names_parameters():
    X, w, b = _data()
    with pytest.raises(ValueError, match=r"X must have shape \(n, d\)"):
        cu.nn.unit_forward(X[0], w)
    with pytest.raises(ValueError, match=r"w must have shape \(3,\)"):
        cu.nn.unit_forward(X, w[:2])
    with pytest.raises(ValueError, match="b must be a single number"):
        cu.nn.unit_forward(X, w, b=[1.0, 2.0])
    with pytest.raises(ValueError, match="activation must be one of"):
        cu.nn.unit_forward(X, w, activation="softplus")
    with pytest.raises(ValueError, match="X must"):
        cu.nn.add_bias_column(np.ones(3))
