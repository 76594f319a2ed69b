#!/bin/bash
# R CMD check on the built tarball; a WARNING fails it as an ERROR does. The
# package's testthat suite runs inside the check, once. Appends the check's
# status and testthat's closing counts to SUMMARY.
# Usage: lanes/check.sh SOURCE_DIR WORK_DIR SUMMARY
set -uo pipefail
source_dir=$1 work=$2 summary=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
# R CMD build copies the whole folder before it applies .Rbuildignore, so it
# gets the files a clean clone has, not the venv or the Debian 13 root.
bash "$here/copy-tree.sh" "$source_dir" source || exit 1
R CMD build --no-build-vignettes source >build.log 2>&1 || { cat build.log; exit 1; }
_R_CHECK_FORCE_SUGGESTS_=false R CMD check --no-manual inversetimedecay_*.tar.gz
status=$?
log=inversetimedecay.Rcheck/00check.log
tail -n 3 "$log"
counts=$(grep -h '^\[ FAIL' inversetimedecay.Rcheck/tests/testthat.Rout* 2>/dev/null | tail -n 1)
printf 'testthat (in R CMD check)\t%s\n' "${counts:-no testthat summary}" >>"$summary"
printf 'R CMD check\t%s\n' "$(grep -h '^Status:' "$log" | tail -n 1)" >>"$summary"
if [ $status -ne 0 ] || grep -qE '^Status:.*(ERROR|WARNING)' "$log"; then
  cat "$log"
  [ -f inversetimedecay.Rcheck/tests/testthat.Rout.fail ] && tail -n 60 inversetimedecay.Rcheck/tests/testthat.Rout.fail
  exit 1
fi
