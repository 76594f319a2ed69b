"""The R package installed as an R user on Windows gets it: a git clone
without symlinks (git's default there, `core.symlinks=false`), then
`R CMD INSTALL`, then a fit from R on a Python that has Keras but not this
package, which must come from the R package's own copy of the module.

It clones the repository's HEAD: what is committed, as a user's clone is.
"""

import os
import subprocess
import sys
import sysconfig

import numpy as np
from conftest import REPO, run_command


def python_without_the_package(folder):
    """A venv that sees this interpreter's packages (Keras, TensorFlow) by a
    path in a .pth file, but not the editable install of inverse_time_decay,
    which lives in a .pth file of its own (a .pth in a path added this way is
    not read)."""
    run_command([sys.executable, "-m", "venv", "--without-pip", str(folder)])
    python = folder / "bin" / "python"
    out = run_command([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
    with open(os.path.join(out.strip(), "project-packages.pth"), "w") as pth:
        pth.write(sysconfig.get_path("purelib") + "\n")
    return str(python)


def test_a_clone_without_symlinks_installs_and_trains_on_a_python_without_the_package(tmp_path):
    clone = tmp_path / "clone"
    run_command(["git", "clone", "-q", "-c", "core.symlinks=false", REPO, str(clone)])
    library = tmp_path / "library"
    library.mkdir()
    run_command(["R", "CMD", "INSTALL", "--no-multiarch", "-l", str(library), str(clone)])
    carried = library / "inversetimedecay" / "python" / "inverse_time_decay"
    assert sorted(p.name for p in carried.glob("*.py")) == sorted(
        p.name for p in (clone / "python" / "inverse_time_decay").glob("*.py")
    )
    python = python_without_the_package(tmp_path / "venv")
    missing = subprocess.run(
        [python, "-c", "import inverse_time_decay"], capture_output=True, text=True, check=False
    )
    assert "No module named 'inverse_time_decay'" in missing.stderr
    code = """
    library(inversetimedecay)
    keras <- reticulate::import("keras")
    x <- reticulate::np_array(as.matrix(iris[, 1:4]), dtype = "float32")
    y <- reticulate::np_array(as.integer(iris$Species) - 1L, dtype = "int32")
    s <- learning_rate_schedule_inverse_time_decay(0.1, 2, 0.5, staircase = TRUE)
    model <- keras$Sequential(list(keras$Input(shape = list(4L)), keras$layers$Dense(3L)))
    model$compile(optimizer = keras$optimizers$SGD(learning_rate = s),
                  loss = keras$losses$SparseCategoricalCrossentropy(from_logits = TRUE))
    model$fit(x, y, epochs = 2L, batch_size = 50L, verbose = 0L)
    module <- reticulate::import("inverse_time_decay")
    cat("module:", module$`__file__`, "\n")
    cat("step:", as.numeric(model$optimizer$iterations$numpy()), "\n")
    cat("rate:", sprintf("%.17g", as.numeric(model$optimizer$learning_rate$numpy())), "\n")
    """
    env = dict(
        os.environ,
        R_LIBS=str(library),
        RETICULATE_PYTHON=python,
        TF_CPP_MIN_LOG_LEVEL="3",
        PYTHONPATH="",
    )
    out = run_command(["Rscript", "-e", code], env=env, timeout=600)
    lines = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)
    assert lines["module"].strip().startswith(str(carried))
    assert lines["step"].strip() == "6"
    # 0.1 / (1 + 0.5 * floor(6 / 2)) = 1 / 25, rounded to float32
    assert float(lines["rate"]) == float(np.float32(1 / 25))
