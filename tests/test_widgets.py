"""The ipywidgets wrappers, in plain Python: no kernel, no browser."""
import re
import subprocess
import sys

import numpy as np
import pytest

import course_utils as cu

pytest.importorskip("ipywidgets")
import ipywidgets as W  # noqa: E402


def _explorers():
    return {
        "descent_1d": cu.widgets.descent_1d_explorer,
        "peaks": cu.widgets.peaks_explorer,
        "schedule": cu.widgets.schedule_explorer,
        "gradient_problems": cu.widgets.gradient_problems_explorer,
        "classifier": cu.widgets.classifier_explorer,
    }


def test_importing_course_utils_does_not_import_ipywidgets():
    code = "import course_utils, sys; print('ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("name", ["descent_1d", "peaks", "schedule", "gradient_problems", "classifier"])
def test_explorer_is_a_displayable_widget_with_a_first_picture(name):
    w = _explorers()[name]()
    assert isinstance(w, W.VBox) and isinstance(w, cu.widgets.Explorer)
    assert bytes(w.image.value).startswith(b"\x89PNG") and w.image.format == "png"
    assert w.renders == 1 and w.exploration.kind == name
    assert w.exploration.readout.replace("'", "&#x27;") in w.readout.value
    assert "application/vnd.jupyter.widget-view+json" in w._repr_mimebundle_()


@pytest.mark.parametrize("name", ["descent_1d", "peaks", "schedule", "gradient_problems", "classifier"])
def test_sliders_do_not_queue_a_backlog(name):
    w = _explorers()[name]()
    sliders = [c for c in w.controls.values() if isinstance(c, (W.FloatSlider, W.IntSlider))]
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


def test_browser_rounding_echo_is_ignored():
    w = cu.widgets.descent_1d_explorer(learning_rate=0.1)
    w.controls["learning_rate"].value = 0.09999999999999998  # what the browser sends back
    assert w.renders == 1
    w.controls["learning_rate"].value = 0.1
    assert w.renders == 1


def test_initial_values_sit_on_the_step_grid():
    w = cu.widgets.descent_1d_explorer(learning_rate=0.1234, start=0.52)
    assert w.controls["learning_rate"].value == 0.123
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


def test_objective_dropdown_switches_function():
    w = cu.widgets.descent_1d_explorer()
    w.controls["objective"].value = cu.cos_bowl
    assert w.exploration.objective is cu.cos_bowl and "cos_bowl" in w.readout.value


def test_divergence_appears_as_a_message():
    w = cu.widgets.gradient_problems_explorer("exploding", learning_rate=0.1, start=1.0)
    assert "cu-readout-message" not in w.readout.value
    w.controls["start"].value = 3.0
    assert w.exploration.diverged
    assert re.search(r"cu-readout-message.*Diverged at epoch \d+", w.readout.value)
    assert bytes(w.image.value).startswith(b"\x89PNG")


def test_schedule_toggle():
    w = cu.widgets.schedule_explorer()
    w.controls["schedule"].value = "time_based"
    rates = w.exploration.result.learning_rates
    assert rates[0] == 0.05 and rates[-1] < rates[0]


@pytest.mark.parametrize("call, match", [
    (lambda: cu.widgets.descent_1d_explorer(learning_rate=2.0), "learning_rate must be between 0.001 and 0.5"),
    (lambda: cu.widgets.descent_1d_explorer("banana"), "objective must be one of"),
    (lambda: cu.widgets.peaks_explorer(start=(9.0, 0.0)), "start must be between -3 and 3"),
    (lambda: cu.widgets.peaks_explorer(epochs=0), "epochs must be >= 1"),
    (lambda: cu.widgets.schedule_explorer("cosine"), "schedule must be one of"),
    (lambda: cu.widgets.gradient_problems_explorer("noisy"), "problem must be one of 'vanishing', 'exploding'"),
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
