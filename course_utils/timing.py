"""Timing an experiment so a notebook can say how long it took.

Notebooks print ``took 12.3 ms``; nbval masks that phrase (``tests/nbval_sanitize.cfg``),
so timings are shown to the learner without making the comparison flaky.
"""
from __future__ import annotations

import time

from . import _validate

__all__ = ["Timer", "format_seconds"]


def format_seconds(seconds):
    """``0.0123`` -> ``'12.3 ms'``; picks µs, ms or s.

    >>> format_seconds(0.0123), format_seconds(0.00099996), format_seconds(2)
    ('12.3 ms', '1.0 ms', '2.00 s')
    """
    seconds = _validate.nonnegative_number("seconds", seconds)
    # choose the unit after rounding, so 0.99996 s reads "1.00 s", not "1000.0 ms"
    if round(seconds * 1e6, 1) < 1000:
        return f"{seconds * 1e6:.1f} µs"
    if round(seconds * 1e3, 1) < 1000:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


class Timer:
    """Context manager measuring wall time.

    >>> with Timer() as t:
    ...     _ = sum(range(1000))
    >>> str(t).startswith("took ")
    True
    """

    def __init__(self):
        self.seconds = None
        self._start = None

    def __enter__(self):
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
        return False

    def __str__(self):
        if self.seconds is None:
            return "not timed yet"
        return f"took {format_seconds(self.seconds)}"

    def __repr__(self):
        return f"Timer({self})"
