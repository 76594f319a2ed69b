#!/bin/bash
# make test-matrix: the built wheel on each row of tools/matrix/rows.tsv, in
# a venv of its own built from the registry, with the part of the suite that
# exercises what differs in that row. The rows of chain 1 and of chain 2 run
# side by side, each chain's rows one after the other. Writes one line a row
# to SUMMARY (row, versions, result, seconds) and prints the table; exits
# non-zero if a row failed, or, under CI=true, if a row's Python is missing
# (elsewhere that row is skipped).
# Usage: tools/matrix/run.sh BUILD_PYTHON CACHE SUMMARY [ROW...]
set -uo pipefail
build_python=$1 cache=$2 summary=$3
shift 3
repo=$(cd "$(dirname "$0")/../.." && pwd)
pyenv_root=${PYENV_ROOT:-$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")}
mkdir -p "$cache" && : >"$summary"

dist=$(mktemp -d)
trap 'rm -rf "$dist"' EXIT
# pip's notes on this machine's local indexes, one a package, say nothing.
quiet() { grep -v '^WARNING: Location' || true; }
"$build_python" -m build -q --no-isolation --wheel --outdir "$dist" "$repo" >"$dist/build.log" 2>&1 ||
  { cat "$dist/build.log"; exit 1; }
wheel=$(ls "$dist"/*.whl)

pytest() { "$1" -m pytest -q -p no:cacheprovider "${@:2}"; }
# The suites. The bench's smoke test (backends/test_bench_here.py) measures
# nothing a version changes; make test-python runs it.
bench=(--deselect tests/python/backends/test_bench_here.py)
# Keras 3 on TensorFlow at another version than the .venv's: every path's
# values, validation, dtypes, the API's domain, Keras's optimizers, fit, the
# callback and every save format; then tf_keras of that TensorFlow (its
# float32 pairs are the same TensorFlow operations as Keras 3's, run above).
tensorflow_suite() {
  pytest "$1" -k "not torch and not jax" "${bench[@]}" \
    --deselect tests/python/integration/test_keras_integration.py::test_pip_install_builds_a_wheel_with_the_module \
    tests/python/backends tests/python/test_values.py tests/python/test_validation.py \
    tests/python/test_dtypes.py tests/python/test_api_domain.py tests/python/test_reaching.py \
    tests/python/integration/test_keras_integration.py tests/python/integration/test_save_formats.py \
    tests/python/integration/test_learning_rate_log.py
  local keras3=$?
  TF_USE_LEGACY_KERAS=1 pytest "$1" "${bench[@]}" tests/python/backends tests/python/tf_keras &&
    return "$keras3"
}
# The .venv's Keras and TensorFlow on another Python and NumPy: the tests
# that read steps and arguments with numpy, eager and fit, and TensorBoard.
numpy_suite() {
  pytest "$1" -k "not torch and not jax" \
    tests/python/backends/test_on_this_backend.py tests/python/test_values.py \
    tests/python/test_validation.py tests/python/test_dtypes.py tests/python/test_api_domain.py \
    tests/python/test_reaching.py tests/python/integration/test_tensorboard.py \
    tests/python/integration/test_learning_rate_log.py
  local keras3=$?
  TF_USE_LEGACY_KERAS=1 pytest "$1" tests/python/backends/test_on_this_backend.py \
    tests/python/tf_keras && return "$keras3"
}
# Another backend, or another Keras on it: the backends folder; at the
# newest Keras, the bench's smoke of that backend too.
backend_suite() { pytest "$1" "${bench[@]}" tests/python/backends; }
newest_suite() { pytest "$1" tests/python/backends; }
# Another Keras on the .venv's torch: what Keras does around the schedule
# (eager values, fit, save, its variables in torch.compile).
eager_suite() { pytest "$1" tests/python/backends/test_on_this_backend.py; }

# run_row ROW PYTHON REQUIREMENTS ENVIRONMENT SUITE: builds or reuses the
# row's venv, installs the wheel, runs the suite; appends its summary line
# to $summary.rows/ROW.
run_row() {
  local row=$1 python=$2 requirements=$3 environment=$4 suite=$5 started=$SECONDS
  local out=$summary.rows/$row interpreter venv wanted versions log result counts
  interpreter=$(ls -d "$pyenv_root"/versions/"$python".*/bin/python 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$interpreter" ]; then
    echo ">> $row: no Python $python under $pyenv_root/versions"
    local state=skipped
    [ "${CI:-}" = true ] && state=failed
    printf '%s\t%s\t%s\t%s\n' "$row" "Python $python" "$state: no Python $python" 0 >"$out"
    [ "$state" = skipped ]
    return
  fi
  # Rows with the same Python and requirements share a venv.
  wanted="$interpreter $requirements"
  venv=$cache/venv-$(printf '%s' "$wanted" | sha1sum | cut -c1-12)
  if [ "$(cat "$venv/.requirements" 2>/dev/null)" != "$wanted" ]; then
    echo ">> $row: building $venv"
    rm -rf "$venv"
    "$interpreter" -m venv "$venv" &&
      { "$venv/bin/python" -m pip install -q --disable-pip-version-check ${requirements%%--no-deps*} 2>&1 | quiet; } &&
      [ "${PIPESTATUS[0]}" -eq 0 ] &&
      { [[ "$requirements" != *--no-deps* ]] ||
        "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps ${requirements#*--no-deps} 2>&1 | quiet; } &&
      echo "$wanted" >"$venv/.requirements" ||
      { printf '%s\t%s\t%s\t%s\n' "$row" "$requirements" "failed: install" $((SECONDS - started)) >"$out"; return 1; }
  fi
  # The wheel with its declared dependencies, which the row's pins must
  # satisfy: a declared floor above a pin fails here.
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$wheel" 2>/dev/null &&
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel" >/dev/null 2>&1 ||
    { printf '%s\t%s\t%s\t%s\n' "$row" "$requirements" "failed: wheel" $((SECONDS - started)) >"$out"; return 1; }
  versions=$(env $environment "$venv/bin/python" - 2>/dev/null <<'PY'
import sys
from importlib.metadata import version
import keras
backend = keras.backend.backend()
name = {"tensorflow": "tensorflow-cpu"}.get(backend, backend)
print(f"Python {sys.version.split()[0]}, Keras {keras.__version__}, {backend} {version(name)}, "
      f"NumPy {version('numpy')}, ml_dtypes {version('ml_dtypes')}")
PY
)
  echo ">> $row: $versions"
  log=$cache/$row.log
  (
    cd "$repo" && export $environment TF_CPP_MIN_LOG_LEVEL=3 PYTHONPATH= &&
      "${suite}_suite" "$venv/bin/python"
  ) >"$log" 2>&1
  result=$?
  # pytest's closing line of each run, "N failed, N passed, ... in 9.9s".
  counts=$(grep -E '^=* ?[0-9]+ (passed|failed).* in [0-9.]+s' "$log" | sed -E 's/=//g; s/ in [0-9.]+s.*//; s/^ *//' |
    paste -sd';' | sed 's/;/; /g')
  if [ "$result" -ne 0 ]; then
    tail -n 60 "$log"; counts="FAILED: $counts"
  fi
  printf '%s\t%s\t%s\t%s\n' "$row" "$versions" "$counts" $((SECONDS - started)) >"$out"
  [ "$result" -eq 0 ]
}

# run_chain N: the rows of chain N (of those asked for), one after the other.
run_chain() {
  local status=0
  while IFS=$'\t' read -r row python requirements environment suite chain; do
    case "$row" in '' | '#'*) continue ;; esac
    [ "$chain" = "$1" ] || continue
    if [ "${#rows[@]}" -gt 0 ] && [[ " ${rows[*]} " != *" $row "* ]]; then continue; fi
    run_row "$row" "$python" "$requirements" "$environment" "$suite" || status=1
  done <"$repo/tools/matrix/rows.tsv"
  return $status
}

rows=("$@")
rm -rf "$summary.rows" && mkdir -p "$summary.rows"
status=0
run_chain 1 & first=$!
run_chain 2 || status=1
wait "$first" || status=1
# The summary in rows.tsv's order.
while IFS=$'\t' read -r row _; do
  case "$row" in '' | '#'*) continue ;; esac
  [ -f "$summary.rows/$row" ] && cat "$summary.rows/$row" >>"$summary"
done <"$repo/tools/matrix/rows.tsv"
rm -rf "$summary.rows"

printf '\n%-18s | %-78s | %-40s | %s\n' row versions tests seconds
while IFS=$'\t' read -r row versions counts seconds; do
  printf '%-18s | %-78s | %-40s | %s\n' "$row" "$versions" "$counts" "$seconds"
done <"$summary"
exit "$status"
