"""The explorers' pure parts: one compute function and one draw function per explorer.

Each explorer of the "Explore" sections is built from three pieces:

* ``compute_*(...)`` runs the experiment with :func:`course_utils.gradient_descent` and
  returns an :class:`Exploration`: the run, the numbers the readout shows and a message;
* ``draw_*(exploration, fig=None)`` draws it on a ``matplotlib.figure.Figure`` (its own,
  never pyplot's current figure) and returns the Axes it made;
* a thin ipywidgets wrapper in ``course_utils.widgets`` ties sliders to the two.

Nothing here imports ipywidgets, so the experiments can be run and tested without a kernel:

>>> import course_utils as cu
>>> e = cu.compute_descent_1d(cu.quadratic, start=1.5, learning_rate=0.02, epochs=20)
>>> round(e.numbers["final x"], 4)
0.5776
>>> e.readout
'quadratic · learning rate 0.02 · 20 epochs from x0 = 1.5 → final x = 0.577563, f(x) = 3.268048'
"""
from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass, field

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from . import _validate
from .descent import gradient_descent
from .functions import Objective, cos_bowl, peaks, plateau, quadratic, sextic, steep
from .plotting import plot_contour, plot_descent_1d, plot_history, plot_trajectories_2d
from .schedules import SCHEDULES

__all__ = [
    "Exploration", "figure_png",
    "compute_descent_1d", "draw_descent_1d",
    "compute_peaks", "draw_peaks",
    "compute_schedule", "draw_schedule",
    "compute_gradient_problems", "draw_gradient_problems",
    "compute_classifier", "draw_classifier", "ClassifierRun",
]

_DPI = 100  # explorer figures are small PNGs: quick to render and to send to the browser

#: The 1-D functions of the lessons, offered by the 1-D explorer's dropdown.
LESSON_FUNCTIONS_1D = {o.name: o for o in (quadratic, sextic, cos_bowl)}
#: The two gradient problems of notebook 07 and the function that shows each.
GRADIENT_PROBLEMS = {"vanishing": plateau, "exploding": steep}


@dataclass(frozen=True, repr=False)
class Exploration:
    """What a compute function returns: the run and what the readout says about it.

    Attributes
    ----------
    kind : str
        Which explorer made it (``"descent_1d"``, ``"peaks"``, ...).
    settings : dict
        The validated inputs, e.g. ``{"learning_rate": 0.1, "epochs": 20, ...}``.
    numbers : dict of str -> float
        The numbers the readout shows (``"final x"``, ``"f(x)"``, ``"final loss"`` ...).
    readout : str
        One line of text for the learner, built from ``settings`` and ``numbers``.
    message : str
        Extra sentence, e.g. the divergence report; ``""`` when there is nothing to add.
    result : object
        The underlying run (a :class:`DescentResult`, or the classifier's training record).
    objective : Objective or None
        The function explored, when there is one.
    """

    kind: str
    settings: dict
    numbers: dict
    readout: str
    message: str = ""
    result: object = field(default=None)
    objective: Objective | None = None

    @property
    def diverged(self):
        """Whether the run diverged (the readout then carries the divergence message)."""
        return bool(np.any(getattr(self.result, "diverged", False)))

    def __repr__(self):
        extra = f"; {self.message}" if self.message else ""
        return f"Exploration({self.kind}: {self.readout}{extra})"


# ---------------------------------------------------------------------------- helpers

def figure_png(fig, *, dpi=None):
    """Render a Figure to PNG bytes (no pyplot, no display): what the widgets show.

    ``dpi`` defaults to the figure's own, whatever ``savefig.dpi`` says.

    >>> figure_png(Figure(figsize=(1, 1)), dpi=10)[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi if dpi is None else dpi)
    return buffer.getvalue()


def snap(value, step, *, origin=0.0):
    """Round ``value`` onto the grid ``origin + k * step``.

    The browser echoes slider values with rounding noise (``0.1`` comes back as
    ``0.09999999999999998``); snapping makes both the same number.

    >>> snap(0.09999999999999998, 0.01)
    0.1
    >>> snap(0.0349, 0.005, origin=0.005)
    0.035
    """
    k = round((float(value) - origin) / step)
    decimals = max(0, int(np.ceil(-np.log10(step))) + 2)
    return round(origin + k * step, decimals)


def _fmt(value, digits=6):
    """A float for the readout: fixed decimals, ``diverged`` for NaN."""
    return "diverged" if not np.isfinite(value) else f"{value:.{digits}f}"


_TWO_PANELS = dict(left=0.085, right=0.98, bottom=0.16, top=0.9, wspace=0.32)
_ONE_PANEL = dict(left=0.12, right=0.97, bottom=0.12, top=0.92)


def _new_figure(fig, figsize, margins):
    """``fig`` cleared for a fresh drawing, or a new pyplot-free Figure.

    Fixed margins instead of a layout engine: constrained layout doubles the redraw time.
    """
    if fig is None:
        fig = Figure(figsize=figsize, dpi=_DPI, facecolor="white")
    fig.clear()
    if not isinstance(fig.canvas, FigureCanvasAgg):
        # A canvas of its own keeps one Agg renderer (and its typesetting cache) across
        # redraws; savefig would otherwise build a new one each time.
        FigureCanvasAgg(fig)
    fig.subplots_adjust(**margins)
    return fig


def _objective_1d(objective, choices=None):
    if isinstance(objective, str):
        objective = _validate.choice("objective", objective, tuple(choices or LESSON_FUNCTIONS_1D))
        return (choices or LESSON_FUNCTIONS_1D)[objective]
    if not isinstance(objective, Objective) or objective.ndim != 1:
        raise ValueError(f"objective must be a 1-D course_utils Objective or one of "
                         f"{', '.join(repr(n) for n in LESSON_FUNCTIONS_1D)}; got {objective!r}")
    return objective


def default_start_1d(objective):
    """Where the 1-D explorers start when no start is given: three quarters to the right."""
    lo, hi = objective.domain
    return snap(lo + 0.875 * (hi - lo), 0.05)


def _finite_last(path):
    """Last finite position of a single 1-D run (the start if it diverged at once)."""
    ok = np.isfinite(path)
    return float(path[ok][-1])


def _divergence_message(result, hint):
    if not result.diverged:
        return ""
    epoch = int(result.diverged_at)
    return f"Diverged at epoch {epoch}: the steps grew without bound. {hint}"


def _fit_1d_view(ax, objective):
    """Keep a 1-D plot on the objective's domain even when a diverged path ran far away."""
    lo, hi = objective.domain
    y = objective(np.linspace(lo, hi, 200))
    pad = 0.08 * (y.max() - y.min())
    ax.set_xlim(lo, hi)
    ax.set_ylim(y.min() - pad, y.max() + pad)


def _message_box(ax, text):
    ax.text(0.5, 0.5, textwrap.fill(text, 42), transform=ax.transAxes, ha="center", va="center",
            fontsize=9, color="darkred", bbox=dict(boxstyle="round", fc="mistyrose", ec="darkred"))


# ------------------------------------------------------------------------- 1-D descent

def compute_descent_1d(objective=quadratic, *, start=None, learning_rate=0.1, epochs=20):
    """Gradient descent on a 1-D lesson function, summarised for the explorer's readout.

    Parameters
    ----------
    objective : Objective or {"quadratic", "sextic", "cos_bowl"}
        A 1-D objective.
    start : float, optional
        Starting point; default :func:`default_start_1d` (e.g. 1.5 on the quadratic).
    learning_rate : float
        Step size > 0.
    epochs : int
        Number of steps, >= 1.

    Returns
    -------
    Exploration
        ``numbers`` holds ``"final x"``, ``"f(x)"`` and ``"f'(x)"``; ``result`` the
        :class:`DescentResult` with ``path`` of shape ``(epochs + 1,)``.
    """
    objective = _objective_1d(objective)
    start = default_start_1d(objective) if start is None else float(_validate.finite_array("start", start))
    result = gradient_descent(objective, start, learning_rate=learning_rate, epochs=epochs)
    final = float(result.final)
    numbers = {"final x": final, "f(x)": objective(final) if np.isfinite(final) else np.nan,
               "f'(x)": objective.grad(final) if np.isfinite(final) else np.nan}
    readout = (f"{objective.name} · learning rate {learning_rate:g} · {epochs} epochs from "
               f"x0 = {start:g} → final x = {_fmt(final)}, f(x) = {_fmt(numbers['f(x)'])}")
    message = _divergence_message(result, "Try a smaller learning rate.")
    settings = {"objective": objective.name, "start": start, "learning_rate": learning_rate,
                "epochs": epochs}
    return Exploration("descent_1d", settings, numbers, readout, message, result, objective)


def draw_descent_1d(exploration, fig=None):
    """Draw the path on f (left) and on f' (right); returns the two Axes.

    Parameters
    ----------
    exploration : Exploration
        From :func:`compute_descent_1d`.
    fig : matplotlib.figure.Figure, optional
        Cleared and drawn on; a new Figure (not pyplot's) when omitted.
    """
    fig = _new_figure(fig, (8, 3.2), _TWO_PANELS)
    obj, result = exploration.objective, exploration.result
    ax_f, ax_df = fig.subplots(1, 2)
    plot_descent_1d(result, obj, ax=ax_f, n=200)
    _fit_1d_view(ax_f, obj)
    ax_f.set_title(f"path on f(x), learning rate {exploration.settings['learning_rate']:g}", fontsize=10)

    lo, hi = obj.domain
    x = np.linspace(lo, hi, 200)
    path = result.path[np.isfinite(result.path)]
    ax_df.plot(x, obj.grad(x), color="C1", label="$f'(x)$")
    ax_df.axhline(0, color="0.7", lw=0.8, zorder=0)
    ax_df.plot(path, obj.grad(path), ".-", color="C2", ms=4, lw=0.8, label="path")
    ax_df.plot(path[-1:], obj.grad(path[-1:]), "o", color="C3", ms=7, label="final x")
    ax_df.set_xlim(lo, hi)
    ax_df.set_xlabel("$x$")
    ax_df.set_title("path on f'(x)", fontsize=10)
    ax_df.legend(fontsize=8, loc="best")
    if exploration.message:
        _message_box(ax_f, exploration.message)
    return ax_f, ax_df


# ------------------------------------------------------------------------------ 2-D peaks

def compute_peaks(*, learning_rate=0.01, epochs=100, start=(-0.5, 0.5), ascent=False):
    """Gradient descent (or ascent) on :data:`course_utils.peaks` from one start.

    Returns
    -------
    Exploration
        ``numbers`` holds ``"x"``, ``"y"`` (the point reached) and ``"f(x, y)"``;
        ``result.path`` has shape ``(epochs + 1, 2)``.
    """
    start = _validate.points("start", start, 2)
    if start.shape != (2,):
        raise ValueError(f"start must be one point (x, y), got shape {start.shape}")
    result = gradient_descent(peaks, start, learning_rate=learning_rate, epochs=epochs,
                              ascent=bool(ascent))
    x, y = (float(v) for v in result.final)
    value = peaks(result.final) if np.all(np.isfinite(result.final)) else np.nan
    kind = "ascent" if ascent else "descent"
    readout = (f"peaks {kind} · learning rate {learning_rate:g} · {epochs} epochs from "
               f"({start[0]:g}, {start[1]:g}) → reached ({_fmt(x)}, {_fmt(y)}), "
               f"f = {_fmt(value)}")
    message = _divergence_message(result, "Try a smaller learning rate.")
    settings = {"start": (float(start[0]), float(start[1])), "learning_rate": learning_rate,
                "epochs": epochs, "ascent": bool(ascent)}
    numbers = {"x": x, "y": y, "f(x, y)": value}
    return Exploration("peaks", settings, numbers, readout, message, result, peaks)


def draw_peaks(exploration, fig=None):
    """Draw the trajectory over the contour map of peaks; returns the Axes (a 1-tuple)."""
    fig = _new_figure(fig, (5.2, 4.2), _ONE_PANEL)
    ax = fig.add_subplot()
    plot_contour(peaks, ax=ax, n=120, levels=20)
    plot_trajectories_2d(exploration.result, peaks, ax=ax, contour=False)
    (x0, x1), (y0, y1) = peaks.domain
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    kind = "ascent" if exploration.settings["ascent"] else "descent"
    ax.set_title(f"gradient {kind} on peaks, learning rate "
                 f"{exploration.settings['learning_rate']:g}", fontsize=10)
    if exploration.message:
        _message_box(ax, exploration.message)
    return (ax,)


# ------------------------------------------------------------------------------ schedules

def compute_schedule(schedule="fixed", *, learning_rate=0.05, epochs=50, objective=quadratic,
                     start=None):
    """Descent on a 1-D function with a learning-rate schedule (notebook 06).

    Parameters
    ----------
    schedule : {"fixed", "gradient_based", "time_based"}
        The rule; ``time_based`` decays linearly to 0 over the ``epochs``.
    learning_rate : float
        The schedule's base learning rate.

    Returns
    -------
    Exploration
        ``numbers`` holds ``"final x"``, ``"f(x)"`` and ``"last learning rate"``;
        ``result.learning_rates`` is the rate used at each step.
    """
    name = _validate.choice("schedule", schedule, tuple(SCHEDULES))
    learning_rate = _validate.positive_number("learning_rate", learning_rate)
    epochs = _validate.integer("epochs", epochs, minimum=1)
    objective = _objective_1d(objective)
    start = default_start_1d(objective) if start is None else float(_validate.finite_array("start", start))
    extra = {"decay_epochs": epochs} if name == "time_based" else {}
    rule = SCHEDULES[name](learning_rate, **extra)
    result = gradient_descent(objective, start, learning_rate=rule, epochs=epochs)
    final = float(result.final)
    last_rate = float(result.learning_rates[-1])
    numbers = {"final x": final, "f(x)": objective(final) if np.isfinite(final) else np.nan,
               "last learning rate": last_rate}
    readout = (f"{name} schedule · base learning rate {learning_rate:g} · {epochs} epochs on "
               f"{objective.name} from x0 = {start:g} → final x = {_fmt(final)}, "
               f"last learning rate = {_fmt(last_rate)}")
    message = _divergence_message(result, "Try a smaller base learning rate.")
    settings = {"schedule": name, "learning_rate": learning_rate, "epochs": epochs,
                "objective": objective.name, "start": start}
    return Exploration("schedule", settings, numbers, readout, message, result, objective)


def draw_schedule(exploration, fig=None):
    """Draw x per epoch (left) and the learning rate per epoch (right); returns both Axes."""
    fig = _new_figure(fig, (8, 3.2), _TWO_PANELS)
    ax_x, ax_lr = fig.subplots(1, 2)
    result, obj = exploration.result, exploration.objective
    plot_history(result.path, ax=ax_x, ylabel="$x$")
    for m in obj.minima:
        ax_x.axhline(m, color="0.6", ls="--", lw=0.8)
    lo, hi = obj.domain
    ax_x.set_ylim(lo, hi)
    ax_x.set_title(f"x per epoch ({exploration.settings['schedule']}, base learning rate "
                   f"{exploration.settings['learning_rate']:g})", fontsize=10)
    plot_history(result.learning_rates, ax=ax_lr, ylabel="learning rate")
    ax_lr.set_ylim(bottom=0)
    ax_lr.set_title("learning rate used at each step", fontsize=10)
    if exploration.message:
        _message_box(ax_x, exploration.message)
    return ax_x, ax_lr


# ----------------------------------------------------------------- vanishing / exploding

def compute_gradient_problems(problem="vanishing", *, learning_rate=0.1, start=2.5, epochs=50):
    """Descent on :data:`~course_utils.plateau` (vanishing) or :data:`~course_utils.steep` (exploding).

    A diverged run is reported in ``message`` (and as ``"diverged"`` in the readout), so
    the explorer shows a sentence instead of a plot full of NaN.

    >>> e = compute_gradient_problems("exploding", learning_rate=0.2, start=2.5)
    >>> e.diverged, e.message
    (True, 'Diverged at epoch 1: the steps grew without bound. Try a smaller learning rate or a start closer to 0.')
    """
    problem = _validate.choice("problem", problem, tuple(GRADIENT_PROBLEMS))
    objective = GRADIENT_PROBLEMS[problem]
    start = float(_validate.finite_array("start", start))
    result = gradient_descent(objective, start, learning_rate=learning_rate, epochs=epochs)
    final = float(result.final)
    grads = np.abs(result.grads[np.isfinite(result.grads)])
    smallest, largest = float(grads.min()), float(grads.max())
    numbers = {"final x": final, "smallest |f'|": smallest, "largest |f'|": largest}
    readout = (f"{problem} gradients on {objective.name} · learning rate {learning_rate:g} · "
               f"{epochs} epochs from x0 = {start:g} → final x = {_fmt(final)}, "
               f"|f'| from {smallest:.2e} to {largest:.2e}")
    message = _divergence_message(result, "Try a smaller learning rate or a start closer to 0.")
    settings = {"problem": problem, "learning_rate": learning_rate, "start": start, "epochs": epochs}
    return Exploration("gradient_problems", settings, numbers, readout, message, result, objective)


def draw_gradient_problems(exploration, fig=None):
    """Draw the path on f (left) and |f'| per epoch on a log scale (right); returns both Axes."""
    fig = _new_figure(fig, (8, 3.2), _TWO_PANELS)
    ax_f, ax_g = fig.subplots(1, 2)
    result, obj = exploration.result, exploration.objective
    plot_descent_1d(result, obj, ax=ax_f, n=200)
    _fit_1d_view(ax_f, obj)
    ax_f.set_title(f"{exploration.settings['problem']} gradients, learning rate "
                   f"{exploration.settings['learning_rate']:g}", fontsize=10)
    grads = np.abs(result.grads)
    ok = np.isfinite(grads) & (grads > 0)
    ax_g.semilogy(np.arange(grads.size)[ok], grads[ok], ".-", color="C1", ms=4)
    # Plain "1e-04" tick labels: mathtext ones are re-typeset on every redraw (slow).
    ax_g.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0e}"))
    ax_g.yaxis.set_major_locator(LogLocator(numticks=6))
    ax_g.yaxis.set_minor_locator(NullLocator())  # hundreds of minor ticks cost ~50 ms
    ax_g.set_xlabel("epoch")
    ax_g.set_ylabel("|f'(x)|")
    ax_g.set_xlim(0, grads.size)
    ax_g.set_title("size of the gradient", fontsize=10)
    if exploration.message:
        _message_box(ax_g, exploration.message)
    return ax_f, ax_g


# ----------------------------------------------------------------------------- classifier

@dataclass(frozen=True, repr=False)
class ClassifierRun:
    """The classifier explorer's run: data, trained network, its history and a probability map.

    Attributes
    ----------
    X : ndarray, shape (n, 2)
    y : ndarray, shape (n,)
    network : course_utils.nn.Network
        After training.
    history : course_utils.nn.History
        ``history.cost`` has shape ``(epochs,)``.
    grid_x, grid_y : ndarray, shape (G,)
        Axes of the probability map.
    probability : ndarray, shape (G, G)
        The network's output (probability of class 1) at ``(grid_x[j], grid_y[i])``.
    """

    X: np.ndarray
    y: np.ndarray
    network: object
    history: object
    grid_x: np.ndarray
    grid_y: np.ndarray
    probability: np.ndarray

    @property
    def diverged(self):
        """Whether training diverged."""
        return bool(self.history.diverged)

    def __repr__(self):
        return f"ClassifierRun({self.network!r}, {self.history!r})"


def compute_classifier(*, learning_rate=0.1, epochs=100, n=100, hidden=8, seed=0, grid=60):
    """Train a small network on two clusters (notebook 12), full batch, from a fixed seed.

    The same ``seed`` draws the same data and the same initial weights every time, so only
    the learning rate and the epochs change what the explorer shows.

    Parameters
    ----------
    learning_rate : float
        Step size > 0.
    epochs : int
        Full-batch epochs, >= 1.
    n : int, default 100
        Number of points of :func:`course_utils.nn.two_clusters`.
    hidden : int, default 8
        Hidden tanh units of the ``[2, hidden, 1]`` network (sigmoid output,
        binary cross-entropy loss).
    seed : int, default 0
        Seed of the data and of the initial weights.
    grid : int, default 60
        Resolution of the probability map.

    Returns
    -------
    Exploration
        ``numbers`` holds ``"final loss"`` and ``"accuracy"``; ``result`` a
        :class:`ClassifierRun`.
    """
    from . import nn  # the network code is only needed here

    learning_rate = _validate.positive_number("learning_rate", learning_rate)
    epochs = _validate.integer("epochs", epochs, minimum=1)
    hidden = _validate.integer("hidden", hidden, minimum=1)
    seed = _validate.integer("seed", seed, minimum=0)
    grid = _validate.integer("grid", grid, minimum=2)
    rng = np.random.default_rng(seed)
    X, y = nn.two_clusters(n, rng=rng)
    network = nn.Network([2, hidden, 1], activations=["tanh", "sigmoid"], rng=rng)
    history = network.fit(X, y, learning_rate=learning_rate, epochs=epochs, loss="binary_cross_entropy")
    lo, hi = X.min(axis=0) - 1.0, X.max(axis=0) + 1.0
    gx, gy = np.linspace(lo[0], hi[0], grid), np.linspace(lo[1], hi[1], grid)
    points = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)
    probability = network.predict(points).reshape(grid, grid)
    run = ClassifierRun(X, y, network, history, gx, gy, probability)

    loss = history.final_cost
    accuracy = float(network.accuracy(X, y)) if not run.diverged else np.nan
    numbers = {"final loss": loss, "accuracy": accuracy}
    readout = (f"network [2, {hidden}, 1] on {n} points · learning rate {learning_rate:g} · "
               f"{epochs} epochs → final loss = {_fmt(loss)}, accuracy = "
               + ("diverged" if run.diverged else f"{100 * accuracy:.1f}%"))
    message = history.divergence_report() + " Try a smaller learning rate." if run.diverged else ""
    settings = {"learning_rate": learning_rate, "epochs": epochs, "n": n, "hidden": hidden,
                "seed": seed}
    return Exploration("classifier", settings, numbers, readout, message, run)


def draw_classifier(exploration, fig=None):
    """Draw the decision boundary over the data (left) and the loss per epoch (right)."""
    fig = _new_figure(fig, (8, 3.2), _TWO_PANELS)
    ax_b, ax_l = fig.subplots(1, 2)
    run = exploration.result
    if np.all(np.isfinite(run.probability)):
        ax_b.contourf(run.grid_x, run.grid_y, run.probability, levels=np.linspace(0, 1, 11),
                      cmap="RdBu_r", alpha=0.6)
        ax_b.contour(run.grid_x, run.grid_y, run.probability, levels=[0.5], colors="k",
                     linewidths=1.5)
    for label, color in ((0.0, "C0"), (1.0, "C3")):
        pts = run.X[run.y == label]
        ax_b.scatter(pts[:, 0], pts[:, 1], s=12, color=color, edgecolor="k", linewidth=0.4,
                     label=f"class {label:g}")
    ax_b.set_xlim(run.grid_x[0], run.grid_x[-1])
    ax_b.set_ylim(run.grid_y[0], run.grid_y[-1])
    ax_b.legend(fontsize=8, loc="upper right")
    ax_b.set_title(f"decision boundary, learning rate {exploration.settings['learning_rate']:g}",
                   fontsize=10)
    cost = np.asarray(run.history.cost, dtype=float)
    ok = np.isfinite(cost)
    ax_l.plot(np.arange(cost.size)[ok], cost[ok], color="C2")
    ax_l.set_xlim(0, cost.size)
    ax_l.set_ylim(bottom=0)
    ax_l.set_xlabel("epoch")
    ax_l.set_ylabel("loss (binary cross-entropy)")
    ax_l.set_title("loss per epoch", fontsize=10)
    if exploration.message:
        _message_box(ax_l, exploration.message)
    return ax_b, ax_l
