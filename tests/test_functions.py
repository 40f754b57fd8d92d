"""The objective functions: analytic derivatives, broadcasting, known critical points, input checks."""
import dataclasses
import warnings

import numpy as np
import pytest

import course_utils as cu

ONE_D = [cu.quadratic, cu.sextic, cu.cos_bowl, cu.plateau, cu.steep]
TWO_D = [cu.peaks, cu.saddle]
ALL = ONE_D + TWO_D
H = 1e-6  # central difference step: truncation ~H^2, rounding ~eps/H


def ids(objs):
    return [o.name for o in objs]


def random_points(obj, rng, shape):
    """Uniform points over the objective's plotting domain (shape ``shape`` or ``shape + (2,)``)."""
    if obj.ndim == 1:
        lo, hi = obj.domain
        return rng.uniform(lo, hi, shape)
    (x0, x1), (y0, y1) = obj.domain
    return np.stack([rng.uniform(x0, x1, shape), rng.uniform(y0, y1, shape)], axis=-1)


def central_difference(obj, x):
    """Numerical derivative (1-D) or gradient (2-D) of ``obj`` at ``x``, one coordinate at a time."""
    if obj.ndim == 1:
        return (obj(x + H) - obj(x - H)) / (2 * H)
    parts = []
    for i in range(2):
        e = np.zeros(2)
        e[i] = H
        parts.append((obj(x + e) - obj(x - e)) / (2 * H))
    return np.stack(parts, axis=-1)


def hessian(obj, x):
    """Second derivative(s) by central differences of the analytic gradient."""
    if obj.ndim == 1:
        return (obj.grad(x + H) - obj.grad(x - H)) / (2 * H)
    cols = []
    for i in range(2):
        e = np.zeros(2)
        e[i] = H
        cols.append((obj.grad(x + e) - obj.grad(x - e)) / (2 * H))
    return np.stack(cols, axis=-1)


def newton(obj, x, steps=30):
    """Refine a critical point: Newton's method on the analytic gradient."""
    x = np.asarray(x, dtype=float)
    for _ in range(steps):
        if obj.ndim == 1:
            x = x - obj.grad(x) / hessian(obj, x)
        else:
            x = x - np.linalg.solve(hessian(obj, x), obj.grad(x))
    return x


# --- derivatives against finite differences -------------------------------------------------

@pytest.mark.parametrize("obj", ALL, ids=ids(ALL))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_matches_central_differences(obj, seed):
    rng = np.random.default_rng(seed)
    x = random_points(obj, rng, (500,))
    analytic = obj.grad(x)
    numeric = central_difference(obj, x)
    # Scale-aware tolerance: the FD error grows with the size of f (steep reaches 81, peaks ~8).
    scale = 1.0 + np.abs(obj(x))[..., None] if obj.ndim == 2 else 1.0 + np.abs(obj(x))
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-6 * np.max(scale))


@pytest.mark.parametrize("obj", TWO_D, ids=ids(TWO_D))
def test_2d_partials_are_in_x_then_y_order(obj):
    # A point where the two partial derivatives differ clearly, checked one coordinate at a time.
    p = np.array([0.3, -0.7])
    g = obj.grad(p)
    assert g[0] == pytest.approx((obj(p + [H, 0]) - obj(p - [H, 0])) / (2 * H), rel=1e-6, abs=1e-8)
    assert g[1] == pytest.approx((obj(p + [0, H]) - obj(p - [0, H])) / (2 * H), rel=1e-6, abs=1e-8)


def test_closed_form_values():
    assert cu.quadratic(0.0) == 4.0 and cu.quadratic.grad(0.0) == -3.0
    assert cu.sextic(1.0) == 0.0 and cu.sextic.grad(1.0) == -6.0
    assert cu.cos_bowl(0.0) == 1.0 and cu.cos_bowl.grad(0.0) == 0.0
    assert cu.saddle([1.0, 2.0]) == -3.0
    np.testing.assert_array_equal(cu.saddle.grad([1.0, 2.0]), [2.0, -4.0])
    assert cu.steep(2.0) == 16.0 and cu.steep.grad(2.0) == 32.0
    assert cu.plateau(0.0) == 0.0 and cu.plateau.grad(0.0) == 0.0
    # peaks at the origin: 3 e^{-1} - 0 - e^{-1}/3
    assert cu.peaks([0.0, 0.0]) == pytest.approx(3 * np.exp(-1) - np.exp(-1) / 3, rel=1e-15)


# --- broadcasting ---------------------------------------------------------------------------

@pytest.mark.parametrize("obj", ALL, ids=ids(ALL))
@pytest.mark.parametrize("shape", [(), (1,), (7,), (3, 4), (2, 1, 5)])
def test_broadcasting_shapes(obj, shape):
    rng = np.random.default_rng(7)
    x = random_points(obj, rng, shape)
    point = (2,) * (obj.ndim == 2)  # the trailing coordinate axis of 2-D objectives
    fx, gx = obj(x), obj.grad(x)
    assert np.shape(fx) == shape and np.shape(gx) == shape + point
    if shape == ():
        assert type(fx) is float and (obj.ndim == 2 or type(gx) is float)
    # Elementwise: the same as evaluating one point at a time.
    flat = np.reshape(x, (-1,) + point)
    np.testing.assert_array_equal(np.ravel(fx), [obj(v) for v in flat])
    np.testing.assert_array_equal(np.reshape(gx, (-1,) + point), [obj.grad(v) for v in flat])


@pytest.mark.parametrize("obj", TWO_D, ids=ids(TWO_D))
def test_xy_on_a_meshgrid(obj):
    X, Y = np.meshgrid(np.linspace(-2, 2, 5), np.linspace(-1, 1, 3))
    Z = obj.xy(X, Y)
    assert Z.shape == (3, 5)
    np.testing.assert_array_equal(Z, obj(np.stack([X, Y], axis=-1)))
    # x and y broadcast against each other
    np.testing.assert_array_equal(obj.xy(X[:1], Y[:, :1]), Z)


def test_inputs_are_not_modified_and_ints_work():
    x = np.array([1, 2, 3])
    np.testing.assert_array_equal(cu.quadratic(x), [4.0, 10.0, 22.0])
    np.testing.assert_array_equal(x, [1, 2, 3])
    assert cu.peaks([0, 0]) == cu.peaks([0.0, 0.0])


def raw_gradient(obj, x):
    """The raw formula ``df`` stacked like ``grad``: no input checks, NaN passes through."""
    return obj.df(x) if obj.ndim == 1 else np.stack(np.broadcast_arrays(*obj.df(x[..., 0], x[..., 1])), axis=-1)


@pytest.mark.parametrize("obj", ALL, ids=ids(ALL))
def test_raw_formulas_carry_nan_without_warnings(obj):
    x = np.array([np.nan, 1.0]) if obj.ndim == 1 else np.array([[np.nan, 0.0], [0.5, 0.5]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = raw_gradient(obj, x)
        f = obj.f(x) if obj.ndim == 1 else obj.f(x[..., 0], x[..., 1])
    assert g.shape == x.shape and np.shape(f) == x.shape[:1]
    assert np.isnan(g[0]).any() and np.all(np.isfinite(g[1]))
    assert np.isnan(f[0]) and np.isfinite(f[1])
    assert not hasattr(obj, "raw_grad")  # one name per idea: grad validates, df is the raw formula


# --- known answers --------------------------------------------------------------------------

def test_quadratic_minimum():
    assert cu.quadratic.minima == (0.5,)
    assert cu.quadratic.grad(0.5) == 0.0
    assert cu.quadratic(0.5) == 3.25
    assert hessian(cu.quadratic, 0.5) == pytest.approx(6.0)


def test_sextic_minima():
    lo, mid, hi = cu.sextic.minima
    assert mid == 0.0
    assert round(hi, 4) == 1.6937 and lo == -hi
    for x in cu.sextic.minima:
        assert abs(cu.sextic.grad(x)) < 1e-12
        assert hessian(cu.sextic, x) > 0
        assert newton(cu.sextic, x) == pytest.approx(x, abs=1e-12)
    assert round(cu.sextic(hi), 4) == -6.0646 and cu.sextic(lo) == cu.sextic(hi)
    assert cu.sextic(0.0) == 0.0
    # global: nothing on a fine grid goes lower
    grid = np.linspace(-2.5, 2.5, 20001)
    assert cu.sextic(grid).min() >= cu.sextic(hi) - 1e-12
    for x in cu.sextic.maxima:
        assert abs(cu.sextic.grad(x)) < 1e-12 and hessian(cu.sextic, x) < 0


def test_cos_bowl_minima_and_local_maximum_at_zero():
    lo, hi = cu.cos_bowl.global_minima
    assert round(hi, 4) == 0.4758 and lo == -hi
    for x in cu.cos_bowl.minima:
        assert abs(cu.cos_bowl.grad(x)) < 1e-12 and hessian(cu.cos_bowl, x) > 0
        assert newton(cu.cos_bowl, x) == pytest.approx(x, abs=1e-12)
    for x in cu.cos_bowl.maxima:
        assert abs(cu.cos_bowl.grad(x)) < 1e-12 and hessian(cu.cos_bowl, x) < 0
    assert 0.0 in cu.cos_bowl.maxima
    assert cu.cos_bowl.grad(0.0) == 0.0
    assert hessian(cu.cos_bowl, 0.0) == pytest.approx(2 - 4 * np.pi**2, rel=1e-6)
    grid = np.linspace(-2, 2, 20001)
    assert cu.cos_bowl(grid).min() >= cu.cos_bowl(hi) - 1e-12


PEAKS_KNOWN = [
    # (kind, location, value): the extrema a learner reads off the surface plot
    ("min", (0.2283, -1.6255), -6.5511),
    ("min", (-1.3474, 0.2045), -3.0498),
    ("max", (-0.0093, 1.5814), 8.1062),
    ("max", (-0.4600, -0.6292), 3.7766),
    ("max", (1.2857, -0.0048), 3.5925),
]


@pytest.mark.parametrize("kind, location, value", PEAKS_KNOWN)
def test_peaks_critical_points_refined_by_newton(kind, location, value):
    stored = cu.peaks.minima if kind == "min" else cu.peaks.maxima
    assert location in stored
    p = newton(cu.peaks, location)
    assert tuple(np.round(p, 4) + 0.0) == location
    assert round(cu.peaks(p), 4) == value
    assert np.linalg.norm(cu.peaks.grad(p)) < 1e-10
    eig = np.linalg.eigvalsh(hessian(cu.peaks, p))
    assert np.all(eig > 0) if kind == "min" else np.all(eig < 0)


@pytest.mark.parametrize("kind, location, value", PEAKS_KNOWN)
def test_peaks_critical_points_refined_by_descent(kind, location, value):
    # The course's own driver, started at the stored point, settles on the same point.
    r = cu.gradient_descent(cu.peaks, location, learning_rate=0.02, epochs=400,
                            ascent=(kind == "max"), tol=1e-12)
    assert r.stopped and not r.diverged
    assert tuple(np.round(r.final, 4) + 0.0) == location
    assert round(cu.peaks(r.final), 4) == value


def _newton_2d_batch(obj, x, steps=40):
    """Vectorized Newton on the gradient of a 2-D objective (2x2 solves written out; NaN where singular)."""
    with np.errstate(all="ignore"):
        for _ in range(steps):
            g = raw_gradient(obj, x)
            cols = [(raw_gradient(obj, x + e) - raw_gradient(obj, x - e)) / (2 * H) for e in np.eye(2) * H]
            (a, c), (b, d) = [(col[..., 0], col[..., 1]) for col in cols]
            det = a * d - b * c
            x = x - np.stack([(d * g[..., 0] - b * g[..., 1]) / det,
                              (a * g[..., 1] - c * g[..., 0]) / det], axis=-1)
    return x


def test_peaks_lists_every_minimum_and_maximum():
    # Newton from a grid of starts finds every critical point inside the domain; classify each by
    # its Hessian. The stored minima/maxima are exactly the ones found (none missing, none extra).
    g = np.linspace(-3, 3, 41)
    X, Y = np.meshgrid(g, g)
    x = _newton_2d_batch(cu.peaks, np.stack([X.ravel(), Y.ravel()], axis=-1))
    x = x[np.all(np.isfinite(x), axis=1) & np.all(np.abs(x) <= 3, axis=1)]
    x = x[np.linalg.norm(cu.peaks.grad(x), axis=1) < 1e-9]
    eig = np.linalg.eigvalsh(hessian(cu.peaks, x))
    found = {}
    for kind, mask in [("min", np.all(eig > 0, axis=1)), ("max", np.all(eig < 0, axis=1))]:
        found[kind] = {tuple(p) for p in (np.round(x[mask], 4) + 0.0).tolist()}
    assert found["min"] == set(cu.peaks.minima)
    assert found["max"] == set(cu.peaks.maxima)
    # the two deep minima are among them; the third stored one is shallow but real.
    assert {loc for kind, loc, _ in PEAKS_KNOWN if kind == "min"} <= found["min"]
    assert cu.peaks.minima[0] == (0.2283, -1.6255)  # the global minimum comes first
    assert cu.peaks.maxima[0] == (-0.0093, 1.5814)  # the global maximum comes first
    values = cu.peaks(np.array(cu.peaks.minima))
    assert values.argmin() == 0 and np.all(values < 0)


def test_peaks_global_extremes_on_a_grid():
    X, Y = np.meshgrid(np.linspace(-3, 3, 601), np.linspace(-3, 3, 601))
    Z = cu.peaks.xy(X, Y)
    i_min, i_max = np.unravel_index(Z.argmin(), Z.shape), np.unravel_index(Z.argmax(), Z.shape)
    assert tuple(np.round(newton(cu.peaks, [X[i_min], Y[i_min]]), 4)) == (0.2283, -1.6255)
    assert tuple(np.round(newton(cu.peaks, [X[i_max], Y[i_max]]), 4) + 0.0) == (-0.0093, 1.5814)
    assert Z.min() >= -6.5511 - 1e-4 and Z.max() <= 8.1062 + 1e-4


def test_saddle_is_a_saddle():
    assert cu.saddle.minima == () and cu.saddle.maxima == ()
    np.testing.assert_array_equal(cu.saddle.grad([0.0, 0.0]), [0.0, 0.0])
    np.testing.assert_allclose(hessian(cu.saddle, np.zeros(2)), [[2, 0], [0, -2]], atol=1e-6)


def test_vanishing_and_exploding_landscapes():
    # plateau: the gradient all but vanishes far from the minimum.
    assert cu.plateau.minima == (0.0,)
    assert abs(cu.plateau.grad(4.0)) < 1e-5 and abs(cu.plateau.grad(0.7)) > 0.5
    assert np.all(cu.plateau(np.linspace(-4, 4, 101)) < 1)
    # steep: the gradient grows as x^3.
    assert cu.steep.minima == (0.0,)
    assert cu.steep.grad(3.0) == 108.0 and cu.steep.grad(-3.0) == -108.0


# --- the Objective record -------------------------------------------------------------------

def test_registry_and_repr():
    assert set(cu.OBJECTIVES) == {"quadratic", "sextic", "cos_bowl", "peaks", "saddle", "plateau", "steep"}
    for name, obj in cu.OBJECTIVES.items():
        assert obj.name == name
        assert repr(obj) == f"Objective({name}: {obj.formula}, ndim={obj.ndim})"
        assert obj.ndim in (1, 2)
    assert repr(cu.quadratic) == "Objective(quadratic: 3x^2 - 3x + 4, ndim=1)"


@pytest.mark.parametrize("obj", ALL, ids=ids(ALL))
def test_domain_and_critical_points_are_consistent(obj):
    if obj.ndim == 1:
        lo, hi = obj.domain
        assert lo < hi
        for x in obj.minima + obj.maxima:
            assert lo <= x <= hi and abs(obj.grad(x)) < 1e-9
    else:
        (x0, x1), (y0, y1) = obj.domain
        assert x0 < x1 and y0 < y1
        for p in obj.minima + obj.maxima:
            assert x0 <= p[0] <= x1 and y0 <= p[1] <= y1
            assert np.linalg.norm(obj.grad(p)) < 1e-2  # stored rounded to 4 decimals


@pytest.mark.parametrize("kwargs, name", [
    (dict(ndim=3), "ndim"), (dict(ndim=0), "ndim"), (dict(ndim=2.0), "ndim"), (dict(ndim=True), "ndim"),
    (dict(f=1.0), "f"), (dict(df="6x - 3"), "df"),
])
def test_objective_checks_its_fields(kwargs, name):
    fields = dict(name="mine", formula="x^2", f=lambda x: x**2, df=lambda x: 2 * x)
    fields.update(kwargs)
    with pytest.raises(ValueError, match=rf"^{name} must be"):
        cu.Objective(**fields)


def test_a_new_objective_works_with_the_driver():
    mine = cu.Objective("mine", "(x - 1)^2", lambda x: (x - 1) ** 2, lambda x: 2 * (x - 1), minima=(1.0,))
    r = cu.gradient_descent(mine, [-3.0, 4.0], learning_rate=0.25, epochs=60)
    np.testing.assert_allclose(r.final, 1.0, atol=1e-12)
    assert repr(mine) == "Objective(mine: (x - 1)^2, ndim=1)"


def test_objective_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        cu.quadratic.name = "other"


# --- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("obj", ALL, ids=ids(ALL))
@pytest.mark.parametrize("method", ["__call__", "grad"])
def test_non_finite_or_non_numeric_x_is_rejected(obj, method):
    call = getattr(obj, method)
    bad = [np.nan, [0.0, np.inf]] if obj.ndim == 1 else [[np.nan, 0.0], [[0.0, 1.0], [np.inf, 0.0]]]
    for x in bad:
        with pytest.raises(ValueError, match=r"^x must be finite"):
            call(x)
    with pytest.raises(ValueError, match=r"^x must be numeric"):
        call("one")


@pytest.mark.parametrize("obj", TWO_D, ids=ids(TWO_D))
@pytest.mark.parametrize("x", [1.0, [1.0, 2.0, 3.0], np.zeros((4, 3)), np.zeros((2, 1))])
def test_2d_objective_rejects_wrong_shape(obj, x):
    for call in (obj, obj.grad):
        with pytest.raises(ValueError, match=r"^x must have shape \(\.\.\., 2\)"):
            call(x)


def test_xy_needs_a_2d_objective():
    with pytest.raises(ValueError, match="2-D objective"):
        cu.quadratic.xy(0.0, 0.0)
    with pytest.raises(ValueError, match=r"^x must be finite"):
        cu.peaks.xy(np.nan, 0.0)


def test_1d_critical_point_lists_are_complete_on_the_domain():
    # Every sign change of f' on a fine grid of the domain is a listed minimum or maximum.
    for obj in ONE_D:
        x = np.linspace(*obj.domain, 200_000)  # an even count keeps 0 off the grid
        g = obj.grad(x)
        crossings = x[:-1][np.sign(g[:-1]) != np.sign(g[1:])]
        listed = np.sort(np.array(obj.minima + obj.maxima, dtype=float))
        assert crossings.size == listed.size, obj.name
        assert np.allclose(np.sort(crossings), listed, atol=1e-4), obj.name


def test_global_minima_pick_the_lowest():
    assert cu.sextic.global_minima == (cu.sextic.minima[0], cu.sextic.minima[2])
    assert len(cu.cos_bowl.global_minima) == 2
    assert cu.peaks.global_minima == (cu.peaks.minima[0],)
    assert cu.saddle.global_minima == ()


@pytest.mark.parametrize("obj", [o for o in ALL if o.fdf is not None], ids=lambda o: o.name)
def test_fused_value_and_gradient_equal_the_separate_formulas_bit_for_bit(obj):
    x = random_points(obj, np.random.default_rng(4), (300,))
    parts = (x,) if obj.ndim == 1 else (x[..., 0], x[..., 1])
    f, d = obj.fdf(*parts)
    assert np.array_equal(f, obj.f(*parts))
    separate = obj.df(*parts)
    assert all(np.array_equal(a, b) for a, b in zip(np.atleast_1d(d), np.atleast_1d(separate)))


def test_fdf_must_be_callable():
    with pytest.raises(ValueError, match=r"^fdf\b"):
        cu.Objective("mine", "x^2", lambda x: x * x, lambda x: 2 * x, fdf="both")
