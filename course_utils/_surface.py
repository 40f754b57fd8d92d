"""How a package of the course names its public surface: one table, some modules loaded late.

``course_utils`` and ``course_utils.nn`` each list, in their ``__init__``, which names every
module gives the package. Modules that draw (they import matplotlib's pyplot or ipywidgets) are
imported on first use of one of their names, so ``import course_utils`` stays light.
"""
from __future__ import annotations

from importlib import import_module


def attach(namespace, surface, *, lazy=(), submodules=()):
    """Fill a package's namespace from ``surface`` and return its ``__all__``, ``__getattr__``, ``__dir__``.

    Parameters
    ----------
    namespace : dict
        The package's ``globals()``.
    surface : dict of str -> tuple of str
        ``{module: names}``: the public names each module gives the package (its ``__all__``).
    lazy : collection of str
        Modules of ``surface`` imported only when one of their names is first used.
    submodules : collection of str
        Modules reached as a namespace (``cu.nn``, ``cu.widgets``), imported on first use;
        listed by ``dir()``, not in ``__all__`` (a star-import should not load ipywidgets).
    """
    package = namespace["__name__"]
    owner = {}
    for module, names in surface.items():
        for name in names:
            if name in owner:
                raise ImportError(f"{package}: {name!r} is given by both {owner[name]} and {module}")
            owner[name] = module
    for module, names in surface.items():
        if module not in lazy:
            loaded = import_module(f".{module}", package)
            namespace.update((name, getattr(loaded, name)) for name in names)

    def __getattr__(name):
        if name in submodules or name in surface:  # cu.style.PALETTE works before cu.style is imported
            return import_module(f".{name}", package)
        if name not in owner:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f".{owner[name]}", package), name)
        namespace[name] = value  # later look-ups skip __getattr__
        return value

    def __dir__():
        return sorted({*owner, *submodules})

    return sorted(owner), __getattr__, __dir__
