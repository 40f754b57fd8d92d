"""Helpers of tests/test_browser.py (and test_voila.py): a private JupyterLab (or voila)
server and a Chromium page on it.

Everything stays on 127.0.0.1: the server listens there only, its news feed and update
check are off, and the page aborts (and records) any request to another host.
"""
from __future__ import annotations

import base64
import io
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# Headless Debian Chromium, with every background service that could phone home turned off.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--disable-default-apps", "--disable-extensions", "--metrics-recording-only",
]
LOCAL_HOSTS = {"127.0.0.1"}


def unavailable(reason):
    """Skip the test for ``reason``; under ``CI=true`` fail instead (CI must run browser tests)."""
    import pytest
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"{reason}; under CI=true the browser tests must run")
    pytest.skip(reason)


@contextmanager
def chromium():
    """Headless Chromium driven by playwright (Debian's, or $CHROMIUM: tests/conftest.py's
    chromium_path); playwright never downloads a browser."""
    from conftest import chromium_path

    executable = chromium_path()
    if not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
        unavailable(f"no Chromium at {executable} (apt-get install chromium, or set CHROMIUM=/path/to/chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright Python package is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def isolated_jupyter(workdir, *extra):
    """Fresh config, runtime, data and IPython dirs (plus ``extra`` ones) under ``workdir``,
    and an environment pointing Jupyter at them: ``(dirs, env)``."""
    dirs = {name: Path(workdir) / name for name in ("config", "runtime", "data", "ipython", *extra)}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "MPLBACKEND"))}
    env.update(
        JUPYTER_CONFIG_DIR=str(dirs["config"]), JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        JUPYTER_DATA_DIR=str(dirs["data"]), IPYTHONDIR=str(dirs["ipython"]),
        JUPYTER_PLATFORM_DIRS="1", PYTHONUNBUFFERED="1",
    )
    return dirs, env


def stop_process(process):
    """Terminate a server (it shuts its kernels down), killing it if it does not stop."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LabServer:
    """A ``jupyter lab`` process with its own config, runtime, settings and workspace dirs."""

    root: Path
    port: int
    token: str
    process: subprocess.Popen
    log_path: Path

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def api(self, method, path, data=None):
        """Call the server's REST API (token in the header); returns the decoded JSON or None."""
        req = urllib.request.Request(
            f"{self.base_url}{path}", method=method,
            data=None if data is None else json.dumps(data).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def notebook_url(self, path, workspace):
        """URL that opens ``path`` alone in a fresh, reset workspace."""
        quoted = urllib.parse.quote(path)
        return (f"{self.base_url}/lab/workspaces/{workspace}/tree/{quoted}"
                f"?reset&token={self.token}")

    def shutdown_sessions(self):
        """Shut down every kernel session, so the next page starts a fresh kernel."""
        for session in self.api("GET", "/api/sessions") or []:
            self.api("DELETE", f"/api/sessions/{session['id']}")

    def setting(self, plugin, key):
        """The value of a JupyterLab setting in effect (user value, else the schema default,
        which already includes any installed overrides)."""
        data = self.api("GET", f"/lab/api/settings/{plugin}")
        return data["settings"].get(key, data["schema"]["properties"][key].get("default"))

    def log(self):
        return self.log_path.read_text(errors="replace")

    def stop(self):
        stop_process(self.process)


def start_lab(workdir, notebooks_dir, *, timeout=90):
    """Copy ``notebooks_dir`` into ``workdir`` and serve it with an isolated JupyterLab.

    The notebooks are copies, so running them (and JupyterLab's autosave) never touches
    the committed files.
    """
    workdir = Path(workdir)
    root = workdir / "root"
    shutil.copytree(notebooks_dir, root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    dirs, env = isolated_jupyter(workdir, "settings", "workspaces")
    # No news feed and no update check: the server never reaches beyond this machine.
    (dirs["config"] / "jupyter_server_config.json").write_text(json.dumps({
        "LabApp": {"news_url": None,
                   "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate"},
    }))
    notify = dirs["settings"] / "@jupyterlab" / "apputils-extension"
    notify.mkdir(parents=True)
    (notify / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))

    port, token = free_port(), secrets.token_hex(24)
    env.update(JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
               JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]))
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={dirs['settings']}",
        f"--LabApp.workspaces_dir={dirs['workspaces']}",
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: run cells by command
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = workdir / "jupyterlab.log"
    log = open(log_path, "wb")
    process = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)
    log.close()
    server = LabServer(root, port, token, process, log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {process.returncode}:\n{server.log()}")
        try:
            server.api("GET", "/api/status")
            return server
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"jupyter lab did not answer within {timeout} s:\n{server.log()}")


@dataclass
class PageWatch:
    """Every request, websocket and console error of a browser context."""

    requests: list = field(default_factory=list)
    blocked: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)

    def attach(self, context):
        context.route("**/*", self._route)
        context.on("request", lambda r: self.requests.append(r.url))
        context.on("console", self._console)
        return self

    def attach_page(self, page):
        page.on("websocket", lambda ws: self.requests.append(ws.url))
        page.on("pageerror", lambda err: self.console_errors.append(f"page error: {err}"))

    def _route(self, route):
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _console(self, message):
        if message.type == "error":
            loc = message.location or {}
            self.console_errors.append(f"{message.text} ({loc.get('url', '')}:{loc.get('lineNumber', '')})")

    def outside(self):
        """Requests that went (or tried to go) anywhere but 127.0.0.1."""
        return sorted(set(self.blocked) | {u for u in self.requests if not is_local(u)})


def is_local(url):
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname in LOCAL_HOSTS


# ------------------------------------------------------------------------- JupyterLab page

_OPEN_JS = """
async () => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  for (let i = 0; i < 600 && !window.jupyterapp; i++) await sleep(100);
  const app = window.jupyterapp;
  await app.restored;
  let panel = null;
  for (let i = 0; i < 600; i++) {
    panel = app.shell.currentWidget;
    if (panel && panel.sessionContext && panel.content && panel.content.widgets) break;
    await sleep(100);
  }
  await panel.context.ready;
  await panel.sessionContext.ready;
  for (let i = 0; i < 600 && !(panel.sessionContext.session && panel.sessionContext.session.kernel); i++)
    await sleep(100);
  const kernel = panel.sessionContext.session.kernel;
  await kernel.info;
  return {id: kernel.id, supportsSubshells: kernel.supportsSubshells};
}
"""

_RUN_ALL_JS = """
async () => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await app.commands.execute('notebook:run-all-cells');
  const prompts = panel.content.widgets.filter(c => c.model.type === 'code')
      .map(c => c.model.executionCount);
  return prompts;
}
"""

_RESTART_JS = """
async () => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  const before = panel.sessionContext.session.kernel.id;
  await app.commands.execute('notebook:clear-all-cell-outputs');
  await panel.sessionContext.restartKernel();
  await panel.sessionContext.ready;
  const kernel = panel.sessionContext.session.kernel;
  for (let i = 0; i < 600 && kernel.status !== 'idle'; i++) await new Promise(r => setTimeout(r, 100));
  return [before, kernel.id, kernel.status];
}
"""

_IMAGE_JS = """
async (img) => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  for (let i = 0; i < 300 && !(img.complete && img.naturalWidth > 0); i++) await sleep(50);
  const response = await fetch(img.src);
  const bytes = new Uint8Array(await response.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192)
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
  return [img.src, btoa(text)];
}
"""


_SAVE_JS = """
async () => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await panel.context.save();
  return panel.context.model.dirty;
}
"""


def one_step_up(rate, kind):
    """The learning rate one keyboard step above ``rate`` on the explorer's log slider."""
    from course_utils import explorers as ex
    from course_utils import widgets

    lo = ex.LEARNING_RATE_DECADES[kind][0]
    k = round((np.log10(rate) - lo) / widgets.LOG_STEP) + 1
    return ex.snap_log(10 ** (lo + widgets.LOG_STEP * k), widgets.LOG_STEP, origin=lo)


def save_notebook(page):
    """Save the open notebook as a learner would (File > Save); False once it is clean."""
    return page.evaluate(_SAVE_JS)


def drag(page, locator, dx):
    """Drag ``locator`` (a slider handle) ``dx`` pixels to the right with the mouse."""
    box = locator.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for k in range(1, 6):
        page.mouse.move(x + dx * k / 5, y)
    page.mouse.up()


def type_value(page, readout, text):
    """Type ``text`` into a slider's value box (a contenteditable readout) and press Enter."""
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def open_notebook(page, server, path, workspace):
    """Load ``path`` in JupyterLab and wait until its kernel is up.

    Returns ``{"id": kernel id, "supportsSubshells": bool}``.
    """
    page.goto(server.notebook_url(path, workspace), wait_until="domcontentloaded")
    return page.evaluate(_OPEN_JS)


def restart_kernel(page):
    """Clear all outputs and restart the notebook's kernel (a new kernel process, no dialog)."""
    return page.evaluate(_RESTART_JS)


def run_all(page):
    """Run every cell (resolves when all ran); returns the execution counts of the code cells."""
    return page.evaluate(_RUN_ALL_JS)


def image_bytes(img_locator):
    """(src, PNG bytes) of an ``<img>`` once it has loaded, read back from its blob URL."""
    src, data = img_locator.evaluate(_IMAGE_JS)
    return src, base64.b64decode(data)


# ------------------------------------------------------------------------------ pictures

def decode_png(png):
    """PNG bytes -> float RGBA array in [0, 1], shape (h, w, 4)."""
    import matplotlib.image as mpimg
    return mpimg.imread(io.BytesIO(png), format="png")


def blankness(png):
    """How much a picture shows: the share of non-white pixels and the number of colours."""
    rgb = decode_png(png)[..., :3]
    drawn = np.any(np.abs(rgb - 1.0) > 0.02, axis=-1).mean()
    colours = len(np.unique((rgb * 255).round().astype(np.uint8).reshape(-1, 3), axis=0))
    return float(drawn), colours


def is_blank(png, *, min_drawn=0.01, min_colours=30):
    """A white (or single-colour) picture. The explorers' figures draw 4-60 % of their pixels
    in hundreds of colours; an empty Figure draws none. A half-drawn figure is caught by
    comparing with the reference picture instead (:func:`pixel_mismatch`)."""
    drawn, colours = blankness(png)
    return drawn < min_drawn or colours < min_colours


def pixel_mismatch(png, reference):
    """Share of pixels that differ noticeably between two PNGs (1.0 if the sizes differ)."""
    a, b = decode_png(png), decode_png(reference)
    if a.shape != b.shape:
        return 1.0
    return float(np.any(np.abs(a - b) > 0.1, axis=-1).mean())


# --------------------------------------------------------------------------- readouts

_NUM = r"-?\d+(?:\.\d+)?"
READOUTS = {
    "descent_1d": re.compile(
        rf"(?P<objective>\w+) · learning rate (?P<learning_rate>{_NUM}) · (?P<epochs>\d+) epochs "
        rf"from x0 = (?P<start>{_NUM}) → final x = (?P<final>{_NUM}|diverged)"),
    "peaks": re.compile(
        rf"peaks (?P<direction>descent|ascent) · learning rate (?P<learning_rate>{_NUM}) · "
        rf"(?P<epochs>\d+) epochs from \((?P<x0>{_NUM}), (?P<y0>{_NUM})\) → reached "
        rf"\((?P<x>{_NUM}|diverged), (?P<y>{_NUM}|diverged)\)"),
}


def parse_readout(kind, text):
    match = READOUTS[kind].search(text)
    if not match:
        raise AssertionError(f"readout of the {kind} explorer not understood: {text!r}")
    return match.groupdict()
