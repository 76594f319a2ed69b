"""The Python distribution as PyPI and pip see it: built from this tree,
checked by twine, installed into a fresh virtual environment with NumPy 2;
and one version across DESCRIPTION, pyproject.toml and the module."""

import os
import re
import sys
import tarfile
import zipfile

import pytest
import tomllib
from conftest import REPO, run_command

MIT_FIRST_LINES = "Permission is hereby granted, free of charge, to any person obtaining a copy"


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    # No isolation: the build backend (setuptools) comes from this venv, offline.
    run_command([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), REPO])
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return wheel, sdist


def test_twine_check_strict_passes(dist):
    out = run_command([sys.executable, "-m", "twine", "check", "--strict", *map(str, dist)])
    assert out.count("PASSED") == 2, out


def test_the_wheel_holds_the_package_its_types_and_the_mit_licence(dist):
    wheel, _ = dist
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read("inverse_time_decay-0.1.0.dist-info/METADATA").decode()
        licence = archive.read("inverse_time_decay-0.1.0.dist-info/licenses/LICENSE.md").decode()
    package = {n for n in names if not n.startswith("inverse_time_decay-0.1.0.dist-info/")}
    expected = {
        f"inverse_time_decay/{name}"
        for name in (
            "__init__.py",
            "_backend.py",
            "_float_float.py",
            "_formula.py",
            "_steps.py",
            "_validation.py",
            "callbacks.py",
            "schedule.py",
            "py.typed",
        )
    }
    assert package == expected
    assert MIT_FIRST_LINES in licence and "MIT License" in licence
    assert "License-Expression: MIT" in metadata
    assert "License-File: LICENSE.md" in metadata
    assert "Classifier: Typing :: Typed" in metadata
    assert re.search(r"^Keywords: .*keras", metadata, re.M)
    # The long description stands alone: no image or link to a relative path.
    description = metadata.split("\n\n", 1)[1]
    relative = re.findall(r"!?\[[^\]]*\]\((?!https?://|#)([^)]+)\)", description)
    assert relative == []
    assert "InverseTimeDecay(0.1, decay_steps=1.0, decay_rate=0.5)" in description


def test_the_sdist_holds_sources_not_the_r_package(dist):
    _, sdist = dist
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    assert "LICENSE.md" in names and "pyproject.toml" in names
    assert "python/inverse_time_decay/schedule.py" in names
    # The R package's CRAN-style LICENSE stub, R code and tests stay out.
    assert not {n for n in names if n == "LICENSE" or n.startswith(("R/", "tests/", "src/"))}
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def read_description_version():
    with open(os.path.join(REPO, "DESCRIPTION")) as handle:
        return re.search(r"^Version:\s*(\S+)", handle.read(), re.M).group(1)


def read_pyproject_version():
    with open(os.path.join(REPO, "pyproject.toml"), "rb") as handle:
        return tomllib.load(handle)["project"]["version"]


def test_one_version_in_description_pyproject_module_and_news():
    import inverse_time_decay

    versions = {
        "DESCRIPTION": read_description_version(),
        "pyproject.toml": read_pyproject_version(),
        "inverse_time_decay.__version__": inverse_time_decay.__version__,
    }
    assert len(set(versions.values())) == 1, versions
    with open(os.path.join(REPO, "NEWS.md")) as handle:
        first_heading = next(line for line in handle if line.startswith("# "))
    assert first_heading.strip() == f"# inversetimedecay {versions['DESCRIPTION']}"
