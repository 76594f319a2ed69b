"""This backend's benchmark figures (bench/backend_bench.py) keep working:
one tiny pass in a process of its own, no times asserted. make bench runs
the same script once per backend."""

import os
import sys

import pytest
from conftest import REPO, run_command

LEGACY = os.environ.get("TF_USE_LEGACY_KERAS") == "1"
BACKEND = "tf_keras" if LEGACY else os.environ.get("KERAS_BACKEND", "tensorflow")


@pytest.mark.skipif(
    os.environ.get("JAX_ENABLE_X64") == "1", reason="the bench runs JAX without x64"
)
def test_this_backends_bench_figures_print_their_rows():
    script = os.path.join(REPO, "bench", "backend_bench.py")
    out = run_command([sys.executable, script, BACKEND, "--smoke"], timeout=600)
    rows = {
        line.split()[1]: line.split()[2:5] for line in out.splitlines() if line.startswith("ROW ")
    }
    assert set(rows) == {f"py_memory_{BACKEND}", f"py_step_cost_{BACKEND}", f"py_fit_{BACKEND}"}
    for name, values in rows.items():
        assert all(float(v) == float(v) for v in values), (name, values)  # numbers, not NaN
    assert any(line.startswith(f"PAIRED py_fit_{BACKEND} ") for line in out.splitlines())
