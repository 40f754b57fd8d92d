"""The course's figure style: a colour-blind-safe palette with named roles, applied explicitly.

Importing this module changes nothing. A notebook calls ``cu.use_style()`` once, in its
imports cell; a figure that must not touch the global settings (an explorer drawing on its
own ``Figure``) uses ``with cu.style_context(): ...`` or reads the colours below directly.

The palette is Okabe & Ito's (2008) eight colours, chosen so that people with the common
colour-vision deficiencies still tell them apart. Colour is never the only cue: the
colour cycle is paired with a line-style cycle, and classes pair a colour with a marker.

Roles (one colour per meaning, the same in every notebook):

========================  ==========================================================
``ROLE["function"]``      the curve f(x) or a loss curve
``ROLE["derivative"]``    f'(x) or a gradient
``ROLE["path"]``          the iterates of a descent run
``ROLE["start"]``         where a run starts (drawn with ``MARKER["start"]``)
``ROLE["end"]``           where a run ends (drawn with ``MARKER["end"]``)
``ROLE["diverged"]``      where a diverged run left (drawn with ``MARKER["diverged"]``)
``MINIMA[k]``             the k-th minimum of an objective, in the order of ``obj.minima``
``MAXIMA[k]``             the k-th maximum (for basin maps of ascent)
``CLASS_COLORS[k]``       class k, drawn with ``CLASS_MARKERS[k]``
========================  ==========================================================
"""
from __future__ import annotations

import matplotlib as mpl
from cycler import cycler

__all__ = [
    "CLASS_COLORS",
    "CLASS_MARKERS",
    "MARKER",
    "MAXIMA",
    "MINIMA",
    "PALETTE",
    "ROLE",
    "style_context",
    "style_params",
    "use_style",
]

#: Okabe-Ito colours by name (hex sRGB).
OKABE_ITO = {
    "blue": "#0072B2", "orange": "#E69F00", "bluish green": "#009E73", "vermillion": "#D55E00",
    "reddish purple": "#CC79A7", "sky blue": "#56B4E9", "yellow": "#F0E442", "black": "#000000",
}

#: The colour cycle, in the order lines get them. Yellow comes late: it is pale on white.
PALETTE = tuple(OKABE_ITO[name] for name in (
    "blue", "orange", "bluish green", "vermillion", "reddish purple", "sky blue", "black", "yellow"))

#: Line styles paired with ``PALETTE``: the n-th line differs from the others without colour too.
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (8, 2)), (0, (1, 3)), (0, (3, 1, 1, 1)))

ROLE = {
    "function": OKABE_ITO["blue"],
    "derivative": OKABE_ITO["orange"],
    "path": OKABE_ITO["bluish green"],
    "start": OKABE_ITO["black"],
    "end": OKABE_ITO["vermillion"],
    "diverged": OKABE_ITO["vermillion"],
    "reference": "0.6",  # zero lines, known values: grey, behind everything
}

MARKER = {"start": "s", "end": "o", "diverged": "X", "path": "."}

#: One colour per extremum, kept from notebook 02 to 05 (first minimum, second, ...).
MINIMA = tuple(OKABE_ITO[name] for name in (
    "vermillion", "blue", "bluish green", "reddish purple", "orange", "sky blue", "black", "yellow"))

#: One colour per maximum (light, so contour lines stay visible on them), distinct from MINIMA[:3].
MAXIMA = tuple(OKABE_ITO[name] for name in ("sky blue", "yellow", "reddish purple"))

#: Classes: a colour and a marker each, so a class is readable in grey print too.
CLASS_COLORS = tuple(OKABE_ITO[name] for name in ("blue", "orange", "bluish green", "reddish purple",
                                                   "vermillion", "sky blue", "black", "yellow"))
CLASS_MARKERS = ("o", "^", "s", "D", "v", "P", "X", "*")

#: Smallest text size, in points at the figure's own size (ticks, legends).
MIN_FONT_PT = 9.0


def style_params():
    """The course's matplotlib settings as a dict (nothing is changed by calling this).

    Text sizes are absolute points, never relative names ("small"), so that legends and
    tick labels stay at >= ``MIN_FONT_PT`` whatever ``font.size`` is.

    Returns
    -------
    dict
        rcParams keys and values, suitable for ``matplotlib.rc_context`` or ``rcParams.update``.
    """
    return {
        "axes.prop_cycle": cycler(color=list(PALETTE)) + cycler(linestyle=list(LINESTYLES)),
        "image.cmap": "viridis",  # perceptually uniform and readable with deuteranopia
        "font.size": 10.0,
        "axes.titlesize": 11.0,
        "axes.labelsize": 10.0,
        "xtick.labelsize": MIN_FONT_PT,
        "ytick.labelsize": MIN_FONT_PT,
        "legend.fontsize": MIN_FONT_PT,
        "legend.title_fontsize": MIN_FONT_PT,
        "figure.titlesize": 12.0,
        "legend.framealpha": 0.9,
        "lines.linewidth": 1.6,
        "lines.markersize": 6.0,
        "figure.dpi": 100.0,  # committed PNGs have a fixed pixel size
        "savefig.dpi": 100.0,
    }


def use_style():
    """Apply the course style to matplotlib's global settings; call once per notebook.

    >>> import course_utils as cu, matplotlib as mpl
    >>> with mpl.rc_context():
    ...     cu.use_style()
    ...     mpl.rcParams["legend.fontsize"] >= cu.style.MIN_FONT_PT
    True
    """
    mpl.rcParams.update(style_params())


def style_context():
    """A context manager that applies the course style only inside its ``with`` block."""
    return mpl.rc_context(style_params())
