"""course_utils: the shared helpers of the course *Gradient descent and neural networks from scratch*.

Notebooks write each idea out once, then call the vectorized version from here::

    import course_utils as cu
    result = cu.gradient_descent(cu.quadratic, start=2.0, learning_rate=0.1, epochs=50)

Importing this package has no side effects: it does not change matplotlib's settings and
imports neither pyplot nor ipywidgets. The drawing modules load when a lesson first uses one
of their names (``cu.plot_function``); the interactive explorers live in ``cu.widgets``, and
the networks in ``cu.nn``.
"""
from ._surface import attach as _attach

__version__ = "0.1.0"

# Every public name, by the module that defines it (the module's __all__: tests/test_surface.py
# checks that the two agree). A new public name is one more entry here.
_SURFACE = {
    "analysis": ("Extremum", "basin_map", "locate_extrema", "nearest_label", "restart_success",
                 "restart_success_theory", "unique_points"),
    "checks": ("below", "check_close", "check_true"),
    "descent": ("DescentResult", "MEMORY_BUDGET", "gradient_descent"),
    "divergence": ("BOUND", "DivergenceRule", "MARGIN", "PATIENCE", "RunTracker", "divergence_report"),
    "functions": ("OBJECTIVES", "Objective", "cos_bowl", "peaks", "plateau", "quadratic", "saddle", "sextic",
                  "steep"),
    "optimizers": ("OPTIMIZERS", "Optimizer", "adam", "momentum", "rmsprop"),
    "schedules": ("SCHEDULES", "Schedule", "fixed", "gradient_based", "time_based"),
    "timing": ("Timer", "format_seconds"),
    # Imported on first use: drawing code (matplotlib) and notebook 00's check (importlib.metadata).
    "environment": ("MINIMUM_VERSIONS", "environment_report"),
    "explorers": ("ClassifierRun", "Exploration", "compute_classifier", "compute_descent_1d",
                  "compute_gradient_problems", "compute_peaks", "compute_schedule", "draw_classifier",
                  "draw_descent_1d", "draw_gradient_problems", "draw_peaks", "draw_schedule", "figure_png"),
    "explorers_optim": ("BATCH_SIZES", "compute_minibatch", "compute_momentum", "draw_minibatch", "draw_momentum",
                        "elongated_bowl", "minibatch_data", "mse_bowl"),
    "plotting": ("plot_basins", "plot_contour", "plot_descent_1d", "plot_function", "plot_heatmap",
                 "plot_history", "plot_surface", "plot_trajectories_2d"),
    "style": ("CLASS_COLORS", "CLASS_MARKERS", "MARKER", "MAXIMA", "MINIMA", "PALETTE", "ROLE", "style_context",
              "style_params", "use_style"),
}
_LAZY = ("environment", "explorers", "explorers_optim", "plotting", "style")

__all__, __getattr__, __dir__ = _attach(globals(), _SURFACE, lazy=_LAZY, submodules=("nn", "widgets"))
