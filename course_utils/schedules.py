"""Learning-rate schedules: each is a function of the step (and of the gradient where needed).

A schedule is called as ``schedule(step, grad_norm)`` and returns the learning rate for
that step, broadcastable against ``grad_norm`` (the magnitude of the gradient of every run).

>>> import course_utils as cu
>>> s = cu.time_based(0.1, decay_epochs=100)
>>> float(s(0, 1.0)), float(s(50, 1.0))
(0.1, 0.05)
"""
from __future__ import annotations

import numpy as np

from . import _validate

__all__ = ["Schedule", "fixed", "gradient_based", "time_based", "SCHEDULES"]


class Schedule:
    """Base class: a named, callable learning-rate rule with a readable ``repr``."""

    kind = "schedule"

    def __init__(self, learning_rate):
        self.learning_rate = _validate.positive_number("learning_rate", learning_rate)

    def __call__(self, step, grad_norm):  # pragma: no cover - overridden
        raise NotImplementedError

    def __repr__(self):
        extra = "".join(f", {k}={v!r}" for k, v in self._extra().items())
        return f"{self.kind}(learning_rate={self.learning_rate!r}{extra})"

    def _extra(self):
        return {}


class fixed(Schedule):
    """The same learning rate at every step."""

    kind = "fixed"

    def __call__(self, step, grad_norm):
        return np.full(np.shape(grad_norm), self.learning_rate)


class gradient_based(Schedule):
    r"""Learning rate scaled by the gradient's magnitude: :math:`\alpha_t = \alpha\,\lVert\nabla f\rVert`.

    Large gradients (far from a minimum) give large steps; near the minimum steps shrink.
    """

    kind = "gradient_based"

    def __call__(self, step, grad_norm):
        return self.learning_rate * np.abs(grad_norm)


class time_based(Schedule):
    r"""Linear decay over ``decay_epochs`` steps: :math:`\alpha_t = \alpha\,(1 - t/T)`."""

    kind = "time_based"

    def __init__(self, learning_rate, *, decay_epochs):
        super().__init__(learning_rate)
        self.decay_epochs = _validate.integer("decay_epochs", decay_epochs, minimum=1)

    def __call__(self, step, grad_norm):
        fraction = max(0.0, 1.0 - step / self.decay_epochs)
        return np.full(np.shape(grad_norm), self.learning_rate * fraction)

    def _extra(self):
        return {"decay_epochs": self.decay_epochs}


SCHEDULES = {"fixed": fixed, "gradient_based": gradient_based, "time_based": time_based}
