"""Neural networks from scratch in numpy: activations, losses, a unit, networks, data.

Use it as ``cu.nn``::

    import course_utils as cu
    net = cu.nn.Network([2, 8, 1], activations=["tanh", "sigmoid"], rng=0)
"""
from .._surface import attach as _attach

# Every public name, by the module that defines it (the module's __all__: tests/test_surface.py
# checks that the two agree). A new public name is one more entry here.
_SURFACE = {
    "activations": ("ACTIVATIONS", "Activation", "Softmax", "get_activation", "identity", "relu", "sigmoid",
                    "sign", "softmax", "step", "tanh"),
    "data": ("EXAM_FEATURES", "EXAM_PASS_MARK", "ExamData", "exam_data", "linear_1d", "linear_3d", "moons",
             "two_clusters", "xor"),
    "gradcheck": ("check_gradient", "numerical_gradient", "relative_error"),
    "iris": ("IRIS_CLASSES", "IRIS_FEATURES", "Iris", "load_iris"),
    "losses": ("EPS", "LOSSES", "Loss", "bce_with_logits", "binarised_errors", "binary_cross_entropy",
               "categorical_cross_entropy", "cce_with_logits", "cost", "cost_grad", "cross_entropy", "errors",
               "get_loss", "mse", "one_hot"),
    "network": ("History", "INITS", "Network"),
    "split": ("TrainTest", "TrainValTest", "train_test_split", "train_val_test_split"),
    "unit": ("add_bias_column", "unit_forward", "unit_linear"),
}

__all__, __getattr__, __dir__ = _attach(globals(), _SURFACE)
