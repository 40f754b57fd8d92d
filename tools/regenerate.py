"""Re-execute notebooks top to bottom in a fresh kernel, then normalise them.

Usage (from the repository root)::

    python tools/regenerate.py                      # every notebook
    python tools/regenerate.py notebooks/01_*.ipynb # just some
    python tools/regenerate.py --check              # CI: are the committed files normalised?

Each notebook runs in its own fresh ``python3`` kernel started from this Python, with
``notebooks/`` as the working directory (as nbval does), so execution counts run 1..n.
Figures are stored as PNG (the inline backend's default; the kernel never inherits
``MPLBACKEND``). Afterwards the same normalisation CI verifies is applied: nbstripout
``--keep-output --keep-count`` with the extra keys below. Text that differs from the
stored text only where nbval masks it (timings) keeps its stored value, so running it twice
changes no text output.
"""
from __future__ import annotations

import argparse
import configparser
import os
import pathlib
import re
import subprocess
import sys
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
# Keys that change on every run or machine without changing what the learner sees (and
# jupytext's conversion settings, left by `jupytext --to ipynb` on a drafted notebook).
EXTRA_KEYS = "metadata.language_info.version metadata.widgets metadata.jupytext cell.metadata.execution"
NBSTRIPOUT_ARGS = ["--keep-output", "--keep-count", "--extra-keys", EXTRA_KEYS]


def all_notebooks():
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


SANITIZE_FILE = ROOT / "tests" / "nbval_sanitize.cfg"


def sanitizer():
    """The masking function nbval applies, built from tests/nbval_sanitize.cfg."""
    config = configparser.ConfigParser()
    config.read(SANITIZE_FILE, encoding="utf-8")
    rules = [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]

    def sanitize(text):
        for pattern, replacement in rules:
            text = pattern.sub(replacement, text)
        return text
    return sanitize


def keep_stable_text(old_nb, new_nb):
    """Where a fresh output differs from the stored one only inside masked spans (timings,
    versions), keep the stored text, so that regenerating twice changes no text output."""
    sanitize = sanitizer()
    old_cells = {(c.cell_type, c.source): c for c in old_nb.cells if c.cell_type == "code"}
    for cell in new_nb.cells:
        old = old_cells.get((cell.cell_type, cell.source))
        if old is None or len(old.outputs) != len(cell.outputs):
            continue
        for new_out, old_out in zip(cell.outputs, old.outputs):
            key = "text" if "text" in new_out else None
            if key and "text" in old_out and new_out.text != old_out.text \
                    and sanitize(new_out.text) == sanitize(old_out.text):
                new_out.text = old_out.text


WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_PLACEHOLDER = "Interactive explorer: run this notebook in JupyterLab to use the sliders."


def replace_widget_outputs(nb):
    """Store a fixed sentence instead of a widget view.

    A view's model id is random and its state is not saved, so the stored view could only
    show "model not found"; the sentence is stable and tells a reader on GitHub what to do.
    """
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if WIDGET_MIME in out.get("data", {}):
                out["data"] = {"text/plain": WIDGET_PLACEHOLDER}
                out["metadata"] = {}


def merge_streams(nb):
    """Join consecutive stream outputs of the same stream into one.

    How printed text is cut into stream messages depends on timing, so the same output would
    be stored in different pieces on every run; one piece per stream keeps the files stable.
    """
    for cell in nb.cells:
        merged = []
        for out in cell.get("outputs", []):
            if merged and out.get("output_type") == "stream" \
                    and merged[-1].get("output_type") == "stream" and merged[-1].name == out.name:
                merged[-1].text += out.text
            else:
                merged.append(out)
        if "outputs" in cell:
            cell.outputs = merged


def execute(path, timeout):
    nb = nbformat.read(path, as_version=4)
    stored = nbformat.read(path, as_version=4)
    env_backend = os.environ.pop("MPLBACKEND", None)  # the kernel would inherit it; figures would vanish
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    finally:
        if env_backend is not None:
            os.environ["MPLBACKEND"] = env_backend
    replace_widget_outputs(nb)
    merge_streams(nb)
    keep_stable_text(stored, nb)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nbformat.write(nb, path)


def normalise(paths):
    subprocess.run([sys.executable, "-m", "nbstripout", *NBSTRIPOUT_ARGS, *map(str, paths)], check=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path, help="default: all of notebooks/")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    parser.add_argument("--normalise-only", action="store_true", help="do not execute, only normalise")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a notebook is not normalised")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or all_notebooks()
    if args.check:
        cmd = [sys.executable, "-m", "nbstripout", "--verify", *NBSTRIPOUT_ARGS, *map(str, paths)]
        return subprocess.run(cmd).returncode
    for path in paths:
        if not path.exists():
            parser.error(f"no such notebook: {path}")
        if not args.normalise_only:
            start = time.perf_counter()
            execute(path, args.timeout)
            print(f"executed {path.relative_to(ROOT)} in {time.perf_counter() - start:.1f} s")
    normalise(paths)
    return 0


if __name__ == "__main__":
    sys.exit(main())
