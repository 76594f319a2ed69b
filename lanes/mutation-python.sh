#!/bin/bash
# Mutation score of the Python schedule and its argument checks: mutmut
# ([tool.mutmut] in pyproject.toml) in a copy of the tree at WORK, with the
# package under src/ (mutmut names modules from ./, src/ or source/). The
# editable install in the venv would import the unmutated package, so the
# copy's src/ goes first on the path. Prints killed/total and the survivors.
# Usage: lanes/mutation-python.sh PYTHON WORK
set -euo pipefail
python=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work/src"
cp -r "$here/../python/inverse_time_decay" "$work/src/"
mkdir -p "$work/tests" && cp -r "$here/../tests/python" "$here/../tests/bad_arguments.tsv" "$work/tests/"
cp "$here/../pyproject.toml" "$work/"
cd "$work"
# A path entry must exist before Python first looks at it, or it is skipped.
mkdir -p mutants/src
mutmut=$(dirname "$python")/mutmut
PYTHONPATH="$PWD/mutants/src" TF_CPP_MIN_LOG_LEVEL=3 "$mutmut" run --max-children "${MUTATION_CHILDREN:-$(nproc)}" >run.log 2>&1 \
  || { tail -n 40 run.log; exit 1; }
"$mutmut" results --all true >results.txt 2>&1 || true
total=$(grep -c ': ' results.txt || true)
killed=$(grep -c ': killed' results.txt || true)
echo "Python mutants: $killed killed of $total; by outcome:"
awk -F': ' '{print $2}' results.txt | sort | uniq -c
echo "Not killed:"
grep -v ': killed' results.txt || true
