"""Is this machine ready for the course? A version report for notebook 00.

The floors are the lower bounds of the course's ``requirements.txt`` (the learner set, one
place for them): this module reads that file, it keeps no copy of its own. Versions are
compared as :class:`packaging.version.Version`, so a pre-release such as ``4.2.0rc1`` counts
as older than ``4.2``.
"""
from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

__all__ = ["MINIMUM_VERSIONS", "environment_report"]

#: The course's learner requirements, beside the package in a checkout of the course.
REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"
PYTHON_FLOOR = "3.10"


def read_floors(path=REQUIREMENTS):
    """``{distribution name: lowest admitted version}`` from a pip requirements file.

    Lines starting with ``-`` (``-e .``, ``-r other.txt``) and comments are skipped; a
    requirement without a ``>=`` bound has no floor and is left out.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
    ...     _ = f.write("# learners\\nnumpy>=2.0\\nipywidgets >= 8.1, <9\\nrich\\n-e .\\n")
    >>> read_floors(f.name)
    {'numpy': '2.0', 'ipywidgets': '8.1'}
    >>> os.remove(f.name)
    """
    floors = {}
    for line in Path(path).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement as error:
            raise ValueError(f"{path}: cannot read the requirement {line!r} ({error})") from None
        lower = [spec.version for spec in requirement.specifier if spec.operator == ">="]
        if lower:
            floors[requirement.name] = max(lower, key=Version)
    return floors


#: ``{name: floor}`` of requirements.txt; empty when the package runs outside a checkout.
MINIMUM_VERSIONS = read_floors() if REQUIREMENTS.is_file() else {}


def _status(installed, needed):
    try:
        return "OK" if Version(installed) >= Version(needed) else "TOO OLD"
    except InvalidVersion:
        return "UNKNOWN"


def _floors(minimum):
    """``minimum`` checked: a dict of distribution name -> version string packaging can read."""
    if not isinstance(minimum, dict):
        raise ValueError("minimum must be a dict {distribution name: minimum version}, e.g. "
                         f"{{'numpy': '1.24'}}, got {minimum!r}")
    for name, needed in minimum.items():
        if not isinstance(name, str) or not isinstance(needed, str):
            raise ValueError(f"minimum must map names to version strings (e.g. 'numpy': '1.24'), "
                             f"got the entry {name!r}: {needed!r}")
        try:
            Version(needed)
        except InvalidVersion:
            raise ValueError(f"minimum[{name!r}] must be a version such as '1.24', got {needed!r}") from None
    return minimum


def environment_report(minimum=None):
    """One line per package: name, whether it is new enough, and the installed version.

    Parameters
    ----------
    minimum : dict, optional
        ``{distribution name: minimum version}``; defaults to :data:`MINIMUM_VERSIONS`, the
        floors of ``requirements.txt``.

    Returns
    -------
    lines : list of str
        e.g. ``"numpy        OK      (version 2.1.0; needs >= 2.0)"``; a missing package says
        ``MISSING``, a version packaging cannot read ``UNKNOWN``.
    all_ok : bool
        True when Python and every package are new enough.
    """
    version = platform.python_version()
    python = _status(version, PYTHON_FLOOR)
    lines = [f"{'python':<12} {python:<7} (version {version}; needs >= {PYTHON_FLOOR})"]
    all_ok = python == "OK"
    if minimum is None:
        if not MINIMUM_VERSIONS:
            lines.append("no requirements.txt beside course_utils: run the course from its own folder")
            return lines, False
        minimum = MINIMUM_VERSIONS
    for name, needed in _floors(minimum).items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            lines.append(f"{name:<12} MISSING  needs >= {needed}: pip install -r requirements.txt")
            all_ok = False
            continue
        status = _status(installed, needed)
        all_ok &= status == "OK"
        lines.append(f"{name:<12} {status:<7} (version {installed}; needs >= {needed})")
    return lines, all_ok
