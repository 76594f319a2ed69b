"""Bad input is refused when the schedule is built, naming argument and value."""

import re

import numpy as np
import pytest
import tensorflow as tf

from inverse_time_decay import InverseTimeDecay

GOOD = {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5}

# (argument, bad value, expected exception): at least 30 rows.
BAD_INPUTS = [
    ("initial_learning_rate", float("nan"), ValueError),
    ("initial_learning_rate", float("inf"), ValueError),
    ("initial_learning_rate", float("-inf"), ValueError),
    ("initial_learning_rate", -0.1, ValueError),
    ("initial_learning_rate", "0.1", TypeError),
    ("initial_learning_rate", None, TypeError),
    ("initial_learning_rate", {"value": 0.1}, TypeError),
    ("initial_learning_rate", 0.1 + 0j, TypeError),
    ("initial_learning_rate", [0.1, 0.2], TypeError),
    ("initial_learning_rate", np.array([0.1, 0.2]), ValueError),
    ("initial_learning_rate", True, TypeError),
    ("initial_learning_rate", np.bool_(True), TypeError),
    ("decay_steps", 0, ValueError),
    ("decay_steps", -1, ValueError),
    ("decay_steps", -0.5, ValueError),
    ("decay_steps", 0.0, ValueError),
    ("decay_steps", float("nan"), ValueError),
    ("decay_steps", float("inf"), ValueError),
    ("decay_steps", "10", TypeError),
    ("decay_steps", None, TypeError),
    ("decay_steps", False, TypeError),
    ("decay_steps", np.array([1, 2, 3]), ValueError),
    ("decay_steps", 10 + 1j, TypeError),
    ("decay_rate", -0.5, ValueError),
    ("decay_rate", float("nan"), ValueError),
    ("decay_rate", float("-inf"), ValueError),
    ("decay_rate", "fast", TypeError),
    ("decay_rate", None, TypeError),
    ("decay_rate", [0.5], TypeError),
    ("decay_rate", True, TypeError),
    ("decay_rate", np.complex64(1), TypeError),
    ("staircase", "no", TypeError),
    ("staircase", 1, TypeError),
    ("staircase", None, TypeError),
    ("staircase", "FALSE", TypeError),
    ("name", 3, TypeError),
    ("name", ["a"], TypeError),
]


def test_the_table_is_large_enough():
    assert len(BAD_INPUTS) >= 30


@pytest.mark.parametrize("argument,value,error", BAD_INPUTS, ids=lambda v: repr(v)[:20])
def test_bad_input_is_refused_with_argument_and_value(argument, value, error):
    kwargs = dict(GOOD, **{argument: value})
    with pytest.raises(error) as info:
        InverseTimeDecay(**kwargs)
    message = str(info.value)
    assert f"`{argument}`" in message
    assert f"{argument}={value!r}" in message


@pytest.mark.parametrize(
    "config,problem",
    [
        (dict(GOOD, momentum=0.9), "unknown keys"),
        (dict(GOOD, staircase=False, name="x", extra=1), "unknown keys"),
        ({"decay_steps": 10, "decay_rate": 0.5}, "lacks the keys"),
        ({"initial_learning_rate": 0.1}, "lacks the keys"),
    ],
)
def test_from_config_refuses_unknown_or_missing_keys(config, problem):
    with pytest.raises(ValueError, match=problem):
        InverseTimeDecay.from_config(config)


def test_from_config_validates_values():
    with pytest.raises(ValueError, match=re.escape("decay_steps=0")):
        InverseTimeDecay.from_config(dict(GOOD, decay_steps=0))


@pytest.mark.parametrize(
    "value,dtype",
    [
        (np.float32(0.1), "float32"),
        (np.float64(0.1), "float64"),
        (np.float16(0.1), "float16"),
        (np.array(0.1), "float64"),
        (np.int64(1), "float32"),
        (tf.constant(0.1, tf.float64), "float64"),
        (tf.constant(0.1, tf.bfloat16), "bfloat16"),
        (tf.constant(0.1), "float32"),
        (0.1, "float32"),
        (1, "float32"),
    ],
)
def test_scalars_and_tensors_are_accepted_and_set_the_dtype(value, dtype):
    schedule = InverseTimeDecay(value, np.int32(10), np.float64(0.5))
    assert schedule.dtype == dtype
    assert schedule(5).dtype.name == dtype


@pytest.mark.parametrize("step", [-1, -0.5, np.array([0, 1, -2]), float("nan"), float("inf")])
def test_a_bad_eager_step_raises(step):
    with pytest.raises(ValueError, match="`step`"):
        InverseTimeDecay(0.1, 10, 0.5)(step)


def test_name_none_means_the_default():
    assert InverseTimeDecay(0.1, 10, 0.5, name=None).name == "InverseTimeDecay"
