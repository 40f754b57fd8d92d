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
    texts = [t.get_text() for t in ax_path.texts + fig.texts]
    assert any("Diverged" in t for t in texts)
    assert eo.BATCH_SIZES == (1, 2, 4, 8, 16, 32, 64)


# ------------------------------------------------------------------------- elongated bowl

@settings(max_examples=60, deadline=None)
@given(kappa=st.floats(1.0, 1e3), angle=st.floats(-3.2, 3.2), x=finite, y=finite)
def test_elongated_bowl_gradient_matches_finite_differences(kappa, angle, x, y):
    bowl = cu.elongated_bowl(kappa, angle=angle)
    h = 1e-6
    numeric = [(bowl(np.array([x + h, y])) - bowl(np.array([x - h, y]))) / (2 * h),
               (bowl(np.array([x, y + h])) - bowl(np.array([x, y - h]))) / (2 * h)]
    np.testing.assert_allclose(bowl.grad(np.array([x, y])), numeric, rtol=1e-5, atol=1e-4 * kappa)


@settings(max_examples=40, deadline=None)
@given(kappa=st.floats(1.0, 1e3), angle=st.floats(-3.2, 3.2))
def test_elongated_bowl_curvatures_are_1_and_the_condition_number(kappa, angle):
    bowl = cu.elongated_bowl(kappa, angle=angle)
    # The gradient of a quadratic is H @ x: read H off the unit vectors.
    H = np.column_stack([bowl.grad(np.array([1.0, 0.0])), bowl.grad(np.array([0.0, 1.0]))])
    np.testing.assert_allclose(np.linalg.eigvalsh(H), [1.0, kappa], rtol=1e-9, atol=1e-9)
    assert bowl(np.zeros(2)) == 0.0 and bowl.minima == ((0.0, 0.0),)


@pytest.mark.parametrize("kwargs, match", [
    ({"condition": 0.5}, "condition must be >= 1"),
    ({"condition": -1.0}, "condition"),
    ({"condition": True}, "condition"),
    ({"condition": 10.0, "angle": np.nan}, "angle"),
])
def test_elongated_bowl_bad_input_names_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        cu.elongated_bowl(**kwargs)


# ------------------------------------------------------------------------------ momentum

def _plain_momentum(grad, x, learning_rate, beta, epochs):
    """An independent heavy-ball loop: m <- beta m + g, x <- x - learning_rate m."""
    m, path = np.zeros(2), [x]
    for _ in range(epochs):
        m = beta * m + grad(x)
        x = x - learning_rate * m
        path.append(x)
    return np.array(path)


@pytest.mark.parametrize("learning_rate, beta", [(0.019, 0.9), (0.01, 0.5), (0.01, 0.0)])
def test_momentum_paths_equal_plain_loops(learning_rate, beta):
    e = cu.compute_momentum(learning_rate=learning_rate, beta=beta, epochs=60)
    bowl = e.objective
    start = np.array(e.settings["start"])
    np.testing.assert_allclose(e.result.path[:, 1], _plain_momentum(bowl.grad, start, learning_rate, beta, 60),
                               rtol=1e-12, atol=1e-12)
    plain = cu.gradient_descent(bowl, start, learning_rate=learning_rate, epochs=60)
    np.testing.assert_array_equal(e.result.path[:, 0], plain.path)      # beta = 0: bit for bit
    assert e.numbers["f plain"] == pytest.approx(bowl(plain.final))
    assert f"momentum beta {beta:g}" in e.readout and not e.diverged


def test_momentum_counts_epochs_to_the_bottom():
    e = cu.compute_momentum(learning_rate=0.03, beta=0.75, epochs=100)
    values = e.objective(e.result.path[:, 1])
    k = e.numbers["epochs to 1e-6 momentum"]
    assert k > 0 and values[k] < 1e-6 <= values[k - 1]
    assert e.numbers["epochs to 1e-6 plain"] == -1          # 0.03 > 2 / 100: plain descent diverges
    assert f"f < 1e-6 at epoch {k}" in e.readout


def test_momentum_divergence_message_quotes_both_limits():
    e = cu.compute_momentum(learning_rate=0.03, beta=0.9)
    assert e.diverged and e.message.startswith("Plain descent diverged")
    assert "stable below 2 / 100 = 0.02" in e.message and "2 (1 + beta) / 100 = 0.038" in e.message
    both = cu.compute_momentum(learning_rate=0.1, beta=0.5)
    assert both.message.startswith("Plain descent and momentum diverged")
    assert "plain descent: f = diverged" in both.readout


@pytest.mark.parametrize("kwargs, match", [
    ({"learning_rate": 0}, "learning_rate"),
    ({"beta": 1.0}, "beta must be in [0, 1)"),
    ({"beta": -0.1}, "beta must be a probability in [0, 1]"),
    ({"beta": [0.5, 0.6]}, "beta"),
    ({"beta": "0.9"}, "beta"),
    ({"epochs": 0}, "epochs must be >= 1"),
    ({"condition": 0.5}, "condition must be >= 1"),
    ({"start": [(0.0, 0.0), (1.0, 1.0)]}, "start must be one point (x, y)"),
])
def test_momentum_bad_input_names_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        cu.compute_momentum(**kwargs)


@pytest.mark.parametrize("draw", [cu.draw_minibatch, cu.draw_momentum])
def test_draw_refuses_another_explorers_exploration(draw):
    with pytest.raises(ValueError, match="exploration must be the Exploration of compute_"):
        draw(cu.compute_peaks(epochs=3))


def test_draw_momentum_draws_both_paths_on_its_own_figure():
    import matplotlib.pyplot as plt
    before = plt.get_fignums()
    e = cu.compute_momentum(epochs=40)
    ax_path, ax_f = cu.draw_momentum(e)
    assert plt.get_fignums() == before
    labels = [line.get_label() for line in ax_path.get_lines()]
    assert "plain descent" in labels and "momentum" in labels
    drawn = {line.get_label(): line for line in ax_path.get_lines()}
    np.testing.assert_array_equal(drawn["momentum"].get_xdata(), e.result.path[:, 1, 0])
    assert "beta 0.9" in cu.explorers.title_text(ax_path)
    assert ax_f.get_yscale() == "log"
    fig = ax_path.figure
    ax_path, _ = cu.draw_momentum(cu.compute_momentum(learning_rate=0.1, beta=0.5), fig=fig)
    assert len(fig.axes) == 2 and any("diverged" in t.get_text() for t in ax_path.texts + fig.texts)


# ------------------------------------------------------------------------------ widgets

def test_minibatch_explorer_redraws_when_the_batch_size_moves():
    W = pytest.importorskip("ipywidgets")
    e = cu.widgets.minibatch_explorer()
    assert isinstance(e.controls["batch_size"], W.SelectionSlider)
    assert e.renders == 1 and e.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    e.controls["batch_size"].value = 1
    assert e.renders == 2
    assert e.exploration.settings["batch_size"] == 1 and "batch size 1 of 64" in e.exploration.readout
    reference = cu.compute_minibatch(batch_size=1, learning_rate=0.05, epochs=10)
    np.testing.assert_array_equal(e.exploration.result.parameters, reference.result.parameters)
    with pytest.raises(ValueError, match="batch_size must be one of"):
        cu.widgets.minibatch_explorer(batch_size=3)


def test_momentum_explorer_follows_its_sliders_and_reports_divergence():
    pytest.importorskip("ipywidgets")
    m = cu.widgets.momentum_explorer()
    assert m.exploration.numbers == cu.compute_momentum(learning_rate=0.019, beta=0.9, epochs=100).numbers
    m.controls["beta"].value = 0.0
    assert m.exploration.numbers["f momentum"] == m.exploration.numbers["f plain"]   # beta 0 is plain descent
    m.controls["learning_rate"].value = 0.05
    assert m.exploration.diverged and "diverged" in m.readout.value
    m.reset()
    assert m.exploration.settings["beta"] == 0.9 and m.exploration.settings["learning_rate"] == 0.019
    with pytest.raises(ValueError, match="beta must be between 0 and 0.99"):
        cu.widgets.momentum_explorer(beta=1.5)


def test_new_explorers_have_tabs():
    pytest.importorskip("ipywidgets")
    assert cu.widgets.TABS["Mini-batches"] is cu.widgets.minibatch_explorer
    assert cu.widgets.TABS["Momentum"] is cu.widgets.momentum_explorer


NEW_EXPLORERS = {"minibatch": ("minibatch_explorer", (-3, 0)), "momentum": ("momentum_explorer", (-3, -1))}


@pytest.mark.parametrize("kind", sorted(NEW_EXPLORERS))
def test_new_explorers_follow_the_house_controls(kind):
    # The same conventions tests/test_widgets.py checks for the other explorers.
    W = pytest.importorskip("ipywidgets")
    maker, decades = NEW_EXPLORERS[kind]
    w = getattr(cu.widgets, maker)()
    assert w.exploration.kind == kind and w.renders == 1
    slider = w.controls["learning_rate"]
    assert isinstance(slider, W.FloatLogSlider) and (slider.min, slider.max) == decades
    for key, control in w.controls.items():
        assert control.tooltip, key
        assert "_" not in control.description, control.description
        assert not getattr(control, "continuous_update", False), key
    assert w.play is not None and w.play_link.target == (w.controls["epochs"], "value")
    slider.value = 10 ** slider.max                         # the top of the slider runs away
    assert w.exploration.ran_away and "cu-readout-message" in w.readout.value
    assert "update:" in w.readout.value


@pytest.mark.parametrize("kind", sorted(NEW_EXPLORERS))
def test_playing_the_epochs_changes_the_picture_and_the_title(kind):
    pytest.importorskip("ipywidgets")
    w = getattr(cu.widgets, NEW_EXPLORERS[kind][0])()
    epochs = w.controls["epochs"]
    pngs = set()
    for value in (1, 2, epochs.value):
        epochs.value = value
        pngs.add(bytes(w.image.value))
        assert f"{value} epoch" in cu.explorers.title_text(w._figure.axes[0])
    assert len(pngs) == 3


@pytest.mark.parametrize("compute, draw, first, second", [
    (cu.compute_minibatch, cu.draw_minibatch, {"batch_size": 8}, {"batch_size": 1, "learning_rate": 0.5}),
    (cu.compute_momentum, cu.draw_momentum, {"beta": 0.9}, {"beta": 0.3, "learning_rate": 0.03}),
])
def test_a_kept_picture_redrawn_equals_a_fresh_drawing(compute, draw, first, second):
    import io

    import matplotlib.image as mpimg
    kept = draw(compute(**first))[0].figure
    cu.figure_png(kept)
    again = compute(**second)
    reused = cu.figure_png(draw(again, fig=kept)[0].figure)
    fresh = cu.figure_png(draw(again)[0].figure)
    a, b = (mpimg.imread(io.BytesIO(png), format="png") for png in (reused, fresh))
    assert a.shape == b.shape and np.mean(np.abs(a - b)) < 1e-3
