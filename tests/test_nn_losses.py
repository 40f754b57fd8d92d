"""Losses, cost and errors: gradients against finite differences, the notes' table, stability."""
import warnings

import numpy as np
import pytest

import course_utils as cu
from course_utils.nn import LOSSES

CATEGORICAL = ("categorical_cross_entropy", "cce_with_logits")


def _points(name, shape, seed):
    rng = np.random.default_rng(seed)
    y = (rng.random(shape) < 0.5).astype(float)
    if name in CATEGORICAL:  # one-hot rows over the last axis
        y = cu.nn.one_hot(rng.integers(0, shape[-1], shape[0]), shape[-1])
    if name == "mse":
        return rng.normal(size=shape), rng.normal(size=shape)
    if name == "binary_cross_entropy":
        return rng.uniform(0.02, 0.98, size=shape), y
    if name == "categorical_cross_entropy":
        p = rng.uniform(0.05, 1.0, size=shape)
        return p / p.sum(axis=1, keepdims=True), y
    return rng.normal(scale=4, size=shape), y  # logits


@pytest.mark.parametrize("shape", [(50,), (20, 3)])
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_grad_matches_finite_differences(name, shape):
    if name in CATEGORICAL and len(shape) == 1:
        pytest.skip("a categorical loss needs (n, k) rows")
    loss = LOSSES[name]
    y_hat, y = _points(name, shape, seed=1)
    analytic = loss.grad(y_hat, y)
    assert analytic.shape == y_hat.shape
    # Each per-sample loss depends only on its own row, so the gradient of their sum is the
    # stacked per-sample gradients.
    err = cu.nn.check_gradient(lambda v: float(np.sum(loss(v, y))), analytic, y_hat)
    assert err < 1e-7, err


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_cost_grad_matches_finite_differences(name):
    y_hat, y = _points(name, (30, 3) if name in CATEGORICAL else (30,), seed=2)
    err = cu.nn.check_gradient(lambda v: cu.nn.cost(name, v, y), cu.nn.cost_grad(name, y_hat, y), y_hat)
    assert err < 1e-7, err


def test_value_shapes_sum_over_outputs():
    y_hat, y = _points("mse", (6, 3), seed=3)
    v = cu.nn.mse(y_hat, y)
    assert v.shape == (6,)
    np.testing.assert_allclose(v, ((y_hat - y) ** 2).sum(axis=1))


def test_notes_table_exactly():
    y_hat = np.array([0.9, 0.2, 0.1, 0.51])
    y = np.array([1, 0, 1, 0])
    np.testing.assert_allclose(cu.nn.errors(y_hat, y), [-0.1, 0.2, -0.9, 0.51], atol=1e-15)
    assert [f"{e:+.2f}" for e in cu.nn.errors(y_hat, y)] == ["-0.10", "+0.20", "-0.90", "+0.51"]
    b = cu.nn.binarised_errors(y_hat, y)
    assert b.dtype.kind == "i" and b.tolist() == [0, 0, 1, 1]


def test_binarised_threshold():
    assert cu.nn.binarised_errors([0.6, 0.6], [1, 0], threshold=0.7).tolist() == [1, 0]
    assert cu.nn.binarised_errors([0.5], [1]).tolist() == [0]  # 0.5 counts as class 1
    with pytest.raises(ValueError, match="threshold"):
        cu.nn.binarised_errors([0.5], [1], threshold=[0.1, 0.2])


def test_bce_matches_formula_and_general_cross_entropy():
    p, y = _points("binary_cross_entropy", (40,), seed=4)
    expected = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    np.testing.assert_allclose(cu.nn.binary_cross_entropy(p, y), expected, rtol=1e-12)
    general = cu.nn.cross_entropy(np.stack([y, 1 - y], axis=1), np.stack([p, 1 - p], axis=1))
    np.testing.assert_allclose(general, expected, rtol=1e-12)


def test_bce_with_logits_equals_bce_of_sigmoid():
    z, y = _points("bce_with_logits", (40,), seed=5)
    z = np.clip(z, -8, 8)  # away from the clipping of probabilities
    np.testing.assert_allclose(cu.nn.bce_with_logits(z, y),
                               cu.nn.binary_cross_entropy(cu.nn.sigmoid(z), y), rtol=1e-9)
    np.testing.assert_allclose(cu.nn.bce_with_logits.grad(z, y), cu.nn.sigmoid(z) - y)


def test_bce_stable_at_extremes():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = np.array([0.0, 1.0, 0.0, 1.0])
        y = np.array([0.0, 1.0, 1.0, 0.0])
        v, g = cu.nn.binary_cross_entropy(p, y), cu.nn.binary_cross_entropy.grad(p, y)
        z = np.array([-1000.0, 1000.0, -1000.0, 1000.0])
        vz, gz = cu.nn.bce_with_logits(z, y), cu.nn.bce_with_logits.grad(z, y)
        ce = cu.nn.cross_entropy([[1.0, 0.0]], [[0.0, 1.0]])
    for arr in (v, g, vz, gz, ce):
        assert np.all(np.isfinite(arr))
    assert v[0] < 1e-6 and v[1] < 1e-6 and v[2] > 10 and v[3] > 10
    np.testing.assert_allclose(vz, [0.0, 0.0, 1000.0, 1000.0])
    np.testing.assert_allclose(gz, [0.0, 0.0, -1.0, 1.0])
    assert np.sign(g).tolist() == [1.0, -1.0, -1.0, 1.0]


def test_cross_entropy_general():
    p = np.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]])
    q = np.array([[0.1, 0.7, 0.2], [0.2, 0.3, 0.5]])
    np.testing.assert_allclose(cu.nn.cross_entropy(p, q), -(p * np.log(q)).sum(axis=1))
    np.testing.assert_allclose(cu.nn.cross_entropy(p.T, q.T, axis=0), cu.nn.cross_entropy(p, q))
    assert isinstance(cu.nn.cross_entropy([1.0, 0.0], [0.5, 0.5]), float)


def test_cost_is_mean_of_losses():
    y_hat, y = _points("mse", (25,), seed=6)
    assert cu.nn.cost("mse", y_hat, y) == pytest.approx(np.mean((y_hat - y) ** 2))
    assert cu.nn.cost(cu.nn.mse, y_hat, y) == cu.nn.cost("mse", y_hat, y)


def test_bad_inputs_name_the_parameter():
    with pytest.raises(ValueError, match=r"y_hat and y must have the same shape.*\(3,\).*\(3, 1\)"):
        cu.nn.mse(np.zeros(3), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="y_hat and y"):
        cu.nn.errors(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="y_hat must have shape"):
        cu.nn.mse(np.zeros((2, 2, 2)), np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="y_hat must be finite"):
        cu.nn.mse([np.nan], [0.0])
    with pytest.raises(ValueError, match=r"y must lie in \[0, 1\]"):
        cu.nn.binary_cross_entropy([0.5], [2.0])
    with pytest.raises(ValueError, match="p and q must have the same shape"):
        cu.nn.cross_entropy([1.0, 0.0], [1.0])
    with pytest.raises(ValueError, match="axis"):
        cu.nn.cross_entropy([1.0, 0.0], [0.5, 0.5], axis=3)
    with pytest.raises(ValueError, match="loss must be one of 'mse', 'binary_cross_entropy', 'bce_with_logits', "
                       "'categorical_cross_entropy', 'cce_with_logits'"):
        cu.nn.cost("hinge", [0.0], [0.0])
    with pytest.raises(ValueError, match="loss must be one of"):
        cu.nn.get_loss(None)


def test_overflow_is_inf_not_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cu.nn.cost("mse", [1e200], [0.0]) == np.inf
        assert np.all(np.isinf(cu.nn.mse.grad([1e308], [-1e308])))
        net = cu.nn.Network([1, 1], activations=["identity"], init=0.0)
        net.weights[0][:] = 1e200
        assert net.cost([[1e200]], [0.0]) == np.inf
        cost, [(dW, _)] = net.gradients([[1e200]], [0.0])
        assert cost == np.inf and np.isinf(dW).all()


@pytest.mark.parametrize("kwargs, match", [
    ({"name": ""}, "^name "),
    ({"f": None}, "^f must be callable"),
    ({"df": 3}, "^df must be callable"),
    ({"expects": "numbers"}, "^expects must be one of 'values', 'probabilities', 'logits'"),
    ({"targets": "labels"}, "^targets must be one of"),
    ({"formula": 1}, "^formula "),
    ({"link": cu.nn.sigmoid}, "^link and logits_loss go together"),
    ({"link": cu.nn.sigmoid, "logits_loss": cu.nn.mse}, "^logits_loss must be a Loss that expects logits"),
])
def test_loss_constructor_validates_at_once(kwargs, match):
    args = {"name": "square", "f": lambda a, y: (a - y) ** 2, "df": lambda a, y: 2 * (a - y),
            "expects": "values", **kwargs}
    with pytest.raises(ValueError, match=match):
        cu.nn.Loss(args.pop("name"), args.pop("f"), args.pop("df"), **args)
