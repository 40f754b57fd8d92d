"""What the explorer modules share: the kept scene of an explorer figure and its artists.

:mod:`course_utils.explorers` and :mod:`course_utils.explorers_optim` draw with these: a
draw function asks :func:`prepare` for its figure and :class:`Scene` (built afresh, or the one
of an earlier update, whose artists then only get new data), and :func:`figure_png` renders a
scene by drawing its moving artists over the kept picture of everything else.
"""
from __future__ import annotations

import struct
import textwrap
import zlib

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from . import _validate
from .style import MIN_FONT_PT, ROLE

DPI = 100  # explorer figures are small PNGs: quick to render and to send to the browser

# One place for the explorers' colours (the course palette, course_utils.style).
COLORS = {
    "function": ROLE["function"], "derivative": ROLE["derivative"], "path": ROLE["path"],
    "start": ROLE["start"], "now": ROLE["end"], "left": ROLE["diverged"],
    "reference": ROLE["reference"], "message": "#8B0000", "message_face": "#FDE8E4",
    "trajectory": "white",
}
FONT = {"title": 10.0, "label": 10.0, "tick": MIN_FONT_PT, "legend": MIN_FONT_PT,
        "message": 9.5}


class Scene:
    """The artists of one explorer figure: built once, then only their data change.

    ``moving`` names the attributes holding artists that change between updates (paths,
    markers, titles, the message). For a figure the draw function created itself
    (``owned``), :func:`~course_utils.explorers.figure_png` renders everything else once,
    keeps that picture and draws only the moving artists over it: most of a redraw's time is
    tick labels and legends, which do not change. A moving title or message it has drawn
    over the kept picture before is put back from its pixels instead of typeset again.
    """

    #: Rendered texts kept per scene (titles and messages seen before, e.g. a slider moved back).
    TEXT_CACHE = 32

    def __init__(self, key, fig, owned):
        self.key, self.fig, self.owned = key, fig, owned
        self.axes = ()
        self.moving = []
        self._background = None
        self._signature = None
        self._texts = {}  # text key -> its pixels drawn over the kept picture

    def moving_artists(self):
        artists = []
        for name in self.moving:
            value = getattr(self, name)
            artists.extend(value if isinstance(value, list) else [value])
        return [a for a in artists if a is not None and a.figure is not None]  # not removed

    def _static_signature(self):
        # What the kept picture depends on besides the moving artists: axis limits and size.
        # (A learner removing or adding an artist changes the counts.)
        return (tuple((ax.get_xlim(), ax.get_ylim(), ax.get_yscale(), len(ax.lines), len(ax.collections),
                       len(ax.texts), len(ax.images), len(ax.patches)) for ax in self.axes),
                len(self.fig.texts), tuple(self.fig.bbox.size), self.fig.dpi)

    def render_png(self):
        canvas = self.fig.canvas
        moving = self.moving_artists()
        signature = self._static_signature()
        if self._background is None or signature != self._signature:
            shown = [a.get_visible() for a in moving]
            for a in moving:
                a.set_visible(False)
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.fig.bbox)
            self._signature = signature
            self._texts.clear()
            for a, visible in zip(moving, shown):
                a.set_visible(visible)
        else:
            canvas.restore_region(self._background)
        drawn = []  # pixel boxes the moving artists drawn so far may have touched
        renderer = canvas.get_renderer()
        for a in sorted(moving, key=lambda a: a.get_zorder()):
            if not a.get_visible():
                continue
            if isinstance(a, Text) and a.get_text():
                self._draw_text(a, renderer, drawn)
            else:
                self.fig.draw_artist(a)
                drawn.append(_reach(a, renderer))
        return png_bytes(np.asarray(canvas.buffer_rgba()))

    def _draw_text(self, text, renderer, drawn):
        """Draw a moving text, or put back its pixels from an earlier update.

        Typesetting a line costs about as much as the rest of an update (matplotlib renders
        glyph by glyph), and a title or message often comes back (a slider moved back and
        forth, a divergence message that stays). Its pixels are those of the text over the
        kept picture, so they are reused only where nothing drawn before it this time (or
        when they were kept) reaches into its box; anything drawn after it is drawn over.
        """
        box = _text_box(text, renderer)
        clear = not any(box.overlaps(other) for other in drawn)
        key = _text_key(text, box)
        kept = self._texts.get(key) if clear else None
        if kept is not None:
            self.fig.canvas.restore_region(kept)
        else:
            self.fig.draw_artist(text)
            if clear:
                if len(self._texts) >= self.TEXT_CACHE:
                    self._texts.pop(next(iter(self._texts)))  # the oldest
                self._texts[key] = self.fig.canvas.copy_from_bbox(box)
        drawn.append(box)


def _pixel_box(bbox, pad):
    """``bbox`` grown by ``pad`` pixels and rounded outwards to whole pixels."""
    return Bbox.from_extents(np.floor(bbox.x0 - pad), np.floor(bbox.y0 - pad),
                             np.ceil(bbox.x1 + pad), np.ceil(bbox.y1 + pad))


def _points_px(artist, points):
    """A length in points (a line width) in pixels of the artist's figure."""
    return float(points) * artist.figure.dpi / 72.0


def _text_box(text, renderer):
    """The pixels a text (with its box, if it has one) can touch, antialiasing included."""
    box = text.get_window_extent(renderer)
    patch = text.get_bbox_patch()
    if patch is None:
        return _pixel_box(box, 2)
    text.update_bbox_position_size(renderer)
    box = Bbox.union([box, patch.get_window_extent(renderer)])
    return _pixel_box(box, 2 + _points_px(text, patch.get_linewidth()))


def _text_key(text, box):
    """Everything the pixels of a text depend on (besides the kept picture under it)."""
    patch = text.get_bbox_patch()
    return (id(text), text.get_text(), tuple(box.extents), text.get_color(), text.get_alpha(),
            hash(text.get_fontproperties()), text.get_rotation(), text.get_ha(), text.get_va(),
            _linespacing(text), text.get_zorder(),
            None if patch is None else (patch.get_boxstyle(), tuple(patch.get_facecolor()),
                                        tuple(patch.get_edgecolor()), patch.get_linewidth()))


def _linespacing(text):
    # Text.get_linespacing is new in matplotlib 3.11; 3.10 (the floor) keeps only the attribute.
    getter = getattr(text, "get_linespacing", None)
    return getter() if getter is not None else text._linespacing


def _reach(artist, renderer):
    """The pixels an artist can touch (a little more, never less): its clip box or clip path
    when it is clipped (the Axes), else its extent, line width and antialiasing included;
    the whole figure when it cannot say."""
    if isinstance(artist, Text):
        return _text_box(artist, renderer)
    if artist.get_clip_on() and (artist.get_clip_box() is not None or artist.get_clip_path() is not None):
        clip = artist.get_clip_box()
        path = artist.get_clip_path()
        if path is not None:
            extents = path.get_fully_transformed_path().get_extents()
            clip = extents if clip is None else Bbox.intersection(clip, extents) or Bbox.null()
        return _pixel_box(clip, 2)
    try:
        # A patch's own outline: a Spine's extent would lay out its axis' ticks (slow).
        box = (Patch.get_window_extent(artist) if isinstance(artist, Patch)
               else artist.get_window_extent(renderer))
    except (TypeError, AttributeError, NotImplementedError):
        return artist.figure.bbox
    width = artist.get_linewidth() if hasattr(artist, "get_linewidth") else 0.0
    return _pixel_box(box, 2 + _points_px(artist, np.max(width, initial=0.0)) / 2)


def png_bytes(rgba):
    """An image, a uint8 array of shape (height, width, 4) (RGBA), as PNG bytes (lossless).

    The rows go in unfiltered and are deflated at zlib's fastest level: Pillow's encoder
    tries five filters on every row, which took longer than the deflating (a third of a
    slider update). The pixels are the same either way (and the files came out smaller).

    >>> png_bytes(np.zeros((1, 1, 4), np.uint8))[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    height, width, _ = rgba.shape
    rows = np.empty((height, 1 + 4 * width), np.uint8)
    rows[:, 0] = 0  # each row starts with its filter type: 0, none
    rows[:, 1:] = rgba.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8 bits, RGBA, no interlace
    return b"".join([b"\x89PNG\r\n\x1a\n", _png_chunk(b"IHDR", header),
                     _png_chunk(b"IDAT", zlib.compress(rows, 1)), _png_chunk(b"IEND", b"")])


def _png_chunk(kind, data):
    """A PNG chunk: length, type, data and the CRC-32 of type and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(data, zlib.crc32(kind)))


def prepare(fig, figsize, key):
    """``(fig, scene, fresh)``: the figure to draw on and its scene; build the artists if ``fresh``.

    Fixed margins instead of a layout engine: constrained layout doubles the redraw time.
    """
    owned = fig is None
    if fig is None:
        fig = Figure(figsize=figsize, dpi=DPI, facecolor="white")
        fig._course_owned = True
    else:
        _validate.figure("fig", fig)
    owned = owned or getattr(fig, "_course_owned", False)
    if not isinstance(fig.canvas, FigureCanvasAgg):
        # A canvas of its own keeps one Agg renderer (and its typesetting cache) across
        # redraws; savefig would otherwise build a new one each time.
        FigureCanvasAgg(fig)
    scene = getattr(fig, "_course_scene", None)
    if scene is not None and scene.key == key and list(fig.axes) == list(scene.axes):
        return fig, scene, False
    fig.clear()
    scene = Scene(key, fig, owned)
    fig._course_scene = scene
    return fig, scene, True


def message_artist(fig, width_chars):
    """The red message band at the top of the figure, above the panels' titles (it never
    covers a legend or the data)."""
    text = fig.text(0.5, 0.985, "", ha="center", va="top", fontsize=FONT["message"],
                    color=COLORS["message"], fontweight="bold",
                    bbox={"boxstyle": "round,pad=0.3", "fc": COLORS["message_face"], "ec": COLORS["message"]})
    text.set_visible(False)
    text._course_width = width_chars
    return text


def set_message(artist, message):
    artist.set_text(textwrap.fill(message, artist._course_width))
    artist.set_visible(bool(message))


def title_artist(ax):
    """A title that changes with every update: a text of its own above the axes (matplotlib
    moves ``ax.title`` about while laying out, which a kept picture cannot follow)."""
    return ax.annotate("", xy=(0.5, 1.0), xycoords="axes fraction", xytext=(0, 6),
                       textcoords="offset points", ha="center", va="bottom", fontsize=FONT["title"])


def style_axes(ax):
    ax.tick_params(labelsize=FONT["tick"])


def new_line(ax, style, **kw):
    (line,) = ax.plot([], [], style, **kw)
    return line


def add_legend(ax, handles, **kw):
    return ax.legend(handles=handles, fontsize=FONT["legend"], **kw)
