"""The curve's shape, by hypothesis, with no oracle: every rate lies in
(0, initial_learning_rate], the curve never rises, and a staircase is flat
between boundaries and meets the continuous curve on them.

Values against exact fractions are the step property's
(step_property.py); accuracy at scale (4,022 steps up to 2**31, boundaries
up to 2**53) is measured by bench/accuracy.py, beside Keras's own class."""

import math

import keras
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from inverse_time_decay import InverseTimeDecay

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
