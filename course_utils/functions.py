"""The objective functions of the course, each with its analytic derivative.

Every function broadcasts: a 1-D objective takes ``x`` of any shape, a 2-D objective
takes points of shape ``(..., 2)`` and returns values of shape ``(...)``.

>>> import course_utils as cu
>>> cu.quadratic(0.5), cu.quadratic.grad(0.5)
(3.25, 0.0)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from . import _validate

__all__ = [
    "Objective", "quadratic", "sextic", "cos_bowl", "peaks", "saddle",
    "plateau", "steep", "OBJECTIVES",
]


@dataclass(frozen=True, repr=False)
class Objective:
    """A function to minimise, its gradient and what the course knows about it.

    Parameters
    ----------
    name : str
        Short identifier, e.g. ``"quadratic"``.
    formula : str
        The formula as LaTeX, for titles and ``repr``.
    f : callable
        ``f(x) -> values``; for ``ndim == 2`` it receives ``x`` and ``y`` arrays.
    df : callable
        The derivative (``ndim == 1``) or the pair of partial derivatives (``ndim == 2``).
    ndim : {1, 2}
        Number of input coordinates.
    domain : tuple
        ``(lo, hi)`` for 1-D, ``((xlo, xhi), (ylo, yhi))`` for 2-D: the range to plot.
    minima, maxima : tuple of float or tuple of (float, float)
        Every local minimum and maximum inside ``domain`` (locations), used for labelling
        and by the tests; :attr:`global_minima` picks the lowest minima.
    fdf : callable, optional
        ``f`` and ``df`` in one pass, ``fdf(x) -> (values, derivative)`` (2-D: ``fdf(x, y)``),
        bit-identical to calling both, for formulas whose value and gradient share most of
        their work; the descent driver, which needs both at every step, uses it when given.
    """

    name: str
    formula: str
    f: Callable = field(repr=False)
    df: Callable = field(repr=False)
    ndim: int = 1
    domain: tuple = (-2.0, 2.0)
    minima: tuple = ()
    maxima: tuple = ()
    fdf: Callable | None = field(default=None, repr=False)

    def __post_init__(self):
        # Everything is checked here, at construction, not at first use.
        _validate.text("name", self.name)
        _validate.text("formula", self.formula)
        ndim = _validate.choice("ndim", _validate.integer("ndim", self.ndim), (1, 2))
        for name in ("f", "df"):
            _validate.function(name, getattr(self, name))
        if self.fdf is not None:
            _validate.function("fdf", self.fdf)
        domain = _validate.finite_array("domain", self.domain)
        expected = (2,) if ndim == 1 else (2, 2)
        if domain.shape != expected or not np.all(domain[..., 0] < domain[..., 1]):
            form = "(lo, hi)" if ndim == 1 else "((xlo, xhi), (ylo, yhi))"
            raise ValueError(f"domain must be {form} with lo < hi for a {ndim}-D objective, "
                             f"got {_validate.describe(self.domain)}")
        for name in ("minima", "maxima"):
            where = _validate.finite_array(name, getattr(self, name))
            if where.size and (where.ndim != ndim or (ndim == 2 and where.shape[-1] != 2)):
                form = "(x1, x2, ...)" if ndim == 1 else "((x1, y1), (x2, y2), ...)"
                raise ValueError(f"{name} must be a sequence of points {form} for a {ndim}-D objective, "
                                 f"got {_validate.describe(getattr(self, name))}")

    def __call__(self, x):
        """Function values; ``x`` any shape (1-D) or ``(..., 2)`` (2-D)."""
        x = _validate.points("x", x, self.ndim)
        with np.errstate(over="ignore", invalid="ignore"):
            out = self.f(x) if self.ndim == 1 else self.f(x[..., 0], x[..., 1])
        return out if np.ndim(out) else float(out)

    def grad(self, x):
        """Derivative (1-D, same shape as ``x``) or gradient (2-D, shape ``(..., 2)``).

        Inner loops that may carry NaN (diverged runs) call the raw formula :attr:`df` instead.
        """
        x = _validate.points("x", x, self.ndim)
        with np.errstate(over="ignore", invalid="ignore"):
            if self.ndim == 1:
                out = self.df(x)
            else:
                out = np.stack(np.broadcast_arrays(*self.df(x[..., 0], x[..., 1])), axis=-1)
        return out if np.ndim(out) else float(out)

    @property
    def global_minima(self):
        """The entries of ``minima`` whose value is the lowest (ties kept, in order)."""
        if not self.minima:
            return ()
        values = np.array([self(np.asarray(m, dtype=float)) for m in self.minima])
        lowest = values.min()
        return tuple(m for m, v in zip(self.minima, values) if v <= lowest + 1e-9 * max(1.0, abs(lowest)))

    def xy(self, x, y):
        """Evaluate a 2-D objective on separate ``x``/``y`` arrays (e.g. a meshgrid)."""
        if self.ndim != 2:
            raise ValueError(f"xy() needs a 2-D objective; {self.name} is 1-D")
        x, y = _validate.finite_array("x", x), _validate.finite_array("y", y)
        try:
            x, y = np.broadcast_arrays(x, y)
        except ValueError:
            raise ValueError(f"x and y must have shapes that broadcast, got {x.shape} and {y.shape}") from None
        return self(np.stack([x, y], axis=-1))

    def __repr__(self):
        return f"Objective({self.name}: {self.formula}, ndim={self.ndim})"


def _sextic_minimum():
    # f'(x) = 2x(3x^4 - 10x^2 + 4): the outer roots of the quadratic in x^2.
    return float(np.sqrt((10 + np.sqrt(52)) / 6))


def _sextic_maximum():
    return float(np.sqrt((10 - np.sqrt(52)) / 6))


def _cos_bowl_critical(x):
    # Newton on f'(x) = 2x - 2*pi*sin(2*pi*x); from a nearby guess it converges in a few steps.
    for _ in range(50):
        x -= (2 * x - 2 * np.pi * np.sin(2 * np.pi * x)) / (2 - 4 * np.pi**2 * np.cos(2 * np.pi * x))
    return float(x)


def _peaks_terms(x, y):
    # Powers written as products: numpy's general pow is about 100x slower than a multiply,
    # and a numpy scalar's ``**`` (C pow) can differ by an ulp from the array path, which
    # peaks amplifies until a single run and the same run inside a batch end apart.
    x2, y2 = x * x, y * y
    y4 = y2 * y2
    a, b, c = 1 - x, y + 1, x + 1
    e1 = np.exp(-x2 - b * b)
    e2 = np.exp(-x2 - y2)
    e3 = np.exp(-(c * c) - y2)
    poly = x / 5 - x2 * x - y4 * y
    return x2, y4, a, b, c, e1, e2, e3, poly


def _peaks_value(a, e1, e2, e3, poly):
    return 3 * (a * a) * e1 - 10 * poly * e2 - e3 / 3


def _peaks_partials(x, y, x2, y4, a, b, c, e1, e2, e3, poly):
    dx = (-6 * a * e1 - 6 * x * (a * a) * e1
          - 10 * (0.2 - 3 * x2) * e2 + 20 * x * poly * e2
          + 2 * c * e3 / 3)
    dy = (-6 * b * (a * a) * e1
          + 50 * y4 * e2 + 20 * y * poly * e2
          + 2 * y * e3 / 3)
    return dx, dy


def _peaks(x, y):
    x2, y4, a, b, c, e1, e2, e3, poly = _peaks_terms(x, y)
    return _peaks_value(a, e1, e2, e3, poly)


def _peaks_grad(x, y):
    return _peaks_partials(x, y, *_peaks_terms(x, y))


def _peaks_fdf(x, y):
    terms = _peaks_terms(x, y)
    _, _, a, _, _, e1, e2, e3, poly = terms
    return _peaks_value(a, e1, e2, e3, poly), _peaks_partials(x, y, *terms)


def _sextic(x):
    x2 = x * x
    x4 = x2 * x2
    return x4 * x2 - 5 * x4 + 4 * x2


def _sextic_grad(x):
    x2 = x * x
    x3 = x2 * x
    return 6 * (x3 * x2) - 20 * x3 + 8 * x


_XS, _XM = _sextic_minimum(), _sextic_maximum()
# Critical points of cos(2 pi x) + x^2 in [-2, 2]: minima near 0.48 and 1.43, maxima at 0 and near 1.05.
_XC, _XC2, _XCM = (_cos_bowl_critical(x) for x in (0.5, 1.43, 1.05))

quadratic = Objective(
    "quadratic", r"3x^2 - 3x + 4",
    lambda x: 3 * (x * x) - 3 * x + 4, lambda x: 6 * x - 3,
    domain=(-2.0, 2.0), minima=(0.5,),
)
sextic = Objective(
    "sextic", r"x^6 - 5x^4 + 4x^2",
    _sextic, _sextic_grad,
    domain=(-2.0, 2.0), minima=(-_XS, 0.0, _XS), maxima=(-_XM, _XM),
)
cos_bowl = Objective(
    "cos_bowl", r"\cos(2\pi x) + x^2",
    lambda x: np.cos(2 * np.pi * x) + x * x, lambda x: -2 * np.pi * np.sin(2 * np.pi * x) + 2 * x,
    domain=(-2.0, 2.0), minima=(-_XC2, -_XC, _XC, _XC2), maxima=(-_XCM, 0.0, _XCM),
)
peaks = Objective(
    "peaks",
    r"3(1-x)^2 e^{-x^2-(y+1)^2} - 10(\frac{x}{5} - x^3 - y^5) e^{-x^2-y^2} - \frac{1}{3} e^{-(x+1)^2-y^2}",
    _peaks, _peaks_grad, ndim=2, domain=((-3.0, 3.0), (-3.0, 3.0)), fdf=_peaks_fdf,
    # Located by Newton refinement in tests/test_functions.py; rounded to 4 decimals here.
    # (0.2964, 0.3202) is a shallow third local minimum (f = -0.0649), easy to miss on a coarse grid.
    minima=((0.2283, -1.6255), (-1.3474, 0.2045), (0.2964, 0.3202)),
    maxima=((-0.0093, 1.5814), (-0.4600, -0.6292), (1.2857, -0.0048)),
)
saddle = Objective(
    "saddle", r"x^2 - y^2",
    lambda x, y: x * x - y * y, lambda x, y: (2 * x, -2 * y),
    ndim=2, domain=((-2.0, 2.0), (-2.0, 2.0)),
)
plateau = Objective(
    "plateau", r"1 - e^{-x^2}",
    lambda x: 1 - np.exp(-(x * x)), lambda x: 2 * x * np.exp(-(x * x)),
    domain=(-4.0, 4.0), minima=(0.0,),
)
steep = Objective(
    "steep", r"x^4",
    lambda x: (x * x) * (x * x), lambda x: 4 * (x * x * x),
    domain=(-3.0, 3.0), minima=(0.0,),
)

OBJECTIVES = {o.name: o for o in (quadratic, sextic, cos_bowl, peaks, saddle, plateau, steep)}
