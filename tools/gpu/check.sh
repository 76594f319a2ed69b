#!/bin/bash
# The GPU check (tools/gpu/check.py) on a machine with one CUDA GPU, whose
# Python has CUDA builds of JAX and torch but no Keras and no network: the
# wheels in WHEELS (`make gpu-wheels`: this package's, Keras's and those of
# its needs that such a machine lacks) are installed with pip's --no-index
# into a folder of their own, then the check runs on JAX (without x64: float32
# pairs; with x64: float64) and on torch. About 2 minutes on an H100.
# Usage: tools/gpu/check.sh WHEELS [--allow-cpu]
set -uo pipefail
wheels=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
"$python" -m pip install -q --no-index --no-deps --no-compile --disable-pip-version-check \
  --target "$site" "$wheels"/*.whl || exit 1
export PYTHONPATH=$site TF_CPP_MIN_LOG_LEVEL=3 PYTHONUNBUFFERED=1
status=0
for run in "KERAS_BACKEND=jax" "KERAS_BACKEND=jax JAX_ENABLE_X64=1" "KERAS_BACKEND=torch"; do
  echo ">> $run"
  env $run timeout 200 "$python" "$here/check.py" "$@" || status=1
done
exit $status
