"""Shared pytest setup for tests/."""
import os

import pytest
from hypothesis import settings

# Every property search is derandomized: the same examples on every machine and every run, so a
# CI failure is reproducible and a green CI does not depend on luck. Tests that need other
# settings override single fields with @settings(...); the rest comes from this profile.
settings.register_profile("course", derandomize=True, deadline=None)
settings.load_profile("course")

#: Where the browser tests look for Chromium unless the CHROMIUM environment variable says.
DEFAULT_CHROMIUM = "/usr/bin/chromium"


def chromium_path():
    """The Chromium the browser tests drive: ``$CHROMIUM`` if set (e.g. on macOS or Fedora), else
    Debian's ``/usr/bin/chromium``. Imported by tests/browser_lab.py."""
    return os.environ.get("CHROMIUM") or DEFAULT_CHROMIUM


def pytest_configure(config):
    # tests/test_browser.py, test_voila.py and test_site_browser.py drive JupyterLab, voila or the
    # website in Chromium; deselect them with -m "not browser".
    config.addinivalue_line(
        "markers", "browser: runs JupyterLab, voila or the website in headless Chromium "
                   "(deselect with -m 'not browser')")


@pytest.fixture(scope="module")
def playwright_browser():
    """Debian's headless Chromium (tests/browser_lab.py): skips without it, fails under CI=true."""
    from browser_lab import chromium
    with chromium() as browser:
        yield browser
