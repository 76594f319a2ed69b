"""Float32 pairs that carry ~48 bits, for devices without float64.

`FloatPairs` is `_formula.rate`'s namespace for a tensor step on a device
without float64 (`_steps.float64_on`: a TPU, Apple's MPS, JAX without
x64). float32 alone would lose accuracy above 2**24 steps: each number is
an unevaluated sum `hi + lo` of float32 values, computed by the error-free
transformations of Dekker and Knuth and rounded once to float32 at the end.
The rate equals the float64 path's, except:
- within ~2**-44 (relative) of a float32 rounding boundary;
- in staircase mode with a fractional decay_steps, where step / decay_steps
  is within ~2**-44 (relative) of a whole number: a pair holds decay_steps
  to ~48 bits, so the floor can fall in the neighbouring period (0.1, step
  3.0: period 30 here, 29 in float64, whose 0.1 is a little above 1/10);
- a 16-bit rate is the float32 rate rounded again, a float64 one is it;
- below ~2**-100 a rate has float32's precision: the quotient's low part is
  subnormal there, and XLA flushes it to zero.
Integer steps with a whole decay_steps are divided in integers, exactly.

Compilers may fuse `x - a * b` into a multiply-add (XLA's CPU backend does),
which breaks Dekker's product: products are made only of halves of at most
12 significant bits, split by masking bits rather than by `4097 * a`, whose
partial products are exact and round alike fused or not.
"""

import math
from typing import Any, Optional

import numpy as np

from inverse_time_decay._backend import ops

Pair = tuple[Any, Any]  # (hi, lo) float32 tensors whose sum is the value


def _split(a: Any) -> Pair:
    """a == hi + lo exactly, each of at most 12 significant bits: hi is a
    with the low 12 bits of its significand cleared, by a 32-bit bitcast
    (every backend has one; a TPU has no 64-bit one)."""
    hi = ops.bitcast(ops.bitcast(a, "int32") & -4096, "float32")
    return hi, a - hi


def _two_sum(a: Any, b: Any) -> Pair:
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _quick_two_sum(a: Any, b: Any) -> Pair:
    s = a + b
    return s, b - (s - a)


def _two_prod(a: Any, b: Any) -> Pair:
    """a * b as a pair, from exact partial products of the halves."""
    a_hi, a_lo = _split(a)
    b_hi, b_lo = _split(b)
    cross, cross_error = _two_sum(a_hi * b_lo, a_lo * b_hi)
    p, e = _two_sum(a_hi * b_hi, cross)
    return _quick_two_sum(p, e + (cross_error + a_lo * b_lo))


def add(x: Pair, y: Pair) -> Pair:
    s, e = _two_sum(x[0], y[0])
    return _quick_two_sum(s, e + (x[1] + y[1]))


def multiply(x: Pair, y: Pair) -> Pair:
    p, e = _two_prod(x[0], y[0])
    return _quick_two_sum(p, e + (x[0] * y[1] + x[1] * y[0]))


def _subtract_product(x: Pair, y: Pair, q: Any) -> Pair:
    """x - q * y for pairs x and y and a float q."""
    p, e = _two_prod(y[0], q)
    s, f = _two_sum(x[0], -p)
    return _quick_two_sum(s, f + (x[1] - (e + y[1] * q)))


def divide(x: Pair, y: Pair) -> Pair:
    q1 = x[0] / y[0]
    r = _subtract_product(x, y, q1)
    q2 = r[0] / y[0]
    q3 = _subtract_product(r, y, q2)[0] / y[0]
    return add(_quick_two_sum(q1, q2), (q3, q3 * 0))


def _floor(x: Pair) -> Pair:
    """floor(hi + lo) as a pair, without rounding hi + lo first."""
    hi = ops.floor(x[0])
    whole = ops.equal(hi, x[0])  # then the fraction, if any, lies in lo
    return hi, ops.where(whole, ops.floor(x[1]), x[1] * 0)


def _is_finite(x: Any) -> Any:
    return ops.less(ops.abs(x), float("inf"))  # False for infinities and NaN


def _wide_integer(n: Any) -> Any:
    """An integer tensor of at least 32 bits, so that 2**24 and decay_steps fit."""
    name = ops.dtype_name(n)
    if np.iinfo(name).bits >= 32:
        return n
    return ops.cast(n, "uint32" if name.startswith("uint") else "int32")


def _from_integer(n: Any) -> Pair:
    """An integer tensor as a pair: exact below 2**48 (both parts have at
    most 24 bits), to ~48 bits above. The low part by floor division, which
    TensorFlow has for every integer type (its truncatemod has no unsigned)."""
    n = _wide_integer(n)
    low = n - ops.floor_divide(n, 2**24) * 2**24
    return _quick_two_sum(ops.cast(n - low, "float32"), ops.cast(low, "float32"))


class FloatPairs:
    """`_formula.rate`'s operations on pairs (see the module's docstring)."""

    floor_quotient = staticmethod(lambda s, d: _floor(divide(s, d)))
    divide = staticmethod(divide)
    fence = staticmethod(lambda x: x)
    full = lambda self, step, value: self.constant(value)  # noqa: E731

    def __init__(self, step: Any) -> None:
        f = ops.cast(step, "float32")
        self.zero = f - f  # a zero the compiler cannot know (see _formula)
        self._float32_step = f
        # The step and decay_steps as pairs where the quotient can pass
        # float32's range (a decay_steps below 1): see `multiply`.
        self._overflowing: Optional[tuple[Pair, Pair]] = None

    def constant(self, value: Any) -> Pair:
        """A number as a pair of tensors (`zero + part`, which the compiler
        cannot fold), or a Variable's value."""
        if not isinstance(value, float):
            return ops.cast(value, "float32"), self.zero
        hi = float(np.float32(value))
        return self.zero + hi, self.zero + float(np.float32(value - hi))

    is_integer = staticmethod(lambda step: "int" in ops.dtype_name(step))

    @staticmethod
    def whole_periods(step: Any, whole: int) -> Pair:
        step = _wide_integer(step)
        wide = ops.dtype_name(step)
        if whole > np.iinfo(wide).max:
            return _from_integer(step * 0)  # every step's quotient is 0
        return _from_integer(ops.floor_divide(step, ops.convert_to_tensor(whole, wide)))

    def step_and_period(self, step: Any, decay_steps: float) -> tuple[Pair, Pair]:
        """The step and decay_steps as pairs. Pairs reach only ~3.4e38: past
        2**100 both are scaled by 2**-shift, which brings decay_steps into
        [1, 2) and keeps the quotient (where the scaled step underflows, the
        quotient is below 2**-126 and the rate the initial rate)."""
        shift = math.frexp(decay_steps)[1] - 1 if decay_steps >= 2.0**100 else 0

        def scale(x: Any) -> Any:
            # By factors of at least 2**-100, each `zero + factor`: XLA's CPU
            # backend flushes a subnormal one to zero, and multiplies known ones.
            for part in range(shift, 0, -100):
                x = x * (self.zero + 2.0 ** -min(part, 100))
            return x

        s = _from_integer(step) if self.is_integer(step) else (self._float32_step, self.zero)
        s = scale(s[0]), scale(s[1])
        d = self.constant(math.ldexp(decay_steps, -shift))
        if decay_steps < 1.0:
            self._overflowing = s, d
        return s, d

    def multiply(self, x: Pair, y: Pair) -> Pair:
        """The quotient x times decay_rate y. A float32 step beyond ~3.4e38 *
        decay_steps takes the quotient past float32's range, where a pair's
        error terms are NaN: there the product is `(step * y) / decay_steps`
        (and one past the range gives the rate 0: `round`)."""
        product = multiply(x, y)
        if self._overflowing is None:
            return product
        s, d = self._overflowing
        finite = _is_finite(x[0])
        other = divide(multiply(s, y), d)
        return ops.where(finite, product[0], other[0]), ops.where(finite, product[1], other[1])

    def add(self, x: Pair, y: float) -> Pair:
        return add(x, self.constant(y))

    @staticmethod
    def round(x: Pair, dtype: str) -> Any:
        rate = x[0] + x[1]
        # NaN only where the denominator passed float32's range: the rate is 0.
        return ops.cast(ops.where(_is_finite(rate), rate, 0.0), dtype)
