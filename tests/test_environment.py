import pathlib
import re

import pytest

import course_utils as cu

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_minimum_versions_match_requirements_txt():
    reqs = dict(re.findall(r"^([\w-]+)>=([\d.]+)", (ROOT / "requirements.txt").read_text(), re.M))
    for name, version in cu.MINIMUM_VERSIONS.items():
        assert reqs[name] == version, name


def test_report_says_ok_for_installed_packages():
    lines, ok = cu.environment_report()
    assert ok, lines
    assert lines[0].startswith("python")
    assert all(" OK " in line for line in lines)


def test_report_flags_missing_and_too_old_packages():
    lines, ok = cu.environment_report({"numpy": "999.0", "surely-not-installed-pkg": "1.0"})
    assert not ok
    assert "TOO OLD" in lines[1]
    assert "MISSING" in lines[2]


@pytest.mark.parametrize("version, expected", [("2.1.0", (2, 1, 0)), ("8.1.5rc1", (8, 1, 5)), ("4.2", (4, 2))])
def test_version_parsing(version, expected):
    from course_utils.environment import _as_tuple
    assert _as_tuple(version) == expected
