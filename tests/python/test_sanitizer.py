"""src/schedule.c under the undefined-behaviour sanitizer.

The R package is built with -fsanitize=undefined into a scratch library and
the R value tests (tests/testthat/test-values.R) run against that build: no
sanitizer report may appear. The build must really be instrumented, which
the test checks by the sanitizer's runtime being linked into the library.
"""

import os
import shutil
import subprocess

from conftest import REPO, r_missing

FLAGS = (
    "-fsanitize=undefined,float-cast-overflow -fno-sanitize-recover=all"
    "  -fno-omit-frame-pointer -g -O1"
)


def test_value_tests_run_clean_under_ubsan(tmp_path):
    if shutil.which("R") is None:
        r_missing("R is not installed")
    makevars = tmp_path / "Makevars"
    makevars.write_text(f"CFLAGS = {FLAGS}\nLDFLAGS = -fsanitize=undefined,float-cast-overflow\n")
    library = tmp_path / "lib"
    library.mkdir()
    env = dict(
        os.environ,
        R_MAKEVARS_USER=str(makevars),
        UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1",
    )
    # A copy of the sources, so that no object file built without the
    # sanitizer is reused.
    source = tmp_path / "inversetimedecay"
    shutil.copytree(
        REPO,
        source,
        symlinks=True,
        ignore=shutil.ignore_patterns(
            ".venv", ".Rlib", ".git", ".setup", ".modern", "build", "*.o", "*.so", ".hypothesis"
        ),
    )
    build = subprocess.run(
        ["R", "CMD", "INSTALL", "--no-test-load", "-l", str(library), str(source)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    assert "-fsanitize=undefined" in build.stdout + build.stderr
    shared = library / "inversetimedecay" / "libs" / "inversetimedecay.so"
    linked = subprocess.run(
        ["ldd", str(shared)], capture_output=True, text=True, check=False
    ).stdout
    assert "libubsan" in linked, linked

    env["R_LIBS"] = f"{library}{os.pathsep}{os.environ.get('R_LIBS', '')}"
    code = (
        "library(testthat); library(inversetimedecay);"
        "stopifnot(startsWith(find.package('inversetimedecay'), Sys.getenv('SANITIZED')));"
        "source('tests/testthat/helper-python.R');"
        "r <- as.data.frame(test_file('tests/testthat/test-values.R', reporter = 'silent'));"
        "cat('ubsan value tests:', sum(r$nb), 'expectations,', sum(r$failed), 'failed\\n')"
    )
    run = subprocess.run(
        ["Rscript", "-e", code],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=dict(env, SANITIZED=str(library)),
        timeout=300,
        check=False,
    )
    output = run.stdout + run.stderr
    print(output.strip().splitlines()[-1])
    assert run.returncode == 0, output[-4000:]
    assert "runtime error" not in output, output[-4000:]
    assert ", 0 failed" in output, output[-4000:]
