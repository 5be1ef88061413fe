# rnnlab: two commands do everything on a fresh machine with Python (3.11, 3.12 or 3.13) and pip.
#   make lab    set up .venv if needed, then open the course in JupyterLab
#   make test   set up .venv if needed, then run the unit tests and every notebook under nbval
# Another Python: `make lab PYTHON=python3.12`; every tested one in turn: `make test-pythons`.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.rnnlab-installed
# Every install takes the exact versions the stored outputs were made with (constraints.txt), without
# setuptools' ten-line note that an editable install is one (first-run noise in the terminal).
PIP_INSTALL := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet -c constraints.txt
# The course's JupyterLab settings (no news pop-up, no update check), copied into the environment.
LAB_SETTINGS := $(shell find jupyter-settings -name '*.json')
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]-*.ipynb))

# Jupyter, IPython and matplotlib keep their state inside the project while testing,
# and the notebooks run in quick mode (what their stored outputs were made with).
TEST_ENV := RNNLAB_MODE=quick JUPYTER_PLATFORM_DIRS=1 \
	JUPYTER_CONFIG_DIR=$(CURDIR)/.jupyter/config JUPYTER_DATA_DIR=$(CURDIR)/.jupyter/data \
	IPYTHONDIR=$(CURDIR)/.ipython MPLCONFIGDIR=$(CURDIR)/.mplconfig PYDEVD_DISABLE_FILE_VALIDATION=1 \
	RNNLAB_OFFLINE=1 PYTHONPATH=$(CURDIR)/tests/offline
# RNNLAB_OFFLINE + tests/offline/sitecustomize.py: every Python process of a test run (pytest, the
# notebooks' kernels, JupyterLab, nbgrader) is refused any connection beyond loopback.

NBVAL := --nbval --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg \
	--nbval-cell-timeout=600

.PHONY: lab test setup unit notebooks full results benchmarks clean browser test-pythons constraints classroom

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt $(LAB_SETTINGS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(PIP_INSTALL) -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name rnnlab --display-name "Python (rnnlab)" >/dev/null
	cp -R jupyter-settings/etc jupyter-settings/share $(VENV)/
	@touch $(STAMP)

lab: setup
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

test: setup instructor browser classroom book
	$(TEST_ENV) RNNLAB_FIGURES=$(CURDIR)/build/test-figures $(BIN)/python -m pytest tests $(NOTEBOOKS) $(NBVAL)

# The browser test's driver (Playwright, which drives Debian's chromium: no browser download).
BROWSER_STAMP := $(VENV)/.rnnlab-browser
browser: $(BROWSER_STAMP)

$(BROWSER_STAMP): $(STAMP)
	$(PIP_INSTALL) -e ".[browser]"
	@touch $@

# A JupyterHub for a class (classroom/, docs/INSTRUCTORS.md): jupyterhub from PyPI, its proxy
# (configurable-http-proxy) from npm at the version classroom/package-lock.json pins.
CLASSROOM_STAMP := $(VENV)/.rnnlab-classroom
classroom: $(CLASSROOM_STAMP)

$(CLASSROOM_STAMP): $(STAMP) classroom/package-lock.json
	$(PIP_INSTALL) -e ".[classroom]"
	npm ci --prefix classroom --no-audit --no-fund --loglevel=error
	@touch $@

unit: setup
	$(TEST_ENV) RNNLAB_FIGURES=$(CURDIR)/build/test-figures $(BIN)/python -m pytest tests

# Re-execute every notebook in place (quick mode), refreshing the stored outputs.
notebooks: setup
	$(TEST_ENV) $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=python3 \
		--ExecutePreprocessor.record_timing=False $(NOTEBOOKS)

# Full mode, run for real: each notebook (or those numbered in NB="04 07") executed with RNNLAB_MODE=full
# into results/full/, its date, wall time and machine recorded (at most 20 min a notebook on a 2-core CPU).
full: setup
	$(BIN)/python tools/run_full.py $(NB)
	$(BIN)/python tools/collect_results.py

# The claims ledger: every claim the executed notebooks state through rnnlab.course.claims.claim,
# quick (the stored outputs) and full (results/full/), into results/claims.json and RESULTS.md.
results: setup
	$(BIN)/python tools/collect_results.py

# The figures recorded in BENCHMARKS.md (a few minutes; run on a quiet machine).
benchmarks: setup
	$(BIN)/python benchmarks/lstm_speed.py
	$(BIN)/python benchmarks/speed_ladder.py
	$(BIN)/python benchmarks/memory_vs_length.py
	$(BIN)/python benchmarks/widget_redraw.py
	$(BIN)/python benchmarks/sampling_widget.py
	$(BIN)/python benchmarks/attention_widget.py
	$(BIN)/python benchmarks/notebook_times.py

clean:
	rm -rf $(VENV) .venvs .jupyter .ipython .mplconfig .pytest_cache

# `make test` under each Python in PYTHONS, each in its own venv (.venvs/<python>); a Python that
# is not installed is skipped with a line saying so. Prints a table and writes build/test-pythons.md.
PYTHONS ?= python3.11 python3.12 python3.13
test-pythons:
	@bash tools/test_pythons.sh $(PYTHONS)

# Refresh constraints.txt: the newest versions pyproject.toml allows, resolved on $(PYTHON) (use 3.11,
# the oldest supported) in a throw-away venv. Then re-execute the notebooks and run make test-pythons.
constraints:
	rm -rf build/constraints-venv && $(PYTHON) -m venv build/constraints-venv
	build/constraints-venv/bin/python -m pip install --quiet -e ".[instructor,browser,book,classroom]"
	{ grep '^#' constraints.txt; build/constraints-venv/bin/python -m pip freeze --exclude-editable \
		| sed 's/+cpu$$//'; } > build/constraints.txt && mv build/constraints.txt constraints.txt
	rm -rf build/constraints-venv

# ---- Graded assignments: nbgrader, an instructor extra (docs/INSTRUCTORS.md) ----------------
#   make release                            student versions of notebooks/assignments/source -> release/
#   make autograde [SUBMISSIONS=folder]     grade <folder>/<student>/<assignment>/*.ipynb -> grading/grades.csv
#   make feedback                           HTML feedback per student -> grading/feedback/
# `make lab` never installs nbgrader; `make test` does (its workflow tests run it), with nbgrader's
# JupyterLab menus switched off so the students' JupyterLab looks the same either way.
INSTRUCTOR_STAMP := $(VENV)/.rnnlab-instructor
GRADING     ?= grading
SUBMISSIONS ?= $(GRADING)/submitted
ASSIGNMENT  ?= *
STUDENT     ?= *
COURSE_DIR := $(CURDIR)/notebooks/assignments
NBGRADER := cd "$(COURSE_DIR)" && PATH="$(CURDIR)/$(BIN):$$PATH" $(TEST_ENV) TRAITLETS_APPLICATION_RAISE_CONFIG_FILE_ERROR=1 \
	RNNLAB_RELEASE_DIR="$(CURDIR)/release" \
	RNNLAB_GRADING_DIR="$(abspath $(GRADING))" RNNLAB_SUBMISSIONS="$(abspath $(SUBMISSIONS))" "$(CURDIR)/$(BIN)/nbgrader"

.PHONY: instructor release autograde feedback

instructor: $(INSTRUCTOR_STAMP)

$(INSTRUCTOR_STAMP): $(STAMP)
	$(PIP_INSTALL) -e ".[instructor]"
	$(BIN)/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader >/dev/null 2>&1
	for ext in formgrader validate_assignment assignment_list course_list; do \
		$(BIN)/jupyter server extension disable --sys-prefix nbgrader.server_extensions.$$ext >/dev/null 2>&1; done
	@touch $@

release: instructor
	$(NBGRADER) generate_assignment "$(ASSIGNMENT)" --force
	@echo "student versions: release/ (hand these out)"

autograde: release
	@test -d "$(SUBMISSIONS)" || { echo "SUBMISSIONS=$(SUBMISSIONS): no such folder; expected" \
		"<folder>/<student>/<assignment>/<assignment>.ipynb (docs/INSTRUCTORS.md)"; exit 1; }
	@status=0; $(NBGRADER) autograde "$(ASSIGNMENT)" --student="$(STUDENT)" --force || status=$$?; \
	$(NBGRADER) export --to="$(abspath $(GRADING))/grades.csv" && \
	echo "scores: $(GRADING)/grades.csv; graded notebooks: $(GRADING)/autograded/" && exit $$status

feedback: instructor
	$(NBGRADER) generate_feedback "$(ASSIGNMENT)" --student="$(STUDENT)" --force
	@echo "feedback (one HTML page per student and notebook): $(GRADING)/feedback/"

# ---- The course's website: make book -> build/book/html (open build/book/html/index.html) ---------
# Sphinx + myst-nb + the book theme, from the notebooks' stored outputs (nothing is executed), readable
# offline (MathJax is served from the site). book/build.py stages the pages into build/book/src: widgets
# drawn in their last state, "notebook NN" linked, the course map from README.md, the assignments'
# student versions from nbgrader (never the sources). tests/project/test_book.py checks it in chromium.
BOOK_STAMP := $(VENV)/.rnnlab-book

.PHONY: book

$(BOOK_STAMP): $(INSTRUCTOR_STAMP)
	$(PIP_INSTALL) -e ".[book]"
	@touch $@

book: $(BOOK_STAMP)
	$(BIN)/python book/build.py
	$(BIN)/python -m sphinx -b html -q -E -c book -d build/book/doctrees build/book/src build/book/html
