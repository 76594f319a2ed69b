"""Float32 pairs that carry ~48 bits, for devices without float64.

`FloatPairs` is the namespace over which `_formula.rate` evaluates the
schedule for a tensor step where `_backend.float64_on` says the device has
no float64 (TPUs, Apple's MPS, JAX without `jax_enable_x64`); everything of
that path is in this file, on every backend's own operations.

Computing in float32 alone would cost the schedule its accuracy above
2**24 steps. Here the formula is evaluated on unevaluated sums `hi + lo` of float32 values with the
error-free transformations of Dekker and Knuth, then rounded once to float32.
The result equals the float64 path's except where the exact value lies
within ~2**-44 of a float32 rounding boundary.

Every function takes and returns pairs of float32 tensors. Compilers may
contract `x - a * b` into one fused multiply-add (XLA's CPU backend does,
across a whole fused kernel), which breaks the classic Dekker product. So
products are built only from halves of at most 12 significant bits, split
by masking bits rather than by Veltkamp's `4097 * a`: every such partial
product is exact, and a fused multiply-add of an exact product rounds the
same as the separate operations.
"""

import math
from typing import Any, Optional

import numpy as np

from inverse_time_decay._backend import ops

# A float-float number: (high, low) parts whose sum is the value.
Pair = tuple[Any, Any]


def _split(a: Any) -> tuple[Any, Any]:
    """a == hi + lo exactly, each with at most 12 significant bits: hi is a
    with the low 12 bits of its float32 significand cleared. A 32-bit
    bitcast, which every backend has (a TPU has no 64-bit one)."""
    hi = ops.bitcast(ops.bitcast(a, "int32") & -4096, "float32")
    return hi, a - hi


def constant(value: float) -> tuple[float, float]:
    """A Python float as a (hi, lo) pair of float32 values (as Python floats)."""
    hi = float(np.float32(value))
    return hi, float(np.float32(value - hi))


def _two_sum(a: Any, b: Any) -> tuple[Any, Any]:
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _quick_two_sum(a: Any, b: Any) -> tuple[Any, Any]:
    s = a + b
    return s, b - (s - a)


def _two_prod(a: Any, b: Any) -> tuple[Any, Any]:
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
    """x - q * y for a pair x, a pair y and a float q."""
    p, e = _two_prod(y[0], q)
    e = e + y[1] * q
    s, f = _two_sum(x[0], -p)
    return _quick_two_sum(s, f + (x[1] - e))


def divide(x: Pair, y: Pair) -> Pair:
    q1 = x[0] / y[0]
    r = _subtract_product(x, y, q1)
    q2 = r[0] / y[0]
    r = _subtract_product(r, y, q2)
    q3 = r[0] / y[0]
    q1, q2 = _quick_two_sum(q1, q2)
    return add((q1, q2), (q3, q3 * 0))


def floor(x: Pair) -> Pair:
    """floor(hi + lo) as a pair, without rounding hi + lo first."""
    hi = ops.floor(x[0])
    whole = ops.equal(hi, x[0])  # then the fraction, if any, lies in lo
    return hi, ops.where(whole, ops.floor(x[1]), x[1] * 0)


def _is_finite(x: Any) -> Any:
    """False for infinities and NaN."""
    return ops.less(ops.abs(x), float("inf"))


def wide_integer(n: Any) -> Any:
    """An integer tensor of at least 32 bits: small types widened, so that
    2**24 and decay_steps fit."""
    name = ops.dtype_name(n)
    if np.iinfo(name).bits >= 32:
        return n
    return ops.cast(n, "uint32" if name.startswith("uint") else "int32")


def from_integer(n: Any) -> Pair:
    """An integer tensor as a pair of float32 numbers: exact below 2**48
    (both parts have at most 24 bits), to ~48 bits above. The low part by
    floor division, which TensorFlow has for every integer type (its
    truncatemod has no unsigned ones)."""
    n = wide_integer(n)
    low = n - ops.floor_divide(n, 2**24) * 2**24
    return _quick_two_sum(ops.cast(n - low, "float32"), ops.cast(low, "float32"))


class FloatPairs:
    """`_formula.rate`'s operations on pairs, for a traced step under JAX
    without `jax_enable_x64`.

    Its results equal the float64 path's except where the exact value lies
    within ~2**-44 of a float32 rounding boundary, and, in staircase mode
    with a fractional `decay_steps`, where `step / decay_steps` lies within
    ~2**-44 (relative) of a whole number: a pair holds `decay_steps` to ~48
    of float64's 53 bits, so the floor can fall in the neighbouring period
    (decay_steps 0.1, step 3.0: period 30 here, 29 in float64, whose 0.1 is
    a little above one tenth). Integer steps with a whole `decay_steps` are
    divided in integers, exactly. 16-bit output dtypes are rounded through
    float32.

    A rate below ~2**-100 has float32's precision alone, and may be the
    float32 on the other side of the exact rate: the quotient's low part is
    below float32's normal range there, and XLA flushes it to zero.

    A float32 step beyond ~3.4e38 * decay_steps (decay_steps below 1) takes
    `step / decay_steps` past float32's range, where a pair's error terms
    are NaN: `multiply` then forms the product as
    `(step * decay_rate) / decay_steps`, and a product past the range gives
    the rate 0 (`round`).
    """

    def __init__(self, step: Any) -> None:
        f = ops.cast(step, "float32")
        self.zero = f - f  # a zero the compiler cannot know (see _formula)
        self._float32_step = f
        # The step and decay_steps as pairs, for `multiply`, where the
        # quotient can pass float32's range: a step is at most ~3.4e38, so
        # only below a decay_steps of 1.
        self._overflowing: Optional[tuple[Pair, Pair]] = None

    def constant(self, value: Any) -> Pair:
        """A number as a pair of float32 tensors (`zero + part`, which the
        compiler cannot fold), or a Variable's value."""
        if isinstance(value, float):
            hi, lo = constant(value)
            return self.zero + hi, self.zero + lo
        return ops.cast(value, "float32"), self.zero

    def full(self, step: Any, value: Any) -> Pair:
        return self.constant(value)

    @staticmethod
    def is_integer(step: Any) -> bool:
        return "int" in ops.dtype_name(step)

    @staticmethod
    def whole_periods(step: Any, whole: int) -> Pair:
        step = wide_integer(step)
        wide = ops.dtype_name(step)
        if whole > np.iinfo(wide).max:
            return from_integer(step * 0)  # every step's quotient is 0
        return from_integer(ops.floor_divide(step, ops.convert_to_tensor(whole, wide)))

    def step_and_period(self, step: Any, decay_steps: float) -> tuple[Pair, Pair]:
        """The step and decay_steps as pairs, both scaled by 2**-shift.

        Float32 pairs reach only ~3.4e38: beyond 2**100, step and
        decay_steps are both scaled by 2**-shift, which brings decay_steps
        into [1, 2). That leaves the quotient as it is, but where the
        scaled step underflows, and there the quotient is below 2**-126 and
        the rate rounds to initial_learning_rate anyway.
        """
        shift = math.frexp(decay_steps)[1] - 1 if decay_steps >= 2.0**100 else 0

        def scale(x: Any) -> Any:
            # By factors of at most 2**-100: a float32 factor below 2**-126
            # is subnormal, and XLA's CPU backend flushes it to zero (past
            # 2**126, decay_steps gave every step the rate at step 0). The
            # factors are `zero + factor`, or XLA multiplies them together
            # first.
            for part in range(shift, 0, -100):
                x = x * (self.zero + 2.0 ** -min(part, 100))
            return x

        if self.is_integer(step):
            hi, lo = from_integer(step)
            s = scale(hi), scale(lo)
        else:
            scaled = scale(self._float32_step)
            s = scaled, scaled * 0
        d = self.constant(math.ldexp(decay_steps, -shift))
        if decay_steps < 1.0:
            self._overflowing = s, d
        return s, d

    @staticmethod
    def floor_quotient(s: Pair, d: Pair) -> Pair:
        return floor(divide(s, d))

    @staticmethod
    def divide(x: Pair, y: Pair) -> Pair:
        return divide(x, y)

    def multiply(self, x: Pair, y: Pair) -> Pair:
        """The quotient x times decay_rate y; where the quotient overflowed
        (NaN: see the class docstring), `(step * y) / decay_steps`."""
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
    def fence(x: Pair) -> Pair:
        return x

    @staticmethod
    def round(x: Pair, dtype: str) -> Any:
        rate = x[0] + x[1]
        # NaN only where the denominator passed float32's range, and the
        # rate is 0 there.
        return ops.cast(ops.where(_is_finite(rate), rate, 0.0), dtype)
