"""The exact oracles every Python test checks against, computed apart from
the package: the schedule's rate as a Fraction, and a Fraction rounded to
each floating dtype, ties to even, by comparing fractions (no float64 step
in between, which could round twice)."""

import math
from fractions import Fraction

import ml_dtypes
import numpy as np

_BITS = {2: np.uint16, 4: np.uint32, 8: np.uint64}


def _numpy_dtype(dtype):
    return np.dtype(ml_dtypes.bfloat16 if dtype == "bfloat16" else dtype)


def exact_rate(initial_learning_rate, decay_steps, decay_rate, step, staircase=False):
    """The schedule's value as an exact Fraction, from the formula alone."""
    lr, d, r, s = (Fraction(v) for v in (initial_learning_rate, decay_steps, decay_rate, step))
    p = Fraction(math.floor(s / d)) if staircase else s / d
    return lr / (1 + r * p)


def rounded(value, dtype):
    """The value of `dtype` (float16, bfloat16, float32, float64) nearest to
    the Fraction `value` >= 0, ties to even: the neighbours of a first guess,
    compared as fractions. A Python float (which holds every such value
    exactly); inf past the dtype's range."""
    dtype = _numpy_dtype(dtype)
    bits_type = _BITS[dtype.itemsize]
    with np.errstate(over="ignore"):
        guess = np.asarray(float(value)).astype(dtype).reshape(1)
    if not np.isfinite(guess[0]):
        return float("inf")
    bits = int(guess.view(bits_type)[0])
    candidates = []
    for b in (bits - 1, bits, bits + 1):
        if b >= 0:
            c = np.array([b], dtype=bits_type).view(dtype)[0]
            if np.isfinite(c):
                candidates.append((abs(Fraction(float(c)) - value), b & 1, c))
    return float(min(candidates, key=lambda t: t[:2])[2])


def ulps(value, exact, dtype):
    """|value - exact| in units of the last place of `dtype` at `exact`."""
    nearest = np.asarray(rounded(exact, dtype)).astype(_numpy_dtype(dtype))
    spacing = Fraction(float(np.spacing(np.abs(nearest))))
    return float(abs(Fraction(float(value)) - exact) / spacing)


def pair_values(initial_learning_rate, decay_steps, decay_rate, step, staircase, dtype):
    """The rates that float32 pairs (~48 bits) may give at `step`: the exact
    rate rounded to float32, or its other float32 neighbour where it lies
    within 2**-44 (relative) of the midpoint between them; in staircase
    mode with a fractional decay_steps, the neighbouring period's where
    step / decay_steps is within 2**-44 of a whole number; and a 16-bit
    rate rounded from any of those, or from the exact rate."""
    lr, d, r = Fraction(initial_learning_rate), Fraction(decay_steps), Fraction(decay_rate)
    rates = [exact_rate(lr, d, r, step, staircase)]
    quotient = Fraction(step) / d
    whole = round(quotient)
    near_whole = abs(quotient - whole) <= quotient / 2**44
    if staircase and d.denominator != 1 and whole > 0 and near_whole:
        rates += [lr / (1 + r * k) for k in (whole - 1, whole)]
    values = set()
    for rate in rates:
        nearest = np.float32(rounded(rate, "float32"))
        values.add(float(nearest))
        for side in (np.float32(0), np.float32(np.inf)):
            neighbour = np.nextafter(nearest, side)
            midpoint = (Fraction(float(nearest)) + Fraction(float(neighbour))) / 2
            if abs(rate - midpoint) <= rate / 2**44:
                values.add(float(neighbour))
    if dtype != "float32":
        values = {rounded(Fraction(v), dtype) for v in values} | {rounded(rates[0], dtype)}
    return values
