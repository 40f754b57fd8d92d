# The course in two commands:  make lab   (set up and open JupyterLab)
#                              make test  (run every unit test and every notebook)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# jupyter refuses to run as root unless told; learners on their own machine are not root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test present regenerate bench check-normalised clean

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	touch $@

lab: $(VENV)/.installed
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/00_start_here.ipynb

test: $(VENV)/.installed
	$(BIN)/python -m pytest

# Instructors: every explorer in one browser page, code hidden (voila, http://localhost:8866).
# JUPYTER_PATH finds apps/voila/templates/course: voila's page without its CDN font links.
present: $(VENV)/.installed
	JUPYTER_PATH="$(CURDIR)/apps" $(BIN)/voila --template=course apps/explorers.ipynb

regenerate: $(VENV)/.installed
	$(BIN)/python tools/regenerate.py

check-normalised: $(VENV)/.installed
	$(BIN)/python tools/regenerate.py --check

bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks.bench

clean:
	rm -rf $(VENV) build dist *.egg-info
