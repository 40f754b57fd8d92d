"""The package's public surface: one table per package, equal to its modules' __all__, and a
light `import course_utils` (no pyplot, no ipywidgets)."""
from __future__ import annotations

import importlib
import json
import pathlib
import subprocess
import sys

import pytest

import course_utils as cu
from course_utils import _surface

ROOT = pathlib.Path(__file__).resolve().parents[1]
# Modules reached as a namespace (cu.nn.X, cu.widgets.X), not flattened into the package.
NAMESPACES = {"course_utils": {"nn", "widgets"}, "course_utils.nn": set()}


def _modules(package):
    """Public modules of a package folder (no leading underscore), by file."""
    folder = ROOT / package.replace(".", "/")
    names = {p.stem for p in folder.glob("*.py") if not p.stem.startswith("_")}
    names |= {p.parent.name for p in folder.glob("*/__init__.py")}
    return names


@pytest.mark.parametrize("package", sorted(NAMESPACES))
def test_every_public_module_is_in_the_surface_table(package):
    pkg = importlib.import_module(package)
    listed = set(pkg._SURFACE) | NAMESPACES[package]
    assert _modules(package) == listed, (
        f"{package}/__init__.py's _SURFACE must name every public module (missing: "
        f"{sorted(_modules(package) - listed)}; no such module: {sorted(listed - _modules(package))})")


@pytest.mark.parametrize("package, module", [(p, m) for p in sorted(NAMESPACES)
                                             for m in importlib.import_module(p)._SURFACE])
def test_surface_table_equals_the_modules_all(package, module):
    names = importlib.import_module(package)._SURFACE[module]
    defined = importlib.import_module(f"{package}.{module}").__all__
    assert sorted(names) == sorted(defined), (
        f"{package}._SURFACE[{module!r}] and {package}.{module}.__all__ disagree: only in the table "
        f"{sorted(set(names) - set(defined))}, only in __all__ {sorted(set(defined) - set(names))}")


@pytest.mark.parametrize("package", sorted(NAMESPACES))
def test_every_public_name_resolves_to_its_module_object(package):
    pkg = importlib.import_module(package)
    for module, names in pkg._SURFACE.items():
        defined = importlib.import_module(f"{package}.{module}")
        for name in names:
            assert getattr(pkg, name) is getattr(defined, name), f"{package}.{name}"
    assert sorted(pkg.__all__) == sorted(n for names in pkg._SURFACE.values() for n in names)


def test_dir_lists_the_surface_and_the_namespaces():
    assert {"widgets", "nn", "gradient_descent", "plot_function"} <= set(dir(cu))
    assert "widgets" not in cu.__all__  # a star-import must not load ipywidgets
    assert not [n for n in dir(cu) if n.startswith("_")]
    assert set(dir(cu.nn)) == set(cu.nn.__all__)


def test_unknown_names_raise_attribute_error():
    with pytest.raises(AttributeError, match="'course_utils' has no attribute 'gradient_decent'"):
        cu.gradient_decent  # noqa: B018
    with pytest.raises(AttributeError, match="'course_utils.nn' has no attribute 'Netwrok'"):
        cu.nn.Netwrok  # noqa: B018


def test_a_name_given_by_two_modules_is_refused():
    namespace = {"__name__": "course_utils"}
    with pytest.raises(ImportError, match="'quadratic' is given by both functions and descent"):
        _surface.attach(namespace, {"functions": ("quadratic",), "descent": ("quadratic",)})


def test_lazy_modules_load_on_first_use():
    namespace = {"__name__": "course_utils"}
    all_, getattr_, dir_ = _surface.attach(namespace, {"timing": ("Timer",), "checks": ("below",)},
                                           lazy=("checks",), submodules=("nn",))
    assert "Timer" in namespace and "below" not in namespace
    assert getattr_("below") is importlib.import_module("course_utils.checks").below
    assert "below" in namespace  # cached after the first look-up
    assert all_ == ["Timer", "below"] and dir_() == ["Timer", "below", "nn"]


_PROBE = """
import json, sys
import course_utils as cu
before = {m: m in sys.modules for m in ("matplotlib.pyplot", "ipywidgets", "matplotlib")}
cu.plot_function
after_plot = "matplotlib.pyplot" in sys.modules
cu.widgets
print(json.dumps({"before": before, "after_plot": after_plot, "after_widgets": "ipywidgets" in sys.modules}))
"""


def test_import_loads_neither_pyplot_nor_ipywidgets_until_used():
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, cwd=ROOT)
    seen = json.loads(done.stdout)
    assert seen["before"] == {"matplotlib.pyplot": False, "ipywidgets": False, "matplotlib": False}
    assert seen["after_plot"] and seen["after_widgets"]


def test_modules_are_reachable_by_name_before_their_first_import():
    code = "import course_utils as cu; print(cu.style.PALETTE is cu.PALETTE, cu.nn.losses.mse is cu.nn.mse)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.split() == ["True", "True"]
