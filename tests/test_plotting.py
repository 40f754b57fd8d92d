"""Plot helpers: they draw on the Axes they are given (or the current one), return it, and report divergence."""
import matplotlib

matplotlib.use("Agg")  # tests only: course_utils itself never touches the backend

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import QuadMesh  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402

import course_utils as cu  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def ax():
    return plt.subplots(figsize=(4, 3))[1]


@pytest.fixture
def ax3d():
    return plt.figure(figsize=(4, 3)).add_subplot(projection="3d")


def legend_texts(ax):
    legend = ax.get_legend()
    return [t.get_text() for t in legend.get_texts()] if legend is not None else []


def line_labelled(ax, label):
    lines = [ln for ln in ax.get_lines() if ln.get_label() == label]
    assert len(lines) == 1, f"expected one line labelled {label!r}, got {[ln.get_label() for ln in ax.get_lines()]}"
    return lines[0]


def diverged_1d():
    r = cu.gradient_descent(cu.steep, 3.0, learning_rate=0.1, epochs=10)
    assert r.diverged_at == 2  # 3 -> -7.8 -> 182: outside [-9, 9], steep's domain widened
    return r


def diverged_2d():
    r = cu.gradient_descent(cu.saddle, [[1.0, 0.0], [0.1, 1.0]], learning_rate=0.5, epochs=40)
    np.testing.assert_array_equal(r.diverged_at, [-1, 3])  # y = 8 is outside [-6, 6]
    return r


# --- plot_function --------------------------------------------------------------------------

def test_plot_function_draws_f_and_derivative(ax):
    assert cu.plot_function(cu.quadratic, ax=ax) is ax
    f = line_labelled(ax, "$f(x) = 3x^2 - 3x + 4$")
    d = line_labelled(ax, "$f'(x)$")
    x = f.get_xdata()
    assert (x[0], x[-1]) == cu.quadratic.domain and len(x) == 400
    np.testing.assert_array_equal(f.get_ydata(), cu.quadratic(x))
    np.testing.assert_array_equal(d.get_ydata(), cu.quadratic.grad(x))
    assert d.get_linestyle() == "--"
    assert legend_texts(ax) == ["$f(x) = 3x^2 - 3x + 4$", "$f'(x)$"]
    assert ax.get_xlabel() == "$x$"


def test_plot_function_marks_points_and_skips_nan(ax):
    cu.plot_function(cu.sextic, ax=ax, points=[-1.6937, np.nan, 0.0], derivative=False, xlim=(-1, 1), n=50)
    found = line_labelled(ax, "found points")
    np.testing.assert_array_equal(found.get_xdata(), [-1.6937, 0.0])
    np.testing.assert_array_equal(found.get_ydata(), cu.sextic(np.array([-1.6937, 0.0])))
    assert "$f'(x)$" not in legend_texts(ax)
    curve = ax.get_lines()[0]
    assert (curve.get_xdata()[0], curve.get_xdata()[-1], len(curve.get_xdata())) == (-1, 1, 50)
    cu.plot_function(cu.sextic, ax=ax, points=0.5)
    assert "found point" in legend_texts(ax)


def test_plot_function_points_label_says_what_the_points_are(ax):
    cu.plot_function(cu.quadratic, ax=ax, points=0.5, points_label="true minimum", derivative=False)
    assert legend_texts(ax) == ["$f(x) = 3x^2 - 3x + 4$", "true minimum"]
    with pytest.raises(ValueError, match=r"^points_label must be a string"):
        cu.plot_function(cu.quadratic, ax=ax, points=0.5, points_label=1)


def test_plot_basins_takes_explicit_colours(ax):
    cu.plot_basins(np.array([[0, 1, 2]]), [0, 1, 2], [0], names=["a", "b", "c"], ax=ax, colors=cu.style.MAXIMA)
    rgb = ax.get_images()[0].get_array()[0, :, :3]
    np.testing.assert_allclose(rgb, [matplotlib.colors.to_rgb(c) for c in cu.style.MAXIMA])
    with pytest.raises(ValueError, match=r"^colors must have one colour per name \(3\), got 2"):
        cu.plot_basins(np.array([[0, 1, 2]]), [0, 1, 2], [0], names=["a", "b", "c"], ax=ax, colors=["r", "g"])
    with pytest.raises(ValueError, match=r"^colors must be a sequence of matplotlib colours"):
        cu.plot_basins(np.array([[0]]), [0], [0], names=["a"], ax=ax, colors=["not a colour"])
    with pytest.raises(ValueError, match=r"^give colors or cmap, not both"):
        cu.plot_basins(np.array([[0]]), [0], [0], names=["a"], ax=ax, colors=["r"], cmap="viridis")


def test_plot_basins_default_colours_are_the_minima_colours(ax):
    cu.plot_basins(np.array([[0, 1, 2]]), [0, 1, 2], [0], names=["a", "b", "c"], ax=ax)
    rgb = ax.get_images()[0].get_array()[0, :, :3]
    np.testing.assert_allclose(rgb, [matplotlib.colors.to_rgb(c) for c in cu.style.MINIMA[:3]])


def test_plot_function_uses_the_current_axes_when_ax_is_none(ax):
    assert cu.plot_function(cu.cos_bowl) is ax
    assert len(ax.get_lines()) >= 2


# --- plot_descent_1d ------------------------------------------------------------------------

def test_plot_descent_1d_draws_the_path(ax):
    r = cu.gradient_descent(cu.quadratic, 2.0, learning_rate=0.1, epochs=20)
    assert cu.plot_descent_1d(r, cu.quadratic, ax=ax) is ax
    path = line_labelled(ax, "path")
    np.testing.assert_array_equal(path.get_xdata(), r.path)
    np.testing.assert_array_equal(path.get_ydata(), cu.quadratic(r.path))
    start = line_labelled(ax, "start")
    np.testing.assert_array_equal(start.get_xdata(), [2.0])
    texts = legend_texts(ax)
    assert "path" in texts and "start" in texts
    assert not any(t.startswith("diverged") for t in texts)


def test_plot_descent_1d_marks_divergence_in_the_legend(ax):
    r = diverged_1d()
    cu.plot_descent_1d(r, cu.steep, ax=ax)
    assert "diverged (epoch 2)" in legend_texts(ax)
    cross = line_labelled(ax, "diverged (epoch 2)")
    np.testing.assert_array_equal(cross.get_xdata(), [r.path[1]])  # the last finite point
    assert cross.get_marker() == cu.style.MARKER["diverged"] == "X"
    # NaN never reaches the drawn path
    assert np.all(np.isfinite(line_labelled(ax, "path").get_xdata()))


def test_plot_descent_1d_current_axes(ax):
    r = cu.gradient_descent(cu.quadratic, 2.0, learning_rate=0.1, epochs=5)
    assert cu.plot_descent_1d(r, cu.quadratic) is ax


def test_plot_descent_1d_needs_a_single_1d_run(ax):
    many = cu.gradient_descent(cu.quadratic, [1.0, 2.0], learning_rate=0.1, epochs=5)
    with pytest.raises(ValueError, match=r"^result must hold a single 1-D run"):
        cu.plot_descent_1d(many, cu.quadratic, ax=ax)
    two_d = cu.gradient_descent(cu.peaks, [1.0, 2.0], learning_rate=0.1, epochs=5)
    with pytest.raises(ValueError, match=r"^result"):
        cu.plot_descent_1d(two_d, cu.quadratic, ax=ax)
    with pytest.raises(ValueError, match=r"^result"):
        cu.plot_descent_1d([1.0, 0.5], cu.quadratic, ax=ax)
    with pytest.raises(ValueError, match=r"^obj must be a 1-D"):
        cu.plot_descent_1d(many, cu.peaks, ax=ax)


# --- plot_history ---------------------------------------------------------------------------

def test_plot_history_one_and_many_series(ax):
    r = cu.gradient_descent(cu.quadratic, [1.0, 2.0, -1.0], learning_rate=0.1, epochs=15)
    assert cu.plot_history(r.path, ax=ax, ylabel="$x$") is ax
    lines = ax.get_lines()
    assert len(lines) == 3
    for k, line in enumerate(lines):
        np.testing.assert_array_equal(line.get_xdata(), np.arange(16))
        np.testing.assert_array_equal(line.get_ydata(), r.path[:, k])
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("epoch", "$x$")
    assert ax.get_legend() is None


def test_plot_history_label_and_log_scale(ax):
    values = np.abs(cu.gradient_descent(cu.quadratic, 2.0, learning_rate=0.1, epochs=15).grads)
    cu.plot_history(values, ax=ax, label="|f'(x)|", logy=True)
    assert ax.get_yscale() == "log"
    assert legend_texts(ax) == ["|f'(x)|"]
    assert cu.plot_history([1, 2, 3]) is ax  # current axes


# --- 2-D: contour, trajectories, surface ----------------------------------------------------

def test_plot_contour_filled_adds_a_colorbar(ax):
    assert cu.plot_contour(cu.peaks, ax=ax, n=40) is ax
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert len(contours) == 1 and contours[0].filled
    assert len(ax.figure.axes) == 2  # the colorbar
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$x$", "$y$")
    assert ax.get_xlim() == (-3.0, 3.0) and ax.get_ylim() == (-3.0, 3.0)


def test_plot_contour_lines_only(ax):
    cu.plot_contour(cu.saddle, ax=ax, n=30, levels=7, filled=False)
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert len(contours) == 1 and not contours[0].filled
    assert len(ax.figure.axes) == 1
    assert cu.plot_contour(cu.saddle, n=20) is ax


def test_plot_trajectories_2d_draws_every_run(ax):
    starts = np.array([[0.5, -0.5], [-1.0, 1.0], [1.5, 0.5]])
    r = cu.gradient_descent(cu.peaks, starts, learning_rate=0.02, epochs=30)
    assert cu.plot_trajectories_2d(r, cu.peaks, ax=ax) is ax
    lines = ax.get_lines()
    assert len(lines) == 3 * 3  # path, start square, end dot per run
    for k in range(3):
        path, start, end = lines[3 * k: 3 * k + 3]
        np.testing.assert_array_equal(path.get_xdata(), r.path[:, k, 0])
        np.testing.assert_array_equal(path.get_ydata(), r.path[:, k, 1])
        np.testing.assert_array_equal([start.get_xdata()[0], start.get_ydata()[0]], starts[k])
        np.testing.assert_array_equal([end.get_xdata()[0], end.get_ydata()[0]], r.final[k])
    assert any(isinstance(c, ContourSet) for c in ax.collections)
    assert legend_texts(ax) == ["start", "end"]  # once each, not once per run


def test_plot_trajectories_2d_grid_of_runs_without_contour(ax):
    r = cu.gradient_descent(cu.peaks, np.zeros((2, 3, 2)) + 0.1, learning_rate=[[[0.01]], [[0.02]]], epochs=5)
    assert r.path.shape == (6, 2, 2, 3, 2)
    cu.plot_trajectories_2d(r, cu.peaks, ax=ax, contour=False, color="k")
    assert len(ax.get_lines()) == 3 * 12 and not ax.collections


def test_plot_trajectories_2d_marks_divergence_in_the_legend(ax):
    r = diverged_2d()
    cu.plot_trajectories_2d(r, cu.saddle, ax=ax, contour=False)
    assert "diverged (epoch 3)" in legend_texts(ax)
    cross = line_labelled(ax, "diverged (epoch 3)")
    np.testing.assert_array_equal([cross.get_xdata()[0], cross.get_ydata()[0]], r.path[2, 1])
    for line in ax.get_lines():
        assert np.all(np.isfinite(line.get_xdata())) and np.all(np.isfinite(line.get_ydata()))


def test_drawing_diverged_runs_emits_no_warning(ax, ax3d):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cu.plot_descent_1d(diverged_1d(), cu.steep, ax=ax)
        cu.plot_trajectories_2d(diverged_2d(), cu.saddle, ax=ax)
        cu.plot_surface(cu.saddle, ax=ax3d, n=10, result=diverged_2d())
        ax.figure.canvas.draw()
        ax3d.figure.canvas.draw()


def test_plot_trajectories_2d_needs_a_2d_result(ax):
    r = cu.gradient_descent(cu.quadratic, [1.0, 2.0], learning_rate=0.1, epochs=5)
    with pytest.raises(ValueError, match=r"^result"):
        cu.plot_trajectories_2d(r, cu.peaks, ax=ax)
    with pytest.raises(ValueError, match=r"^obj must be a 2-D"):
        cu.plot_trajectories_2d(r, cu.quadratic, ax=ax)


def test_plot_surface(ax3d):
    assert cu.plot_surface(cu.peaks, ax=ax3d, n=20) is ax3d
    assert len(ax3d.collections) == 1
    assert (ax3d.get_xlabel(), ax3d.get_ylabel(), ax3d.get_zlabel()) == ("$x$", "$y$", "$f$")


def test_plot_surface_with_trajectories(ax3d):
    r = cu.gradient_descent(cu.peaks, [[0.5, -0.5], [-1.0, 1.0]], learning_rate=0.02, epochs=10)
    cu.plot_surface(cu.saddle, ax=ax3d, n=10, result=r)
    assert len(ax3d.get_lines()) == 2 * 2


def test_plot_surface_makes_its_own_3d_axes():
    ax = cu.plot_surface(cu.saddle, n=10)
    assert ax.name == "3d"


@pytest.mark.parametrize("bad", ["3d", 1, object()])
def test_plot_surface_rejects_a_non_axes(bad):
    with pytest.raises(ValueError, match=r"^ax must be"):
        cu.plot_surface(cu.peaks, ax=bad)


def test_plot_surface_rejects_a_2d_axes(ax):
    with pytest.raises(ValueError, match=r"^ax must be a 3-D Axes"):
        cu.plot_surface(cu.peaks, ax=ax)


# --- heatmap and basins ---------------------------------------------------------------------

def test_plot_heatmap(ax):
    x, y = np.arange(5), np.array([0.01, 0.1, 1.0])
    values = np.arange(15.0).reshape(3, 5)
    values[1, 2] = np.nan  # a diverged cell
    assert cu.plot_heatmap(values, x, y, ax=ax, xlabel="epochs", ylabel="lr", cbar_label="x", logy=True) is ax
    meshes = [c for c in ax.collections if isinstance(c, QuadMesh)]
    assert len(meshes) == 1
    data = meshes[0].get_array()
    assert data.mask.sum() == 1
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_yscale()) == ("epochs", "lr", "log")
    assert len(ax.figure.axes) == 2 and ax.figure.axes[1].get_ylabel() == "x"


def test_plot_heatmap_shape_must_match(ax):
    with pytest.raises(ValueError, match=r"^values must have shape \(len\(y\), len\(x\)\) = \(3, 5\)"):
        cu.plot_heatmap(np.zeros((5, 3)), np.arange(5), np.arange(3), ax=ax)


def test_plot_basins(ax):
    x, y = np.linspace(-1, 1, 4), np.linspace(-2, 2, 3)
    labels = np.array([[0, 1, 1, -1], [0, 0, 1, 1], [2, 2, 0, -1]])
    assert cu.plot_basins(labels, x, y, names=["a", "b", "c"], ax=ax) is ax
    images = [im for im in ax.get_images() if isinstance(im, AxesImage)]
    assert len(images) == 1
    rgb = images[0].get_array()
    assert rgb.shape[:2] == (3, 4)
    # same label, same colour; "none of them" is grey
    assert np.array_equal(rgb[0, 0], rgb[1, 1]) and not np.array_equal(rgb[0, 0], rgb[0, 1])
    np.testing.assert_allclose(rgb[0, 3, :3], 0.75)
    assert legend_texts(ax) == ["a", "b", "c", "elsewhere"]


def test_plot_basins_pixels_are_centred_on_the_starts(ax):
    x, y = np.linspace(-3, 3, 7), np.linspace(0, 1, 3)
    cu.plot_basins(np.zeros((3, 7), dtype=int), x, y, names=["a"], ax=ax)
    left, right, bottom, top = ax.get_images()[0].get_extent()
    # 7 pixels across: pixel j spans x[j] -/+ half a grid step
    np.testing.assert_allclose([left, right, bottom, top], [-3.5, 3.5, -0.25, 1.25])


def test_plot_basins_continuous_colormap_gives_distinct_colours(ax):
    labels = np.array([[0, 1, 2]])
    cu.plot_basins(labels, [0, 1, 2], [0], names=["a", "b", "c"], ax=ax, cmap="viridis")
    rgb = ax.get_images()[0].get_array()[0, :, :3]
    assert np.min(np.abs(np.diff(rgb, axis=0)).sum(axis=1)) > 0.3


def test_plot_basins_without_strays(ax):
    labels = np.zeros((2, 2), dtype=int)
    cu.plot_basins(labels, [0, 1], [0, 1], names=["only"])
    assert legend_texts(ax) == ["only"]


def test_plot_basins_from_nearest_label(ax):
    xs = ys = np.linspace(-3, 3, 15)
    X, Y = np.meshgrid(xs, ys)
    r = cu.gradient_descent(cu.peaks, np.stack([X, Y], axis=-1), learning_rate=0.05, epochs=200)
    labels = cu.nearest_label(r.final, cu.peaks.minima, tol=0.05)
    names = [f"({a:.2f}, {b:.2f})" for a, b in cu.peaks.minima]
    cu.plot_basins(labels, xs, ys, names=names, ax=ax)
    assert legend_texts(ax)[:len(names)] == names


def test_plot_basins_rejects_bad_labels(ax):
    with pytest.raises(ValueError, match=r"^labels must have shape"):
        cu.plot_basins(np.zeros((3, 2), dtype=int), [0, 1, 2], [0, 1], names=["a"], ax=ax)
    with pytest.raises(ValueError, match=r"^labels"):
        cu.plot_basins(np.array([[0, 3]]), [0, 1], [0], names=["a", "b"], ax=ax)
    with pytest.raises(ValueError, match=r"^labels"):
        cu.plot_basins(np.array([[0.5, 1.0]]), [0, 1], [0], names=["a", "b"], ax=ax)
    with pytest.raises(ValueError, match=r"^labels"):
        cu.plot_basins(np.array([[0, -2]]), [0, 1], [0], names=["a", "b"], ax=ax)


# --- bad input ------------------------------------------------------------------------------

def test_wrong_objective_names_obj(ax):
    r1 = cu.gradient_descent(cu.quadratic, 1.0, learning_rate=0.1, epochs=3)
    r2 = cu.gradient_descent(cu.peaks, [1.0, 1.0], learning_rate=0.1, epochs=3)
    calls = [
        lambda: cu.plot_function(cu.peaks, ax=ax),
        lambda: cu.plot_function(np.sin, ax=ax),
        lambda: cu.plot_descent_1d(r1, "quadratic", ax=ax),
        lambda: cu.plot_contour(cu.quadratic, ax=ax),
        lambda: cu.plot_trajectories_2d(r2, cu.sextic, ax=ax),
        lambda: cu.plot_surface(cu.steep),
    ]
    for call in calls:
        with pytest.raises(ValueError, match=r"^obj must be a [12]-D course_utils Objective"):
            call()


@pytest.mark.parametrize("call", [
    lambda bad: cu.plot_function(cu.quadratic, ax=bad),
    lambda bad: cu.plot_history([1.0, 2.0], ax=bad),
    lambda bad: cu.plot_contour(cu.peaks, ax=bad, n=10),
    lambda bad: cu.plot_heatmap(np.zeros((1, 2)), [0, 1], [0], ax=bad),
    lambda bad: cu.plot_basins(np.zeros((1, 2), dtype=int), [0, 1], [0], names=["a"], ax=bad),
], ids=["function", "history", "contour", "heatmap", "basins"])
@pytest.mark.parametrize("bad", ["left", 0, [1, 2]])
def test_ax_must_be_an_axes(call, bad):
    with pytest.raises(ValueError, match=r"^ax must be a matplotlib Axes"):
        call(bad)


@pytest.mark.parametrize("kwargs, name", [
    (dict(points="here"), "points"),
    (dict(n=1), "n"), (dict(n=100.0), "n"), (dict(n=True), "n"),
    (dict(xlim=(1.0, -1.0)), "xlim"), (dict(xlim=(0.0, np.nan)), "xlim"), (dict(xlim=(0, 1, 2)), "xlim"),
    (dict(xlim="wide"), "xlim"), (dict(derivative="yes"), "derivative"),
])
def test_plot_function_bad_arguments(ax, kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        cu.plot_function(cu.quadratic, ax=ax, **kwargs)


@pytest.mark.parametrize("kwargs, name", [
    (dict(n=1), "n"), (dict(n=2.5), "n"), (dict(levels=0), "levels"), (dict(filled="no"), "filled"),
])
def test_plot_contour_bad_arguments(ax, kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        cu.plot_contour(cu.peaks, ax=ax, **kwargs)


def test_plot_history_bad_values(ax):
    with pytest.raises(ValueError, match=r"^values must be numeric"):
        cu.plot_history(["a", "b"], ax=ax)
    with pytest.raises(ValueError, match=r"^values"):
        cu.plot_history(3.0, ax=ax)


def test_plot_heatmap_bad_axes_values(ax):
    with pytest.raises(ValueError, match=r"^values must be numeric"):
        cu.plot_heatmap("grid", [0], [0], ax=ax)
    with pytest.raises(ValueError, match=r"^x must be numeric"):
        cu.plot_heatmap(np.zeros((1, 1)), ["a"], [0], ax=ax)
    with pytest.raises(ValueError, match=r"^y must be finite"):
        cu.plot_heatmap(np.zeros((1, 1)), [0], [np.nan], ax=ax)


def test_plot_basins_bad_names(ax):
    with pytest.raises(ValueError, match=r"^names"):
        cu.plot_basins(np.zeros((1, 2), dtype=int), [0, 1], [0], names="ab", ax=ax)
    with pytest.raises(ValueError, match=r"^names"):
        cu.plot_basins(np.zeros((1, 2), dtype=int), [0, 1], [0], names=[], ax=ax)


def test_importing_course_utils_leaves_matplotlib_settings_alone():
    import os
    import subprocess
    import sys

    code = ("import matplotlib as mpl; before = dict(mpl.rcParams); backend = mpl.get_backend(); "
            "import course_utils; assert dict(mpl.rcParams) == before; assert mpl.get_backend() == backend")
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "MPLBACKEND": "Agg"})
