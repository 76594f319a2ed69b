"""The wheel installed as a user installs it, into fresh virtual
environments, once per extra: `[tensorflow]`, `[jax]`, `[torch]`, and none.
From the package registries, so not part of `make test`: `make test-install`
runs it (several minutes, about 2 GB of downloads for TensorFlow and torch).
"""

import os
import subprocess
import sys
import time
from fractions import Fraction

import numpy as np
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# torch's default Linux wheel pulls CUDA; this pin is a CPU build here.
PINS = {"torch": ["torch==2.13.0"]}
COMPUTE = (
    "import inverse_time_decay as m, keras\n"
    "s = m.InverseTimeDecay(0.1, 3, 0.5, staircase=True)\n"
    "print(keras.backend.backend(), *[repr(float(v)) for v in s.numpy_values(range(7))])\n"
)


def run(command, env=None, timeout=1800):
    result = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=timeout, check=False
    )
    return result.returncode, result.stdout + result.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    code, log = run(
        [sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(out), REPO]
    )
    assert code == 0, log
    (built,) = out.glob("*.whl")
    return built


def fresh_venv(tmp_path, requirement):
    venv = tmp_path / "venv"
    assert run([sys.executable, "-m", "venv", str(venv)])[0] == 0
    python = str(venv / "bin" / "python")
    started = time.monotonic()
    code, log = run(
        [python, "-m", "pip", "install", "-q", "--disable-pip-version-check", *requirement]
    )
    assert code == 0, log[-3000:]
    print(f"install {requirement}: {time.monotonic() - started:.0f} s")
    return python


@pytest.mark.parametrize("extra", ["jax", "torch", "tensorflow"])
def test_each_extra_installs_a_backend_and_the_schedule_computes(wheel, tmp_path, extra):
    python = fresh_venv(tmp_path, [f"{wheel}[{extra}]", *PINS.get(extra, [])])
    env = dict(os.environ, KERAS_BACKEND=extra, PYTHONPATH="", TF_CPP_MIN_LOG_LEVEL="3")
    code, out = run([python, "-c", COMPUTE], env=env)
    assert code == 0, out
    # The line the code prints (TensorFlow logs to the same streams).
    (line,) = [line for line in out.splitlines() if line.startswith(f"{extra} ")]
    backend, *rates = line.split()
    assert backend == extra
    # 0.1 / (1 + 0.5 * floor(step / 3)) for steps 0..6, exactly, to float32
    exact = [Fraction(1, 10) / (1 + Fraction(1, 2) * (step // 3)) for step in range(7)]
    assert rates == [repr(float(np.float32(float(rate)))) for rate in exact]


def test_without_a_backend_the_import_says_what_to_install(wheel, tmp_path):
    python = fresh_venv(tmp_path, [str(wheel)])
    code, out = run(
        [python, "-c", "import inverse_time_decay"], env=dict(os.environ, PYTHONPATH="")
    )
    assert code != 0
    last = out.strip().splitlines()[-1]
    assert last.startswith("ImportError: inverse_time_decay needs Keras and a backend for it:")
    assert "pip install 'inverse_time_decay[tensorflow]' (or [jax] or [torch])" in last
    assert "install_inverse_time_decay()" in last
    assert "(Missing: the module 'tensorflow'.)" in last
