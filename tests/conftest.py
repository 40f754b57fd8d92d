"""Shared pytest setup for tests/."""


def pytest_configure(config):
    # tests/test_browser.py drives JupyterLab in Chromium; deselect it with -m "not browser".
    config.addinivalue_line(
        "markers", "browser: runs JupyterLab in headless Chromium (deselect with -m 'not browser')")
