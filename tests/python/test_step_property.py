"""Every step type, container, output dtype and path under one property
(step_property.py), on TensorFlow, with R's values for the same steps added
as one more path (the R package in this process, through rpy2). The other
backends run it from backends/test_step_property_here.py, in the pytest
process `make test-python` starts for each. Each run adds
step_property.EDGE_CASES to its random examples; this one adds
VALUE_EXAMPLES too."""

import json

import numpy as np
import step_property

R_INTEGER_DTYPES = ("int8", "int16", "int32", "uint8", "uint16")


def r_values(embedded_r):
    """The R schedule's rates for the same steps, where R can hold them."""
    robjects, package = embedded_r

    def extra(schedule, dtype, steps):
        if schedule.dtype != "float32":  # an R number's schedule is float32
            return {}
        array = np.asarray(steps, dtype=dtype)
        if dtype in R_INTEGER_DTYPES:
            r_steps = robjects.IntVector([int(s) for s in array])
        elif dtype.startswith("float") or array.astype(np.float64).max() < 2**53:
            r_steps = robjects.FloatVector([float(s) for s in array])
        else:
            return {}  # int64 steps beyond 2**53 have no R number
        decay_steps = schedule.decay_steps
        r_decay_steps = (
            robjects.IntVector([decay_steps])
            if type(decay_steps) is int and decay_steps < 2**31
            else robjects.FloatVector([float(decay_steps)])
        )
        r_schedule = package.learning_rate_schedule_inverse_time_decay(
            robjects.FloatVector([schedule.initial_learning_rate]),
            r_decay_steps,
            robjects.FloatVector([schedule.decay_rate]),
            staircase=robjects.BoolVector([schedule.staircase]),
        )
        values = np.array(r_schedule(r_steps), dtype=np.float64).astype(np.float32)
        return {"R/vector": values}

    return extra


def test_every_path_on_tensorflow_and_r_gives_the_exact_rate(embedded_r):
    step_property.property_test(80, extra=r_values(embedded_r), value_examples=True)()
    summary = step_property.summary()
    cases = {case[:3] for case in step_property.CHECKED["cases"]}
    print("step property:", json.dumps(summary))
    assert summary["examples"] >= 80
    # Every path and mode was reached, R's among them.
    assert {path for _, _, path in cases} >= {
        "scalar/python",
        "scalar/numpy",
        "scalar/0-d array",
        "scalar/tensor",
        "scalar/variable",
        "array/numpy",
        "array/tensor",
        "traced/tensor",
        "array/list",
        "array/generator",
        "array/ragged",
        "variable rate/python",
        "variable rate/array",
        "variable rate/traced",
        "R/vector",
    }
    assert {mode for _, mode, _ in cases} == {"continuous", "staircase"}
    outputs = {case[3] for case in step_property.CHECKED["cases"]}
    assert outputs == {"float16", "bfloat16", "float32", "float64"}
