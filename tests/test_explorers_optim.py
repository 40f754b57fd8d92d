"""The optimisation explorers (notebooks 16, 17): the cost bowl and the pure compute/draw functions."""
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.axes import Axes
from matplotlib.figure import Figure

import course_utils as cu
from course_utils import explorers_optim as eo

finite = st.floats(-5.0, 5.0, allow_nan=False)


def _data(seed, n=12):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 3.0, n)
    return x, 1.5 * x - 0.5 + rng.standard_normal(n)


# ------------------------------------------------------------------------------ mse_bowl

@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), w=finite, b=finite)
def test_bowl_is_the_mean_squared_error_of_the_linear_unit(seed, w, b):
    x, y = _data(seed)
    bowl = cu.mse_bowl(x, y)
    direct = np.mean((w * x + b - y) * (w * x + b - y))
    assert bowl(np.array([w, b])) == pytest.approx(direct, rel=1e-9, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), w=finite, b=finite)
def test_bowl_gradient_matches_finite_differences(seed, w, b):
    x, y = _data(seed)
    bowl = cu.mse_bowl(x, y)
    h = 1e-6
    numeric = [(bowl(np.array([w + h, b])) - bowl(np.array([w - h, b]))) / (2 * h),
               (bowl(np.array([w, b + h])) - bowl(np.array([w, b - h]))) / (2 * h)]
    np.testing.assert_allclose(bowl.grad(np.array([w, b])), numeric, rtol=1e-6, atol=1e-5)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_bowl_minimum_is_least_squares(seed):
    x, y = _data(seed)
    bowl = cu.mse_bowl(x, y)
    (w, b), *_ = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)
    np.testing.assert_allclose(bowl.minima[0], (w, b), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(bowl.grad(np.array(bowl.minima[0])), 0.0, atol=1e-9)


def test_bowl_default_domain_is_centred_on_the_minimum():
    bowl = cu.mse_bowl(np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0]))
    np.testing.assert_allclose(bowl.domain, ((-1.0, 5.0), (-2.0, 4.0)), rtol=0, atol=1e-12)
    assert bowl.ndim == 2 and "mse_bowl" in repr(bowl)


@pytest.mark.parametrize("kwargs, match", [
    ({"x": [1.0, 2.0], "y": [1.0]}, "x and y must be 1-D arrays of the same length"),
    ({"x": [1.0], "y": [1.0]}, "x and y must be 1-D arrays of the same length >= 2"),
    ({"x": [1.0, 1.0, 1.0], "y": [0.0, 1.0, 2.0]}, "x must hold at least two different values"),
    ({"x": [0.0, np.nan], "y": [0.0, 1.0]}, "x must be finite"),
    ({"x": [0.0, 1.0], "y": [0.0, 1.0], "domain": ((1.0, 0.0), (0.0, 1.0))}, "domain must be ((w_lo, w_hi)"),
])
def test_bowl_bad_input_names_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        cu.mse_bowl(**kwargs)


# ---------------------------------------------------------------------- mini-batch compute

def _plain_minibatch(x, y, start, learning_rate, epochs, batch_size, rng):
    """An independent mini-batch loop: shuffle each epoch, slice, step (what notebook 16 writes out)."""
    w, b = start
    path = [(w, b)]
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for first in range(0, len(x), batch_size):
            idx = order[first:first + batch_size]
            error = w * x[idx] + b - y[idx]
            w, b = w - learning_rate * 2 * np.mean(error * x[idx]), b - learning_rate * 2 * np.mean(error)
            path.append((w, b))
    return np.array(path)


@pytest.mark.parametrize("batch_size", [1, 5, 8, 64])
def test_minibatch_path_equals_a_plain_loop(batch_size):
    e = cu.compute_minibatch(batch_size=batch_size, learning_rate=0.05, epochs=3, seed=7, start=(0.5, 1.0))
    x, y = cu.minibatch_data(n=64, seed=7)
    ref = _plain_minibatch(x[:, 0], y, (0.5, 1.0), 0.05, 3, batch_size, np.random.default_rng(8))
    np.testing.assert_allclose(e.result.parameters, ref, rtol=1e-12, atol=1e-12)
    assert e.numbers["updates"] == len(ref) - 1 == 3 * -(-64 // batch_size)
    assert e.numbers["w"] == ref[-1, 0] and e.numbers["b"] == ref[-1, 1]
    lowest = e.objective(np.array(e.objective.minima[0]))
    assert e.numbers["excess cost"] == pytest.approx(e.objective(ref[-1]) - lowest)
    assert f"w = {ref[-1, 0]:.4f}" in e.readout and f"{len(ref) - 1} updates" in e.readout
    assert not e.diverged and e.message == ""


def test_full_batch_is_gradient_descent_on_the_bowl():
    e = cu.compute_minibatch(batch_size=64, learning_rate=0.1, epochs=15)
    ref = cu.gradient_descent(e.objective, np.array(e.settings["start"]), learning_rate=0.1, epochs=15)
    np.testing.assert_allclose(e.result.parameters, ref.path, rtol=1e-12, atol=1e-12)
    assert "full batch of 64" in e.readout


def test_small_batches_hover_higher_than_large_ones():
    # The lesson's claim, on the explorer's own data: once every run has reached the bottom
    # (40 epochs at the same rate), the excess cost averaged over the last 10 epochs falls as
    # the batch grows.
    levels = []
    for m in (1, 8, 32):
        e = cu.compute_minibatch(batch_size=m, learning_rate=0.05, epochs=40)
        path = e.result.parameters[-10 * (64 // m):]
        levels.append(np.mean(e.objective(path) - e.objective(np.array(e.objective.minima[0]))))
    assert levels[0] > levels[1] > levels[2]


def test_minibatch_divergence_is_a_message_not_numbers():
    e = cu.compute_minibatch(batch_size=1, learning_rate=0.5, epochs=10)
    assert e.diverged
    assert e.message.startswith("Diverged in epoch") and "smaller learning rate" in e.message
    assert np.isnan(e.numbers["w"]) and np.isnan(e.numbers["excess cost"])
    assert "w = diverged" in e.readout


@pytest.mark.parametrize("kwargs, match", [
    ({"batch_size": 0}, "batch_size must be >= 1"),
    ({"batch_size": 65}, "batch_size must be <= the number of samples n = 64, got 65"),
    ({"batch_size": True}, "batch_size"),
    ({"learning_rate": 0.0}, "learning_rate must be a finite number > 0"),
    ({"learning_rate": "0.1"}, "learning_rate"),
    ({"epochs": 0}, "epochs must be >= 1"),
    ({"start": (1.0, 2.0, 3.0)}, "start"),
    ({"start": [(0.0, 0.0), (1.0, 1.0)]}, "start must be one point (w, b)"),
    ({"n": 1}, "n must be >= 2"),
])
def test_minibatch_bad_input_names_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        cu.compute_minibatch(**kwargs)


# --------------------------------------------------------------------------- mini-batch draw

def test_draw_minibatch_uses_its_own_figure_and_draws_the_path():
    import matplotlib.pyplot as plt
    before = plt.get_fignums()
    e = cu.compute_minibatch(batch_size=8, learning_rate=0.05, epochs=5)
    ax_path, ax_cost = cu.draw_minibatch(e)
    assert plt.get_fignums() == before, "explorers must not create pyplot figures"
    assert isinstance(ax_path, Axes) and isinstance(ax_path.figure, Figure)
    drawn = [line for line in ax_path.get_lines() if line.get_label().startswith("path")]
    assert len(drawn) == 1
    np.testing.assert_array_equal(drawn[0].get_xdata(), e.result.parameters[:, 0])
    assert ax_path.get_xlabel() == "weight $w$" and ax_path.get_ylabel() == "bias $b$"
    assert ax_cost.get_yscale() == "log"
    png = cu.figure_png(ax_path.figure)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_draw_minibatch_redraws_on_the_same_figure_and_shows_divergence():
    fig = Figure(figsize=(9, 3.6))
    cu.draw_minibatch(cu.compute_minibatch(batch_size=8), fig=fig)
    ax_path, _ = cu.draw_minibatch(cu.compute_minibatch(batch_size=1, learning_rate=0.5), fig=fig)
    assert len(fig.axes) == 2
    texts = [t.get_text() for t in ax_path.texts]
    assert any("Diverged" in t for t in texts)
    assert eo.BATCH_SIZES == (1, 2, 4, 8, 16, 32, 64)
