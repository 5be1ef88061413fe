# rnnlab: two commands do everything on a fresh machine with Python 3.11 and pip.
#   make lab    set up .venv if needed, then open the course in JupyterLab
#   make test   set up .venv if needed, then run the unit tests and every notebook under nbval

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.rnnlab-installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]-*.ipynb))

# Jupyter, IPython and matplotlib keep their state inside the project while testing,
# and the notebooks run in quick mode (what their stored outputs were made with).
TEST_ENV := RNNLAB_MODE=quick JUPYTER_PLATFORM_DIRS=1 \
	JUPYTER_CONFIG_DIR=$(CURDIR)/.jupyter/config JUPYTER_DATA_DIR=$(CURDIR)/.jupyter/data \
	IPYTHONDIR=$(CURDIR)/.ipython MPLCONFIGDIR=$(CURDIR)/.mplconfig PYDEVD_DISABLE_FILE_VALIDATION=1

NBVAL := --nbval --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg \
	--nbval-cell-timeout=600

.PHONY: lab test setup unit notebooks benchmarks clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name rnnlab --display-name "Python (rnnlab)" >/dev/null
	@touch $(STAMP)

lab: setup
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

test: setup
	$(TEST_ENV) $(BIN)/python -m pytest tests $(NOTEBOOKS) $(NBVAL)

unit: setup
	$(TEST_ENV) $(BIN)/python -m pytest tests

# Re-execute every notebook in place (quick mode), refreshing the stored outputs.
notebooks: setup
	$(TEST_ENV) $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=python3 \
		--ExecutePreprocessor.record_timing=False $(NOTEBOOKS)

# The figures recorded in BENCHMARKS.md (a few minutes; run on a quiet machine).
benchmarks: setup
	$(BIN)/python benchmarks/lstm_speed.py
	$(BIN)/python benchmarks/widget_redraw.py
	$(BIN)/python benchmarks/sampling_widget.py
	$(BIN)/python benchmarks/notebook_times.py

clean:
	rm -rf $(VENV) .jupyter .ipython .mplconfig .pytest_cache
