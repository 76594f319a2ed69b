"""The step property (step_property.py) on this process's backend: every
step type, container, output dtype and path against exact fractions. On
TensorFlow it runs in tests/python/test_step_property.py, with R's values
added; `make test-python` runs this folder once per other backend (JAX with
and without x64, PyTorch, tf_keras)."""

import pytest
import step_property

# Each example compiles anew (three times on torch, whose compiler is the
# slowest): 20 random examples besides the explicit ones reach every path
# and output dtype (asserted below), and 225 to 277 cases of step dtype x
# mode x path x output a backend (torch 230 with 10).
EXAMPLES = {"torch": 10}.get(step_property.BACKEND, 20)


@pytest.mark.skipif(
    step_property.BACKEND == "tensorflow", reason="tests/python/test_step_property.py runs it"
)
def test_every_path_on_this_backend_gives_the_exact_rate():
    step_property.property_test(EXAMPLES)()
    summary = step_property.summary()
    print("step property:", summary)
    assert summary["examples"] >= EXAMPLES
    paths = {path for _, _, path, _ in step_property.CHECKED["cases"]}
    assert {"scalar/python", "array/numpy", "traced/tensor", "variable rate/traced"} <= paths
    outputs = {output for *_, output in step_property.CHECKED["cases"]}
    assert outputs == set(step_property.OUTPUT_DTYPES)
    if step_property.PAIRS:
        assert summary["pair_floor_cases"] > 0  # the documented neighbouring period was met
        assert summary["pair_tiny_cases"] > 0  # and a rate below 2**-100
