#!/bin/bash
# make test-matrix: the built wheel on each row of tools/matrix/rows.tsv, in
# a venv of its own built from the registry, with the part of the suite that
# exercises Keras. Writes one line a row to SUMMARY (row, versions, result,
# seconds) and prints the table; exits non-zero if a row failed, or, under
# CI=true, if a row's Python is missing (elsewhere that row is skipped).
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

# The tests that exercise Keras: every path's values, validation, fit, save
# and load in a fresh process, on this backend; on TensorFlow also the
# dtypes, the domain, Keras's optimizers and every save format, and the
# same on tf_keras. Tests of another backend's tensors, and the wheel's own
# build, are left to make test-python.
tensorflow_suite() {
  "$1" -m pytest -q -p no:cacheprovider -k "not torch and not jax" \
    --deselect tests/python/integration/test_keras_integration.py::test_pip_install_builds_a_wheel_with_the_module \
    tests/python/backends tests/python/test_values.py tests/python/test_validation.py \
    tests/python/test_dtypes.py tests/python/test_api_domain.py \
    tests/python/integration/test_keras_integration.py tests/python/integration/test_save_formats.py
  local keras3=$?
  TF_USE_LEGACY_KERAS=1 "$1" -m pytest -q -p no:cacheprovider tests/python/backends tests/python/tf_keras &&
    return "$keras3"
}
backend_suite() {
  "$1" -m pytest -q -p no:cacheprovider tests/python/backends
}

status=0
while IFS=$'\t' read -r row python requirements environment suite; do
  case "$row" in '' | '#'*) continue ;; esac
  if [ $# -gt 0 ] && [[ " $* " != *" $row "* ]]; then continue; fi
  started=$SECONDS
  interpreter=$(ls -d "$pyenv_root"/versions/"$python".*/bin/python 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$interpreter" ]; then
    echo ">> $row: no Python $python under $pyenv_root/versions"
    if [ "${CI:-}" = true ]; then
      status=1; printf '%s\t%s\t%s\t%s\n' "$row" "Python $python" "failed: no Python $python" 0 >>"$summary"
    else
      printf '%s\t%s\t%s\t%s\n' "$row" "Python $python" "skipped: no Python $python" 0 >>"$summary"
    fi
    continue
  fi
  venv=$cache/$row
  wanted="$interpreter $requirements"
  if [ "$(cat "$venv/.requirements" 2>/dev/null)" != "$wanted" ]; then
    echo ">> $row: building $venv"
    rm -rf "$venv"
    "$interpreter" -m venv "$venv" &&
      { "$venv/bin/python" -m pip install -q --disable-pip-version-check ${requirements%%--no-deps*} 2>&1 | quiet; } &&
      [ "${PIPESTATUS[0]}" -eq 0 ] &&
      { [[ "$requirements" != *--no-deps* ]] ||
        "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps ${requirements#*--no-deps} 2>&1 | quiet; } &&
      echo "$wanted" >"$venv/.requirements" ||
      { status=1; printf '%s\t%s\t%s\t%s\n' "$row" "$requirements" "failed: install" $((SECONDS - started)) >>"$summary"; continue; }
  fi
  # The wheel with its declared dependencies, which the row's pins must
  # satisfy: a declared floor above a pin fails here.
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$wheel" 2>/dev/null &&
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel" >/dev/null 2>&1 ||
    { status=1; printf '%s\t%s\t%s\t%s\n' "$row" "$requirements" "failed: wheel" $((SECONDS - started)) >>"$summary"; continue; }
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
    status=1; tail -n 60 "$log"; counts="FAILED: $counts"
  fi
  printf '%s\t%s\t%s\t%s\n' "$row" "$versions" "$counts" $((SECONDS - started)) >>"$summary"
done <"$repo/tools/matrix/rows.tsv"

printf '\n%-18s | %-78s | %-40s | %s\n' row versions tests seconds
while IFS=$'\t' read -r row versions counts seconds; do
  printf '%-18s | %-78s | %-40s | %s\n' "$row" "$versions" "$counts" "$seconds"
done <"$summary"
exit "$status"
