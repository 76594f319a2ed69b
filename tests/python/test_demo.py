"""The demo as a user runs it (`demo("iris-fit")`): it fits, and writes
nothing outside R's temporary folder unless told to (`make demo` tells it)."""

import os
import shutil
import sys

from conftest import REPO, r_missing, run_command


def test_the_r_demo_writes_only_to_the_temporary_folder(tmp_path):
    if shutil.which("Rscript") is None:
        r_missing("Rscript is not installed")
    cwd, tmp = tmp_path / "work", tmp_path / "tmp"
    cwd.mkdir()
    tmp.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "DEMO_OUT"}
    env.update(TMPDIR=str(tmp), RETICULATE_PYTHON=sys.executable, TF_CPP_MIN_LOG_LEVEL="3")
    env.setdefault("R_LIBS", os.path.join(REPO, ".Rlib"))
    out = run_command(
        ["Rscript", os.path.join(REPO, "demo", "iris-fit.R")], env=env, timeout=300, cwd=cwd
    )
    assert list(cwd.iterdir()) == []  # nothing in the user's working directory
    # Where it says it wrote: R's session folder, which R removed at exit.
    written = [
        line.split(" to ", 1)[1]
        for line in out.splitlines()
        if line.startswith("Curve written to ")
    ]
    assert len(written) == 1 and written[0].startswith(str(tmp) + os.sep), out[-2000:]
    assert list(tmp.iterdir()) == []
