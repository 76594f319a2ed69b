"""The schedule's formula, written once, and the namespaces it runs over.

`rate` evaluates `initial_learning_rate / (1 + decay_rate * p)`, with
`p = step / decay_steps` or, with staircase, its floor, in float64, and
rounds it once to the output dtype, over a namespace of operations:

| step (`_steps.read`)                      | namespace                     |
|-------------------------------------------|-------------------------------|
| a value on the host, as a numpy array     | `NumpyArrays`                 |
| a traced tensor, or one on an accelerator | `TracedTensors` (float64)     |
| the same, on a device without float64     | `_float_float.FloatPairs`     |

The first two make the same float64 operations, so they give the same bits,
and src/schedule.c (the R package's) makes them too. Which devices lack
float64 is `_steps.float64_on`'s rule.
"""

import operator
from typing import Any

import numpy as np

from inverse_time_decay import _float_float
from inverse_time_decay._backend import ops

# From here up every float64 is whole, and the quotient is taken as it is.
WHOLE_FLOAT64 = 2.0**53
# Output dtypes that a cast from float64 rounds once.
WIDE_DTYPES = ("float32", "float64")


def rate(step: Any, initial_learning_rate: Any, terms: Any, dtype: str, pairs: bool) -> Any:
    """The schedule at `step` (read by `_steps.read`): a numpy array for a
    numpy array, else a tensor, in float32 pairs if `pairs`. `terms` is the
    schedule, whose decay_steps (an int when whole), decay_rate and
    staircase it reads."""
    if isinstance(step, np.ndarray):
        # A quotient or product past float64's range is inf, and the rate
        # 0, as on every path: no RuntimeWarning about it.
        with np.errstate(over="ignore"):
            return _rate(NUMPY_ARRAYS, step, initial_learning_rate, terms, dtype)
    xp = _float_float.FloatPairs(step) if pairs else TracedTensors(step)
    return _rate(xp, step, initial_learning_rate, terms, dtype)


def _rate(xp: Any, step: Any, initial_learning_rate: Any, terms: Any, dtype: str) -> Any:
    if terms.decay_rate == 0.0:
        # The degenerate case, settled here for every path: the rate itself
        # (p * 0 would be NaN where step / decay_steps overflows).
        return xp.round(xp.full(step, initial_learning_rate), dtype)
    # A whole decay_steps (an int of any size) divides integer steps exactly.
    d = terms.decay_steps
    if terms.staircase and (isinstance(d, int) or d.is_integer()) and xp.is_integer(step):
        p = xp.whole_periods(step, int(d))
    else:
        s, period = xp.step_and_period(step, float(d))
        p = xp.floor_quotient(s, period) if terms.staircase else xp.divide(s, period)
    # `fence` between the product and the sum: a compiler may fuse
    # `a * b + 1` into one multiply-add, which rounds once instead of twice.
    denominator = xp.add(xp.fence(xp.multiply(p, xp.constant(terms.decay_rate))), 1.0)
    return xp.round(xp.divide(xp.constant(initial_learning_rate), denominator), dtype)


def decay_rate_reaching(
    initial_learning_rate: float, target: float, at_step: float, decay_steps: float, staircase: bool
) -> float:
    """The decay_rate that makes the rate at `at_step` `target`:
    `(initial / target - 1) / p`, p as `rate` takes it (the exact floor for
    staircase), in the float64 operations R's inverse_time_decay_reaching()
    makes, so that the two agree to the bit."""
    p = NUMPY_ARRAYS.floor_quotient(at_step, decay_steps) if staircase else at_step / decay_steps
    return float((initial_learning_rate / target - 1.0) / p)


class Float64Namespace:
    """What the float64 namespaces share: the exact floor of a quotient."""

    def floor_quotient(self, s: Any, d: Any) -> Any:
        """floor(s / d) for float64 s and d, exact wherever the quotient is
        below 2**52, with no product that a compiler could fuse into a
        multiply-add. The rounded quotient q is the true floor n or, when it
        rounded up onto a whole number, n + 1: exactly when q is whole and
        the remainder fmod(s, d), which is exact, exceeds d / 2 (rounding
        down onto a whole q needs one below d / 4, up one above 3d / 4)."""
        quotient = s / d
        k = self.floor(quotient)
        remainder = self.fmod(s, d)
        over = self.logical_and(
            self.logical_and(quotient == k, remainder + remainder > d),
            quotient < self.constant(WHOLE_FLOAT64),
        )
        return k - self.from_bool(over)

    # Given by each namespace.
    floor: Any
    fmod: Any
    logical_and: Any
    from_bool: Any
    constant: Any


def _in_place(ufunc: Any, operation: Any) -> Any:
    """`ufunc(a, b)` into whichever argument is an array of the formula's
    own (no new array per operation of a long curve); for a single step,
    numpy scalars and the operator, ten times quicker than a ufunc."""

    def apply(a: Any, b: Any) -> Any:
        if isinstance(a, np.ndarray) and a.ndim:
            return ufunc(a, b, out=a)
        if isinstance(b, np.ndarray) and b.ndim:
            return ufunc(a, b, out=b)
        return operation(a, b)

    return staticmethod(apply)


class NumpyArrays(Float64Namespace):
    """A numpy array of steps, on the host."""

    floor, fmod, logical_and = np.floor, np.fmod, np.logical_and
    equal, not_equal, less, abs = np.equal, np.not_equal, np.less, np.abs
    add, multiply = _in_place(np.add, operator.add), _in_place(np.multiply, operator.mul)
    divide = _in_place(np.divide, operator.truediv)
    from_bool = constant = fence = staticmethod(lambda x: x)
    # numpy knows "bfloat16" by name once ml_dtypes is loaded, and every
    # Keras backend (tf_keras too) loads it.
    cast = staticmethod(lambda x, dtype: np.asarray(x).astype(dtype))
    where = staticmethod(lambda condition, x, y: np.where(condition, x, y).astype(y.dtype))

    is_integer = staticmethod(lambda steps: steps.dtype.kind in "iu")
    full = staticmethod(lambda steps, value: np.full(steps.shape, value))

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
        return steps.astype(np.float64)[()], decay_steps  # a copy: the caller's stays

    def round(self, values: np.ndarray, dtype: str) -> np.ndarray:
        return np.asarray(round_once(values, dtype, self))


NUMPY_ARRAYS = NumpyArrays()


class TracedTensors(Float64Namespace):
    """A backend tensor of steps, in float64. The schedule's numbers enter
    as `zero + number`, which the compiler cannot know: XLA's CPU backend
    otherwise turns `s / d` into `s * (1 / d)` and folds `(s / d) * r` into
    one product, roundings the host path does not make. Not `s * 0.0`: XLA
    knows a step converted from an unsigned type finite and >= 0, and folds
    that to 0. A tensor numerator also keeps torch.compile from turning
    `number / tensor` into a reciprocal and a product."""

    floor, fmod, logical_and = map(staticmethod, (ops.floor, ops.fmod, ops.logical_and))
    add, multiply, divide = operator.add, operator.mul, operator.truediv
    full = lambda self, step, value: self.constant(value)  # noqa: E731

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

    from_bool = staticmethod(lambda value: ops.cast(value, "float64"))
    is_integer = staticmethod(lambda step: "int" in ops.dtype_name(step))

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

    @staticmethod
    def round(values: Any, dtype: str) -> Any:
        return round_once(values, dtype, ops)


def round_once(values: Any, dtype: str, xp: Any) -> Any:
    """float64 `values` rounded once to `dtype`, by `xp` (`NumpyArrays`, or
    the backend's `ops`). ml_dtypes and the backends convert float64 to a
    16-bit float through float32, rounding twice: where the float32 value is
    halfway between two 16-bit neighbours, ties to even can pick the one
    farther from the float64 value (lr 2, decay_steps 15584, staircase, step
    2**40 gave a bfloat16 rate one ulp high). There the neighbour on the
    value's side is taken. Each step is exact: `t + t - b` is the other
    neighbour when `t` is a midpoint, and a 16-bit value is exact in float64."""
    if dtype in WIDE_DTYPES:
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
