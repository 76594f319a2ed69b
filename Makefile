# Everything a fresh Debian 12 machine needs, installed on first use:
#   make demo    the help page's example, fitting a model from R and Python
#   make test    pytest, testthat and R CMD check
#   make bench   the benchmark table (bench/)
SHELL := /bin/bash
.DEFAULT_GOAL := test

PYTHON ?= python3
VENV := $(CURDIR)/.venv
PY := $(VENV)/bin/python
RLIB := $(CURDIR)/.Rlib
STAMPS := $(CURDIR)/.setup
BUILD := $(CURDIR)/build

R_DEBS := r-base-core r-base-dev r-cran-reticulate r-cran-testthat \
	r-cran-roxygen2 r-cran-callr r-cran-png r-cran-pkgbuild

# R and reticulate use the project's own Python; R finds the package in .Rlib.
export RETICULATE_PYTHON := $(PY)
export R_LIBS := $(RLIB)
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

R_SOURCES := DESCRIPTION NAMESPACE $(wildcard R/*.R) $(wildcard man/*.Rd) $(wildcard src/*.c) \
	$(shell find python -name '*.py' -o -name '*.csv' 2>/dev/null)

.PHONY: setup demo test test-python test-r check bench docs clean

setup: $(STAMPS)/apt $(STAMPS)/venv $(STAMPS)/rpkg

$(STAMPS)/apt:
	@if ! dpkg -s $(R_DEBS) >/dev/null 2>&1; then \
	  echo ">> installing R from Debian's packages"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -q --no-install-recommends $(R_DEBS); \
	fi
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/venv: requirements.txt pyproject.toml $(STAMPS)/apt
	@echo ">> Python environment in .venv"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	@# tf-keras declares a dependency on `tensorflow`, which would pull a
	@# second TensorFlow next to tensorflow-cpu; it runs on tensorflow-cpu.
	$(PY) -m pip install -q --disable-pip-version-check --no-deps tf-keras==2.21.0
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -e .
	@touch $@

$(STAMPS)/rpkg: $(R_SOURCES) $(STAMPS)/apt
	@echo ">> R package into .Rlib"
	@mkdir -p $(RLIB)
	R CMD INSTALL --no-multiarch -l $(RLIB) . >$(STAMPS)/rpkg.log 2>&1 || { cat $(STAMPS)/rpkg.log; exit 1; }
	@touch $@

demo: setup
	Rscript demo/iris-fit.R
	@mkdir -p docs && cp build/inverse-time-decay.png docs/inverse-time-decay.png
	$(PY) -m inverse_time_decay.demo --compare build/demo-r.tsv

test: setup test-python test-r check

test-python: setup
	@# pytest exits 5 when it collects no test; that is a failure here too.
	$(PY) -m pytest -q tests/python; status=$$?; \
	  if [ $$status -eq 5 ]; then echo "pytest collected no tests"; fi; exit $$status

test-r: setup
	Rscript -e 'testthat::test_dir("tests/testthat", package = "inversetimedecay", load_package = "installed", stop_on_failure = TRUE)'

# R CMD check on the built tarball; warnings fail it as errors do.
check: setup
	@rm -rf $(BUILD)/check && mkdir -p $(BUILD)/check
	cd $(BUILD)/check && R CMD build --no-build-vignettes $(CURDIR) >build.log 2>&1 || { cat build.log; exit 1; }
	cd $(BUILD)/check && _R_CHECK_FORCE_SUGGESTS_=false R CMD check --no-manual inversetimedecay_*.tar.gz; \
	  status=$$?; tail -n 3 inversetimedecay.Rcheck/00check.log; \
	  if [ $$status -ne 0 ] || grep -qE '^Status:.*(ERROR|WARNING)' inversetimedecay.Rcheck/00check.log; then \
	    cat inversetimedecay.Rcheck/00check.log; exit 1; fi

bench: setup
	$(PY) bench/run.py

docs: $(STAMPS)/apt
	Rscript -e 'roxygen2::roxygenise()'

clean:
	rm -rf $(BUILD) $(STAMPS) $(RLIB)
