"""The explorers' pure parts: one compute function and one draw function per explorer.

Each explorer of the "Explore" sections is built from three pieces:

* ``compute_*(...)`` runs the experiment with :func:`course_utils.gradient_descent` and
  returns an :class:`Exploration`: the run, the numbers the readout shows, the update rule
  of the last epoch with its numbers, the run's regime and a message when it ran away;
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
>>> e.update
'x₂₀ = x₁₉ − η·f′(x₁₉) = 0.5881 − 0.02 × 0.5288 = 0.5776'
>>> e.regime, e.status
('too small', 'not converged after 20 epochs (|f′| = 0.465 > 0.001)')

What the learner sees is what is tested
---------------------------------------
Every plot keeps the limits of the landscape: a runaway path never rescales the axes. A
path is drawn while it stays inside the plotted range; where it leaves, a cross marks the
crossing and a message says so (the same message as a diverged run). So every setting
either stays inside the drawn axes or shows the message. :data:`LEARNING_RATE_DECADES`
gives each explorer's learning-rate slider a log-scale range on which all four
:data:`REGIMES` occur for its default setting (``tests/test_explorers.py`` sweeps it).

Redrawing is fast because a figure drawn once keeps its artists: drawing another
exploration of the same kind (and the same function) on it only moves the data.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.path import Path
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from . import _validate
from ._scene import (
    COLORS,
    FONT,
    add_legend,
    message_artist,
    new_line,
    prepare,
    set_message,
    style_axes,
    title_artist,
)
from .descent import gradient_descent
from .functions import Objective, cos_bowl, peaks, plateau, quadratic, sextic, steep
from .schedules import SCHEDULES
from .style import CLASS_COLORS, CLASS_MARKERS, MARKER

__all__ = [
    "ClassifierRun",
    "Exploration",
    "compute_classifier",
    "compute_descent_1d",
    "compute_gradient_problems",
    "compute_peaks",
    "compute_schedule",
    "draw_classifier",
    "draw_descent_1d",
    "draw_gradient_problems",
    "draw_peaks",
    "draw_schedule",
    "figure_png",
]

#: Widest explorer figure, in pixels: fits a 900 px notebook panel (output area about
#: 800 px) unscaled, so text drawn at >= MIN_FONT_PT stays >= 9 px on screen.
MAX_WIDTH_PX = 760

#: The 1-D functions of the lessons, offered by the 1-D explorer's dropdown.
LESSON_FUNCTIONS_1D = {o.name: o for o in (quadratic, sextic, cos_bowl)}
#: The two gradient problems of notebook 07 and the function that shows each.
GRADIENT_PROBLEMS = {"vanishing": plateau, "exploding": steep}
#: Human names for dropdowns and titles (the code names stay in the readout).
LABELS = {
    "quadratic": "3x² − 3x + 4", "sextic": "x⁶ − 5x⁴ + 4x²", "cos_bowl": "cos(2πx) + x²",
    "plateau": "1 − exp(−x²)", "steep": "x⁴", "peaks": "peaks",
    "fixed": "fixed", "gradient_based": "gradient-based", "time_based": "time-based (linear decay)",
    "vanishing": "vanishing (plateau 1 − exp(−x²))", "exploding": "exploding (steep x⁴)",
}

#: The four regimes a learning rate can put a run in, from small to large.
REGIMES = ("too small", "good", "oscillating", "diverging")
_REGIME_TEXT = {
    "too small": "learning rate too small for these epochs: still creeping towards the minimum",
    "good": "a good learning rate: converged without zig-zagging",
    "oscillating": "oscillating: the steps overshoot and zig-zag across the minimum",
    "diverging": "diverging: the steps overshoot further and further",
}
_CLASSIFIER_REGIME_TEXT = {
    "too small": "learning rate too small for these epochs: the loss is still falling slowly",
    "good": "a good learning rate: the loss fell steadily",
    "oscillating": "oscillating: the loss goes up and down as the steps overshoot",
    "diverging": "diverging: the steps overshoot and the loss grows",
}
#: |gradient| below which a run counts as converged (readout: "converged at epoch N").
CONVERGED_TOL = 1e-3
#: Direction reversals of the steps from which a run counts as oscillating.
_OSCILLATION_REVERSALS = 3

#: Each explorer's learning-rate slider, as powers of ten (low, high). On these ranges all
#: four regimes occur for the explorer's default setting (tests/test_explorers.py).
LEARNING_RATE_DECADES = {
    "descent_1d": (-4.0, 0.0),
    "peaks": (-4.0, 0.0),
    "schedule": (-4.0, 0.0),
    "gradient_problems": (-3.0, 2.0),
    "classifier": (-3.0, 3.0),
}

_LEGEND_ROOM = 0.5  # share of a curve's range left free above it for the legend


@dataclass(frozen=True, repr=False, eq=False)
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
        The runaway report (diverged, or left the plotted range); ``""`` when the run
        stayed in view.
    result : object
        The underlying run (a :class:`DescentResult`, or a :class:`ClassifierRun`).
    objective : Objective or None
        The function explored, when there is one.
    update : str
        The update rule of the last epoch with the run's numbers substituted.
    regime : str
        One of :data:`REGIMES`.
    status : str
        ``"converged at epoch N (|f′| < tol)"`` or how far from it the run ended.
    left_at : int
        First epoch whose iterate lies outside the plotted range (-1: never). A diverged
        run leaves at its divergence epoch at the latest.
    """

    kind: str
    settings: dict
    numbers: dict
    readout: str
    message: str = ""
    result: object = field(default=None)
    objective: Objective | None = None
    update: str = ""
    regime: str = ""
    status: str = ""
    left_at: int = -1

    @property
    def diverged(self):
        """Whether the run diverged (the readout then carries the divergence message)."""
        return bool(np.any(getattr(self.result, "diverged", False)))

    @property
    def ran_away(self):
        """Whether the run diverged or left the plotted range: the message is shown."""
        return bool(self.message)

    @property
    def regime_text(self):
        """The regime in words, for the readout."""
        if self.kind == "classifier":
            return _CLASSIFIER_REGIME_TEXT.get(self.regime, "")
        return _REGIME_TEXT.get(self.regime, "")

    def __repr__(self):
        extra = f"; {self.message}" if self.message else ""
        return f"Exploration({self.kind}: {self.readout}{extra})"


# ---------------------------------------------------------------------------- helpers

def figure_png(fig, *, dpi=None):
    """Render a Figure to PNG bytes (no pyplot, no display): what the widgets show.

    ``dpi`` defaults to the figure's own, whatever ``savefig.dpi`` says. A figure an
    explorer's draw function made itself keeps a rendered copy of its unchanging parts
    (axes, ticks, landscape, legends) and only draws the moving artists over it.

    >>> from matplotlib.figure import Figure
    >>> figure_png(Figure(figsize=(1, 1)), dpi=10)[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    _validate.figure("fig", fig)
    dpi = _validate.positive_number("dpi", dpi, allow_none=True)
    scene = getattr(fig, "_course_scene", None)
    if scene is not None and scene.owned and (dpi is None or dpi == fig.dpi):
        return scene.render_png()
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


def snap_log(value, step, *, origin):
    """A log-slider value: on the slider's grid ``10 ** (origin + k * step)`` it becomes that
    grid value rounded to 3 significant digits; any other (typed) value stays exact.

    >>> snap_log(10 ** -1.37, 0.01, origin=-4.0)
    0.0427
    >>> snap_log(0.012345, 0.01, origin=-4.0)
    0.012345
    """
    value = float(value)
    if not value > 0:
        return value
    exponent = np.log10(value)
    k = round((exponent - origin) / step)
    if abs(exponent - (origin + k * step)) > 1e-9:
        return value  # typed into the box: the learner's number, exactly
    return float(f"{10 ** (origin + k * step):.3g}")


def _fmt(value, digits=6):
    """A float for the readout: fixed decimals, ``diverged`` for NaN."""
    return "diverged" if not np.isfinite(value) else f"{value:.{digits}f}"


def _rate(value):
    """A learning rate as the learner set it (no float noise, every typed digit)."""
    return f"{value:.12g}"


def _num(value, *, factor=False):
    """A number inside the update rule: 4 significant digits, a true minus sign, and
    parentheses around a negative ``factor`` (``0.1 × (−2)``).

    >>> _num(-0.0123456), _num(-2.0, factor=True), _num(float("inf"))
    ('−0.01235', '(−2)', '∞')
    """
    if not np.isfinite(value):
        return "∞" if value > 0 else ("−∞" if value < 0 else "NaN")
    text = f"{value:.4g}".replace("-", "−")
    return f"({text})" if factor and value < 0 else text


_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(k):
    return str(k).translate(_SUB)


def _learning_rate(value):
    """A single learning rate > 0 (not a bool, string, list or array)."""
    return _validate.positive_number("learning_rate", value)


def _start_1d(objective, start):
    if start is None:
        return default_start_1d(objective)
    return _validate.finite_number("start", start)


def _start_2d(start):
    """One 2-D start point (x, y) of real numbers."""
    point = _validate.points("start", start, 2)
    if point.shape != (2,):
        raise ValueError(f"start must be one point (x, y), got shape {point.shape}")
    return point.copy()


def _exploration(name, value, kind):
    if not isinstance(value, Exploration) or value.kind != kind:
        raise ValueError(f"{name} must be the Exploration of compute_{kind}(...), got {value!r}")
    return value


def resolve_objective_1d(objective, choices=None):
    """A 1-D :class:`Objective`, given as one or by name (a key of ``choices``, by default
    :data:`LESSON_FUNCTIONS_1D`); a ValueError names the parameter otherwise."""
    choices = LESSON_FUNCTIONS_1D if choices is None else choices
    if isinstance(objective, str):
        return choices[_validate.choice("objective", objective, tuple(choices))]
    if not isinstance(objective, Objective) or objective.ndim != 1:
        raise ValueError(f"objective must be a 1-D course_utils Objective or one of "
                         f"{', '.join(repr(n) for n in choices)}; got {objective!r}")
    return objective



def default_start_1d(objective):
    """Where the 1-D explorers start when no start is given: three quarters to the right."""
    lo, hi = objective.domain
    return snap(lo + 0.875 * (hi - lo), 0.05)


def _left_at(path, domain):
    """First epoch whose iterate is outside ``domain`` (NaN counts as outside), or -1."""
    if np.ndim(domain[0]) == 0:
        lo, hi = domain
        outside = ~((path >= lo) & (path <= hi))
    else:
        (x0, x1), (y0, y1) = domain
        outside = ~((path[:, 0] >= x0) & (path[:, 0] <= x1) & (path[:, 1] >= y0) & (path[:, 1] <= y1))
    return int(np.argmax(outside)) if outside.any() else -1


def _runaway_message(result, left_at, where, hint):
    """The red message: divergence (the driver's report) or leaving the plotted range."""
    if result.diverged:
        return f"{_first_sentence(result.divergence_report())} {hint}"
    if left_at >= 0:
        return (f"Left the plotted range at epoch {left_at}, at {where}: the step overshot the "
                f"landscape shown, so the path is drawn up to there. {hint}")
    return ""


def _first_sentence(report):
    """``"Diverged at epoch k: why."``: the shared report's first sentence (the rest, what
    "diverged" means, goes under the readout)."""
    return report.split(". ", 1)[0].rstrip(".") + "."


def _reversals(path):
    """How often consecutive steps point in opposite directions (zig-zags)."""
    steps = np.diff(path, axis=0)
    turn = steps[1:] * steps[:-1]
    if turn.ndim > 1:
        turn = turn.sum(axis=-1)
    return int(np.sum(turn < 0))


def _converged_at(grad_norms):
    """First epoch whose |gradient| is below :data:`CONVERGED_TOL`, or -1."""
    hit = grad_norms < CONVERGED_TOL
    return int(np.argmax(hit)) if hit.any() else -1


def _descent_regime(path, converged_at, left_at):
    if left_at >= 0:
        return "diverging"
    if _reversals(path) >= _OSCILLATION_REVERSALS:
        return "oscillating"
    return "good" if converged_at >= 0 else "too small"


def _status(converged_at, epochs, final_norm, left_at, symbol="|f′|"):
    if left_at >= 0:
        return f"ran away at epoch {left_at}"
    if converged_at >= 0:
        return f"converged at epoch {converged_at} ({symbol} < {CONVERGED_TOL:g})"
    return f"not converged after {epochs} epochs ({symbol} = {final_norm:.3g} > {CONVERGED_TOL:g})"


def _update_epoch(result, left_at):
    """The epoch whose update the readout shows: the last one, or the one that ran away."""
    return result.epochs if left_at < 0 else max(1, left_at)


def _step(result, k):
    """Epoch ``k``'s update with the run's numbers: (position before, gradient, rate, sign, after)."""
    x_prev, g = result.path[k - 1], result.grads[k - 1]
    lr = float(result.learning_rates[k - 1])
    with np.errstate(over="ignore", invalid="ignore"):
        x_new = x_prev + (1.0 if result.ascent else -1.0) * lr * g
    return x_prev, g, lr, "+" if result.ascent else "−", x_new


def _update_1d(result, k, *, eta="η"):
    """``x_k = x_{k-1} − η·f′(x_{k-1}) = ... `` with the run's numbers."""
    x_prev, g, lr, sign, x_new = _step(result, k)
    p = _sub(k - 1)
    return (f"x{_sub(k)} = x{p} {sign} {eta}·f′(x{p}) = {_num(x_prev)} {sign} {_num(lr)} × {_num(g, factor=True)} "
            f"= {_num(x_new)}")


def _pair(v):
    return f"({_num(v[0])}, {_num(v[1])})"


def _update_2d(result, k):
    x_prev, g, lr, sign, x_new = _step(result, k)
    p = _sub(k - 1)
    return (f"(x, y){_sub(k)} = (x, y){p} {sign} η·∇f = {_pair(x_prev)} {sign} {_num(lr)} × "
            f"{_pair(g)} = {_pair(x_new)}")


def _summary_1d(kind, objective, result, hint):
    """Left-at epoch, message, convergence, regime, status and update of a 1-D run."""
    left_at = _left_at(result.path, objective.domain)
    where = f"x = {_num(float(result.path[left_at]))}" if left_at >= 0 else ""
    message = _runaway_message(result, left_at, where, hint)
    final = float(result.final)
    final_grad = abs(objective.df(final)) if np.isfinite(final) else np.inf
    norms = np.append(np.abs(result.grads), final_grad)
    converged_at = _converged_at(norms)
    shown = result.path if left_at < 0 else result.path[:left_at]
    regime = _descent_regime(shown, converged_at, left_at)
    status = _status(converged_at, result.epochs, final_grad, left_at)
    eta = "η" if kind != "schedule" else f"η{_sub(_update_epoch(result, left_at) - 1)}"
    update = _update_1d(result, _update_epoch(result, left_at), eta=eta)
    return {"left_at": left_at, "message": message, "regime": regime, "status": status, "update": update}


# --------------------------------------------------------------------- figures and scenes

def title_text(ax):
    """The title an explorer shows above ``ax`` (its moving title, else ``ax``'s own)."""
    texts = [t.get_text() for t in ax.texts if t.get_text()]
    return " ".join(texts) or ax.get_title()


def _cross_point_1d(path, left_at, domain):
    """Where a 1-D path crossed the edge of the domain (the edge it jumped over)."""
    lo, hi = domain
    beyond = path[left_at]
    return hi if not beyond < hi else lo  # NaN (diverged at once) counts as the upper edge


def _cross_point_2d(path, left_at, domain):
    """Where the segment into ``path[left_at]`` crosses the domain's edge."""
    (x0, x1), (y0, y1) = domain
    a = path[left_at - 1] if left_at > 0 else path[0]
    b = path[left_at]
    if not np.all(np.isfinite(b)):
        return a
    d = b - a
    t = 1.0
    for k, (lo, hi) in enumerate(((x0, x1), (y0, y1))):
        if d[k] > 0 and b[k] > hi:
            t = min(t, (hi - a[k]) / d[k])
        elif d[k] < 0 and b[k] < lo:
            t = min(t, (lo - a[k]) / d[k])
    return a + max(t, 0.0) * d


def _dense(domain, n=200):
    lo, hi = domain
    return np.linspace(lo, hi, n)


def _padded(values, frac=0.08, *, top=None):
    """Limits around ``values``; ``top`` (a fraction of their range) leaves room for a legend
    above the data, so the legend hides nothing."""
    lo, hi = float(np.min(values)), float(np.max(values))
    span = hi - lo if hi > lo else 1.0
    return lo - frac * span, hi + (frac if top is None else top) * span


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
    objective = resolve_objective_1d(objective)
    start = _start_1d(objective, start)
    learning_rate = _learning_rate(learning_rate)
    epochs = _validate.integer("epochs", epochs, minimum=1)
    result = gradient_descent(objective, start, learning_rate=learning_rate, epochs=epochs)
    final = float(result.final)
    numbers = {"final x": final, "f(x)": objective(final) if np.isfinite(final) else np.nan,
               "f'(x)": objective.grad(final) if np.isfinite(final) else np.nan}
    readout = (f"{objective.name} · learning rate {_rate(learning_rate)} · {epochs} epochs from "
               f"x0 = {start:g} → final x = {_fmt(final)}, f(x) = {_fmt(numbers['f(x)'])}")
    summary = _summary_1d("descent_1d", objective, result, "Try a smaller learning rate.")
    settings = {"objective": objective.name, "start": start, "learning_rate": learning_rate,
                "epochs": epochs}
    return Exploration("descent_1d", settings, numbers, readout, result=result, objective=objective,
                       **summary)


def _build_path_on_f(scene, ax, obj, *, legend_loc="upper center"):
    """Static f(x) curve plus the path, start, epoch and left-the-plot artists."""
    x = _dense(obj.domain)
    y = obj.f(x)
    curve, = ax.plot(x, y, color=COLORS["function"], lw=1.6, label=f"f(x) = {LABELS.get(obj.name, obj.name)}")
    ax.set_xlim(*obj.domain)
    ax.set_ylim(*_padded(y, top=_LEGEND_ROOM))
    ax.set_xlabel("x", fontsize=FONT["label"])
    scene.path_f = new_line(ax, ".-", color=COLORS["path"], ms=4, lw=0.9, label="path")
    scene.start_f = new_line(ax, MARKER["start"], color=COLORS["start"], ms=7, label="start")
    scene.now_f = new_line(ax, MARKER["end"], color=COLORS["now"], ms=8, mec="k", label="epoch shown")
    scene.left_f = new_line(ax, MARKER["diverged"], color=COLORS["left"], ms=11, mec="k",
                         label="left the plot", zorder=5)
    add_legend(ax, [curve, scene.path_f, scene.start_f, scene.now_f, scene.left_f], loc=legend_loc,
            ncol=2, framealpha=0.9)
    style_axes(ax)
    scene.title_f = title_artist(ax)
    scene.moving += ["path_f", "start_f", "now_f", "left_f", "title_f"]


def _update_path_on_f(scene, obj, path, left_at):
    shown = path if left_at < 0 else path[:left_at]
    scene.path_f.set_data(shown, obj.f(shown))
    scene.start_f.set_data(path[:1], obj.f(path[:1]))
    scene.now_f.set_data(shown[-1:], obj.f(shown[-1:]))
    if left_at >= 0:
        edge = _cross_point_1d(path, left_at, obj.domain)
        scene.left_f.set_data([edge], [obj.f(edge)])
    scene.left_f.set_visible(left_at >= 0)
    return shown


def draw_descent_1d(exploration, fig=None):
    """Draw the path on f (left) and on f' (right); returns the two Axes.

    Parameters
    ----------
    exploration : Exploration
        From :func:`compute_descent_1d`.
    fig : matplotlib.figure.Figure, optional
        Drawn on; a new Figure (not pyplot's) when omitted. A figure this function drew
        before (for the same function) is updated in place, which is faster.
    """
    e = _exploration("exploration", exploration, "descent_1d")
    obj, result = e.objective, e.result
    fig, scene, fresh = prepare(fig, (7.6, 3.3), ("descent_1d", obj.name))
    if fresh:
        fig.subplots_adjust(left=0.075, right=0.985, bottom=0.15, top=0.78, wspace=0.25)
        ax_f, ax_df = fig.subplots(1, 2)
        scene.axes = (ax_f, ax_df)
        _build_path_on_f(scene, ax_f, obj)
        x = _dense(obj.domain)
        dy = obj.df(x)
        curve, = ax_df.plot(x, dy, color=COLORS["derivative"], ls="--", lw=1.6, label="f′(x)")
        ax_df.axhline(0, color=COLORS["reference"], lw=0.8, zorder=0)
        scene.path_df = new_line(ax_df, ".-", color=COLORS["path"], ms=4, lw=0.9, label="path")
        scene.now_df = new_line(ax_df, MARKER["end"], color=COLORS["now"], ms=8, mec="k", label="epoch shown")
        ax_df.set_xlim(*obj.domain)
        ax_df.set_ylim(*_padded(dy, top=_LEGEND_ROOM))
        ax_df.set_xlabel("x", fontsize=FONT["label"])
        ax_df.set_title("the path on f′(x): each step is −η·f′(x)", fontsize=FONT["title"])
        add_legend(ax_df, [curve, scene.path_df, scene.now_df], loc="upper left")
        style_axes(ax_df)
        scene.message = message_artist(fig, 95)
        scene.moving += ["path_df", "now_df", "message"]
    ax_f, _ = scene.axes
    shown = _update_path_on_f(scene, obj, result.path, e.left_at)
    scene.path_df.set_data(shown, obj.df(shown))
    scene.now_df.set_data(shown[-1:], obj.df(shown[-1:]))
    scene.title_f.set_text(f"path on f(x), learning rate {_rate(e.settings['learning_rate'])}, "
                           f"epoch {result.epochs}")
    set_message(scene.message, e.message)
    return scene.axes


# ------------------------------------------------------------------------------ 2-D peaks

def compute_peaks(*, learning_rate=0.01, epochs=100, start=(-0.5, 0.5), ascent=False):
    """Gradient descent (or ascent) on :data:`course_utils.peaks` from one start.

    Returns
    -------
    Exploration
        ``numbers`` holds ``"x"``, ``"y"`` (the point reached) and ``"f(x, y)"``;
        ``result.path`` has shape ``(epochs + 1, 2)``.
    """
    start = _start_2d(start)
    learning_rate = _learning_rate(learning_rate)
    epochs = _validate.integer("epochs", epochs, minimum=1)
    ascent = _validate.flag("ascent", ascent)
    result = gradient_descent(peaks, start, learning_rate=learning_rate, epochs=epochs, ascent=ascent)
    x, y = (float(v) for v in result.final)
    value = peaks(result.final) if np.all(np.isfinite(result.final)) else np.nan
    kind = "ascent" if ascent else "descent"
    readout = (f"peaks {kind} · learning rate {_rate(learning_rate)} · {epochs} epochs from "
               f"({start[0]:g}, {start[1]:g}) → reached ({_fmt(x)}, {_fmt(y)}), "
               f"f = {_fmt(value)}")
    left_at = _left_at(result.path, peaks.domain)
    where = f"(x, y) = {_pair(result.path[left_at])}" if left_at >= 0 else ""
    message = _runaway_message(result, left_at, where, "Try a smaller learning rate.")
    final_norm = float(np.hypot(*peaks.df(*result.final))) if np.all(np.isfinite(result.final)) else np.inf
    norms = np.append(np.hypot(result.grads[:, 0], result.grads[:, 1]), final_norm)
    converged_at = _converged_at(norms)
    shown = result.path if left_at < 0 else result.path[:left_at]
    settings = {"start": (float(start[0]), float(start[1])), "learning_rate": learning_rate,
                "epochs": epochs, "ascent": ascent}
    numbers = {"x": x, "y": y, "f(x, y)": value}
    return Exploration("peaks", settings, numbers, readout, message, result, peaks,
                       update=_update_2d(result, _update_epoch(result, left_at)),
                       regime=_descent_regime(shown, converged_at, left_at),
                       status=_status(converged_at, epochs, final_norm, left_at, "|∇f|"),
                       left_at=left_at)


_PEAKS_GRID = {}


def _peaks_grid(n=120):
    """The contour grid of peaks: the same for every update, so computed once."""
    if n not in _PEAKS_GRID:
        (x0, x1), (y0, y1) = peaks.domain
        gx, gy = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
        X, Y = np.meshgrid(gx, gy)
        _PEAKS_GRID[n] = (gx, gy, peaks.f(X, Y))
    return _PEAKS_GRID[n]


def draw_peaks(exploration, fig=None):
    """Draw the trajectory over the contour map of peaks; returns the Axes (a 1-tuple).

    The map keeps the limits of peaks' domain; a trajectory that leaves it is drawn up to
    the edge, where a cross marks it.
    """
    e = _exploration("exploration", exploration, "peaks")
    fig, scene, fresh = prepare(fig, (5.4, 5.0), ("peaks",))
    if fresh:
        fig.subplots_adjust(left=0.12, right=0.97, bottom=0.2, top=0.8)
        ax = fig.add_subplot()
        scene.axes = (ax,)
        gx, gy, Z = _peaks_grid()
        (x0, x1), (y0, y1) = peaks.domain
        # One raster image of the filled contours: drawn in a fraction of contourf's time.
        ax.contourf(gx, gy, Z, levels=20, cmap="viridis")
        ax.contour(gx, gy, Z, levels=20, colors="k", linewidths=0.3, alpha=0.4)
        for artist in ax.collections:
            # matplotlib < 3.11 cannot rasterize a contour set (it warns and ignores the request)
            if getattr(artist.draw, "_supports_rasterization", False):
                artist.set_rasterized(True)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal")
        ax.set_xlabel("x", fontsize=FONT["label"])
        ax.set_ylabel("y", fontsize=FONT["label"])
        scene.path = new_line(ax, "-", color=COLORS["trajectory"], lw=1.4, label="path")
        scene.start = new_line(ax, MARKER["start"], color=COLORS["trajectory"], mec="k", ms=7, label="start")
        scene.now = new_line(ax, MARKER["end"], color=COLORS["now"], mec="k", ms=8, label="epoch shown")
        scene.left = new_line(ax, MARKER["diverged"], color=COLORS["left"], mec="k", ms=12,
                           label="left the plot", zorder=5)
        fig.legend(handles=[scene.path, scene.start, scene.now, scene.left], loc="lower center",
                   ncol=4, fontsize=FONT["legend"], facecolor="0.85", frameon=True)
        style_axes(ax)
        scene.message = message_artist(fig, 70)
        scene.title = title_artist(ax)
        scene.moving += ["path", "start", "now", "left", "message", "title"]
    (ax,) = scene.axes
    path, left_at = e.result.path, e.left_at
    shown = path if left_at < 0 else path[:left_at]
    if left_at >= 0:
        edge = _cross_point_2d(path, left_at, peaks.domain)
        shown = np.vstack([shown, edge[None]])
        scene.left.set_data([edge[0]], [edge[1]])
    scene.left.set_visible(left_at >= 0)
    scene.path.set_data(shown[:, 0], shown[:, 1])
    scene.start.set_data(path[:1, 0], path[:1, 1])
    last = shown[-1:] if left_at < 0 else shown[-2:-1]
    scene.now.set_data(last[:, 0], last[:, 1])
    kind = "ascent" if e.settings["ascent"] else "descent"
    scene.title.set_text(f"gradient {kind} on peaks, learning rate {_rate(e.settings['learning_rate'])}, "
                         f"epoch {e.result.epochs}")
    set_message(scene.message, e.message)
    return scene.axes


# ------------------------------------------------------------------------------ schedules

def compute_schedule(schedule="fixed", *, learning_rate=0.05, epochs=50, objective=quadratic,
                     start=None, decay_epochs=None):
    """Descent on a 1-D function with a learning-rate schedule (notebook 06).

    Parameters
    ----------
    schedule : {"fixed", "gradient_based", "time_based"}
        The rule; ``time_based`` decays linearly to 0 over ``decay_epochs``.
    learning_rate : float
        The schedule's base learning rate.
    epochs : int
        Number of steps, >= 1.
    decay_epochs : int, optional
        Length of the time-based decay; default ``epochs``. (The explorer fixes it, so
        that playing the epochs replays one run.)

    Returns
    -------
    Exploration
        ``numbers`` holds ``"final x"``, ``"f(x)"`` and ``"last learning rate"``;
        ``result.learning_rates`` is the rate used at each step.
    """
    name = _validate.choice("schedule", schedule, tuple(SCHEDULES))
    learning_rate = _learning_rate(learning_rate)
    epochs = _validate.integer("epochs", epochs, minimum=1)
    decay = epochs if decay_epochs is None else _validate.integer("decay_epochs", decay_epochs, minimum=1)
    objective = resolve_objective_1d(objective)
    start = _start_1d(objective, start)
    extra = {"decay_epochs": decay} if name == "time_based" else {}
    rule = SCHEDULES[name](learning_rate, **extra)
    result = gradient_descent(objective, start, learning_rate=rule, epochs=epochs)
    final = float(result.final)
    summary = _summary_1d("schedule", objective, result, "Try a smaller base learning rate.")
    left_at = summary["left_at"]
    shown_rates = result.learning_rates if left_at < 0 else result.learning_rates[:max(1, left_at)]
    last_rate = float(shown_rates[-1])
    numbers = {"final x": final, "f(x)": objective(final) if np.isfinite(final) else np.nan,
               "last learning rate": last_rate}
    readout = (f"{name} schedule · base learning rate {_rate(learning_rate)} · {epochs} epochs on "
               f"{objective.name} from x0 = {start:g} → final x = {_fmt(final)}, "
               f"last learning rate = {_fmt(last_rate)}")
    settings = {"schedule": name, "learning_rate": learning_rate, "epochs": epochs,
                "objective": objective.name, "start": start, "decay_epochs": decay}
    return Exploration("schedule", settings, numbers, readout, result=result, objective=objective,
                       **summary)


def draw_schedule(exploration, fig=None):
    """Draw x per epoch (left) and the learning rate per epoch (right); returns both Axes.

    Both time axes span the run's epochs; a run that leaves the plotted range is drawn up
    to there (its later learning rates are not plotted).
    """
    e = _exploration("exploration", exploration, "schedule")
    obj, result = e.objective, e.result
    key = ("schedule", obj.name, e.settings["schedule"])
    fig, scene, fresh = prepare(fig, (7.6, 3.3), key)
    if fresh:
        fig.subplots_adjust(left=0.075, right=0.985, bottom=0.15, top=0.78, wspace=0.25)
        ax_x, ax_lr = fig.subplots(1, 2)
        scene.axes = (ax_x, ax_lr)
        for m in obj.minima:
            ax_x.axhline(m, color=COLORS["reference"], ls="--", lw=0.8, zorder=0)
        scene.x = new_line(ax_x, ".-", color=COLORS["path"], ms=3, lw=1.0, label="x per epoch")
        scene.now_x = new_line(ax_x, MARKER["end"], color=COLORS["now"], mec="k", ms=8, label="epoch shown")
        scene.left_x = new_line(ax_x, MARKER["diverged"], color=COLORS["left"], mec="k", ms=11,
                             label="left the plot", zorder=5)
        minima = ax_x.plot([], [], "--", color=COLORS["reference"], lw=0.8, label="minima")[0]
        lo, hi = obj.domain
        ax_x.set_ylim(lo, hi + _LEGEND_ROOM * (hi - lo))  # the legend sits above the domain
        ax_x.axhspan(hi, hi + _LEGEND_ROOM * (hi - lo), color="0.95", zorder=0)
        ax_x.set_xlabel("epoch", fontsize=FONT["label"])
        ax_x.set_ylabel("x", fontsize=FONT["label"])
        add_legend(ax_x, [scene.x, scene.now_x, scene.left_x, minima], loc="upper right", ncol=2)
        scene.lr = new_line(ax_lr, ".-", color=COLORS["derivative"], ms=3, lw=1.0, label="learning rate")
        scene.now_lr = new_line(ax_lr, MARKER["end"], color=COLORS["now"], mec="k", ms=8)
        ax_lr.set_xlabel("epoch", fontsize=FONT["label"])
        ax_lr.set_ylabel("ηₜ / η (× the base rate)", fontsize=FONT["label"])
        ax_lr.set_title("learning rate used at each step", fontsize=FONT["title"])
        # As a multiple of the base rate the axis is fixed: at most 1 (fixed, time-based), or
        # |f'| for the gradient-based rule, which stays below its largest value on the domain
        # while the run is drawn.
        top = 1.0 if e.settings["schedule"] != "gradient_based" else float(
            np.max(np.abs(obj.df(_dense(obj.domain, 400)))))
        ax_lr.set_ylim(0, 1.1 * top)
        for ax in scene.axes:
            style_axes(ax)
        scene.message = message_artist(fig, 95)
        scene.title_x = title_artist(ax_x)
        scene.moving += ["x", "now_x", "left_x", "lr", "now_lr", "message", "title_x"]
    ax_x, ax_lr = scene.axes
    path, left_at = result.path, e.left_at
    n_shown = result.epochs + 1 if left_at < 0 else left_at
    epochs = np.arange(n_shown)
    scene.x.set_data(epochs, path[:n_shown])
    scene.now_x.set_data(epochs[-1:], path[n_shown - 1:n_shown])
    if left_at >= 0:
        scene.left_x.set_data([left_at], [_cross_point_1d(path, left_at, obj.domain)])
    scene.left_x.set_visible(left_at >= 0)
    rates = result.learning_rates[:max(1, n_shown - 1) if left_at >= 0 else result.epochs]
    rates = rates / e.settings["learning_rate"]
    scene.lr.set_data(np.arange(rates.size), rates)
    scene.now_lr.set_data([rates.size - 1], rates[-1:])
    for ax in scene.axes:
        ax.set_xlim(0, result.epochs)
    scene.title_x.set_text(f"x per epoch ({e.settings['schedule'].replace('_', '-')}, base "
                           f"learning rate {_rate(e.settings['learning_rate'])}), epoch {result.epochs}")
    set_message(scene.message, e.message)
    return scene.axes


# ----------------------------------------------------------------- vanishing / exploding

def compute_gradient_problems(problem="vanishing", *, learning_rate=0.1, start=2.5, epochs=50):
    """Descent on :data:`~course_utils.plateau` (vanishing) or :data:`~course_utils.steep` (exploding).

    A run that diverges or leaves the plotted range is reported in ``message`` (and a
    diverged one as ``"diverged"`` in the readout), so the explorer shows a sentence instead
    of a plot full of NaN.

    >>> e = compute_gradient_problems("exploding", learning_rate=0.2, start=2.5)
    >>> e.ran_away, e.message
    (True, 'Diverged at epoch 1: it left [-9, 9]. Try a smaller learning rate or a start closer to 0.')
    """
    problem = _validate.choice("problem", problem, tuple(GRADIENT_PROBLEMS))
    objective = GRADIENT_PROBLEMS[problem]
    start = _validate.finite_number("start", start)
    learning_rate = _learning_rate(learning_rate)
    epochs = _validate.integer("epochs", epochs, minimum=1)
    result = gradient_descent(objective, start, learning_rate=learning_rate, epochs=epochs)
    final = float(result.final)
    summary = _summary_1d("gradient_problems", objective, result,
                          "Try a smaller learning rate or a start closer to 0.")
    left_at = summary["left_at"]
    grads = np.abs(result.grads[:result.epochs if left_at < 0 else max(1, left_at)])
    grads = grads[np.isfinite(grads)]
    smallest, largest = (float(grads.min()), float(grads.max())) if grads.size else (np.nan, np.nan)
    numbers = {"final x": final, "smallest |f'|": smallest, "largest |f'|": largest}
    readout = (f"{problem} gradients on {objective.name} · learning rate {_rate(learning_rate)} · "
               f"{epochs} epochs from x0 = {start:g} → final x = {_fmt(final)}, "
               f"|f'| from {smallest:.2e} to {largest:.2e}")
    settings = {"problem": problem, "learning_rate": learning_rate, "start": start, "epochs": epochs}
    return Exploration("gradient_problems", settings, numbers, readout, result=result,
                       objective=objective, **summary)


def _gradient_limits(obj):
    """|f'| over the domain, for a fixed log axis (a runaway never rescales it)."""
    g = np.abs(obj.df(_dense(obj.domain, 400)))
    g = g[g > 0]
    return float(g.min()) / 3, float(g.max()) * 3


def draw_gradient_problems(exploration, fig=None):
    """Draw the path on f (left) and |f'| per epoch on a log scale (right); returns both Axes."""
    e = _exploration("exploration", exploration, "gradient_problems")
    obj, result = e.objective, e.result
    key = ("gradient_problems", obj.name)
    fig, scene, fresh = prepare(fig, (7.6, 3.3), key)
    if fresh:
        fig.subplots_adjust(left=0.075, right=0.985, bottom=0.15, top=0.78, wspace=0.28)
        ax_f, ax_g = fig.subplots(1, 2)
        scene.axes = (ax_f, ax_g)
        _build_path_on_f(scene, ax_f, obj)
        scene.grad = new_line(ax_g, ".-", color=COLORS["derivative"], ms=4, lw=0.9, label="|f′(x)| per epoch")
        scene.now_g = new_line(ax_g, MARKER["end"], color=COLORS["now"], mec="k", ms=8, label="epoch shown")
        ax_g.set_yscale("log")
        # Plain "1e-04" tick labels: mathtext ones are re-typeset on every redraw (slow).
        ax_g.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0e}"))
        ax_g.yaxis.set_major_locator(LogLocator(numticks=6))
        ax_g.yaxis.set_minor_locator(NullLocator())  # hundreds of minor ticks cost ~50 ms
        scene.g_limits = _gradient_limits(obj)
        ax_g.set_xlabel("epoch", fontsize=FONT["label"])
        ax_g.set_ylabel("|f′(x)|", fontsize=FONT["label"])
        ax_g.set_title("size of the gradient", fontsize=FONT["title"])
        add_legend(ax_g, [scene.grad, scene.now_g], loc="upper right")
        for ax in scene.axes:
            style_axes(ax)
        scene.message = message_artist(fig, 95)
        scene.moving += ["grad", "now_g", "message"]
    ax_f, ax_g = scene.axes
    _update_path_on_f(scene, obj, result.path, e.left_at)
    n = result.epochs if e.left_at < 0 else max(1, e.left_at)
    grads = np.abs(result.grads[:n])
    ok = np.isfinite(grads) & (grads > 0)
    epochs = np.arange(n)[ok]
    scene.grad.set_data(epochs, grads[ok])
    scene.now_g.set_data(epochs[-1:], grads[ok][-1:])
    ax_g.set_xlim(0, result.epochs)
    lo, hi = scene.g_limits
    # Downwards only: a converging run's tiny gradients stay in view; the top is fixed.
    ax_g.set_ylim(min(lo, float(grads[ok].min()) / 3) if ok.any() else lo, hi)
    scene.title_f.set_text(f"{e.settings['problem']} gradients, learning rate "
                           f"{_rate(e.settings['learning_rate'])}, epoch {result.epochs}")
    set_message(scene.message, e.message)
    return scene.axes


# ----------------------------------------------------------------------------- classifier

@dataclass(frozen=True, repr=False, eq=False)
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


_CLASSIFIER_DATA = {}


def _classifier_setup(n, hidden, seed):
    """The data and the initial network for a seed: the same for every slider position."""
    from . import nn  # the network code is only needed here

    key = (n, hidden, seed)
    if key not in _CLASSIFIER_DATA:
        rng = np.random.default_rng(seed)
        X, y = nn.two_clusters(n, rng=rng)
        network = nn.Network([2, hidden, 1], activations=["tanh", "sigmoid"], rng=rng)
        if len(_CLASSIFIER_DATA) > 16:
            _CLASSIFIER_DATA.clear()
        _CLASSIFIER_DATA[key] = (X, y, network)
    X, y, network = _CLASSIFIER_DATA[key]
    return X, y, network.copy()


def _classifier_regime(cost, accuracy, ran_away):
    if ran_away:
        return "diverging"
    rises = int(np.sum(np.diff(cost) > 0))
    if rises >= _OSCILLATION_REVERSALS:
        return "oscillating"
    return "good" if accuracy >= 0.95 and cost[-1] < 0.5 * cost[0] else "too small"


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
        :class:`ClassifierRun`. A run whose loss ends above where it started (or that
        diverged) ran away: ``message`` says so.
    """
    learning_rate = _learning_rate(learning_rate)
    epochs = _validate.integer("epochs", epochs, minimum=1)
    n = _validate.integer("n", n, minimum=2)
    hidden = _validate.integer("hidden", hidden, minimum=1)
    seed = _validate.integer("seed", seed, minimum=0)
    grid = _validate.integer("grid", grid, minimum=2)
    X, y, network = _classifier_setup(n, hidden, seed)
    start_cost = float(network.cost(X, y, loss="binary_cross_entropy"))
    history = network.fit(X, y, learning_rate=learning_rate, epochs=epochs, loss="binary_cross_entropy")
    lo, hi = X.min(axis=0) - 1.0, X.max(axis=0) + 1.0
    gx, gy = np.linspace(lo[0], hi[0], grid), np.linspace(lo[1], hi[1], grid)
    points = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)
    with np.errstate(over="ignore", invalid="ignore"):
        probability = network.predict(points).reshape(grid, grid)
    run = ClassifierRun(X, y, network, history, gx, gy, probability)

    cost = np.asarray(history.cost, dtype=float)
    loss = history.final_cost
    finite = np.isfinite(cost)
    end_cost = float(cost[finite][-1]) if finite.any() else np.inf
    ran_away = run.diverged or not end_cost <= start_cost
    accuracy = float(network.accuracy(X, y)) if not run.diverged else np.nan
    numbers = {"final loss": loss, "accuracy": accuracy}
    readout = (f"network [2, {hidden}, 1] on {n} points · learning rate {_rate(learning_rate)} · "
               f"{epochs} epochs → final loss = {_fmt(loss)}, accuracy = "
               + ("diverged" if run.diverged else f"{100 * accuracy:.1f}%"))
    if run.diverged:
        message = f"{_first_sentence(history.divergence_report())} Try a smaller learning rate."
    elif ran_away:
        message = (f"The loss ended above its start ({end_cost:.3f} > {start_cost:.3f}): the steps "
                   f"overshoot, training made the network worse. Try a smaller learning rate.")
    else:
        message = ""
    before = start_cost if epochs == 1 else float(cost[-2])
    update = (f"θ{_sub(epochs)} = θ{_sub(epochs - 1)} − η·∇L(θ{_sub(epochs - 1)}), η = {_num(learning_rate)}: "
              f"loss {_num(before)} → {_num(float(cost[-1]))}")
    cost_all = np.concatenate([[start_cost], cost[finite]])
    regime = _classifier_regime(cost_all, accuracy if np.isfinite(accuracy) else 0.0, ran_away)
    status = ("ran away" if ran_away else
              f"accuracy {100 * accuracy:.1f}% after {epochs} epochs, loss {start_cost:.3f} → {end_cost:.3f}")
    settings = {"learning_rate": learning_rate, "epochs": epochs, "n": n, "hidden": hidden,
                "seed": seed}
    return Exploration("classifier", settings, numbers, readout, message, run, update=update,
                       regime=regime, status=status)


def _level_paths(gx, gy, z, level):
    """The contour ``z = level`` of a grid as a list of one Path (none when the level is not
    crossed): the path ``ax.contour`` would draw (contourpy, matplotlib's own contouring,
    with its default algorithm), without building a contour set."""
    import contourpy  # a dependency of matplotlib

    vertices, codes = contourpy.contour_generator(
        gx, gy, z, name="mpl2014", corner_mask=True,
        line_type=contourpy.LineType.SeparateCode).lines(level)
    return [Path(np.concatenate(vertices), np.concatenate(codes))] if vertices else []


def _class_cmap():
    return LinearSegmentedColormap.from_list(
        "course_classes", [CLASS_COLORS[0], "white", CLASS_COLORS[1]])


def draw_classifier(exploration, fig=None):
    """Draw the decision boundary over the data (left) and the loss per epoch (right)."""
    e = _exploration("exploration", exploration, "classifier")
    run = e.result
    key = ("classifier", e.settings["n"], e.settings["hidden"], e.settings["seed"], run.grid_x.size)
    fig, scene, fresh = prepare(fig, (7.6, 3.7), key)
    if fresh:
        fig.subplots_adjust(left=0.075, right=0.985, bottom=0.25, top=0.8, wspace=0.3)
        ax_b, ax_l = fig.subplots(1, 2)
        scene.axes = (ax_b, ax_l)
        extent = (run.grid_x[0], run.grid_x[-1], run.grid_y[0], run.grid_y[-1])
        scene.map = ax_b.imshow(np.full_like(run.probability, 0.5), origin="lower", extent=extent,
                                cmap=_class_cmap(), vmin=0, vmax=1, aspect="auto", alpha=0.75,
                                interpolation="bilinear")
        handles = []
        for label, color, marker in ((0.0, CLASS_COLORS[0], CLASS_MARKERS[0]),
                                     (1.0, CLASS_COLORS[1], CLASS_MARKERS[1])):
            pts = run.X[run.y == label]
            handles.append(ax_b.scatter(pts[:, 0], pts[:, 1], s=14, color=color, marker=marker,
                                        edgecolor="k", linewidth=0.4, label=f"class {label:g}"))
        # One line for the boundary, kept and given new data each update (NaN between its
        # pieces): building a contour set per update took longer than drawing the picture.
        legend_boundary = new_line(ax_b, "k-", lw=1.5, label="boundary (p = 0.5)")
        # One collection for the boundary, kept and given the new level line each update:
        # building a contour set per update took longer than drawing the picture.
        scene.boundary = ax_b.add_collection(
            PathCollection([], facecolors="none", edgecolors="k", linewidths=1.5, zorder=2),
            autolim=False)
        ax_b.set_xlim(extent[:2])
        ax_b.set_ylim(extent[2:])
        # Below the map, not on it: it hides no point, and it is drawn once, not per update.
        fig.legend(handles=handles + [legend_boundary], loc="lower left", ncol=3,
                   bbox_to_anchor=(0.02, 0.0), fontsize=FONT["legend"], frameon=False)
        scene.loss = new_line(ax_l, "-", color=COLORS["function"], lw=1.6, label="loss")
        scene.now_l = new_line(ax_l, MARKER["end"], color=COLORS["now"], mec="k", ms=8, label="epoch shown")
        ax_l.set_xlabel("epoch", fontsize=FONT["label"])
        ax_l.set_ylabel("loss (binary cross-entropy)", fontsize=FONT["label"])
        ax_l.set_title("loss per epoch", fontsize=FONT["title"])
        fig.legend(handles=[scene.loss, scene.now_l], loc="lower right", ncol=2,
                   bbox_to_anchor=(0.98, 0.0), fontsize=FONT["legend"], frameon=False)
        for ax in scene.axes:
            style_axes(ax)
        scene.message = message_artist(fig, 95)
        # The map is redrawn each time, so whatever lies on it is too (points, legend).
        scene.title_b = title_artist(ax_b)
        scene.frame_b = list(ax_b.spines.values())
        scene.moving += ["map", "boundary", "points_0", "points_1", "frame_b", "loss",
                         "now_l", "message", "title_b"]
        scene.points_0, scene.points_1 = handles
    ax_b, ax_l = scene.axes
    finite_map = np.all(np.isfinite(run.probability))
    scene.map.set_data(run.probability if finite_map else np.full_like(run.probability, 0.5))
    scene.boundary.set_paths(_level_paths(run.grid_x, run.grid_y, run.probability, 0.5)
                             if finite_map else [])
    cost = np.asarray(run.history.cost, dtype=float)
    ok = np.isfinite(cost)
    epochs = np.arange(1, cost.size + 1)[ok]
    scene.loss.set_data(epochs, cost[ok])
    scene.now_l.set_data(epochs[-1:], cost[ok][-1:])
    ax_l.set_xlim(0, cost.size)
    top = float(cost[ok].max()) if ok.any() else 1.0
    ax_l.set_ylim(0, 1.05 * top if top > 0 else 1.0)
    scene.title_b.set_text(f"decision boundary, learning rate {_rate(e.settings['learning_rate'])}, "
                           f"epoch {e.settings['epochs']}")
    set_message(scene.message, e.message)
    return scene.axes
