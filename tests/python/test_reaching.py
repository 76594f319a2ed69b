"""InverseTimeDecay.reaching(): the schedule whose rate at `at_step` is a
target, against exact fractions; and its bad arguments, from the table
that testthat reads for R's inverse_time_decay_reaching()."""

import math
import os
from fractions import Fraction

import ml_dtypes
import numpy as np
import pytest
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st
from inverse_time_decay import InverseTimeDecay
from oracles import exact_rate, rounded, ulps
from test_validation import bad_arguments

GOOD = {"initial_learning_rate": 0.1, "target_learning_rate": 0.01, "at_step": 100}
TABLE = os.path.join(REPO, "tests", "bad_reaching_arguments.tsv")
CHECKED = {"cases": 0, "near a boundary": 0}


def near_a_rounding_boundary(value, dtype):
    """Whether the Fraction `value` lies within 2**-50 (relative) of the
    midpoint between two neighbours of `dtype`."""
    nearest = np.asarray(rounded(value, dtype)).astype(
        ml_dtypes.bfloat16 if dtype == "bfloat16" else dtype
    )
    for side in (0, np.inf):
        neighbour = np.nextafter(nearest, np.asarray(side, nearest.dtype))
        midpoint = (Fraction(float(nearest)) + Fraction(float(neighbour))) / 2
        if abs(value - midpoint) <= value / 2**50:
            return True
    return False


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    initial=st.floats(1e-6, 10.0),
    fraction=st.floats(1e-6, 1.0),
    at_step=st.one_of(st.integers(1, 2**40), st.floats(0.5, 1e12)),
    decay_steps=st.one_of(st.integers(1, 10**6), st.floats(1e-3, 1e6)),
    staircase=st.booleans(),
    dtype=st.sampled_from(["float32", "float16", "bfloat16", "float64"]),
)
def test_the_rate_at_at_step_is_the_target_rounded_to_the_dtype(
    initial, fraction, at_step, decay_steps, staircase, dtype
):
    target = initial * fraction
    if staircase:
        at_step = max(at_step, decay_steps)
    schedule = InverseTimeDecay.reaching(
        initial, target, at_step, decay_steps, staircase=staircase, dtype=dtype
    )
    assert (schedule.initial_learning_rate, schedule.staircase) == (initial, staircase)
    # With staircase, the first step of the period too, where a float holds it.
    start = math.floor(Fraction(at_step) / Fraction(decay_steps)) * Fraction(decay_steps)
    steps = [at_step] + ([float(start)] if staircase and Fraction(float(start)) == start else [])
    for step, value in zip(steps, schedule.numpy_values(steps).astype(np.float64)):
        # The schedule's own rate there, exact: what the solved decay_rate gives.
        rate = exact_rate(initial, decay_steps, schedule.decay_rate, step, staircase)
        if dtype == "float64":  # four roundings in float64: within 2 ulps
            assert ulps(value, rate, np.float64) <= 2
            assert abs(Fraction(value) - Fraction(target)) <= Fraction(target) / 2**48
        else:
            assert value == rounded(rate, dtype)
            if near_a_rounding_boundary(Fraction(target), dtype):
                CHECKED["near a boundary"] += 1
            else:
                assert value == rounded(Fraction(target), dtype), (step, value, target)
        CHECKED["cases"] += 1


@pytest.mark.parametrize("argument,value,error,problem", bad_arguments(TABLE))
def test_bad_input_is_refused_with_argument_and_value(argument, value, error, problem):
    kwargs = dict(GOOD, decay_steps=10, **{argument: value})
    with pytest.raises(error) as info:
        InverseTimeDecay.reaching(**kwargs)
    assert str(info.value) == f"Argument `{argument}` {problem}. Received: {argument}={value!r}"


def test_staircase_needs_an_at_step_past_the_first_period_and_equal_is_constant():
    with pytest.raises(ValueError) as info:
        InverseTimeDecay.reaching(0.1, 0.01, 5, decay_steps=10, staircase=True)
    assert str(info.value) == (
        "Argument `at_step` must be at least decay_steps (10) with staircase, where the "
        "first period keeps the initial rate. Received: at_step=5"
    )
    constant = InverseTimeDecay.reaching(0.1, 0.1, 5)
    assert constant.decay_rate == 0.0
    assert constant.numpy_values([0, 5, 10**9]).tolist() == [np.float32(0.1)] * 3
    with pytest.raises(ValueError, match="too far below 1e"):
        InverseTimeDecay.reaching(1e300, 1e-300, 1e-300)


def test_reaching_decays_as_the_formula_says_between_the_ends():
    schedule = InverseTimeDecay.reaching(0.1, 0.001, 10_000, decay_steps=100)
    assert schedule.decay_rate == (0.1 / 0.001 - 1.0) / (10_000 / 100)
    values = schedule.numpy_values([0, 5000, 10_000])
    assert values.tolist() == [
        rounded(exact_rate(0.1, 100, schedule.decay_rate, step), "float32")
        for step in (0, 5000, 10_000)
    ]
    assert values[-1] == np.float32(0.001)
