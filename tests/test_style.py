"""The figure style: colours that stay apart under deuteranopia, readable text, no side effects."""
import itertools
import subprocess
import sys

import matplotlib as mpl
import matplotlib.colors as mcolors
import numpy as np
import pytest
from matplotlib.figure import Figure

import course_utils as cu

# Machado, Oliveira & Fernandes (2009), "A Physiologically-based Model for Simulation of Color
# Vision Deficiency", IEEE TVCG 15(6), Table 1: deuteranomaly at severity 1.0 (= deuteranopia).
# It acts on linear RGB: rgb_seen = M @ rgb_linear, then back to sRGB for display.
DEUTERANOPIA = np.array([
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.011820, 0.042940, 0.968881],
])

# sRGB (D65) -> XYZ, IEC 61966-2-1.
SRGB_TO_XYZ = np.array([
    [0.4124, 0.3576, 0.1805],
    [0.2126, 0.7152, 0.0722],
    [0.0193, 0.1192, 0.9505],
])
WHITE_D65 = np.array([0.95047, 1.0, 1.08883])

# CIE76 colour difference (Euclidean distance in CIELAB). About 2.3 is a just-noticeable
# difference; 15 is "clearly another colour" at a glance. Measured with this code, the eight
# Okabe-Ito colours stay >= 17.0 apart under the simulation, while matplotlib's default red and
# green (tab10 C3/C2) fall to 7.3: the threshold separates a safe palette from an unsafe one.
MIN_DISTANCE = 15.0


def to_linear(srgb):
    srgb = np.asarray(srgb, dtype=float)
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def to_srgb(linear):
    linear = np.clip(linear, 0.0, 1.0)  # the simulation can leave the gamut by a hair
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


def to_lab(srgb):
    xyz = (SRGB_TO_XYZ @ to_linear(srgb)) / WHITE_D65
    eps = (6 / 29) ** 3
    f = np.where(xyz > eps, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen_by_deuteranope(color):
    return to_srgb(DEUTERANOPIA @ to_linear(mcolors.to_rgb(color)))


def min_distance(colors, simulate=True):
    view = seen_by_deuteranope if simulate else mcolors.to_rgb
    labs = [to_lab(view(c)) for c in colors]
    return min(np.linalg.norm(a - b) for a, b in itertools.combinations(labs, 2))


def test_simulation_matrix_keeps_grey_and_white():
    # Rows of Machado's matrices sum to 1: greys are seen unchanged (a check on the typed numbers).
    np.testing.assert_allclose(DEUTERANOPIA.sum(axis=1), 1.0, atol=2e-6)
    np.testing.assert_allclose(seen_by_deuteranope("white"), 1.0, atol=1e-5)
    np.testing.assert_allclose(seen_by_deuteranope("0.5"), 0.5, atol=1e-5)


def test_simulation_confuses_red_and_green():
    # The negative control: the test could fail, because the simulation does merge red and green.
    assert min_distance(["#d62728", "#2ca02c"]) < MIN_DISTANCE
    assert min_distance(["#d62728", "#2ca02c"], simulate=False) > 3 * MIN_DISTANCE
    assert min_distance(["#ff0000", "#00ff00"]) < min_distance(["#ff0000", "#00ff00"], simulate=False) / 2


def test_maxima_stay_apart_from_each_other_and_from_the_first_minima():
    assert min_distance(cu.style.MAXIMA) >= MIN_DISTANCE
    assert min_distance(cu.style.MAXIMA + cu.style.MINIMA[:3]) >= MIN_DISTANCE


@pytest.mark.parametrize("name", ["PALETTE", "MINIMA", "CLASS_COLORS"])
@pytest.mark.parametrize("n", [4, 6, 8])
def test_first_colours_stay_apart_under_deuteranopia(name, n):
    colors = getattr(cu.style, name)[:n]
    assert len(set(colors)) == n
    assert min_distance(colors) >= MIN_DISTANCE


def test_roles_that_meet_on_one_figure_stay_apart_under_deuteranopia():
    r = cu.style.ROLE
    assert min_distance([r["function"], r["derivative"], r["path"], r["start"], r["end"]]) >= MIN_DISTANCE


def test_classes_and_cycle_do_not_rely_on_colour_alone():
    assert len(set(cu.style.CLASS_MARKERS)) == len(cu.style.CLASS_MARKERS) == len(cu.style.CLASS_COLORS)
    cycle = cu.style.style_params()["axes.prop_cycle"].by_key()
    assert cycle["color"] == list(cu.style.PALETTE)
    assert len({str(ls) for ls in cycle["linestyle"]}) == len(cycle["color"])
    assert len({cu.style.MARKER[k] for k in ("start", "end", "diverged")}) == 3


def test_text_on_a_styled_figure_is_at_least_9_pt():
    with cu.style_context():
        fig = Figure(figsize=(6, 4))
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1], label="a line")
        ax.set_xlabel("x")
        ax.set_title("title")
        legend = ax.legend()
        sizes = [t.get_fontsize() for t in legend.get_texts()]
        sizes += [t.get_fontsize() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        sizes += [ax.xaxis.label.get_fontsize(), ax.title.get_fontsize()]
    assert min(sizes) >= cu.style.MIN_FONT_PT == 9.0


def test_style_context_restores_the_settings():
    before = mpl.rcParams["legend.fontsize"], mpl.rcParams["axes.prop_cycle"]
    with cu.style_context():
        assert mpl.rcParams["legend.fontsize"] == 9.0
    assert (mpl.rcParams["legend.fontsize"], mpl.rcParams["axes.prop_cycle"]) == before


def test_use_style_changes_global_settings_only_when_called():
    with mpl.rc_context():
        cu.use_style()
        assert mpl.rcParams["axes.prop_cycle"] == cu.style.style_params()["axes.prop_cycle"]
        assert mpl.rcParams["xtick.labelsize"] == 9.0


def test_importing_the_package_leaves_matplotlib_settings_alone():
    code = ("import matplotlib as mpl; before = dict(mpl.rcParams); import course_utils, course_utils.style; "
            "changed = [k for k, v in mpl.rcParams.items() if before[k] != v]; print(changed)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
