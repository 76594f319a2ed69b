"""Named examples of values, each one behaviour a reader can check at a
glance (Keras's integer-rate truncation, a staircase's flat periods, steps
past int64, overflow to a rate of 0). Values themselves are the step
property's (step_property.py, run by test_step_property.py): every path,
output dtype and container against exact fractions, with the edge cases
these examples once checked in grids among its explicit examples."""

import math
import warnings
from fractions import Fraction

import keras
import numpy as np
import pytest
import tensorflow as tf
from inverse_time_decay import InverseTimeDecay
from oracles import exact_rate, rounded, ulps

PARAMETER_SETS = [
    (0.1, 1.0, 0.5),
    (1, 10, 0.5),
    (0.01, 1000, 2.0),
    (3e-4, 7, 0.05),
    (0.5, 0.5, 1.0),
    (2.0, 3.3, 0.0),
]


def test_integer_initial_rate_does_not_truncate():
    # Keras's own class gives 1.0 here: 1 / (1 + 0.15) truncated to an int.
    value = float(InverseTimeDecay(1, 10, 0.5)(3))
    assert value == rounded(exact_rate(1, 10, 0.5, 3), "float32")
    assert value == pytest.approx(0.8696, abs=1e-4)


def test_a_staircase_step_float32_cannot_hold_is_in_its_own_period():
    # float32 cannot hold 2**24 + 1: a float32 step would land a period early.
    schedule = InverseTimeDecay(1.0, 2**24 + 1, 1.0, staircase=True)
    assert float(schedule(2**24)) == 1.0
    assert float(schedule(2**24 + 1)) == 0.5


def test_staircase_is_constant_between_boundaries():
    schedule = InverseTimeDecay(0.1, 10, 0.5, staircase=True)
    values = keras.ops.convert_to_numpy(schedule(np.arange(30)))
    assert np.all(values[:10] == np.float32(0.1))
    assert np.all(values[10:20] == np.float32(0.1 / 1.5))
    assert np.all(values[20:30] == np.float32(0.1 / 2.0))


@pytest.mark.parametrize("staircase", [False, True])
@pytest.mark.parametrize("params", PARAMETER_SETS[:4])
def test_agrees_with_keras_builtin_where_it_is_right(params, staircase):
    # Keras's class rounds in float32 and truncates integer rates; on float
    # rates and small steps it is right to within a few float32 ulps.
    lr = float(params[0])
    ours = InverseTimeDecay(lr, *params[1:], staircase=staircase)
    theirs = keras.optimizers.schedules.InverseTimeDecay(lr, *params[1:], staircase=staircase)
    for step in range(0, 200, 7):
        np.testing.assert_allclose(float(ours(step)), float(theirs(step)), rtol=3e-7)


def test_result_is_a_backend_tensor_of_the_schedule_dtype():
    schedule = InverseTimeDecay(0.1, 1, 0.5)
    for step in (3, np.int64(3), tf.constant(3, tf.int64), keras.Variable(3, dtype="int64")):
        value = schedule(step)
        assert tf.is_tensor(value)
        assert value.dtype == tf.float32


@pytest.mark.parametrize("staircase", [False, True])
def test_a_whole_decay_steps_beyond_int64_takes_the_float_path_everywhere(staircase):
    schedule = InverseTimeDecay(0.1, 10**20, 0.5, staircase=staircase)
    assert schedule.decay_steps == 10**20
    compiled = tf.function(schedule, jit_compile=True)
    for steps in (
        np.array([0, 2**62, 10**19], dtype=np.uint64),
        np.array([0, 2**62, 2**63 - 1], dtype=np.int64),
    ):
        want = [rounded(exact_rate(0.1, 10**20, 0.5, int(s), staircase), "float32") for s in steps]
        assert schedule(steps).numpy().tolist() == want
        assert compiled(tf.constant(steps)).numpy().tolist() == want


@pytest.mark.parametrize("staircase", [False, True])
def test_uint64_steps_above_int64_give_positive_exact_rates(staircase):
    schedule = InverseTimeDecay(0.1, 3, 0.5, staircase=staircase)
    steps = np.array([2**63, 2**63 + 5, 2**64 - 1], dtype=np.uint64)
    want = [rounded(exact_rate(0.1, 3, 0.5, int(s), staircase), "float32") for s in steps]
    for got in (
        schedule(steps),
        tf.function(schedule, jit_compile=True)(tf.constant(steps)),
        [schedule(s) for s in steps],
        [schedule(int(s)) for s in steps],
    ):
        values = np.asarray(got, dtype=np.float32)
        assert values.tolist() == want
        assert (values > 0).all()


def test_a_known_step_never_gives_a_nan_rate_when_decay_rate_is_zero():
    schedule = InverseTimeDecay(0.25, 1e-300, 0.0, staircase=True)
    assert schedule(np.array([0.0, 1e300])).numpy().tolist() == [0.25, 0.25]
    assert float(schedule(1e300)) == 0.25
    assert tf.function(schedule, jit_compile=True)(
        tf.constant([1e300], tf.float64)
    ).numpy().tolist() == [0.25]
    wide = InverseTimeDecay(0.25, 3, 0.0, dtype="float64")
    assert tf.function(wide, jit_compile=True)(tf.constant([7], tf.int64)).dtype == tf.float64


@pytest.mark.parametrize("staircase", [False, True])
def test_a_quotient_past_float64_gives_rate_zero_without_a_warning(staircase):
    # step / decay_steps (or its product with decay_rate) overflows to inf:
    # the exact rate is below the smallest float64, so 0.
    schedule = InverseTimeDecay(0.5, 1e-300, 1.0, staircase=staircase, dtype="float64")
    steady = InverseTimeDecay(0.5, 1.0, 1e300, staircase=staircase, dtype="float64")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert schedule(np.array([1e308, 0.0])).numpy().tolist() == [0.0, 0.5]
        assert schedule.numpy_values(np.array([1e300])).tolist() == [0.0]
        assert steady(np.array([1e10, 1.0])).numpy().tolist() == [0.0, 0.5 / (1e300 + 1)]
        assert float(schedule(1e308)) == 0.0


def test_bfloat16_and_empty_step_arrays():
    schedule = InverseTimeDecay(0.1, 4, 0.5)
    steps = [0.0, 1.0, 2.5, 304.0]  # each a bfloat16
    values = schedule(np.array(steps, "bfloat16")).numpy()
    assert values.dtype == np.float32
    for step, value in zip(steps, values):
        assert ulps(value, exact_rate(0.1, 4, 0.5, step), np.float32) <= 0.5 + 1e-6
    for dtype in ("float32", "int64", "uint8"):
        empty = schedule(np.zeros((0, 2), dtype))
        assert empty.shape == (0, 2) and empty.dtype == tf.float32


@pytest.mark.parametrize("decay_steps", [0.1, 0.3, 0.7, 1.9, 2.5, 7.7, 1e-3, 123.456])
def test_staircase_floor_of_python_number_steps_is_exact(decay_steps):
    # float(step / decay_steps) often rounds up onto a whole number that the
    # exact quotient falls short of (step = 1, decay_steps = 0.1: 10.0, but
    # 1 / 0.1000000000000000055... is just under 10): the period is still 9.
    schedule = InverseTimeDecay(1.0, decay_steps, 1.0, staircase=True, dtype="float64")
    rng = np.random.default_rng(int(decay_steps * 1000))
    steps = [*range(0, 300), *rng.integers(0, int(min(2**50 * decay_steps, 2**53)), 300).tolist()]
    expected = [
        float(Fraction(1, 1 + math.floor(Fraction(s) / Fraction(decay_steps)))) for s in steps
    ]
    for step, want in zip(steps, expected):
        assert float(schedule(step)) == want, step
        assert float(schedule(float(step))) == want, step
    # The same periods for arrays of steps, integer and floating, in numpy
    # and in compiled code.
    compiled = tf.function(schedule, jit_compile=True)
    for array in (np.array(steps, np.int64), np.array(steps, np.float64)):
        np.testing.assert_array_equal(schedule.numpy_values(array), expected)
        np.testing.assert_array_equal(compiled(tf.constant(array)).numpy(), expected)


@pytest.mark.parametrize("decay_steps", [0.1, 3])
def test_staircase_beyond_whole_float64_quotients_stays_within_an_ulp(decay_steps):
    # Past 2**53 every float64 quotient is whole already: it is taken as the
    # period. Floating steps take this path even where decay_steps is whole
    # (2**63 and up are beyond int64).
    schedule = InverseTimeDecay(1.0, decay_steps, 1.0, staircase=True, dtype="float64")
    steps = [2.0**53, 2.0**60, 2.0**63, 1e19, 2.0**64, 2.0**70]
    exact = [Fraction(1, 1 + math.floor(Fraction(s) / Fraction(decay_steps))) for s in steps]
    array = np.array(steps)
    for got in (
        [float(schedule(s)) for s in steps],
        schedule(array).numpy(),
        tf.function(schedule, jit_compile=True)(tf.constant(array)).numpy(),
    ):
        for step, value, want in zip(steps, got, exact):
            assert ulps(value, want, np.float64) <= 1, (step, value)


@pytest.mark.parametrize("decay_steps", [3, 1000])
def test_staircase_periods_of_integer_steps_are_exact_at_every_size(decay_steps):
    # An integer step's period is step // decay_steps, exactly, at any size:
    # past 2**53 the float64 quotient is off by up to an ulp of the
    # quotient, which shows in a float64 rate. The rate is then the
    # formula's float64 operations on the exact period.
    schedule = InverseTimeDecay(1.0, decay_steps, 0.5, staircase=True, dtype="float64")
    rng = np.random.default_rng(decay_steps)
    steps = [0, 1, 2, decay_steps - 1, decay_steps, decay_steps + 1, 2 * decay_steps + 1]
    steps += rng.integers(2**53, 2**63, 100, dtype=np.int64).tolist()
    beyond_int64 = rng.integers(2**63, 2**64, 20, dtype=np.uint64).tolist()
    compiled = tf.function(schedule, jit_compile=True)
    for dtype, chosen in ((np.int64, steps), (np.uint64, steps + beyond_int64)):
        want = [1.0 / (float(s // decay_steps) * 0.5 + 1.0) for s in chosen]
        assert [float(schedule(s)) for s in chosen] == want
        assert [float(schedule(dtype(s))) for s in chosen] == want
        assert schedule(np.array(chosen, dtype)).numpy().tolist() == want
        assert compiled(tf.constant(chosen, dtype)).numpy().tolist() == want


def test_numpy_values_names_steps_for_a_negative_entry():
    schedule = InverseTimeDecay(0.1, 3, 0.5)
    with pytest.raises(ValueError, match=r"`steps` must be >= 0. Received: steps=-1$"):
        schedule.numpy_values(np.array([3, -1]))


def test_numpy_values_refuses_symbolic_steps():
    schedule = InverseTimeDecay(0.1, 3, 0.5)

    @tf.function
    def traced(step):
        return schedule.numpy_values(step)

    # tf.function prefixes where in user code it was raised.
    with pytest.raises(TypeError) as info:
        traced(tf.constant(3))
    assert (
        "TypeError: Argument `steps` must have a known value; call the schedule itself on "
        "symbolic steps. Received: steps=<tf.Tensor 'step:0' shape=() dtype=int32>"
    ) in str(info.value)
