"""The step property (step_property.py) on the other backends, each in a
fresh process, since the Keras backend is chosen once per process: JAX with
and without x64 (float32 pairs), PyTorch and tf_keras. A file of its own so
that pytest's two workers can run it beside the TensorFlow run."""

import json

import pytest
from conftest import run_probe


@pytest.mark.parametrize(
    "env",
    [
        {"KERAS_BACKEND": "jax"},
        {"KERAS_BACKEND": "jax", "JAX_ENABLE_X64": "1"},
        {"KERAS_BACKEND": "torch"},
        {"TF_USE_LEGACY_KERAS": "1"},
    ],
    ids=["jax", "jax-x64", "torch", "tf_keras"],
)
def test_every_path_on_the_other_backends_gives_the_exact_rate(env):
    examples = "40" if env.get("KERAS_BACKEND") == "torch" else "90"  # torch compiles slowly
    summary = run_probe("step_property.py", examples, env=env, timeout=900)
    print("step property:", json.dumps(summary))
    assert summary["examples"] >= int(examples)
    assert summary["cases"] >= 40  # of step type x mode x path
