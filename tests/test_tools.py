"""The authors' tools: tools/regenerate.py (execute + normalise) and the jupytext route for
drafting a notebook as a percent-format script."""
from __future__ import annotations

import importlib.util
import json
import pathlib
import shutil

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("regenerate", ROOT / "tools" / "regenerate.py")
regenerate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regenerate)

DRAFT = '''# %% [markdown]
# # 99 · A draft
#
# The idea, with maths: $f(x) = x^2$.

# %%
import numpy as np

# %% [markdown]
# ## Solutions

# %% jupyter={"source_hidden": true, "outputs_hidden": true} tags=["solution"]
answer = np.sqrt(2)
print(f"{answer:.4f}")
'''
SOLUTION = {"jupyter": {"source_hidden": True, "outputs_hidden": True}, "tags": ["solution"]}


def _code(source, outputs=(), **metadata):
    cell = nbformat.v4.new_code_cell(source, metadata=metadata)
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return cell


def _stream(text):
    return {"output_type": "stream", "name": "stdout", "text": text}


# ------------------------------------------------------------------------- jupytext route

def test_percent_draft_becomes_a_notebook_with_standard_solution_metadata():
    jupytext = pytest.importorskip("jupytext")
    nb = jupytext.reads(DRAFT, fmt="py:percent")
    kinds = [c.cell_type for c in nb.cells]
    assert kinds == ["markdown", "code", "markdown", "code"]
    assert nb.cells[3].metadata == SOLUTION
    assert nb.cells[0].source.startswith("# 99 · A draft")
    assert all(c.metadata == {} for c in nb.cells[:3])
    # ... and back: the same script, so a notebook can be edited as text too.
    assert jupytext.writes(nb, fmt="py:percent").strip() == DRAFT.strip()


def test_py2nb_is_gone_and_the_readme_describes_jupytext():
    assert not (ROOT / "tools" / "py2nb.py").exists()
    readme = (ROOT / "README.md").read_text()
    assert "py2nb" not in readme and "jupytext --to ipynb" in readme
    assert 'jupyter={"source_hidden": true, "outputs_hidden": true} tags=["solution"]' in readme


# --------------------------------------------------------------------------- regenerate.py

def test_all_notebooks_are_the_numbered_lessons():
    names = [p.name for p in regenerate.all_notebooks()]
    assert names == sorted(names) and names and all(n[:2].isdigit() and n.endswith(".ipynb") for n in names)


def test_sanitizer_masks_what_nbval_masks():
    sanitize = regenerate.sanitizer()
    assert sanitize("took 12.5 ms") == sanitize("took 3 s")
    assert sanitize("numpy OK (version 2.1.0; needs >= 2.0)") == sanitize("numpy OK (version 2.4.6; needs >= 2.0)")
    assert sanitize("loss 0.1234") != sanitize("loss 0.1235")


def test_keep_stable_text_keeps_masked_differences_only():
    stored = nbformat.v4.new_notebook(cells=[_code("a", [_stream("took 12.5 ms\n")]),
                                             _code("b", [_stream("loss 0.1234\n")])])
    fresh = nbformat.v4.new_notebook(cells=[_code("a", [_stream("took 9.1 ms\n")]),
                                            _code("b", [_stream("loss 0.9999\n")])])
    regenerate.keep_stable_text(stored, fresh)
    assert fresh.cells[0].outputs[0].text == "took 12.5 ms\n"  # only a timing changed: keep the stored one
    assert fresh.cells[1].outputs[0].text == "loss 0.9999\n"  # a real change shows


def test_widget_views_are_stored_as_the_fixed_sentence():
    view = {"output_type": "display_data", "metadata": {"x": 1},
            "data": {regenerate.WIDGET_MIME: {"model_id": "abc"}, "text/plain": "VBox(...)"}}
    nb = nbformat.v4.new_notebook(cells=[_code("cu.widgets.descent_1d_explorer()", [view])])
    regenerate.replace_widget_outputs(nb)
    out = nb.cells[0].outputs[0]
    assert out["data"] == {"text/plain": regenerate.WIDGET_PLACEHOLDER} and out["metadata"] == {}


def test_check_fails_on_an_unnormalised_notebook_and_normalise_fixes_it(tmp_path):
    if shutil.which("nbstripout") is None and importlib.util.find_spec("nbstripout") is None:
        pytest.skip("nbstripout is not installed")
    nb = nbformat.v4.new_notebook(cells=[_code("print(1)", [_stream("1\n")])])
    nb.cells[0].execution_count = 1
    nb.metadata["widgets"] = {"state": {}}  # what a live session leaves behind
    nb.metadata["jupytext"] = {"cell_metadata_filter": "-all"}  # what `jupytext --to ipynb` leaves
    path = tmp_path / "01_x.ipynb"
    nbformat.write(nb, path)
    assert regenerate.main(["--check", str(path)]) == 1  # not normalised (2 would be a usage error)
    assert regenerate.main(["--normalise-only", str(path)]) == 0
    assert regenerate.main(["--check", str(path)]) == 0
    cleaned = json.loads(path.read_text())
    assert "widgets" not in cleaned["metadata"] and "jupytext" not in cleaned["metadata"]
    assert cleaned["cells"][0]["outputs"][0]["text"] == ["1\n"] and cleaned["cells"][0]["execution_count"] == 1


def test_merge_streams_joins_consecutive_pieces_of_one_stream_only():
    cell = nbformat.v4.new_code_cell("print(1)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="a\n"),
                    nbformat.v4.new_output("stream", name="stdout", text="b\n"),
                    nbformat.v4.new_output("stream", name="stderr", text="warn\n"),
                    nbformat.v4.new_output("stream", name="stdout", text="c\n"),
                    nbformat.v4.new_output("display_data", data={"text/plain": "x"}),
                    nbformat.v4.new_output("stream", name="stdout", text="d\n")]
    nb = nbformat.v4.new_notebook(cells=[cell, nbformat.v4.new_markdown_cell("text")])
    regenerate.merge_streams(nb)
    assert [(o.output_type, o.get("name"), o.get("text")) for o in nb.cells[0].outputs] == [
        ("stream", "stdout", "a\nb\n"), ("stream", "stderr", "warn\n"), ("stream", "stdout", "c\n"),
        ("display_data", None, None), ("stream", "stdout", "d\n")]
