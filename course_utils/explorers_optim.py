"""The optimisation explorers' pure parts (notebooks 16 and 17), and the bowl they draw on.

Like :mod:`course_utils.explorers`, each explorer is a ``compute_*`` function that runs the
experiment and returns an :class:`~course_utils.explorers.Exploration`, and a ``draw_*``
function that draws it on its own ``matplotlib.figure.Figure`` (never pyplot's); the
ipywidgets wrappers in ``course_utils.widgets`` only tie sliders to the two.

The cost of a linear unit with one input, ``J(w, b) = mean((w x + b - y)^2)``, is a quadratic
bowl in the plane of its two parameters. :func:`mse_bowl` makes it an :class:`Objective`, so
the contour, the exact minimum (least squares) and full-batch gradient descent on it are the
course's usual tools:

>>> import numpy as np, course_utils as cu
>>> bowl = cu.mse_bowl(np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0]))
>>> bowl
Objective(mse_bowl: J(w, b) = \\overline{(w x + b - y)^2}, ndim=2)
>>> [round(v, 6) for v in bowl.minima[0]], round(bowl(np.array(bowl.minima[0])), 12)
([2.0, 1.0], 0.0)
"""
from __future__ import annotations

import numpy as np
from matplotlib.ticker import LogLocator, NullLocator

from . import _validate
from ._scene import message_artist, new_line, prepare, set_message, style_axes, title_artist
from .descent import gradient_descent
from .explorers import Exploration, _exploration, _fmt
from .functions import Objective
from .nn.data import linear_1d
from .nn.network import Network
from .optimizers import momentum
from .plotting import plot_contour
from .style import MARKER, ROLE

__all__ = ["BATCH_SIZES", "compute_minibatch", "compute_momentum", "draw_minibatch", "draw_momentum",
           "elongated_bowl", "minibatch_data", "mse_bowl"]

#: The batch sizes the mini-batch explorer offers (its data set has 64 samples).
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64)

# The top fifth is the band for the moving titles and the red message above them.
_TWO_PANELS = {"left": 0.085, "right": 0.98, "bottom": 0.14, "top": 0.8, "wspace": 0.28}


def mse_bowl(x, y, *, domain=None, name="mse_bowl"):
    r"""The mean squared error of ``y_hat = w x + b`` as a 2-D :class:`Objective` of ``(w, b)``.

    .. math:: J(w, b) = \frac1n \sum_i (w x_i + b - y_i)^2
              = w^2 \overline{x^2} + 2 w b\, \bar x + b^2 - 2 w\, \overline{xy} - 2 b\, \bar y + \overline{y^2}

    Only the five averages are kept, so evaluating ``J`` on a contour grid costs the same
    whatever the number of samples.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        Inputs and targets, n >= 2 with at least two different ``x``.
    domain : ((w_lo, w_hi), (b_lo, b_hi)), optional
        The range to plot; by default 3 units either side of the minimum.
    name : str

    Returns
    -------
    Objective
        ``minima`` holds the least-squares ``(w*, b*)``, the bottom of the bowl.
    """
    x = _validate.finite_array("x", x)
    y = _validate.finite_array("y", y)
    if x.ndim != 1 or x.shape != y.shape or x.size < 2:
        raise ValueError(f"x and y must be 1-D arrays of the same length >= 2, got shapes {x.shape} and {y.shape}")
    mx, my, mxx, mxy, myy = x.mean(), y.mean(), np.mean(x * x), np.mean(x * y), np.mean(y * y)
    var = mxx - mx * mx
    if not var > 1e-12 * max(1.0, mxx):
        raise ValueError("x must hold at least two different values: with one, the bowl has no single bottom")
    w_star = (mxy - mx * my) / var
    b_star = my - w_star * mx

    # Products, not powers: x ** 2 and x * x may differ by an ulp (see the guide's pitfalls).
    def f(w, b):
        return w * w * mxx + 2 * w * b * mx + b * b - 2 * w * mxy - 2 * b * my + myy

    def df(w, b):
        return 2 * (w * mxx + b * mx - mxy), 2 * (w * mx + b - my)

    if domain is None:
        domain = ((w_star - 3.0, w_star + 3.0), (b_star - 3.0, b_star + 3.0))
    domain = _domain(domain)
    return Objective(name, r"J(w, b) = \overline{(w x + b - y)^2}", f, df, ndim=2, domain=domain,
                     minima=((float(w_star), float(b_star)),))


def _domain(domain):
    d = _validate.finite_array("domain", domain)
    if d.shape != (2, 2) or not (d[0, 0] < d[0, 1] and d[1, 0] < d[1, 1]):
        raise ValueError(f"domain must be ((w_lo, w_hi), (b_lo, b_hi)) with lo < hi, got {domain!r}")
    return ((float(d[0, 0]), float(d[0, 1])), (float(d[1, 0]), float(d[1, 1])))


def elongated_bowl(condition=100.0, *, angle=0.0):
    r"""An ill-conditioned quadratic bowl, :math:`f = \tfrac12 (u^2 + \kappa v^2)`, as a 2-D Objective.

    ``(u, v)`` are ``(x, y)`` turned by ``angle`` (radians): with ``angle=0`` the long axis is
    ``x``. The Hessian has eigenvalues 1 and ``condition`` (:math:`\kappa`), so plain descent
    is stable only for learning rates below ``2 / condition`` and then crawls along the long
    axis, by the factor ``1 - learning_rate`` per step.

    Parameters
    ----------
    condition : float, default 100
        The condition number, the ratio of the largest to the smallest curvature, >= 1.
    angle : float, default 0
        Rotation of the long axis from the x axis, in radians.

    Returns
    -------
    Objective
        Domain ``((-3, 3), (-1, 1))`` (``((-3, 3), (-3, 3))`` when turned); minimum at the origin.

    >>> b = elongated_bowl(100.0)
    >>> b(np.array([1.0, 0.1])), b.grad(np.array([1.0, 0.1])).tolist()
    (1.0, [1.0, 10.0])
    """
    kappa = _validate.positive_number("condition", condition)
    if kappa < 1:
        raise ValueError(f"condition must be >= 1 (largest curvature / smallest), got {condition!r}")
    angle = _validate.finite_number("angle", angle)
    c, s = np.cos(angle), np.sin(angle)

    def f(x, y):
        u, v = c * x + s * y, -s * x + c * y
        return 0.5 * (u * u + kappa * v * v)

    def df(x, y):
        u, v = c * x + s * y, -s * x + c * y
        return c * u - s * kappa * v, s * u + c * kappa * v

    domain = ((-3.0, 3.0), (-1.0, 1.0)) if angle == 0 else ((-3.0, 3.0), (-3.0, 3.0))
    turned = "" if angle == 0 else f", turned {angle:g} rad"
    return Objective(f"elongated_bowl(condition={kappa:g}{turned})", rf"\tfrac12(u^2 + {kappa:g} v^2)",
                     f, df, ndim=2, domain=domain, minima=((0.0, 0.0),))


#: Values below this are drawn at it: the log axes of the explorers end there.
_FLOOR = 1e-12


def _log_axis(ax):
    """A log axis from the floor up, with a handful of major ticks and no minor ones.

    A path that converges to 1e-70 would otherwise span 70 decades of tick labels, and laying
    those out costs most of a redraw.
    """
    bottom, top = ax.get_ylim()
    ax.set_ylim(max(bottom, _FLOOR / 2), top)
    ax.yaxis.set_major_locator(LogLocator(numticks=6))
    ax.yaxis.set_minor_locator(NullLocator())


# ----------------------------------------------------------------------- mini-batch (16)

_MINIBATCH_DOMAIN = ((-1.5, 4.5), (-3.5, 3.5))


def minibatch_data(*, n=64, seed=16):
    """The explorer's regression data: ``linear_1d(n, w=2, b=-1, noise=0.5)`` from ``seed``."""
    return linear_1d(n, w=2.0, b=-1.0, noise=0.5, rng=seed)


def compute_minibatch(*, batch_size=8, learning_rate=0.05, epochs=10, n=64, seed=16,
                      start=(-1.0, 2.5)):
    """Mini-batch gradient descent on a linear unit, its path over the cost bowl (notebook 16).

    The data (``n`` samples, :func:`minibatch_data`) and the shuffling both come from
    ``seed``, so moving a slider changes only what the slider controls.

    Parameters
    ----------
    batch_size : int
        Samples per update, 1 <= batch_size <= n (``n``: full batch).
    learning_rate : float
        Step size > 0.
    epochs : int
        Passes over the data, >= 1.
    n : int
        Number of samples, >= 2.
    seed : int
        Draws the data and the shuffles.
    start : (float, float)
        Initial ``(w, b)``.

    Returns
    -------
    Exploration
        ``numbers`` holds ``"w"``, ``"b"`` (the end of the path), ``"excess cost"``
        (``J - J*`` there, the distance to the bottom of the bowl) and ``"updates"``;
        ``result`` is the :class:`~course_utils.nn.History` with ``parameters`` of
        shape ``(updates + 1, 2)``; ``objective`` the :func:`mse_bowl`.
    """
    n = _validate.integer("n", n, minimum=2)
    batch_size = _validate.integer("batch_size", batch_size, minimum=1)
    if batch_size > n:
        raise ValueError(f"batch_size must be <= the number of samples n = {n}, got {batch_size}")
    learning_rate = _validate.positive_number("learning_rate", learning_rate)
    epochs = _validate.integer("epochs", epochs, minimum=1)
    seed = _validate.integer("seed", seed, minimum=0)
    start = _validate.points("start", start, 2)
    if start.shape != (2,):
        raise ValueError(f"start must be one point (w, b), got shape {start.shape}")

    x, y = minibatch_data(n=n, seed=seed)
    bowl = mse_bowl(x[:, 0], y, domain=_MINIBATCH_DOMAIN)
    net = Network([1, 1], activations=["identity"], init=0.0)
    net.set_parameter_vector(start)
    history = net.fit(x, y, learning_rate=learning_rate, epochs=epochs, batch_size=batch_size,
                      rng=np.random.default_rng(seed + 1), record_parameters="update")
    # A diverged run's recorded path stops where fit() froze it; the readout says "diverged".
    end = np.full(2, np.nan) if history.diverged else history.parameters[-1]
    excess = bowl.f(*end) - bowl.f(*bowl.minima[0])
    updates = history.parameters.shape[0] - 1
    numbers = {"w": float(end[0]), "b": float(end[1]), "excess cost": float(excess), "updates": updates}
    kind = "full batch" if batch_size == n else f"batch size {batch_size}"
    readout = (f"{kind} of {n} · learning rate {learning_rate:g} · {epochs} epochs = {updates} updates "
               f"→ w = {_fmt(end[0], 4)}, b = {_fmt(end[1], 4)}, J − J* = {_fmt(excess, 5)}")
    message = ""
    if history.diverged:
        message = (f"Diverged in epoch {int(history.diverged_at)}: the steps grew without bound. "
                   "Try a smaller learning rate (small batches need smaller ones).")
    settings = {"batch_size": batch_size, "learning_rate": learning_rate, "epochs": epochs, "n": n,
                "seed": seed, "start": (float(start[0]), float(start[1]))}
    update = (f"shuffle; for each batch B of {batch_size}: (w, b) ← (w, b) − {learning_rate:g} · "
              "(2/|B|) Σ_B (w x + b − y) (x, 1)")
    return Exploration("minibatch", settings, numbers, readout, message, history, bowl, update=update)


def draw_minibatch(exploration, fig=None):
    """The path over the bowl's contour (left) and the excess cost per epoch (right).

    Returns the two Axes. Drawn once per figure; later calls with the same ``fig`` and the
    same data only move the path, the curve and the texts (a redraw is then quick).
    """
    exploration = _exploration("exploration", exploration, "minibatch")
    s = exploration.settings
    per_epoch = -(-s["n"] // s["batch_size"])  # updates per epoch, rounded up
    key = ("minibatch", s["n"], s["seed"], s["start"], s["epochs"])
    fig, scene, fresh = prepare(fig, (9, 4.0), key)
    bowl, path = exploration.objective, exploration.result.parameters
    if fresh:
        fig.subplots_adjust(**_TWO_PANELS)
        ax_path, ax_cost = fig.subplots(1, 2)
        scene.axes = (ax_path, ax_cost)
        plot_contour(bowl, ax=ax_path, n=80, levels=np.geomspace(0.26, 40, 14), filled=False, cmap="viridis")
        scene.path = new_line(ax_path, "-", color=ROLE["path"], lw=0.9, marker=MARKER["path"], ms=3,
                           label="path (one dot per update)")
        (start,) = ax_path.plot(*path[0], MARKER["start"], color=ROLE["start"], ms=6, label="start")
        ax_path.plot(*bowl.minima[0], "*", color=ROLE["end"], ms=12, mec="k", label="least squares")
        (w0, w1), (b0, b1) = bowl.domain
        ax_path.set_xlim(w0, w1)
        ax_path.set_ylim(b0, b1)
        ax_path.set_aspect("auto")  # fill the panel; the bowl's axes have different units anyway
        ax_path.set_xlabel("weight $w$")
        ax_path.set_ylabel("bias $b$")
        ax_path.legend(fontsize=9, loc="lower left")
        scene.curve = new_line(ax_cost, "-", color=ROLE["function"], lw=1)
        ax_cost.set_yscale("log")
        ax_cost.set_xlim(0, s["epochs"])
        ax_cost.set_ylim(_FLOOR / 2, 1e3)
        _log_axis(ax_cost)
        ax_cost.set_xlabel("epoch")
        ax_cost.set_ylabel("excess cost $J - J^*$")
        ax_cost.set_title("distance to the bottom of the bowl", fontsize=10)
        for ax in scene.axes:
            style_axes(ax)
        scene.title = title_artist(ax_path)
        scene.message = message_artist(fig, 100)
        scene.moving += ["path", "curve", "title", "message"]
    ok = np.all(np.isfinite(path), axis=1)
    scene.path.set_data(path[ok, 0], path[ok, 1])
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged path may be huge
        excess = bowl.f(path[:, 0], path[:, 1]) - bowl.f(*bowl.minima[0])
    t = np.arange(path.shape[0]) / per_epoch
    scene.curve.set_data(t[ok], np.maximum(excess[ok], _FLOOR))
    scene.title.set_text(f"batch size {s['batch_size']} ({per_epoch} update{'s' * (per_epoch > 1)} per epoch), "
                         f"learning rate {s['learning_rate']:g}, {s['epochs']} epoch{'s' * (s['epochs'] > 1)}")
    set_message(scene.message, exploration.message)
    return scene.axes


# ------------------------------------------------------------------------- momentum (17)

def _epochs_to(values, level):
    """First epoch whose value is below ``level`` (-1: never)."""
    below = np.asarray(values) < level
    return int(np.argmax(below)) if below.any() else -1


def compute_momentum(*, learning_rate=0.019, beta=0.9, epochs=100, condition=100.0, start=(-2.5, 0.5)):
    """Momentum on :func:`elongated_bowl`, next to plain descent with the same learning rate.

    Both runs are one :func:`gradient_descent` call: momentum with ``beta = [0, beta]`` is
    plain descent for its first run, bit for bit.

    Parameters
    ----------
    learning_rate : float
        Step size alpha > 0 (plain descent is stable below ``2 / condition``).
    beta : float
        Momentum in [0, 1).
    epochs : int
        Number of steps, >= 1.
    condition : float
        The bowl's condition number, >= 1.
    start : (float, float)

    Returns
    -------
    Exploration
        ``numbers`` holds ``"f momentum"``, ``"f plain"`` (the value after the last epoch)
        and ``"epochs to 1e-6 momentum"``, ``"epochs to 1e-6 plain"`` (-1: not reached);
        ``result.path`` has shape ``(epochs + 1, 2, 2)``: run 0 plain, run 1 momentum.
    """
    learning_rate = _validate.positive_number("learning_rate", learning_rate)
    epochs = _validate.integer("epochs", epochs, minimum=1)
    start = _validate.points("start", start, 2)
    if start.shape != (2,):
        raise ValueError(f"start must be one point (x, y), got shape {start.shape}")
    bowl = elongated_bowl(condition)
    beta_value = _validate.probability("beta", beta)
    if beta_value >= 1:  # a ball with beta = 1 never slows down: no run converges
        raise ValueError(f"beta must be in [0, 1) (one number for this explorer), got {beta!r}")
    result = gradient_descent(bowl, start, learning_rate=learning_rate, epochs=epochs,
                              optimizer=momentum(beta=np.array([0.0, beta_value])))
    with np.errstate(over="ignore", invalid="ignore"):
        values = bowl.f(result.path[..., 0], result.path[..., 1])        # (epochs + 1, 2)
    numbers = {"f plain": float(values[-1, 0]), "f momentum": float(values[-1, 1]),
               "epochs to 1e-6 plain": _epochs_to(values[:, 0], 1e-6),
               "epochs to 1e-6 momentum": _epochs_to(values[:, 1], 1e-6)}

    def reached(k):
        return f"f < 1e-6 at epoch {k}" if k >= 0 else "f < 1e-6 not reached"

    def value(v):
        return "diverged" if not np.isfinite(v) else f"{v:.2e}"

    readout = (f"learning rate {learning_rate:g} · {epochs} epochs · momentum beta {beta_value:g}: "
               f"f = {value(numbers['f momentum'])}, {reached(numbers['epochs to 1e-6 momentum'])} · "
               f"plain descent: f = {value(numbers['f plain'])}, {reached(numbers['epochs to 1e-6 plain'])}")
    message = ""
    if result.diverged.any():
        which = " and ".join(name for name, d in zip(("plain descent", "momentum"), result.diverged) if d)
        first = int(result.diverged_at[result.diverged].min())
        kappa = float(condition)
        # Heavy-ball momentum on a quadratic is stable for learning_rate * curvature < 2 (1 + beta).
        message = (f"{which[0].upper() + which[1:]} diverged (from epoch {first}): the steps grew without "
                   f"bound. On this bowl plain descent is stable below 2 / {kappa:g} = {2 / kappa:.3g}, "
                   f"momentum below 2 (1 + beta) / {kappa:g} = {2 * (1 + beta_value) / kappa:.3g}.")
    settings = {"learning_rate": learning_rate, "beta": beta_value, "epochs": epochs,
                "condition": float(condition), "start": (float(start[0]), float(start[1]))}
    update = f"m ← {beta_value:g} m + ∇f(x, y);  (x, y) ← (x, y) − {learning_rate:g} m"
    return Exploration("momentum", settings, numbers, readout, message, result, bowl, update=update)


def draw_momentum(exploration, fig=None):
    """Both paths over the bowl's contour (left) and f per epoch (right); returns the two Axes.

    Drawn once per figure; later calls with the same ``fig`` and the same bowl and epochs only
    move the paths, the curves and the texts.
    """
    exploration = _exploration("exploration", exploration, "momentum")
    s = exploration.settings
    key = ("momentum", s["condition"], s["start"], s["epochs"])
    fig, scene, fresh = prepare(fig, (9, 4.0), key)
    bowl, result = exploration.objective, exploration.result
    styles = [("plain descent", ROLE["reference"], "--", "s"), ("momentum", ROLE["path"], "-", "o")]
    if fresh:
        fig.subplots_adjust(**_TWO_PANELS)
        ax_path, ax_f = fig.subplots(1, 2)
        scene.axes = (ax_path, ax_f)
        plot_contour(bowl, ax=ax_path, n=120, levels=np.geomspace(0.01, 50, 14), filled=False)
        scene.paths = [new_line(ax_path, style, color=colour, marker=marker, ms=2.5, lw=1, label=label)
                       for label, colour, style, marker in styles]
        scene.curves = [new_line(ax_f, style, color=colour, lw=1.4, label=label)
                        for label, colour, style, _ in styles]
        ax_path.plot(*result.path[0, 0], MARKER["start"], color=ROLE["start"], ms=6)
        ax_path.plot(0.0, 0.0, "*", color=ROLE["end"], ms=12, mec="k", label="minimum")
        (x0, x1), (y0, y1) = bowl.domain
        ax_path.set_xlim(x0, x1)
        ax_path.set_ylim(y0, y1)
        ax_path.set_aspect("auto")
        ax_path.set_xlabel("$x$")
        ax_path.set_ylabel("$y$")
        ax_path.legend(fontsize=9, loc="lower right")
        ax_f.set_yscale("log")
        ax_f.set_xlim(0, s["epochs"])
        ax_f.set_ylim(_FLOOR / 2, 1e4)
        _log_axis(ax_f)
        ax_f.axhline(1e-6, color=ROLE["reference"], lw=0.8, ls=":")
        ax_f.set_xlabel("epoch")
        ax_f.set_ylabel("$f(x, y)$")
        ax_f.set_title("the value per epoch (dotted: 1e-6)", fontsize=10)
        ax_f.legend(fontsize=9, loc="upper right")
        for ax in scene.axes:
            style_axes(ax)
        scene.title = title_artist(ax_path)
        scene.message = message_artist(fig, 100)
        scene.moving += ["paths", "curves", "title", "message"]
    with np.errstate(over="ignore", invalid="ignore"):
        values = bowl.f(result.path[..., 0], result.path[..., 1])
    for k, (line, curve) in enumerate(zip(scene.paths, scene.curves)):
        p = result.path[:, k]
        ok = np.all(np.isfinite(p), axis=1)
        line.set_data(p[ok, 0], p[ok, 1])
        ok_f = np.isfinite(values[:, k])
        curve.set_data(np.flatnonzero(ok_f), np.maximum(values[ok_f, k], _FLOOR))
    scene.title.set_text(f"learning rate {s['learning_rate']:g}, beta {s['beta']:g}, "
                         f"{s['epochs']} epoch{'s' * (s['epochs'] > 1)}, bowl of condition {s['condition']:g}")
    set_message(scene.message, exploration.message)
    return scene.axes
