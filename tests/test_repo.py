"""Repository checks: dependency files agree, the README and 00 map every notebook, and the
committed notebooks follow the course conventions nbval alone cannot see."""
from __future__ import annotations

import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
REQUIREMENT = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)\s*(.*)$")


def _parse(lines):
    """{normalised name: specifier} from requirement-style lines (skipping -e / comments)."""
    found = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name, spec = REQUIREMENT.match(line).groups()
        found[name.lower().replace("_", "-")] = spec.replace(" ", "")
    return found


def requirements_txt(name="requirements.txt"):
    return _parse((ROOT / name).read_text().splitlines())


def environment_yml():
    """Conda and pip dependencies of environment.yml (a small parser: no YAML library needed)."""
    conda, pip, section = [], [], None
    for raw in (ROOT / "environment.yml").read_text().splitlines():
        stripped = raw.split("#", 1)[0].rstrip()
        if not stripped.strip():
            continue
        if not raw.startswith(" "):
            section = stripped.rstrip(":")
            continue
        item = stripped.strip()
        if section != "dependencies" or not item.startswith("- "):
            continue
        entry = item[2:].strip()
        if entry == "pip:":
            continue
        (pip if raw.startswith("      ") else conda).append(entry)
    conda_deps = _parse(conda)
    conda_deps.pop("python", None)
    conda_deps.pop("pip", None)
    return conda_deps, _parse(pip)


def test_requirements_and_environment_name_the_same_packages_and_bounds():
    conda, pip = environment_yml()
    assert set(conda).isdisjoint(pip), f"listed twice in environment.yml: {set(conda) & set(pip)}"
    assert {**conda, **pip} == requirements_txt()


def test_both_dependency_files_install_course_utils_editable():
    assert "-e ." in (ROOT / "requirements.txt").read_text().splitlines()
    assert "- -e ." in (ROOT / "environment.yml").read_text()


def test_environment_pins_a_supported_python():
    assert re.search(r"^\s+- python>=3\.1\d", (ROOT / "environment.yml").read_text(), re.M)


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt"])
def test_no_exact_pins_that_would_break_on_new_pythons(name):
    specs = requirements_txt(name)
    assert specs and not [spec for spec in specs.values() if not spec.startswith(">=")]


def test_learner_set_is_lean_and_the_dev_set_adds_to_it():
    learner, dev = requirements_txt(), requirements_txt("requirements-dev.txt")
    assert "-r requirements.txt" in (ROOT / "requirements-dev.txt").read_text().splitlines()
    assert set(learner).isdisjoint(dev), "listed in both requirement files"
    authors_tools = {"nbval", "pytest", "pytest-xdist", "playwright", "voila", "hypothesis", "ruff"}
    assert authors_tools <= set(dev) and authors_tools.isdisjoint(learner)
    assert {"numpy", "matplotlib", "jupyterlab", "ipywidgets", "ipykernel"} <= set(learner)


def test_required_layout_exists():
    for path in ["notebooks", "course_utils/__init__.py", "tests", "environment.yml", "requirements.txt",
                 "requirements-dev.txt",
                 "README.md", ".ci/run", "LICENSE", "pyproject.toml", "tests/nbval_sanitize.cfg"]:
        assert (ROOT / path).exists(), path


def _links(text):
    return set(re.findall(r"\(((?:notebooks/)?\d\d_[\w]+\.ipynb)\)", text))


def test_readme_lists_every_notebook_and_only_existing_ones():
    links = {pathlib.Path(p).name for p in _links((ROOT / "README.md").read_text())}
    names = {p.name for p in NOTEBOOKS}
    assert names - links == set(), "notebooks missing from the README map"
    assert links - names == set(), "README links to notebooks that do not exist"


def test_start_notebook_links_every_other_notebook():
    text = "".join("".join(c["source"]) for c in _load(ROOT / "notebooks/00_start_here.ipynb")["cells"])
    names = {p.name for p in NOTEBOOKS} - {"00_start_here.ipynb"}
    assert names - _links(text) == set()


def test_readme_two_commands_are_make_targets():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    for target in ("lab", "test"):
        assert f"make {target}" in readme
        assert re.search(rf"^{target}:", makefile, re.M)
    assert "make test" in (ROOT / ".ci/run").read_text()
    assert "$(BIN)/python -m pytest" in makefile


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _code_cells(path):
    return [c for c in _load(path)["cells"] if c["cell_type"] == "code"]


def _src(cell):
    return "".join(cell["source"])


notebook_params = pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])


@notebook_params
def test_execution_counts_run_one_to_n(path):
    counts = [c["execution_count"] for c in _code_cells(path) if _src(c).strip()]
    assert counts == list(range(1, len(counts) + 1))


@notebook_params
def test_no_errors_svg_or_warnings_stored(path):
    for cell in _code_cells(path):
        for out in cell["outputs"]:
            assert out["output_type"] != "error", _src(cell)[:80]
            assert "image/svg+xml" not in out.get("data", {})
            if out.get("name") == "stderr":
                pytest.fail(f"stderr stored in {path.name}: {''.join(out['text'])[:200]}")


@notebook_params
def test_exactly_one_imports_cell(path):
    cells = _code_cells(path)
    importing = [c for c in cells if re.search(r"^\s*(import|from)\s+\w", _src(c), re.M)]
    assert len(importing) == 1, [_src(c)[:60] for c in importing]
    src = _src(importing[0])
    for line in ("import numpy as np", "import matplotlib.pyplot as plt", "import course_utils as cu"):
        assert line in src


@notebook_params
def test_randomness_only_through_explicit_generators(path):
    for cell in _code_cells(path):
        assert "np.random.seed" not in _src(cell)
        assert not re.search(r"np\.random\.(rand|randn|randint|normal|uniform|choice|shuffle)\(", _src(cell))


@notebook_params
def test_ignore_output_only_on_widget_cells(path):
    for cell in _code_cells(path):
        if "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
            assert "cu.widgets." in _src(cell), _src(cell)[:80]


@notebook_params
def test_unstable_outputs_are_marked_with_the_cell_tag_not_a_comment(path):
    # A learner would see the comment as the first line of the cell; nbval reads the tag.
    marked = [_src(c)[:60] for c in _code_cells(path) if re.search(r"#\s*NBVAL_\w+", _src(c))]
    assert marked == [], "use the cell tag nbval-ignore-output instead of a # NBVAL_... comment"


@notebook_params
def test_a_static_figure_comes_right_before_each_explorer(path):
    cells = _code_cells(path)
    for k, cell in enumerate(cells):
        if "cu.widgets." not in _src(cell):
            continue
        shown = [c for c in cells[:k] if c["outputs"]]
        assert shown and any("image/png" in o.get("data", {}) for o in shown[-1]["outputs"]), \
            "readers on GitHub/nbviewer see no sliders: draw the explorer's first picture just before it"


@notebook_params
def test_widget_views_are_stored_as_a_stable_sentence(path):
    for cell in _code_cells(path):
        for out in cell["outputs"]:
            assert "application/vnd.jupyter.widget-view+json" not in out.get("data", {}), \
                "run tools/regenerate.py: it replaces random widget model ids by a fixed sentence"


@notebook_params
def test_plot_cells_end_with_show_and_outputs_are_png(path):
    for cell in _code_cells(path):
        images = [o for o in cell["outputs"] if "image/png" in o.get("data", {})]
        if images:
            assert _src(cell).rstrip().endswith("plt.show()"), _src(cell)[-80:]


@notebook_params
def test_no_bare_numpy_scalar_reprs_printed(path):
    for cell in _code_cells(path):
        for out in cell["outputs"]:
            text = "".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))
            assert "np.float64(" not in text and "np.int64(" not in text, text[:120]


@notebook_params
def test_exercises_have_collapsed_worked_solutions(path):
    if path.name.startswith("00_"):
        return
    solutions = [c for c in _code_cells(path) if "solution" in c.get("metadata", {}).get("tags", [])]
    assert solutions, "every lesson has at least one exercise with a worked solution"
    for cell in solutions:
        # Source and output both collapsed: a stored "Correct: ..." line would give the answer away.
        assert cell["metadata"].get("jupyter", {}).get("source_hidden") is True
        assert cell["metadata"].get("jupyter", {}).get("outputs_hidden") is True
        assert cell["outputs"], "the worked solution is executed and its self-check output stored"


def _fake_python(tmp_path, *, venv_works, version_ok=True):
    """A `python3` whose `-m venv` behaves like Debian's without python3-venv (half-made .venv)."""
    script = tmp_path / "python3"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "-c" ]; then exit {0 if version_ok else 1}; fi\n'
        'if [ "$1 $2" = "-m venv" ]; then\n'
        '  mkdir -p "$3/bin" && ln -s /bin/false "$3/bin/python"\n'
        f"  exit {0 if venv_works else 1}\n"
        "fi\n"
        "exit 2\n")
    script.chmod(0o755)
    return script


def _make(tmp_path, python, target=".venv/.created"):
    import subprocess
    venv = tmp_path / "venv"
    done = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), f"PYTHON={python}", f"VENV={venv}",
                           str(venv / target.split("/", 1)[1])], capture_output=True, text=True)
    return done, venv


@pytest.mark.parametrize("venv_works", [False, True])
def test_makefile_explains_a_missing_python3_venv_and_leaves_no_half_made_venv(tmp_path, venv_works):
    # venv_works=True: the environment is made but has no working pip (the other half-made case).
    done, venv = _make(tmp_path, _fake_python(tmp_path, venv_works=venv_works))
    assert done.returncode != 0
    assert "sudo apt install python3-venv" in done.stdout + done.stderr
    assert not venv.exists()


def test_makefile_refuses_an_old_python(tmp_path):
    done, venv = _make(tmp_path, _fake_python(tmp_path, venv_works=True, version_ok=False))
    assert done.returncode != 0 and "Python >= 3.10" in done.stdout + done.stderr
    assert not venv.exists()


def test_readme_layout_lists_every_top_level_folder():
    import subprocess
    readme = (ROOT / "README.md").read_text()
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^([.\w-]+)/\s", layout, re.M))
    try:
        tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    folders = {line.split("/", 1)[0] for line in tracked.splitlines() if "/" in line}
    assert folders - listed == set(), "folders missing from the README's Layout section"
    assert listed - folders == set(), "the Layout section lists folders that are not in the repository"


def _prerequisites(target):
    makefile = (ROOT / "Makefile").read_text()
    return re.search(rf"^{target}:(.*)$", makefile, re.M).group(1).split()


def test_make_lab_installs_the_learner_set_and_make_test_the_authors_set():
    assert _prerequisites("lab") == ["$(VENV)/.learner"]
    assert _prerequisites("test") == ["$(VENV)/.dev"]
    assert "requirements.txt" in _prerequisites(r"\$\(VENV\)/\.learner")
    assert "requirements-dev.txt" not in _prerequisites(r"\$\(VENV\)/\.learner")
    assert "requirements-dev.txt" in _prerequisites(r"\$\(VENV\)/\.dev")


def test_chromium_path_follows_the_environment_variable(monkeypatch):
    from conftest import DEFAULT_CHROMIUM, chromium_path
    monkeypatch.delenv("CHROMIUM", raising=False)
    assert chromium_path() == DEFAULT_CHROMIUM == "/usr/bin/chromium"
    monkeypatch.setenv("CHROMIUM", "/opt/chromium/chrome")
    assert chromium_path() == "/opt/chromium/chrome"


def test_browser_tests_skip_cleanly_without_the_chromium_they_are_pointed_at(monkeypatch):
    import browser_lab
    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="/nonexistent/chromium"):
        with browser_lab.chromium():
            pass
