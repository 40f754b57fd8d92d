"""The ipywidgets wrappers, in plain Python: no kernel, no browser."""
import re
import subprocess
import sys

import numpy as np
import pytest

import course_utils as cu
from course_utils import explorers as ex

pytest.importorskip("ipywidgets")
import ipywidgets as W

KINDS = ["descent_1d", "peaks", "schedule", "gradient_problems", "classifier"]


def _explorers():
    return {
        "descent_1d": cu.widgets.descent_1d_explorer,
        "peaks": cu.widgets.peaks_explorer,
        "schedule": cu.widgets.schedule_explorer,
        "gradient_problems": cu.widgets.gradient_problems_explorer,
        "classifier": cu.widgets.classifier_explorer,
        "minibatch": cu.widgets.minibatch_explorer,   # notebook 16 (tested in test_explorers_optim.py)
        "momentum": cu.widgets.momentum_explorer,     # notebook 17
    }


def test_importing_course_utils_does_not_import_ipywidgets():
    code = "import course_utils, sys; print('ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("name", KINDS)
def test_explorer_is_a_displayable_widget_with_a_first_picture(name):
    w = _explorers()[name]()
    assert isinstance(w, W.VBox) and isinstance(w, cu.widgets.Explorer)
    assert bytes(w.image.value).startswith(b"\x89PNG") and w.image.format == "png"
    assert w.renders == 1 and w.exploration.kind == name
    assert w.exploration.readout.replace("'", "&#x27;") in w.readout.value
    assert "application/vnd.jupyter.widget-view+json" in w._repr_mimebundle_()


@pytest.mark.parametrize("name", KINDS)
def test_learning_rate_slider_is_logarithmic_and_wide_enough(name):
    w = _explorers()[name]()
    slider = w.controls["learning_rate"]
    assert isinstance(slider, W.FloatLogSlider) and slider.base == 10
    assert (slider.min, slider.max) == ex.LEARNING_RATE_DECADES[name]
    assert slider.step <= 0.01 and not slider.continuous_update
    track = int(slider.layout.width.removesuffix("px")) - cu.widgets._DESCRIPTION_PX - cu.widgets._READOUT_PX
    assert (slider.max - slider.min) / track <= cu.widgets.DECADE_PER_PIXEL


@pytest.mark.parametrize("name", KINDS)
def test_every_control_has_a_tooltip_and_a_human_label(name):
    w = _explorers()[name]()
    for key, control in w.controls.items():
        assert control.tooltip, key
        assert "_" not in control.description, control.description
        for label in getattr(control, "_options_labels", ()):
            assert "_" not in label, label
    assert w.reset_button.tooltip and w.play is not None and w.play.tooltip
    assert any(cu.widgets.EDIT_HINT in getattr(c, "value", "") for c in w.children)


@pytest.mark.parametrize("name", KINDS)
def test_sliders_do_not_queue_a_backlog(name):
    w = _explorers()[name]()
    sliders = [c for c in w.controls.values() if isinstance(c, (W.FloatSlider, W.IntSlider, W.FloatLogSlider))]
    assert sliders and all(not s.continuous_update for s in sliders)


@pytest.mark.parametrize("name, new_rate", [
    ("descent_1d", 0.03), ("peaks", 0.02), ("schedule", 0.1), ("gradient_problems", 0.3),
    ("classifier", 0.5),
])
def test_moving_the_learning_rate_updates_readout_and_image(name, new_rate):
    w = _explorers()[name]()
    readout, png = w.readout.value, w.image.value
    w.controls["learning_rate"].value = new_rate
    assert w.renders == 2
    assert w.readout.value != readout and f"learning rate {new_rate:g}" in w.readout.value
    assert w.image.value != png
    assert w.exploration.settings["learning_rate"] == new_rate


def test_descent_1d_readout_is_what_gradient_descent_computes():
    w = cu.widgets.descent_1d_explorer(cu.quadratic, start=1.5, learning_rate=0.01, epochs=20)
    w.controls["learning_rate"].value = 0.011
    ref = cu.gradient_descent(cu.quadratic, 1.5, learning_rate=0.011, epochs=20)
    assert w.exploration.numbers["final x"] == float(ref.final)
    assert f"final x = {float(ref.final):.6f}" in w.readout.value
    assert "update: x₂₀ = x₁₉ − η·f′(x₁₉) = " in w.readout.value


def test_slider_positions_snap_to_three_digits_and_the_box_shows_them():
    w = cu.widgets.descent_1d_explorer(learning_rate=0.1)
    slider = w.controls["learning_rate"]
    slider.value = 10 ** -1.37  # what the browser sends for that handle position
    assert w.exploration.settings["learning_rate"] == 0.0427
    assert slider.value == 0.0427 and w.renders == 2
    slider.value = 0.09999999999999998  # the browser's echo of 0.1
    assert w.exploration.settings["learning_rate"] == 0.1 and w.renders == 3
    slider.value = 0.1
    assert w.renders == 3


def test_typed_learning_rate_is_used_exactly():
    w = cu.widgets.descent_1d_explorer(learning_rate=0.1)
    w.controls["learning_rate"].value = 0.012345
    assert w.exploration.settings["learning_rate"] == 0.012345
    assert "learning rate 0.012345 ·" in w.readout.value
    ref = cu.gradient_descent(cu.quadratic, 1.5, learning_rate=0.012345, epochs=20)
    assert w.exploration.numbers["final x"] == float(ref.final)


def test_initial_values_sit_on_the_step_grid():
    w = cu.widgets.descent_1d_explorer(learning_rate=0.1234, start=0.52)
    assert w.controls["learning_rate"].value == 0.1234  # a given rate is kept exactly
    assert w.controls["start"].value == 0.5


def test_every_control_drives_the_picture():
    w = cu.widgets.peaks_explorer()
    for name, value in [("epochs", 20), ("start_x", 1.0), ("start_y", -1.0), ("ascent", True)]:
        png = w.image.value
        w.controls[name].value = value
        assert w.image.value != png, name
    assert w.exploration.settings == {"start": (1.0, -1.0), "learning_rate": 0.01,
                                      "epochs": 20, "ascent": True}
    assert "peaks ascent" in w.readout.value


@pytest.mark.parametrize("name", KINDS)
def test_play_is_linked_to_the_epochs_and_every_epoch_changes_the_picture(name):
    w = _explorers()[name]()
    slider = w.controls["epochs"]
    assert (w.play.min, w.play.max) == (slider.min, slider.max) and w.play.value == slider.value
    assert w.play_link.source == (w.play, "value") and w.play_link.target == (slider, "value")
    pngs = set()
    for epochs in (slider.min, slider.min + w.play.step, slider.value):
        slider.value = epochs
        pngs.add(bytes(w.image.value))
        assert f"epoch {epochs}" in ex.title_text(w._figure.axes[0]) or name == "classifier"
    assert len(pngs) == 3


def test_converged_run_says_when_and_still_changes_with_the_epochs():
    w = cu.widgets.peaks_explorer(learning_rate=0.05, epochs=300, start=(-0.5, 0.5))
    assert re.search(r"converged at epoch \d+ \(\|∇f\| &lt; 0.001\)", w.readout.value)
    png = w.image.value
    w.controls["epochs"].value = 301
    assert w.image.value != png  # the title names the epoch shown


def test_reset_restores_the_defaults_in_one_update():
    w = cu.widgets.descent_1d_explorer(cu.sextic, start=0.6, learning_rate=0.01, epochs=200)
    first = w.image.value
    w.controls["learning_rate"].value = 0.3
    w.controls["epochs"].value = 7
    w.controls["objective"].value = cu.cos_bowl
    renders = w.renders
    w.reset_button.click()
    assert w.renders == renders + 1
    assert w.values() == {"objective": cu.sextic, "learning_rate": 0.01, "epochs": 200, "start": 0.6}
    assert w.image.value == first


def test_objective_dropdown_switches_function_and_shows_formulas():
    w = cu.widgets.descent_1d_explorer()
    labels = w.controls["objective"]._options_labels
    assert labels == ("3x² − 3x + 4", "x⁶ − 5x⁴ + 4x²", "cos(2πx) + x²")
    w.controls["objective"].value = cu.cos_bowl
    assert w.exploration.objective is cu.cos_bowl and "cos_bowl" in w.readout.value


def test_divergence_appears_as_a_message():
    w = cu.widgets.gradient_problems_explorer("exploding", learning_rate=0.1, start=1.0)
    assert "cu-readout-message" not in w.readout.value
    w.controls["start"].value = 3.0
    assert w.exploration.ran_away
    assert re.search(r"cu-readout-message.*(Diverged|Left the plotted range) at epoch \d+", w.readout.value)
    assert bytes(w.image.value).startswith(b"\x89PNG")


@pytest.mark.parametrize("name", KINDS)
def test_top_of_the_learning_rate_slider_shows_the_message(name):
    w = _explorers()[name]()
    slider = w.controls["learning_rate"]
    slider.value = 10 ** slider.max
    assert w.exploration.ran_away and "cu-readout-message" in w.readout.value


def test_schedule_toggle():
    w = cu.widgets.schedule_explorer()
    w.controls["schedule"].value = "time_based"
    rates = w.exploration.result.learning_rates
    assert rates[0] == 0.05 and rates[-1] < rates[0]


@pytest.mark.parametrize("call, match", [
    (lambda: cu.widgets.descent_1d_explorer(learning_rate=2.0), "learning_rate must be between 0.0001 and 1"),
    (lambda: cu.widgets.descent_1d_explorer(learning_rate="0.1"), "learning_rate"),
    (lambda: cu.widgets.descent_1d_explorer("banana"), "objective must be one of"),
    (lambda: cu.widgets.peaks_explorer(start=(9.0, 0.0)), "start must be between -3 and 3"),
    (lambda: cu.widgets.peaks_explorer(epochs=0), "epochs must be >= 1"),
    (lambda: cu.widgets.peaks_explorer(ascent="no"), "ascent must be"),
    (lambda: cu.widgets.schedule_explorer("cosine"), "schedule must be one of"),
    (lambda: cu.widgets.gradient_problems_explorer("noisy"), "problem must be one of 'vanishing', 'exploding'"),
    (lambda: cu.widgets.Explorer("abc", cu.compute_peaks, cu.draw_peaks), "controls must be"),
    (lambda: cu.widgets.Explorer({"x": 1}, cu.compute_peaks, cu.draw_peaks), "controls must be"),
    (lambda: cu.widgets.Explorer({"learning_rate": W.FloatSlider(0.1)}, "f", cu.draw_peaks), "compute"),
])
def test_bad_arguments_name_the_parameter(call, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        call()


def test_explorer_image_never_comes_from_pyplot():
    import matplotlib.pyplot as plt
    before = plt.get_fignums()
    w = cu.widgets.descent_1d_explorer()
    w.controls["learning_rate"].value = 0.2
    assert plt.get_fignums() == before
    assert np.frombuffer(w.image.value[:8], dtype=np.uint8).tolist()[:4] == [0x89, 0x50, 0x4E, 0x47]


def test_classifier_explorer():
    w = cu.widgets.classifier_explorer(learning_rate=0.1, epochs=50)
    png, readout = w.image.value, w.readout.value
    w.controls["learning_rate"].value = 0.5
    assert w.image.value != png and w.readout.value != readout
    e = cu.compute_classifier(learning_rate=0.5, epochs=50)
    assert w.exploration.numbers == e.numbers
    w.controls["epochs"].value = 10
    assert w.renders == 3 and w.exploration.result.history.epochs == 10


def test_explorer_tabs_show_every_explorer_once_in_lesson_order():
    tabs = cu.widgets.explorer_tabs()
    assert isinstance(tabs, W.Tab) and tabs.titles == tuple(cu.widgets.TABS)
    kinds = [child.exploration.kind for child in tabs.children]
    assert kinds == list(_explorers())
    assert all(child.renders == 1 for child in tabs.children)
