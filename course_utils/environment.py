"""Is this machine ready for the course? A version report for notebook 00."""
from __future__ import annotations

import platform
import re
from importlib import metadata

__all__ = ["MINIMUM_VERSIONS", "environment_report"]

# The lower bounds of requirements.txt (tests/test_environment.py keeps the two in step).
MINIMUM_VERSIONS = {
    "numpy": "1.24",
    "matplotlib": "3.7",
    "jupyterlab": "4.2",
    "ipywidgets": "8.1",
    "ipykernel": "6.29",
    "nbval": "0.11",
    "pytest": "8.0",
}


def _as_tuple(version):
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])


def environment_report(minimum=None):
    """One line per package: name, whether it is new enough, and the installed version.

    Parameters
    ----------
    minimum : dict, optional
        ``{distribution name: minimum version}``; defaults to :data:`MINIMUM_VERSIONS`.

    Returns
    -------
    lines : list of str
        e.g. ``"numpy        OK      (version 2.1.0)"``; a missing package says ``MISSING``.
    all_ok : bool
    """
    minimum = MINIMUM_VERSIONS if minimum is None else minimum
    python_ok = _as_tuple(platform.python_version()) >= (3, 10)
    lines = [f"{'python':<12} {'OK' if python_ok else 'TOO OLD':<7} (version {platform.python_version()}; needs >= 3.10)"]
    all_ok = python_ok
    for name, needed in minimum.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            lines.append(f"{name:<12} MISSING  needs >= {needed}: pip install -r requirements.txt")
            all_ok = False
            continue
        ok = _as_tuple(installed) >= _as_tuple(needed)
        all_ok &= ok
        lines.append(f"{name:<12} {'OK' if ok else 'TOO OLD':<7} (version {installed}; needs >= {needed})")
    return lines, all_ok
