"""Activations: values, output ranges, derivatives against finite differences, stability."""
import warnings

import numpy as np
import pytest

import course_utils as cu
from course_utils.nn import ACTIVATIONS


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
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


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_shapes_scalars_and_call(name):
    act = ACTIVATIONS[name]
    z = np.arange(12.0).reshape(3, 4) - 6
    assert act.f(z).shape == z.shape and act.df(z).shape == z.shape
    assert isinstance(act.f(0.5), float) and isinstance(act.df(0.5), float)
    np.testing.assert_array_equal(act(z), act.f(z))
    assert repr(act).startswith(f"Activation({name}")


def test_known_values():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(cu.nn.sigmoid(z), 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(cu.nn.tanh(z), np.tanh(z))
    np.testing.assert_array_equal(cu.nn.relu(z), [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(cu.nn.step(z), [0.0, 1.0, 1.0])
    np.testing.assert_array_equal(cu.nn.sign(z), [-1.0, 1.0, 1.0])
    np.testing.assert_array_equal(cu.nn.identity(z), z)
    np.testing.assert_array_equal(cu.nn.step.df(z), 0.0)
    np.testing.assert_array_equal(cu.nn.sign.df(z), 0.0)
    assert cu.nn.sigmoid.df(0.0) == 0.25 and cu.nn.tanh.df(0.0) == 1.0


def test_sigmoid_stable_for_large_inputs():
    z = np.array([-1e4, -1000.0, -40.0, 40.0, 1000.0, 1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s, ds = cu.nn.sigmoid(z), cu.nn.sigmoid.df(z)
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
    with pytest.raises(ValueError, match="activation"):
        cu.nn.get_activation(3)


def test_bad_input_names_z():
    with pytest.raises(ValueError, match="z must be numeric"):
        cu.nn.sigmoid("abc")


def test_custom_activation():
    square = cu.nn.Activation("square", lambda z: z**2, lambda z: 2 * z, (0, np.inf))
    assert square.df(3.0) == 6.0 and cu.nn.get_activation(square) is square
