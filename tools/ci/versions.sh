#!/bin/bash
# One line naming a lane's stack: R, reticulate, Python, NumPy, rpy2.
# Usage: tools/ci/versions.sh PYTHON
set -uo pipefail
r=$(Rscript -e 'cat(sprintf("R %s, reticulate %s", getRversion(), packageVersion("reticulate")))' 2>/dev/null)
py=$("$1" - 2>/dev/null <<'PY'
import sys
from importlib.metadata import version
print(f"Python {sys.version.split()[0]}, NumPy {version('numpy')}, rpy2 {version('rpy2')}")
PY
)
echo "$r, $py"
