"""The benchmark's two sides still compute the same numbers (small sizes; no timing thresholds)."""
import pathlib

import numpy as np
import pytest

import course_utils as cu
from benchmarks import bench

_REAL_CPU_BUSY = bench._cpu_busy


def test_bench_lives_outside_the_package():
    assert not (bench.ROOT / "course_utils" / "bench.py").exists()
    init = (bench.ROOT / "course_utils" / "__init__.py").read_text()
    assert "bench" not in init
    assert bench.RESULTS.parent == pathlib.Path(bench.__file__).resolve().parent


def test_assert_same_accepts_equal_and_rejects_different():
    assert bench.assert_same("x", [1.0, np.nan, 2.0], [1.0, np.nan, 2.0]) == 0.0
    assert bench.assert_same("x", [1.0 + 1e-15], [1.0]) < 1e-12
    with pytest.raises(AssertionError, match="differ by"):
        bench.assert_same("x", [1.0 + 1e-9], [1.0])
    with pytest.raises(AssertionError, match="NaN"):
        bench.assert_same("x", [np.nan, 1.0], [1.0, 1.0])
    with pytest.raises(AssertionError, match="shapes"):
        bench.assert_same("x", [1.0], [1.0, 1.0])
    # per_array: relative to the largest entry, for sums accumulated in another order
    assert bench.assert_same("g", [1.0, 1e-14], [1.0, 2e-14], per_array=True) <= 1e-12


def test_grid_sides_agree_including_diverged_runs():
    rates = np.logspace(-10, -1, 6)
    epochs = np.array([5, 40, 120])
    fast = bench.grid_vectorized(bench.GRID_OBJECTIVE, bench.GRID_START, rates, epochs)
    slow = bench.grid_loop(bench.GRID_OBJECTIVE, bench.GRID_START, rates, epochs)
    assert fast.shape == (3, 6)
    assert np.isnan(fast).any() and np.isfinite(fast).any()  # the grid reaches divergence
    bench.assert_same("grid", fast, slow)


def test_grid_setup_matches_the_issue():
    assert bench.GRID_LEARNING_RATES.size == 50 and bench.GRID_EPOCHS.size == 40
    assert bench.GRID_LEARNING_RATES[0] == pytest.approx(1e-10) and bench.GRID_LEARNING_RATES[-1] == pytest.approx(0.1)
    assert bench.GRID_EPOCHS[0] == 10 and bench.GRID_EPOCHS[-1] == 500
    assert len(bench.GRID_OBJECTIVE.minima) >= 2


def test_grid_source_loop_and_limit_agree_bit_for_bit():
    rates, epochs = bench.GRID_LEARNING_RATES[::7], bench.GRID_EPOCHS[::9]
    fast = bench.grid_vectorized(bench.GRID_OBJECTIVE, bench.GRID_START, rates, epochs)
    assert np.isnan(fast).any() and np.isfinite(fast).any()
    source = bench.grid_source_loop(bench.GRID_OBJECTIVE, bench.GRID_START, rates, epochs)
    limit = bench.grid_limit(bench.GRID_START, rates, epochs)
    assert np.array_equal(fast, source, equal_nan=True) and np.array_equal(fast, limit, equal_nan=True)
    for block in (1, 5, 500):  # the limit judges blocks of epochs: any length gives the same grid
        assert np.array_equal(fast, bench.grid_limit(bench.GRID_START, rates, epochs, block=block), equal_nan=True)


def test_optimizer_grid_equals_one_call_per_pair():
    rates, betas = bench.OPTIMIZER_RATES[::4], bench.OPTIMIZER_BETAS[::4]
    grid = bench.optimizer_grid(rates, betas, epochs=40)
    assert grid.shape == (rates.size, betas.size, 2)
    assert np.array_equal(grid, bench.optimizer_runs(rates, betas, epochs=40), equal_nan=True)


def test_descent_scaling_fills_the_shared_curves():
    sizes, times, peaks = bench.descent_scaling((10, 100), epochs=2, repeat=1)
    assert sizes.tolist() == [10, 100] and np.all(times > 0) and peaks[1] > peaks[0] > 0
    assert "descent driver on peaks (per epoch)" in bench.SCALING


def test_basin_sides_agree():
    starts = bench.basin_starts(4)
    final, labels = bench.basin_vectorized(starts, epochs=60)
    assert final.shape == (4, 4, 2) and labels.shape == (4, 4)
    slow = bench.basin_loop(starts.reshape(-1, 2), epochs=60)
    bench.assert_same("basins", final.reshape(-1, 2), slow)
    assert bench.basin_starts().shape == (100, 100, 2)


@pytest.mark.parametrize("case", bench.NETWORKS, ids=lambda c: c.name)
def test_network_gradients_agree_with_the_per_sample_loop(case):
    net, X, y = bench.make_network(case, n=12)
    _, fast = net.gradients(X, y, loss=case.loss)
    slow = bench.per_sample_gradients(net, X, y, case.loss)
    assert len(fast) == len(slow) == len(case.layer_sizes) - 1
    for (dW, db), (sW, sb) in zip(fast, slow):
        bench.assert_same("dW", dW, sW, per_array=True)
        bench.assert_same("db", db, sb, per_array=True)


def test_per_sample_loop_can_disagree():
    # The comparison is not vacuous: a changed weight changes the per-sample gradient.
    net, X, y = bench.make_network(bench.NETWORKS[-1], n=12)
    _, fast = net.gradients(X, y, loss=bench.NETWORKS[-1].loss)
    net.weights[0][0, 0] += 0.1
    slow = bench.per_sample_gradients(net, X, y, bench.NETWORKS[-1].loss)
    with pytest.raises(AssertionError):
        bench.assert_same("dW", fast[0][0], slow[0][0], per_array=True)


def test_every_explorer_takes_a_learning_rate():
    pairs = bench.explorer_pairs()
    assert pairs, "course_utils.explorers offers compute_*/draw_* pairs"
    # Notebooks 16-17's explorers live in explorers_optim: they are measured too.
    assert {"descent_1d", "peaks", "schedule", "gradient_problems", "classifier",
            "minibatch", "momentum"} <= set(pairs)
    for kind, (compute, _draw) in pairs.items():
        rates = bench.slider_learning_rates(compute, n=5)
        assert len(rates) == 5 and all(r > 0 for r in rates), kind


def test_parsers():
    text = ("0.80s setup    notebooks/01_a.ipynb::Cell 0\n"
            "1.20s call     notebooks/01_a.ipynb::Cell 3\n"
            "0.10s call     tests/test_x.py::test_y\n")
    assert bench.parse_durations(text) == pytest.approx({"notebooks/01_a.ipynb": 2.0, "tests/test_x.py": 0.1})
    trace = ("import time: self [us] | cumulative | imported package\n"
             "import time:       800 |      96746 |     numpy\n"
             "import time:      2770 |     285760 |   course_utils.plotting\n"
             "import time:      1176 |     395628 | course_utils\n")
    entries = bench.parse_importtime(trace)
    assert entries == [(2, "numpy", 0.096746), (1, "course_utils.plotting", 0.28576), (0, "course_utils", 0.395628)]


@pytest.fixture(autouse=True)
def _no_cpu_sampling(monkeypatch):
    monkeypatch.setattr(bench, "_cpu_busy", lambda: None)  # it sleeps to sample /proc/stat


def test_cpu_busy_is_a_percentage_or_unknown():
    busy = _REAL_CPU_BUSY(0.05)
    assert busy is None or 0 <= busy <= 100


def test_table_and_results_file(tmp_path):
    rows = [bench.Row("1. a", "1 ms", "<= 2 ms", True, missed="never shown: met"),
            bench.Row("2. b", "3x", ">= 200x", False, "why", missed="**B.** 3x because of 7 ms."),
            bench.Row("2. c", "5", note="context", summary=False),
            bench.Row("3. d", "9 s", "<= 1 s", False)]
    table = bench.format_table(rows)
    assert table.splitlines()[0] == "| Section | Measured | Target | Met? |"
    assert "| 2. b | 3x | >= 200x | **no** |" in table and "2. c" not in table
    details = bench.format_table(rows, details=True)
    assert details.splitlines()[0] == "| Section | Measured | Target | Met? | Notes |"
    assert "| 2. c | 5 |  |  | context |" in details
    text = bench.results_markdown(rows, bench.machine(), "python -m benchmarks.bench")
    missed = text.split("## Targets missed", 1)[1].split("## Details", 1)[0]
    assert missed.split("\n\n")[1:3] == ["**B.** 3x because of 7 ms.", "**3. d.** Measured 9 s, target <= 1 s."]
    assert "never shown" not in text
    assert "**Machine:**" in text and "## Details" in text


def test_readme_table_is_written_between_its_markers():
    rows = [bench.Row("1. a", "1 ms", "<= 2 ms", True), bench.Row("2. b", "3x", ">= 200x", False)]
    block = bench.readme_block(rows, bench.machine())
    assert block.startswith(bench.README_START) and block.endswith(bench.README_END)
    assert bench.format_table(rows) in block and "1 target(s) missed" in block
    text = f"# Course\n\n## Performance\n{bench.README_START}\nold table\n{bench.README_END}\n\n## Next\n"
    new = bench.update_readme(text, block)
    assert "old table" not in new and block in new
    assert new.startswith("# Course\n\n## Performance\n") and new.endswith("\n\n## Next\n")
    assert bench.update_readme(new, block) == new  # rewriting is stable
    with pytest.raises(ValueError, match="markers"):
        bench.update_readme("# no markers here\n", block)


def test_main_runs_a_quick_section(tmp_path, capsys):
    out = tmp_path / "RESULTS.md"
    rows = bench.main(["--quick", "--sections", "grid", "--write", str(out)])
    assert all(r.section.startswith("1. Experiment 3 grid") for r in rows)
    summary = [r.section for r in rows if r.summary]  # both ratios (numpy scalars, plain floats) and the limit
    assert len(summary) == 3 and "source course" in summary[0] and "limit" in summary[2]
    assert "| Section | Measured |" in capsys.readouterr().out
    assert out.read_text().startswith("# Benchmark results")


def test_section_selection(monkeypatch):
    ran = []
    monkeypatch.setattr(bench, "run", lambda sections, **kw: ran.append(list(sections)) or [])
    monkeypatch.setattr(bench, "machine", lambda: {"cpu": "x", "cores": 2, "os": "y", "python": "3", "numpy": "2",
                                                   "matplotlib": "3", "course_utils": "0", "busy": 0.0})
    bench.main([])
    bench.main(["--quick"])
    bench.main(["--no-notebooks"])
    bench.main(["--quick", "--notebooks"])
    bench.main(["--sections", "grid", "imports"])
    bench.main(["--sections", "grid", "--notebooks"])
    assert ran == [list(bench.SECTIONS), [s for s in bench.SECTIONS if s != "notebooks"],
                   [s for s in bench.SECTIONS if s != "notebooks"], list(bench.SECTIONS),
                   ["grid", "imports"], ["grid", "notebooks"]]


def test_grid_explanation_is_written_from_the_figures():
    epochs, steps = int(bench.GRID_EPOCHS.max()), int(bench.GRID_EPOCHS.sum()) * bench.GRID_LEARNING_RATES.size
    text = bench._grid_missed(t_vec=0.005, t_loop=0.070, t_limit=0.004, epochs=epochs, steps=steps, quick=True)
    # 0.070 s / 510,000 steps = 137 ns per step; 0.005 s / 500 epochs = 10 µs per epoch = 73 steps
    assert "137 ns" in text and f"{steps:,} scalar steps" in text
    assert f"{steps / epochs:,.0f} / 73 = 14x" in text  # the measured ratio, 0.070 / 0.005
    other = bench._grid_missed(t_vec=0.010, t_loop=0.070, t_limit=0.004, epochs=epochs, steps=steps, quick=True)
    assert f"{steps / epochs:,.0f} / 146 = 7x" in other
    # 200x needs an epoch in 0.070 / 510,000 * 1,020 / 200 = 0.7 µs: the 8 µs limit pass misses it too
    assert "Even the hand-tuned numpy pass takes 8.0 µs per epoch" in other
    # a fast enough limit (0.3 µs per epoch) says the driver's own overhead is the gap
    near = bench._grid_missed(t_vec=0.010, t_loop=0.070, t_limit=0.00015, epochs=epochs, steps=steps, quick=True)
    assert "would meet it: the gap is the driver's own overhead" in near


def test_history_bytes_is_what_a_full_record_holds():
    run = cu.gradient_descent(cu.peaks, np.zeros((7, 2)) + 0.3, learning_rate=0.01, epochs=10)
    assert bench._history_bytes(7, 10) == run.path.nbytes + run.grads.nbytes + run.learning_rates.nbytes


# The PyTorch comparison: PyTorch is never a dependency, so these skip when it is absent.

def test_pytorch_trains_what_the_course_trains():
    torch = pytest.importorskip("torch")
    for dtype in ("float64", "float32"):
        net, X, y = bench.dtype_network(dtype, n=60)
        trained, history = bench.dtype_fit(net, X, y, epochs=4)
        costs, theta = bench.torch_fit(torch, net, X, y, epochs=4)
        assert costs.shape == history.cost.shape == (4,) and costs[-1] < costs[0]
        bench.assert_same("costs", costs, history.cost, rtol=bench.TORCH_RTOL[dtype])
        bench.assert_same("theta", theta, trained.parameter_vector(), rtol=bench.TORCH_RTOL[dtype], per_array=True)
        # The check is not vacuous: another start gives parameters far outside the tolerance.
        other = net.copy()
        other.weights[1][0, 0] += 0.01
        _, moved = bench.torch_fit(torch, other, X, y, epochs=4)
        with pytest.raises(AssertionError, match="differ by"):
            bench.assert_same("theta", moved, trained.parameter_vector(), rtol=bench.TORCH_RTOL[dtype],
                              per_array=True)


def test_torch_fit_refuses_a_network_it_does_not_write_out():
    torch = pytest.importorskip("torch")
    net = cu.nn.Network([2, 4, 1], activations=["relu", "sigmoid"], rng=0)
    with pytest.raises(ValueError, match="tanh hidden layers"):
        bench.torch_fit(torch, net, np.zeros((3, 2)), np.zeros(3), epochs=1)


def test_pytorch_rows_are_checked_and_timed(monkeypatch):
    pytest.importorskip("torch")
    real = bench.compare_dtypes
    monkeypatch.setattr(bench, "compare_dtypes", lambda **kw: real(**{**kw, "n": 200}))
    monkeypatch.setattr(bench, "compare_dtypes_single_thread", lambda **kw: real(**{**kw, "n": 200}))
    rows = bench.bench_dtype(quick=True)
    targets = [r for r in rows if r.target]
    assert [r.section.rsplit(", ", 1)[1] for r in targets] == ["default threads", "one thread each"]
    assert all(r.met in (True, False) and "PyTorch" in r.measured for r in targets)
    assert "matched the course's" in targets[0].note


def test_without_pytorch_its_column_is_skipped(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "torch", None)  # `import torch` raises ImportError
    result = bench.compare_dtypes(n=100, epochs=2, repeat=1)
    assert result["torch"] is None and set(result["rates"]) == {"course float64", "course float32"}
    real = bench.compare_dtypes
    monkeypatch.setattr(bench, "compare_dtypes", lambda **kw: real(**{**kw, "n": 100}))
    rows = bench.bench_dtype(quick=True)
    assert rows[-1].measured == "skipped" and not any(r.target for r in rows)


def test_best_times_interleaves_the_calls():
    calls = []
    best = bench.best_times({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, repeat=3)
    assert calls == ["a", "b"] * 3 and set(best) == {"a", "b"} and all(t >= 0 for t in best.values())


def test_readme_shows_the_table_of_the_committed_results():
    """The README's Performance table is the summary table of benchmarks/RESULTS.md: one run wrote both."""
    readme = bench.README.read_text()
    block = readme[readme.index(bench.README_START):readme.index(bench.README_END)]
    results = bench.RESULTS.read_text()
    table = results.split("\n\n")[4]  # title, "Measured on", machine, the ratio sentence, the summary table
    assert table.startswith("| Section | Measured | Target | Met? |\n") and table in block
    measured_on = results.split("\n\n")[1]
    assert measured_on.split(" with ")[0].removeprefix("Measured on ") in block  # the same date
