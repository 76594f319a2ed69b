"""Bad input is refused when the schedule is built, naming argument and value."""

import builtins
import csv
import json
import math
import os
import re
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import REPO
from inverse_time_decay import InverseTimeDecay
from oracles import exact_rate, rounded

GOOD = {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5}
TABLE = os.path.join(REPO, "tests", "bad_arguments.tsv")


def bad_arguments(table=TABLE):
    """The rows of tests/bad_arguments.tsv (or `table`) that have a Python
    value. testthat reads the same file for R: both languages must refuse
    each row with the same message, "Argument `x` <problem>. Received:
    x=<value>"."""
    with open(table, newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        pytest.param(
            row["argument"],
            eval(row["python_value"], {"np": np}),
            getattr(builtins, row["python_error"]),
            row["problem"],
            id=f"{row['argument']}={row['python_value']}",
        )
        for row in rows
        if row["python_value"]
    ]


@pytest.mark.parametrize("argument,value,error,problem", bad_arguments())
def test_bad_input_is_refused_with_argument_and_value(argument, value, error, problem):
    kwargs = dict(GOOD, **{argument: value})
    with pytest.raises(error) as info:
        InverseTimeDecay(**kwargs)
    assert str(info.value) == f"Argument `{argument}` {problem}. Received: {argument}={value!r}"


@pytest.mark.parametrize(
    "config,problem",
    [
        (
            dict(GOOD, momentum=0.9),
            "has unknown keys ['momentum']; expected only ['initial_learning_rate', "
            "'decay_steps', 'decay_rate', 'staircase', 'name', 'dtype']",
        ),
        (
            {"decay_steps": 10, "decay_rate": 0.5},
            "lacks the keys ['initial_learning_rate']",
        ),
        (
            {"initial_learning_rate": 0.1},
            "lacks the keys ['decay_steps', 'decay_rate']",
        ),
    ],
)
def test_from_config_refuses_unknown_or_missing_keys(config, problem):
    with pytest.raises(ValueError) as info:
        InverseTimeDecay.from_config(config)
    assert str(info.value) == f"Argument `config` {problem}. Received: config={config!r}"


@pytest.mark.parametrize("config", [[("decay_steps", 10)], None, "config"])
def test_from_config_refuses_a_config_that_is_not_a_dict(config):
    with pytest.raises(TypeError) as info:
        InverseTimeDecay.from_config(config)
    assert str(info.value) == f"Argument `config` must be a dict. Received: config={config!r}"


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


def test_a_keras_variable_is_read_for_its_value():
    schedule = InverseTimeDecay(keras.Variable(0.25, dtype="float64"), keras.Variable(4), 0.5)
    assert (schedule.initial_learning_rate, schedule.decay_steps) == (0.25, 4)
    assert schedule.dtype == "float64"


@pytest.mark.parametrize("dtype", ["float64", np.dtype("float64"), tf.float64])
def test_a_dtype_object_is_kept_by_its_name(dtype):
    schedule = InverseTimeDecay(0.1, 10, 0.5, dtype=dtype)
    assert type(schedule.dtype) is str and schedule.dtype == "float64"
    assert json.loads(json.dumps(schedule.get_config()))["dtype"] == "float64"


@pytest.mark.parametrize("argument", ["initial_learning_rate", "decay_steps", "decay_rate"])
def test_a_symbolic_tensor_is_refused_naming_the_argument(argument):
    @tf.function
    def build(value):
        InverseTimeDecay(**dict(GOOD, **{argument: value}))

    with pytest.raises(TypeError) as info:
        build(tf.constant(1.0))
    # tf.function puts where in user code it was raised first.
    assert str(info.value).splitlines()[-1].strip() == (
        f"TypeError: Argument `{argument}` must be a real number. "
        f"Received: {argument}=<tf.Tensor 'value:0' shape=() dtype=float32>"
    )


# The largest finite value of each dtype, from its bits.
LARGEST = {
    "float16": 65504.0,
    "bfloat16": float.fromhex("0x1.fep+127"),
    "float32": float.fromhex("0x1.fffffep+127"),
    "float64": float.fromhex("0x1.fffffffffffffp+1023"),
}


@pytest.mark.parametrize("dtype", sorted(LARGEST))
def test_the_largest_rate_a_dtype_holds_is_accepted_and_one_above_refused(dtype):
    largest = LARGEST[dtype]
    assert InverseTimeDecay(largest, 10, 0.5, dtype=dtype).initial_learning_rate == largest
    above = math.nextafter(largest, math.inf)
    if math.isinf(above):
        return  # float64: nothing finite lies above
    with pytest.raises(ValueError) as info:
        InverseTimeDecay(above, 10, 0.5, dtype=dtype)
    assert str(info.value) == (
        f"Argument `initial_learning_rate` must be at most {largest!r}, the largest {dtype}. "
        f"Received: initial_learning_rate={above!r}"
    )


def test_a_zero_initial_rate_is_allowed_and_every_rate_is_zero():
    schedule = InverseTimeDecay(0.0, 10, 0.5)
    assert schedule(np.array([0, 7, 100])).numpy().tolist() == [0.0, 0.0, 0.0]


def test_an_integer_decay_steps_stays_an_exact_int_and_a_float_one_below_2_63():
    for given in (np.uint64(2**63 - 1), np.uint64(2**64 - 1), 2**64 + 1, 10**30):
        kept = InverseTimeDecay(0.1, given, 0.5).decay_steps
        assert type(kept) is int and kept == int(given)
    assert type(InverseTimeDecay(0.1, float(2**62), 0.5).decay_steps) is int
    assert type(InverseTimeDecay(0.1, float(2**63), 0.5).decay_steps) is float


def test_an_integer_beyond_float64_is_refused_naming_it():
    for value in (2**1024, -(2**1024)):
        for name, args in (
            ("initial_learning_rate", (value, 10, 0.5)),
            ("decay_steps", (0.1, value, 0.5)),
            ("decay_rate", (0.1, 10, value)),
        ):
            with pytest.raises(ValueError) as raised:
                InverseTimeDecay(*args)
            assert str(raised.value) == (
                f"Argument `{name}` must be within float64's range. Received: {name}={value!r}"
            )
    assert InverseTimeDecay(0.1, int(sys.float_info.max), 0.5).decay_steps == int(
        sys.float_info.max
    )


NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    "step,problem",
    [
        (-1, "must be >= 0. Received: step=-1"),
        (-0.5, "must be >= 0. Received: step=-0.5"),
        (NAN, "must be finite. Received: step=nan"),
        (INF, "must be finite. Received: step=inf"),
        (-INF, "must be finite. Received: step=-inf"),
        (np.float32(NAN), "must be finite. Received: step=nan"),
        # An array is named by its first non-finite step, else its lowest.
        (np.array([0, 1, -2, -1]), "must be >= 0. Received: step=-2"),
        (np.array([1.0, NAN, INF]), "must be finite. Received: step=nan"),
        (np.array([1.0, -INF, NAN], np.float32), "must be finite. Received: step=-inf"),
        (np.array([2.0, -1.0, -3.5], np.float32), "must be >= 0. Received: step=-3.5"),
        (np.array([1.0, NAN], "bfloat16"), "must be finite. Received: step=nan"),
        (np.array([2.0, -1.0], "bfloat16"), "must be >= 0. Received: step=-1.0"),
    ],
    ids=repr,
)
@pytest.mark.parametrize("staircase", [False, True])
def test_a_bad_eager_step_is_refused_naming_it(step, problem, staircase):
    schedule = InverseTimeDecay(0.1, 10, 0.5, staircase=staircase)
    with pytest.raises(ValueError) as info:
        schedule(step)
    assert str(info.value) == "Argument `step` " + problem
    if isinstance(step, np.ndarray):
        with pytest.raises(ValueError) as info:
            schedule.numpy_values(step)
        # numpy_values names its own argument, `steps`.
        assert str(info.value) == "Argument `steps` " + problem.replace("step=", "steps=")


def test_name_none_means_the_default():
    assert InverseTimeDecay(0.1, 10, 0.5, name=None).name == "InverseTimeDecay"
    assert InverseTimeDecay(0.1, 10, 0.5).name == "InverseTimeDecay"


@pytest.mark.parametrize(
    "step,shown",
    [
        (True, "True of type bool"),
        ("3", "'3' of type str"),
        (None, "None of type NoneType"),
        # numpy 2 writes it np.False_ of type `bool`, numpy 1 False of `bool_`.
        (np.bool_(False), f"{np.bool_(False)!r} of type {type(np.bool_(False)).__name__}"),
        (np.array([1, "a"], dtype=object), "<ndarray of dtype object>"),
        (tf.constant([True]), "<EagerTensor of dtype bool>"),
        ([True, False], "[True, False] of type list"),
    ],
    ids=repr,
)
def test_a_step_that_is_no_number_is_a_type_error_naming_step(step, shown):
    schedule = InverseTimeDecay(0.1, 10, 0.5, staircase=True)
    with pytest.raises(TypeError) as info:
        schedule(step)
    assert str(info.value) == (
        "Argument `step` must be an integer or floating-point number, array or tensor. "
        f"Received: step={shown}"
    )


def test_a_traced_step_of_a_wrong_dtype_is_refused_when_traced():
    schedule = InverseTimeDecay(0.1, 10, 0.5)
    with pytest.raises(TypeError, match=r"`step`.*dtype bool"):
        tf.function(schedule)(tf.constant(True))


def test_python_ints_beyond_uint64_are_refused():
    with pytest.raises(
        ValueError, match=re.escape("below 2**64. Received: step=18446744073709551616")
    ):
        InverseTimeDecay(0.1, 10, 0.5)(2**64)


# tf_keras's legacy optimizers call the schedule with `iterations` cast to a
# complex variable's dtype.
@pytest.mark.parametrize(
    "make_step",
    [
        complex,
        np.complex64,
        np.complex128,
        lambda s: np.array([s, s + 1], dtype=np.complex64),
        lambda s: tf.constant(s, tf.complex64),
        lambda s: tf.Variable(complex(s), dtype=tf.complex128),
    ],
    ids=["complex", "complex64", "complex128", "array", "tensor", "variable"],
)
def test_a_complex_step_with_no_imaginary_part_gives_the_rate_of_its_real_part(make_step):
    schedule = InverseTimeDecay(0.1, 10, 0.5, staircase=True)
    values = np.atleast_1d(np.asarray(schedule(make_step(29))))
    steps = [29, 30][: values.size]
    expected = [rounded(exact_rate(0.1, 10, 0.5, s, staircase=True), "float32") for s in steps]
    assert values.tolist() == expected


def test_a_traced_complex_step_gives_the_rate_of_its_real_part():
    schedule = InverseTimeDecay(0.1, 10, 0.5)
    value = tf.function(schedule)(tf.constant(7 + 0j, tf.complex64))
    assert float(value) == rounded(exact_rate(0.1, 10, 0.5, 7), "float32")


@pytest.mark.parametrize(
    "step,shown",
    [
        (1 + 2j, "(1+2j)"),
        (np.array([1, 2 - 1j]), "(2-1j)"),
        (tf.constant([0j, complex(3, float("nan"))], tf.complex64), "(3+nanj)"),
    ],
    ids=repr,
)
def test_a_complex_step_with_an_imaginary_part_is_a_value_error_naming_step(step, shown):
    with pytest.raises(ValueError) as info:
        InverseTimeDecay(0.1, 10, 0.5)(step)
    assert str(info.value) == (
        "Argument `step` must be real: a complex step needs an imaginary part of 0. "
        f"Received: step={shown}"
    )
