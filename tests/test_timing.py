"""Timer and format_seconds: readable durations that the nbval sanitizer masks."""
import configparser
import re
import time
from pathlib import Path

import numpy as np
import pytest

import course_utils as cu

SANITIZE = Path(__file__).parent / "nbval_sanitize.cfg"


@pytest.mark.parametrize("seconds, text", [
    (0.0, "0.0 µs"), (2.5e-7, "0.2 µs"), (1.5e-5, "15.0 µs"), (0.000999, "999.0 µs"),
    (0.00099996, "1.0 ms"), (0.001, "1.0 ms"), (0.0123, "12.3 ms"), (0.5, "500.0 ms"),
    (0.99996, "1.00 s"), (1, "1.00 s"), (12.345, "12.35 s"), (np.float64(3.0), "3.00 s"),
])
def test_format_seconds(seconds, text):
    assert cu.format_seconds(seconds) == text


@pytest.mark.parametrize("bad", [-0.1, np.nan, np.inf, "1 s", None, True, [0.1]])
def test_format_seconds_rejects_bad_input(bad):
    with pytest.raises(ValueError, match=r"^seconds must be"):
        cu.format_seconds(bad)


def test_timer_measures_wall_time():
    t = cu.Timer()
    assert t.seconds is None and str(t) == "not timed yet" and repr(t) == "Timer(not timed yet)"
    with t as same:
        time.sleep(0.02)
    assert same is t
    assert 0.02 <= t.seconds < 5
    assert str(t) == f"took {cu.format_seconds(t.seconds)}"
    assert repr(t) == f"Timer({t})"


def test_timer_can_be_reused_and_does_not_swallow_errors():
    t = cu.Timer()
    with pytest.raises(KeyError):
        with t:
            raise KeyError("boom")
    assert t.seconds is not None  # timed up to the error
    first = t.seconds
    with t:
        time.sleep(0.01)
    assert t.seconds >= 0.01 and t.seconds != first


def _sanitizer_patterns():
    cfg = configparser.ConfigParser()
    cfg.read(SANITIZE, encoding="utf-8")
    return [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]


@pytest.mark.parametrize("seconds", [3e-7, 4.2e-4, 0.0123, 0.5, 1.0, 75.0])
def test_every_timing_printout_is_masked_by_the_nbval_sanitizer(seconds):
    t = cu.Timer()
    t.seconds = seconds
    line = f"Experiment 3 (1200 runs) {t}."
    masked = line
    for pattern, replace in _sanitizer_patterns():
        masked = pattern.sub(replace, masked)
    assert masked == "Experiment 3 (1200 runs) took <TIME>."
