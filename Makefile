# Two commands set everything up on a fresh machine with Python 3.11, 3.12 or 3.13:
#   make lab    create .venv if missing, install the pinned requirements, open the course
#   make test   the same set-up, then every test (helpers, datasets, every notebook under nbval)
# Before committing a notebook:
#   make test-portable   the notebooks again under other CPU code paths and the other Pythons
#   make lint            ruff over the helpers, tests, scripts and the notebooks' code cells
#   make test-browser    every explorer in JupyterLab in headless Chromium (bash .ci/install-chromium first)
# For a class (docs/instructor-guide.md):
#   make student       student versions of every notebook (solutions removed) in student/
#   make colab-cell    the Colab install block in every notebook's setup cell (after adding a notebook)
#   make slides        a reveal.js deck per notebook in build/slides/, for viewing offline (needs npm once)
#   make classroom N=10  N simulated learners on a local JupyterHub (docs/classroom-sizing.md)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FIRST_NOTEBOOK := notebooks/01-power-laws.ipynb
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json

# One BLAS thread: the fits work on tiny matrices, where threading on 2 cores is 20-60x slower.
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1
export MKL_NUM_THREADS := 1

# JupyterLab without reaching for the network (news, update checks, extension manager). The
# settings file also makes saved notebooks keep their widgets' state, so an explorer reopened
# without a kernel shows its last figure instead of "model not found".
LAB_FLAGS := --LabApp.news_url=None \
	--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
	--LabApp.extension_manager=readonly \
	$(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)
# Extra options for JupyterLab, e.g. make lab LAB_ARGS="--no-browser --port 8890"
LAB_ARGS ?=

.PHONY: install lab test test-portable test-browser lint benchmark benchmark-lab benchmark-browser manifest simulate constraints clean \
	student colab-cell slides \
	classroom classroom-install test-classroom classroom-constraints

install: $(STAMP)

$(STAMP): requirements.txt constraints.txt pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; found = sys.version.split()[0]; \
		sys.exit("Python 3.11, 3.12 or 3.13 is needed (found " + found + "); set PYTHON=python3.12, say") if v < (3, 11) else \
		print("Note: Python " + found + " is newer than the tested 3.11-3.13; if make test fails, use one of those") if v > (3, 13) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	mkdir -p $(dir $(LAB_SETTINGS))
	printf '%s\n' '{"@jupyterlab/apputils-extension:notification": {"checkForUpdates": false, "fetchNews": "false"}, "@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": true}}' > $(LAB_SETTINGS)
	touch $@

# Serves the repository root (README, datasets/, notebooks/) and opens notebook 01.
lab: install
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/$(FIRST_NOTEBOOK) \
		$(LAB_FLAGS) $(LAB_ARGS)

# The tests in as many processes as the machine has cores (pytest-xdist); each notebook's cells
# stay together, in order, in one process (--dist loadfile), as nbval needs.
test: install
	$(BIN)/python -m pytest -n auto --dist loadfile

test-portable: install
	$(BIN)/python .ci/portability.py

# Real browser: Debian's Chromium (bash .ci/install-chromium) driven by Playwright; artifacts
# (screenshots, latency.json, server.log) in build/browser/. Not part of make test. Builds the
# slides first: the suite opens every deck with the network blocked.
test-browser: install slides
	$(BIN)/python -m pytest tests/browser

lint: install
	$(BIN)/ruff check

# Slides: one reveal.js deck per notebook, NN-topic.slides.html, in build/slides/ with an index.html
# and the reveal.js and MathJax files beside them: zip the folder, open index.html, no network needed.
# reveal.js and MathJax are pinned in docs/slides/package-lock.json; npm installs them once into
# docs/slides/node_modules (the only step that needs a network).
# Rebuilt when a notebook, the slide tooling or the pinned assets change.
SLIDES_ASSETS := docs/slides/node_modules/.package-lock.json
SLIDES_INDEX := build/slides/index.html
SLIDES_SOURCES := $(wildcard notebooks/*.ipynb docs/slides/*.py docs/slides/templates/*/*)

slides: install $(SLIDES_INDEX)

$(SLIDES_INDEX): $(STAMP) $(SLIDES_ASSETS) $(SLIDES_SOURCES)
	$(BIN)/python -m docs.slides.build_slides

$(SLIDES_ASSETS): docs/slides/package.json docs/slides/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "make slides needs npm once, to install the pinned reveal.js and MathJax \
		(Debian: apt-get install npm; or Node.js from nodejs.org)" >&2; exit 1; }
	cd docs/slides && npm ci --no-audit --no-fund --ignore-scripts
	touch $@

benchmark: install
	$(BIN)/python benchmarks/bench_fit_chinchilla.py

benchmark-lab: install
	$(BIN)/python benchmarks/bench_lab.py

benchmark-browser: install
	$(BIN)/python benchmarks/bench_explorer_latency.py

manifest: install
	$(BIN)/python -m helpers.datasets --refresh

simulate: install
	$(BIN)/python datasets/generate_simulated_chinchilla.py

constraints: install
	{ sed -n '1,2p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable; } > constraints.tmp
	mv constraints.tmp constraints.txt

# Both read notebooks/ and need only the standard library (.ci/classroom.py): no set-up first.
student:
	$(PYTHON) .ci/classroom.py student

colab-cell:
	$(PYTHON) .ci/classroom.py colab-cell


# The classroom measurement (docs/classroom-sizing.md): its own venv with jupyterhub (pinned in
# benchmarks/classroom/), configurable-http-proxy from npm (package-lock.json). Not for learners.
CLASSROOM := benchmarks/classroom
CLASSROOM_VENV := .venv-classroom
CLASSROOM_STAMP := $(CLASSROOM_VENV)/.installed
N ?= 10
CLASSROOM_ARGS ?=

classroom-install: $(CLASSROOM_STAMP) $(CLASSROOM)/node_modules/.package-lock.json

$(CLASSROOM_STAMP): requirements.txt constraints.txt $(CLASSROOM)/requirements.txt $(CLASSROOM)/constraints.txt pyproject.toml
	test -x $(CLASSROOM_VENV)/bin/python || $(PYTHON) -m venv $(CLASSROOM_VENV)
	$(CLASSROOM_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt \
		-r $(CLASSROOM)/requirements.txt -c constraints.txt -c $(CLASSROOM)/constraints.txt
	touch $@

$(CLASSROOM)/node_modules/.package-lock.json: $(CLASSROOM)/package.json $(CLASSROOM)/package-lock.json
	cd $(CLASSROOM) && npm ci --no-audit --no-fund

# make classroom N=30 CLASSROOM_ARGS="--start staggered --max-load 2.5"
classroom: classroom-install
	$(CLASSROOM_VENV)/bin/python benchmarks/bench_classroom.py $(N) $(CLASSROOM_ARGS)

# The classroom tests that start a real hub (one learner); the fast ones run in make test.
test-classroom: classroom-install
	COURSE_CLASSROOM_TEST=1 $(CLASSROOM_VENV)/bin/python -m pytest tests/test_bench_classroom.py -o addopts="" \
		-p no:cacheprovider -v

classroom-constraints: classroom-install
	{ sed -n '1,2p' $(CLASSROOM)/constraints.txt; $(CLASSROOM_VENV)/bin/python -m pip freeze --exclude-editable \
		| grep -vxiF -f constraints.txt; } > $(CLASSROOM)/constraints.tmp
	mv $(CLASSROOM)/constraints.tmp $(CLASSROOM)/constraints.txt

clean:
	rm -rf $(VENV) $(VENV)-3.* $(CLASSROOM_VENV) $(CLASSROOM)/node_modules build docs/slides/node_modules
