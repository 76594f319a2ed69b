#!/bin/bash
# R CMD check on the built tarball; a WARNING fails it as an ERROR does. The
# package's testthat suite runs inside the check, once. Appends the check's
# status and testthat's closing counts to SUMMARY.
# Usage: lanes/check.sh SOURCE_DIR WORK_DIR SUMMARY
set -uo pipefail
source_dir=$1 work=$2 summary=$3
rm -rf "$work" && mkdir -p "$work/source" && cd "$work" || exit 1
# R CMD build copies the whole folder before it applies .Rbuildignore, so it
# gets the files a clean clone has, not the venv or the Debian 13 root.
if git -C "$source_dir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git -C "$source_dir" ls-files -z -co --exclude-standard \
    | (cd "$source_dir" && tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C source
else
  cp -a "$source_dir"/. source/
fi
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
  for f in inversetimedecay.Rcheck/tests/testthat.Rout.fail; do [ -f "$f" ] && tail -n 60 "$f"; done
  exit 1
fi
