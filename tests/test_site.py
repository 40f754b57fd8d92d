"""The course website (tools/build_site.py, `make site`): it builds with no warning, from the
committed notebooks, and three pages work in Chromium served from 127.0.0.1 alone."""
from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import os
import pathlib
import re
import threading
import urllib.parse

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("build_site", ROOT / "tools" / "build_site.py")
build_site = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_site)

NOTEBOOKS = build_site.notebooks()
HAS_MATHJAX = (build_site.MATHJAX / "tex-chtml.js").is_file()


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ the build script alone

def test_site_notebook_collapses_hidden_sources_and_adds_a_download_link():
    nb = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Title"]},
        {"cell_type": "code", "metadata": {}, "source": ["x = 1"]},
        {"cell_type": "code", "metadata": {"jupyter": {"source_hidden": True}, "tags": ["solution"]},
         "source": ["answer = 2"]},
        {"cell_type": "code", "metadata": {"jupyter": {"source_hidden": True, "outputs_hidden": True},
                                           "tags": ["solution"]}, "source": ["answer = 3"]},
    ]}
    before = json.dumps(nb)
    page = build_site.site_notebook(nb, "../downloads/01_x.ipynb")
    assert json.dumps(nb) == before, "the committed notebook's JSON must not change"
    cells = page["cells"]
    assert cells[0]["source"] == ["# Title"]  # the title stays first: it names the page
    assert "{download}`Download this notebook <../downloads/01_x.ipynb>`" in cells[1]["source"][0]
    assert cells[3]["metadata"]["tags"] == ["solution", "hide-input"]
    assert cells[4]["metadata"]["tags"] == ["solution", "hide-input", "hide-output"]
    assert "tags" not in cells[2]["metadata"]


def test_landing_page_orders_the_notebooks_for_previous_next():
    page = build_site.landing_page("# Course\n\ntext\n", ["00_a", "01_b"])
    assert page.startswith("# Course\n\ntext\n")
    toctree = page.split("```{toctree}", 1)[1]
    assert ":hidden:" in toctree and toctree.index("notebooks/00_a") < toctree.index("notebooks/01_b")


def test_stage_refuses_to_build_without_mathjax(tmp_path):
    with pytest.raises(SystemExit, match="npm ci"):
        build_site.stage(tmp_path / "src", mathjax=tmp_path / "missing")


# ------------------------------------------------------------------------ the built site

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site built in a temporary folder; the build fails on any Sphinx warning (-W)."""
    if not HAS_MATHJAX:
        reason = "MathJax is not installed: run `npm ci` (make site does)"
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"{reason}; under CI=true the site must build")
        pytest.skip(reason)
    return build_site.build(tmp_path_factory.mktemp("site") / "html")


def test_site_has_a_page_per_notebook_and_the_landing_page(site):
    assert (site / "index.html").is_file() and (site / "search.html").is_file()
    index = (site / "index.html").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert (site / "notebooks" / f"{path.stem}.html").is_file(), path.name
        assert f'href="notebooks/{path.stem}.html"' in index, f"the landing page links {path.name}"


def test_figures_are_the_committed_outputs(site):
    for path in NOTEBOOKS:
        pngs = sum("image/png" in out.get("data", {}) for cell in _load(path)["cells"]
                   for out in cell.get("outputs", []))
        html = (site / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")
        images = re.findall(r'<img[^>]+src="(\.\./_images/[^"]+)"', html)
        assert len(images) == pngs, path.name
        assert all((site / "notebooks" / src).resolve().is_file() for src in images)


def test_download_links_give_the_committed_notebooks(site):
    for path in NOTEBOOKS:
        html = (site / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")
        links = re.findall(rf'href="(\.\./_downloads/[^"]+/{re.escape(path.name)})"', html)
        assert links, f"{path.stem}: no download link"
        assert (site / "notebooks" / links[0]).resolve().read_bytes() == path.read_bytes()


def test_solutions_are_collapsed_on_the_pages(site):
    for path in NOTEBOOKS:
        # One collapsed block per hidden source and one per hidden (non-empty) output.
        flags = [(c.get("metadata", {}).get("jupyter", {}), bool(c.get("outputs")))
                 for c in _load(path)["cells"]]
        hidden = sum(bool(j.get("source_hidden")) + bool(j.get("outputs_hidden") and has_output)
                     for j, has_output in flags)
        html = (site / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")
        collapsed = re.findall(r"<details class=\"[^\"]*\bhide\b[^\"]*\"(?![^>]*\bopen\b)", html)
        assert len(collapsed) == hidden, path.name


def test_every_script_and_stylesheet_is_served_by_the_site(site):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for ref in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', html):
            assert not urllib.parse.urlsplit(ref).netloc, f"{page.name} loads {ref}"
    assert (site / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert (site / "_static" / "mathjax" / "output" / "chtml" / "fonts").is_dir()


# ------------------------------------------------------------- three pages in a browser

@pytest.fixture(scope="module")
def server(site):
    """A static HTTP server for the site on 127.0.0.1 (a free port)."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


# JavaScript: the text a reader sees outside code and typeset maths (raw $...$ would show here).
_PROSE = """() => {
  const main = document.querySelector('article') || document.body;
  const copy = main.cloneNode(true);
  copy.querySelectorAll('pre, code, mjx-container, script, style, .highlight, .output').forEach(e => e.remove());
  return copy.innerText;
}"""
_IMAGES = "() => Array.from(document.images).map(i => [i.getAttribute('src'), i.complete, i.naturalWidth])"
# One page with only prose, two with figures, maths and solutions.
PAGES = ["index.html", "notebooks/03_gradient_descent_2d.html", "notebooks/10_backpropagation.html"]


def _open(browser, url):
    """Open ``url``; return (page, requests to other hosts, console errors)."""
    context = browser.new_context()
    page = context.new_page()
    outside, errors = [], []

    def route(r):
        if urllib.parse.urlsplit(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url, wait_until="load")
    return page, outside, errors


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_page_in_chromium(playwright_browser, server, path):
    page, outside, errors = _open(playwright_browser, f"{server}/{path}")
    try:
        has_maths = page.evaluate("() => !!document.querySelector('.math')")
        if has_maths:
            page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
            page.evaluate("() => MathJax.startup.promise")
            assert page.evaluate("() => document.querySelectorAll('mjx-container').length") > 0
        prose = page.evaluate(_PROSE)
        raw = re.findall(r"\$[^$\n]{1,80}\$|\\\(|\\\[", prose)
        assert not raw, f"maths left untypeset: {raw[:3]}"
        images = page.evaluate(_IMAGES)
        if path.startswith("notebooks/"):
            assert has_maths and len(images) >= 1
            assert page.evaluate("() => document.querySelectorAll('details.hide:not([open])').length") >= 1
            links = "() => [!!document.querySelector('a.next-page'), !!document.querySelector('a.prev-page')]"
            assert page.evaluate(links) == [True, True]
        broken = [src for src, complete, width in images if not (complete and width > 0)]
        assert not broken, f"figures not decoded: {broken}"
        assert outside == [], f"requests left 127.0.0.1: {outside}"
        assert errors == [], f"console errors: {errors}"
    finally:
        page.context.close()


@pytest.mark.browser
def test_search_finds_a_lesson(playwright_browser, server):
    page, outside, errors = _open(playwright_browser, f"{server}/search.html?q=backpropagation")
    try:
        page.wait_for_selector("#search-results ul li a", timeout=30_000)
        hits = page.evaluate("() => Array.from(document.querySelectorAll('#search-results ul li a')).map(a => a.href)")
        assert any("10_backpropagation" in href for href in hits)
        assert outside == [] and errors == []
    finally:
        page.context.close()


def test_make_site_builds_into_site_folder():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^site:", makefile, re.M) and "tools/build_site.py" in makefile
    assert "site/" in (ROOT / ".gitignore").read_text().splitlines()
