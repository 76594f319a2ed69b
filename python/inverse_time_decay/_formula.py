"""The schedule's formula, written once, and the namespaces it runs over.

`rate` evaluates

    initial_learning_rate / (1 + decay_rate * p),
    p = step / decay_steps, or floor(step / decay_steps) with staircase,

in float64 and rounds it once to the output dtype. It runs over a
namespace `xp` of operations, one per kind of step:

- `PythonFloats`: one Python int or float (math and C doubles);
- `NumpyArrays`: a numpy array;
- `TracedTensors`: a backend tensor, eager or traced;
- `_float_float.FloatPairs`: a traced tensor where the backend has no
  float64 (JAX without x64), in pairs of float32 numbers.

The first three compute the same float64 operations, so they give the same
bits; src/schedule.c, the R package's C code, does the same operations as
`rate` and `Float64Namespace.floor_quotient`. A namespace may reuse the
memory of the arrays `rate` gives it: each is the formula's own.
"""

import math
import operator
from typing import Any, Optional, Protocol, Union

import numpy as np

from inverse_time_decay._backend import ops

# From here up every float64 is whole, and the quotient is taken as it is.
WHOLE_FLOAT64 = 2.0**53


class Terms(Protocol):
    """The schedule's numbers other than the rate: an `InverseTimeDecay`."""

    decay_steps: Union[int, float]  # an int when whole, but for floats above 2**63
    decay_rate: float
    staircase: bool


def rate(xp: Any, step: Any, initial_learning_rate: Any, terms: Terms, dtype: str) -> Any:
    """The schedule at `step` (already read and checked: `_steps.py`)."""
    if terms.decay_rate == 0.0:
        # The degenerate case, settled here for every path: the rate itself
        # (p * 0 would be NaN where step / decay_steps overflows).
        return xp.round(xp.full(step, initial_learning_rate), dtype)
    whole = _whole(terms.decay_steps) if terms.staircase else None
    if whole is not None and xp.is_integer(step):
        p = xp.whole_periods(step, whole)
    else:
        s, d = xp.step_and_period(step, float(terms.decay_steps))
        p = xp.floor_quotient(s, d) if terms.staircase else xp.divide(s, d)
    # `fence` between the product and the sum: a compiler may fuse
    # `a * b + 1` into one multiply-add, which rounds once instead of twice.
    denominator = xp.add(xp.fence(xp.multiply(p, xp.constant(terms.decay_rate))), 1.0)
    return xp.round(xp.divide(xp.constant(initial_learning_rate), denominator), dtype)


class Float64Namespace:
    """What the float64 namespaces share: the exact floor of a quotient."""

    def floor_quotient(self, s: Any, d: Any) -> Any:
        """floor(s / d) for float64 s and d, as a float64.

        Exact wherever the quotient is below 2**52, with no multiplication
        that a compiler could fuse into a multiply-add. The rounded
        quotient q is the true floor n or, when it rounded up onto a whole
        number, n + 1; that happens exactly when q is whole and the
        remainder fmod(s, d), which is exact, exceeds d / 2 (rounding down
        onto a whole q needs a remainder below d / 4, rounding up one above
        3d / 4, below 2**52).
        """
        quotient = s / d
        k = self.floor(quotient)
        remainder = self.fmod(s, d)
        over = self.logical_and(
            self.logical_and(quotient == k, remainder + remainder > d),
            quotient < self.constant(WHOLE_FLOAT64),
        )
        return k - self.from_bool(over)

    # Overridden by each namespace.
    floor: Any
    fmod: Any
    logical_and: Any
    from_bool: Any
    constant: Any


def _whole(decay_steps: Union[int, float]) -> Optional[int]:
    """decay_steps's exact value as an int when it is whole (of any size),
    else None: integer steps in staircase mode are then divided exactly."""
    if isinstance(decay_steps, int):
        return decay_steps
    return int(decay_steps) if decay_steps.is_integer() else None


def _python_floor(quotient: float) -> float:
    # math.floor gives an int, and raises on inf: a float from 2**53 up is
    # whole already.
    return float(math.floor(quotient)) if quotient < WHOLE_FLOAT64 else quotient


def _same(x: Any) -> Any:
    return x


class PythonFloats(Float64Namespace):
    """One Python int or float step, in Python floats (C doubles)."""

    floor = staticmethod(_python_floor)
    fmod = staticmethod(math.fmod)
    logical_and = staticmethod(operator.and_)
    from_bool = staticmethod(float)
    # `+x` is the float itself, in C: on this path, the optimizer-free eager
    # call, each Python-level call shows.
    constant = staticmethod(operator.pos)
    fence = staticmethod(operator.pos)
    add = staticmethod(operator.add)
    multiply = staticmethod(operator.mul)
    divide = staticmethod(operator.truediv)
    whole_periods = staticmethod(lambda step, whole: float(step // whole))

    @staticmethod
    def is_integer(step: Any) -> bool:
        return type(step) is int

    @staticmethod
    def step_and_period(step: Union[int, float], decay_steps: float) -> tuple[float, float]:
        return float(step), decay_steps

    @staticmethod
    def full(step: Any, value: float) -> float:
        return value

    # The tensor's conversion rounds once; only float32 and float64 come
    # here (`PYTHON_FLOAT_DTYPES`).
    round = staticmethod(ops.convert_to_tensor)


# Output dtypes for which `PythonFloats.round` rounds once.
PYTHON_FLOAT_DTYPES = ("float32", "float64")
PYTHON_FLOATS = PythonFloats()


def _own_array(a: Any, b: Any) -> Any:
    """Where a numpy operation may write its result: the array argument (the
    formula's own), or None for scalars and 0-d values."""
    if isinstance(a, np.ndarray) and a.ndim:
        return a
    if isinstance(b, np.ndarray) and b.ndim:
        return b
    return None


class NumpyArrays(Float64Namespace):
    """A numpy array of steps (checked: `_steps.known`)."""

    floor = staticmethod(np.floor)
    fmod = staticmethod(np.fmod)
    logical_and = staticmethod(np.logical_and)
    from_bool = staticmethod(_same)
    constant = staticmethod(_same)
    fence = staticmethod(_same)

    # In place: no new array per operation. A 0-d result is a numpy scalar,
    # made a 0-d array again.
    @staticmethod
    def add(a: Any, b: Any) -> Any:
        return np.asarray(np.add(a, b, out=_own_array(a, b)))

    @staticmethod
    def multiply(a: Any, b: Any) -> Any:
        return np.asarray(np.multiply(a, b, out=_own_array(a, b)))

    @staticmethod
    def divide(a: Any, b: Any) -> Any:
        return np.asarray(np.divide(a, b, out=_own_array(a, b)))

    @staticmethod
    def is_integer(steps: np.ndarray) -> bool:
        return steps.dtype.kind in "iu"

    @staticmethod
    def whole_periods(steps: np.ndarray, whole: int) -> np.ndarray:
        # In the step's own integer type, exact; no step reaches a divisor
        # past that type's range, so their quotient is 0.
        wide = np.uint64 if steps.dtype.kind == "u" else np.int64
        if whole > np.iinfo(wide).max:
            return np.zeros(steps.shape)
        return np.asarray(steps.astype(wide) // wide(whole)).astype(np.float64)

    @staticmethod
    def step_and_period(steps: np.ndarray, decay_steps: float) -> tuple[np.ndarray, float]:
        return steps.astype(np.float64), decay_steps  # a copy: the caller's stays

    @staticmethod
    def full(steps: np.ndarray, value: float) -> np.ndarray:
        return np.full(steps.shape, value)

    @staticmethod
    def round(values: np.ndarray, dtype: str) -> np.ndarray:
        # numpy knows "bfloat16" by name once ml_dtypes is loaded, and every
        # Keras backend (tf_keras too) loads it.
        if dtype in PYTHON_FLOAT_DTYPES:
            return np.asarray(values).astype(dtype, copy=False)
        # Every rate is finite (at most initial_learning_rate, which the
        # dtype holds), so round_once's differences are too.
        return np.asarray(round_once(values, dtype, _NumpyCasts))


NUMPY_ARRAYS = NumpyArrays()


class TracedTensors(Float64Namespace):
    """A backend tensor of steps (checked: `_steps.traced`), in float64.

    The schedule's numbers enter compiled code as `zero + number`, a value
    the compiler cannot know: XLA's CPU backend otherwise turns `s / d` into
    `s * (1 / d)` and folds `(s / d) * r` into one product, each a rounding
    that the other paths do not make. Not `s * 0.0`: a step converted from
    an unsigned type is known to be finite and >= 0, and XLA folds that
    product to the constant 0. A tensor numerator also keeps torch.compile
    from turning `number / tensor` into a reciprocal and a product.
    """

    floor = staticmethod(ops.floor)
    fmod = staticmethod(ops.fmod)
    logical_and = staticmethod(ops.logical_and)
    add = staticmethod(operator.add)
    multiply = staticmethod(operator.mul)
    divide = staticmethod(operator.truediv)
    zero: Any = None

    def __init__(self, step: Any) -> None:
        s = ops.cast(step, "float64")
        self.zero = s - s
        self._float64_step = s

    def constant(self, value: Any) -> Any:
        if not isinstance(value, float):
            value = ops.cast(value, "float64")  # a Variable's value
        return self.zero + value

    def fence(self, value: Any) -> Any:
        # `a * b + zero` may fuse too, but rounds as the product does.
        return value + self.zero

    @staticmethod
    def from_bool(value: Any) -> Any:
        return ops.cast(value, "float64")

    @staticmethod
    def is_integer(step: Any) -> bool:
        return "int" in ops.dtype_name(step)

    def whole_periods(self, step: Any, whole: int) -> Any:
        if ops.dtype_name(step) == "uint64":  # int64 cannot hold it
            if whole >= 2**64:
                return self.zero
            divisor = ops.convert_to_tensor(whole, "uint64")
            return ops.cast(ops.floor_divide(step, divisor), "float64")
        if whole >= 2**63:
            return self.zero
        return ops.cast(ops.floor_divide(ops.cast(step, "int64"), whole), "float64")

    def step_and_period(self, step: Any, decay_steps: float) -> tuple[Any, Any]:
        return self._float64_step, self.zero + decay_steps

    def full(self, step: Any, value: Any) -> Any:
        return self.constant(value)

    @staticmethod
    def round(values: Any, dtype: str) -> Any:
        return round_once(values, dtype, ops)


def round_once(values: Any, dtype: str, xp: Any) -> Any:
    """float64 `values` rounded once to `dtype`, with the operations of `xp`
    (`_NumpyCasts`, or the backend's `ops`).

    ml_dtypes (numpy's bfloat16) and the backends convert float64 to a
    16-bit float through float32, rounding twice: where the float32 value
    falls exactly halfway between two neighbours of the 16-bit dtype, ties
    to even can pick the neighbour farther from the float64 value (lr 2,
    decay_steps 15584, staircase, step 2**40 gave a bfloat16 rate one ulp
    high). There the neighbour on the value's side is taken. Every step is
    exact in float64: `t + t - b` is the other neighbour when `t` is a
    midpoint, and a 16-bit value whose float64 is itself.
    """
    if dtype in PYTHON_FLOAT_DTYPES:
        return xp.cast(values, dtype)
    t = xp.cast(xp.cast(values, "float32"), "float64")
    nearest = xp.cast(t, dtype)
    b = xp.cast(nearest, "float64")
    other = t + t - b
    other_rounded = xp.cast(other, dtype)
    better = xp.logical_and(
        xp.logical_and(xp.equal(xp.cast(other_rounded, "float64"), other), xp.not_equal(other, b)),
        xp.less(xp.abs(values - other), xp.abs(values - b)),
    )
    return xp.where(better, other_rounded, nearest)


class _NumpyCasts:
    """The few operations `round_once` needs, for numpy arrays."""

    equal, not_equal, less, logical_and, abs = (
        np.equal,
        np.not_equal,
        np.less,
        np.logical_and,
        np.abs,
    )

    @staticmethod
    def cast(x: Any, dtype: str) -> Any:
        return np.asarray(x).astype(dtype)

    @staticmethod
    def where(condition: Any, x: Any, y: Any) -> Any:
        return np.where(condition, x, y).astype(y.dtype)
