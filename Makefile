# Every target; a fresh Debian 12 machine gets what each needs on first use.
# Quick ones first (after set-up):
#   make lint          ruff, mypy, lintr, and no test without an assertion
#   make test-quick    pytest without the integration suites (-m "not integration")
#   make test-python   pytest on TensorFlow, and the tf_keras suite in its own process
#   make test-backends tests/python/backends on the .venv's JAX and torch (the matrix runs it in make test)
#   make test-r        testthat alone, against the installed package
#   make check         R CMD check --as-cran, testthat inside it (tools/ci/check.sh)
#   make demo          the help page's example, fitting a model from R and Python
#   make test          lint, test-python, check, test-modern and test-matrix: what CI runs
#   make test-modern   the Debian 13 lane (R 4.5, Python 3.13) in a debootstrap root
#   make test-matrix   the wheel on each supported Keras, backend and Python (tools/matrix/rows.tsv)
#   make test-install  the wheel with each extra in fresh venvs, from PyPI (not in make test)
#   make bench         the benchmark table, bench/results.md
#   make site          the pkgdown site, offline, into build/site
#   make mutation      mutation scores for the Python, R and C code (about an hour)
#   make gpu-wheels    the wheels tools/gpu/check.sh installs on a CUDA machine without network
#   make setup         apt packages, .venv and the R package in .Rlib
#   make docs          roxygen2: NAMESPACE and man/ from R/
#   make clean         build/, the set-up stamps and .Rlib; clean-modern: .modern/
# Developers' guide to each part: CONTRIBUTING.md.
SHELL := /bin/bash
.DEFAULT_GOAL := test

PYTHON ?= python3
VENV := $(CURDIR)/.venv
PY := $(VENV)/bin/python
RLIB := $(CURDIR)/.Rlib
STAMPS := $(CURDIR)/.setup
BUILD := $(CURDIR)/build
LANES := $(BUILD)/lanes
MODERN := $(CURDIR)/.modern
# The matrix's venvs outlive a checkout, so that CI's fresh clone finds them.
MATRIX ?= $(HOME)/.cache/inversetimedecay/matrix

R_DEBS := r-base-core r-base-dev r-cran-reticulate r-cran-testthat qpdf \
	r-cran-roxygen2 r-cran-callr r-cran-processx r-cran-png r-cran-pkgbuild \
	r-cran-knitr r-cran-rmarkdown pandoc r-cran-lintr r-cran-pkgdown chromium r-cran-bit64 \
	devscripts


# R and reticulate use the project's own Python; R finds the package in .Rlib.
export RETICULATE_PYTHON := $(PY)
export R_LIBS := $(RLIB)
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1
# Every lane here installs R: a Python test that needs R fails without it
# instead of skipping (tests/python/conftest.py, r_missing).
export REQUIRE_R := 1
# One thread a process: make test runs several processes on each core, and
# the libraries' own pools (OpenMP, TensorFlow's, torch's compiler workers)
# then spin against each other. Alone, pytest on TensorFlow used 14 % less
# CPU so. Nothing under test depends on the number of threads.
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export TF_NUM_INTRAOP_THREADS := 1
export TF_NUM_INTEROP_THREADS := 1
export TORCHINDUCTOR_COMPILE_THREADS := 1

R_SOURCES := DESCRIPTION NAMESPACE $(wildcard R/*.R) $(wildcard man/*.Rd) $(wildcard src/*.c) \
	$(shell find python -name '*.py' 2>/dev/null)

.PHONY: gpu-wheels test-backends setup demo test test-matrix test-quick test-install test-python test-r check test-modern bench lint site mutation docs clean clean-modern

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

# The demo writes to a temporary folder unless DEMO_OUT names one; here it
# writes to build/, and the README's figure is refreshed from there.
demo: setup
	DEMO_OUT=$(BUILD) Rscript demo/iris-fit.R
	@mkdir -p man/figures && cp $(BUILD)/inverse-time-decay.png man/figures/inverse-time-decay.png
	$(PY) demo/iris_fit.py --compare $(BUILD)/demo-r.tsv

# Both lanes run whatever fails, then their results print side by side.
# Everything runs at once, pytest's output live and the rest held until
# pytest ends: lint, R CMD check and the Debian 13 lane are one process at a
# time each, and pytest waits on the training processes it starts, so
# together they keep both cores busy.
test: setup
	@rm -rf $(LANES) && mkdir -p $(LANES)
	@printf 'versions\t%s\n' "$$(bash tools/ci/versions.sh $(PY))" >$(LANES)/debian12.tsv
	@status=0; start=$$SECONDS; timed="bash tools/ci/timed.sh"; times=$(LANES)/debian12.tsv; \
	  $$timed "time: lint" $$times $(MAKE) --no-print-directory lint >$(LANES)/lint.log 2>&1 & lint=$$!; \
	  $$timed "time: R CMD check" $$times $(MAKE) --no-print-directory check >$(LANES)/check.log 2>&1 & check=$$!; \
	  $$timed "time: Debian 13 lane" $$times $(MAKE) --no-print-directory test-modern >$(LANES)/modern.log 2>&1 & modern=$$!; \
	  $$timed "time: matrix" $$times $(MAKE) --no-print-directory test-matrix >$(LANES)/matrix.log 2>&1 & matrix=$$!; \
	  $$timed "time: pytest, all lanes" $$times $(MAKE) --no-print-directory test-python || status=1; \
	  wait $$lint || status=1; cat $(LANES)/lint.log; \
	  wait $$check || status=1; cat $(LANES)/check.log; \
	  wait $$modern || status=1; cat $(LANES)/modern.log; \
	  wait $$matrix || status=1; cat $(LANES)/matrix.log; \
	  printf 'time: make test\t%d s\n' $$((SECONDS - start)) >>$$times; \
	  bash tools/ci/summary.sh "Debian 12 (this machine)=$(LANES)/debian12.tsv" \
	    "Debian 13 (debootstrap root)=$(LANES)/debian13.tsv"; \
	  exit $$status

test-python: setup
	@mkdir -p $(LANES)
	@# Keras picks its backend once per process, at first import: tests/python
	@# runs on TensorFlow (two workers, a file each: the tests wait on
	@# subprocesses and compilers much of the time), and beside it
	@# tests/python/backends and tests/python/tf_keras on tf_keras. JAX and
	@# torch run the backends folder in the matrix's rows, at the oldest and
	@# newest releases (make test-backends runs it on the .venv's).
	@status=0; \
	  TF_USE_LEGACY_KERAS=1 PYTEST_LABEL="pytest tf_keras" $(BACKEND_RUN) tests/python/tf_keras & legacy=$$!; \
	  bash tools/ci/pytest.sh $(PY) $(LANES)/debian12.tsv -n 2 --dist loadfile --durations=12 \
	    tests/python || status=1; \
	  wait $$legacy || status=1; exit $$status
BACKEND_RUN = bash tools/ci/pytest.sh $(PY) $(LANES)/debian12.tsv -p no:cacheprovider tests/python/backends

# tests/python/backends on the .venv's JAX (without and with x64) and torch,
# for development: make test runs the same folder in the matrix's rows.
test-backends: setup
	@mkdir -p $(LANES)
	@status=0; \
	  KERAS_BACKEND=jax PYTEST_LABEL="pytest jax" $(BACKEND_RUN) || status=1; \
	  KERAS_BACKEND=jax JAX_ENABLE_X64=1 PYTEST_LABEL="pytest jax x64" $(BACKEND_RUN) || status=1; \
	  KERAS_BACKEND=torch PYTEST_LABEL="pytest torch" $(BACKEND_RUN) || status=1; \
	  exit $$status

# The developer's loop: everything but tests/python/integration (Keras's
# machinery run with the schedule in it), on two workers.
test-quick: setup
	$(PY) -m pytest -q -n 2 --dist loadfile -m "not integration" tests/python

# The declared version range at both ends: each row of tools/matrix/rows.tsv
# in a venv of its own (cached in $(MATRIX)), the built wheel in it. ROWS=...
# runs some rows only.
test-matrix: setup
	@mkdir -p $(LANES)
	bash tools/matrix/run.sh $(PY) $(MATRIX) $(LANES)/matrix.tsv $(ROWS)

# The built wheel installed as users install it, once per extra, from PyPI:
# minutes and gigabytes, so not part of make test.
test-install: setup
	$(PY) -m pytest -q -s -p no:cacheprovider tests/install

# testthat alone, for development: `make test` runs it once, inside R CMD check.
test-r: setup
	Rscript -e 'testthat::test_dir("tests/testthat", package = "inversetimedecay", load_package = "installed", stop_on_failure = TRUE)'

check: setup
	@mkdir -p $(LANES)
	bash tools/ci/check.sh $(CURDIR) $(BUILD)/check $(LANES)/debian12.tsv

# The Debian 13 lane (R 4.5, reticulate 1.41, Python 3.13, NumPy 2, rpy2 3.6)
# in a debootstrap root built once under .modern/, on a copy of the tree.
test-modern:
	@mkdir -p $(LANES)
	bash tools/ci/root.sh $(MODERN)
	@rm -rf $(MODERN)/root/src && bash tools/ci/copy-tree.sh $(CURDIR) $(MODERN)/root/src
	@status=0; bash tools/ci/in-root.sh $(MODERN)/root bash /src/tools/ci/debian13-tests.sh || status=1; \
	  cp $(MODERN)/root/results/summary.tsv $(LANES)/debian13.tsv 2>/dev/null; exit $$status

bench: setup
	$(PY) bench/run.py

# Zero findings, or it fails: ruff (pyproject.toml), mypy on python/, lintr
# (.lintr), and no test without an assertion (tools/lint/assertions.*).
lint: setup
	$(PY) tools/lint/assertions.py tests/python
	$(PY) tools/lint/assertions.py tests/python/integration
	$(PY) tools/lint/assertions.py tests/python/backends
	$(PY) tools/lint/assertions.py tests/install
	$(PY) tools/lint/assertions.py tests/python/tf_keras
	Rscript tools/lint/assertions.R tests/testthat
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	Rscript -e 'lints <- list(lintr::lint_package(), lintr::lint("bench/r_bench.R"), lintr::lint("tools/lint/assertions.R"), lintr::lint("tools/site.R"))' \
	  -e 'for (found in lints) print(found); if (sum(lengths(lints))) quit(status = 1)'

# Mutation scores (killed of total): mutmut on the Python schedule and its
# checks (tools/mutation/python.sh), and the project's own flipper on R/ and
# src/ against testthat (tools/mutation/r.py). Not part of make test.
# Writes tools/mutation/results.md: the date, the commit, and each run's
# scores and survivors (the runs' full output stays in build/).
# MUTANTS='glob ...' limits the Python run to those mutants, R_FILES='R/x.R'
# the R and C run to those files.
mutation: setup
	@mkdir -p $(BUILD)
	bash tools/mutation/python.sh $(PY) $(BUILD)/mutation-python $(MUTANTS) | tee $(BUILD)/mutation-python.log
	$(PY) tools/mutation/r.py $(BUILD)/mutation-r $(R_FILES) | tee $(BUILD)/mutation-r.log
	@{ printf '# make mutation: %s, commit %s\n\n' "$$(date -u '+%Y-%m-%d %H:%M UTC')" "$$(git rev-parse --short HEAD)"; \
	  printf 'Written by `make mutation`; why each survivor is equivalent: equivalents.md.\n\n'; \
	  printf 'Python mutants run: %s. R and C files: %s.\n\n```text\n' "$(or $(MUTANTS),all)" "$(or $(R_FILES),all)"; \
	  sed -n '/^Python mutants:/,$$p' $(BUILD)/mutation-python.log | grep -v ': not checked$$'; \
	  sed -n '/^R mutants:/,$$p' $(BUILD)/mutation-r.log; \
	  printf '```\n'; } >tools/mutation/results.md

# The wheels that tools/gpu/check.sh installs with --no-index on a machine
# with a CUDA GPU and no network, for that machine's Python (GPU_PYTHON):
# this package's, and Keras's with the two of its needs that a Python with
# JAX, torch, h5py and rich lacks.
GPU_PYTHON ?= 3.12
gpu-wheels: setup
	rm -rf $(BUILD)/gpu-wheels && mkdir -p $(BUILD)/gpu-wheels
	$(PY) -m build -q --no-isolation --wheel --outdir $(BUILD)/gpu-wheels .
	$(PY) -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
	  --python-version $(GPU_PYTHON) --implementation cp --platform manylinux_2_28_x86_64 \
	  --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
	  -d $(BUILD)/gpu-wheels keras==3.15.1 namex optree

# The pkgdown site, without internet, into build/site.
site: setup
	Rscript tools/site.R $(BUILD)/site

docs: $(STAMPS)/apt
	Rscript -e 'roxygen2::roxygenise()'

clean:
	rm -rf $(BUILD) $(STAMPS) $(RLIB)

# The Debian 13 root is kept by `make clean`; this removes it, unless
# something is still mounted inside.
clean-modern:
	@if grep -q " $(MODERN)/" /proc/mounts; then echo "file systems are mounted under $(MODERN)"; exit 1; fi
	rm -rf $(MODERN)
