"""Benchmarks: is the course's code fast where learners feel it?

Run from the repository root::

    python -m benchmarks.bench            # everything (the notebook section runs the whole test suite)
    python -m benchmarks.bench --quick    # fewer repeats, no notebook section
    python -m benchmarks.bench --write    # also write benchmarks/RESULTS.md

Every speed claim is a ratio of two ways of computing the same numbers, timed in the same
run. Before timing, the script asserts that both sides agree (to 1e-12 relative); a
disagreement stops the benchmark. Times are the best of several repeats (wall clock), so
other programs running at the same time inflate them less.

Sections (``--sections`` picks some):

``grid``      Experiment 3 of notebook 05: 50 learning rates x 40 epoch counts on the sextic, one
              vectorized call against the nested loops a learner writes (plain floats), against the
              source course's own loops (numpy scalars), and against a hand-tuned limit pass.
``basins``    A basin map on peaks: 10,000 starts x 1,000 epochs, against a per-start loop; its memory.
``optimizers`` Momentum over a grid of learning rates x betas in one call, against one call per pair.
``sliders``   Compute + draw + PNG for every explorer (:mod:`course_utils.explorers`, ``explorers_optim``),
              off screen.
``networks``  Full-batch training speed of the networks of notebooks 11-12 against a per-sample
              loop; mini-batch training against the loop a lesson writes out; float32 against
              float64 at [2, 64, 64, 1] x 10,000 samples (and PyTorch CPU when it is installed).
``scaling``   Time and peak memory (tracemalloc) of the descent driver over 10^2 ... 10^6 starts and of
              network training over 10^2 ... 10^5 samples, with the log-log slopes; ``--write`` also
              draws both in ``benchmarks/scaling.png``.
``notebooks`` The whole test suite (``python -m pytest``, every notebook under nbval): seconds per
              notebook and the suite's wall time. Slow; skipped by ``--quick``/``--no-notebooks``.
``imports``   ``import course_utils`` in a fresh interpreter.

This script lives beside the results it writes, outside the course package: no lesson uses it.
When a target is missed, the explanation under the table is written from this run's figures.
"""
from __future__ import annotations

import argparse
import datetime
import inspect
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import course_utils as cu

__all__ = [
    "Row", "best_time", "assert_same", "grid_vectorized", "grid_loop", "grid_source_loop", "grid_limit",
    "basin_starts",
    "basin_vectorized", "basin_loop", "optimizer_grid", "optimizer_runs", "descent_scaling", "explorer_pairs",
    "slider_update_times", "NETWORKS",
    "make_network", "per_sample_gradients", "minibatch_network", "minibatch_loop", "dtype_network",
    "dtype_fit", "torch_fit", "best_times", "compare_dtypes", "compare_dtypes_single_thread",
    "peak_memory", "loglog_slope", "measure_scaling", "scaling_row", "write_scaling_figure",
    "parse_durations", "parse_importtime",
    "format_table", "machine", "run", "main",
]

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
RTOL = 1e-12  # agreement required between the two sides of every comparison


@dataclass
class Row:
    """One line of the results table.

    ``met`` is True/False against ``target``, or None when the row has no target (context).
    Summary rows make the short table (one per measured figure); every row, with its
    notes, makes the details table.
    """

    section: str
    measured: str
    target: str = ""
    met: bool | None = None
    note: str = ""
    summary: bool = True  # False: shown in the details table only
    missed: str = ""  # why the target was missed, written from this run's figures (RESULTS.md)


# ------------------------------------------------------------------------------ helpers

def best_time(fn, *, repeat):
    """Run ``fn()`` ``repeat`` times; return (best wall time in seconds, last result)."""
    best, result = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def assert_same(name, fast, reference, *, rtol=RTOL, per_array=False):
    """Raise AssertionError unless ``fast`` equals ``reference`` to ``rtol`` (relative).

    NaN must sit in the same places on both sides. With ``per_array`` the tolerance is
    relative to the largest ``|reference|`` (for sums whose order differs, e.g. gradients
    accumulated sample by sample); otherwise it applies to every element.

    Returns
    -------
    float
        The largest relative difference found (0.0 when bit-identical).

    >>> assert_same("demo", [1.0, np.nan], [1.0, np.nan])
    0.0
    """
    fast, reference = np.asarray(fast, dtype=float), np.asarray(reference, dtype=float)
    if fast.shape != reference.shape:
        raise AssertionError(f"{name}: shapes differ, {fast.shape} vs {reference.shape}")
    if not np.array_equal(np.isnan(fast), np.isnan(reference)):
        raise AssertionError(f"{name}: NaN (diverged) entries differ between the two sides")
    ok = ~np.isnan(reference)
    diff = np.abs(fast[ok] - reference[ok])
    scale = np.abs(reference[ok])
    if per_array:
        scale = np.full_like(scale, scale.max(initial=0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.where(diff == 0, 0.0, diff / scale)
    worst = float(rel.max(initial=0.0))
    if not worst <= rtol:
        raise AssertionError(f"{name}: the two sides differ by {worst:.3g} (relative), more than {rtol:g}")
    return worst


def profile_shares(fn, top=2):
    """Run ``fn`` under cProfile; the ``top`` functions by own time with their share of the total."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(fn)
    stats = pstats.Stats(profiler).stats  # {(file, line, name): (cc, nc, tottime, cumtime, callers)}
    total = sum(v[2] for v in stats.values())
    ranked = sorted(stats.items(), key=lambda kv: -kv[1][2])[:top]
    return [(f"{Path(file).name}:{name}" if file != "~" else name, v[2] / total)
            for (file, _, name), v in ranked]


def _ms(seconds):
    return cu.format_seconds(seconds)


def _seconds(seconds):
    return f"{seconds:.3f} s" if seconds < 10 else f"{seconds:.1f} s"


def _agreement(worst):
    return "bit-identical" if worst == 0 else f"agree to {worst:.1e}"


# ---------------------------------------------------------------- 1. Experiment 3 grid

GRID_OBJECTIVE = cu.sextic  # several minima; the function of notebook 05's experiments
GRID_START = 1.0
GRID_LEARNING_RATES = np.logspace(-10, -1, 50)
GRID_EPOCHS = np.linspace(10, 500, 40).round().astype(int)
GRID_TARGET = 200.0  # against plain-float loops
GRID_SOURCE_TARGET = 250.0  # against the source course's loops (numpy scalars)
GRID_LIMIT_TARGET = 1.3  # the driver's time over the hand-tuned pass


def grid_vectorized(objective, start, learning_rates, epoch_counts):
    """The course's way: one call with every learning rate, read at every epoch count.

    Returns
    -------
    ndarray, shape (len(epoch_counts), len(learning_rates))
        Position after ``epoch_counts[i]`` epochs with ``learning_rates[j]`` (NaN: diverged).
    """
    run = cu.gradient_descent(objective, start, learning_rate=np.asarray(learning_rates),
                              epochs=int(np.max(epoch_counts)))
    return run.at(np.asarray(epoch_counts))


def _scalar_rule(objective, start):
    """The divergence rule of :mod:`course_utils.divergence` for one 1-D run, as plain numbers.

    Returns ``(lo, hi)``: the plotted domain widened by its width on each side (and to the start).
    """
    lo, hi = objective.domain
    width = hi - lo
    return min(lo - width, start), max(hi + width, start)


def _scalar_run(f, deriv, x, lr, epochs, lo, hi, patience=cu.PATIENCE):
    """One run of the lesson's loop, ``x = x - lr * deriv(x)``, with the course's divergence rule.

    ``x`` is a Python float or a numpy scalar; the arithmetic stays in that type. Returns the
    position after every epoch (NaN from the epoch the run diverged).
    """
    path = [x]
    first = last = f(x)
    rises = 0
    for _ in range(epochs):
        x = x - lr * deriv(x)
        if not lo <= x <= hi:  # outside the widened domain (or NaN): well inside |x| <= 1e8 too
            break
        now = f(x)
        rises = rises + 1 if now > last and now > first else 0
        last = now
        if rises >= patience:
            break
        path.append(x)
    return path + [math.nan] * (epochs + 1 - len(path))


def grid_loop(objective, start, learning_rates, epoch_counts):
    """The nested loops a learner writes: one run per (learning rate, epochs), plain Python floats.

    Each run also applies the course's divergence rule (a run is NaN from the epoch it diverged),
    so both sides compute the same numbers.
    """
    lo, hi = _scalar_rule(objective, float(start))
    out = np.empty((len(epoch_counts), len(learning_rates)))
    for j, lr in enumerate(np.asarray(learning_rates, dtype=float).tolist()):
        for i, epochs in enumerate(np.asarray(epoch_counts).tolist()):
            out[i, j] = _scalar_run(objective.f, objective.df, float(start), lr, epochs, lo, hi)[-1]
    return out


def grid_source_loop(objective, start, learning_rates, epoch_counts):
    """The source course's own loops: numpy functions on numpy scalars, one run per pair.

    The notes compute with numpy throughout (``np.float64`` numbers, ``x = x - lr * deriv(x)``):
    every operation on a numpy scalar goes through numpy's dispatch, which costs more than a
    Python float's. Same divergence rule as :func:`grid_loop`.
    """
    lo, hi = _scalar_rule(objective, float(start))
    out = np.empty((len(epoch_counts), len(learning_rates)))
    for j, lr in enumerate(np.asarray(learning_rates, dtype=float)):
        for i, epochs in enumerate(np.asarray(epoch_counts).tolist()):
            out[i, j] = _scalar_run(objective.f, objective.df, np.float64(start), lr, epochs, lo, hi)[-1]
    return out


@np.errstate(over="ignore", invalid="ignore")  # diverging runs overflow on purpose
def grid_limit(start, learning_rates, epoch_counts, *, block=64):
    """The limit: the same grid as one hand-tuned numpy pass over the sextic, preallocated buffers.

    Every operation of a step writes into a buffer made once (``out=``), the formulas are inlined
    in the order :data:`course_utils.sextic` computes them (so the numbers are the same, bit for
    bit), and the divergence rule judges ``block`` epochs at once, as the driver does: the
    positions of a block are kept, then one loss evaluation, one min/max and a few comparisons
    decide which runs left the widened domain or kept climbing, and when.
    """
    lr = np.asarray(learning_rates, dtype=float)
    counts = np.asarray(epoch_counts)
    x = np.full(lr.shape, float(start))
    x2, x3, g, t = (np.empty_like(x) for _ in range(4))
    rate = lr.copy()  # 0 for the diverged runs, which then stay at their start
    lo, hi = _scalar_rule(cu.sextic, float(start))

    def loss(p):  # x^6 - 5 x^4 + 4 x^2 in cu.sextic's order, on any shape
        p2 = p * p
        p4 = p2 * p2
        return p4 * p2 - 5 * p4 + 4 * p2

    first_loss = loss(x)
    last, rises = first_loss.copy(), np.zeros(x.shape, dtype=np.int64)
    at = np.full(x.shape, -1)  # epoch of divergence
    start_x = x.copy()
    epochs = int(counts.max())
    out = np.full((counts.size, lr.size), np.nan)
    kept = {int(e): k for k, e in enumerate(counts.tolist())}
    positions = np.empty((block, x.size))
    steps = np.arange(block)[:, None]
    for first in range(0, epochs, block):
        n = min(block, epochs - first)
        for i in range(n):
            np.multiply(x, x, out=x2)  # 6 x^5 - 20 x^3 + 8 x, as cu.sextic's gradient
            np.multiply(x2, x, out=x3)
            np.multiply(x3, x2, out=g)
            np.multiply(g, 6, out=g)
            np.multiply(x3, 20, out=t)
            np.subtract(g, t, out=g)
            np.multiply(x, 8, out=t)
            np.add(g, t, out=g)
            np.multiply(g, rate, out=t)
            np.subtract(x, t, out=x)
            positions[i] = x
        p, f = positions[:n], loss(positions[:n])
        first_bad = np.full(x.shape, n)
        if not (p.min() >= lo and p.max() <= hi):  # NaN fails too
            outside = ~((p >= lo) & (p <= hi))
            first_bad = np.where(outside.any(axis=0), outside.argmax(axis=0), n)
        up = (f > np.concatenate([last[None], f[:-1]])) & (f > first_loss)
        last = f[-1].copy()
        if up.any() or rises.any():  # consecutive climbing epochs, carried across blocks
            reset = np.maximum.accumulate(np.where(up, -1, steps[:n]), axis=0)
            run = np.where(reset >= 0, steps[:n] - reset, steps[:n] + 1 + rises)
            climbing = run >= cu.PATIENCE
            first_bad = np.minimum(first_bad, np.where(climbing.any(axis=0), climbing.argmax(axis=0), n))
            rises = run[-1]
        new = (first_bad < n) & (at < 0)
        at[new] = first + 1 + first_bad[new]
        for e in range(first + 1, first + n + 1):
            if e in kept:
                out[kept[e]] = np.where((at >= 0) & (at <= e), np.nan, positions[e - first - 1])
        x[new], rate[new] = start_x[new], 0.0
    return out


def bench_grid(quick=False):
    args = (GRID_OBJECTIVE, GRID_START, GRID_LEARNING_RATES, GRID_EPOCHS)
    vectorized = grid_vectorized(*args)
    worst = max(assert_same("experiment 3 grid", vectorized, grid_loop(*args)),
                assert_same("experiment 3 grid (numpy scalars)", vectorized, grid_source_loop(*args)),
                assert_same("experiment 3 grid (limit)", vectorized, grid_limit(*args[1:])))
    t_vec, _ = best_time(lambda: grid_vectorized(*args), repeat=5 if quick else 20)
    t_limit, _ = best_time(lambda: grid_limit(*args[1:]), repeat=5 if quick else 20)
    t_loop, _ = best_time(lambda: grid_loop(*args), repeat=1 if quick else 3)
    t_source, _ = best_time(lambda: grid_source_loop(*args), repeat=1 if quick else 2)
    ratio, source_ratio, limit_ratio = t_loop / t_vec, t_source / t_vec, t_vec / t_limit
    steps = int(GRID_EPOCHS.sum()) * GRID_LEARNING_RATES.size
    epochs = int(GRID_EPOCHS.max())
    shape = f"{GRID_LEARNING_RATES.size} learning rates x {GRID_EPOCHS.size} epoch counts"
    source_missed = ""
    if source_ratio < GRID_SOURCE_TARGET:
        source_missed = _grid_missed(t_vec=t_vec, t_loop=t_source, t_limit=t_limit, epochs=int(GRID_EPOCHS.max()),
                                     steps=int(GRID_EPOCHS.sum()) * GRID_LEARNING_RATES.size, quick=quick,
                                     target=GRID_SOURCE_TARGET, kind="numpy scalars (np.float64)",
                                     title="Experiment 3 grid, against the source course's loops")
    missed = ""
    if ratio < GRID_TARGET:
        missed = _grid_missed(t_vec=t_vec, t_loop=t_loop, t_limit=t_limit, epochs=epochs, steps=steps, quick=quick)
    limit_missed = ""
    if limit_ratio > GRID_LIMIT_TARGET:
        limit_missed = _limit_missed(args, t_vec=t_vec, t_limit=t_limit, ratio=limit_ratio, quick=quick)
    return [
        Row(f"1. Experiment 3 grid ({shape}): vectorized vs the source course's loops",
            f"{source_ratio:.0f}x ({_ms(t_vec)} vs {_ms(t_source)})", f">= {GRID_SOURCE_TARGET:.0f}x",
            source_ratio >= GRID_SOURCE_TARGET, missed=source_missed,
            note="the notes' loop, x = x - lr * deriv(x), on numpy scalars (np.float64), one run per pair"),
        Row(f"1. Experiment 3 grid ({shape}): vectorized vs plain-float loops", f"{ratio:.0f}x ({_ms(t_loop)})",
            f">= {GRID_TARGET:.0f}x", ratio >= GRID_TARGET, missed=missed),
        Row("1. Experiment 3 grid: driver vs the hand-tuned limit", f"{limit_ratio:.2f}x ({_ms(t_limit)})",
            f"<= {GRID_LIMIT_TARGET}x", limit_ratio <= GRID_LIMIT_TARGET, missed=limit_missed,
            note="one numpy pass with buffers made once (out=), formulas inlined, divergence folded in"),
        Row("1. Experiment 3 grid: one vectorized call", _ms(t_vec), summary=False,
            note=f"on {GRID_OBJECTIVE.name} from x0 = {GRID_START:g}: {epochs} epochs of all "
                 f"{GRID_LEARNING_RATES.size} runs, read at the {GRID_EPOCHS.size} epoch counts; "
                 f"{_ms(t_vec / epochs)} per epoch; {_agreement(worst)} with all three loops"),
        Row("1. Experiment 3 grid: a learner's nested loops", _ms(t_loop), summary=False,
            note=f"one run per (learning rate, epochs): {steps:,} scalar steps of plain Python floats, "
                 f"{t_loop / steps * 1e9:.0f} ns per step (each with the divergence rule's loss)"),
        Row("1. Experiment 3 grid: the source course's loops", _ms(t_source), summary=False,
            note=f"{steps:,} scalar steps on numpy scalars, {t_source / steps * 1e9:.0f} ns per step"),
    ]


def _limit_missed(args, *, t_vec, t_limit, ratio, quick):
    """Why the driver stays above the hand-tuned pass, split into what this run measures."""
    objective, start, rates, counts = args
    epochs = int(np.max(counts))
    repeat = 5 if quick else 20
    t_end, _ = best_time(lambda: cu.gradient_descent(objective, start, learning_rate=rates, epochs=epochs,
                                                     record="end"), repeat=repeat)
    t_call, _ = best_time(lambda: cu.gradient_descent(objective, start, learning_rate=rates, epochs=1),
                          repeat=repeat)
    shares = profile_shares(lambda: grid_vectorized(*args), top=3)
    return (f"**Experiment 3 grid, limit.** The driver takes {ratio:.2f}x the hand-tuned pass "
            f"({_ms(t_vec)} vs {_ms(t_limit)}). It returns more than the grid: the path and the gradient of "
            f"all {epochs} epochs; the same call keeping only the end (`record='end'`) takes {_ms(t_end)}, so "
            f"the record costs {_ms(max(t_vec - t_end, 0.0))}. A call of one epoch takes {_ms(t_call)} (checking "
            "the arguments, the start's loss, the tracker): the rest of the gap, "
            f"{_ms(max(t_end - t_call - t_limit, 0.0))}, is the loop's Python work per epoch and the "
            "objective's formula making new arrays where the pass writes into its buffers. Profile: "
            + ", ".join(f"{share:.0%} in `{name}`" for name, share in shares) + ".")


def _grid_missed(*, t_vec, t_loop, t_limit, epochs, steps, quick, target=GRID_TARGET, kind="plain Python floats",
                 title="Experiment 3 grid"):
    """Why the grid ratio stays below its target, in this run's figures.

    The ratio is exactly (scalar steps one vectorized epoch replaces) / (scalar steps one
    vectorized epoch costs): the loops take ``steps`` scalar steps, the call ``epochs`` epochs.
    """
    runs = GRID_LEARNING_RATES.size
    replaced = steps / epochs  # scalar steps of the loops per vectorized epoch
    per_epoch, per_step = t_vec / epochs, t_loop / steps
    costs = per_epoch / per_step  # one vectorized epoch, in scalar steps
    a, b = np.linspace(0.5, 1.5, runs), np.linspace(1.5, 0.5, runs)
    t_op, _ = best_time(lambda: a * b, repeat=200 if quick else 2000)
    needed = per_step * replaced / target  # the epoch time that would meet the target
    return (
        f"**{title}.** Both sides do the same arithmetic. The vectorized call saves the re-runs: "
        f"{epochs:,} epochs for all {runs} learning rates instead of {steps:,} scalar steps, "
        f"{steps / (epochs * runs):.0f}x less work. But one epoch of the call takes {_ms(per_epoch)} "
        f"(one numpy operation on {runs} floats, `a * b`, takes {_ms(t_op)} in this run), while a "
        f"scalar step of {kind} takes {per_step * 1e9:.0f} ns. One vectorized epoch thus costs "
        f"as much as {costs:.0f} scalar steps and replaces {replaced:,.0f} of them: the ratio is "
        f"{replaced:,.0f} / {costs:.0f} = {replaced / costs:.0f}x. {target:.0f}x would need an epoch of "
        f"all {runs} runs in {_ms(needed)}, the time of {needed / t_op:.1f} numpy operations, where this "
        f"epoch takes the time of {per_epoch / t_op:.0f}. " + (
            f"Even the hand-tuned numpy pass takes {_ms(t_limit / epochs)} per epoch: only a compiled loop "
            "(numba, C) gets there, which the course avoids on purpose."
            if t_limit / epochs > needed else
            f"The hand-tuned numpy pass ({_ms(t_limit / epochs)} per epoch) would meet it: the gap is the "
            "driver's own overhead (the limit row).")
    )


# ------------------------------------------------------------------------ 2. Basin map

BASIN_SIDE = 100  # 100 x 100 = 10,000 starts over the peaks domain
BASIN_EPOCHS = 1000
BASIN_LEARNING_RATE = 0.01
BASIN_LOOP_STARTS = 20  # the per-start loop runs on this many starts and is extrapolated
BASIN_TARGET = 0.15
BASIN_MEMORY_TARGET = 16 * 2**20  # bytes beyond the inputs, for the 10,000 starts


def basin_starts(side=BASIN_SIDE):
    """A ``side x side`` grid of starts over the domain of peaks, shape ``(side, side, 2)``."""
    (x0, x1), (y0, y1) = cu.peaks.domain
    X, Y = np.meshgrid(np.linspace(x0, x1, side), np.linspace(y0, y1, side))
    return np.stack([X, Y], axis=-1)


def basin_vectorized(starts, *, learning_rate=BASIN_LEARNING_RATE, epochs=BASIN_EPOCHS):
    """Descend from every start at once; return (end points, basin label of each start)."""
    run = cu.gradient_descent(cu.peaks, starts, learning_rate=learning_rate, epochs=epochs, record="end")
    return run.final, cu.nearest_label(run.final, cu.peaks.minima, tol=1e-2)


def basin_loop(starts, *, learning_rate=BASIN_LEARNING_RATE, epochs=BASIN_EPOCHS):
    """One run per start, one step per epoch, with the objective's own formulas on plain floats.

    Applies the course's divergence rule (outside the widened domain, or a loss rising
    ``PATIENCE`` steps above its start: NaN). Returns the end points, shape ``(n, 2)``.
    """
    f, deriv = cu.peaks.f, cu.peaks.df
    (x0, x1), (y0, y1) = cu.peaks.domain
    out = np.empty((len(starts), 2))
    for k, (x, y) in enumerate(np.asarray(starts, dtype=float).tolist()):
        lox, hix = min(x0 - (x1 - x0), x), max(x1 + (x1 - x0), x)
        loy, hiy = min(y0 - (y1 - y0), y), max(y1 + (y1 - y0), y)
        first = last = f(x, y)
        rises = 0
        for _ in range(epochs):
            dx, dy = deriv(x, y)
            x, y = x - learning_rate * dx, y - learning_rate * dy
            now = f(x, y) if lox <= x <= hix and loy <= y <= hiy else math.nan
            rises = rises + 1 if now > last and now > first else 0
            last = now
            if now != now or rises >= cu.PATIENCE:
                x = y = math.nan
                break
        out[k] = (x, y)
    return out


def _history_bytes(runs, epochs):
    """Bytes of a full 2-D record (path, gradients, learning rates) of ``runs`` runs."""
    return 8 * ((epochs + 1) * runs * 2 + epochs * runs * 3)


def bench_basins(quick=False):
    starts = basin_starts()
    flat = starts.reshape(-1, 2)
    subset = np.linspace(0, len(flat) - 1, BASIN_LOOP_STARTS).round().astype(int)
    t_first, _ = best_time(lambda: basin_vectorized(starts), repeat=1)  # first call: cold caches
    t_vec, (final, labels) = best_time(lambda: basin_vectorized(starts), repeat=2 if quick else 5)
    t_sub, looped = best_time(lambda: basin_loop(flat[subset]), repeat=1)
    _, peak = peak_memory(lambda: basin_vectorized(starts))
    worst = assert_same("basin map", final.reshape(-1, 2)[subset], looped)
    t_loop = t_sub * len(flat) / len(subset)
    why = missed = ""
    if t_vec > BASIN_TARGET:
        shares = profile_shares(lambda: basin_vectorized(starts, epochs=200), top=3)
        X, Y = flat[:, 0].copy(), flat[:, 1].copy()
        t_fdf, _ = best_time(lambda: cu.peaks.fdf(X, Y), repeat=20)
        t_exp, _ = best_time(lambda: np.exp(X), repeat=20)
        t_op, _ = best_time(lambda: X * Y, repeat=50)
        floor = BASIN_EPOCHS * t_fdf
        why = "; profile: " + ", ".join(f"{share:.0%} in {name}" for name, share in shares)
        missed = (f"**Basin map.** {_seconds(t_vec)} against a target of {BASIN_TARGET} s. The profile of this run "
                  "puts " + ", ".join(f"{share:.0%} of the time in `{name}`" for name, share in shares)
                  + f". On {len(X):,} starts the value and gradient of peaks, from shared terms (`fdf`), take "
                  f"{_ms(t_fdf)} per epoch: as long as {t_fdf / t_op:.0f} array multiplications of that size "
                  f"({_ms(t_op)} each; one `np.exp` {_ms(t_exp)}), the formula's three exponentials and some "
                  f"sixty products and sums. {BASIN_EPOCHS:,} epochs of it are {_seconds(floor)}, the floor for "
                  "this formula in numpy, and it alone exceeds the target: only fewer passes over the data "
                  "(a fused, compiled kernel, which the course avoids) get below it. The driver's own work "
                  f"(update, record, divergence rule) is the rest, {_seconds(max(t_vec - floor, 0.0))}.")
    found = ", ".join(f"{np.sum(labels == k)}" for k in range(len(cu.peaks.minima)))
    found += f" (elsewhere {np.sum(labels < 0)})"
    ratio = t_loop / t_vec
    return [
        Row(f"2. Basin map ({len(flat):,} starts x {BASIN_EPOCHS:,} epochs on peaks), vectorized",
            f"{_seconds(t_vec)}, {len(flat) / t_vec:,.0f} starts/s; {ratio:.0f}x a per-start loop",
            f"<= {BASIN_TARGET} s", t_vec <= BASIN_TARGET, missed=missed),
        Row("2. Basin map: memory beyond the inputs (tracemalloc peak)", f"{peak / 2**20:.1f} MiB",
            f"<= {BASIN_MEMORY_TARGET / 2**20:.0f} MiB", peak <= BASIN_MEMORY_TARGET,
            note=f"record='end' keeps the start and the end of each run; the starts are {starts.nbytes / 2**20:.2f} "
                 f"MiB; the whole path would be {_history_bytes(len(flat), BASIN_EPOCHS) / 2**20:,.0f} MiB"),
        Row("2. Basin map: one vectorized call", _seconds(t_vec), summary=False,
            note=f"learning rate {BASIN_LEARNING_RATE:g}; first call in this process {_seconds(t_first)} "
                 f"(cold caches); starts per minimum: {found}{why}"),
        Row("2. Basin map: per-start loop (extrapolated)", _seconds(t_loop), summary=False,
            note=f"timed on {len(subset)} starts (x {len(flat) // len(subset)}); "
                 f"{_agreement(worst)} with the vectorized end points"),
    ]


# ----------------------------------------------- 2b. Optimisers: a grid over alpha x beta

OPTIMIZER_RATES = np.logspace(-3, -0.5, 12)
OPTIMIZER_BETAS = np.linspace(0.0, 0.95, 12)
OPTIMIZER_START = (-0.5, 0.5)
OPTIMIZER_EPOCHS = 200


def optimizer_grid(rates=OPTIMIZER_RATES, betas=OPTIMIZER_BETAS, *, epochs=OPTIMIZER_EPOCHS):
    """Momentum on peaks for every (learning rate, beta) pair in one call; end points (R, B, 2)."""
    run = cu.gradient_descent(cu.peaks, OPTIMIZER_START, learning_rate=np.asarray(rates)[:, None], epochs=epochs,
                              optimizer=cu.momentum(np.asarray(betas)[None, :]), record="end")
    return run.final


def optimizer_runs(rates=OPTIMIZER_RATES, betas=OPTIMIZER_BETAS, *, epochs=OPTIMIZER_EPOCHS):
    """The same pairs one call at a time, as a learner would loop over them."""
    out = np.empty((len(rates), len(betas), 2))
    for i, lr in enumerate(rates):
        for j, beta in enumerate(betas):
            out[i, j] = cu.gradient_descent(cu.peaks, OPTIMIZER_START, learning_rate=float(lr), epochs=epochs,
                                            optimizer=cu.momentum(float(beta)), record="end").final
    return out


def bench_optimizers(quick=False):
    grid = optimizer_grid()
    worst = assert_same("optimiser grid", grid, optimizer_runs())
    t_grid, _ = best_time(optimizer_grid, repeat=3 if quick else 10)
    t_runs, _ = best_time(optimizer_runs, repeat=1 if quick else 3)
    pairs = OPTIMIZER_RATES.size * OPTIMIZER_BETAS.size
    diverged = int(np.isnan(grid[..., 0]).sum())
    return [Row(f"2b. Momentum on peaks, {OPTIMIZER_RATES.size} learning rates x {OPTIMIZER_BETAS.size} betas "
                f"x {OPTIMIZER_EPOCHS} epochs: one call vs one call per pair",
                f"{t_runs / t_grid:.0f}x ({_ms(t_grid)} vs {_ms(t_runs)})",
                note=f"{pairs} runs, {diverged} diverged; {_agreement(worst)} between the two sides")]


# ------------------------------------------- 2c. How the descent driver's cost grows

DESCENT_SCALING_SIZES = (100, 1_000, 10_000, 100_000, 1_000_000)
DESCENT_SCALING_EPOCHS = 20


def descent_scaling(sizes=DESCENT_SCALING_SIZES, *, epochs=DESCENT_SCALING_EPOCHS, repeat=3):
    """Time per epoch and peak memory of :func:`gradient_descent` on peaks over ``sizes`` starts.

    Starts are uniform over the domain (seeded); ``record="end"``, so memory should grow with the
    starts alone. The curve goes into :data:`SCALING` (via :func:`measure_scaling`), beside the
    network's, for :func:`write_scaling_figure`. Returns ``(sizes, seconds per epoch, peak bytes)``.
    """
    def make_call(n):
        starts = np.random.default_rng(0).uniform(-3, 3, (n, 2))
        return lambda: cu.gradient_descent(cu.peaks, starts, learning_rate=0.01, epochs=epochs, record="end")

    return measure_scaling("descent driver on peaks (per epoch)", sizes, make_call, repeat=repeat, per=epochs)


def multiply_cost(n, *, repeat=20):
    """Seconds per float of one product of two arrays of ``n`` floats into a fresh array, as a
    formula's temporaries are made (best of ``repeat``)."""
    a, b = np.linspace(0.5, 1.5, n), np.linspace(1.5, 0.5, n)
    t, _ = best_time(lambda: a * b, repeat=repeat)
    return t / n


def bench_descent_scaling(quick=False):
    sizes = DESCENT_SCALING_SIZES[:4] if quick else DESCENT_SCALING_SIZES
    sizes, times, peaks = descent_scaling(sizes, repeat=1 if quick else 3)
    # A start is two coordinates: the formula's arrays hold ``starts`` floats each.
    per_float = {int(n): multiply_cost(int(n), repeat=5 if n > 10**5 else 20) for n in sizes[-2:]}
    return [scaling_row(f"2c. Descent driver on peaks, {sizes[0]:,} ... {sizes[-1]:,} starts (record='end'), "
                        "per epoch", sizes, times, peaks, unit="starts", per_float=per_float)]


def bench_scaling(quick=False):
    """Both scaling measurements (descent driver, network training), drawn in one figure."""
    return bench_descent_scaling(quick) + bench_network_scaling(quick)


# ---------------------------------------------------------------- 3. Slider latency

SLIDER_UPDATES = 50
SLIDER_TARGET = 0.060  # median seconds per update
SLIDER_TARGET_P95 = 0.100


def explorer_pairs():
    """Every explorer (:mod:`course_utils.explorers` and the optimisation explorers of
    :mod:`course_utils.explorers_optim`): name -> (compute, draw)."""
    from course_utils import explorers, explorers_optim

    pairs = {}
    for module in (explorers, explorers_optim):
        for name in getattr(module, "__all__", ()):
            if name.startswith("compute_") and hasattr(module, "draw_" + name[len("compute_"):]):
                kind = name[len("compute_"):]
                pairs[kind] = (getattr(module, name), getattr(module, "draw_" + kind))
    return pairs


def slider_learning_rates(compute, n=SLIDER_UPDATES):
    """A slider dragged across learning rates around the explorer's default (x 1/3 ... x 3),
    rounded to 3 digits as the explorers' log sliders give them."""
    default = inspect.signature(compute).parameters["learning_rate"].default
    return [float(f"{default * f:.3g}") for f in np.geomspace(1 / 3, 3, n)]


def slider_update_times(compute, draw, learning_rates):
    """Seconds per update (compute + draw + PNG render), as an explorer's widget does it.

    The first drawing (which creates the figure) is not timed: it happens before the
    learner touches a slider. Later updates reuse the figure, its artists and its rendered
    background, as the widget does.
    """
    from course_utils.explorers import figure_png

    fig = draw(compute(learning_rate=learning_rates[-1]))[0].figure
    figure_png(fig)
    times = []
    for lr in learning_rates:
        start = time.perf_counter()
        draw(compute(learning_rate=lr), fig=fig)
        figure_png(fig)
        times.append(time.perf_counter() - start)
    return times


def bench_sliders(quick=False):
    pairs = explorer_pairs()
    if not pairs:
        return [Row("3. Slider update", "not available", note="course_utils.explorers has no explorers yet")]
    rows = []
    n = 15 if quick else SLIDER_UPDATES
    for kind, (compute, draw) in pairs.items():
        times = slider_update_times(compute, draw, slider_learning_rates(compute, n))
        median, p95 = statistics.median(times), float(np.percentile(times, 95))
        rows.append(Row(f"3. Slider update: {kind}", f"median {_ms(median)}, p95 {_ms(p95)}",
                        f"median <= {SLIDER_TARGET * 1e3:.0f} ms, p95 <= {SLIDER_TARGET_P95 * 1e3:.0f} ms",
                        median <= SLIDER_TARGET and p95 <= SLIDER_TARGET_P95,
                        note=f"{len(times)} updates, compute + draw + PNG (Agg, off screen)"))
    return rows


# ------------------------------------------------------------------------- 4. Networks

def _curve(n, rng):
    """Notebook 11's curved data: y = sin(1.5 x) + noise, x in [-2, 2]."""
    x = rng.uniform(-2, 2, (n, 1))
    return x, np.sin(1.5 * x[:, 0]) + 0.1 * rng.standard_normal(n)


def _nn_data(name, **kwargs):
    def make(n, rng):
        data = getattr(cu.nn, name)(n, rng=rng, **kwargs)
        return data[0], data[1]
    return make


def _iris(n, rng):
    """Notebook 15's data: the iris measurements, standardised, with labels 0, 1, 2 (all 150 rows)."""
    X, y = cu.nn.load_iris()[:2]
    return (X - X.mean(axis=0)) / X.std(axis=0), y


@dataclass(frozen=True)
class NetworkCase:
    """A network of notebooks 11-12, its training settings and its data."""

    name: str
    layer_sizes: tuple
    activations: tuple
    loss: str
    learning_rate: float
    n: int
    data: object  # callable (n, rng) -> (X, y)


NETWORKS = (
    NetworkCase("11 simple regression", (1, 1), ("identity",), "mse", 0.2, 50, _nn_data("linear_1d")),
    NetworkCase("11 multiple regression", (3, 1), ("identity",), "mse", 0.2, 200, _nn_data("linear_3d")),
    NetworkCase("11 hidden layer", (1, 8, 1), ("tanh", "identity"), "mse", 0.1, 80, _curve),
    NetworkCase("12 two clusters", (2, 1), ("sigmoid",), "binary_cross_entropy", 0.5, 200,
                _nn_data("two_clusters")),
    NetworkCase("12 hidden layer", (2, 8, 1), ("tanh", "sigmoid"), "binary_cross_entropy", 0.5, 200,
                _nn_data("xor")),
    NetworkCase("15 iris softmax", (4, 8, 3), ("tanh", "softmax"), "categorical_cross_entropy", 0.5, 150, _iris),
)
NETWORK_EPOCHS = 1000


def make_network(case, *, n=None, seed=0):
    """(network, X, y) for a :class:`NetworkCase`, from a fixed seed."""
    rng = np.random.default_rng(seed)
    X, y = case.data(case.n if n is None else n, rng)
    net = cu.nn.Network(list(case.layer_sizes), activations=list(case.activations), rng=rng)
    return net, X, y


def per_sample_gradients(net, X, y, loss):
    """The batch gradient as a per-sample loop: forward and backward one sample at a time.

    Written out from the chain rule (the same maths as ``Network.gradients``), then averaged.

    Returns
    -------
    list of (dW, db), shaped like the network's weights and biases
    """
    loss = cu.nn.get_loss(loss)
    acts = net.activations
    # Cross-entropy of its own link (sigmoid, softmax): d loss / dz = a - y.
    simplified = loss.link is not None and acts[-1] is loss.link
    sums = [(np.zeros_like(W), np.zeros_like(b)) for W, b in zip(net.weights, net.biases)]
    k_out = net.layer_sizes[-1]
    labels = loss.targets == "distributions" and np.ndim(y) == 1
    targets = cu.nn.one_hot(y, k_out) if labels else np.asarray(y, dtype=float).reshape(len(X), -1)
    for x, t in zip(np.asarray(X, dtype=float), targets):
        a, zs = [x], []
        for W, b, act in zip(net.weights, net.biases, acts):
            zs.append(a[-1] @ W + b)
            a.append(act.f(zs[-1]))
        if simplified:
            delta = a[-1] - t
        else:  # chain rule through the output activation (a Jacobian product for softmax)
            delta = acts[-1].backward(zs[-1], a[-1], loss.grad(a[-1][None], t[None])[0])
        for k in range(len(sums) - 1, -1, -1):
            sums[k][0][...] += np.outer(a[k], delta)
            sums[k][1][...] += delta
            if k > 0:
                delta = acts[k - 1].backward(zs[k - 1], a[k], net.weights[k] @ delta)
    return [(dW / len(X), db / len(X)) for dW, db in sums]


def gradient_pass_seconds(net, X, y, loss, *, repeat):
    """Best time of the gradient pass alone (forward, cost, backward) on checked data: the part of
    an update that is not fit's bookkeeping (the private method fit calls, without the checks of
    the public ``gradients``)."""
    X, Y, loss = net._check_data(X, y, loss)
    with np.errstate(over="ignore", invalid="ignore"):
        return best_time(lambda: net._backprop(X, Y, loss), repeat=repeat)[0]


def bench_networks(quick=False):
    if not hasattr(cu.nn, "Network"):
        return [Row("4. Networks", "not available", note="course_utils.nn.Network is not written yet")]
    rows = []
    for case in NETWORKS:
        net, X, y = make_network(case)
        _, fast = net.gradients(X, y, loss=case.loss)
        slow = per_sample_gradients(net, X, y, case.loss)
        worst = max(assert_same(f"{case.name} gradient", f, s, per_array=True)
                    for pair_f, pair_s in zip(fast, slow) for f, s in zip(pair_f, pair_s))
        t_vec, _ = best_time(lambda: net.gradients(X, y, loss=case.loss), repeat=20 if quick else 100)
        t_loop, _ = best_time(lambda: per_sample_gradients(net, X, y, case.loss), repeat=2 if quick else 5)
        epochs = 200 if quick else NETWORK_EPOCHS
        t_fit, _ = best_time(lambda: net.copy().fit(X, y, learning_rate=case.learning_rate, epochs=epochs,
                                                     loss=case.loss), repeat=2 if quick else 3)
        layers = "-".join(str(size) for size in case.layer_sizes)
        ratio = t_loop / t_vec
        # One epoch of the per-sample loop is its gradient pass (the update itself is negligible).
        loop_rate, fit_rate = 1.0 / t_loop, epochs / t_fit
        rows.append(Row(f"4. Network {case.name} [{layers}], full batch",
                        f"{fit_rate:,.0f} epochs/s vs {loop_rate:,.0f} for a per-sample loop "
                        f"({fit_rate / loop_rate:.0f}x); gradient {ratio:.0f}x"))
        t_pass = gradient_pass_seconds(net, X, y, case.loss, repeat=200 if quick else 1000)
        per_epoch = t_fit / epochs
        rows.append(Row(f"4. Network {case.name}: training", f"{fit_rate:,.0f} epochs/s", summary=False,
                        note=f"{len(X)} samples, {case.loss}, learning rate {case.learning_rate:g}, "
                             f"{epochs} epochs in {_ms(t_fit)}: {_ms(per_epoch)} per epoch, of which the "
                             f"gradient pass (forward, cost, backward) {_ms(t_pass)} and fit's update, "
                             f"history and divergence checks {_ms(max(per_epoch - t_pass, 0.0))}"))
        rows.append(Row(f"4. Network {case.name}: batch gradient vs per-sample loop", f"{ratio:.0f}x",
                        summary=False,
                        note=f"{_ms(t_vec)} vs {_ms(t_loop)}; gradients {_agreement(worst)}"))
    rows += bench_minibatch(quick)
    rows += bench_dtype(quick)
    return rows


# Mini-batch training (notebook 16): the library's fit against the loop a lesson writes out.
MINIBATCH_SIZES = (2, 16, 1)
MINIBATCH_N = 1000
MINIBATCH_BATCH = 32
MINIBATCH_EPOCHS = 20
MINIBATCH_LEARNING_RATE = 0.5
MINIBATCH_TARGET = 0.8  # fit's speed as a fraction of the written-out loop's


def minibatch_network(n=MINIBATCH_N, seed=0):
    """(network, X, y): notebook 16's kind of problem, a [2, 16, 1] tanh/sigmoid net on moons."""
    rng = np.random.default_rng(seed)
    X, y = cu.nn.moons(n, rng=rng)
    net = cu.nn.Network(list(MINIBATCH_SIZES), activations=["tanh", "sigmoid"], rng=rng)
    return net, X, y


def minibatch_loop(net, X, y, *, learning_rate, epochs, batch_size, rng):
    """Mini-batch descent written out as a lesson writes it: shuffle each epoch, slice, step.

    One hidden tanh layer, a sigmoid output and binary cross-entropy, whose output error is
    ``a - y``. Returns the final parameters ``(W1, b1, W2, b2)``; ``net`` is not changed.
    """
    rng = np.random.default_rng(rng)
    (W1, W2), (b1, b2) = [W.copy() for W in net.weights], [b.copy() for b in net.biases]
    Y = np.asarray(y, dtype=float).reshape(-1, 1)
    n = len(X)
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            xb, yb = X[idx], Y[idx]
            h = np.tanh(xb @ W1 + b1)
            a = cu.nn.sigmoid.f(h @ W2 + b2)
            delta2 = (a - yb) / len(idx)
            delta1 = (delta2 @ W2.T) * (1.0 - h ** 2)
            W2 = W2 - learning_rate * (h.T @ delta2)
            b2 = b2 - learning_rate * delta2.sum(axis=0)
            W1 = W1 - learning_rate * (xb.T @ delta1)
            b1 = b1 - learning_rate * delta1.sum(axis=0)
    return W1, b1, W2, b2


def bench_minibatch(quick=False):
    net, X, y = minibatch_network()
    epochs = 5 if quick else MINIBATCH_EPOCHS
    kwargs = dict(learning_rate=MINIBATCH_LEARNING_RATE, epochs=epochs, batch_size=MINIBATCH_BATCH)

    def library():
        trained = net.copy()
        trained.fit(X, y, loss="binary_cross_entropy", rng=0, **kwargs)
        return trained

    trained = library()
    loop = minibatch_loop(net, X, y, rng=0, **kwargs)
    worst = max(assert_same("mini-batch parameters", got, want, rtol=1e-10)
                for got, want in zip([trained.weights[0], trained.biases[0], trained.weights[1],
                                      trained.biases[1]], loop))
    repeat = 2 if quick else 5
    t_fit, _ = best_time(library, repeat=repeat)
    t_loop, _ = best_time(lambda: minibatch_loop(net, X, y, rng=0, **kwargs), repeat=repeat)
    updates = epochs * math.ceil(len(X) / MINIBATCH_BATCH)
    ratio = t_loop / t_fit
    return [Row(f"4. Mini-batch training [2-16-1], {len(X)} samples, batch {MINIBATCH_BATCH}",
                f"{epochs / t_fit:,.0f} epochs/s ({updates / t_fit:,.0f} updates/s); "
                f"{ratio:.2f}x the written-out loop", f">= {MINIBATCH_TARGET}x the loop", ratio >= MINIBATCH_TARGET,
                note=f"{epochs} epochs: fit {_ms(t_fit)} vs the lesson's loop {_ms(t_loop)}; parameters "
                     f"{_agreement(worst)}",
                missed=_minibatch_missed(net, X, y, t_fit=t_fit, t_loop=t_loop, updates=updates, quick=quick))]


def _minibatch_missed(net, X, y, *, t_fit, t_loop, updates, quick):
    """Why mini-batch fit stays below the loop's speed, from this run's per-update figures.

    Times the pieces of one of fit's updates on one batch: the gradient pass (of which the batch's
    cost, which the loop never computes) and the divergence check fit runs after every update.
    """
    idx = np.random.default_rng(0).permutation(len(X))[:MINIBATCH_BATCH]
    Xb, Yb, loss = net._check_data(X[idx], y[idx], "binary_cross_entropy")
    repeat = 200 if quick else 2000
    with np.errstate(over="ignore", invalid="ignore"):
        t_pass = best_time(lambda: net._backprop(Xb, Yb, loss), repeat=repeat)[0]
        zs, outputs = net._forward(Xb)
        t_cost = best_time(lambda: net._cost(zs, outputs, Yb, loss), repeat=repeat)[0]
    t_check = best_time(lambda: net._inside(cu.BOUND), repeat=repeat)[0]
    per_fit, per_loop = t_fit / updates, t_loop / updates
    rest = max(per_fit - t_pass - t_check, 0.0)
    need = per_loop / MINIBATCH_TARGET  # the update time that would meet the target
    if t_pass + t_check >= need:
        verdict = f"the gradient pass and the check alone take {_ms(t_pass + t_check)}"
    else:
        verdict = (f"after the gradient pass and the check that leaves {_ms(need - t_pass - t_check)} for the "
                   f"rest, which took {_ms(rest)}")
    return (f"**Mini-batch fit.** Both sides compute the same updates from the same shuffles; at "
            f"{MINIBATCH_BATCH} samples every numpy call costs its fixed microsecond or two, so the count of "
            f"calls per update decides. One update of fit took {_ms(per_fit)}, one of the written-out loop "
            f"{_ms(per_loop)}. Of fit's: the gradient pass {_ms(t_pass)} (it also measures the batch's cost "
            f"for the history, {_ms(t_cost)}, which the loop never computes), the divergence check after "
            f"every update (every weight and bias finite and within the bound: a max and a min per array, "
            f"{2 * 2 * net.n_layers} reductions) {_ms(t_check)}, and the rest (gradient norms, the update, "
            f"slicing the batch, recording) {_ms(rest)}. {MINIBATCH_TARGET}x would need the whole update in "
            f"{_ms(need)}: {verdict}. Dropping the per-update check or the cost would change what fit "
            "reports (a run frozen where it diverged, the cost of every epoch).")


# float32 against float64 (and PyTorch CPU when it happens to be installed; never a dependency).
DTYPE_SIZES = (2, 64, 64, 1)
DTYPE_N = 10_000
DTYPE_EPOCHS = 20
DTYPE_LEARNING_RATE = 0.1
DTYPE_TARGET = 1.25  # float32 time within this factor of PyTorch float32
#: How closely PyTorch's training must reproduce the course's before it is timed (relative; for
#: the parameters, relative to the largest). Both sides do the same arithmetic in another order
#: (BLAS blocking, the cost's formula), so they agree to round-off, not bit for bit: measured
#: 5e-16 in float64 and 2e-7 in float32 after 20 epochs.
TORCH_RTOL = {"float64": RTOL, "float32": 1e-5}


def dtype_network(dtype, n=DTYPE_N, seed=0):
    """(network, X, y): a [2, 64, 64, 1] tanh/tanh/sigmoid network in ``dtype`` on ``n`` moons.

    ``X`` and ``y`` are in ``dtype`` too, so neither side of a timing converts them.
    """
    rng = np.random.default_rng(seed)
    X, y = cu.nn.moons(n, rng=rng)
    net = cu.nn.Network(list(DTYPE_SIZES), activations=["tanh", "tanh", "sigmoid"], rng=rng, dtype=dtype)
    return net, X.astype(dtype), y.astype(dtype)


def dtype_fit(net, X, y, *, epochs, learning_rate=DTYPE_LEARNING_RATE):
    """The course's side: full-batch ``fit`` of a copy of ``net``; (trained copy, its History)."""
    trained = net.copy()
    history = trained.fit(X, y, learning_rate=learning_rate, epochs=epochs, loss="binary_cross_entropy")
    return trained, history


def torch_fit(torch, net, X, y, *, epochs, learning_rate=DTYPE_LEARNING_RATE):
    """PyTorch's side: the same network, data, loss and update, written out for PyTorch on the CPU.

    ``net`` (tanh hidden layers, a sigmoid output trained with binary cross-entropy from its
    logits, as :meth:`Network.fit` does) gives the initial weights and the precision. Every epoch
    measures the full-batch cost, backpropagates (autograd) and steps ``W <- W - lr * dJ/dW``.

    Returns
    -------
    costs : ndarray, shape (epochs,)
        The cost of each epoch before its update, like ``History.cost``.
    theta : ndarray, shape (n_parameters,)
        The trained parameters, in the order of ``Network.parameter_vector``.
    """
    if [a.name for a in net.activations] != ["tanh"] * (net.n_layers - 1) + ["sigmoid"]:
        raise ValueError(f"torch_fit writes out tanh hidden layers and a sigmoid output, got {net!r}")
    tdtype = getattr(torch, net.dtype.name)
    Xt = torch.from_numpy(np.ascontiguousarray(X, dtype=net.dtype))
    yt = torch.from_numpy(np.asarray(y, dtype=net.dtype).reshape(-1, 1))
    params = []
    for W, b in zip(net.weights, net.biases):
        params += [torch.tensor(W, dtype=tdtype, requires_grad=True),
                   torch.tensor(b, dtype=tdtype, requires_grad=True)]
    costs = torch.empty(epochs, dtype=torch.float64)
    for epoch in range(epochs):
        a = Xt
        for k in range(0, len(params) - 2, 2):
            a = torch.tanh(a @ params[k] + params[k + 1])
        cost = torch.nn.functional.binary_cross_entropy_with_logits(a @ params[-2] + params[-1], yt)
        grads = torch.autograd.grad(cost, params)
        with torch.no_grad():
            costs[epoch] = cost
            for p, g in zip(params, grads):
                p -= learning_rate * g
    theta = np.concatenate([p.detach().numpy().ravel() for p in params])
    return costs.numpy(), theta


def best_times(fns, *, repeat):
    """Best wall time of each ``fns[name]()`` over ``repeat`` rounds, the calls interleaved
    (one of each per round), so a change in the machine's load hits every side alike."""
    best = dict.fromkeys(fns, math.inf)
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def compare_dtypes(*, n=DTYPE_N, epochs=DTYPE_EPOCHS, repeat=3, with_torch=True):
    """Epochs/s of full-batch training at [2, 64, 64, 1] x ``n`` samples: the course in float64
    and float32, and PyTorch CPU in both when it is installed (``with_torch``).

    PyTorch's training is first checked against the course's (costs of every epoch and final
    parameters within :data:`TORCH_RTOL`); a disagreement raises AssertionError before any timing.

    Returns
    -------
    dict
        ``rates`` (name -> epochs/s), ``agreement`` (name -> worst relative difference),
        ``torch`` (PyTorch's version, or None), ``threads`` (PyTorch's thread count, or None).
    """
    fns, agreement, data = {}, {}, {}
    for dtype in ("float64", "float32"):
        data[dtype] = net, X, y = dtype_network(dtype, n=n)
        fns[f"course {dtype}"] = lambda net=net, X=X, y=y: dtype_fit(net, X, y, epochs=epochs)
    # The two precisions train the same network: their costs agree to float32's round-off.
    h64, h32 = (dtype_fit(*data[d], epochs=epochs)[1] for d in ("float64", "float32"))
    agreement["float32 vs float64 costs"] = assert_same("float32 cost", h32.cost, h64.cost, rtol=1e-5)
    torch = None
    if with_torch:
        try:
            import torch
        except ImportError:
            torch = None
    if torch is not None:
        for dtype in ("float64", "float32"):
            net, X, y = data[dtype]
            trained, history = dtype_fit(net, X, y, epochs=epochs)
            costs, theta = torch_fit(torch, net, X, y, epochs=epochs)
            rtol = TORCH_RTOL[dtype]
            agreement[f"PyTorch {dtype}"] = max(
                assert_same(f"PyTorch {dtype} costs", costs, history.cost, rtol=rtol),
                assert_same(f"PyTorch {dtype} parameters", theta, trained.parameter_vector(), rtol=rtol,
                            per_array=True))
            fns[f"PyTorch {dtype}"] = lambda net=net, X=X, y=y: torch_fit(torch, net, X, y, epochs=epochs)
    times = best_times(fns, repeat=repeat)
    return {"rates": {name: epochs / t for name, t in times.items()}, "agreement": agreement,
            "torch": None if torch is None else torch.__version__,
            "threads": None if torch is None else torch.get_num_threads()}


def compare_dtypes_single_thread(*, epochs=DTYPE_EPOCHS, repeat=3):
    """:func:`compare_dtypes` in a fresh interpreter where numpy's BLAS and PyTorch use one thread
    each (None if that interpreter fails). On a loaded machine two threads per side mostly wait
    for each other; one thread per side compares the arithmetic."""
    code = ("import json\nfrom benchmarks import bench\n"
            f"print(json.dumps(bench.compare_dtypes(epochs={epochs}, repeat={repeat})))")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                              cwd=ROOT, timeout=1200, check=True)
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError):
        return None


def _torch_ratio_row(label, result):
    """The target row: how many times faster PyTorch float32 trains than the course's float32."""
    rates = result["rates"]
    ratio = rates["PyTorch float32"] / rates["course float32"]
    shape = "-".join(map(str, DTYPE_SIZES))
    return Row(f"4. Network [{shape}] x {DTYPE_N:,}: float32 against PyTorch CPU float32, {label}",
               f"PyTorch {ratio:.2f}x faster" if ratio >= 1 else f"{1 / ratio:.2f}x faster than PyTorch",
               target=f"PyTorch <= {DTYPE_TARGET}x faster", met=ratio <= DTYPE_TARGET,
               note=f"PyTorch {result['torch']} ({result['threads']} thread{'s' * (result['threads'] > 1)}): "
                    f"{rates['PyTorch float32']:,.1f} (float32) and {rates['PyTorch float64']:,.1f} (float64) "
                    f"epochs/s; the course {rates['course float32']:,.1f} and {rates['course float64']:,.1f}; "
                    f"before timing, PyTorch's costs and parameters matched the course's to "
                    f"{result['agreement']['PyTorch float32']:.1e} (float32) and "
                    f"{result['agreement']['PyTorch float64']:.1e} (float64)",
               missed=f"**PyTorch float32, {label}.** PyTorch trained {ratio:.2f}x as many epochs/s as the "
                      f"course's float32 ({rates['PyTorch float32']:,.1f} vs {rates['course float32']:,.1f}); "
                      f"the target is {DTYPE_TARGET}x.")


def bench_dtype(quick=False):
    # Even --quick takes the best of 3: one timing of a few epochs measured PyTorch's warm-up
    # and the machine's load as much as training.
    epochs = 5 if quick else DTYPE_EPOCHS
    repeat = 3 if quick else 5
    result = compare_dtypes(epochs=epochs, repeat=repeat)
    rates = result["rates"]
    shape = "-".join(map(str, DTYPE_SIZES))
    rows = [Row(f"4. Network [{shape}] x {DTYPE_N:,} samples, float32 vs float64",
                f"{rates['course float32']:,.1f} vs {rates['course float64']:,.1f} epochs/s "
                f"({rates['course float32'] / rates['course float64']:.2f}x)",
                note=f"full batch, {epochs} epochs; costs agree to "
                     f"{result['agreement']['float32 vs float64 costs']:.1e}")]
    if result["torch"] is None:
        rows.append(Row(f"4. Network [{shape}]: PyTorch CPU", "skipped", summary=False,
                        note="PyTorch is not installed (it is never a dependency of the course)"))
        return rows
    rows.append(_torch_ratio_row("default threads", result))
    single = compare_dtypes_single_thread(epochs=epochs, repeat=repeat)
    if single is not None:
        rows.append(_torch_ratio_row("one thread each", single))
        if rows[-2].met is False:
            rows[-2].missed += " " + _threads_explained(result, single)
    return rows


def _threads_explained(default, single):
    """What a second thread gives each side: the default-thread gap, in this run's rates."""
    gain = {side: default["rates"][side] / single["rates"][side] for side in ("course float32", "PyTorch float32")}
    ratio = single["rates"]["PyTorch float32"] / single["rates"]["course float32"]
    par = "the arithmetic is on par" if 1 / 1.1 <= ratio <= 1.1 else "a gap that is not about threads"
    return (f"With one thread each the ratio is {ratio:.2f}x, {par}. The default threads "
            f"({default['threads']}) give PyTorch {gain['PyTorch float32']:.2f}x its one-thread rate and the "
            f"course {gain['course float32']:.2f}x: numpy runs only its matrix products (OpenBLAS) on several "
            "threads, while every elementwise step (tanh and its derivative, the updates, the cost) runs on "
            "one; PyTorch's intra-op thread pool also splits elementwise kernels on tensors this large. "
            "Closing that gap would take threads in the "
            "course's elementwise code, which numpy does not offer.")


# How the cost of training grows with the data (linear is the goal).
SCALING_SIZES = (100, 1_000, 10_000, 100_000)
SCALING_NETWORK = (2, 32, 1)
SCALING_EPOCHS = 5
#: Measured scaling curves, filled by the sections that run: name -> (sizes, seconds, peak bytes).
SCALING = {}


def peak_memory(fn):
    """(result, peak bytes allocated while ``fn()`` ran), measured with ``tracemalloc``.

    numpy reports its array buffers to tracemalloc, so this counts the arrays a call creates.
    """
    import tracemalloc

    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def loglog_slope(sizes, values):
    """Slope of ``log(values)`` against ``log(sizes)`` (least squares): 1 means linear growth.

    >>> round(loglog_slope([10, 100, 1000], [2.0, 20.0, 200.0]), 6)
    1.0
    """
    return float(np.polyfit(np.log(sizes), np.log(values), 1)[0])


def measure_scaling(name, sizes, make_call, *, repeat=3, per=1):
    """Time and peak memory of ``make_call(size)()`` for every size; recorded in :data:`SCALING`.

    Parameters
    ----------
    name : str
        The curve's label in the table and in ``benchmarks/scaling.png``.
    sizes : sequence of int
        E.g. samples (networks) or starts (descent).
    make_call : callable
        ``make_call(size) -> fn``: builds the inputs (not timed) and returns the call to time.
    repeat : int
        Best of this many timings.
    per : int
        Divide the times by this (e.g. epochs, for a time per epoch).

    Returns
    -------
    sizes, seconds, peak_bytes : ndarray
    """
    times, peaks = [], []
    for size in sizes:
        call = make_call(size)
        t, _ = best_time(call, repeat=repeat)
        _, peak = peak_memory(call)
        times.append(t / per)
        peaks.append(peak)
    SCALING[name] = (np.array(sizes), np.array(times), np.array(peaks, dtype=float))
    return SCALING[name]


def scaling_row(section, sizes, times, peaks, *, unit="samples", fixed_cost="an epoch's few dozen numpy calls",
                single_thread=None, per_float=None):
    """The table row of a scaling curve: log-log slopes, the points, and where growth is not linear.

    ``single_thread``: the largest size's time measured again with one BLAS thread (see
    :func:`single_thread_seconds`), which tells thread contention apart from the arithmetic.
    ``per_float``: ``{size: seconds per float of one array multiplication at that size}``
    (:func:`multiply_cost`), which tells a working set outgrowing the CPU caches apart.
    """
    t_slope, m_slope = loglog_slope(sizes, times), loglog_slope(sizes, peaks)
    head, tail = loglog_slope(sizes[:2], times[:2]), loglog_slope(sizes[-2:], times[-2:])
    points = ", ".join(f"{n:,}: {_ms(t)} / {p / 2**20:.1f} MiB" for n, t, p in zip(sizes, times, peaks))
    linear = "linear" if abs(tail - 1) <= 0.15 else ("sub-linear" if tail < 1 else "super-linear")
    why = []
    if head < 0.85:
        why.append(f"the first decade grows with slope {head:.2f}: at {sizes[0]:,} {unit} the fixed cost of "
                   f"{fixed_cost} outweighs the arithmetic")
    if tail > 1.15:
        text = f"the last decade grows with slope {tail:.2f}"
        if single_thread is not None:
            text += (f"; with one BLAS thread the largest size takes {_ms(single_thread)} instead of "
                     f"{_ms(times[-1])} (slope {loglog_slope(sizes[-2:], [times[-2], single_thread]):.2f}), so "
                     + ("the excess is BLAS threads competing for the cores" if single_thread < 0.7 * times[-1]
                        else "threads are not the cause"))
        if per_float is not None:
            (n0, c0), (n1, c1) = sorted(per_float.items())[:2]
            text += (f"; one array product (into a fresh array, like the formula's temporaries) costs "
                     f"{c0 * 1e9:.2f} ns per float at {n0:,} floats and {c1 * 1e9:.2f} ns at {n1:,} "
                     f"({n1 * 8 / 2**20:.1f} MiB an array): "
                     + ("the arrays outgrow the CPU caches (and fresh ones cost page faults), so each of an "
                        "epoch's passes over them gets dearer per float" if c1 > 1.15 * c0
                        else "that cost per float stays flat, so neither caches nor fresh arrays are the cause"))
        why.append(text)
    return Row(section, f"time slope {t_slope:.2f} (last decade {tail:.2f}: {linear}), memory slope {m_slope:.2f}",
               note=f"{points}" + "".join(f"; {w}" for w in why))


def bench_network_scaling(quick=False):
    sizes = SCALING_SIZES[:3] if quick else SCALING_SIZES

    def make_call(n):
        rng = np.random.default_rng(0)
        X, y = cu.nn.moons(n, rng=rng)
        net = cu.nn.Network(list(SCALING_NETWORK), activations=["tanh", "sigmoid"], rng=rng)
        return lambda: net.copy().fit(X, y, learning_rate=0.1, epochs=SCALING_EPOCHS, loss="binary_cross_entropy")

    sizes, times, peaks = measure_scaling("network training (per epoch)", sizes, make_call,
                                          repeat=1 if quick else 3, per=SCALING_EPOCHS)
    single = None
    if loglog_slope(sizes[-2:], times[-2:]) > 1.15:
        single = single_thread_seconds(
            "import numpy as np, course_utils as cu\n"
            f"rng = np.random.default_rng(0)\nX, y = cu.nn.moons({sizes[-1]}, rng=rng)\n"
            f"net = cu.nn.Network({list(SCALING_NETWORK)}, activations=['tanh', 'sigmoid'], rng=rng)\n"
            f"run = lambda: net.copy().fit(X, y, learning_rate=0.1, epochs={SCALING_EPOCHS}, "
            "loss='binary_cross_entropy')", repeat=1 if quick else 3)
        single = None if single is None else single / SCALING_EPOCHS
    shape = "-".join(map(str, SCALING_NETWORK))
    return [scaling_row(f"4. Network training [{shape}], {sizes[0]:,} ... {sizes[-1]:,} samples, per epoch",
                        sizes, times, peaks, single_thread=single)]


def single_thread_seconds(setup, *, repeat=3):
    """Best time of ``run()`` after ``setup`` (code defining ``run``), in a fresh interpreter whose
    BLAS uses one thread. None if that interpreter fails."""
    code = (f"{setup}\nimport time\nbest = float('inf')\nfor _ in range({repeat}):\n"
            "    t = time.perf_counter(); run(); best = min(best, time.perf_counter() - t)\nprint(best)")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                              cwd=ROOT, timeout=600, check=True)
        return float(done.stdout.strip().splitlines()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError):
        return None


def write_scaling_figure(path, curves=None):
    """Log-log plots of the measured scaling curves (time and peak memory against size) as a PNG.

    ``curves`` maps a name to ``(sizes, seconds, peak bytes)``; by default the curves this run
    measured (:data:`SCALING`). Returns the path, or None when nothing was measured.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    curves = SCALING if curves is None else curves
    if not curves:
        return None
    fig = Figure(figsize=(9, 3.6))
    FigureCanvasAgg(fig)
    ax_t, ax_m = fig.subplots(1, 2)
    markers = "osD^v"
    for k, (name, (sizes, seconds, peaks)) in enumerate(curves.items()):
        style = dict(marker=markers[k % len(markers)], label=f"{name} (slope {loglog_slope(sizes, seconds):.2f})")
        ax_t.loglog(sizes, seconds, **style)
        style["label"] = f"{name} (slope {loglog_slope(sizes, peaks):.2f})"
        ax_m.loglog(sizes, np.asarray(peaks) / 2**20, **style)
    for ax, what in ((ax_t, "time (s)"), (ax_m, "peak memory (MiB)")):
        ax.set_xlabel("size (samples or starts)")
        ax.set_ylabel(what)
        ax.legend(fontsize=9)
        ax.grid(True, which="major", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return path


# ------------------------------------------------------------------------ 5. Notebooks

NOTEBOOK_TARGET = 10.0
SUITE_TARGET = 120.0
_DURATION = re.compile(r"^\s*([\d.]+)s\s+(setup|call|teardown)\s+(\S+?)::")


def parse_durations(text):
    """Seconds per test file from pytest's ``--durations=0`` report (setup + call + teardown).

    >>> parse_durations("1.50s call     notebooks/a.ipynb::Cell 1\\n0.50s setup    notebooks/a.ipynb::Cell 0")
    {'notebooks/a.ipynb': 2.0}
    """
    totals = {}
    for line in text.splitlines():
        match = _DURATION.match(line)
        if match:
            totals[match.group(3)] = totals.get(match.group(3), 0.0) + float(match.group(1))
    return totals


def _outcome(text):
    lines = [line for line in text.splitlines() if re.search(r"\d+ (passed|failed|error)", line)]
    return lines[-1].strip("= ") if lines else "no summary"


def bench_notebooks(quick=False):
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not notebooks:
        return [Row("5. Notebooks", "not available", note="no notebooks yet")]
    # As `make test` runs it: one worker per core.
    command = [sys.executable, "-m", "pytest", "-q", "-n", "auto", "--durations=0", "--durations-min=0"]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    every_file = parse_durations(done.stdout)
    per_file = {k: v for k, v in every_file.items() if k.endswith(".ipynb")}
    rows = [Row(f"5. Notebook {Path(path).stem}", _seconds(seconds), f"<= {NOTEBOOK_TARGET:.0f} s",
                seconds <= NOTEBOOK_TARGET, note="under nbval, kernel start included", summary=False)
            for path, seconds in sorted(per_file.items())]
    if per_file:
        slowest = max(per_file, key=per_file.get)
        rows.insert(0, Row(f"5. Notebooks under nbval ({len(per_file)})",
                           f"slowest {_seconds(per_file[slowest])} ({Path(slowest).stem})",
                           f"each <= {NOTEBOOK_TARGET:.0f} s", per_file[slowest] <= NOTEBOOK_TARGET))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    rows.append(Row("5. Whole test suite (make test: python -m pytest -n auto)", _seconds(wall),
                    f"<= {SUITE_TARGET:.0f} s on 2 cores", wall <= SUITE_TARGET,
                    missed=_suite_missed(every_file, wall, cores) if wall > SUITE_TARGET else "",
                    note=f"{cores} cores; {_outcome(done.stdout)}"))
    return rows


def _suite_missed(every_file, wall, cores):
    """Where the suite's time goes, by kind of test file, from pytest's durations."""
    def kind(path):
        if path.endswith(".ipynb"):
            return "the notebooks under nbval"
        if "browser" in path or "voila" in path or "lab_start" in path or "site" in path:
            return "the browser, voila, JupyterLab and website tests"
        return "the unit tests and doctests"

    groups = {}
    for path, seconds in every_file.items():
        groups[kind(path)] = groups.get(kind(path), 0.0) + seconds
    total = sum(groups.values())
    top = sorted(every_file.items(), key=lambda kv: -kv[1])[:3]
    return (f"**Whole test suite.** {_seconds(wall)} of wall time against {SUITE_TARGET:.0f} s on {cores} cores. "
            f"The tests' own times add up to {_seconds(total)}: "
            + ", ".join(f"{name} {_seconds(t)} ({t / total:.0%})" for name, t in
                        sorted(groups.items(), key=lambda kv: -kv[1]))
            + "; the slowest files are " + ", ".join(f"{Path(p).name} {_seconds(t)}" for p, t in top)
            + f". Spread over {cores} workers that is at least {_seconds(total / cores)}, the rest of the wall "
            "time being collection, worker start-up and uneven shares. The suite runs every notebook and the "
            "browser tests on purpose; meeting the target would mean running fewer of them on every change.")


# ---------------------------------------------------------------------- 6. Import time

IMPORT_TARGET = 0.150
IMPORT_REPEATS = 15
_IMPORT_PROBE = (
    "import json, sys, time\n"
    "{before}\n"
    "start = time.perf_counter()\n"
    "import {module}\n"
    "seconds = time.perf_counter() - start\n"
    "print(json.dumps({'seconds': seconds, 'ipywidgets': 'ipywidgets' in sys.modules,\n"
    "                  'pyplot': 'matplotlib.pyplot' in sys.modules}))\n"
)
_IMPORTTIME = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|( *)(\S+)")


def parse_importtime(text):
    """``python -X importtime`` output as (depth, module, cumulative seconds) triples.

    Depth 0 is the module imported on the command line, 1 what it imported first-hand, ...

    >>> parse_importtime("import time:   100 |   2500 |     numpy\\nimport time:  90 |  9000 | course_utils")
    [(2, 'numpy', 0.0025), (0, 'course_utils', 0.009)]
    """
    entries = []
    for line in text.splitlines():
        match = _IMPORTTIME.match(line)
        if match:
            depth = (len(match.group(3)) - 1) // 2
            entries.append((depth, match.group(4), int(match.group(2)) / 1e6))
    return entries


def _import_breakdown(entries, top=4):
    """The largest imports one or two levels below ``course_utils``, for the table's note."""
    near = [(s, name) for depth, name, s in entries if depth in (1, 2)]
    return ", ".join(f"{name} {_ms(s)}" for s, name in sorted(near, reverse=True)[:top])


def _import_env():
    """The environment of a learner's interpreter: bytecode caching on (a checkout's first import
    writes ``__pycache__``, every later one reads it), even where this process was started without."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _import_probe(module, before=""):
    """One fresh interpreter: how long ``import module`` takes (after ``before`` ran)."""
    code = _IMPORT_PROBE.replace("{module}", module).replace("{before}", before)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=ROOT, env=_import_env())
    return json.loads(done.stdout)


def bench_imports(quick=False):
    _import_probe("course_utils")  # writes the bytecode cache, as a learner's first import does
    repeats = 3 if quick else IMPORT_REPEATS
    probes, alone, share = [], [], []
    for _ in range(repeats):  # interleaved, so a passing load spike hits all three alike
        probes.append(_import_probe("course_utils"))
        alone.append(_import_probe("numpy")["seconds"])
        share.append(_import_probe("course_utils", before="import numpy")["seconds"])
    seconds = statistics.median(p["seconds"] for p in probes)
    numpy_alone, own = statistics.median(alone), statistics.median(share)
    widgets = any(p["ipywidgets"] for p in probes)
    pyplot = any(p["pyplot"] for p in probes)
    trace = subprocess.run([sys.executable, "-X", "importtime", "-c", "import numpy; import course_utils"],
                           capture_output=True, text=True, check=True, cwd=ROOT, env=_import_env()).stderr
    entries = parse_importtime(trace)
    after_numpy = next(i for i, (depth, name, _) in enumerate(entries) if depth == 0 and name == "numpy") + 1
    detail = _import_breakdown(entries[after_numpy:])  # the modules course_utils adds
    loaded = [name for name, used in (("pyplot", pyplot), ("ipywidgets", widgets)) if used]
    loaded = f"loads {' and '.join(loaded)}" if loaded else "neither pyplot nor ipywidgets loaded"
    missed = ""
    if seconds > IMPORT_TARGET:
        missed = (f"**import course_utils.** {_ms(seconds)} against {_ms(IMPORT_TARGET)}. numpy alone took "
                  f"{_ms(numpy_alone)} (median, its own fresh interpreters, in this run); after `import numpy`, "
                  f"`import course_utils` took {_ms(own)}: the package's own modules are "
                  f"{own / seconds:.0%} of the total, numpy's import is the rest. Largest parts of the "
                  f"package's share (-X importtime): {detail}.")
    return [
        Row("6. import course_utils (fresh interpreter)", f"{_ms(seconds)}; {loaded}",
            f"<= {IMPORT_TARGET * 1e3:.0f} ms, no pyplot or ipywidgets",
            seconds <= IMPORT_TARGET and not (pyplot or widgets), missed=missed),
        Row("6. import course_utils: where the time goes", f"numpy {_ms(numpy_alone)}, course_utils' own {_ms(own)}",
            summary=False,
            note=f"medians of {repeats} fresh interpreters each, bytecode cached as after a learner's first "
                 f"import; own = import course_utils after import numpy; largest parts: {detail}"),
    ]


# ---------------------------------------------------------------------------- the table

SECTIONS = {
    "grid": bench_grid, "basins": bench_basins, "sliders": bench_sliders,
    "optimizers": bench_optimizers, "networks": bench_networks, "scaling": bench_scaling,
    "notebooks": bench_notebooks,
    "imports": bench_imports,
}


def _met(value):
    return "" if value is None else ("yes" if value else "**no**")


def format_table(rows, *, details=False):
    """The summary rows as a markdown table (section, measured, target, met?); with
    ``details``, every row and a notes column.

    >>> print(format_table([Row("demo", "1.0 ms", "<= 2 ms", True), Row("more", "2", summary=False)]))
    | Section | Measured | Target | Met? |
    |---|---|---|---|
    | demo | 1.0 ms | <= 2 ms | yes |
    """
    if details:
        lines = ["| Section | Measured | Target | Met? | Notes |", "|---|---|---|---|---|"]
        lines += [f"| {r.section} | {r.measured} | {r.target} | {_met(r.met)} | {r.note} |" for r in rows]
    else:
        lines = ["| Section | Measured | Target | Met? |", "|---|---|---|---|"]
        lines += [f"| {r.section} | {r.measured} | {r.target} | {_met(r.met)} |" for r in rows if r.summary]
    return "\n".join(lines)


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine():
    """Where the figures were measured: CPU, cores, Python and library versions."""
    import matplotlib

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": _cpu_model(), "cores": cores, "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(), "numpy": np.__version__,
        "matplotlib": matplotlib.__version__, "course_utils": cu.__version__,
        "busy": _cpu_busy(),
    }


def _cpu_busy(seconds=1.0):
    """Percentage of the CPUs other programs used over ``seconds`` (None if unknown: not Linux)."""
    def sample():
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]  # total, idle + iowait

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    return 100.0 * (1 - (idle1 - idle0) / max(total1 - total0, 1))


def _machine_line(info):
    busy = "" if info["busy"] is None else f"; other programs used {info['busy']:.0f}% of the CPUs as it started"
    return (f"{info['cpu']}, {info['cores']} cores, {info['os']}; Python {info['python']}, "
            f"numpy {info['numpy']}, matplotlib {info['matplotlib']}{busy}")


def run(sections, *, quick=False, stream=None):
    """Run the named sections in order; return all rows (printing each section as it ends)."""
    rows = []
    for name in sections:
        start = time.perf_counter()
        section_rows = SECTIONS[name](quick)
        rows.extend(section_rows)
        if stream is not None:
            print(f"[{name}: {time.perf_counter() - start:.1f} s]", file=stream, flush=True)
            for r in section_rows:
                print(f"  {r.section}: {r.measured}" + (f"  (target {r.target}: {_met(r.met)})" if r.target else ""),
                      file=stream, flush=True)
    return rows


def results_markdown(rows, info, command):
    """The text of benchmarks/RESULTS.md."""
    missed = [r for r in rows if r.met is False]
    lines = [
        "# Benchmark results",
        "",
        f"Measured on {datetime.date.today().isoformat()} with `{command}` "
        "(see the docstring of `benchmarks/bench.py` for what each section measures).",
        "",
        f"**Machine:** {_machine_line(info)}.",
        "",
        "Every speed-up is a ratio of two ways of computing the same numbers, timed in the same run; "
        "both sides were asserted to agree (to 1e-12 relative) before timing. Times are the best of "
        "several repeats (slider latencies: median and 95th percentile of 50 updates).",
        "",
        format_table(rows),
        "",
    ]
    if missed:
        lines += ["## Targets missed", ""]
        for r in missed:
            lines += [r.missed or f"**{r.section}.** Measured {r.measured}, target {r.target}.", ""]
    lines += ["## Details", "", format_table(rows, details=True), ""]
    return "\n".join(lines)


README = ROOT / "README.md"
README_START, README_END = "<!-- benchmark table: start -->", "<!-- benchmark table: end -->"


def readme_block(rows, info):
    """The README's Performance table: the summary rows of this run and where the misses are explained."""
    missed = [r.section for r in rows if r.met is False]
    lines = [README_START,
             f"Latest run ({datetime.date.today().isoformat()}; {_machine_line(info)}), written by "
             "`python -m benchmarks.bench --write` together with "
             "[benchmarks/RESULTS.md](benchmarks/RESULTS.md), which has the details:",
             "", format_table(rows), ""]
    if missed:
        lines.append(f"{len(missed)} target(s) missed; RESULTS.md explains each from the run's own profile "
                     "and figures (section *Targets missed*).")
    lines.append(README_END)
    return "\n".join(lines)


def update_readme(text, block):
    """``text`` with the part between the README markers replaced by ``block`` (markers included)."""
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise ValueError(f"the README has no {README_START!r} ... {README_END!r} markers to write the table between")
    return text[:start] + block + text[end + len(README_END):]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sections", nargs="+", choices=list(SECTIONS), metavar="NAME",
                        help=f"run only these ({', '.join(SECTIONS)}); default: all")
    parser.add_argument("--quick", action="store_true", help="fewer repeats; skips the notebooks unless --notebooks")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--notebooks", dest="notebooks", action="store_true", default=None,
                       help="include the (slow) notebook section")
    group.add_argument("--no-notebooks", dest="notebooks", action="store_false",
                       help="skip the notebook section")
    parser.add_argument("--write", nargs="?", const=str(RESULTS), metavar="PATH",
                        help=f"also write the markdown results (default {RESULTS.relative_to(ROOT)})")
    args = parser.parse_args(argv)

    # The notebook section is slow: in the full run unless --quick or --no-notebooks; with
    # --sections only when listed (or --notebooks).
    sections = list(args.sections or SECTIONS)
    default = "notebooks" in sections and not args.quick
    if not (default if args.notebooks is None else args.notebooks):
        sections = [s for s in sections if s != "notebooks"]
    elif "notebooks" not in sections:
        sections.append("notebooks")

    info = machine()
    print(f"Machine: {_machine_line(info)}", flush=True)
    if info["busy"] is not None and info["busy"] > 10:
        print("Note: other programs are using the CPU; the times below will be pessimistic.", flush=True)
    rows = run(sections, quick=args.quick, stream=sys.stdout)
    print()
    print(format_table(rows))
    print()
    print(format_table(rows, details=True))
    if args.write:
        command = "python -m benchmarks.bench" + (" " + " ".join(argv if argv is not None else sys.argv[1:]))
        path = Path(args.write)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(results_markdown(rows, info, command.strip()))
        print(f"\nWrote {path}")
        if path.resolve() == RESULTS.resolve():  # the README shows the table of the committed results
            README.write_text(update_readme(README.read_text(), readme_block(rows, info)))
            print(f"Wrote the table of {README.name}")
        figure = write_scaling_figure(path.parent / "scaling.png")
        if figure is not None:
            print(f"Wrote {figure}")
    return rows


if __name__ == "__main__":
    main()
