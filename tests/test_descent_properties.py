"""Documented promises of the descent driver, tested by searching for counterexamples.

* a run inside any batch equals the same run alone, bit for bit, for every objective,
  schedule, stop tolerance, direction and 1-D/2-D shape (and a 0-d array equals a float);
* ascent on f equals descent on -f;
* every analytic gradient agrees with finite differences of its function.

The search is derandomized (the same examples on every machine) and small, so CI is deterministic
and fast.
"""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import course_utils as cu

SEARCH = settings(derandomize=True, max_examples=40, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow])
OBJECTIVES = list(cu.OBJECTIVES.values())
FIELDS = ("path", "grads", "learning_rates", "stopped_at", "diverged_at")


def assert_same_run(batch, index, one):
    """Run ``index`` of a vectorized result holds exactly the numbers of a single run."""
    tail = (slice(None),) * (batch.ndim == 2)
    picks = {"path": (slice(None),) + index + tail, "grads": (slice(None),) + index + tail,
             "learning_rates": (slice(None),) + index, "stopped_at": index, "diverged_at": index}
    for name in FIELDS:
        got, want = getattr(batch, name)[picks[name]], getattr(one, name)
        assert np.shape(got) == np.shape(want), name
        assert np.array_equal(got, want, equal_nan=True), (name, index)


def points_in(objective, n):
    """``n`` start points drawn over the objective's plotted domain (and a little beyond)."""
    if objective.ndim == 1:
        lo, hi = objective.domain
        coords = [st.floats(lo * 1.2, hi * 1.2, allow_nan=False)]
    else:
        coords = [st.floats(lo * 1.2, hi * 1.2, allow_nan=False) for lo, hi in objective.domain]
    point = coords[0] if objective.ndim == 1 else st.tuples(*coords)
    return st.lists(point, min_size=n, max_size=n)


@st.composite
def learning_rates(draw):
    """A number or one of the course's schedules, over rates from timid to divergent."""
    lr = draw(st.floats(1e-3, 0.6))
    kind = draw(st.sampled_from(["number", "fixed", "gradient_based", "time_based"]))
    if kind == "number":
        return lr
    if kind == "time_based":
        return cu.time_based(lr, decay_epochs=draw(st.integers(1, 40)))
    return cu.SCHEDULES[kind](lr)


@st.composite
def experiments(draw):
    objective = draw(st.sampled_from(OBJECTIVES))
    starts = draw(st.integers(1, 16).flatmap(lambda n: points_in(objective, n)))
    return dict(
        objective=objective,
        starts=np.array(starts, dtype=float),
        learning_rate=draw(learning_rates()),
        epochs=draw(st.integers(1, 200)),
        tol=draw(st.none() | st.floats(1e-6, 1e-1)),
        ascent=draw(st.booleans()),
    )


def run(objective, start, **kwargs):
    return cu.gradient_descent(objective, start, **kwargs)


@SEARCH
@given(experiments())
def test_batch_equals_single_runs(case):
    objective, starts = case.pop("objective"), case.pop("starts")
    batch = run(objective, starts, **case)
    for j, start in enumerate(starts):
        # the single start as the learner types it: a float, or a list of two floats
        one = run(objective, float(start) if objective.ndim == 1 else start.tolist(), **case)
        assert_same_run(batch, (j,), one)
        # ... and as a 0-d (1-D) or shape-(2,) array
        assert_same_run(batch, (j,), run(objective, np.asarray(start), **case))


@SEARCH
@given(experiments(), st.lists(st.floats(1e-3, 0.6), min_size=1, max_size=4))
def test_learning_rate_grid_equals_single_runs(case, rates):
    objective, starts = case.pop("objective"), case.pop("starts")
    case.pop("learning_rate")
    grid = run(objective, starts, learning_rate=np.array(rates)[:, None], **case)
    for i, lr in enumerate(rates):
        for j, start in enumerate(starts):
            assert_same_run(grid, (i, j), run(objective, start, learning_rate=lr, **case))


def negated(objective):
    """-f as an Objective of its own, with the same domain."""
    if objective.ndim == 1:
        return cu.Objective("neg", "-f", lambda x: -objective.f(x), lambda x: -objective.df(x),
                            domain=objective.domain)
    return cu.Objective("neg", "-f", lambda x, y: -objective.f(x, y),
                        lambda x, y: tuple(-g for g in objective.df(x, y)), ndim=2, domain=objective.domain)


@SEARCH
@given(experiments())
def test_ascent_on_f_equals_descent_on_minus_f(case):
    objective, starts = case.pop("objective"), case.pop("starts")
    case.pop("ascent")
    up = run(objective, starts, ascent=True, **case)
    down = run(negated(objective), starts, **case)
    assert np.array_equal(up.path, down.path, equal_nan=True)
    assert np.array_equal(up.grads, -down.grads, equal_nan=True)
    for name in ("learning_rates", "stopped_at", "diverged_at"):
        assert np.array_equal(getattr(up, name), getattr(down, name)), name


H = 1e-6  # central-difference step: truncation ~H^2, rounding ~eps/H


@SEARCH
@given(st.sampled_from(OBJECTIVES).flatmap(lambda o: st.tuples(st.just(o), points_in(o, 8))))
def test_analytic_gradient_matches_finite_differences(case):
    objective, points = case
    x = np.array(points, dtype=float)
    if objective.ndim == 1:
        numeric = (objective(x + H) - objective(x - H)) / (2 * H)
    else:
        numeric = np.stack([(objective(x + e) - objective(x - e)) / (2 * H) for e in H * np.eye(2)], axis=-1)
    # the rounding error of the difference grows with |f| (steep reaches 81 on its domain)
    scale = 1.0 + np.max(np.abs(objective(x)))
    np.testing.assert_allclose(objective.grad(x), numeric, rtol=1e-6, atol=2e-6 * scale)


@pytest.mark.parametrize("objective", OBJECTIVES, ids=lambda o: o.name)
def test_zero_d_array_equals_a_float_in_every_call(objective):
    x = 0.3 if objective.ndim == 1 else [0.3, -0.7]
    assert objective(np.asarray(x)) == objective(x)
    assert np.array_equal(objective.grad(np.asarray(x)), objective.grad(x))
    point = np.asarray([x])  # a batch of one
    assert objective(point)[0] == objective(x)
    assert np.array_equal(objective.grad(point)[0], objective.grad(x))
    a = cu.gradient_descent(objective, np.asarray(x), learning_rate=np.asarray(0.05), epochs=30)
    b = cu.gradient_descent(objective, x, learning_rate=0.05, epochs=30)
    for name in FIELDS:
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name


@st.composite
def block_experiments(draw):
    """Runs the block loop takes (an objective, no tolerance, no schedule), many of them diverging."""
    objective = draw(st.sampled_from(OBJECTIVES))
    starts = draw(st.integers(1, 12).flatmap(lambda n: points_in(objective, n)))
    rates = draw(st.lists(st.floats(1e-3, 1.5), min_size=1, max_size=3))
    optimizer = draw(st.sampled_from([None, cu.momentum(0.8), cu.rmsprop(0.9), cu.adam()]))
    return dict(objective=objective, starts=np.array(starts, dtype=float),
                learning_rate=np.array(rates)[:, None], epochs=draw(st.integers(1, 150)),
                ascent=draw(st.booleans()), optimizer=optimizer,
                record=draw(st.sampled_from(["all", "end", 1, 4, 7])))


@SEARCH
@given(block_experiments(), st.integers(1, 70))
def test_judging_blocks_of_epochs_equals_judging_every_epoch(case, block):
    """The block loop (the rule applied once per block of epochs, a diverged run's extra steps
    discarded) records exactly what the epoch-by-epoch loop records, whatever the block length."""
    from course_utils import descent

    objective, starts = case.pop("objective"), case.pop("starts")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(descent, "_BLOCK_EPOCHS", block)
        patch.setattr(descent, "_BLOCK_VALUES", 10**9)
        blocks = run(objective, starts, **case)
        patch.setattr(descent._Run, "blockwise", False, raising=False)
        patch.setattr(descent._Run, "__setattr__", _keep_epoch_by_epoch, raising=False)
        epochwise = run(objective, starts, **case)
    for name in (*FIELDS, "diverged_reason"):
        a, b = getattr(blocks, name), getattr(epochwise, name)
        assert a.shape == b.shape and np.array_equal(a, b, equal_nan=True), name


def _keep_epoch_by_epoch(self, name, value):
    # While patched in: every _Run takes the epoch-by-epoch loop (blockwise stays False).
    object.__setattr__(self, name, False if name == "blockwise" else value)
