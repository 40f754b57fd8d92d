"""Interactive explorers for the "Explore" sections: sliders tied to an experiment.

The only module of the course that imports ipywidgets; notebooks reach it as ``cu.widgets``
(loaded on first use). End a cell with the call and the explorer appears::

    cu.widgets.descent_1d_explorer()

What a learner gets
-------------------
* a **learning-rate slider on a log scale** (``FloatLogSlider``) whose range reaches the four
  regimes of the explorer's default setting: too small, good, oscillating, diverging
  (:data:`course_utils.explorers.LEARNING_RATE_DECADES`). The number beside it is a text
  box: a typed value is used exactly;
* an **epochs slider with a play button**: playing steps the run epoch by epoch on the same
  figure, a marker shows the epoch drawn, and the readout says when the run converged;
* a **reset button** back to the explorer's starting settings;
* a readout with the **update rule and the run's numbers** for the epoch shown, the regime
  in words, and a red message whenever the run diverged or left the plotted range.

Building blocks for new explorers
---------------------------------
An explorer is a pure ``compute(**values) -> Exploration`` and a pure
``draw(exploration, fig=None) -> axes`` (see :mod:`course_utils.explorers`) plus controls::

    controls = {"learning_rate": learning_rate_slider(0.1, decades=(-3, 0)),
                "epochs": epochs_slider(20, maximum=200)}
    Explorer(controls, compute, draw, play="epochs")

:func:`learning_rate_slider`, :func:`epochs_slider`, :func:`float_slider`,
:func:`choice_toggle` and :func:`choice_dropdown` make the controls (with tooltips);
:class:`Explorer` adds the play control, the reset button and the readout.

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
is pressed, never a backlog while dragging; it also keeps a typed learning rate exact, as
the slider would otherwise round it to its step). Values are kept on the step grid, and a
change that snaps to the values already shown is ignored: the browser echoes values back
with rounding noise (``0.1`` as ``0.09999999999999998``).

Reopening a saved notebook
--------------------------
The package installs a JupyterLab setting (``share/jupyter/lab/settings/overrides.d``) that
saves widget state with the notebook, so a reopened notebook shows each explorer's last
picture instead of "Error displaying widget". Its sliders come back to life when the cell
is run again; a line under each explorer says so.
"""
from __future__ import annotations

import html
import inspect
import threading

import ipywidgets as W

from . import _validate
from . import explorers as ex
from . import explorers_optim as eo
from .functions import peaks, quadratic
from .schedules import SCHEDULES

__all__ = [
    "Explorer", "classifier_explorer", "descent_1d_explorer", "explorer_tabs",
    "gradient_problems_explorer", "minibatch_explorer", "momentum_explorer", "peaks_explorer",
    "schedule_explorer",
]

_STYLE = {"description_width": "150px"}
_DESCRIPTION_PX, _READOUT_PX = 150, 80
#: One pixel of a learning-rate track is at most this fraction of a decade.
DECADE_PER_PIXEL = 0.01
#: Step of the learning-rate sliders, in decades (powers of ten).
LOG_STEP = 0.01
PLAY_INTERVAL_MS = 200
EDIT_HINT = ("✎ The number beside each slider is a text box: click it, type an exact value "
             "and press Enter. ▶ plays the epochs one by one.")
REOPEN_HINT = ("Reopened a saved notebook? The picture is the last one drawn; run this cell "
               "again to use the sliders.")


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
    play : str, optional
        Name of the integer control (the epochs) a ``Play`` button steps through.

    Attributes
    ----------
    exploration : Exploration
        What is shown now; ``exploration.numbers`` holds the readout's numbers.
    image : ipywidgets.Image
        The figure, as PNG bytes in ``image.value``.
    readout : ipywidgets.HTML
        The readout (numbers, update rule, regime; the message, if any, in red).
    play : ipywidgets.Play or None
        Linked (in the browser, by ``play_link``) to the ``play`` control.
    reset_button : ipywidgets.Button
        Restores the controls' starting values.
    renders : int
        How many times the figure was drawn (1 after construction).
    """

    def __init__(self, controls, compute, draw, *, fixed=None, play=None):
        if not isinstance(controls, dict) or not controls or not all(
                isinstance(k, str) and isinstance(c, W.ValueWidget) for k, c in controls.items()):
            raise ValueError("controls must be a non-empty dict of parameter name -> ipywidgets "
                             f"control (a slider, toggle or dropdown), got {controls!r}")
        _validate.function("compute", compute)
        _validate.function("draw", draw)
        if fixed is not None and not (isinstance(fixed, dict) and all(isinstance(k, str) for k in fixed)):
            raise ValueError(f"fixed must be a dict of keyword arguments or None, got {fixed!r}")
        _known_to(compute, "controls", controls)
        _known_to(compute, "fixed", fixed or {})
        if play is not None and not isinstance(controls.get(play), W.IntSlider):
            raise ValueError(f"play must name an integer slider of controls, got {play!r}")
        self.controls = dict(controls)
        self.defaults = {name: c.value for name, c in self.controls.items()}
        # Shown at its own size (sharp), shrunk only if the notebook is narrower.
        self.image = W.Image(format="png", layout=W.Layout(max_width="100%", height="auto"))
        self.image.add_class("cu-explorer-image")
        self.readout = W.HTML()
        self.readout.add_class("cu-explorer-readout")
        self._compute, self._draw, self._fixed = compute, draw, dict(fixed or {})
        self._figure = None
        self._shown = None
        self._holding = False
        self._lock = threading.RLock()
        self.exploration = None
        self.renders = 0

        self.play, self.play_link = (None, None) if play is None else play_control(self.controls[play])
        self.reset_button = W.Button(description="Reset", icon="undo",
                                     tooltip="Back to this explorer's starting settings",
                                     layout=W.Layout(width="90px"))
        self.reset_button.add_class("cu-explorer-reset")
        self.reset_button.on_click(lambda _: self.reset())
        hint = W.HTML(f'<span style="color:#444;font-size:0.9em">{html.escape(EDIT_HINT)}</span>')
        hint.add_class("cu-explorer-hint")
        reopen = W.HTML(f'<span style="color:#666;font-size:0.85em">{html.escape(REOPEN_HINT)}</span>')
        reopen.add_class("cu-explorer-reopen")
        box = W.HBox(list(self.controls.values()), layout=W.Layout(flex_flow="row wrap"))
        buttons = W.HBox(([self.play] if self.play else []) + [self.reset_button])
        super().__init__([box, buttons, hint, self.image, self.readout, reopen],
                         layout=W.Layout(align_items="flex-start"))
        self.add_class("cu-explorer")
        self.update()  # the first picture exists before the widget is displayed
        for control in self.controls.values():
            control.observe(self._on_change, names="value")

    def values(self):
        """The controls' values, float sliders snapped onto their step grid."""
        out = {}
        for name, control in self.controls.items():
            value = control.value
            if isinstance(control, W.FloatLogSlider):
                value = ex.snap_log(value, control.step, origin=control.min)
            elif isinstance(control, W.FloatSlider):
                value = ex.snap(value, control.step, origin=control.min)
            out[name] = value
        return out

    def _on_change(self, change):
        if not self._holding:
            self.update()

    def reset(self):
        """Put every control back to its starting value and redraw once."""
        with self._lock:
            self._holding = True
            try:
                for name, value in self.defaults.items():
                    self.controls[name].value = value
            finally:
                self._holding = False
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
            self.readout.value = readout_html(exploration)
            # The box beside a log slider then shows the very number used (0.0427, not 0.042658).
            self._holding = True
            try:
                for name, control in self.controls.items():
                    if isinstance(control, W.FloatLogSlider) and control.value != values[name]:
                        control.value = values[name]
            finally:
                self._holding = False


def _known_to(compute, name, arguments):
    """Refuse keyword names ``compute`` does not take (unless it takes ``**kwargs``)."""
    try:
        params = inspect.signature(compute).parameters
    except (TypeError, ValueError):  # a callable without a readable signature: nothing to compare
        return
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return
    unknown = [k for k in arguments if k not in params]
    if unknown:
        raise ValueError(f"{name} must name parameters of compute ({', '.join(params)}), got {unknown}")


def readout_html(exploration):
    """The readout of an :class:`~course_utils.explorers.Exploration` as HTML: the numbers,
    the update rule of the epoch shown, the convergence status and regime, the message."""
    parts = [f'<span class="cu-readout-text">{html.escape(exploration.readout)}</span>']
    if exploration.update:
        parts.append(f'<div class="cu-readout-update" style="font-family:monospace">'
                     f"update: {html.escape(exploration.update)}</div>")
    status = "; ".join(t for t in (exploration.status, exploration.regime_text) if t)
    if status:
        parts.append(f'<div class="cu-readout-status">{html.escape(status)}</div>')
    text = "".join(parts)
    if exploration.message:
        text += _error_html(exploration.message)
    rule = getattr(exploration.result, "rule", None) or getattr(
        getattr(exploration.result, "history", None), "rule", None)
    if exploration.diverged and rule is not None:  # what "diverged" means, in the shared words
        text += f'<div class="cu-readout-rule" style="font-size:0.9em">{html.escape(rule.describe())}</div>'
    return text


def _error_html(message):
    return (f'<div class="cu-readout-message" style="color:darkred;font-weight:bold">'
            f"{html.escape(message)}</div>")


# --------------------------------------------------------------------- building blocks

def _width(track_px):
    return f"{_DESCRIPTION_PX + track_px + _READOUT_PX}px"


def learning_rate_slider(value, *, decades, description="learning rate", name="learning_rate",
                         tooltip=None):
    """A log-scale learning-rate slider over ``10**decades[0] ... 10**decades[1]``.

    Its track is wide enough that one pixel is at most :data:`DECADE_PER_PIXEL` of a decade;
    the value box beside it takes typed values exactly (``continuous_update=False``).
    """
    value = _validate.positive_number(name, value)
    lo, hi = decades
    if not 10 ** lo <= value <= 10 ** hi:
        raise ValueError(f"{name} must be between {10 ** lo:g} and {10 ** hi:g} for this explorer, "
                         f"got {value!r}")
    track = round((hi - lo) / DECADE_PER_PIXEL) + 20
    return W.FloatLogSlider(
        value=value, base=10, min=lo, max=hi, step=LOG_STEP, description=description,
        continuous_update=False, readout_format=".6", style=_STYLE,  # ".6": no trailing zeros
        layout=W.Layout(width=_width(track)),
        tooltip=tooltip or (f"Step size η, on a log scale from {10 ** lo:g} to {10 ** hi:g}. "
                            "Drag, use the arrow keys, or type an exact value in the box."))


def float_slider(name, description, value, lo, hi, step, *, tooltip=""):
    """A slider whose value sits exactly on its step grid; ``value`` must lie in range."""
    value = _validate.finite_number(name, value)
    if not lo <= value <= hi:
        raise ValueError(f"{name} must be between {lo:g} and {hi:g} for this explorer, got {value!r}")
    decimals = max(0, len(f"{step:g}".partition(".")[2]))
    return W.FloatSlider(value=ex.snap(value, step, origin=lo), min=lo, max=hi, step=step,
                         description=description, continuous_update=False,
                         readout_format=f".{decimals}f", style=_STYLE, tooltip=tooltip,
                         layout=W.Layout(width=_width(300)))


def epochs_slider(value, *, maximum, name="epochs", description="epochs", tooltip=None):
    """An integer slider for the number of epochs (what the play button steps through)."""
    value = _validate.integer(name, value, minimum=1)
    if value > maximum:
        raise ValueError(f"{name} must be between 1 and {maximum} for this explorer, got {value!r}")
    return W.IntSlider(value=value, min=1, max=maximum, description=description,
                       continuous_update=False, style=_STYLE, layout=W.Layout(width=_width(300)),
                       tooltip=tooltip or "How many update steps to run and draw (▶ plays them).")


def play_control(slider, *, interval=PLAY_INTERVAL_MS):
    """A ``Play`` button linked in the browser to an integer ``slider``: ``(play, link)``.

    It steps the slider by one from its minimum (by more on long ranges, so a play takes
    at most about 20 s).
    """
    step = max(1, (slider.max - slider.min) // 100)
    play = W.Play(value=slider.value, min=slider.min, max=slider.max, step=step, interval=interval,
                  description="play", tooltip="Play the run epoch by epoch on the same figure")
    play.add_class("cu-explorer-play")
    return play, W.jslink((play, "value"), (slider, "value"))


def choice_toggle(description, options, value, *, tooltip=""):
    """Toggle buttons; ``options`` are ``(label, value)`` pairs."""
    return W.ToggleButtons(options=options, value=value, description=description, style=_STYLE,
                           tooltip=tooltip)


def choice_dropdown(description, options, value, *, tooltip=""):
    """A dropdown; ``options`` are ``(label, value)`` pairs."""
    return W.Dropdown(options=options, value=value, description=description, style=_STYLE,
                      tooltip=tooltip)


def _labelled(names):
    return [(ex.LABELS.get(n, n), n) for n in names]


# ----------------------------------------------------------------------------- explorers

def descent_1d_explorer(objective=quadratic, *, start=None, learning_rate=0.1, epochs=20):
    """Sliders for the learning rate, the epochs and the start on a 1-D lesson function.

    Shows the path on f and on f' and reads out the final x (notebooks 00-02, 05).

    Parameters
    ----------
    objective : Objective or str
        The function shown first; the dropdown offers the quadratic, the sextic and
        cos(2πx) + x².
    start : float, optional
        Start point; default three quarters of the way across the domain.
    learning_rate : float, default 0.1
        In [1e-4, 1] (a log-scale slider).
    epochs : int, default 20
        In [1, 200].

    Returns
    -------
    Explorer
        An ipywidgets VBox; end a notebook cell with it to show it.
    """
    objective = ex.resolve_objective_1d(objective)
    options = dict(ex.LESSON_FUNCTIONS_1D)
    options.setdefault(objective.name, objective)
    lo = min(o.domain[0] for o in options.values())
    hi = max(o.domain[1] for o in options.values())
    start = ex.default_start_1d(objective) if start is None else start
    controls = {
        "objective": choice_dropdown(
            "function", [(ex.LABELS.get(n, n), o) for n, o in options.items()], objective,
            tooltip="The function f(x) to minimise"),
        "learning_rate": learning_rate_slider(learning_rate, decades=ex.LEARNING_RATE_DECADES["descent_1d"]),
        "epochs": epochs_slider(epochs, maximum=200),
        "start": float_slider("start", "start x₀", start, lo, hi, 0.05,
                              tooltip="Where the run starts"),
    }
    return Explorer(controls, ex.compute_descent_1d, ex.draw_descent_1d, play="epochs")


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
    ascent = _validate.flag("ascent", ascent)
    (x0, x1), (y0, y1) = peaks.domain
    controls = {
        "learning_rate": learning_rate_slider(learning_rate, decades=ex.LEARNING_RATE_DECADES["peaks"]),
        "epochs": epochs_slider(epochs, maximum=500),
        "start_x": float_slider("start", "start x", start[0], x0, x1, 0.05, tooltip="x of the start point"),
        "start_y": float_slider("start", "start y", start[1], y0, y1, 0.05, tooltip="y of the start point"),
        "ascent": choice_toggle("direction", [("descent", False), ("ascent", True)], ascent,
                                tooltip="Descent walks downhill (−η∇f), ascent uphill (+η∇f)"),
    }
    return Explorer(controls, _compute_peaks, ex.draw_peaks, play="epochs")


def _compute_peaks(*, start_x, start_y, **kwargs):
    return ex.compute_peaks(start=(start_x, start_y), **kwargs)


def schedule_explorer(schedule="fixed", *, learning_rate=0.05, epochs=50, objective=quadratic,
                      start=None):
    """Pick the learning-rate schedule and its base learning rate (notebook 06).

    Shows x and the learning rate at every epoch; ``time_based`` decays to 0 over ``epochs``
    (the epochs slider and its play button replay that run up to each epoch).

    Returns
    -------
    Explorer
        An ipywidgets VBox; end a notebook cell with it to show it.
    """
    schedule = _validate.choice("schedule", schedule, tuple(SCHEDULES))
    objective = ex.resolve_objective_1d(objective)
    epochs = _validate.integer("epochs", epochs, minimum=1)
    controls = {
        "schedule": choice_toggle("schedule", _labelled(SCHEDULES), schedule,
                                  tooltip="How the learning rate changes from step to step"),
        "learning_rate": learning_rate_slider(learning_rate, decades=ex.LEARNING_RATE_DECADES["schedule"],
                                              description="base learning rate"),
        "epochs": epochs_slider(epochs, maximum=epochs),
    }
    fixed = {"objective": objective, "start": start, "decay_epochs": epochs}
    return Explorer(controls, ex.compute_schedule, ex.draw_schedule, fixed=fixed, play="epochs")


def gradient_problems_explorer(problem="vanishing", *, learning_rate=0.1, start=2.5, epochs=50):
    """Vanishing (plateau) or exploding (steep) gradients: learning rate and start (notebook 07).

    A run that diverges or leaves the plotted range is reported as a message in the readout
    and on the figure.

    Returns
    -------
    Explorer
        An ipywidgets VBox; end a notebook cell with it to show it.
    """
    problem = _validate.choice("problem", problem, tuple(ex.GRADIENT_PROBLEMS))
    epochs = _validate.integer("epochs", epochs, minimum=1)
    controls = {
        "problem": choice_toggle("gradients", _labelled(ex.GRADIENT_PROBLEMS), problem,
                                 tooltip="A flat plateau (tiny gradients) or a steep x⁴ (huge ones)"),
        "learning_rate": learning_rate_slider(learning_rate, decades=ex.LEARNING_RATE_DECADES["gradient_problems"]),
        "start": float_slider("start", "start x₀", start, -4.0, 4.0, 0.1, tooltip="Where the run starts"),
        "epochs": epochs_slider(epochs, maximum=max(200, epochs)),
    }
    return Explorer(controls, ex.compute_gradient_problems, ex.draw_gradient_problems, play="epochs")


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
        "learning_rate": learning_rate_slider(learning_rate, decades=ex.LEARNING_RATE_DECADES["classifier"]),
        "epochs": epochs_slider(epochs, maximum=1000,
                                tooltip="Full-batch training epochs (▶ plays them, 10 at a time)"),
    }
    fixed = {"n": n, "hidden": hidden, "seed": seed}
    return Explorer(controls, ex.compute_classifier, ex.draw_classifier, fixed=fixed, play="epochs")


def minibatch_explorer(*, batch_size=4, learning_rate=0.05, epochs=10):
    """Batch size and learning rate of mini-batch descent on a linear unit (notebook 16).

    Shows the path of ``(w, b)`` over the cost bowl, one dot per update, and the distance to
    its bottom per epoch; the data and the shuffles stay fixed while the sliders move.

    Parameters
    ----------
    batch_size : int, default 4
        One of :data:`course_utils.explorers_optim.BATCH_SIZES` (64: full batch).
    learning_rate : float, default 0.05
        In [0.001, 1].
    epochs : int, default 10
        In [1, 50].

    Returns
    -------
    Explorer
        An ipywidgets VBox; end a notebook cell with it to show it.
    """
    batch_size = _validate.choice("batch_size", _validate.integer("batch_size", batch_size), eo.BATCH_SIZES)
    controls = {
        "batch_size": W.SelectionSlider(
            options=list(eo.BATCH_SIZES), value=batch_size, description="batch size",
            continuous_update=False, style=_STYLE, layout=W.Layout(width=_width(300)),
            tooltip="Samples per update, of 64 (64: full batch, one update per epoch)"),
        "learning_rate": learning_rate_slider(learning_rate, decades=(-3, 0)),
        "epochs": epochs_slider(epochs, maximum=50, tooltip="Passes over the 64 samples (▶ plays them)"),
    }
    return Explorer(controls, eo.compute_minibatch, eo.draw_minibatch, play="epochs")


def momentum_explorer(*, learning_rate=0.019, beta=0.9, epochs=100):
    """Learning rate and momentum beta on a narrow bowl, next to plain descent (notebook 17).

    Shows both trajectories over the contour of ``(x^2 + 100 y^2) / 2`` and their values per
    epoch; the readout says when each gets below 1e-6.

    Parameters
    ----------
    learning_rate : float, default 0.019
        In [0.001, 0.1] (plain descent is stable below 0.02, momentum below 0.02 (1 + beta)).
    beta : float, default 0.9
        In [0, 0.99].
    epochs : int, default 100
        In [1, 300].

    Returns
    -------
    Explorer
        An ipywidgets VBox; end a notebook cell with it to show it.
    """
    controls = {
        "learning_rate": learning_rate_slider(learning_rate, decades=(-3, -1)),
        "beta": float_slider("beta", "momentum β", beta, 0.0, 0.99, 0.01,
                             tooltip="How much of the last step each step keeps (0: plain descent)"),
        "epochs": epochs_slider(epochs, maximum=300),
    }
    return Explorer(controls, eo.compute_momentum, eo.draw_momentum, play="epochs")


#: Tab title -> explorer, in lesson order (the instructors' dashboard, apps/explorers.ipynb).
TABS = {
    "1D descent": descent_1d_explorer,
    "2D peaks": peaks_explorer,
    "Schedules": schedule_explorer,
    "Vanishing / exploding": gradient_problems_explorer,
    "Classifier": classifier_explorer,
    "Mini-batches": minibatch_explorer,
    "Momentum": momentum_explorer,
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

