"""The benchmark scripts keep working: one tiny pass, no times asserted.

Here, bench/run.py with the Python and R figures, the eager TensorFlow fit
and the accuracy table; each backend's own figures (backend_bench.py) run
in that backend's test process (backends/test_bench_here.py), beside the
other lanes, so that no lane waits for all five."""

import os
import shutil
import sys

from conftest import REPO, r_missing, run_command


def test_bench_smoke_pass_prints_every_row(tmp_path):
    if shutil.which("Rscript") is None:
        r_missing("Rscript is not installed")
    out = tmp_path / "bench-smoke.md"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env.setdefault("R_LIBS", os.path.join(REPO, ".Rlib"))
    command = [sys.executable, os.path.join(REPO, "bench", "run.py"), "--smoke", "--out", str(out)]
    stdout = run_command([*command, "--backends", "tensorflow_eager"], env=env, timeout=900)
    lines = stdout.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("| figure |")))
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        if not line.startswith("|---"):
            table.append(line)
    # The header and one row per figure: 5 Python rows on TensorFlow, the
    # eager fit and 6 R rows.
    assert len(table) == 1 + 12
    assert any(line.startswith("| accuracy probe |") for line in lines)
    for figure in (
        "eager call, Python int step",
        "optimizer iteration variable",
        "memory kept by eager calls",
        "1e6-step curve",
        "fit throughput, tensorflow, run_eagerly=True,",
        "one step to an R number",
        "library(inversetimedecay)",
        "first printed curve",
    ):
        assert any(figure in line for line in table), figure
    # The file it wrote (fresh: this test's own folder) holds the same table.
    written = out.read_text().splitlines()
    assert [line for line in written if line.startswith("| ")] == [
        line for line in lines if line.startswith("| ")
    ]
