"""Notebook 00's environment check: floors read from requirements.txt, compared as versions."""
import pathlib
from importlib import metadata

import pytest
from packaging.version import Version

import course_utils as cu
from course_utils import environment

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_floors_are_those_of_requirements_txt():
    assert environment.REQUIREMENTS == ROOT / "requirements.txt"
    assert cu.MINIMUM_VERSIONS == environment.read_floors(ROOT / "requirements.txt")
    assert {"numpy", "matplotlib", "jupyterlab", "ipywidgets", "ipykernel"} <= set(cu.MINIMUM_VERSIONS)


def test_report_says_ok_for_installed_packages():
    lines, ok = cu.environment_report()
    assert ok, lines
    assert lines[0].startswith("python")
    assert len(lines) == 1 + len(cu.MINIMUM_VERSIONS)
    assert all(" OK " in line for line in lines)


def test_report_flags_missing_and_too_old_packages():
    lines, ok = cu.environment_report({"numpy": "999.0", "surely-not-installed-pkg": "1.0"})
    assert not ok
    assert "TOO OLD" in lines[1] and "needs >= 999.0" in lines[1]
    assert "MISSING" in lines[2]


def test_a_pre_release_is_older_than_its_release(monkeypatch):
    installed = {"jupyterlab": "4.2.0rc1", "numpy": "2.0.0", "odd": "not a version"}
    monkeypatch.setattr(metadata, "version", installed.__getitem__)
    lines, ok = cu.environment_report({"jupyterlab": "4.2", "numpy": "2.0"})
    assert "TOO OLD" in lines[1] and " OK " in lines[2] and not ok
    lines, ok = cu.environment_report({"odd": "1.0"})
    assert "UNKNOWN" in lines[1] and not ok


def test_outside_a_checkout_the_report_says_so(monkeypatch):
    monkeypatch.setattr(environment, "MINIMUM_VERSIONS", {})
    lines, ok = cu.environment_report()
    assert not ok and "requirements.txt" in lines[-1]


@pytest.mark.parametrize("text, expected", [
    ("numpy>=2.0\n", {"numpy": "2.0"}),
    ("numpy >= 2.0, < 3  # comment\n", {"numpy": "2.0"}),
    ("numpy>=1.5,>=2.0.1\n", {"numpy": "2.0.1"}),
    ("-r other.txt\n-e .\nrich\nnumpy==2.1\n", {}),
    ("Jupyter_Lab>=4.5\n", {"Jupyter_Lab": "4.5"}),
])
def test_read_floors(tmp_path, text, expected):
    path = tmp_path / "requirements.txt"
    path.write_text(text)
    assert environment.read_floors(path) == expected


def test_read_floors_names_the_bad_line(tmp_path):
    path = tmp_path / "requirements.txt"
    path.write_text("numpy>=2.0\nnot a requirement!\n")
    with pytest.raises(ValueError, match="not a requirement!"):
        environment.read_floors(path)


def test_every_floor_is_a_valid_version():
    for name, floor in cu.MINIMUM_VERSIONS.items():
        assert Version(floor), name
