#!/bin/bash
# The Debian 13 lane, run inside its root (tools/ci/in-root.sh) on a copy of the
# work tree at /src: R CMD check (with testthat, and the help pages' examples,
# a Keras fit from R among them), and the tests that cross R and Python
# through rpy2 (the in-process case among them).
# Every step runs; the lane fails if any did. Writes /results/summary.tsv.
set -uo pipefail
export RETICULATE_PYTHON=/opt/venv/bin/python R_LIBS=/opt/Rlib PYTHONPATH=/src/python
summary=/results/summary.tsv
rm -rf /results && mkdir -p /results /opt/Rlib
failed=0
step() { echo ">> [debian 13] $1"; }

printf 'versions\t%s\n' "$(bash /src/tools/ci/versions.sh /opt/venv/bin/python)" >>"$summary"

step "R package into /opt/Rlib"
R CMD INSTALL --no-multiarch -l /opt/Rlib /src >/results/install.log 2>&1 || { cat /results/install.log; failed=1; }

step "R CMD check (testthat inside)"
bash /src/tools/ci/check.sh /src /tmp/check "$summary" || failed=1

step "pytest: R and Python in one process (rpy2), parity and models across the two"
cd /src
bash /src/tools/ci/pytest.sh /opt/venv/bin/python "$summary" -p no:cacheprovider \
  tests/python/test_rpy2_in_process.py tests/python/test_r_parity.py \
  tests/python/integration/test_cross_language_models.py || failed=1

exit $failed
