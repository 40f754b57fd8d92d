"""The divergence criterion and the run tracker shared by gradient_descent and Network.fit."""
import numpy as np
import pytest

import course_utils as cu
from course_utils.divergence import LEFT_DOMAIN, LOSS_RISING, NOT_FINITE, TOO_BIG


def test_the_rule_says_what_counts_with_its_numbers():
    assert cu.DivergenceRule(patience=None).describe() == (
        "A run counts as diverged when its position stops being finite or exceeds 1e+08 in size.")
    two_d = cu.DivergenceRule.for_domain(((-3.0, 3.0), (-1.0, 2.0)), bound=1e6)
    assert two_d.describe() == (
        "A run counts as diverged when its position stops being finite or exceeds 1e+06 in size, "
        "leaves [-9, 9] x [-4, 5] (the plotted domain [-3, 3] x [-1, 2] widened by its width on each "
        "side), or its loss rises for 5 steps in a row above its starting value.")
    lo, hi = two_d.box
    np.testing.assert_array_equal(lo, [-9.0, -4.0])
    np.testing.assert_array_equal(hi, [9.0, 5.0])
    assert cu.DivergenceRule(quantity="weights", patience=None).describe() == (
        "A run counts as diverged when its weights stop being finite or exceed 1e+08 in size.")


def test_size_rule_marks_nan_and_big_runs_once():
    t = cu.RunTracker((4,), rule=cu.DivergenceRule(bound=10.0, patience=None))
    assert t.check(1, size=np.array([1.0, 2.0, 3.0, 4.0])) is None and t.all_active
    bad = t.check(2, size=np.array([1.0, np.nan, 30.0, 4.0]))
    np.testing.assert_array_equal(bad, [False, True, True, False])
    np.testing.assert_array_equal(t.diverged_at, [-1, 2, 2, -1])
    np.testing.assert_array_equal(t.reason, [0, NOT_FINITE, TOO_BIG, 0])
    np.testing.assert_array_equal(t.active, [True, False, False, True])
    assert not t.all_active
    # a frozen run is not marked again, whatever its numbers do
    assert t.check(3, size=np.array([1.0, np.nan, np.inf, 4.0])) is None
    np.testing.assert_array_equal(t.diverged_at, [-1, 2, 2, -1])
    assert repr(t) == "RunTracker(runs=4, active=2, stopped=0, diverged=2)"


def test_loss_rule_needs_consecutive_rises_above_the_start():
    t = cu.RunTracker((3,), rule=cu.DivergenceRule(patience=3))
    t.start(loss=np.array([1.0, 1.0, 1.0]))
    losses = [
        [2.0, 0.5, 2.0],   # run 0 rises above start (1), run 2 too
        [3.0, 0.6, 3.0],   # 2 rises; run 1 rises but stays below its start: does not count
        [4.0, 0.7, 2.5],   # run 0: 3 rises -> diverged; run 2 fell: its count restarts
        [5.0, 0.8, 2.6],
    ]
    marked = [t.check(k + 1, loss=np.array(v)) for k, v in enumerate(losses)]
    assert marked[0] is None and marked[1] is None
    np.testing.assert_array_equal(marked[2], [True, False, False])
    np.testing.assert_array_equal(t.diverged_at, [3, -1, -1])
    np.testing.assert_array_equal(t.reason, [LOSS_RISING, 0, 0])


def test_position_rule_on_a_2d_box_and_starts_outside_it():
    rule = cu.DivergenceRule.for_domain(((-1.0, 1.0), (-1.0, 1.0)), patience=None)
    t = cu.RunTracker((3,), rule=rule)
    starts = np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 0.0]])  # run 1 starts outside [-3, 3]^2
    t.start(position=starts)
    assert t.check(1, position=np.array([[2.9, -2.9], [4.0, 0.0], [0.0, 0.0]])) is None
    bad = t.check(2, position=np.array([[3.1, 0.0], [5.0, 1.0], [np.nan, 0.0]]))
    np.testing.assert_array_equal(bad, [True, False, True])
    np.testing.assert_array_equal(t.reason, [LEFT_DOMAIN, 0, NOT_FINITE])
    bad = t.check(3, position=np.array([[0.0, 0.0], [5.5, 0.0], [0.0, 0.0]]))  # beyond its own start
    np.testing.assert_array_equal(bad, [False, True, False])


def test_stop_small_freezes_only_active_runs():
    t = cu.RunTracker((3,), tol=0.1)
    assert t.stop_small(0, np.array([1.0, 0.05, 1.0]))
    np.testing.assert_array_equal(t.stopped_at, [-1, 0, -1])
    assert t.stop_small(4, np.array([0.01, 0.01, 1.0]))
    assert not t.stop_small(5, np.array([0.01, 0.01, 1.0]))  # stopped runs are not stopped again
    np.testing.assert_array_equal(t.stopped_at, [4, 0, -1])
    np.testing.assert_array_equal(t.active, [False, False, True])
    assert not cu.RunTracker((2,)).stop_small(0, np.zeros(2))  # no tol: nothing stops


def test_the_sentence_is_shared_and_names_the_first_run():
    rule = cu.DivergenceRule(bound=1e8, patience=None)
    assert cu.divergence_report(-1, 0, rule) == "The run did not diverge."
    assert cu.divergence_report([-1, -1], [0, 0], rule) == "No run diverged."
    assert cu.divergence_report([-1, -1], [0, 0], rule, noun="network") == "No network diverged."
    assert cu.divergence_report(7, NOT_FINITE, rule) == (
        "Diverged at epoch 7: its position stopped being finite. " + rule.describe())
    text = cu.divergence_report([[9, -1], [4, 6]], [[TOO_BIG, 0], [NOT_FINITE, TOO_BIG]], rule)
    assert text.startswith("3 of 4 runs diverged; the first at epoch 4 (its position stopped being finite). ")
    weights = cu.DivergenceRule(quantity="weights", patience=None)
    assert cu.divergence_report(2, TOO_BIG, weights) == (
        "Diverged at epoch 2: its weights exceeded 1e+08 in size. A run counts as diverged when its "
        "weights stop being finite or exceed 1e+08 in size.")


def test_tracker_report_equals_the_result_report():
    r = cu.gradient_descent(cu.steep, [0.5, 3.0], learning_rate=0.1, epochs=10)
    assert r.divergence_report() == cu.divergence_report(r.diverged_at, r.diverged_reason, r.rule)


@pytest.mark.parametrize("kwargs, name", [
    ({"bound": 0}, "bound"), ({"bound": "big"}, "bound"), ({"patience": 0}, "patience"),
    ({"patience": 2.5}, "patience"), ({"domain": (1.0, -1.0)}, "domain"), ({"domain": (0.0, 1.0, 2.0)}, "domain"),
    ({"domain": "wide"}, "domain"),
])
def test_bad_rule_input_names_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        cu.DivergenceRule(**kwargs)
