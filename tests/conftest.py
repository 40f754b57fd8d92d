"""Shared pytest setup for tests/."""
import pytest


def pytest_configure(config):
    # tests/test_browser.py and test_voila.py drive JupyterLab / voila in Chromium;
    # deselect them with -m "not browser".
    config.addinivalue_line(
        "markers", "browser: runs JupyterLab or voila in headless Chromium (deselect with -m 'not browser')")


@pytest.fixture(scope="module")
def playwright_browser():
    """Debian's headless Chromium (tests/browser_lab.py): skips without it, fails under CI=true."""
    from browser_lab import chromium
    with chromium() as browser:
        yield browser
