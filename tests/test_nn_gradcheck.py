"""The gradient checker itself: exact on known derivatives, catches wrong ones."""
import numpy as np
import pytest

import course_utils as cu


def test_numerical_gradient_any_shape():
    x = np.random.default_rng(0).normal(size=(3, 4))
    f = lambda v: float(np.sum(np.sin(v) * v))  # noqa: E731
    num = cu.nn.numerical_gradient(f, x)
    assert num.shape == x.shape
    np.testing.assert_allclose(num, np.cos(x) * x + np.sin(x), atol=1e-8)


def test_numerical_gradient_scalar_and_input_untouched():
    x = np.array([1.5, -0.5])
    before = x.copy()
    cu.nn.numerical_gradient(lambda v: float(v @ v), x)
    np.testing.assert_array_equal(x, before)
    assert cu.nn.numerical_gradient(lambda v: float(v) ** 2, 3.0) == pytest.approx(6.0)


def test_relative_error():
    assert cu.nn.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert cu.nn.relative_error([0.0], [0.0]) == 0.0
    assert cu.nn.relative_error([1.0], [-1.0]) == 1.0
    assert cu.nn.relative_error([2.0, 1.0], [2.0, 1.1]) == pytest.approx(0.1 / 4.0)
    with pytest.raises(ValueError, match="a and b"):
        cu.nn.relative_error([1.0], [1.0, 2.0])


def test_check_gradient_accepts_callable_or_array_and_catches_errors():
    f = lambda v: float(np.sum(v**2))  # noqa: E731
    x = np.array([0.3, -1.2, 2.0])
    assert cu.nn.check_gradient(f, lambda v: 2 * v, x) < 1e-9
    assert cu.nn.check_gradient(f, 2 * x, x) < 1e-9
    assert cu.nn.check_gradient(f, lambda v: 2.2 * v, x) > 1e-2  # a wrong factor is caught


def test_bad_inputs():
    with pytest.raises(ValueError, match="f must be callable"):
        cu.nn.numerical_gradient(3, [1.0])
    with pytest.raises(ValueError, match="eps must be"):
        cu.nn.numerical_gradient(np.sum, [1.0], eps=0)
    with pytest.raises(ValueError, match="f must return a single number"):
        cu.nn.numerical_gradient(lambda v: v, np.ones(2))
    with pytest.raises(ValueError, match="x must be finite"):
        cu.nn.numerical_gradient(np.sum, [np.inf])
    with pytest.raises(ValueError, match=r"grad must have the shape of x"):
        cu.nn.check_gradient(np.sum, np.ones(3), np.ones(2))


def test_relative_error_with_infinities_and_nan():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cu.nn.relative_error([np.inf], [np.inf]) == 0.0
        assert cu.nn.relative_error([np.inf, 1.0], [np.inf, 1.5]) == pytest.approx(0.5 / 2.5)
        assert cu.nn.relative_error([np.inf], [-np.inf]) == np.inf
        assert cu.nn.relative_error([1e308, 0.0], [-1e308, 0.0]) == 1.0
    with pytest.raises(ValueError, match="^b must not contain NaN"):
        cu.nn.relative_error([1.0], [np.nan])
