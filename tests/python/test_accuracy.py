"""Accuracy against exact rational arithmetic, and properties by hypothesis.

How Keras's own class compares is bench/accuracy.py's business, not a test's."""

import math

import keras
import numpy as np
import pytest
from conftest import exact_rate, ulps
from hypothesis import given, settings
from hypothesis import strategies as st
from inverse_time_decay import InverseTimeDecay

PROBE_PARAMS = [
    (0.1, 1.0, 0.5),
    (0.01, 1000, 2.0),
    (3e-4, 7, 0.05),
    (0.5, 3.3, 1.7),
    (1.0, 10, 0.5),
]


def probe_steps():
    rng = np.random.default_rng(2026)
    return np.unique(
        np.concatenate(
            [
                np.arange(0, 1000),
                rng.integers(0, 2**31, 3000),
                2 ** np.arange(0, 32) - 1,
            ]
        )
    ).astype(np.int64)


def max_ulps(schedule, params, staircase, steps):
    values = keras.ops.convert_to_numpy(schedule(steps))
    return max(
        ulps(v, exact_rate(*params, int(s), staircase), np.float32) for s, v in zip(steps, values)
    )


@pytest.mark.parametrize("params", PROBE_PARAMS)
def test_float32_continuous_within_half_an_ulp_up_to_2_31(params):
    steps = probe_steps()
    ours = max_ulps(InverseTimeDecay(*params), params, False, steps)
    # The rounding of float64 then float32 keeps it under half an ulp plus
    # float64 noise.
    assert ours <= 0.5 + 1e-6


@pytest.mark.parametrize("decay_steps", [1, 3, 10, 1000, 2**20 + 1])
def test_staircase_boundaries_exact_up_to_2_53(decay_steps):
    schedule = InverseTimeDecay(0.1, decay_steps, 0.5, staircase=True)
    rng = np.random.default_rng(decay_steps)
    k = rng.integers(1, 2**53 // decay_steps, 200)
    boundaries = k * decay_steps
    steps = np.concatenate([boundaries - 1, boundaries, boundaries + 1])
    steps = steps[(steps >= 0) & (steps <= 2**53)]
    values = keras.ops.convert_to_numpy(schedule(steps))
    expected = np.array(
        [np.float32(float(exact_rate(0.1, decay_steps, 0.5, int(s), True))) for s in steps]
    )
    np.testing.assert_array_equal(values, expected)


def test_staircase_boundary_exact_above_2_24():
    # float32 cannot hold 2**24 + 1: a float32 step would land a period early.
    schedule = InverseTimeDecay(1.0, 2**24 + 1, 1.0, staircase=True)
    assert float(schedule(2**24)) == 1.0
    assert float(schedule(2**24 + 1)) == 0.5


valid = dict(
    initial_learning_rate=st.floats(1e-6, 10.0),
    decay_steps=st.one_of(st.integers(1, 10**6), st.floats(1e-3, 1e6)),
    decay_rate=st.floats(0.0, 100.0),
)


@settings(max_examples=200, deadline=None)
@given(**valid, step=st.integers(0, 2**40), staircase=st.booleans())
def test_value_lies_in_the_open_interval(
    initial_learning_rate, decay_steps, decay_rate, step, staircase
):
    schedule = InverseTimeDecay(
        np.float64(initial_learning_rate), decay_steps, decay_rate, staircase=staircase
    )
    value = float(schedule(step))
    assert 0 < value <= initial_learning_rate


@settings(max_examples=200, deadline=None)
@given(**valid, start=st.integers(0, 2**40), length=st.integers(2, 200), staircase=st.booleans())
def test_non_increasing_in_step(
    initial_learning_rate, decay_steps, decay_rate, start, length, staircase
):
    schedule = InverseTimeDecay(initial_learning_rate, decay_steps, decay_rate, staircase=staircase)
    values = keras.ops.convert_to_numpy(schedule(np.arange(start, start + length)))
    assert np.all(np.diff(values) <= 0)


@settings(max_examples=200, deadline=None)
@given(
    initial_learning_rate=st.floats(1e-6, 10.0),
    decay_steps=st.integers(1, 10**6),
    decay_rate=st.floats(0.0, 100.0),
    k=st.integers(0, 10**6),
    offset=st.floats(0, 1, exclude_max=True),
)
def test_staircase_is_flat_between_boundaries_and_continuous_on_them(
    initial_learning_rate, decay_steps, decay_rate, k, offset
):
    stair = InverseTimeDecay(initial_learning_rate, decay_steps, decay_rate, staircase=True)
    smooth = InverseTimeDecay(initial_learning_rate, decay_steps, decay_rate)
    boundary = k * decay_steps
    inside = boundary + math.floor(offset * decay_steps)
    assert float(stair(boundary)) == float(smooth(boundary))
    assert float(stair(inside)) == float(stair(boundary))
    assert float(stair(boundary + decay_steps - 1)) == float(stair(boundary))
