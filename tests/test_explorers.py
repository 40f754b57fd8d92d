"""The explorers' pure compute and draw functions, tested without any widget."""
import io
import re
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

import course_utils as cu
from course_utils import _scene
from course_utils import explorers as ex


def _png_pixels(png):
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
    assert e.diverged and e.ran_away and e.regime == "diverging"
    assert e.message.startswith("Diverged at epoch")
    assert "final x = diverged" in e.readout
    assert np.isnan(e.numbers["final x"])


def test_slow_runaway_diverges_while_still_on_the_plot():
    # 0.34 on the quadratic: |1 - 6 * 0.34| = 1.04, the loss grows by a few percent a step:
    # the shared criterion calls it diverged long before |x| reaches the driver's bound.
    e = cu.compute_descent_1d(cu.quadratic, start=1.5, learning_rate=0.34, epochs=30)
    assert e.diverged and e.regime == "diverging"
    k = e.left_at
    assert k == int(e.result.diverged_at) and np.all(np.abs(e.result.path[:k]) <= 2)
    assert e.message.startswith(f"Diverged at epoch {k}: its loss rose for 5 steps in a row")


def test_leaving_the_plotted_range_is_a_message_before_any_divergence():
    # cos(2 pi x) + x^2 at 0.2099: a step overshoots past -2, then the run comes back.
    e = cu.compute_descent_1d(cu.cos_bowl, start=1.5, learning_rate=0.2099, epochs=20)
    assert e.ran_away and not e.diverged and e.regime == "diverging"
    k = e.left_at
    assert k > 0 and abs(e.result.path[k]) > 2 and np.all(np.abs(e.result.path[:k]) <= 2)
    assert e.message.startswith(f"Left the plotted range at epoch {k}")
    assert e.status == f"ran away at epoch {k}"


def test_typed_learning_rates_are_used_exactly():
    e = cu.compute_descent_1d(learning_rate=0.0123456789, epochs=3)
    assert e.settings["learning_rate"] == 0.0123456789
    assert "learning rate 0.0123456789 ·" in e.readout


@pytest.mark.parametrize("bad, match", [
    ({"objective": "banana"}, "objective must be one of 'quadratic', 'sextic', 'cos_bowl'"),
    ({"objective": cu.peaks}, "objective must be a 1-D"),
    ({"learning_rate": -1}, "learning_rate must be a finite number > 0"),
    ({"learning_rate": [0.1, 0.2]}, "learning_rate"),
    ({"learning_rate": "0.1"}, "learning_rate"),
    ({"learning_rate": True}, "learning_rate"),
    ({"epochs": 0}, "epochs must be >= 1"),
    ({"start": np.nan}, "start must be a finite number"),
    ({"start": [1.0, 2.0]}, "start"),
    ({"start": "1.5"}, "start"),
])
def test_descent_1d_bad_input_names_the_parameter(bad, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        cu.compute_descent_1d(**bad)


@pytest.mark.parametrize("call, name", [
    (lambda: cu.compute_peaks(ascent="no"), "ascent"),
    (lambda: cu.compute_peaks(ascent=1), "ascent"),
    (lambda: cu.compute_peaks(start="ab"), "start"),
    (lambda: cu.compute_peaks(start=[[0, 0], [1, 1]]), "start"),
    (lambda: cu.compute_peaks(learning_rate=[0.1]), "learning_rate"),
    (lambda: cu.compute_schedule(learning_rate="0.1"), "learning_rate"),
    (lambda: cu.compute_schedule(start=[1.0]), "start"),
    (lambda: cu.compute_gradient_problems(learning_rate=(0.1,)), "learning_rate"),
    (lambda: cu.compute_gradient_problems(start="2"), "start"),
    (lambda: cu.compute_classifier(learning_rate="1"), "learning_rate"),
    (lambda: cu.draw_descent_1d(cu.compute_descent_1d(epochs=2), fig="fig"), "fig"),
    (lambda: cu.draw_peaks(cu.compute_descent_1d(epochs=2)), "exploration"),
    (lambda: cu.draw_schedule("e"), "exploration"),
    (lambda: cu.figure_png("fig"), "fig"),
])
def test_bad_input_is_a_value_error_naming_the_parameter(call, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        call()


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


@pytest.mark.parametrize("name", ["fixed", "gradient_based", "time_based"])
def test_schedule_matches_gradient_descent(name):
    e = cu.compute_schedule(name, learning_rate=0.05, epochs=40)
    extra = {"decay_epochs": 40} if name == "time_based" else {}
    rule = cu.SCHEDULES[name](0.05, **extra)
    ref = cu.gradient_descent(cu.quadratic, 1.5, learning_rate=rule, epochs=40)
    np.testing.assert_array_equal(e.result.path, ref.path)
    assert e.numbers["last learning rate"] == float(ref.learning_rates[-1])
    assert f"{name} schedule" in e.readout


def test_schedule_epochs_replay_one_run_when_the_decay_is_fixed():
    full = cu.compute_schedule("time_based", learning_rate=0.05, epochs=40, decay_epochs=40)
    part = cu.compute_schedule("time_based", learning_rate=0.05, epochs=15, decay_epochs=40)
    np.testing.assert_array_equal(part.result.path, full.result.path[:16])


def test_schedule_unknown_name_lists_choices():
    with pytest.raises(ValueError, match="schedule must be one of 'fixed', 'gradient_based', 'time_based'"):
        cu.compute_schedule("cosine")


def test_gradient_problems_vanishing_barely_moves():
    e = cu.compute_gradient_problems("vanishing", learning_rate=0.1, start=2.5, epochs=50)
    ref = cu.gradient_descent(cu.plateau, 2.5, learning_rate=0.1, epochs=50)
    assert e.numbers["final x"] == float(ref.final)
    assert e.numbers["largest |f'|"] < 0.02  # the gradient vanished: hardly any progress
    assert e.numbers["final x"] > 2.3
    assert not e.ran_away and e.regime == "too small"


def test_gradient_problems_exploding_reports_divergence():
    e = cu.compute_gradient_problems("exploding", learning_rate=0.2, start=2.5)
    assert e.diverged
    assert e.message == ("Diverged at epoch 1: it left [-9, 9]. "
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


def test_snap_log_rounds_slider_positions_and_keeps_typed_values():
    for k in range(0, 401, 7):
        grid = 10 ** (-4 + k * 0.01)
        snapped = ex.snap_log(grid * (1 + 1e-13), 0.01, origin=-4.0)
        assert snapped == float(f"{grid:.3g}")
        assert ex.snap_log(snapped, 0.01, origin=-4.0) == snapped  # idempotent
    for typed in (0.0123, 0.012345, 0.3333, 1e-3 * 1.5):
        assert ex.snap_log(typed, 0.01, origin=-4.0) == typed


# ----------------------------------------------------------------------- update rule

_NUMBER = r"\(?(−?[\d.]+(?:e[−+]\d+)?)\)?"


def _parse(text):
    return float(text.replace("−", "-"))


@pytest.mark.parametrize("learning_rate, epochs", [(0.02, 20), (0.25, 7), (0.001, 3)])
def test_update_rule_shows_the_last_step_with_the_run_numbers(learning_rate, epochs):
    e = cu.compute_descent_1d(cu.quadratic, start=-1.5, learning_rate=learning_rate, epochs=epochs)
    m = re.fullmatch(rf"x(\S+) = x(\S+) − η·f′\(x\S+\) = {_NUMBER} − {_NUMBER} × {_NUMBER} = {_NUMBER}",
                     e.update)
    assert m, e.update
    sub = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
    assert int(m[1].translate(sub)) == epochs and int(m[2].translate(sub)) == epochs - 1
    x_prev, lr, g, x_new = (_parse(m[i]) for i in range(3, 7))
    path = e.result.path
    assert x_prev == pytest.approx(path[-2], rel=1e-3, abs=1e-4)
    assert lr == learning_rate
    assert g == pytest.approx(cu.quadratic.grad(path[-2]), rel=1e-3, abs=1e-4)
    assert x_new == pytest.approx(path[-1], rel=1e-3, abs=1e-4)


def test_update_rule_2d_and_ascent_sign():
    e = cu.compute_peaks(learning_rate=0.05, epochs=12, start=(-1.0, -1.5), ascent=True)
    assert e.update.startswith("(x, y)₁₂ = (x, y)₁₁ + η·∇f = ")
    assert e.update.endswith(f"({e.numbers['x']:.4g}, {e.numbers['y']:.4g})".replace("-", "−"))


def test_converged_status_names_the_epoch():
    e = cu.compute_descent_1d(cu.quadratic, start=1.5, learning_rate=0.1, epochs=50)
    grads = np.abs(cu.quadratic.grad(e.result.path))
    first = int(np.argmax(grads < ex.CONVERGED_TOL))
    assert e.status == f"converged at epoch {first} (|f′| < 0.001)"
    assert first > 0 and grads[first - 1] >= ex.CONVERGED_TOL


# ------------------------------------------------------------- regimes on the sliders

def _slider_rates(kind, every=1):
    """Every position of the explorer's learning-rate slider (as the widget snaps them)."""
    lo, hi = ex.LEARNING_RATE_DECADES[kind]
    n = round((hi - lo) / 0.01)
    return [ex.snap_log(10 ** (lo + k * 0.01), 0.01, origin=lo) for k in range(0, n + 1, every)]


# Each explorer as its widget starts it (cu.widgets' defaults) and as the notebooks call it.
SWEEPS = {
    "descent_1d": ("descent_1d", lambda lr: cu.compute_descent_1d(learning_rate=lr), 1),
    "descent_1d nb01": ("descent_1d", lambda lr: cu.compute_descent_1d(
        cu.quadratic, start=-1.5, learning_rate=lr, epochs=30), 2),
    "descent_1d nb02": ("descent_1d", lambda lr: cu.compute_descent_1d(
        cu.sextic, start=0.6, learning_rate=lr, epochs=200), 4),
    "peaks": ("peaks", lambda lr: cu.compute_peaks(learning_rate=lr), 2),
    "peaks nb04": ("peaks", lambda lr: cu.compute_peaks(
        learning_rate=lr, epochs=200, start=(-1.0, -1.5), ascent=True), 4),
    "schedule": ("schedule", lambda lr: cu.compute_schedule(learning_rate=lr), 1),
    "schedule nb06": ("schedule", lambda lr: cu.compute_schedule(
        "time_based", learning_rate=lr, epochs=100, objective=cu.sextic, start=1.0), 2),
    "gradient_problems": ("gradient_problems", lambda lr: cu.compute_gradient_problems(learning_rate=lr), 1),
    "gradient_problems nb07": ("gradient_problems", lambda lr: cu.compute_gradient_problems(
        "exploding", learning_rate=lr, start=2.0, epochs=50), 1),
    "classifier": ("classifier", lambda lr: cu.compute_classifier(learning_rate=lr), 6),
}
DRAW = {"descent_1d": cu.draw_descent_1d, "peaks": cu.draw_peaks, "schedule": cu.draw_schedule,
        "gradient_problems": cu.draw_gradient_problems, "classifier": cu.draw_classifier}


def _drawn_outside(axes):
    """Data points of moving lines that fall outside their axes' limits."""
    bad = []
    for ax in axes:
        (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
        for line in ax.get_lines():
            x, y = (np.asarray(v, dtype=float) for v in line.get_data())
            if x.size and line.get_visible():
                out = ~((x >= x0 - 1e-9) & (x <= x1 + 1e-9) & (y >= y0 - 1e-9) & (y <= y1 + 1e-9))
                if out.any():
                    bad.append((line.get_label(), x[out][:3], y[out][:3]))
    return bad


@pytest.mark.parametrize("case", list(SWEEPS))
def test_slider_range_reaches_all_four_regimes_and_never_leaves_the_axes_silently(case):
    """Sweep the learning-rate slider (every ``every``-th position, drawn on one figure):
    all four regimes occur, and every setting stays inside the drawn axes, which keep the
    landscape's limits, or shows the message on the figure."""
    kind, compute, every = SWEEPS[case]
    draw = DRAW[kind]
    seen, fig, limits = set(), None, None
    for lr in _slider_rates(kind, every):
        e = compute(lr)
        assert e.regime in ex.REGIMES
        seen.add(e.regime)
        axes = draw(e, fig=fig)
        fig = axes[0].figure
        message = fig._course_scene.message
        if e.ran_away:
            assert message.get_visible() and message.get_text().replace("\n", " ") == e.message
        else:
            assert not message.get_visible()
            assert _drawn_outside(axes) == [], (lr, _drawn_outside(axes))
        if kind != "classifier":
            landscape = [ax.get_xlim() for ax in axes[:1]] + ([axes[0].get_ylim()] if kind != "schedule" else [])
            limits = limits or landscape
            assert landscape == limits, f"learning rate {lr}: the axes rescaled"
    assert seen == set(ex.REGIMES), f"{case}: regimes reached {sorted(seen)}"


def test_regimes_come_in_order_on_the_quadratic():
    regimes = [cu.compute_descent_1d(learning_rate=lr).regime for lr in _slider_rates("descent_1d")]
    first = {r: regimes.index(r) for r in ex.REGIMES}
    assert first["too small"] < first["good"] < first["oscillating"] < first["diverging"]


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
    (now,) = _lines_with_label(ax_df, "epoch shown")
    assert now.get_xdata()[0] == pytest.approx(e.numbers["final x"])
    assert "learning rate 0.05" in ex.title_text(ax_f) and "epoch 10" in ex.title_text(ax_f)
    assert not ax_f.figure._course_scene.message.get_visible()
    legend = {t.get_text() for t in ax_f.get_legend().get_texts()}
    assert {"start", "epoch shown", "path"} <= legend


def test_draw_reuses_the_figure_and_its_artists():
    fig = Figure()
    a = cu.draw_descent_1d(cu.compute_descent_1d(learning_rate=0.05), fig=fig)
    (path,) = _lines_with_label(a[0], "path")
    b = cu.draw_descent_1d(cu.compute_descent_1d(learning_rate=0.2), fig=fig)
    assert len(fig.axes) == 2 and b[0] is a[0] and _lines_with_label(b[0], "path") == [path]
    c = cu.draw_descent_1d(cu.compute_descent_1d("sextic", learning_rate=0.01), fig=fig)
    assert c[0] is not a[0] and len(fig.axes) == 2  # another function: drawn afresh


@pytest.mark.parametrize("kind", list(DRAW))
def test_reused_figure_renders_the_same_picture_as_a_fresh_one(kind):
    compute = {"descent_1d": cu.compute_descent_1d, "peaks": cu.compute_peaks,
               "schedule": cu.compute_schedule, "gradient_problems": cu.compute_gradient_problems,
               "classifier": cu.compute_classifier}[kind]
    draw = DRAW[kind]
    fig = draw(compute(learning_rate=0.01))[0].figure
    cu.figure_png(fig)
    e = compute(learning_rate=0.05)
    kept = _png_pixels(cu.figure_png(draw(e, fig=fig)[0].figure))
    fresh_fig = Figure(figsize=fig.get_size_inches(), dpi=fig.dpi)  # not owned: plain savefig
    fresh = _png_pixels(cu.figure_png(draw(e, fig=fresh_fig)[0].figure))
    assert kept.shape == fresh.shape
    assert np.mean(np.any(np.abs(kept - fresh) > 0.1, axis=-1)) < 0.002


_EVERY_EXPLORER = {  # compute, draw, two learning rates: the second one runs away (the message)
    "descent_1d": (cu.compute_descent_1d, cu.draw_descent_1d, (0.01, 0.7)),
    "peaks": (cu.compute_peaks, cu.draw_peaks, (0.01, 0.5)),
    "schedule": (cu.compute_schedule, cu.draw_schedule, (0.01, 0.7)),
    "gradient_problems": (cu.compute_gradient_problems, cu.draw_gradient_problems, (0.1, 20.0)),
    "classifier": (cu.compute_classifier, cu.draw_classifier, (0.1, 1e3)),
    "minibatch": (cu.compute_minibatch, cu.draw_minibatch, (0.05, 5.0)),
    "momentum": (cu.compute_momentum, cu.draw_momentum, (0.019, 0.05)),
}


@pytest.mark.parametrize("kind", list(_EVERY_EXPLORER))
def test_a_text_put_back_from_an_earlier_update_is_the_picture_of_a_fresh_drawing(kind, monkeypatch):
    compute, draw, (calm, wild) = _EVERY_EXPLORER[kind]
    fig = draw(compute(learning_rate=calm))[0].figure
    scene = fig._course_scene
    texts_typeset = []
    draw_artist = type(fig).draw_artist

    def counting(self, artist):
        if isinstance(artist, Text):
            texts_typeset.append(artist.get_text())
        return draw_artist(self, artist)

    monkeypatch.setattr(type(fig), "draw_artist", counting)
    put_back = 0
    seen = set()  # settings whose texts were drawn over the current kept picture
    # Each setting twice in a row, then all again: titles and messages come back.
    for lr in [wild, wild, calm, calm, wild, calm]:
        e = compute(learning_rate=lr)
        assert e.ran_away == (lr == wild)
        texts_typeset.clear()
        background = scene._background
        kept = cu.figure_png(draw(e, fig=fig)[0].figure)
        if scene._background is not background:
            seen.clear()  # a new kept picture (other axis limits): its texts are typeset afresh
        elif lr in seen:
            assert texts_typeset == [], f"{kind}: texts seen before are put back, not typeset again"
            put_back += 1
        seen.add(lr)
        fresh = cu.figure_png(draw(e)[0].figure)  # a new figure: every text typeset
        np.testing.assert_array_equal(_png_pixels(kept), _png_pixels(fresh), err_msg=f"{kind} lr={lr}")
    assert put_back >= 2, f"{kind}: the kept texts were used"


def test_a_text_is_typeset_again_when_something_drawn_before_it_reaches_into_its_box():
    fig = cu.draw_peaks(cu.compute_peaks(learning_rate=0.01))[0].figure
    cu.figure_png(fig)
    scene = fig._course_scene
    # A learner's moving line that runs across the title: the title cannot be put back.
    (ax,) = scene.axes
    crossing = ax.plot([-3, 3], [3.3, 3.3], "r-", lw=8, clip_on=False, zorder=1)[0]
    scene.moving.append("crossing")
    scene.crossing = crossing
    e = cu.compute_peaks(learning_rate=0.01)
    first = cu.figure_png(cu.draw_peaks(e, fig=fig)[0].figure)
    crossing.set_ydata([3.4, 3.4])
    second = cu.figure_png(cu.draw_peaks(e, fig=fig)[0].figure)
    crossing.set_ydata([3.3, 3.3])
    third = cu.figure_png(cu.draw_peaks(e, fig=fig)[0].figure)
    np.testing.assert_array_equal(_png_pixels(first), _png_pixels(third))
    assert not np.array_equal(_png_pixels(first), _png_pixels(second))


def test_draw_never_touches_pyplot():
    plt = sys.modules.get("matplotlib.pyplot")
    before = plt.get_fignums() if plt else []
    cu.draw_peaks(cu.compute_peaks(epochs=5))
    cu.draw_descent_1d(cu.compute_descent_1d(epochs=5))
    after = sys.modules["matplotlib.pyplot"].get_fignums() if "matplotlib.pyplot" in sys.modules else []
    assert after == before


def test_draw_runaway_run_keeps_the_landscape_and_marks_where_it_left():
    e = cu.compute_gradient_problems("exploding", learning_rate=0.2, start=2.5)
    ax_f, ax_g = cu.draw_gradient_problems(e)
    tame = cu.draw_gradient_problems(cu.compute_gradient_problems("exploding", learning_rate=0.001))
    assert ax_f.get_xlim() == cu.steep.domain  # the runaway path does not rescale the plot
    assert ax_f.get_ylim() == tame[0].get_ylim() and ax_g.get_ylim()[1] == tame[1].get_ylim()[1]
    message = ax_f.figure._course_scene.message
    assert message.get_visible() and "Diverged at epoch 1" in message.get_text().replace("\n", " ")
    (left,) = _lines_with_label(ax_f, "left the plot")
    assert left.get_visible() and left.get_xdata()[0] in cu.steep.domain
    png = cu.figure_png(ax_f.figure)
    assert np.isfinite(_png_pixels(png)).all()


@pytest.mark.parametrize("kind, e", [
    ("descent_1d", lambda: cu.compute_descent_1d(learning_rate=0.9)),
    ("peaks", lambda: cu.compute_peaks(learning_rate=0.8)),
    ("schedule", lambda: cu.compute_schedule(learning_rate=0.9)),
    ("gradient_problems", lambda: cu.compute_gradient_problems("exploding", learning_rate=50.0)),
    ("classifier", lambda: cu.compute_classifier(learning_rate=500.0)),
])
def test_message_never_covers_a_legend_or_the_axes(kind, e):
    e = e()
    assert e.ran_away
    axes = DRAW[kind](e)
    fig = axes[0].figure
    renderer = fig.canvas.get_renderer()
    fig.canvas.draw()
    box = fig._course_scene.message.get_window_extent(renderer)
    legends = [ax.get_legend() for ax in axes if ax.get_legend()] + list(fig.legends)
    assert legends
    for legend in legends:
        assert not box.overlaps(legend.get_window_extent(renderer))
    for ax in axes:
        assert not box.overlaps(ax.get_window_extent(renderer))


def test_draw_peaks_trajectory_over_contour():
    e = cu.compute_peaks(learning_rate=0.01, epochs=50)
    (ax,) = cu.draw_peaks(e)
    assert ax.collections  # the filled contour
    lines = [ln for ln in ax.get_lines() if isinstance(ln, Line2D) and len(ln.get_xdata()) > 2]
    (trajectory,) = lines
    np.testing.assert_allclose(trajectory.get_xdata(), e.result.path[:, 0])
    assert "descent" in ex.title_text(ax)
    legend = {t.get_text() for t in ax.figure.legends[0].get_texts()}
    assert {"start", "epoch shown", "path"} <= legend


def test_draw_schedule_shows_learning_rates_only_while_the_run_is_in_view():
    e = cu.compute_schedule("time_based", learning_rate=0.1, epochs=20)
    ax_x, ax_lr = cu.draw_schedule(e)
    (rates,) = _lines_with_label(ax_lr, "learning rate")  # as a multiple of the base rate
    np.testing.assert_allclose(rates.get_ydata(), e.result.learning_rates / 0.1)
    assert rates.get_ydata()[0] == 1 and rates.get_ydata()[-1] == pytest.approx(1 / 20)
    e = cu.compute_schedule("fixed", learning_rate=0.9, epochs=20)
    assert e.ran_away
    ax_x, ax_lr = cu.draw_schedule(e)
    (rates,) = _lines_with_label(ax_lr, "learning rate")
    assert ax_x.get_xlim() == (0, 20) and np.all(rates.get_ydata() == 1)
    assert rates.get_xdata().size <= e.left_at


@settings(max_examples=60)
@given(hnp.arrays(np.uint8, st.tuples(st.integers(1, 40), st.integers(1, 40), st.just(4))))
def test_png_bytes_decode_to_the_same_pixels(rgba):
    from PIL import Image

    decoded = Image.open(io.BytesIO(_scene.png_bytes(rgba)))
    decoded.load()  # checks the chunks' CRCs and the deflated length
    assert decoded.mode == "RGBA"
    np.testing.assert_array_equal(np.asarray(decoded), rgba)


def test_kept_picture_png_is_the_canvas_pixels():
    from PIL import Image

    fig = cu.draw_peaks(cu.compute_peaks(epochs=30))[0].figure
    png = cu.figure_png(fig)
    assert fig._course_scene.owned  # the kept-picture path, not savefig
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(png))), np.asarray(fig.canvas.buffer_rgba()))


def test_figure_png_is_an_image_with_content():
    e = cu.compute_descent_1d(learning_rate=0.05)
    png = cu.figure_png(cu.draw_descent_1d(e)[0].figure)
    pixels = _png_pixels(png)
    assert pixels.shape[:2] == (330, 760)  # 7.6 x 3.3 inches at 100 dpi
    assert len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0)) > 50


@pytest.mark.parametrize("kind", list(DRAW))
def test_figure_text_stays_legible_in_a_900px_panel(kind):
    """Every text >= 9 pt, and the figure no wider than fits a 900 px notebook panel
    unscaled, so that text is >= 9 px on screen."""
    compute = {"descent_1d": cu.compute_descent_1d, "peaks": cu.compute_peaks,
               "schedule": cu.compute_schedule, "gradient_problems": cu.compute_gradient_problems,
               "classifier": cu.compute_classifier}[kind]
    fig = DRAW[kind](compute(learning_rate=100.0 if kind == "classifier" else 0.9))[0].figure
    width_px = fig.get_size_inches()[0] * fig.dpi
    assert width_px <= ex.MAX_WIDTH_PX
    fig.canvas.draw()
    sizes = [t.get_fontsize() for t in fig.findobj(lambda a: hasattr(a, "get_fontsize"))
             if t.get_visible() and getattr(t, "get_text", lambda: "")()]
    assert sizes and min(sizes) >= cu.style.MIN_FONT_PT
    assert min(sizes) * fig.dpi / 72 >= 9


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
    assert ax_b.images and len(ax_b.collections) >= 3  # map, two classes, the 0.5 contour
    assert _lines_with_label(ax_b, "boundary (p = 0.5)")  # its legend entry
    # The boundary runs where the trained network says 0.5 (up to the map's resolution).
    (path,) = ax_b.figure._course_scene.boundary.get_paths()
    xy = path.vertices
    assert len(xy) > 10
    p = e.result.network.predict(xy)
    np.testing.assert_allclose(p.ravel(), 0.5, atol=0.1)
    (curve,) = _lines_with_label(ax_l, "loss")
    np.testing.assert_allclose(curve.get_ydata(), e.result.history.cost)
    assert "learning rate 0.5" in ex.title_text(ax_b)


@pytest.mark.parametrize("learning_rate", [0.001, 0.5, 30.0])
def test_classifier_boundary_is_the_contour_matplotlib_draws(learning_rate):
    run = cu.compute_classifier(learning_rate=learning_rate, epochs=100).result
    ax = Figure().add_subplot()
    expected = ax.contour(run.grid_x, run.grid_y, run.probability, levels=[0.5]).get_paths()
    got = ex._level_paths(run.grid_x, run.grid_y, run.probability, 0.5)
    assert len(got) == 1 and len(expected) == 1
    np.testing.assert_array_equal(got[0].vertices, expected[0].vertices)
    np.testing.assert_array_equal(got[0].codes, expected[0].codes)


def test_classifier_without_a_boundary_draws_none():
    run = cu.compute_classifier(learning_rate=0.1).result
    assert ex._level_paths(run.grid_x, run.grid_y, np.full_like(run.probability, 0.9), 0.5) == []


def test_draw_classifier_runaway_shows_message():
    e = cu.compute_classifier(learning_rate=1e3, epochs=20)
    assert e.ran_away and e.regime == "diverging"
    _ax_b, ax_l = cu.draw_classifier(e)
    assert ax_l.figure._course_scene.message.get_visible()
