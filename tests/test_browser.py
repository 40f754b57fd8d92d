"""The explorers in a real browser: JupyterLab + Debian's Chromium, driven by playwright.

For each explorer notebook, in a fresh kernel each time:

1. open the notebook in JupyterLab and run all cells;
2. the explorer's first figure is not blank, and it is the picture course_utils draws for
   the settings its readout shows (JupyterLab handles widget messages on a separate
   thread, which blanks pyplot figures drawn in callbacks; see course_utils/widgets.py);
3. the learning-rate slider, moved one step with the keyboard, changes the readout and
   the image, and the readout is exactly what course_utils computes for the new rate;
4. no request left 127.0.0.1 and the console shows no error.

Then, once per notebook: a mouse drag on the learning-rate slider and a typed value (used
exactly) update the picture and the numbers; the play button advances the picture epoch by
epoch; the slider's top end shows the red message; and the notebook, saved and reopened with
no kernel running, shows the explorer's last picture, never "Error displaying widget".

Screenshots go to a temporary folder; their paths are printed (pytest shows them when a
test fails). Deselect with ``-m "not browser"``. Without Chromium the test skips, except
under ``CI=true``, where a missing browser is a failure.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest
from browser_lab import (
    PageWatch,
    blankness,
    drag,
    image_bytes,
    is_blank,
    one_step_up,
    open_notebook,
    parse_readout,
    pixel_mismatch,
    restart_kernel,
    run_all,
    save_notebook,
    start_lab,
    type_value,
)

import course_utils as cu
from course_utils import _scene
from course_utils import explorers as ex

pytestmark = pytest.mark.browser

NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"
# Each notebook and the explorer its "Explore" section shows.
NOTEBOOKS = {
    "01_gradient_descent_1d.ipynb": "descent_1d",
    "03_gradient_descent_2d.ipynb": "peaks",
}
EXPLORER_CALLS = {"descent_1d": "cu.widgets.descent_1d_explorer(", "peaks": "cu.widgets.peaks_explorer("}
FRESH_KERNELS = 3  # runs per notebook, each in a new kernel: the first figure must never be blank
TIMEOUT_MS = 60_000
WIDGET_STATE = ("@jupyter-widgets/jupyterlab-manager:plugin", "saveState")



@pytest.fixture(scope="module")
def lab():
    for nb, kind in NOTEBOOKS.items():
        path = NOTEBOOKS_DIR / nb
        if not path.is_file() or EXPLORER_CALLS[kind] not in path.read_text(encoding="utf-8"):
            pytest.fail(f"notebooks/{nb} has no {EXPLORER_CALLS[kind]}...) cell to test")
    # Own temporary folders: pytest's numbered basetemp folders are pruned by any other
    # pytest run on the machine, which could pull the server's files from under it.
    workdir = Path(tempfile.mkdtemp(prefix="course-browser-lab-"))
    server = start_lab(workdir, NOTEBOOKS_DIR)
    yield server
    server.stop()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def shot_dir():
    """Screenshots are kept after the run, so the printed paths stay valid."""
    return Path(tempfile.mkdtemp(prefix="course-browser-screenshots-"))


def _reference(kind, s):
    """What course_utils computes for the settings a readout shows."""
    if kind == "descent_1d":
        return cu.compute_descent_1d(cu.OBJECTIVES[s["objective"]], start=float(s["start"]),
                                     learning_rate=float(s["learning_rate"]), epochs=int(s["epochs"]))
    return cu.compute_peaks(learning_rate=float(s["learning_rate"]), epochs=int(s["epochs"]),
                            start=(float(s["x0"]), float(s["y0"])), ascent=s["direction"] == "ascent")


def _reference_png(kind, exploration):
    draw = cu.draw_descent_1d if kind == "descent_1d" else cu.draw_peaks
    return cu.figure_png(draw(exploration)[0].figure)


def _check_reported_value(kind, s):
    """The number the explorer reports equals a direct cu.gradient_descent run."""
    lr, epochs = float(s["learning_rate"]), int(s["epochs"])
    if kind == "descent_1d":
        ref = cu.gradient_descent(cu.OBJECTIVES[s["objective"]], float(s["start"]),
                                  learning_rate=lr, epochs=epochs)
        assert float(s["final"]) == pytest.approx(float(ref.final), abs=1e-6)
    else:
        ref = cu.gradient_descent(cu.peaks, [float(s["x0"]), float(s["y0"])], learning_rate=lr,
                                  epochs=epochs, ascent=s["direction"] == "ascent")
        assert (float(s["x"]), float(s["y"])) == pytest.approx(tuple(ref.final), abs=1e-6)


@pytest.mark.parametrize("notebook", list(NOTEBOOKS))
def test_explorer_in_jupyterlab(playwright_browser, lab, shot_dir, notebook):
    from playwright.sync_api import expect

    kind = NOTEBOOKS[notebook]
    # The race only exists when widget messages go to kernel subshells (JupyterLab's default):
    # make sure that is what this test exercises.
    comms = lab.setting("@jupyterlab/apputils-extension:kernels-settings", "commsOverSubshells")
    assert comms != "disabled", "comms over subshells are off: the test would miss the race"
    assert lab.setting(*WIDGET_STATE) is True, \
        "widget state is not saved with notebooks: the course's overrides.d setting is not installed"
    lab.shutdown_sessions()
    context = playwright_browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)  # a loaded CI machine renders slowly
    watch = PageWatch().attach(context)
    page = context.new_page()
    watch.attach_page(page)
    stem = Path(notebook).stem

    def screenshot(label):
        path = shot_dir / f"{stem}-{label}.png"
        page.screenshot(path=path)
        print(f"screenshot: {path}")

    try:
        kernel = open_notebook(page, lab, f"notebooks/{notebook}", workspace=f"w-{kind}")
        assert kernel["supportsSubshells"], "the kernel has no subshells: the test would miss the race"
        for run in range(FRESH_KERNELS):
            if run:  # run 0 has the kernel the page just started; then a restarted one each time
                restart_kernel(page)
            _explore(page, kind, run, screenshot)
            assert watch.outside() == [], f"run {run}: requests left 127.0.0.1"
            assert watch.console_errors == [], f"run {run}: errors in the browser console"
        _play_with_the_sliders(page, kind, screenshot)
        _reopen_saved(page, lab, screenshot)
        assert watch.outside() == [], "requests left 127.0.0.1"
        assert watch.console_errors == [], "errors in the browser console"
    except BaseException:
        try:
            screenshot("failure")
        except Exception as err:  # the page may be gone
            print(f"no failure screenshot: {err}")
        print(f"JupyterLab log (tail):\n{lab.log()[-4000:]}")
        raise
    finally:
        context.close()


def _explore(page, kind, run, screenshot):
    """Run all cells in the (fresh) kernel, check the first figure, move the slider by keyboard."""
    from playwright.sync_api import expect

    explorer = page.locator(".cu-explorer")
    expect(explorer).to_have_count(0)  # outputs were cleared (or never there)
    counts = run_all(page)
    assert None not in counts and counts[0] == 1, f"run {run}: not a fresh full run: {counts}"
    expect(explorer).to_have_count(1)
    explorer.scroll_into_view_if_needed()
    img = explorer.locator("img.cu-explorer-image")
    readout = explorer.locator(".cu-explorer-readout")
    expect(readout).to_contain_text("learning rate")

    # The first figure: drawn, and the very picture course_utils draws for these settings.
    src0, png0 = image_bytes(img)
    text0 = readout.inner_text().strip()
    screenshot(f"run{run}-first-figure")
    drawn, colours = blankness(png0)
    assert not is_blank(png0), f"run {run}: first figure blank ({drawn:.1%} drawn, {colours} colours)"
    settings0 = parse_readout(kind, text0)
    reference0 = _reference(kind, settings0)
    assert text0.startswith(reference0.readout)
    mismatch = pixel_mismatch(png0, _reference_png(kind, reference0))
    assert mismatch < 0.01, f"run {run}: first figure differs from the reference in {mismatch:.1%} of pixels"

    # One keyboard step on the learning-rate slider.
    slider = explorer.locator(".widget-slider").filter(
        has=page.locator("label", has_text=re.compile(r"^\s*learning rate\s*$")))
    expect(slider).to_have_count(1)
    slider.locator(".noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    expect(readout).not_to_have_text(text0)
    expect(img).not_to_have_attribute("src", src0)
    _, png1 = image_bytes(img)
    text1 = readout.inner_text().strip()
    screenshot(f"run{run}-after-keyboard")

    settings1 = parse_readout(kind, text1)
    assert float(settings1["learning_rate"]) == one_step_up(float(settings0["learning_rate"]), kind)
    assert png1 != png0, f"run {run}: the image did not change with the learning rate"
    assert not is_blank(png1)
    assert text1.startswith(_reference(kind, settings1).readout)
    _check_reported_value(kind, settings1)


def _learning_rate_slider(page, explorer):
    return explorer.locator(".widget-slider").filter(
        has=page.locator("label", has_text=re.compile(r"^\s*learning rate\s*$")))


def _changed(readout, img, text, src):
    """Wait for a new readout and a new picture; return (text, src, png)."""
    from playwright.sync_api import expect
    expect(readout).not_to_have_text(text)
    expect(img).not_to_have_attribute("src", src)
    src1, png1 = image_bytes(img)
    return readout.inner_text().strip(), src1, png1


def _play_with_the_sliders(page, kind, screenshot):
    """Drag, type, play and push to the top: each shows what course_utils computes."""
    from playwright.sync_api import expect

    explorer = page.locator(".cu-explorer")
    img = explorer.locator("img.cu-explorer-image")
    readout = explorer.locator(".cu-explorer-readout")
    slider = _learning_rate_slider(page, explorer)
    text, src = readout.inner_text().strip(), img.get_attribute("src")
    rate = float(parse_readout(kind, text)["learning_rate"])

    # The track: one pixel at most 1 % of a decade.
    lo, hi = ex.LEARNING_RATE_DECADES[kind]
    track = slider.locator(".noUi-target").bounding_box()
    assert (hi - lo) / track["width"] <= 0.01, f"track {track['width']:.0f} px for {hi - lo:g} decades"

    # 1. A mouse drag to the right: a larger rate, and the readout is course_utils' own.
    drag(page, slider.locator(".noUi-handle"), 40)
    text, src, png = _changed(readout, img, text, src)
    dragged = parse_readout(kind, text)
    assert float(dragged["learning_rate"]) > rate
    assert text.startswith(_reference(kind, dragged).readout)
    _check_reported_value(kind, dragged)
    assert not is_blank(png)
    screenshot("after-drag")

    # 2. A typed value is used exactly, and the box shows it.
    type_value(page, slider.locator(".widget-readout"), "0.0123")
    text, src, png = _changed(readout, img, text, src)
    typed = parse_readout(kind, text)
    assert typed["learning_rate"] == "0.0123" and "learning rate 0.0123 ·" in text
    assert slider.locator(".widget-readout").inner_text().strip() == "0.0123"
    _check_reported_value(kind, typed)

    # 3. Play: the picture advances epoch by epoch on the same image.
    buttons = explorer.locator(".cu-explorer-play button")
    epochs0 = int(typed["epochs"])
    buttons.nth(0).click()
    text, src, _ = _changed(readout, img, text, src)
    text, src, _ = _changed(readout, img, text, src)
    buttons.nth(0).click()  # the same button pauses
    page.wait_for_timeout(1500)  # the steps sent before the pause arrive
    playing = parse_readout(kind, readout.inner_text().strip())
    assert int(playing["epochs"]) > epochs0
    screenshot("after-play")

    # 4. The top of the learning-rate slider: the red message.
    slider.locator(".noUi-handle").focus()
    page.keyboard.press("End")
    expect(explorer.locator(".cu-readout-message")).to_have_count(1)
    assert float(slider.locator(".widget-readout").inner_text()) == 10 ** hi
    _, png_top = image_bytes(img)
    assert not is_blank(png_top)
    screenshot("top-of-slider")

    # 5. In a 900 px notebook panel the figure is not shrunk so far that text drops below 9 px.
    panel = page.locator(".jp-NotebookPanel").first
    viewport = page.viewport_size
    page.set_viewport_size({"width": int(viewport["width"] - (panel.bounding_box()["width"] - 900)),
                            "height": viewport["height"]})
    page.wait_for_timeout(500)
    assert abs(panel.bounding_box()["width"] - 900) <= 2
    scale = img.evaluate("i => i.getBoundingClientRect().width / i.naturalWidth")
    smallest_px = cu.style.MIN_FONT_PT * _scene.DPI / 72 * min(1.0, scale)
    assert smallest_px >= 9, f"figure shown at {scale:.0%}: smallest text {smallest_px:.1f} px"
    screenshot("panel-900px")
    page.set_viewport_size(viewport)


def _reopen_saved(page, lab, screenshot):
    """Save, stop the kernel, reload: the last picture, no "Error displaying widget"."""
    from playwright.sync_api import expect

    _, last_png = image_bytes(page.locator(".cu-explorer img.cu-explorer-image"))
    assert save_notebook(page) is False, "the notebook is still unsaved"
    lab.shutdown_sessions()
    page.reload(wait_until="domcontentloaded")
    index = page.evaluate(_CONTEXT_READY_JS)
    assert index >= 0, "the saved notebook has no explorer output"
    img = page.locator(".cu-explorer img.cu-explorer-image")
    expect(img).to_have_count(1)
    page.wait_for_timeout(3000)  # an unknown widget model shows its error within 2 s
    expect(page.get_by_text("Error displaying widget")).to_have_count(0)
    img.scroll_into_view_if_needed()
    _, png = image_bytes(img)
    screenshot("reopened")
    assert pixel_mismatch(png, last_png) < 0.01, "the reopened notebook does not show the last picture"
    expect(page.locator(".cu-explorer-reopen")).to_contain_text("run this cell again")


_CONTEXT_READY_JS = """
async () => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  for (let i = 0; i < 600 && !window.jupyterapp; i++) await sleep(100);
  await window.jupyterapp.restored;
  let panel = null;
  for (let i = 0; i < 600; i++) {
    panel = window.jupyterapp.shell.currentWidget;
    if (panel && panel.context) break;
    await sleep(100);
  }
  await panel.context.ready;
  // JupyterLab renders only the cells in view: scroll to the (first) widget output.
  const hasWidget = c => c.model.type === 'code' && Array.from(
      {length: c.model.outputs.length}, (_, k) => c.model.outputs.get(k))
      .some(o => o.data && o.data['application/vnd.jupyter.widget-view+json']);
  const i = panel.content.widgets.findIndex(hasWidget);
  if (i < 0) return -1;
  panel.content.activeCellIndex = i;
  await panel.content.scrollToItem(i, 'center');
  return i;
}
"""
