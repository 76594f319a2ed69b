"""Shared helpers: running probes, R and Python in fresh processes, ports,
and embedded R. The exact oracles are in oracles.py."""

import json
import os
import socket
import subprocess
import sys

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


def r_missing(reason):
    """Skips a test that needs R where R or the package is missing, and
    fails it where the lane installed them (`make`, which sets REQUIRE_R=1):
    there a missing R is a broken set-up, not a reason to test less."""
    if os.environ.get("REQUIRE_R") == "1":
        pytest.fail(f"REQUIRE_R=1, but {reason}")
    pytest.skip(reason)


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


def load_iris():
    """R's iris data as the Python demo reads it (demo/iris_fit.py):
    features as float32, species as int32 codes."""
    import importlib.util

    path = os.path.join(REPO, "demo", "iris_fit.py")
    spec = importlib.util.spec_from_file_location("iris_fit", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.load_iris()


def tensorboard_scalars(log_dir, tag):
    """[(step, value)] of a scalar that a TensorBoard callback wrote under
    `log_dir`, read back through TensorFlow's public event-file reader."""
    import glob

    import tensorflow as tf

    found = []
    for path in sorted(glob.glob(os.path.join(str(log_dir), "events.out.tfevents.*"))):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                if value.tag == tag:
                    found.append((event.step, float(tf.make_ndarray(value.tensor))))
    return found


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
        r_missing(f"rpy2 or R is not available: {error}")
    try:
        package = importr("inversetimedecay")
    except PackageNotInstalledError:
        r_missing("the R package inversetimedecay is not installed (make setup)")
    return robjects, package


def run_r(code, args=(), timeout=600):
    """Runs R code with Rscript, on this interpreter's Python; returns stdout."""
    import shutil

    if shutil.which("Rscript") is None:
        r_missing("Rscript is not installed")
    env = dict(os.environ, RETICULATE_PYTHON=sys.executable, TF_CPP_MIN_LOG_LEVEL="3")
    env.setdefault("R_LIBS", os.path.join(REPO, ".Rlib"))
    return run_command(["Rscript", "-e", code, *args], env, timeout)
