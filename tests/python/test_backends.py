"""Keras 3 on TensorFlow, JAX and PyTorch, and tf_keras (Keras 2), each in its
own process: eager and compiled values, fit, save and load."""

import numpy as np
import pytest
from conftest import exact_rate, run_probe, ulps

GENERATIONS = {
    "tensorflow": {"KERAS_BACKEND": "tensorflow"},
    "jax": {"KERAS_BACKEND": "jax"},
    "torch": {"KERAS_BACKEND": "torch"},
    "tf_keras": {"TF_USE_LEGACY_KERAS": "1"},
}
MODULES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch", "tf_keras": "tf_keras"}


@pytest.fixture(scope="module", params=list(GENERATIONS))
def probe(request):
    name = request.param
    pytest.importorskip(MODULES[name], reason=f"{MODULES[name]} is not installed")
    return run_probe("backend_probe.py", env=GENERATIONS[name])


def expected(staircase, steps):
    return [exact_rate(0.1, 10, 0.5, s, staircase) for s in steps]


@pytest.mark.parametrize("mode", ["continuous", "staircase"])
def test_eager_values_are_within_half_an_ulp(probe, mode):
    for value, exact in zip(probe[f"eager_{mode}"], expected(mode == "staircase", probe["steps"])):
        assert ulps(value, exact, np.float32) <= 0.5 + 1e-6, (probe["backend"], value)


@pytest.mark.parametrize("mode", ["continuous", "staircase"])
def test_compiled_values_equal_eager_values(probe, mode):
    assert probe[f"compiled_{mode}"] == probe[f"eager_{mode}"]
    if f"compiled_scalar_{mode}" in probe:
        assert probe[f"compiled_scalar_{mode}"] == probe[f"eager_{mode}"]


@pytest.mark.parametrize("mode", ["continuous", "staircase"])
def test_backend_tensors_are_accepted_eagerly(probe, mode):
    assert probe[f"eager_tensor_{mode}"] == probe[f"eager_{mode}"]


def test_no_retracing_per_step(probe):
    # Two compilations: one for the vector of steps, one for the scalar step
    # (a variable under TensorFlow); ten scalar steps add none.
    if probe["backend"] == "jax":
        assert probe["compiled_cache_size"] == 2
    else:
        for mode in ("continuous", "staircase"):
            assert probe[f"traces_{mode}"] == 2


def test_the_right_generation_of_keras(probe):
    base = "tf_keras" if probe["backend"] == "tf_keras" else "keras"
    assert probe["class_base"].split(".")[0] == base


def test_fit_uses_it_and_the_model_reloads(probe):
    assert probe["fit_iterations"] == 8
    assert probe["fit_schedule_type"] == "InverseTimeDecay"
    assert probe["fit_learning_rate"] == float(np.float32(float(exact_rate(0.1, 2, 0.5, 8))))
    assert all(np.isfinite(probe["fit_losses"]))
    assert probe["restored_type"] == "InverseTimeDecay"
    assert probe["restored_config"] == {
        "initial_learning_rate": 0.1,
        "decay_steps": 2,
        "decay_rate": 0.5,
        "staircase": False,
        "name": "InverseTimeDecay",
        "dtype": None,
    }
    assert probe["restored_iterations"] == 8


def test_backend_scalar_tensors_are_accepted_as_arguments(probe):
    schedule_dtype, tensor_dtype = probe["tensor_argument_dtype"]
    assert schedule_dtype == tensor_dtype
