"""The R source tarball holds what CRAN should get and nothing else, even
when the tree is full of what development leaves: an egg-info from
`pip install -e .`, __pycache__, build output, check folders, plots."""

import os
import shutil
import tarfile

import pytest
from conftest import REPO, r_missing, run_command

# What a development tree gathers, each of which must stay out of the tarball.
DECOYS = (
    "python/inverse_time_decay.egg-info/PKG-INFO",
    "python/inverse_time_decay/__pycache__/schedule.cpython-311.pyc",
    "tests/testthat/__pycache__/x.pyc",
    "build/check/inversetimedecay_0.1.0.tar.gz",
    "inversetimedecay.Rcheck/00check.log",
    ".pytest_cache/README.md",
    ".hypothesis/examples/x",
    "Rplots.pdf",
    "src/schedule.o",
    "src/inversetimedecay.so",
    "tests/testthat/Rplots.pdf",
)


def allowed(name):
    """The tarball's files, by folder; anything else is a leak."""
    folder, _, base = name.rpartition("/")
    if folder == "":
        # configure and cleanup copy python/ into inst/python (see configure).
        scripts = {"configure", "configure.win", "cleanup", "cleanup.win"}
        return base in {"DESCRIPTION", "NAMESPACE", "LICENSE", "NEWS.md"} | scripts
    rules = {
        "R": base.endswith(".R"),
        "man": base.endswith(".Rd"),
        "man/figures": base.endswith(".png"),
        "src": base.endswith(".c"),
        "demo": base in {"00Index", "iris-fit.R"},
        "tests": base in {"testthat.R", "bad_arguments.tsv", "bad_reaching_arguments.tsv"},
        "tests/testthat": base.endswith(".R"),
        "vignettes": base.endswith(".Rmd"),
        "inst/doc": base.endswith((".Rmd", ".R", ".html")),
        "build": base in {"vignette.rds", "partial.rdb"},
        "inst/python/inverse_time_decay": base.endswith(".py") or base == "py.typed",
    }
    return rules.get(folder, False)


@pytest.fixture(scope="module")
def tarball(tmp_path_factory):
    if shutil.which("R") is None:
        r_missing("R is not installed")
    work = tmp_path_factory.mktemp("tarball")
    source = work / "inversetimedecay"
    run_command(["bash", os.path.join(REPO, "tools", "ci", "copy-tree.sh"), REPO, str(source)])
    for decoy in DECOYS:
        (source / decoy).parent.mkdir(parents=True, exist_ok=True)
        (source / decoy).write_text("left behind\n")
    # Vignettes are built by make check; here the question is which files go in.
    run_command(
        ["R", "CMD", "build", "--no-build-vignettes", "--no-manual", str(source)],
        timeout=300,
        cwd=work,
    )
    (path,) = work.glob("inversetimedecay_*.tar.gz")
    with tarfile.open(path) as archive:
        return [m.name.split("/", 1)[1] for m in archive.getmembers() if m.isfile()]


def test_the_tarball_holds_only_what_should_ship(tarball):
    assert [name for name in tarball if not allowed(name)] == []


def test_the_tarball_holds_the_package(tarball):
    for name in (
        "DESCRIPTION",
        "R/inverse-time-decay.R",
        "src/schedule.c",
        "inst/python/inverse_time_decay/schedule.py",
        "man/figures/inverse-time-decay.png",
        "vignettes/choosing-decay.Rmd",
        "tests/testthat.R",
        "demo/iris-fit.R",
    ):
        assert name in tarball
