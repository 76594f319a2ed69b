"""The oracles themselves (oracles.py), against cases worked by hand: an
oracle that rounded through float64 would agree with a package that does."""

from fractions import Fraction

import ml_dtypes
import numpy as np
from oracles import exact_rate, rounded, ulps


def test_the_exact_rate_is_the_formula_in_fractions():
    assert exact_rate(0.5, 3, 0.5, 7) == Fraction(0.5) / (1 + Fraction(1, 2) * Fraction(7, 3))
    assert exact_rate(0.5, 3, 0.5, 7, staircase=True) == Fraction(1, 4)


def test_rounding_is_once_where_float64_would_round_onto_a_midpoint():
    # 1 + 2**-24 + 2**-60 is nearer 1 + 2**-23 than 1; through float64 it
    # becomes 1 + 2**-24, the float32 midpoint, and ties to even give 1.
    x = 1 + Fraction(1, 2**24) + Fraction(1, 2**60)
    assert float(np.float32(float(x))) == 1.0
    assert rounded(x, "float32") == 1 + 2**-23
    y = 1 + Fraction(1, 2**8) + Fraction(1, 2**60)  # bfloat16 has 8 bits
    assert float(ml_dtypes.bfloat16(float(y))) == 1.0
    assert rounded(y, "bfloat16") == 1 + 2**-7
    z = 1 + Fraction(1, 2**11) + Fraction(1, 2**60)  # float16 has 11
    assert rounded(z, "float16") == 1 + 2**-10


def test_ties_go_to_even_and_past_the_range_is_inf():
    assert rounded(1 + Fraction(1, 2**24), "float32") == 1.0
    assert rounded(1 + Fraction(3, 2**24), "float32") == 1 + 2**-22
    assert rounded(Fraction(70000), "float16") == float("inf")
    assert rounded(Fraction(1, 10), "float64") == 0.1


def test_ulps_are_in_the_dtype_asked_for():
    exact = Fraction(1, 10)
    assert ulps(rounded(exact, "float32"), exact, np.float32) <= 0.5
    assert ulps(0.1, exact, np.float32) == float(
        abs(Fraction(0.1) - exact) / Fraction(float(np.spacing(np.float32(0.1))))
    )
    assert ulps(float(np.float32(0.1)) + 2**-27, exact, np.float32) > 0.5
