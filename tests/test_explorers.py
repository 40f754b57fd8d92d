"""The explorers' pure compute and draw functions, tested without any widget."""
import re
import sys
import time

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

import course_utils as cu
from course_utils import explorers as ex


def _png_pixels(png):
    import io

    import matplotlib.image as mpimg
    return mpimg.imread(io.BytesIO(png), format="png")


# ------------------------------------------------------------------------------- compute

@pytest.mark.parametrize("objective", [cu.quadratic, cu.sextic, cu.cos_bowl])
@pytest.mark.parametrize("learning_rate", [0.003, 0.02, 0.05])
def test_descent_1d_matches_gradient_descent(objective, learning_rate):
    e = cu.compute_descent_1d(objective, start=1.25, learning_rate=learning_rate, epochs=30)
    ref = cu.gradient_descent(objective, 1.25, learning_rate=learning_rate, epochs=30)
    assert e.numbers["final x"] == pytest.approx(float(ref.final), abs=0)
    assert e.numbers["f(x)"] == pytest.approx(objective(float(ref.final)))
    np.testing.assert_array_equal(e.result.path, ref.path)
    assert f"final x = {float(ref.final):.6f}" in e.readout
    assert f"learning rate {learning_rate:g}" in e.readout
    assert not e.diverged and e.message == ""


def test_descent_1d_accepts_names_and_default_start():
    e = cu.compute_descent_1d("sextic", learning_rate=0.01, epochs=5)
    assert e.objective is cu.sextic
    assert e.settings["start"] == ex.default_start_1d(cu.sextic) == 1.5
    assert "sextic" in e.readout and "x0 = 1.5" in e.readout


def test_descent_1d_divergence_is_a_message():
    e = cu.compute_descent_1d(cu.quadratic, start=1.5, learning_rate=0.5, epochs=40)
    assert e.diverged
    assert e.message.startswith("Diverged at epoch")
    assert "final x = diverged" in e.readout
    assert np.isnan(e.numbers["final x"])


@pytest.mark.parametrize("bad, match", [
    (dict(objective="banana"), "objective must be one of 'quadratic', 'sextic', 'cos_bowl'"),
    (dict(objective=cu.peaks), "objective must be a 1-D"),
    (dict(learning_rate=-1), "learning_rate must be > 0"),
    (dict(epochs=0), "epochs must be >= 1"),
    (dict(start=np.nan), "start must be finite"),
])
def test_descent_1d_bad_input_names_the_parameter(bad, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        cu.compute_descent_1d(**bad)


@pytest.mark.parametrize("ascent", [False, True])
def test_peaks_matches_gradient_descent(ascent):
    e = cu.compute_peaks(learning_rate=0.02, epochs=80, start=(0.3, -0.4), ascent=ascent)
    ref = cu.gradient_descent(cu.peaks, [0.3, -0.4], learning_rate=0.02, epochs=80, ascent=ascent)
    assert (e.numbers["x"], e.numbers["y"]) == tuple(float(v) for v in ref.final)
    assert e.numbers["f(x, y)"] == pytest.approx(cu.peaks(ref.final))
    assert ("ascent" if ascent else "descent") in e.readout
    assert f"({float(ref.final[0]):.6f}, {float(ref.final[1]):.6f})" in e.readout


def test_peaks_default_reaches_a_known_minimum():
    e = cu.compute_peaks()
    assert (e.numbers["x"], e.numbers["y"]) == pytest.approx(cu.peaks.minima[1], abs=1e-3)


def test_peaks_start_must_be_one_point():
    with pytest.raises(ValueError, match="start must be one point"):
        cu.compute_peaks(start=[[0, 0], [1, 1]])


@pytest.mark.parametrize("name", ["fixed", "gradient_based", "time_based"])
def test_schedule_matches_gradient_descent(name):
    e = cu.compute_schedule(name, learning_rate=0.05, epochs=40)
    extra = {"decay_epochs": 40} if name == "time_based" else {}
    rule = cu.SCHEDULES[name](0.05, **extra)
    ref = cu.gradient_descent(cu.quadratic, 1.5, learning_rate=rule, epochs=40)
    np.testing.assert_array_equal(e.result.path, ref.path)
    assert e.numbers["last learning rate"] == float(ref.learning_rates[-1])
    assert f"{name} schedule" in e.readout


def test_schedule_unknown_name_lists_choices():
    with pytest.raises(ValueError, match="schedule must be one of 'fixed', 'gradient_based', 'time_based'"):
        cu.compute_schedule("cosine")


def test_gradient_problems_vanishing_barely_moves():
    e = cu.compute_gradient_problems("vanishing", learning_rate=0.1, start=2.5, epochs=50)
    ref = cu.gradient_descent(cu.plateau, 2.5, learning_rate=0.1, epochs=50)
    assert e.numbers["final x"] == float(ref.final)
    assert e.numbers["largest |f'|"] < 0.02  # the gradient vanished: hardly any progress
    assert e.numbers["final x"] > 2.3
    assert not e.diverged


def test_gradient_problems_exploding_reports_divergence():
    e = cu.compute_gradient_problems("exploding", learning_rate=0.2, start=2.5)
    assert e.diverged
    assert e.message == ("Diverged at epoch 1: the steps grew without bound. "
                         "Try a smaller learning rate or a start closer to 0.")
    assert "final x = diverged" in e.readout
    assert "Diverged" in repr(e)


def test_gradient_problems_exploding_converges_when_small():
    e = cu.compute_gradient_problems("exploding", learning_rate=0.01, start=1.0, epochs=50)
    assert not e.diverged and 0 < e.numbers["final x"] < 1


def test_snap_removes_browser_rounding_noise():
    assert ex.snap(0.09999999999999998, 0.001, origin=0.001) == 0.1
    assert ex.snap(0.30000000000000004, 0.05, origin=-2.0) == 0.3
    assert ex.snap(0.1234, 0.005, origin=0.005) == 0.125


# ---------------------------------------------------------------------------------- draw

def _lines_with_label(ax, label):
    return [a for a in ax.get_lines() if a.get_label() == label]


def test_draw_descent_1d_artists():
    e = cu.compute_descent_1d(cu.quadratic, start=1.5, learning_rate=0.05, epochs=10)
    ax_f, ax_df = cu.draw_descent_1d(e)
    assert ax_f.figure is ax_df.figure and isinstance(ax_f.figure, Figure)
    (path,) = _lines_with_label(ax_f, "path")
    np.testing.assert_allclose(path.get_xdata(), e.result.path)
    (on_df,) = _lines_with_label(ax_df, "path")
    np.testing.assert_allclose(on_df.get_ydata(), cu.quadratic.grad(e.result.path))
    (final,) = _lines_with_label(ax_df, "final x")
    assert final.get_xdata()[0] == pytest.approx(e.numbers["final x"])
    assert "learning rate 0.05" in ax_f.get_title()
    assert not ax_f.texts  # no message box without divergence


def test_draw_reuses_and_clears_the_given_figure():
    fig = Figure()
    e = cu.compute_descent_1d(learning_rate=0.05)
    cu.draw_descent_1d(e, fig=fig)
    axes = cu.draw_descent_1d(e, fig=fig)
    assert len(fig.axes) == 2 and axes[0].figure is fig


def test_draw_never_touches_pyplot():
    plt = sys.modules.get("matplotlib.pyplot")
    before = plt.get_fignums() if plt else []
    cu.draw_peaks(cu.compute_peaks(epochs=5))
    cu.draw_descent_1d(cu.compute_descent_1d(epochs=5))
    after = sys.modules["matplotlib.pyplot"].get_fignums() if "matplotlib.pyplot" in sys.modules else []
    assert after == before


def test_draw_diverged_run_shows_message_and_stays_on_the_domain():
    e = cu.compute_gradient_problems("exploding", learning_rate=0.2, start=2.5)
    ax_f, ax_g = cu.draw_gradient_problems(e)
    assert ax_f.get_xlim() == cu.steep.domain  # the runaway path does not rescale the plot
    assert ax_f.get_ylim()[1] < 100
    assert any("Diverged at epoch 1" in t.get_text().replace("\n", " ") for t in ax_g.texts)
    assert _lines_with_label(ax_f, "diverged (epoch 1)")
    png = cu.figure_png(ax_f.figure)
    assert np.isfinite(_png_pixels(png)).all()


def test_draw_peaks_trajectory_over_contour():
    e = cu.compute_peaks(learning_rate=0.01, epochs=50)
    (ax,) = cu.draw_peaks(e)
    assert ax.collections  # the filled contour
    lines = [ln for ln in ax.get_lines() if isinstance(ln, Line2D) and len(ln.get_xdata()) > 2]
    (trajectory,) = lines
    np.testing.assert_allclose(trajectory.get_xdata(), e.result.path[:, 0])
    assert "descent" in ax.get_title()


def test_draw_schedule_shows_learning_rates():
    e = cu.compute_schedule("time_based", learning_rate=0.1, epochs=20)
    ax_x, ax_lr = cu.draw_schedule(e)
    (rates,) = ax_lr.get_lines()
    np.testing.assert_allclose(rates.get_ydata(), e.result.learning_rates)
    assert rates.get_ydata()[0] == 0.1 and rates.get_ydata()[-1] == pytest.approx(0.1 / 20)


def test_figure_png_is_an_image_with_content():
    e = cu.compute_descent_1d(learning_rate=0.05)
    png = cu.figure_png(cu.draw_descent_1d(e)[0].figure)
    pixels = _png_pixels(png)
    assert pixels.shape[:2] == (320, 800)  # 8 x 3.2 inches at 100 dpi
    assert len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0)) > 50


@pytest.mark.parametrize("compute, draw", [
    (cu.compute_descent_1d, cu.draw_descent_1d),
    (cu.compute_peaks, cu.draw_peaks),
    (cu.compute_schedule, cu.draw_schedule),
    (cu.compute_gradient_problems, cu.draw_gradient_problems),
])
def test_update_is_fast(compute, draw):
    # Issue 5: updates must feel instant. CPU time of compute + draw + PNG, best of 3,
    # with a generous bound so a loaded CI machine does not flake.
    fig = draw(compute())[0].figure
    best = np.inf
    for _ in range(3):
        t = time.process_time()
        draw(compute(), fig=fig)
        cu.figure_png(fig)
        best = min(best, time.process_time() - t)
    assert best < 0.25


# ---------------------------------------------------------------------------- classifier

def test_classifier_matches_network_fit():
    e = cu.compute_classifier(learning_rate=0.5, epochs=40, seed=3)
    rng = np.random.default_rng(3)
    X, y = cu.nn.two_clusters(100, rng=rng)
    net = cu.nn.Network([2, 8, 1], activations=["tanh", "sigmoid"], rng=rng)
    history = net.fit(X, y, learning_rate=0.5, epochs=40, loss="binary_cross_entropy")
    assert e.numbers["final loss"] == history.final_cost
    assert e.numbers["accuracy"] == net.accuracy(X, y) > 0.9
    np.testing.assert_array_equal(e.result.X, X)
    assert f"final loss = {history.final_cost:.6f}" in e.readout
    assert e.result.probability.shape == (60, 60)
    assert 0 <= e.result.probability.min() and e.result.probability.max() <= 1


def test_classifier_is_deterministic_for_a_seed():
    a = cu.compute_classifier(learning_rate=0.2, epochs=10)
    b = cu.compute_classifier(learning_rate=0.2, epochs=10)
    assert a.numbers == b.numbers


def test_classifier_bad_input():
    with pytest.raises(ValueError, match="learning_rate must be"):
        cu.compute_classifier(learning_rate=0)
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        cu.compute_classifier(epochs=0)


def test_draw_classifier_boundary_and_loss_curve():
    e = cu.compute_classifier(learning_rate=0.5, epochs=30)
    ax_b, ax_l = cu.draw_classifier(e)
    assert len(ax_b.collections) >= 4  # filled map, 0.5 contour, two scatters
    (curve,) = ax_l.get_lines()
    np.testing.assert_allclose(curve.get_ydata(), e.result.history.cost)
    assert "learning rate 0.5" in ax_b.get_title()


def test_draw_classifier_diverged_shows_message():
    e = cu.compute_classifier(learning_rate=1e9, epochs=20)
    assert e.diverged and "diverged" in e.message
    ax_b, ax_l = cu.draw_classifier(e)
    assert any("diverged" in t.get_text() for t in ax_l.texts)
    assert "accuracy = diverged" in e.readout


def test_classifier_update_is_fast():
    fig = cu.draw_classifier(cu.compute_classifier())[0].figure
    best = np.inf
    for _ in range(3):
        t = time.process_time()
        cu.draw_classifier(cu.compute_classifier(), fig=fig)
        cu.figure_png(fig)
        best = min(best, time.process_time() - t)
    assert best < 0.25
