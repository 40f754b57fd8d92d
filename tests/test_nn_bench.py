"""The network sections of the benchmark: both sides compute the same numbers (small sizes, no timing)."""
import numpy as np
import pytest

from benchmarks import bench


def test_minibatch_fit_equals_the_written_out_loop():
    net, X, y = bench.minibatch_network(n=90)
    kwargs = dict(learning_rate=0.5, epochs=3, batch_size=16)
    trained = net.copy()
    trained.fit(X, y, loss="binary_cross_entropy", rng=2, **kwargs)
    loop = bench.minibatch_loop(net, X, y, rng=2, **kwargs)
    for got, want in zip([trained.weights[0], trained.biases[0], trained.weights[1], trained.biases[1]], loop):
        bench.assert_same("mini-batch", got, want, rtol=1e-10)
    other = bench.minibatch_loop(net, X, y, rng=3, **kwargs)  # another shuffle: another result
    assert not np.allclose(other[0], loop[0])


def test_dtype_networks_start_equal_and_differ_in_precision():
    net64, X, y = bench.dtype_network("float64", n=50)
    net32, _, _ = bench.dtype_network("float32", n=50)
    assert net32.weights[0].dtype == np.float32 and list(net64.layer_sizes) == list(bench.DTYPE_SIZES)
    np.testing.assert_array_equal(net32.parameter_vector(), net64.parameter_vector().astype(np.float32))


def test_loglog_slope_and_peak_memory():
    assert bench.loglog_slope([1e2, 1e3, 1e4], [1.0, 10.0, 100.0]) == pytest.approx(1.0)
    assert bench.loglog_slope([1e2, 1e3], [5.0, 5.0]) == pytest.approx(0.0, abs=1e-12)
    result, peak = bench.peak_memory(lambda: np.ones(2**20))  # 8 MiB of float64
    assert result.shape == (2**20,) and 8 * 2**20 <= peak < 9 * 2**20


def test_scaling_figure_is_written_for_given_curves(tmp_path):
    curves = {"demo": (np.array([1e2, 1e3, 1e4]), np.array([1e-3, 1e-2, 1e-1]), np.array([1e4, 1e5, 1e6]))}
    path = bench.write_scaling_figure(tmp_path / "scaling.png", curves)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert bench.write_scaling_figure(tmp_path / "none.png", {}) is None


def test_scaling_section_is_selectable():
    assert "scaling" in bench.SECTIONS


def test_measure_scaling_records_a_curve_and_its_row():
    bench.SCALING.pop("demo curve", None)
    sizes, times, peaks = bench.measure_scaling("demo curve", [1000, 10_000, 100_000],
                                                lambda n: (lambda: np.ones(n)), repeat=1)
    assert "demo curve" in bench.SCALING and times.shape == (3,) and np.all(times > 0)
    assert bench.loglog_slope(sizes, peaks) == pytest.approx(1.0, abs=0.05)  # n floats: linear memory
    row = bench.scaling_row("demo", sizes, times, peaks, unit="starts")
    assert row.measured.startswith("time slope")
    assert float(row.measured.rsplit("memory slope ", 1)[1]) == pytest.approx(1.0, abs=0.05)
    bench.SCALING.pop("demo curve")


def test_single_thread_seconds_runs_code_in_a_fresh_interpreter():
    seconds = bench.single_thread_seconds("import os\nassert os.environ['OPENBLAS_NUM_THREADS'] == '1'\n"
                                          "run = lambda: sum(range(1000))", repeat=2)
    assert seconds is not None and 0 < seconds < 1
    assert bench.single_thread_seconds("run = None", repeat=1) is None  # a failing call is reported as None
