"""The inverse-time-decay learning-rate schedule."""

import math
from typing import Any, Optional, Union

import numpy as np

from inverse_time_decay import _backend, _float_float, _validation
from inverse_time_decay._backend import ops

_INF = float("inf")
# From here up every float64 is whole, and the quotient is taken as it is.
_WHOLE_FLOAT64 = 2.0**53


def _floor_quotient(steps: np.ndarray, decay_steps: Union[int, float]) -> np.ndarray:
    """floor(steps / decay_steps) for float64 steps, as a float64 array.

    Exact wherever the quotient is below 2**52, with no multiplication that
    a compiler could fuse into a multiply-add, so that the traced path
    (`_traced_floor_quotient`) and the R package (src/schedule.c) compute
    the same bits with the same operations. The rounded quotient q is the
    true floor n or, when it rounded up onto a whole number, n + 1; that
    happens exactly when q is whole and the remainder fmod(step, d), which
    is exact, exceeds d / 2 (rounding down onto a whole q needs a remainder
    below d / 4, rounding up one above 3d / 4, below 2**52).
    """
    quotient = steps / decay_steps
    k = np.floor(quotient)
    remainder = np.fmod(steps, decay_steps)
    over = (quotient == k) & (remainder + remainder > decay_steps)
    return k - (over & (quotient < _WHOLE_FLOAT64))


def _floor_quotient_scalar(step: Union[int, float], decay_steps: Union[int, float]) -> float:
    """`_floor_quotient` for one Python float, with Python floats."""
    quotient = step / decay_steps
    if not quotient < _WHOLE_FLOAT64:  # whole already (or infinite)
        return quotient
    k = float(math.floor(quotient))
    if quotient == k:
        remainder = math.fmod(step, decay_steps)
        if remainder + remainder > decay_steps:
            return k - 1.0
    return k


# Output dtypes for which a Python float carries every value exactly.
_PY_FLOAT_DTYPES = ("float32", "float64")


def _round_once(values: Any, dtype: str, xp: Any) -> Any:
    """float64 `values` rounded once to `dtype`, with the operations of `xp`
    (numpy, or the backend's `ops`).

    ml_dtypes (numpy's bfloat16) and the backends convert float64 to a
    16-bit float through float32, rounding twice: where the float32 value
    falls exactly halfway between two neighbours of the 16-bit dtype, ties
    to even can pick the neighbour farther from the float64 value (lr 2,
    decay_steps 15584, staircase, step 2**40 gave a bfloat16 rate one ulp
    high). There the neighbour on the value's side is taken. Every step is
    exact in float64: `t + t - b` is the other neighbour when `t` is a
    midpoint, and a 16-bit value whose float64 is itself.
    """
    if dtype not in ("float16", "bfloat16"):
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


class _NumpyOps:
    """The few operations `_round_once` needs, for numpy arrays."""

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


@_backend.register_serializable
class InverseTimeDecay(_backend.LearningRateSchedule):
    """Inverse-time decay of the learning rate, exact and validated.

    The rate falls as the inverse of a linear function of the optimizer's
    step: at step 0 it is `initial_learning_rate`, and it has halved once
    `decay_rate * step / decay_steps` reaches 1. With `staircase=True` the
    step is counted in whole periods of `decay_steps`, so the rate holds
    still within each period and drops at its end:

    ```python
    rate = initial_learning_rate / (1 + decay_rate * step / decay_steps)
    rate = initial_learning_rate / (1 + decay_rate * floor(step / decay_steps))  # staircase
    ```

    Give it to any Keras optimizer as its learning rate:

    ```python
    learning_rate_fn = InverseTimeDecay(0.1, decay_steps=1.0, decay_rate=0.5)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate_fn),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(data, labels, epochs=5)
    ```

    Steps. Any step of an integer or floating dtype: Python ints (0 to
    2**64 - 1) and floats, numpy scalars and arrays of any shape, and the
    tensors and variables of the backend, eager or traced (inside
    `tf.function`, `jax.jit` or `torch.compile`). The result has the step's
    shape. A complex step (tf_keras's legacy optimizers cast `iterations` to
    a complex variable's dtype) counts as its real part: one whose value is
    known must have an imaginary part of 0, else it raises `ValueError`. A
    boolean, string, `None` or object step raises `TypeError`; a negative,
    NaN or infinite step whose value is known (not traced) raises
    `ValueError`. Traced steps are not checked, since compiled code cannot
    raise on values.

    Arithmetic. Every path (Python numbers, numpy, eager tensors, compiled
    code, and the R package) evaluates the formula with the same float64
    operations and rounds once to the output dtype, so they agree to the
    bit, and a float32 rate equals the exact value rounded to float32 but
    for values within about 2**-50 of a rounding boundary. Integer steps in
    staircase mode with a whole `decay_steps` below 2**63 use integer
    division; otherwise `floor(step / decay_steps)` is exact wherever it is
    below 2**52 (see `_floor_quotient`). Under JAX without
    `jax_enable_x64`, traced code has no float64 and evaluates the formula
    on pairs of float32 numbers (about 48 bits).

    Output dtype. `dtype` when given; else the dtype of
    `initial_learning_rate` when it is a float16, bfloat16, float32 or
    float64 numpy scalar or tensor; else `keras.config.floatx()` at the time
    of the call. `get_config()` carries an explicit or inherited dtype, so
    it survives `from_config()` and a `.keras` save and load.

    Args:
        initial_learning_rate: The rate at step 0: a finite number >= 0 (a
            Python number, numpy scalar or scalar tensor) that the output
            dtype can represent.
        decay_steps: The length of one decay period: a finite number > 0.
            A whole number is kept as an int.
        decay_rate: How much the rate's denominator grows per period: a
            finite number >= 0. Zero keeps the rate constant.
        staircase: `True` to decay in whole periods, `False` (the default)
            to decay continuously. Must be a boolean.
        name: A string naming the schedule; `None` means
            `"InverseTimeDecay"`.
        dtype: The output dtype, `"float16"`, `"bfloat16"`, `"float32"` or
            `"float64"`, or `None` for the rule above.

    Returns:
        A callable that maps the optimizer's step to the learning rate: a
        tensor of the output dtype with the shape of the step.
    """

    def __init__(
        self,
        initial_learning_rate: Union[float, Any],
        decay_steps: Union[int, float],
        decay_rate: float,
        staircase: bool = False,
        name: Optional[str] = "InverseTimeDecay",
        dtype: Optional[str] = None,
    ) -> None:
        super().__init__()
        rate, rate_dtype = _validation.check_initial_learning_rate(initial_learning_rate)
        self._dtype = _validation.check_dtype(dtype) or rate_dtype
        _validation.check_representable(rate, initial_learning_rate, self.dtype)
        self.initial_learning_rate = rate
        self.decay_steps = _validation.check_decay_steps(decay_steps)
        self.decay_rate = _validation.check_decay_rate(decay_rate)
        self.staircase = _validation.check_staircase(staircase)
        self.name = _validation.check_name(name)
        # A whole decay_steps in int64's range lets staircase use exact
        # integer division on integer steps; a larger one takes the float
        # path everywhere (no value is cast outside its type's range).
        self._whole_decay_steps = int(self.decay_steps) if type(self.decay_steps) is int else None

    @property
    def dtype(self) -> str:
        """The dtype of the rates this schedule returns."""
        return self._dtype or _backend.floatx()

    def __call__(self, step: Any) -> Any:
        # The optimizer-free eager case: plain Python numbers, the same
        # IEEE operations as numpy_values, no array overhead.
        if (type(step) is int or type(step) is float) and self.dtype in _PY_FLOAT_DTYPES:
            return ops.convert_to_tensor(self._scalar_value(step), self.dtype)
        steps = _backend.known_steps(step)
        if steps is None:
            return self._traced(step)
        if steps.ndim == 0 and self.dtype in _PY_FLOAT_DTYPES:
            kind = steps.dtype.kind
            number = int(steps) if kind in "iu" else float(steps)
            return ops.convert_to_tensor(self._scalar_value(number), self.dtype)
        return ops.convert_to_tensor(self._values(steps), self.dtype)

    def _scalar_value(self, step: Union[int, float]) -> float:
        """The schedule at one Python int or float step, in Python floats."""
        if type(step) is int:
            if not 0 <= step < 2**64:
                _backend.known_steps(step)  # raises, naming the step
        elif step != step or step in (_INF, -_INF):
            raise ValueError(f"Argument `step` must be finite. Received: step={step}")
        if step < 0:
            raise ValueError(f"Argument `step` must be >= 0. Received: step={step}")
        if self.decay_rate == 0.0:
            return self.initial_learning_rate
        if self.staircase:
            if type(step) is int and self._whole_decay_steps is not None:
                p = float(step // self._whole_decay_steps)
            else:
                p = _floor_quotient_scalar(float(step), self.decay_steps)
        else:
            p = float(step) / self.decay_steps
        return self.initial_learning_rate / (p * self.decay_rate + 1.0)

    def numpy_values(self, steps: Any) -> np.ndarray:
        """The schedule at `steps` (array-like) as a numpy array of `dtype`.

        Evaluated in float64 with the same operations as every other path
        (and as the R package), then rounded once to the output dtype.
        """
        steps = _backend.known_steps(steps)
        if steps is None:
            raise TypeError(
                "Argument `steps` must have a known value; call the schedule "
                "itself on symbolic steps."
            )
        return self._values(steps)

    def _values(self, steps: np.ndarray) -> np.ndarray:
        if steps.dtype.name == "bfloat16":
            steps = steps.astype(np.float32)  # exact; numpy knows float32
        kind = steps.dtype.kind
        if kind == "f" and not np.isfinite(steps).all():
            bad = steps[~np.isfinite(steps)].flat[0]
            raise ValueError(f"Argument `step` must be finite. Received: step={bad}")
        if kind in "if" and steps.size:
            lowest = steps.min()
            if lowest < 0:
                raise ValueError(f"Argument `step` must be >= 0. Received: step={lowest}")
        # A quotient or product past float64's range is inf, and the rate 0,
        # as in the scalar path: no RuntimeWarning about it.
        with np.errstate(over="ignore"):
            return self._rates(steps, kind)

    def _rates(self, steps: np.ndarray, kind: str) -> np.ndarray:
        p: np.ndarray
        if self.decay_rate == 0.0:
            p = np.zeros(steps.shape)
        elif self.staircase and kind in "iu" and self._whole_decay_steps is not None:
            whole: np.ndarray
            if kind == "u":
                whole = steps.astype(np.uint64) // np.uint64(self._whole_decay_steps)
            else:
                whole = steps.astype(np.int64) // self._whole_decay_steps
            p = whole.astype(np.float64)
        elif self.staircase:
            p = _floor_quotient(steps.astype(np.float64), self.decay_steps)
        else:
            # astype then an in-place divide: cheaper than a ufunc that casts
            # on the fly, and a copy, so the caller's array stays as it was.
            p = steps.astype(np.float64)
            p /= self.decay_steps
        # p * decay_rate + 1, then the quotient, in place: the same roundings
        # as the scalar and traced paths, rounded once to the output dtype.
        # (Integer division of a 0-d array gives a numpy scalar, which
        # cannot be written in place: asarray makes it a 0-d array again.)
        p = np.asarray(p)
        p *= self.decay_rate
        p += 1.0
        np.divide(self.initial_learning_rate, p, out=p)
        # numpy knows "bfloat16" by name once ml_dtypes is loaded, and every
        # Keras backend (tf_keras too) loads it.
        if self.dtype in _PY_FLOAT_DTYPES:
            return p.astype(self.dtype, copy=False)
        with np.errstate(invalid="ignore"):  # inf - inf where rates overflow
            return np.asarray(_round_once(p, self.dtype, _NumpyOps))

    def _traced(self, step: Any) -> Any:
        step = _backend.variable_value(step)
        _backend.check_traced_step_dtype(step)
        step = _backend.real_traced_step(step)
        if not _backend.float64_available():
            return self._traced_float_float(step)
        step_dtype = ops.dtype_name(step)
        s = ops.cast(step, "float64")
        # The schedule's numbers enter compiled code as `zero + number`, a
        # value the compiler cannot know: XLA's CPU backend otherwise turns
        # `s / d` into `s * (1 / d)` and folds `(s / d) * r` into one
        # product, each a rounding that the other paths do not make. Not
        # `s * 0.0`: a step converted from an unsigned type is known to be
        # finite and >= 0, and XLA folds that product to the constant 0.
        zero = s - s
        if self.decay_rate == 0.0:
            # The rate itself: p * 0 is NaN where step / decay_steps
            # overflows.
            return _round_once(zero + self.initial_learning_rate, self.dtype, ops)
        if self.staircase and "int" in step_dtype and self._whole_decay_steps is not None:
            if step_dtype == "uint64":  # int64 cannot hold it
                divisor = ops.convert_to_tensor(self._whole_decay_steps, "uint64")
                p = ops.cast(ops.floor_divide(step, divisor), "float64")
            else:
                quotient = ops.floor_divide(ops.cast(step, "int64"), self._whole_decay_steps)
                p = ops.cast(quotient, "float64")
        elif self.staircase:
            p = self._traced_floor_quotient(s, zero + float(self.decay_steps))
        else:
            p = s / (zero + float(self.decay_steps))
        # `+ zero` between the product and the sum: XLA's CPU backend fuses
        # `a * b + 1` into one multiply-add, which rounds once instead of
        # twice; `a * b + zero` may fuse too, but rounds as the product does.
        p = (p * (zero + self.decay_rate) + zero) + 1.0
        # A tensor numerator also keeps torch.compile from turning
        # `number / tensor` into a reciprocal and a product.
        return _round_once((zero + self.initial_learning_rate) / p, self.dtype, ops)

    @staticmethod
    def _traced_floor_quotient(s: Any, d: Any) -> Any:
        """`_floor_quotient` in tensor ops, operation for operation."""
        quotient = s / d
        k = ops.floor(quotient)
        remainder = ops.fmod(s, d)
        over = ops.logical_and(
            ops.logical_and(ops.equal(quotient, k), ops.greater(remainder + remainder, d)),
            ops.less(quotient, ops.convert_to_tensor(_WHOLE_FLOAT64, "float64")),
        )
        return k - ops.cast(over, "float64")

    def _traced_float_float(self, step: Any) -> Any:
        """The traced formula in float32 pairs, where float64 is unavailable."""
        integer_step = "int" in ops.dtype_name(step)
        f = ops.cast(step, "float32")
        zero = f - f  # a zero the compiler cannot know (see _traced)
        if self.decay_rate == 0.0:
            return ops.cast(zero + self.initial_learning_rate, self.dtype)
        # float32 pairs reach only ~3.4e38: beyond 2**100, step and
        # decay_steps are both scaled by 2**-shift, which brings decay_steps
        # into [1, 2). That leaves the quotient as it is, but where the
        # scaled step underflows, and there the quotient is below 2**-126
        # and the rate rounds to initial_learning_rate anyway.
        shift = 0
        if self.decay_steps >= 2.0**100:
            shift = math.frexp(self.decay_steps)[1] - 1
        decay_steps = _float_float.constant(math.ldexp(self.decay_steps, -shift))

        def scale(x: Any) -> Any:
            # By factors of at most 2**-100: a float32 factor below 2**-126
            # is subnormal, and XLA's CPU backend flushes it to zero (past
            # 2**126, decay_steps gave every step the rate at step 0). The
            # factors are `zero + factor`, or XLA multiplies them together
            # first.
            for part in range(shift, 0, -100):
                x = x * (zero + 2.0 ** -min(part, 100))
            return x

        if integer_step:
            if self.staircase and self._whole_decay_steps is not None:
                # Steps here are at most 32 bits (no x64): widen the small
                # types first, so that decay_steps fits the step's type.
                wide = "uint32" if ops.dtype_name(step).startswith("uint") else "int32"
                if self._whole_decay_steps > np.iinfo(wide).max:
                    step = ops.cast(step, wide) * 0  # every step's quotient is 0
                else:
                    divisor = ops.convert_to_tensor(self._whole_decay_steps, wide)
                    step = ops.floor_divide(ops.cast(step, wide), divisor)
                p = _float_float.from_integer(ops, step)
            else:
                hi, lo = _float_float.from_integer(ops, step)
                p = _float_float.divide((scale(hi), scale(lo)), decay_steps)
                if self.staircase:
                    p = _float_float.floor(ops, p)
        else:
            s = scale(f)
            p = _float_float.divide((s, s * 0), decay_steps)
            if self.staircase:
                p = _float_float.floor(ops, p)
        p = _float_float.multiply(p, _float_float.constant(self.decay_rate))
        p = _float_float.add(p, _float_float.constant(1.0))
        rate = _float_float.divide(_float_float.constant(self.initial_learning_rate), p)
        return ops.cast(rate[0] + rate[1], self.dtype)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
            "dtype": self._dtype,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "InverseTimeDecay":
        _validation.check_config(config)
        return cls(**config)

    def __repr__(self) -> str:
        return (
            f"InverseTimeDecay(initial_learning_rate={self.initial_learning_rate!r}, "
            f"decay_steps={self.decay_steps!r}, decay_rate={self.decay_rate!r}, "
            f"staircase={self.staircase!r}, name={self.name!r}, dtype={self._dtype!r})"
        )
