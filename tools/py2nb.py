"""Build a notebook from a percent-format script (an authoring aid; the .ipynb is the source of truth).

Cells start with a marker line:

* ``# %% [markdown]`` – a Markdown cell; each following line loses its leading ``# `` (or ``#``).
* ``# %%``            – a code cell.
* ``# %% [solution]`` – a worked-solution code cell, collapsed in JupyterLab
  (``"jupyter": {"source_hidden": true}``) but executed by CI.

Usage: ``python tools/py2nb.py draft.py notebooks/NN_topic.ipynb``, then
``python tools/regenerate.py notebooks/NN_topic.ipynb`` to execute and normalise it.
"""
from __future__ import annotations

import re
import sys

import nbformat

MARKER = re.compile(r"^# %%(?: \[(markdown|solution)\])?\s*$")


def cells_from(text):
    kind, lines, cells = None, [], []
    for line in text.splitlines() + ["# %%"]:
        m = MARKER.match(line)
        if not m:
            lines.append(line)
            continue
        if kind is not None:
            cells.append(_cell(kind, lines))
        kind, lines = m.group(1) or "code", []
    return cells


def _cell(kind, lines):
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    if kind == "markdown":
        return nbformat.v4.new_markdown_cell("\n".join(re.sub(r"^# ?", "", ln) for ln in lines))
    cell = nbformat.v4.new_code_cell("\n".join(lines))
    if kind == "solution":
        cell.metadata["jupyter"] = {"source_hidden": True}
        cell.metadata["tags"] = ["solution"]
    return cell


def main(src, dest):
    nb = nbformat.v4.new_notebook()
    nb.cells = cells_from(open(src, encoding="utf-8").read())
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, dest)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
