#!/bin/bash
# Mutation score of the Python schedule and its argument checks: mutmut
# ([tool.mutmut] in pyproject.toml) in a copy of the tree at WORK, with the
# package under src/ (mutmut names modules from ./, src/ or source/). The
# editable install in the venv would import the unmutated package, so the
# copy's src/ goes first on the path.
#
# Two passes. The first runs every mutant against the fast tests on
# TensorFlow. The float32-pair path (_float_float.py) runs only where
# traced code has no float64, JAX without x64, which the fast tests never
# reach: the second pass runs that function's mutants, and those the first
# pass left alive, in a second copy, against the step property
# (step_property.py) on JAX; a mutant either pass kills is killed. Prints killed/total
# and the rest. Each mutant runs in a fresh process (process_isolation in
# pyproject.toml): TensorFlow and JAX are not fork-safe once started.
# Usage: tools/mutation/python.sh PYTHON WORK [MUTANT...]
# MUTANT: mutmut names or globs (inverse_time_decay._steps.x_known*) that
# limit the first pass to them, to recheck what a change touched; the second
# pass still runs every float32-pair mutant, unless MUTATION_PAIRS=0.
set -euo pipefail
python=$1 work=$2
shift 2
only=("$@")
here=$(cd "$(dirname "$0")" && pwd)
mutmut=$(dirname "$python")/mutmut
pairs='inverse_time_decay._float_float.*'

# copy DEST: the package under src/, the tests and pyproject.toml.
copy() {
  rm -rf "$1" && mkdir -p "$1/src" "$1/tests"
  cp -r "$here/../../python/inverse_time_decay" "$1/src/"
  cp -r "$here/../../tests/python" "$here/../../tests/bad_arguments.tsv" "$1/tests/"
  cp "$here/../../pyproject.toml" "$1/"
  # A path entry must exist before Python first looks at it, or it is skipped.
  mkdir -p "$1/mutants/src"
}

# run DIR [MUTANT...]: mutmut run there; leaves results.txt.
run() {
  (
    cd "$1" && shift
    PYTHONPATH="$PWD/mutants/src" TF_CPP_MIN_LOG_LEVEL=3 "$mutmut" run \
      --max-children "${MUTATION_CHILDREN:-$(nproc)}" "$@" >run.log 2>&1 \
      || { tail -n 40 run.log; exit 1; }
    "$mutmut" results --all true >results.txt 2>&1 || true
  )
}

# use_tests DIR TEST...: the test files mutmut runs there, in place of the
# selection pyproject.toml names.
use_tests() {
  "$python" - "$@" <<'EOF'
import re
import sys

path = sys.argv[1] + "/pyproject.toml"
tests = ", ".join(f'"{test}"' for test in sys.argv[2:])
text = open(path).read()
text, count = re.subn(
    r"pytest_add_cli_args_test_selection = \[[^\]]*\]",
    f"pytest_add_cli_args_test_selection = [{tests}]",
    text,
)
assert count == 1, "no test selection to replace in " + path
open(path, "w").write(text)
EOF
}

copy "$work/tensorflow"
# The step property's explicit examples (edge cases, every output dtype) on
# every path, without its random ones or R's: values against exact fractions
# in about 4 s a mutant. The fast tests come first (mutmut orders by time).
cat >"$work/tensorflow/tests/python/test_examples_for_mutation.py" <<'EOF'
import step_property


def test_step_property_explicit_examples():
    step_property.property_test(0, value_examples=True)()
EOF
mapfile -t fast < <(sed -n '/^pytest_add_cli_args_test_selection/,/^]/s/^ *"\(tests[^"]*\)",*$/\1/p' "$here/../../pyproject.toml")
use_tests "$work/tensorflow" "${fast[@]}" tests/python/test_examples_for_mutation.py
run "$work/tensorflow" "${only[@]}"

if [ "${MUTATION_PAIRS:-1}" = 0 ]; then
  # MUTATION_PAIRS=0: no second pass, for a change that left the float32
  # pairs alone (the first pass's outcomes stand).
  mkdir -p "$work/jax" && : >"$work/jax/results.txt"
else
copy "$work/jax"
cat >"$work/jax/tests/python/test_pairs_for_mutation.py" <<'EOF'
import numpy as np
import step_property


def compiled_paths(schedule, dtype, steps):
    """The step property's compiled paths only: the float32 pairs run
    nowhere else, and each eager path would cost every mutant its time."""
    array = np.asarray(steps, dtype=dtype)
    tensor = step_property.backend_tensor(array, dtype)
    numbers = [step_property.python_number(s, dtype) for s in array]
    variable = step_property.variable_rate_paths(schedule, numbers, tensor)
    return {
        "traced/tensor": np.asarray(step_property.compile_schedule(schedule)(tensor)),
        "variable rate/traced": np.asarray(variable["variable rate/traced"]),
    }


def test_step_property_on_float32_pairs():
    assert step_property.PAIRS
    step_property.paths = compiled_paths
    step_property.property_test(10)()  # and its explicit examples
EOF
use_tests "$work/jax" tests/python/test_pairs_for_mutation.py
mapfile -t survivors < <(sed -n 's/^ *\(inverse_time_decay\.[^ ]*\): survived$/\1/p' "$work/tensorflow/results.txt")
KERAS_BACKEND=jax run "$work/jax" "$pairs" "${survivors[@]}"
fi

# One outcome per mutant: the second pass's where it ran the mutant.
"$python" - "$work/tensorflow/results.txt" "$work/jax/results.txt" <<'EOF'
import collections
import sys


def outcomes(path):
    found = {}
    for line in open(path):
        name, sep, outcome = line.strip().rpartition(": ")
        if sep and name.startswith("inverse_time_decay."):
            found[name] = outcome
    return found


first, second = outcomes(sys.argv[1]), outcomes(sys.argv[2])
final = {}
for name, outcome in first.items():
    again = second.get(name, "not checked")
    if outcome != "killed" and again not in ("not checked", "no tests"):
        outcome = again
    final[name] = outcome
counts = collections.Counter(final.values())
print(f"Python mutants: {counts['killed']} killed of {len(final)}; by outcome:")
for outcome, count in counts.most_common():
    print(f"  {count:5d} {outcome}")
print("Not killed:")
for name, outcome in sorted(final.items()):
    if outcome != "killed":
        print(f"  {name}: {outcome}")
EOF
