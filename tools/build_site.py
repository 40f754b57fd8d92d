"""Build the course website from the committed notebooks, without executing them.

Usage (from the repository root; ``make site`` runs it)::

    python tools/build_site.py                 # -> site/index.html
    python tools/build_site.py --out /tmp/web  # anywhere else

A staging folder gets the landing page (the README with a table of contents of the notebooks
in map order), a page per notebook, the untouched notebooks to download, and MathJax from the
npm package ``mathjax`` (``npm ci`` installs it into node_modules/). On the pages, worked
solutions (cells whose source JupyterLab hides) stay collapsed, and each notebook starts with
its download link. Sphinx then builds HTML with every warning an error.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
MATHJAX = ROOT / "node_modules" / "mathjax" / "es5"
# Files the README links to that are not notebooks: copied so the links work on the site
# (markdown ones become pages reached only through those links).
EXTRA_FILES = ("LICENSE", "benchmarks/RESULTS.md")
ORPHAN = "---\norphan: true\n---\n"
# myst-nb's tags for a collapsed cell source and a collapsed output, from JupyterLab's flags.
HIDDEN_TAGS = {"source_hidden": "hide-input", "outputs_hidden": "hide-output"}


def notebooks(root=ROOT):
    """The lessons in map order (their file names start with the two-digit number)."""
    return sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def site_notebook(nb, download):
    """The notebook as the site shows it: a download link first, hidden sources and outputs collapsed.

    ``nb`` is the notebook's JSON (a dict, not changed); ``download`` the link target.
    """
    nb = json.loads(json.dumps(nb))
    for cell in nb["cells"]:
        hidden = cell.get("metadata", {}).get("jupyter", {})
        for flag, tag in HIDDEN_TAGS.items():
            if hidden.get(flag):
                tags = cell["metadata"].setdefault("tags", [])
                if tag not in tags:
                    tags.append(tag)
    link = {"cell_type": "markdown", "id": "site-download-link", "metadata": {},
            "source": [f"{{download}}`Download this notebook <{download}>` to run it in JupyterLab."]}
    title = next((i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown"), -1)
    nb["cells"].insert(title + 1, link)  # after the title cell: the page title stays the notebook's
    return nb


def landing_page(readme, names):
    """The README followed by a hidden table of contents that orders the pages (prev/next)."""
    entries = "\n".join(f"notebooks/{name}" for name in names)
    return f"{readme.rstrip()}\n\n```{{toctree}}\n:hidden:\n:maxdepth: 1\n\n{entries}\n```\n"


def stage(dest, root=ROOT, mathjax=MATHJAX):
    """Write the Sphinx source folder of the site into ``dest``."""
    if not (mathjax / "tex-chtml.js").is_file():
        raise SystemExit(f"MathJax is missing ({mathjax}): run `npm ci` in {root} first (make site does).")
    shutil.copytree(root / "docs", dest, dirs_exist_ok=True)
    top = mathjax.resolve()

    def other_bundles(folder, names):  # MathJax ships several combined bundles; the site loads one
        return [n for n in names if n.endswith(".js") and n != "tex-chtml.js"] if pathlib.Path(folder) == top else []

    shutil.copytree(top, dest / "_static" / "mathjax", dirs_exist_ok=True, ignore=other_bundles)
    (dest / "notebooks").mkdir(exist_ok=True)
    (dest / "downloads").mkdir(exist_ok=True)
    paths = notebooks(root)
    for path in paths:
        shutil.copy2(path, dest / "downloads" / path.name)
        nb = json.loads(path.read_text(encoding="utf-8"))
        page = site_notebook(nb, f"../downloads/{path.name}")
        (dest / "notebooks" / path.name).write_text(json.dumps(page, indent=1, ensure_ascii=False), encoding="utf-8")
    for name in EXTRA_FILES:
        if (root / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            text = (root / name).read_text(encoding="utf-8")
            (dest / name).write_text(ORPHAN + text if name.endswith(".md") else text, encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    (dest / "index.md").write_text(landing_page(readme, [p.stem for p in paths]), encoding="utf-8")
    return dest


def build(out, *, root=ROOT, quiet=True):
    """Stage and build the site into ``out``; raise CalledProcessError on any Sphinx warning."""
    out = pathlib.Path(out).resolve()
    with tempfile.TemporaryDirectory(prefix="course-site-") as tmp:
        src = stage(pathlib.Path(tmp) / "src", root=root)
        doctrees = pathlib.Path(tmp) / "doctrees"
        if out.exists():
            shutil.rmtree(out)
        command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-n",
                   "-d", str(doctrees), str(src), str(out)]
        subprocess.run(command + (["-q"] if quiet else []), check=True)
    (out / ".nojekyll").touch()  # GitHub Pages: serve _static/ as it is
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "site"), help="where to write the HTML (default: site/)")
    parser.add_argument("--verbose", action="store_true", help="show Sphinx's progress")
    args = parser.parse_args(argv)
    try:
        out = build(args.out, quiet=not args.verbose)
    except subprocess.CalledProcessError as error:
        raise SystemExit(f"the site did not build cleanly (Sphinx exit {error.returncode}): "
                         "see the warnings above") from None
    print(f"Built {out / 'index.html'}")


if __name__ == "__main__":
    main()
