"""Shared helpers: an exact rational reference, independent of the package."""

import bisect
import json
import math
import os
import socket
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# tf_keras/ holds tests of tf_keras (Keras 2). The package picks its Keras
# generation once per process, from TF_USE_LEGACY_KERAS at first import, so
# they run in a pytest process of their own (`make test-python` runs it
# with TF_USE_LEGACY_KERAS=1); any other process leaves them out, and every
# test but those there in a tf_keras process.
if os.environ.get("TF_USE_LEGACY_KERAS") == "1":
    collect_ignore_glob = ["test_*.py"]
else:
    collect_ignore = ["tf_keras"]


def pytest_collection_modifyitems(items):
    # tests/python/integration runs Keras's machinery (fit, distribution,
    # preemption, saving across processes) with the schedule in it; a
    # conftest.py of its own would shadow this one's helpers.
    for item in items:
        if f"{os.sep}integration{os.sep}" in str(item.path):
            item.add_marker(pytest.mark.integration)


def exact_rate(initial_learning_rate, decay_steps, decay_rate, step, staircase=False):
    """The schedule's value as an exact Fraction, from the formula alone."""
    lr, d, r, s = (Fraction(v) for v in (initial_learning_rate, decay_steps, decay_rate, step))
    p = Fraction(math.floor(s / d)) if staircase else s / d
    return lr / (1 + r * p)


def ulps(value, exact, dtype):
    """|value - exact| in units of the last place of `dtype` at `exact`."""
    nearest = dtype(float(exact))
    spacing = Fraction(float(np.spacing(np.abs(nearest))))
    return float(abs(Fraction(float(value)) - exact) / spacing)


def all_finite_values(dtype):
    """Every finite value >= 0 of a 16-bit float dtype, ascending, exactly."""
    import ml_dtypes

    bits = np.arange(0, 0x8000, dtype=np.uint16)
    values = bits.view(ml_dtypes.bfloat16 if dtype == "bfloat16" else np.float16)
    with np.errstate(invalid="ignore"):  # the NaN bit patterns, dropped below
        values = values.astype(np.float64)
    return [Fraction(float(v)) for v in values[np.isfinite(values)]], bits[np.isfinite(values)]


HALF_VALUES = {}


def rounded_once(exact, dtype):
    """`exact` rounded to the nearest value of `dtype`, ties to even, by
    bisecting the dtype's values as fractions: no float64 step between."""
    if dtype not in HALF_VALUES:
        HALF_VALUES[dtype] = all_finite_values(dtype)
    values, bits = HALF_VALUES[dtype]
    above = bisect.bisect_left(values, exact)
    if above == len(values):
        return float("inf")
    if values[above] == exact or above == 0:
        return float(values[above])
    low, high = values[above - 1], values[above]
    if exact - low != high - exact:
        return float(low if exact - low < high - exact else high)
    return float(low if bits[above - 1] % 2 == 0 else high)


def run_command(command, env=None, timeout=600, cwd=REPO):
    """Runs a command to its end; fails the test, with its output, unless it
    exits with 0. Returns its stdout."""
    result = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=timeout, cwd=cwd, check=False
    )
    if result.returncode != 0:
        pytest.fail(f"{command[0]} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result.stdout


def run_python(code, env=None, timeout=300, args=()):
    """Runs `code` in a fresh interpreter (a new Keras backend, a new process)."""
    full_env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", **(env or {}))
    return run_command([sys.executable, "-c", code, *args], full_env, timeout)


def script_path(script):
    """A probe script of tests/python or of tests/python/integration."""
    here = os.path.join(REPO, "tests", "python")
    integration = os.path.join(here, "integration", script)
    return integration if os.path.exists(integration) else os.path.join(here, script)


def keras3_on_tensorflow():
    """This test process's Keras, Keras 3 on TensorFlow: the integration
    tests run their Keras 3 side here and start processes only for what needs
    one of its own (a load that must not find the class, tf_keras, devices)."""
    import keras

    assert keras.backend.backend() == "tensorflow"
    return keras


def run_probe(script, *args, env=None, timeout=600):
    """Runs one of the probe scripts; returns the JSON it prints last."""
    full_env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", **(env or {}))
    path = script_path(script)
    out = run_command([sys.executable, path, *args], full_env, timeout)
    return json.loads(out.strip().splitlines()[-1])


def free_ports(count):
    """`count` TCP ports on 127.0.0.1 that were free a moment ago."""
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def start_probes(script, mode, envs):
    """Starts one process of a probe script per environment (a worker of a
    multi-process job each), with pipes for its output."""
    path = script_path(script)
    return [
        subprocess.Popen(
            [sys.executable, path, mode],
            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", **env),
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for env in envs
    ]


@pytest.fixture(scope="session")
def embedded_r():
    """R embedded in this Python process once, with inversetimedecay loaded.

    reticulate inside it attaches to this same interpreter, so R and Python
    share one Keras. Skips, with the reason, where R, rpy2 or the R package
    is missing.
    """
    os.environ.setdefault("RETICULATE_PYTHON", sys.executable)
    os.environ.setdefault("R_LIBS", os.path.join(REPO, ".Rlib"))
    try:
        import rpy2.robjects as robjects
        from rpy2.robjects.packages import PackageNotInstalledError, importr
    except Exception as error:  # ImportError, or R itself failing to start
        pytest.skip(f"rpy2 or R is not available: {error}")
    try:
        package = importr("inversetimedecay")
    except PackageNotInstalledError:
        pytest.skip("the R package inversetimedecay is not installed (make setup)")
    return robjects, package


def run_r(code, args=(), timeout=600):
    """Runs R code with Rscript, on this interpreter's Python; returns stdout."""
    import shutil

    if shutil.which("Rscript") is None:
        pytest.skip("Rscript is not installed")
    env = dict(os.environ, RETICULATE_PYTHON=sys.executable, TF_CPP_MIN_LOG_LEVEL="3")
    env.setdefault("R_LIBS", os.path.join(REPO, ".Rlib"))
    return run_command(["Rscript", "-e", code, *args], env, timeout)
