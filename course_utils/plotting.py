"""Plot helpers. Each takes ``ax=None``, draws on it (or on the current Axes) and returns it.

Diverged runs are never drawn as silent gaps: their last finite point is marked with a
cross and the legend says at which epoch they diverged.
"""
from __future__ import annotations

import numbers

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from . import _validate
from .descent import DescentResult
from .functions import Objective
from .style import MARKER, MINIMA, ROLE

__all__ = [
    "plot_function", "plot_descent_1d", "plot_history", "plot_contour",
    "plot_trajectories_2d", "plot_surface", "plot_heatmap", "plot_basins",
]


def _axes(ax):
    if ax is None:
        return plt.gca()
    if not isinstance(ax, Axes):
        raise ValueError(f"ax must be a matplotlib Axes or None, got {_validate.describe(ax)}")
    return ax


def _cmap(name, value, *, allow_none=False):
    """A colormap name matplotlib knows (or a Colormap); the error lists a few valid names."""
    if value is None and allow_none:
        return None
    if isinstance(value, mcolors.Colormap):
        return value
    if not isinstance(value, str) or value not in plt.colormaps():
        raise ValueError(f"{name} must be a matplotlib colormap name such as 'viridis', 'cividis' or "
                         f"'magma', got {_validate.describe(value)}")
    return value


def _color(name, value):
    if isinstance(value, (bool, np.bool_)) or value is None or not mcolors.is_color_like(value):
        raise ValueError(f"{name} must be a matplotlib colour such as 'w', 'k' or '#0072b2', "
                         f"got {_validate.describe(value)}")
    return value


def _grid_axis(name, value):
    arr = _validate.finite_array(name, value)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of coordinates, got shape {arr.shape}")
    return arr


def _objective(name, obj, ndim):
    if not isinstance(obj, Objective) or obj.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D course_utils Objective, got {_validate.describe(obj)}")
    return obj


def _result(name, result, ndim):
    if not isinstance(result, DescentResult) or result.ndim != ndim:
        raise ValueError(f"{name} must be the DescentResult of a {ndim}-D gradient_descent run, "
                         f"got {_validate.describe(result)}")
    return result


def _limits(name, value):
    lim = _validate.finite_array(name, value)
    if lim.shape != (2,) or not lim[0] < lim[1]:
        raise ValueError(f"{name} must be a pair (low, high) with low < high, got {value!r}")
    return float(lim[0]), float(lim[1])


def _levels(levels):
    if isinstance(levels, numbers.Integral):
        return _validate.integer("levels", levels, minimum=1)
    values = _validate.finite_array("levels", levels)
    if values.ndim != 1 or np.any(np.diff(values) <= 0):
        raise ValueError(f"levels must be a count or increasing values, got {levels!r}")
    return values


def plot_function(obj, *, ax=None, xlim=None, points=None, points_label=None, derivative=True, n=400):
    """Draw a 1-D objective, its derivative (dashed) and optional found points.

    Parameters
    ----------
    obj : Objective
        A 1-D objective.
    ax : matplotlib Axes, optional
    xlim : (float, float), optional
        Range of x; defaults to ``obj.domain``.
    points : float or array_like, optional
        Points to mark on the curve (e.g. where descent ended); NaN entries are skipped.
    points_label : str, optional
        Legend text for ``points``; default "found point(s)". Say what they are: a known
        minimum marked without running descent is not a "found" point.
    derivative : bool, default True
        Also draw f'(x).
    """
    obj = _objective("obj", obj, 1)
    n = _validate.integer("n", n, minimum=2)
    derivative = _validate.flag("derivative", derivative)
    lo, hi = obj.domain if xlim is None else _limits("xlim", xlim)
    if points is not None:
        points = _validate.as_float_array("points", points)
    points_label = _validate.text("points_label", points_label, allow_none=True)
    ax = _axes(ax)
    x = np.linspace(lo, hi, n)
    ax.plot(x, obj(x), color=ROLE["function"], ls="-", label=f"$f(x) = {obj.formula}$")
    if derivative:
        ax.plot(x, obj.grad(x), color=ROLE["derivative"], ls="--", label="$f'(x)$")
    if points is not None:
        p = np.ravel(points)
        p = p[np.isfinite(p)]
        label = points_label if points_label is not None else "found point" + "s" * (p.size > 1)
        ax.plot(p, obj(p), MARKER["end"], color=ROLE["end"], ms=7, mec="k", label=label, zorder=3)
    ax.axhline(0, color=ROLE["reference"], lw=0.8, zorder=0)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$f(x)$, $f'(x)$" if derivative else "$f(x)$")
    ax.legend(loc="best")
    return ax


def plot_descent_1d(result, obj, *, ax=None, n=400):
    """Draw the function and the path a single 1-D run took on it, start to end."""
    obj = _objective("obj", obj, 1)
    path = np.asarray(_result("result", result, 1).path, dtype=float)
    if path.ndim != 1:
        raise ValueError(f"result must hold a single 1-D run, got path shape {path.shape}")
    ax = plot_function(obj, ax=ax, derivative=False, n=n)
    ok = np.isfinite(path)
    ax.plot(path[ok], obj(path[ok]), ".-", color=ROLE["path"], ms=4, lw=0.8, alpha=0.8, label="path")
    ax.plot(path[0], obj(path[0]), MARKER["start"], color=ROLE["start"], label="start")
    _mark_divergence(ax, result, path[ok][-1:], obj(path[ok][-1:]))
    ax.legend(loc="best")
    return ax


def plot_history(values, *, ax=None, label=None, ylabel="", logy=False):
    """Plot a quantity recorded per epoch (x, f'(x), a loss, a learning rate...)."""
    values = _validate.as_float_array("values", values)
    if values.ndim == 0:
        raise ValueError(f"values must hold one entry per epoch (an array), got {values!r}")
    logy = _validate.flag("logy", logy)
    label = _validate.text("label", label, allow_none=True)
    ylabel = _validate.text("ylabel", ylabel)
    ax = _axes(ax)
    ax.plot(np.arange(values.shape[0]), values, label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    if label is not None:
        ax.legend()
    return ax


def plot_contour(obj, *, ax=None, n=200, levels=30, filled=True, cmap="viridis"):
    """Contour map of a 2-D objective over its domain; returns the Axes."""
    obj = _objective("obj", obj, 2)
    n = _validate.integer("n", n, minimum=2)
    levels = _levels(levels)
    filled = _validate.flag("filled", filled)
    cmap = _cmap("cmap", cmap)
    ax = _axes(ax)
    (x0, x1), (y0, y1) = obj.domain
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    draw = ax.contourf if filled else ax.contour
    cs = draw(X, Y, obj.xy(X, Y), levels=levels, cmap=cmap)
    if filled:
        ax.figure.colorbar(cs, ax=ax, shrink=0.85, label="$f(x, y)$")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.set_aspect("equal")
    return ax


def plot_trajectories_2d(result, obj, *, ax=None, color="w", contour=True):
    """Draw every run of a 2-D result over the objective's contour map.

    Each path starts at a square and ends at a dot (both in the legend); a diverged run ends
    at a cross.
    """
    obj = _objective("obj", obj, 2)
    _result("result", result, 2)
    color = _color("color", color)
    ax = plot_contour(obj, ax=ax) if _validate.flag("contour", contour) else _axes(ax)
    paths = np.asarray(result.path, dtype=float).reshape(result.path.shape[0], -1, 2)
    for k in range(paths.shape[1]):
        p = paths[:, k]
        p = p[np.all(np.isfinite(p), axis=1)]
        ax.plot(p[:, 0], p[:, 1], "-", color=color, lw=1.2)
        ax.plot(*p[0], MARKER["start"], color=color, ms=5, mec="k", label="start" if k == 0 else None)
        ax.plot(*p[-1], MARKER["end"], color=ROLE["end"], ms=6, mec="k", label="end" if k == 0 else None)
    ends = paths[-1]
    last = [paths[np.all(np.isfinite(paths[:, k]), axis=1), k][-1] for k in range(paths.shape[1])]
    _mark_divergence(ax, result, *np.array(last)[~np.all(np.isfinite(ends), axis=1)].T)
    ax.legend(loc="best")
    return ax


def plot_surface(obj, *, ax=None, n=80, cmap="viridis", alpha=0.85, result=None):
    """A 3-D surface of a 2-D objective (``ax`` must be a 3-D Axes, or None)."""
    obj = _objective("obj", obj, 2)
    n = _validate.integer("n", n, minimum=2)
    cmap = _cmap("cmap", cmap)
    alpha = _validate.probability("alpha", alpha)
    if result is not None:
        _result("result", result, 2)
    if ax is None:
        ax = plt.figure(figsize=(6, 5)).add_subplot(projection="3d")
    if getattr(ax, "name", None) != "3d":
        raise ValueError(f"ax must be a 3-D Axes (add_subplot(projection='3d')), got {ax!r}")
    (x0, x1), (y0, y1) = obj.domain
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    ax.plot_surface(X, Y, obj.xy(X, Y), cmap=cmap, alpha=alpha, linewidth=0)
    if result is not None:
        paths = np.asarray(result.path, dtype=float).reshape(result.path.shape[0], -1, 2)
        for k in range(paths.shape[1]):
            p = paths[np.all(np.isfinite(paths[:, k]), axis=1), k]
            ax.plot(p[:, 0], p[:, 1], obj(p) + 0.1, "-", color="w", lw=2, zorder=10)
            ax.plot([p[-1, 0]], [p[-1, 1]], [obj(p[-1]) + 0.1], MARKER["end"], color=ROLE["end"], zorder=11)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.set_zlabel("$f$")
    return ax


def plot_heatmap(values, x, y, *, ax=None, xlabel="", ylabel="", cbar_label="", cmap="viridis",
                 logx=False, logy=False):
    """Heatmap of ``values`` with shape ``(len(y), len(x))``; NaN cells show in grey."""
    values = _validate.as_float_array("values", values)
    x, y = _grid_axis("x", x), _grid_axis("y", y)
    logx, logy = _validate.flag("logx", logx), _validate.flag("logy", logy)
    xlabel, ylabel = _validate.text("xlabel", xlabel), _validate.text("ylabel", ylabel)
    cbar_label, cmap = _validate.text("cbar_label", cbar_label), _cmap("cmap", cmap)
    if values.shape != (y.size, x.size):
        raise ValueError(f"values must have shape (len(y), len(x)) = {(y.size, x.size)}, got {values.shape}")
    ax = _axes(ax)
    cmap_obj = plt.get_cmap(cmap).with_extremes(bad="0.6")
    mesh = ax.pcolormesh(x, y, np.ma.masked_invalid(values), cmap=cmap_obj, shading="nearest")
    ax.figure.colorbar(mesh, ax=ax, label=cbar_label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    return ax


def plot_basins(labels, x, y, *, names, ax=None, cmap=None, colors=None):
    """Colour each start ``(x[j], y[i])`` by the label of the point it reached.

    By default label k gets ``style.MINIMA[k]``, the colour the k-th minimum has in every
    notebook; ``colors`` (one matplotlib colour per name, e.g. ``style.MAXIMA``) or ``cmap``
    (a matplotlib colormap) pick other colours.

    Parameters
    ----------
    labels : ndarray of int, shape (len(y), len(x))
        Index into ``names`` for each start; -1 for "none of them" (drawn grey).
    names : sequence of str
        Legend text for each label.
    """
    if (not isinstance(names, (list, tuple)) or not names
            or not all(isinstance(name, str) for name in names)):
        raise ValueError(f"names must be a non-empty list of strings, got {_validate.describe(names)}")
    x, y = _grid_axis("x", x), _grid_axis("y", y)
    cmap = _cmap("cmap", cmap, allow_none=True)
    labels = np.asarray(labels)
    if labels.shape != (len(y), len(x)):
        raise ValueError(f"labels must have shape (len(y), len(x)) = {(len(y), len(x))}, got {labels.shape}")
    if not np.issubdtype(labels.dtype, np.integer) or np.any(labels < -1) or np.any(labels >= len(names)):
        raise ValueError(f"labels must be integers from -1 to len(names) - 1 = {len(names) - 1}, "
                         f"got the values {np.unique(labels).tolist()}")
    if colors is not None:
        if cmap is not None:
            raise ValueError(f"give colors or cmap, not both (got cmap={cmap!r})")
        try:
            colors = mcolors.to_rgba_array(colors)
        except (ValueError, TypeError):
            raise ValueError(f"colors must be a sequence of matplotlib colours, got {colors!r}") from None
        if len(colors) != len(names):
            raise ValueError(f"colors must have one colour per name ({len(names)}), got {len(colors)}")
    ax = _axes(ax)
    if colors is None and cmap is None:
        colors = mcolors.to_rgba_array([MINIMA[k % len(MINIMA)] for k in range(len(names))])
    elif colors is None:
        cm = plt.get_cmap(cmap)
        # a qualitative map (tab10, ...) is indexed colour by colour; a continuous one is sampled evenly
        colors = cm(np.arange(len(names)) % cm.N) if cm.N <= 20 else cm(np.linspace(0, 1, len(names)))
    rgb = np.where(labels[..., None] >= 0, colors[np.clip(labels, 0, None)], 0.75)
    # pixel (i, j) is centred on the start (x[j], y[i]): the image reaches half a step beyond the grid
    dx = (x[-1] - x[0]) / (len(x) - 1) if len(x) > 1 else 1.0
    dy = (y[-1] - y[0]) / (len(y) - 1) if len(y) > 1 else 1.0
    extent = (x[0] - dx / 2, x[-1] + dx / 2, y[0] - dy / 2, y[-1] + dy / 2)
    ax.imshow(rgb, origin="lower", extent=extent, interpolation="nearest")
    for color, name in zip(colors, names):
        ax.plot([], [], "s", color=color, mec="k", label=name)
    if np.any(labels < 0):
        ax.plot([], [], "s", color="0.75", mec="k", label="elsewhere")
    ax.legend(loc="upper right", framealpha=0.9)
    ax.set_xlabel("start $x$")
    ax.set_ylabel("start $y$")
    return ax


def _mark_divergence(ax, result, xs, ys):
    if not np.any(result.diverged):
        return
    ax.plot(xs, ys, MARKER["diverged"], color=ROLE["diverged"], ms=10, mec="k",
            label=f"diverged (epoch {int(result.diverged_at[result.diverged].min())})")
