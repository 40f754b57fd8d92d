"""course_utils: the shared helpers of the course *Gradient descent and neural networks from scratch*.

Notebooks write each idea out once, then call the vectorized version from here::

    import course_utils as cu
    result = cu.gradient_descent(cu.quadratic, start=2.0, learning_rate=0.1, epochs=50)

Importing this package has no side effects: it does not change matplotlib's settings and
does not import ipywidgets. The interactive explorers live in ``course_utils.widgets``,
loaded on first use (``cu.widgets``).
"""
from importlib import import_module as _import_module

from .analysis import *  # noqa: F401,F403
from .checks import *  # noqa: F401,F403
from .descent import *  # noqa: F401,F403
from .environment import *  # noqa: F401,F403
from .explorers import *  # noqa: F401,F403
from .functions import *  # noqa: F401,F403
from .plotting import *  # noqa: F401,F403
from .schedules import *  # noqa: F401,F403
from .style import style_context, use_style  # noqa: F401
from .timing import *  # noqa: F401,F403
from . import nn  # noqa: F401,E402

__version__ = "0.1.0"

_LAZY = {"widgets"}


def __getattr__(name):
    # ipywidgets is heavy and only needed in the Explore sections: import it on first use.
    if name in _LAZY:
        return _import_module(f".{name}", __name__)
    raise AttributeError(f"module 'course_utils' has no attribute {name!r}")
