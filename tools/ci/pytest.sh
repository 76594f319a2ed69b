#!/bin/bash
# Runs pytest, appends its closing line to SUMMARY, and exits with its status;
# exit 5 (no test collected) is a failure, and says so.
# Usage: [PYTEST_LABEL=KEY] tools/ci/pytest.sh PYTHON SUMMARY [PYTEST ARG...]
# (KEY names the summary's row; "pytest" by default.)
set -uo pipefail
python=$1 summary=$2
shift 2
log=$(mktemp)
"$python" -m pytest -q "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
printf '%s\t%s\n' "${PYTEST_LABEL:-pytest}" "$(grep -E '(passed|failed|error)' "$log" | tail -n 1 | tr -d '=' | xargs)" >>"$summary"
rm -f "$log"
if [ "$status" -eq 5 ]; then echo "pytest collected no tests"; fi
exit "$status"
