"""The browser test's own helpers, checked without a browser (so a broken check cannot pass)."""
import numpy as np
import pytest
from browser_lab import blankness, is_blank, is_local, parse_readout, pixel_mismatch
from matplotlib.figure import Figure

import course_utils as cu


def _png(draw=None):
    fig = Figure(figsize=(4, 2), dpi=50, facecolor="white")
    if draw:
        draw(fig)
    return cu.figure_png(fig)


def test_blank_picture_is_blank():
    assert is_blank(_png())
    assert blankness(_png()) == (0.0, 1)


def test_explorer_figures_are_not_blank():
    for e, draw in [(cu.compute_descent_1d(), cu.draw_descent_1d), (cu.compute_peaks(), cu.draw_peaks)]:
        assert not is_blank(cu.figure_png(draw(e)[0].figure))


def test_half_drawn_figure_differs_from_reference():
    e = cu.compute_descent_1d()
    full = cu.figure_png(cu.draw_descent_1d(e)[0].figure)
    half = cu.draw_descent_1d(e)
    for line in half[0].get_lines():
        line.remove()
    assert pixel_mismatch(full, cu.figure_png(half[0].figure)) > 0.005
    assert pixel_mismatch(full, full) == 0.0
    assert pixel_mismatch(full, _png()) == 1.0  # other size


@pytest.mark.parametrize("url, local", [
    ("http://127.0.0.1:8888/lab", True), ("ws://127.0.0.1:1/api/kernels", True),
    ("blob:http://127.0.0.1:1/abc", True), ("data:image/png;base64,xx", True),
    ("https://pypi.org/pypi/jupyterlab/json", False), ("http://localhost:8888/", False),
    ("http://10.0.0.1/", False),
])
def test_only_127_0_0_1_counts_as_local(url, local):
    assert is_local(url) is local


def test_readouts_parse_back_to_the_same_numbers():
    e = cu.compute_descent_1d(cu.sextic, start=-1.25, learning_rate=0.013, epochs=7)
    s = parse_readout("descent_1d", e.readout)
    assert s["objective"] == "sextic" and float(s["start"]) == -1.25
    assert float(s["learning_rate"]) == 0.013 and int(s["epochs"]) == 7
    assert float(s["final"]) == pytest.approx(e.numbers["final x"], abs=1e-6)
    e = cu.compute_peaks(learning_rate=0.051, epochs=30, start=(1.5, -0.25), ascent=True)
    s = parse_readout("peaks", e.readout)
    assert s["direction"] == "ascent" and (float(s["x0"]), float(s["y0"])) == (1.5, -0.25)
    assert (float(s["x"]), float(s["y"])) == pytest.approx((e.numbers["x"], e.numbers["y"]), abs=1e-6)
    with pytest.raises(AssertionError, match="not understood"):
        parse_readout("peaks", "nonsense")
    assert np.isfinite(e.numbers["f(x, y)"])
