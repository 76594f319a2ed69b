#!/bin/bash
# R CMD check --as-cran on the built tarball. Any NOTE, WARNING or ERROR
# fails it, but for the lines matched by the extended regular expressions in
# check-allowed.txt beside this script (one a line, with why). The
# package's testthat suite runs inside the check, once. Appends the check's
# status and testthat's closing counts to SUMMARY.
# Usage: tools/ci/check.sh SOURCE_DIR WORK_DIR SUMMARY
set -uo pipefail
source_dir=$1 work=$2 summary=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
# R CMD build copies the whole folder before it applies .Rbuildignore, so it
# gets the files a clean clone has, not the venv or the Debian 13 root.
bash "$here/copy-tree.sh" "$source_dir" source || exit 1
R CMD build source >build.log 2>&1 || { cat build.log; exit 1; }
# --as-cran looks up the maintainers of suggested packages that are not
# installed (keras, keras3) in CRAN's package table, and stops when it cannot
# be read. Offline, it reads an empty table instead.
if ! timeout 5 bash -c "</dev/tcp/cloud.r-project.org/443" 2>/dev/null; then
  mkdir -p offline-cran/web/packages
  Rscript -e 'saveRDS(data.frame(Package = character(), Maintainer = character()),
                      "offline-cran/web/packages/packages.rds")'
  export R_CRAN_WEB="file://$PWD/offline-cran"
fi
_R_CHECK_FORCE_SUGGESTS_=false R CMD check --as-cran --no-manual inversetimedecay_*.tar.gz >check.out 2>&1
status=$?
log=inversetimedecay.Rcheck/00check.log
tail -n 3 "$log"
# The lines of each NOTE, WARNING and ERROR: its heading and what follows it.
awk '/^\* / { inside = ($0 ~ /(NOTE|WARNING|ERROR)$/) } inside' "$log" >problems.txt
sed '/^$/d; /^#/d' "$here/check-allowed.txt" >allowed.txt
grep -v -E -f allowed.txt problems.txt | sed '/^[[:space:]]*$/d' >not-allowed.txt
counts=$(grep -h '^\[ FAIL' inversetimedecay.Rcheck/tests/testthat.Rout* 2>/dev/null | tail -n 1)
printf 'testthat (in R CMD check)\t%s\n' "${counts:-no testthat summary}" >>"$summary"
printf 'R CMD check\t%s\n' "$(grep -h '^Status:' "$log" | tail -n 1)" >>"$summary"
if [ $status -ne 0 ] || [ -s not-allowed.txt ] || ! grep -q '^Status:' "$log"; then
  cat check.out
  echo ">> check lines not allowed (tools/ci/check-allowed.txt):"
  cat not-allowed.txt
  [ -f inversetimedecay.Rcheck/tests/testthat.Rout.fail ] && tail -n 60 inversetimedecay.Rcheck/tests/testthat.Rout.fail
  exit 1
fi
