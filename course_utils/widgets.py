"""Interactive explorers for the "Explore" sections: sliders tied to an experiment.

The only module of the course that imports ipywidgets; notebooks reach it as ``cu.widgets``
(loaded on first use). End a cell with the call and the explorer appears::

    cu.widgets.descent_1d_explorer()

How each explorer draws, and why
--------------------------------
JupyterLab 4.4+ with ipykernel 7 handles widget messages on a separate thread, and every
message fires IPython's pre/post-execute hooks, which redraw all *pyplot* figures. A slider
callback that draws with pyplot therefore races those redraws: the first figure often comes
out blank or half drawn. So an explorer never touches pyplot. It draws on its own
``matplotlib.figure.Figure`` (with the pure ``draw_*`` functions of
:mod:`course_utils.explorers`), renders PNG bytes into an ``ipywidgets.Image`` and writes
the numbers into an ``HTML`` readout. The first picture is rendered before the widget is
shown at all.

Sliders use ``continuous_update=False`` (one update when the handle is released or a key
is pressed, never a backlog while dragging). Their values are kept on the step grid, and a
change that snaps to the values already shown is ignored: the browser echoes values back
with rounding noise (``0.1`` as ``0.09999999999999998``).
"""
from __future__ import annotations

import html
import threading

import ipywidgets as W

from . import _validate
from . import explorers as ex
from .functions import quadratic

__all__ = [
    "Explorer", "descent_1d_explorer", "peaks_explorer", "schedule_explorer",
    "gradient_problems_explorer", "classifier_explorer", "explorer_tabs",
]

_STYLE = {"description_width": "initial"}


class Explorer(W.VBox):
    """Controls, a picture and a readout, kept in step by one compute and one draw function.

    Parameters
    ----------
    controls : dict of str -> ipywidgets.ValueWidget
        Keyword arguments of ``compute``, each bound to a control.
    compute : callable
        ``compute(**values) -> Exploration`` (a ``compute_*`` function of course_utils).
    draw : callable
        ``draw(exploration, fig=None) -> tuple of Axes`` (a ``draw_*`` function).
    fixed : dict, optional
        Further keyword arguments of ``compute`` that no control changes.

    Attributes
    ----------
    exploration : Exploration
        What is shown now; ``exploration.numbers`` holds the readout's numbers.
    image : ipywidgets.Image
        The figure, as PNG bytes in ``image.value``.
    readout : ipywidgets.HTML
        The readout line (and the divergence message, if any).
    renders : int
        How many times the figure was drawn (1 after construction).
    """

    def __init__(self, controls, compute, draw, *, fixed=None):
        self.controls = dict(controls)
        # Shown at its own size (sharp), shrunk only if the notebook is narrower.
        self.image = W.Image(format="png", layout=W.Layout(max_width="100%", height="auto"))
        self.image.add_class("cu-explorer-image")
        self.readout = W.HTML()
        self.readout.add_class("cu-explorer-readout")
        self._compute, self._draw, self._fixed = compute, draw, dict(fixed or {})
        self._figure = None
        self._shown = None
        self._lock = threading.Lock()
        self.exploration = None
        self.renders = 0
        box = W.HBox(list(self.controls.values()), layout=W.Layout(flex_flow="row wrap"))
        super().__init__([box, self.image, self.readout], layout=W.Layout(align_items="flex-start"))
        self.add_class("cu-explorer")
        self.update()  # the first picture exists before the widget is displayed
        for control in self.controls.values():
            control.observe(self._on_change, names="value")

    def values(self):
        """The controls' values, float sliders snapped onto their step grid."""
        out = {}
        for name, control in self.controls.items():
            value = control.value
            if isinstance(control, W.FloatSlider):
                value = ex.snap(value, control.step, origin=control.min)
            out[name] = value
        return out

    def _on_change(self, change):
        self.update()

    def update(self):
        """Recompute and redraw if the (snapped) values differ from those shown."""
        with self._lock:
            values = self.values()
            if values == self._shown:
                return
            self._shown = values
            try:
                exploration = self._compute(**values, **self._fixed)
                axes = self._draw(exploration, fig=self._figure)
                self._figure = axes[0].figure
                png = ex.figure_png(self._figure)
            except Exception as err:  # shown to the learner rather than lost in a log
                self.readout.value = _error_html(f"Could not update the explorer: {err}")
                raise
            self.exploration = exploration
            self.renders += 1
            self.image.value = png
            self.readout.value = _readout_html(exploration)


def _readout_html(exploration):
    text = f'<span class="cu-readout-text">{html.escape(exploration.readout)}</span>'
    if exploration.message:
        text += _error_html(exploration.message)
    return text


def _error_html(message):
    return (f'<div class="cu-readout-message" style="color:darkred;font-weight:bold">'
            f"{html.escape(message)}</div>")


def _float_slider(name, description, value, lo, hi, step):
    """A slider whose value sits exactly on its step grid; ``value`` must lie in range."""
    value = float(_validate.finite_array(name, value))
    if not lo <= value <= hi:
        raise ValueError(f"{name} must be between {lo:g} and {hi:g} for this explorer, got {value!r}")
    decimals = max(0, len(f"{step:g}".partition(".")[2]))
    return W.FloatSlider(value=ex.snap(value, step, origin=lo), min=lo, max=hi, step=step,
                         description=description, continuous_update=False,
                         readout_format=f".{decimals}f", style=_STYLE)


def _int_slider(name, description, value, lo, hi):
    value = _validate.integer(name, value, minimum=lo)
    if value > hi:
        raise ValueError(f"{name} must be between {lo} and {hi} for this explorer, got {value!r}")
    return W.IntSlider(value=value, min=lo, max=hi, description=description,
                       continuous_update=False, style=_STYLE)


def _toggle(description, options, value):
    return W.ToggleButtons(options=options, value=value, description=description, style=_STYLE)


def descent_1d_explorer(objective=quadratic, *, start=None, learning_rate=0.1, epochs=20):
    """Sliders for the learning rate, the epochs and the start on a 1-D lesson function.

    Shows the path on f and on f' and reads out the final x (notebooks 01 and 02).

    Parameters
    ----------
    objective : Objective or str
        The function shown first; the dropdown offers quadratic, sextic and cos_bowl.
    start : float, optional
        Start point; default three quarters of the way across the domain.
    learning_rate : float, default 0.1
        In [0.001, 0.5].
    epochs : int, default 20
        In [1, 200].

    Returns
    -------
    Explorer
        An ipywidgets VBox; end a notebook cell with it to show it.
    """
    objective = ex._objective_1d(objective)
    options = dict(ex.LESSON_FUNCTIONS_1D)
    options.setdefault(objective.name, objective)
    lo = min(o.domain[0] for o in options.values())
    hi = max(o.domain[1] for o in options.values())
    start = ex.default_start_1d(objective) if start is None else start
    controls = {
        "objective": W.Dropdown(options=[(n, o) for n, o in options.items()], value=objective,
                                description="function", style=_STYLE),
        "learning_rate": _float_slider("learning_rate", "learning rate", learning_rate, 0.001, 0.5, 0.001),
        "epochs": _int_slider("epochs", "epochs", epochs, 1, 200),
        "start": _float_slider("start", "start x", start, lo, hi, 0.05),
    }
    return Explorer(controls, ex.compute_descent_1d, ex.draw_descent_1d)


def peaks_explorer(*, ascent=False, learning_rate=0.01, epochs=100, start=(-0.5, 0.5)):
    """Gradient descent or ascent on peaks: learning rate, epochs and start x/y (notebooks 03, 04).

    Shows the trajectory over the contour map and reads out the point reached.

    Returns
    -------
    Explorer
        An ipywidgets VBox; end a notebook cell with it to show it.
    """
    start = _validate.points("start", start, 2)
    if start.shape != (2,):
        raise ValueError(f"start must be one point (x, y), got shape {start.shape}")
    (x0, x1), (y0, y1) = ex.peaks.domain
    controls = {
        "learning_rate": _float_slider("learning_rate", "learning rate", learning_rate, 0.001, 0.2, 0.001),
        "epochs": _int_slider("epochs", "epochs", epochs, 1, 500),
        "start_x": _float_slider("start", "start x", start[0], x0, x1, 0.05),
        "start_y": _float_slider("start", "start y", start[1], y0, y1, 0.05),
        "ascent": _toggle("direction", [("descent", False), ("ascent", True)], bool(ascent)),
    }
    return Explorer(controls, _compute_peaks, ex.draw_peaks)


def _compute_peaks(*, start_x, start_y, **kwargs):
    return ex.compute_peaks(start=(start_x, start_y), **kwargs)


def schedule_explorer(schedule="fixed", *, learning_rate=0.05, epochs=50, objective=quadratic,
                      start=None):
    """Pick the learning-rate schedule and its base learning rate (notebook 06).

    Shows x and the learning rate at every epoch; ``time_based`` decays to 0 over ``epochs``.

    Returns
    -------
    Explorer
        An ipywidgets VBox; end a notebook cell with it to show it.
    """
    schedule = _validate.choice("schedule", schedule, tuple(ex.SCHEDULES))
    objective = ex._objective_1d(objective)
    controls = {
        "schedule": _toggle("schedule", list(ex.SCHEDULES), schedule),
        "learning_rate": _float_slider("learning_rate", "base learning rate", learning_rate, 0.005, 0.3, 0.005),
    }
    fixed = {"epochs": _validate.integer("epochs", epochs, minimum=1), "objective": objective,
             "start": start}
    return Explorer(controls, ex.compute_schedule, ex.draw_schedule, fixed=fixed)


def gradient_problems_explorer(problem="vanishing", *, learning_rate=0.1, start=2.5, epochs=50):
    """Vanishing (plateau) or exploding (steep) gradients: learning rate and start (notebook 07).

    A diverged run is reported as a message in the readout and on the figure.

    Returns
    -------
    Explorer
        An ipywidgets VBox; end a notebook cell with it to show it.
    """
    problem = _validate.choice("problem", problem, tuple(ex.GRADIENT_PROBLEMS))
    controls = {
        "problem": _toggle("gradients", list(ex.GRADIENT_PROBLEMS), problem),
        "learning_rate": _float_slider("learning_rate", "learning rate", learning_rate, 0.01, 1.0, 0.01),
        "start": _float_slider("start", "start x", start, -4.0, 4.0, 0.1),
    }
    fixed = {"epochs": _validate.integer("epochs", epochs, minimum=1)}
    return Explorer(controls, ex.compute_gradient_problems, ex.draw_gradient_problems, fixed=fixed)


def classifier_explorer(*, learning_rate=0.1, epochs=100, n=100, hidden=8, seed=0):
    """Train a small network on two clusters: learning rate and epochs (notebook 12).

    Shows the decision boundary over the data and the loss per epoch; the same ``seed``
    keeps the data and the initial weights fixed while the sliders move.

    Returns
    -------
    Explorer
        An ipywidgets VBox; end a notebook cell with it to show it.
    """
    controls = {
        "learning_rate": _float_slider("learning_rate", "learning rate", learning_rate, 0.01, 10.0, 0.01),
        "epochs": _int_slider("epochs", "epochs", epochs, 1, 1000),
    }
    fixed = {"n": n, "hidden": hidden, "seed": seed}
    return Explorer(controls, ex.compute_classifier, ex.draw_classifier, fixed=fixed)


#: Tab title -> explorer, in lesson order (the instructors' dashboard, apps/explorers.ipynb).
TABS = {
    "1D descent": descent_1d_explorer,
    "2D peaks": peaks_explorer,
    "Schedules": schedule_explorer,
    "Vanishing / exploding": gradient_problems_explorer,
    "Classifier": classifier_explorer,
}


def explorer_tabs():
    """Every explorer, with its default settings, one per tab (for projecting in class).

    Returns
    -------
    ipywidgets.Tab
        Tab titles are the keys of ``TABS``; each child is an :class:`Explorer`.
    """
    tabs = W.Tab(children=[make() for make in TABS.values()], titles=list(TABS))
    tabs.add_class("cu-explorer-tabs")
    return tabs
