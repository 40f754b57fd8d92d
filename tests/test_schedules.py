"""Learning-rate schedules: values per step, repr, validation, and how the driver uses them."""
import numpy as np
import pytest

import course_utils as cu

NORMS = np.array([0.0, 0.5, 2.0, 10.0])


# --- values per step ------------------------------------------------------------------------

def test_fixed_is_the_same_at_every_step():
    s = cu.fixed(0.1)
    for step in range(0, 50, 7):
        out = s(step, NORMS)
        assert out.shape == NORMS.shape
        np.testing.assert_array_equal(out, 0.1)
    assert float(s(3, 1.0)) == 0.1 and np.shape(s(3, 1.0)) == ()
    assert s(0, np.ones((2, 3))).shape == (2, 3)


def test_gradient_based_scales_with_the_gradient_magnitude():
    s = cu.gradient_based(0.05)
    for step in (0, 1, 100):
        np.testing.assert_array_equal(s(step, NORMS), 0.05 * NORMS)
    np.testing.assert_array_equal(s(0, -NORMS), 0.05 * NORMS)  # a signed derivative gives |f'|
    assert float(s(0, 4.0)) == 0.2


def test_time_based_decays_linearly_to_zero():
    s = cu.time_based(0.2, decay_epochs=10)
    for t in range(11):
        np.testing.assert_array_equal(s(t, NORMS), 0.2 * (1 - t / 10))
    assert float(s(0, 1.0)) == 0.2 and float(s(5, 1.0)) == 0.1 and float(s(10, 1.0)) == 0.0
    # after T steps it stays at zero, never negative
    for t in (11, 20, 1000):
        np.testing.assert_array_equal(s(t, NORMS), 0.0)
    rates = [float(s(t, 1.0)) for t in range(15)]
    assert all(a >= b for a, b in zip(rates, rates[1:]))


def test_time_based_does_not_depend_on_the_gradient():
    s = cu.time_based(0.1, decay_epochs=4)
    np.testing.assert_array_equal(s(1, NORMS), np.full(NORMS.shape, 0.1 * (1 - 1 / 4)))


# --- repr and registry ----------------------------------------------------------------------

def test_reprs_are_readable():
    assert repr(cu.fixed(0.1)) == "fixed(learning_rate=0.1)"
    assert repr(cu.gradient_based(0.05)) == "gradient_based(learning_rate=0.05)"
    assert repr(cu.time_based(0.1, decay_epochs=100)) == "time_based(learning_rate=0.1, decay_epochs=100)"
    assert repr(cu.fixed(1)) == "fixed(learning_rate=1.0)"
    assert repr(cu.fixed(np.float64(0.5))) == "fixed(learning_rate=0.5)"  # no np.float64(...) in output


def test_registry():
    assert cu.SCHEDULES == {"fixed": cu.fixed, "gradient_based": cu.gradient_based, "time_based": cu.time_based}
    for name, make in cu.SCHEDULES.items():
        s = make(0.1, decay_epochs=5) if name == "time_based" else make(0.1)
        assert s.kind == name and isinstance(s, cu.Schedule) and s.learning_rate == 0.1
    s = cu.time_based(0.3, decay_epochs=7)
    assert s.learning_rate == 0.3 and s.decay_epochs == 7 and type(s.decay_epochs) is int


# --- validation -----------------------------------------------------------------------------

BAD_RATES = [0, -0.1, np.nan, np.inf, "0.1", None, True, [0.1], np.array([0.1, 0.2])]


@pytest.mark.parametrize("cls", [cu.fixed, cu.gradient_based])
@pytest.mark.parametrize("lr", BAD_RATES)
def test_bad_learning_rate(cls, lr):
    with pytest.raises(ValueError, match=r"^learning_rate must be"):
        cls(lr)


@pytest.mark.parametrize("lr", BAD_RATES)
def test_time_based_bad_learning_rate(lr):
    with pytest.raises(ValueError, match=r"^learning_rate must be"):
        cu.time_based(lr, decay_epochs=10)


@pytest.mark.parametrize("decay_epochs", [0, -5, 10.0, 2.5, True, "10", None])
def test_time_based_bad_decay_epochs(decay_epochs):
    with pytest.raises(ValueError, match=r"^decay_epochs must be"):
        cu.time_based(0.1, decay_epochs=decay_epochs)


def test_time_based_needs_decay_epochs_by_keyword():
    with pytest.raises(TypeError):
        cu.time_based(0.1, 10)
    with pytest.raises(TypeError):
        cu.time_based(0.1)


# --- schedules inside gradient_descent ------------------------------------------------------

def test_fixed_schedule_equals_a_scalar_learning_rate():
    starts = np.linspace(-2, 2, 9)
    a = cu.gradient_descent(cu.sextic, starts, learning_rate=0.01, epochs=60, tol=1e-3)
    b = cu.gradient_descent(cu.sextic, starts, learning_rate=cu.fixed(0.01), epochs=60, tol=1e-3)
    for name in ("path", "grads", "learning_rates", "stopped_at", "diverged_at"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_recorded_rates_follow_each_schedule():
    r = cu.gradient_descent(cu.quadratic, [-1.0, 2.0], learning_rate=cu.time_based(0.1, decay_epochs=20),
                            epochs=30)
    expected = [0.1 * max(0.0, 1 - t / 20) for t in range(30)]
    np.testing.assert_array_equal(r.learning_rates, np.repeat(np.array(expected)[:, None], 2, axis=1))
    # after T steps the rate is 0, so the runs stand still (without being marked stopped)
    assert np.all(r.path[21:] == r.path[20]) and not r.stopped.any()

    r = cu.gradient_descent(cu.quadratic, [-1.0, 2.0], learning_rate=cu.gradient_based(0.02), epochs=30)
    np.testing.assert_array_equal(r.learning_rates, 0.02 * np.abs(r.grads))


def test_gradient_based_uses_the_length_of_the_2d_gradient():
    r = cu.gradient_descent(cu.peaks, [[0.5, -0.5], [-1.0, 1.0]], learning_rate=cu.gradient_based(0.01),
                            epochs=25)
    np.testing.assert_array_equal(r.learning_rates, 0.01 * np.linalg.norm(r.grads, axis=-1))


@pytest.mark.parametrize("schedule", [cu.fixed(0.05), cu.gradient_based(0.02), cu.time_based(0.1, decay_epochs=30)],
                         ids=repr)
@pytest.mark.parametrize("tol", [None, 1e-3])
def test_vectorized_schedule_runs_equal_single_runs(schedule, tol):
    starts = [-1.8, -0.4, 0.0, 0.9, 1.7]
    grid = cu.gradient_descent(cu.sextic, starts, learning_rate=schedule, epochs=50, tol=tol)
    for j, s in enumerate(starts):
        one = cu.gradient_descent(cu.sextic, s, learning_rate=schedule, epochs=50, tol=tol)
        assert np.array_equal(grid.path[:, j], one.path, equal_nan=True)
        assert np.array_equal(grid.learning_rates[:, j], one.learning_rates)
        assert grid.stopped_at[j] == one.stopped_at and grid.diverged_at[j] == one.diverged_at
    starts2 = np.array([[0.5, -0.5], [-1.0, 1.0], [1.5, 0.2]])
    grid2 = cu.gradient_descent(cu.peaks, starts2, learning_rate=schedule, epochs=50, tol=tol)
    for j, s in enumerate(starts2):
        one = cu.gradient_descent(cu.peaks, s, learning_rate=schedule, epochs=50, tol=tol)
        assert np.array_equal(grid2.path[:, j], one.path, equal_nan=True)
        assert np.array_equal(grid2.learning_rates[:, j], one.learning_rates)


@pytest.mark.parametrize("schedule", [cu.fixed(0.05), cu.gradient_based(0.02), cu.time_based(0.1, decay_epochs=30)],
                         ids=repr)
def test_schedule_result_read_at_fewer_epochs(schedule):
    long = cu.gradient_descent(cu.cos_bowl, [-1.2, 0.3], learning_rate=schedule, epochs=40)
    for k in (1, 10, 39):
        short = cu.gradient_descent(cu.cos_bowl, [-1.2, 0.3], learning_rate=schedule, epochs=k)
        np.testing.assert_array_equal(long.at(k), short.final)


def test_ascent_with_a_schedule_equals_descent_on_the_flipped_gradient():
    for schedule in (cu.gradient_based(0.01), cu.time_based(0.02, decay_epochs=40)):
        up = cu.gradient_descent(cu.peaks, [[0.2, 0.3], [1.0, 0.0]], learning_rate=schedule, epochs=50,
                                 ascent=True)
        down = cu.gradient_descent(lambda p: -cu.peaks.grad(p), [[0.2, 0.3], [1.0, 0.0]],
                                   learning_rate=schedule, epochs=50, ndim=2)
        assert np.array_equal(up.path, down.path)
        assert np.array_equal(up.learning_rates, down.learning_rates)


def test_a_plain_function_works_as_a_schedule():
    def halve_every_ten(step, grad_norm):
        return 0.1 * 0.5 ** (step // 10) * np.ones_like(grad_norm)

    r = cu.gradient_descent(cu.quadratic, [1.0, 2.0], learning_rate=halve_every_ten, epochs=30)
    np.testing.assert_array_equal(r.learning_rates[:, 0], 0.1 * 0.5 ** (np.arange(30) // 10))


def test_dynamic_rates_on_the_quadratic():
    # the comparison notebook 06 makes, in numbers, from the same start
    finals = {}
    for schedule in (cu.fixed(0.05), cu.gradient_based(0.01), cu.time_based(0.1, decay_epochs=150)):
        r = cu.gradient_descent(cu.quadratic, 2.0, learning_rate=schedule, epochs=150)
        assert not r.diverged and np.all(np.diff(cu.quadratic(r.path)) <= 0), schedule
        finals[schedule.kind] = abs(r.final - 0.5)
    assert finals["fixed"] < 1e-9 and finals["time_based"] < 1e-9
    # lr * |f'| shrinks with the gradient: steps near the minimum become tiny (slow, sub-linear approach)
    assert 1e-3 < finals["gradient_based"] < 0.05
    # ... and on the quadratic a large enough factor overshoots and diverges
    assert cu.gradient_descent(cu.quadratic, 2.0, learning_rate=cu.gradient_based(0.05), epochs=20).diverged


@pytest.mark.parametrize("make", [cu.fixed, cu.gradient_based, cu.time_based], ids=lambda f: f.__name__)
def test_passing_the_schedule_function_itself_is_refused(make):
    with pytest.raises(ValueError, match=rf"^learning_rate must be .*got {make.__name__} itself"):
        cu.gradient_descent(cu.quadratic, 1.0, learning_rate=make, epochs=3)


@pytest.mark.parametrize("schedule, message", [
    (lambda step, grad_norm: -0.1 * np.ones_like(grad_norm), "negative or not finite"),
    (lambda step, grad_norm: np.full_like(grad_norm, np.nan), "negative or not finite"),
    (lambda step: 0.1, r"must take \(step, grad_norm\)"),
    (lambda step, grad_norm: np.ones(7), r"must take \(step, grad_norm\)"),
])
def test_a_schedule_that_misbehaves_is_refused(schedule, message):
    with pytest.raises(ValueError, match=rf"^learning_rate: the schedule .*{message}"):
        cu.gradient_descent(cu.quadratic, [1.0, 2.0], learning_rate=schedule, epochs=3)
