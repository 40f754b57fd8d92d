# The course in two commands:  make lab   (set up and open JupyterLab: the learner set only)
#                              make test  (add the authors' tools, run every unit test and notebook)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Parallel test workers; CI passes its own (-n 2 -p no:cacheprovider). Plain `python -m pytest`
# runs in one process, so --lf and --pdb work for a maintainer.
PYTEST_ARGS ?= -n auto
# The second environment of `make lowest`: the lowest versions the requirement files admit.
LOWEST_VENV ?= .venv-lowest
# jupyter refuses to run as root unless told; learners on their own machine are not root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test lint present regenerate check-normalised bench site lowest clean

# Debian and Ubuntu ship venv's pip bootstrap separately (python3-venv): without it
# `python3 -m venv` leaves a half-made environment, so check first and say what to install.
$(VENV)/.created:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null || \
	  { echo "make: the course needs Python >= 3.10; '$(PYTHON)' is missing or older (try: make PYTHON=python3.12 lab)"; exit 1; }
	@rm -rf $(VENV)
	@$(PYTHON) -m venv $(VENV) >/dev/null 2>&1 && $(BIN)/python -m pip --version >/dev/null 2>&1 || \
	  { rm -rf $(VENV); echo "make: '$(PYTHON) -m venv' cannot create a virtual environment with pip."; \
	    echo "      On Debian or Ubuntu install it with:  sudo apt install python3-venv   then run make again."; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

# The learner set (requirements.txt): what `make lab` needs.
$(VENV)/.learner: requirements.txt pyproject.toml $(VENV)/.created
	$(BIN)/python -m pip install -r requirements.txt
	touch $@

# The authors' set on top (requirements-dev.txt): tests, notebook tools, voila, site, linter.
# `make present` runs voila on its own; as a JupyterLab server extension voila would only add a
# deprecation warning (ServerApp.token) to every `jupyter lab` start, so each environment that
# has voila switches it off: $(call no_voila_extension,VENV).
no_voila_extension = $(1)/bin/jupyter server extension disable --sys-prefix voila.server_extension >/dev/null

$(VENV)/.dev: requirements-dev.txt $(VENV)/.learner
	$(BIN)/python -m pip install -r requirements-dev.txt
	$(call no_voila_extension,$(VENV))
	touch $@

lab: $(VENV)/.learner
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/00_start_here.ipynb

test: $(VENV)/.dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .

# Instructors: every explorer in one browser page, code hidden (voila, http://localhost:8866).
# JUPYTER_PATH finds apps/voila/templates/course: voila's page without its CDN font links.
# jupytext (a dev tool) ships a JupyterLab extension that breaks voila's page (a console error).
VOILA_DENY := --VoilaConfiguration.extension_denylist='["jupyterlab-jupytext"]'
present: $(VENV)/.dev
	JUPYTER_PATH="$(CURDIR)/apps" $(BIN)/voila --template=course $(VOILA_DENY) apps/explorers.ipynb

regenerate: $(VENV)/.dev
	$(BIN)/python tools/regenerate.py

check-normalised: $(VENV)/.dev
	$(BIN)/python tools/regenerate.py --check

bench: $(VENV)/.dev
	$(BIN)/python -m benchmarks.bench

# MathJax for the website, from the npm registry (package.json / package-lock.json).
node_modules/mathjax/es5/tex-chtml.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The course website in site/ (static HTML: publish the folder on any static host).
site: $(VENV)/.dev node_modules/mathjax/es5/tex-chtml.js
	$(BIN)/python tools/build_site.py

# The unit tests (and the linter) at the lowest versions both requirement files admit, in a
# second environment: the floors they declare are floors that pass.
lowest: $(VENV)/.dev
	rm -rf $(LOWEST_VENV)
	$(BIN)/uv venv --quiet --python $(PYTHON) $(LOWEST_VENV)
	VIRTUAL_ENV=$(LOWEST_VENV) $(BIN)/uv pip install --quiet --resolution lowest-direct -r requirements-dev.txt
	$(call no_voila_extension,$(LOWEST_VENV))
	VIRTUAL_ENV=$(LOWEST_VENV) $(BIN)/uv pip list | grep -iE '^(numpy|matplotlib|jupyterlab|ipywidgets|ipykernel|packaging|pytest|voila|sphinx|myst-nb) '
	$(LOWEST_VENV)/bin/ruff check .
	$(LOWEST_VENV)/bin/python -m pytest tests course_utils benchmarks -m "not browser" $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) $(LOWEST_VENV) build dist site node_modules *.egg-info
