#!/bin/bash
# Runs a command and appends "NAME<TAB>N s" to SUMMARY, the command's wall
# time: make test times each of its lanes so. Exits with the command's status.
# Usage: tools/ci/timed.sh NAME SUMMARY COMMAND [ARG...]
name=$1 summary=$2
shift 2
start=$SECONDS
"$@"
status=$?
printf '%s\t%d s\n' "$name" $((SECONDS - start)) >>"$summary"
exit $status
