"""Activations: values, output ranges, derivatives against finite differences, stability."""
import warnings

import numpy as np
import pytest

import course_utils as cu
from course_utils.nn import ACTIVATIONS

ELEMENTWISE = sorted(ACTIVATIONS)


def test_softmax_is_a_layer_activation_not_a_unit_one():
    assert "softmax" not in ACTIVATIONS and cu.nn.get_activation("softmax") is cu.nn.softmax


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_finite_differences(name):
    act = ACTIVATIONS[name]
    z = np.random.default_rng(0).uniform(-5, 5, size=200)
    z = z[np.abs(z) > 1e-3]  # relu/step/sign have a kink at 0
    eps = 1e-6
    numeric = (act.f(z + eps) - act.f(z - eps)) / (2 * eps)
    np.testing.assert_allclose(act.df(z), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_values_inside_output_range(name):
    act = ACTIVATIONS[name]
    lo, hi = act.output_range
    a = act.f(np.linspace(-30, 30, 601))
    assert np.all(a >= lo) and np.all(a <= hi)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_shapes_scalars_and_call(name):
    act = ACTIVATIONS[name]
    z = np.arange(12.0).reshape(3, 4) - 6
    assert act(z).shape == z.shape and act.grad(z).shape == z.shape
    assert isinstance(act(0.5), float) and isinstance(act.grad(0.5), float)
    np.testing.assert_array_equal(act(z), act.f(z))
    np.testing.assert_array_equal(act.grad(z), act.df(z))
    np.testing.assert_array_equal(act.backward(z, act.f(z), z + 1.0), (z + 1.0) * act.df(z))
    assert repr(act).startswith(f"Activation({name}")


def test_known_values():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(cu.nn.sigmoid(z), 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(cu.nn.tanh(z), np.tanh(z))
    np.testing.assert_array_equal(cu.nn.relu(z), [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(cu.nn.step(z), [0.0, 1.0, 1.0])
    np.testing.assert_array_equal(cu.nn.sign(z), [-1.0, 1.0, 1.0])
    np.testing.assert_array_equal(cu.nn.identity(z), z)
    np.testing.assert_array_equal(cu.nn.step.grad(z), 0.0)
    np.testing.assert_array_equal(cu.nn.sign.grad(z), 0.0)
    assert cu.nn.sigmoid.grad(0.0) == 0.25 and cu.nn.tanh.grad(0.0) == 1.0


def test_sigmoid_stable_for_large_inputs():
    z = np.array([-1e4, -1000.0, -40.0, 40.0, 1000.0, 1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s, ds = cu.nn.sigmoid(z), cu.nn.sigmoid.grad(z)
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(ds))
    assert s[0] == 0.0 and s[-1] == 1.0
    np.testing.assert_allclose(s[2], np.exp(-40.0) / (1 + np.exp(-40.0)), rtol=1e-12)


def test_output_ranges():
    assert cu.nn.sigmoid.output_range == (0.0, 1.0)
    assert cu.nn.tanh.output_range == (-1.0, 1.0)
    assert cu.nn.relu.output_range == (0.0, np.inf)
    assert cu.nn.sign.output_range == (-1.0, 1.0)


def test_get_activation():
    assert cu.nn.get_activation("relu") is cu.nn.relu
    assert cu.nn.get_activation(cu.nn.tanh) is cu.nn.tanh
    with pytest.raises(ValueError, match="activation must be one of .*'sigmoid'.*got 'softplus'"):
        cu.nn.get_activation("softplus")
    assert cu.nn.get_activation("softmax") is cu.nn.softmax
    with pytest.raises(ValueError, match="activation"):
        cu.nn.get_activation(3)


def test_bad_input_names_z():
    with pytest.raises(ValueError, match="z must be numeric"):
        cu.nn.sigmoid("abc")


def test_custom_activation():
    square = cu.nn.Activation("square", lambda z: z**2, lambda z: 2 * z, (0, np.inf))
    assert square.grad(3.0) == 6.0 and cu.nn.get_activation(square) is square


@pytest.mark.parametrize("kwargs, match", [
    ({"name": ""}, "^name "),
    ({"name": 3}, "^name "),
    ({"f": "z**2"}, "^f must be callable"),
    ({"df": None}, "^df must be callable"),
    ({"output_range": (1, 0)}, "^output_range "),
    ({"output_range": "ab"}, "^output_range "),
    ({"output_range": (0,)}, "^output_range "),
    ({"formula": 2}, "^formula "),
])
def test_constructor_validates_at_once(kwargs, match):
    args = {"name": "square", "f": lambda z: z * z, "df": lambda z: 2 * z, "output_range": (0, np.inf),
            **kwargs}
    with pytest.raises(ValueError, match=match):
        cu.nn.Activation(args.pop("name"), args.pop("f"), args.pop("df"), args.pop("output_range"), **args)


def test_softmax_rows_are_distributions_and_stable():
    z = np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, -1000.0], [-1e4, 0.0, 1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = cu.nn.softmax(z)
    e = np.exp(z[0] - z[0].max())
    np.testing.assert_allclose(p[0], e / e.sum(), rtol=1e-15)
    np.testing.assert_array_equal(p[1], [0.5, 0.5, 0.0])
    np.testing.assert_array_equal(p[2], [0.0, 0.0, 1.0])
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-15)
    # Adding a constant to every logit of a row changes nothing.
    np.testing.assert_allclose(cu.nn.softmax(z[0] + 50.0), p[0], rtol=1e-14)


def test_softmax_jacobian_and_backward_match_finite_differences():
    rng = np.random.default_rng(1)
    z, g = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    jac = cu.nn.softmax.grad(z)
    assert jac.shape == (5, 4, 4)
    eps = 1e-6
    for j in range(4):
        dz = np.zeros(4)
        dz[j] = eps
        numeric = (cu.nn.softmax(z + dz) - cu.nn.softmax(z - dz)) / (2 * eps)
        np.testing.assert_allclose(jac[:, :, j], numeric, rtol=1e-6, atol=1e-9)
    # backward is the vector-Jacobian product g^T J, without building J.
    np.testing.assert_allclose(cu.nn.softmax.backward(z, cu.nn.softmax(z), g),
                               np.einsum("ni,nij->nj", g, jac), rtol=1e-12, atol=1e-15)


def test_softmax_needs_an_axis():
    with pytest.raises(ValueError, match="^z must have at least one axis"):
        cu.nn.softmax(1.0)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_tanh_derivative_from_its_output_is_one_minus_its_square_bit_for_bit(dtype):
    t = np.tanh(np.random.default_rng(1).normal(scale=3.0, size=(50, 7))).astype(dtype)
    got = cu.nn.tanh.backward(None, t, np.ones_like(t))
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got, 1.0 - t * t)
    assert cu.nn.tanh.backward(None, np.float64(0.5), 2.0) == 2.0 * (1.0 - 0.25)  # numbers work too
