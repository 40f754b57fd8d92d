"""Neural networks from scratch in numpy: activations, losses, a unit, networks, data.

Use it as ``cu.nn``::

    import course_utils as cu
    net = cu.nn.Network([2, 8, 1], activations=["tanh", "sigmoid"], rng=0)
"""
from .activations import *  # noqa: F401,F403
from .data import *  # noqa: F401,F403
from .gradcheck import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .network import *  # noqa: F401,F403
from .unit import *  # noqa: F401,F403
