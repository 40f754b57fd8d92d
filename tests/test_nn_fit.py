"""Network.fit's history, bit for bit, against fit written out as a plain loop.

fit keeps its bookkeeping cheap (costs and norms written straight into the history rows, per-batch
rows summed once per epoch, no masking while every run is active, a shortcut while the cost falls).
None of that may change a number: every field of the History, the final weights and the recorded
paths must equal, bit for bit, what the loop below computes one run at a time with running sums
and the divergence rules spelled out, for full and mini-batches, runs, tol, every divergence rule,
float32 and float64. The loop's gradients come from ``Network.gradients`` (tested against finite
differences elsewhere); everything fit does around them is written out here again.
"""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import course_utils as cu
from course_utils.divergence import LOSS_RISING, NOT_FINITE, PATIENCE, TOO_BIG
from course_utils.nn import Network


def plain_fit(net, X, y, *, learning_rate, epochs, loss, batch_size=None, rng=None, bound=1e8, tol=None,
              record=None):
    """One run of fit as a plain loop: running sums, rule 1 after every update, rule 3 after every epoch.

    Returns a dict of the History's fields (and the record's path and batch costs); ``net`` is trained.
    """
    n, dtype = len(X), net.dtype
    batch = n if batch_size is None else batch_size
    rng, step = np.random.default_rng(rng), np.asarray(learning_rate, dtype=dtype)
    costs, norms = np.full(epochs, np.nan), np.full((epochs, net.n_layers), np.nan)
    out = dict(diverged_at=-1, diverged_reason=0, stopped_at=-1)
    path, batch_costs = [net.parameter_vector()], []
    first = last = None
    rises = 0
    for epoch in range(epochs):
        order = np.arange(n) if batch == n else rng.permutation(n)  # one batch of all: no shuffle
        cost_sum, norm_sum, counted, frozen = 0.0, np.zeros(net.n_layers), 0, False
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            cost, grads = net.gradients(X[idx], y[idx], loss=loss)
            cost_sum += cost
            norm_sum += [np.sqrt(np.sum(dW * dW)) for dW, _ in grads]  # Frobenius, in the net's dtype
            counted += 1
            whole = np.sqrt(sum(np.sum(dW * dW) + np.sum(db * db) for dW, db in grads))
            if tol is not None and whole < tol:
                out["stopped_at"], frozen = epoch, True
                batch_costs.append(np.nan)
                path.append(net.parameter_vector())
                break
            for k, (dW, db) in enumerate(grads):
                net.weights[k] -= step * dW
                net.biases[k] -= step * db
            batch_costs.append(cost)
            path.append(net.parameter_vector())
            size = np.max(np.abs(net.parameter_vector()))
            if not size <= bound:
                out["diverged_at"], frozen = epoch + 1, True
                out["diverged_reason"] = TOO_BIG if np.isfinite(size) else NOT_FINITE
                break
        costs[epoch], norms[epoch] = cost_sum / counted, norm_sum / counted
        if frozen:
            break
        if epoch == 0:
            first = last = costs[0]
            continue
        rises = rises + 1 if costs[epoch] > last and costs[epoch] > first else 0
        last = costs[epoch]
        if rises >= PATIENCE:
            out["diverged_at"], out["diverged_reason"] = epoch + 1, LOSS_RISING
            break
    if out["diverged_at"] >= 0:
        costs[out["diverged_at"]:] = np.nan
    if out["stopped_at"] >= 0:
        costs[out["stopped_at"] + 1:] = costs[out["stopped_at"]]
    updates = epochs * len(range(0, n, batch))
    rows = updates + 1 if record == "update" else epochs + 1
    if record == "epoch":  # the parameters after each epoch's last update
        per = len(range(0, n, batch))
        path = [path[min(e * per, len(path) - 1)] for e in range(epochs + 1)]
    path += [path[-1]] * (rows - len(path))  # a frozen run stays where it stopped
    batch_costs += [np.nan] * (updates - len(batch_costs))
    out.update(cost=costs, grad_norms=norms, weights=net.parameter_vector())
    if record is not None:
        out["parameters"] = np.array(path)
    if record == "update":
        out["batch_cost"] = np.array(batch_costs)
    return out


def _bits(a):
    """An array's exact bits (NaN as one pattern), to compare floats bit for bit, -0.0 included."""
    a = np.atleast_1d(np.asarray(a, dtype=float))
    return np.where(np.isnan(a), np.nan, a).view(np.int64)


def assert_fit_is_the_plain_loop(net, X, y, **kwargs):
    """Train ``net`` (one run or several) with fit and each run with the plain loop; compare everything."""
    trained = net.copy()
    history = trained.fit(X, y, **kwargs)
    runs = [None] if net.runs is None else range(net.runs)
    lrs = np.broadcast_to(kwargs.pop("learning_rate"), (len(runs),))
    record = kwargs.pop("record_parameters", None)
    fields = dict(cost=history.cost, grad_norms=history.grad_norms, diverged_at=history.diverged_at,
                  diverged_reason=history.diverged_reason, stopped_at=history.stopped_at,
                  weights=trained.parameter_vector(), parameters=history.parameters,
                  batch_cost=history.batch_cost)
    for r, lr in zip(runs, lrs):
        one = Network(net.layer_sizes, activations=list(net.activations), dtype=net.dtype)
        one.weights = [(W if r is None else W[r]).copy() for W in net.weights]
        one.biases = [(b if r is None else b[r]).copy() for b in net.biases]
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging run overflows on purpose
            want = plain_fit(one, X, y, learning_rate=lr, record=record, **kwargs)
        # The runs axis comes after the epoch (or update) axis; the final weights have it first.
        got = {name: value if r is None else value[r] if name in ("diverged_at", "diverged_reason",
                                                                    "stopped_at", "weights") else value[:, r]
               for name, value in fields.items() if value is not None}
        assert set(got) == set(want), (sorted(got), sorted(want))
        for name, value in want.items():
            np.testing.assert_array_equal(_bits(got[name]), _bits(value), err_msg=f"run {r}: {name}")
    return history


def _moons(n=60, classes=2):
    X, y = cu.nn.moons(n, rng=4)
    return X, (y if classes == 2 else (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.3))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("sizes, acts, loss, batch_size", [
    ([2, 1], ["identity"], "mse", None),
    ([2, 8, 1], ["tanh", "sigmoid"], "binary_cross_entropy", None),
    ([2, 8, 1], ["tanh", "sigmoid"], "binary_cross_entropy", 16),  # a smaller last batch (60 = 3 x 16 + 12)
    ([2, 5, 3], ["relu", "softmax"], "categorical_cross_entropy", 7),
    ([2, 4, 4, 1], ["sigmoid", "tanh", "identity"], "bce_with_logits", 60),  # batch_size n: full batch
])
def test_fit_is_the_plain_loop(dtype, sizes, acts, loss, batch_size):
    X, y = _moons(classes=sizes[-1] if sizes[-1] > 1 else 2)
    net = Network(sizes, activations=acts, rng=5, dtype=dtype)
    history = assert_fit_is_the_plain_loop(net, X, y, learning_rate=0.5, epochs=25, loss=loss,
                                           batch_size=batch_size, rng=2)
    assert not history.diverged and not history.stopped


# (learning rate, bound) per rule: just above the stable step the cost climbs slowly (rule 3); far
# above it the weights pass the bound (rule 1, too big) or overflow between two checks (not finite).
DIVERGING = {LOSS_RISING: {"float64": (0.8, 1e4), "float32": (0.8, 1e4)},
             TOO_BIG: {"float64": (60.0, 1e4), "float32": (60.0, 1e4)},
             NOT_FINITE: {"float64": (1e200, 1e300), "float32": (1e30, 1e36)}}


@pytest.mark.parametrize("batch_size", [None, 16])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("reason", [LOSS_RISING, TOO_BIG, NOT_FINITE])
def test_divergence_by_every_rule_is_the_plain_loop(reason, dtype, batch_size):
    X, y = cu.nn.linear_1d(60, rng=0)
    net = Network([1, 1], activations=["identity"], rng=0, dtype=dtype)
    learning_rate, bound = DIVERGING[reason][dtype]
    history = assert_fit_is_the_plain_loop(net, X, y, learning_rate=learning_rate, epochs=40, loss="mse",
                                           batch_size=batch_size, rng=1, bound=bound)
    assert history.diverged_reason == reason and history.diverged_at > 0


@pytest.mark.parametrize("record", [None, "epoch", "update"])
@pytest.mark.parametrize("batch_size", [None, 16])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_runs_with_every_outcome_are_the_plain_loop_run_by_run(record, batch_size, dtype):
    # One batched network whose runs converge, stop (tol), climb (rule 3) and blow up (rule 1):
    # after the first run freezes, fit masks the others; each must still be its own plain loop.
    X, y = cu.nn.linear_1d(60, noise=0.0, rng=0)  # noise-free: the gradient can fall below tol
    net = Network([1, 1], activations=["identity"], rng=3, runs=4, dtype=dtype)
    history = assert_fit_is_the_plain_loop(net, X, y, learning_rate=[0.01, 0.3, 0.8, 60.0], epochs=40,
                                           loss="mse", batch_size=batch_size, rng=1, bound=1e4, tol=0.05,
                                           record_parameters=record)
    assert history.stopped.tolist() == [False, True, False, False]
    assert history.diverged_reason.tolist() == [0, 0, LOSS_RISING, TOO_BIG]


@pytest.mark.parametrize("batch_size", [None, 16])
def test_tol_on_a_hidden_layer_net_is_the_plain_loop(batch_size):
    X, y = _moons()
    net = Network([2, 6, 1], activations=["tanh", "sigmoid"], rng=1, runs=2)
    history = assert_fit_is_the_plain_loop(net, X, y, learning_rate=[2.0, 0.1], epochs=60,
                                           loss="binary_cross_entropy", batch_size=batch_size, rng=3, tol=0.08)
    assert history.stopped.any()


HIDDEN = ["identity", "sigmoid", "tanh", "relu"]
HEADS = [("identity", "mse", 1), ("sigmoid", "binary_cross_entropy", 1), ("identity", "bce_with_logits", 1),
         ("softmax", "categorical_cross_entropy", 3), ("tanh", "mse", 2)]


@settings(derandomize=True, max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(head=st.sampled_from(HEADS), hidden=st.lists(st.tuples(st.integers(1, 5), st.sampled_from(HIDDEN)),
                                                    max_size=2),
       n=st.integers(1, 30), batch=st.integers(1, 30), full=st.booleans(), runs=st.sampled_from([None, 3]),
       lr=st.sampled_from([0.05, 0.5, 2.0, 20.0, 1e3]), tol=st.sampled_from([None, 1e-2, 0.3]),
       record=st.sampled_from([None, "epoch", "update"]), dtype=st.sampled_from(["float64", "float32"]),
       seed=st.integers(0, 2**16))
def test_fit_is_the_plain_loop_for_any_network(head, hidden, n, batch, full, runs, lr, tol, record, dtype, seed):
    out_act, loss, k = head
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = rng.integers(0, k, n) if k == 3 else (rng.random(n) < 0.5).astype(float) if k == 1 else rng.normal(size=(n, k))
    if loss == "mse" and k == 1:
        y = rng.normal(size=n)
    net = Network([2, *(h for h, _ in hidden), k], activations=[a for _, a in hidden] + [out_act], rng=seed,
                  runs=runs, dtype=dtype)
    lrs = lr if runs is None else lr * np.array([0.1, 1.0, 10.0])
    assert_fit_is_the_plain_loop(net, X, y, learning_rate=lrs, epochs=12, loss=loss,
                                 batch_size=None if full else min(batch, n), rng=seed + 1, bound=1e4, tol=tol,
                                 record_parameters=record)
