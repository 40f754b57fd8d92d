"""The instructors' dashboard, apps/explorers.ipynb, as a voila app in Chromium.

``make present`` serves that notebook with voila: its outputs only, never its code. This
smoke test starts voila the same way (course template, 127.0.0.1, a free port, a random
token, isolated Jupyter dirs), opens the page in Debian's Chromium and checks that

1. the five explorers render, one per tab, and the first one's figure is not blank (it is
   the picture the same explorer draws in this process);
2. no code reaches the page: no editor, no prompt, no source text;
3. one keyboard step of the learning-rate slider changes the readout and the figure;
4. in every tab, the top end of the learning-rate slider (the End key) shows the red message;
5. no request left 127.0.0.1 and the console shows no error.

Deselect with ``-m "not browser"``. Without Chromium or voila it skips, except under
``CI=true``, where that is a failure.
"""
from __future__ import annotations

import importlib.util
import json
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from browser_lab import (
    PageWatch,
    blankness,
    free_port,
    image_bytes,
    is_blank,
    isolated_jupyter,
    one_step_up,
    parse_readout,
    pixel_mismatch,
    stop_process,
    unavailable,
)

import course_utils as cu

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "apps" / "explorers.ipynb"
# JUPYTER_PATH entry holding voila/templates/course (the lab template without CDN links).
TEMPLATES_ROOT = ROOT / "apps"
SOURCES = ("import course_utils", "explorer_tabs(")
TIMEOUT_MS = 60_000
# Lab extensions voila must not load: jupytext's (a dev tool) breaks the page with a console error.
VOILA_DENYLIST = ["jupyterlab-jupytext"]


def _code_cells():
    return [c for c in json.loads(APP.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]


def test_app_is_stored_without_outputs_and_shows_the_explorer_tabs():
    cells = _code_cells()
    assert all(not c["outputs"] and c["execution_count"] is None for c in cells), \
        "apps/explorers.ipynb is an app: store it without outputs (nbstripout)"
    assert "".join(cells[-1]["source"]).strip() == "cu.widgets.explorer_tabs()"


def test_make_present_serves_the_app_with_the_course_template():
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^present:.*\n\t(.+)$", makefile, re.M)
    assert recipe, "no `present` target in the Makefile"
    for part in ("voila", "--template=course", "apps/explorers.ipynb", "JUPYTER_PATH=", "$(VOILA_DENY)"):
        assert part in recipe.group(1)
    deny = re.search(r"^VOILA_DENY := --VoilaConfiguration.extension_denylist='(.+)'$", makefile, re.M)
    assert deny and json.loads(deny.group(1)) == VOILA_DENYLIST
    assert (TEMPLATES_ROOT / "voila" / "templates" / "course" / "conf.json").is_file()


@pytest.fixture(scope="module")
def voila_app():
    if importlib.util.find_spec("voila") is None:
        unavailable("voila is not installed (pip install 'voila>=0.5')")
    workdir = Path(tempfile.mkdtemp(prefix="course-voila-"))
    process, url, log_path = _start_voila(workdir)
    yield url, log_path
    stop_process(process)
    shutil.rmtree(workdir, ignore_errors=True)


def _start_voila(workdir, *, timeout=60):
    """``voila apps/explorers.ipynb`` as `make present` runs it, but private to this test."""
    dirs, env = isolated_jupyter(workdir)
    env["JUPYTER_PATH"] = str(TEMPLATES_ROOT)
    port, token = free_port(), secrets.token_hex(24)
    cmd = [
        sys.executable, "-m", "voila", str(APP), "--template=course", "--no-browser",
        f"--VoilaConfiguration.extension_denylist={json.dumps(VOILA_DENYLIST)}",
        "--Voila.ip=127.0.0.1", f"--port={port}", "--Voila.port_retries=0", f"--token={token}",
        f"--Voila.connection_dir_root={dirs['runtime']}",
    ]
    log_path = workdir / "voila.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    # Wait for the port only: every GET of the page starts a kernel.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"voila exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"http://127.0.0.1:{port}/?token={token}", log_path
        except OSError:
            time.sleep(0.2)
    stop_process(process)
    raise RuntimeError(f"voila did not listen within {timeout} s:\n{log_path.read_text()}")


@pytest.mark.browser
def test_explorers_app_in_voila(playwright_browser, voila_app):
    from playwright.sync_api import expect

    url, log_path = voila_app
    shot_dir = Path(tempfile.mkdtemp(prefix="course-voila-screenshots-"))
    context = playwright_browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)  # a loaded CI machine renders seven explorers slowly
    watch = PageWatch().attach(context)
    page = context.new_page()
    watch.attach_page(page)
    try:
        response = page.goto(url, wait_until="domcontentloaded")
        assert response.ok, f"voila answered {response.status}"
        html = response.text()

        # 1. Five explorers, one per tab; the first figure is the one course_utils draws.
        tabs = page.locator(".cu-explorer-tabs")
        expect(tabs.locator(".lm-TabBar-tab")).to_have_text(list(cu.widgets.TABS))
        explorers = tabs.locator(".cu-explorer")
        expect(explorers).to_have_count(len(cu.widgets.TABS))
        first = explorers.first
        readout = first.locator(".cu-explorer-readout")
        expect(readout).to_contain_text("learning rate")
        img = first.locator("img.cu-explorer-image")
        src0, png0 = image_bytes(img)
        text0 = readout.inner_text().strip()
        page.screenshot(path=shot_dir / "first-figure.png")
        drawn, colours = blankness(png0)
        assert not is_blank(png0), f"first figure blank ({drawn:.1%} drawn, {colours} colours)"
        reference = cu.widgets.descent_1d_explorer()
        assert text0.startswith(reference.exploration.readout)
        assert pixel_mismatch(png0, reference.image.value) < 0.01

        # 2. Outputs only: voila strips the code cells' sources before sending the page.
        expect(page.locator(".jp-InputArea-editor, .cm-editor, .CodeMirror, .jp-InputPrompt")).to_have_count(0)
        for source in SOURCES:
            assert source not in html and source not in page.content(), f"code on the page: {source}"

        # 3. One keyboard step on the learning-rate slider.
        slider = first.locator(".widget-slider").filter(
            has=page.locator("label", has_text=re.compile(r"^\s*learning rate\s*$")))
        slider.locator(".noUi-handle").focus()
        page.keyboard.press("ArrowRight")
        # Wait for the readout of the stepped rate itself, not for any change: on a loaded machine
        # the page may still be settling its first state when the key is pressed.
        rate0 = float(parse_readout("descent_1d", text0)["learning_rate"])
        want, seen = one_step_up(rate0, "descent_1d"), rate0
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while seen != want and time.monotonic() < deadline:
            page.wait_for_timeout(100)
            seen = float(parse_readout("descent_1d", readout.inner_text())["learning_rate"])
        assert seen == want, f"one ArrowRight from {rate0} should show {want}, the readout shows {seen}"
        expect(img).not_to_have_attribute("src", src0)
        _, png1 = image_bytes(img)
        assert png1 != png0 and not is_blank(png1)
        page.screenshot(path=shot_dir / "after-keyboard.png")

        # 4. Every explorer's slider top: the red message.
        for k in range(len(cu.widgets.TABS)):
            tabs.locator(".lm-TabBar-tab").nth(k).click()
            explorer = explorers.nth(k)
            slider = explorer.locator(".widget-slider").filter(
                has=page.locator("label", has_text=re.compile(r"^\s*(base )?learning rate\s*$")))
            slider.locator(".noUi-handle").focus()
            page.keyboard.press("End")
            expect(explorer.locator(".cu-readout-message")).to_have_count(1)
            page.screenshot(path=shot_dir / f"top-{k}.png")

        # 5. Nothing left this machine, nothing went wrong in the page.
        assert watch.outside() == [], "requests left 127.0.0.1"
        assert watch.console_errors == [], "errors in the browser console"
    except BaseException:
        try:
            page.screenshot(path=shot_dir / "failure.png")
        except Exception as err:  # the page may be gone
            print(f"no failure screenshot: {err}")
        print(f"screenshots: {shot_dir}")
        print(f"voila log (tail):\n{log_path.read_text(errors='replace')[-4000:]}")
        raise
    finally:
        context.close()
