"""Learning-rate schedules: each is a function of the step (and of the gradient where needed).

``fixed(lr)``, ``gradient_based(lr)`` and ``time_based(lr, decay_epochs=T)`` each return a
:class:`Schedule`, which is called as ``schedule(step, grad_norm)`` and returns the learning
rate for that step, broadcastable against ``grad_norm`` (the gradient magnitude of every run).
Any function with that signature works as a schedule too.

>>> import course_utils as cu
>>> s = cu.time_based(0.1, decay_epochs=100)
>>> float(s(0, 1.0)), float(s(50, 1.0))
(0.1, 0.05)
>>> s
time_based(learning_rate=0.1, decay_epochs=100)
"""
from __future__ import annotations

import numpy as np

from . import _validate

__all__ = ["Schedule", "fixed", "gradient_based", "time_based", "SCHEDULES"]


class Schedule:
    """A named learning-rate rule: ``schedule(step, grad_norm) -> rates``, with a readable ``repr``.

    Made by :func:`fixed`, :func:`gradient_based` and :func:`time_based`.

    Attributes
    ----------
    kind : str
        The name of the rule (a key of :data:`SCHEDULES`).
    learning_rate : float
        The base learning rate.
    """

    def __init__(self, kind, rule, learning_rate, **params):
        self.kind = kind
        self.learning_rate = learning_rate
        self._rule = rule
        self._params = params
        for name, value in params.items():
            setattr(self, name, value)

    def __call__(self, step, grad_norm):
        """The rates at ``step`` (an int >= 0) for runs whose gradients have magnitude ``grad_norm``."""
        step = _validate.integer("step", step, minimum=0)
        grad_norm = _validate.as_float_array("grad_norm", grad_norm)  # NaN allowed: a diverged run's
        return self._rule(self, step, grad_norm)

    def __repr__(self):
        extra = "".join(f", {k}={v!r}" for k, v in self._params.items())
        return f"{self.kind}(learning_rate={self.learning_rate!r}{extra})"


def _fixed(s, step, grad_norm):
    return np.full(np.shape(grad_norm), s.learning_rate)


def _gradient_based(s, step, grad_norm):
    return s.learning_rate * np.abs(grad_norm)


def _time_based(s, step, grad_norm):
    fraction = max(0.0, 1.0 - step / s.decay_epochs)
    return np.full(np.shape(grad_norm), s.learning_rate * fraction)


def fixed(learning_rate):
    """The same learning rate at every step.

    Parameters
    ----------
    learning_rate : float
        The rate, > 0.
    """
    return Schedule("fixed", _fixed, _validate.positive_number("learning_rate", learning_rate))


def gradient_based(learning_rate):
    r"""Learning rate scaled by the gradient's magnitude: :math:`\alpha_t = \alpha\,\lVert\nabla f\rVert`.

    Large gradients (far from a minimum) give large steps; near the minimum steps shrink.

    Parameters
    ----------
    learning_rate : float
        The factor :math:`\alpha`, > 0.
    """
    return Schedule("gradient_based", _gradient_based, _validate.positive_number("learning_rate", learning_rate))


def time_based(learning_rate, *, decay_epochs):
    r"""Linear decay over ``decay_epochs`` steps: :math:`\alpha_t = \alpha\,\max(0, 1 - t/T)`.

    Parameters
    ----------
    learning_rate : float
        The rate at step 0, > 0.
    decay_epochs : int
        The step ``T`` at which the rate reaches 0 (and stays there), >= 1.
    """
    return Schedule("time_based", _time_based, _validate.positive_number("learning_rate", learning_rate),
                    decay_epochs=_validate.integer("decay_epochs", decay_epochs, minimum=1))


SCHEDULES = {"fixed": fixed, "gradient_based": gradient_based, "time_based": time_based}
