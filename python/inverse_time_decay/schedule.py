"""The inverse-time-decay learning-rate schedule."""

import numpy as np

from inverse_time_decay import _backend
from inverse_time_decay import _float_float
from inverse_time_decay import _validation
from inverse_time_decay._backend import ops


def _numpy_dtype(name):
    if name == "bfloat16":
        import ml_dtypes  # ships with every Keras backend

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


_INF = float("inf")
# From here up every float64 is even, and the quotient is taken as it is.
_WHOLE_FLOAT64 = 2.0**53
_DEKKER_SPLITTER = 134217729.0  # 2**27 + 1


def _split(x):
    t = _DEKKER_SPLITTER * x
    hi = t - (t - x)
    return hi, x - hi


def _floor_quotient(steps, decay_steps):
    """floor(steps / decay_steps), exact for float64 steps below 2**53.

    The rounded quotient's floor is either the true floor or one above it,
    since whole numbers below 2**53 are floats: it is one above exactly when
    k * decay_steps exceeds the step, which Dekker's error-free product
    decides without rounding. The R package computes the same, operation for
    operation, so R and Python agree to the bit (R's own %/% differs between
    R versions, and numpy's floor_divide is not exact for every input).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        quotient = steps / decay_steps
        k = np.floor(quotient)
        product = k * decay_steps
        k_hi, k_lo = _split(k)
        d_hi, d_lo = _split(np.float64(decay_steps))
        error = ((k_hi * d_hi - product) + k_hi * d_lo + k_lo * d_hi) + k_lo * d_lo
        over = (product > steps) | ((product == steps) & (error > 0))
    return k - (over & (quotient < _WHOLE_FLOAT64))


# Output dtypes for which a Python float carries every value exactly.
_PY_FLOAT_DTYPES = ("float32", "float64")


@_backend.register_serializable
class InverseTimeDecay(_backend.LearningRateSchedule):
    """A `LearningRateSchedule` that uses an inverse time decay schedule.

    When training a model, it is often useful to lower the learning rate as
    the training progresses. This schedule applies the inverse decay function
    to an optimizer step, given a provided initial learning rate. It is
    computed as:

    ```python
    def decayed_learning_rate(step):
        return initial_learning_rate / (1 + decay_rate * step / decay_steps)
    ```

    or, if `staircase` is `True`, as:

    ```python
    def decayed_learning_rate(step):
        return initial_learning_rate / (
            1 + decay_rate * floor(step / decay_steps))
    ```

    Example: fit a Keras model when decaying 1/t with a rate of 0.5:

    ```python
    learning_rate_fn = InverseTimeDecay(0.1, decay_steps=1.0, decay_rate=0.5)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate_fn),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(data, labels, epochs=5)
    ```

    Arithmetic. The formula is evaluated in float64 and rounded once to the
    output dtype, so a float32 rate is within 1 ulp of the exact value for
    every step up to 2**31 (Keras's built-in class casts the step to float32
    first). In staircase mode, `floor(step / decay_steps)` is an exact
    integer division when the step is an integer and `decay_steps` is whole,
    so boundaries are exact up to 2**53. Under JAX without `jax_enable_x64`,
    float64 is unavailable and the traced path computes in float32.

    Output dtype. The dtype of `initial_learning_rate` when it is a float16,
    bfloat16, float32 or float64 numpy scalar or tensor; otherwise (Python
    numbers, integer values) `keras.config.floatx()`, float32 by default.
    An integer `initial_learning_rate` never truncates the result.

    Steps. Known steps (Python numbers, numpy arrays, eager tensors and
    variables) are evaluated with numpy, which is exact, cheap and checked: a
    negative, NaN or infinite step raises `ValueError`. Symbolic steps (inside
    `tf.function`, `jax.jit` or `torch.compile`) use tensor ops and are not
    checked, since traced code cannot raise on values: a negative step there
    gives the formula's value as it stands.

    Args:
        initial_learning_rate: A non-negative finite Python number, numpy
            scalar or scalar tensor. The initial learning rate.
        decay_steps: A positive finite number. How often to apply decay.
        decay_rate: A non-negative finite number. The decay rate.
        staircase: Whether to apply decay in a discrete staircase, as opposed
            to continuous, fashion. Must be a boolean.
        name: String. Optional name of the operation. Defaults to
            `"InverseTimeDecay"`; `None` means the same.

    Returns:
        A 1-arg callable learning rate schedule that takes the current
        optimizer step and outputs the decayed learning rate, a tensor of the
        output dtype with the shape of the step.
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="InverseTimeDecay",
    ):
        super().__init__()
        rate, dtype = _validation.check_initial_learning_rate(initial_learning_rate)
        self.initial_learning_rate = rate
        self.decay_steps = _validation.check_decay_steps(decay_steps)
        self.decay_rate = _validation.check_decay_rate(decay_rate)
        self.staircase = _validation.check_staircase(staircase)
        self.name = _validation.check_name(name)
        self._dtype = dtype
        # A whole decay_steps lets staircase use exact integer division.
        self._whole_decay_steps = (
            int(self.decay_steps) if float(self.decay_steps).is_integer() else None
        )

    @property
    def dtype(self):
        """The dtype of the rates this schedule returns."""
        return self._dtype or _backend.floatx()

    def __call__(self, step):
        if type(step) is int or type(step) is float:
            # The optimizer-free eager case: plain Python floats, the same
            # IEEE operations as numpy_values, no array overhead.
            return ops.convert_to_tensor(self._scalar_value(step), self.dtype)
        steps = _backend.concrete_steps(step)
        if steps is None:
            return self._traced(step)
        if steps.ndim == 0 and steps.dtype.kind in "iu" and self.dtype in _PY_FLOAT_DTYPES:
            return ops.convert_to_tensor(self._scalar_value(int(steps)), self.dtype)
        values = self.numpy_values(steps)
        if values.ndim == 0 and self.dtype in _PY_FLOAT_DTYPES:
            # A Python float converts to a tensor ~6x faster than a numpy
            # scalar does; float64 -> float32 rounds the same either way.
            values = float(values)
        return ops.convert_to_tensor(values, self.dtype)

    def _scalar_value(self, step):
        """The schedule at one int or float step, in float64 Python floats."""
        if step != step or step in (_INF, -_INF):
            raise ValueError(f"Argument `step` must be finite. Received: step={step}")
        if step < 0:
            raise ValueError(f"Argument `step` must be >= 0. Received: step={step}")
        if self.staircase:
            if type(step) is int and self._whole_decay_steps is not None:
                p = float(step // self._whole_decay_steps)
            else:
                p = float(_floor_quotient(np.float64(step), self.decay_steps))
        else:
            p = float(step) / self.decay_steps
        return self.initial_learning_rate / (p * self.decay_rate + 1.0)

    def numpy_values(self, steps):
        """The schedule at `steps` (array-like) as a numpy array of `dtype`.

        Evaluated in float64 in the same order as the traced path (and as the
        R package), then rounded once to the output dtype.
        """
        steps = np.asarray(steps)
        kind = steps.dtype.kind
        if kind not in "iuf":
            raise TypeError(
                "Argument `step` must be a number or an array of numbers. "
                f"Received: step of dtype {steps.dtype}"
            )
        if kind == "f" and not np.isfinite(steps).all():
            bad = steps[~np.isfinite(steps)].flat[0]
            raise ValueError(f"Argument `step` must be finite. Received: step={bad}")
        if kind != "u" and steps.size:
            lowest = steps.min()
            if lowest < 0:
                raise ValueError(f"Argument `step` must be >= 0. Received: step={lowest}")
        if self.staircase:
            if kind in "iu" and self._whole_decay_steps is not None:
                whole = steps.astype(np.int64, copy=False) // self._whole_decay_steps
                p = whole.astype(np.float64)
            else:
                p = _floor_quotient(steps.astype(np.float64), self.decay_steps)
        else:
            # astype then an in-place divide: cheaper than a ufunc that casts
            # on the fly, and a copy, so the caller's array stays as it was.
            p = steps.astype(np.float64)
            p /= self.decay_steps
        # p * decay_rate + 1, then the quotient, in place: the same roundings
        # as the scalar and traced paths, rounded once to the output dtype.
        p *= self.decay_rate
        p += 1.0
        np.divide(self.initial_learning_rate, p, out=p)
        return p.astype(_numpy_dtype(self.dtype), copy=False)

    def _traced(self, step):
        if not _backend.float64_available():
            return self._traced_float_float(step)
        integer_step = "int" in ops.dtype_name(step)
        if self.staircase and integer_step and self._whole_decay_steps is not None:
            p = ops.cast(
                ops.floor_divide(ops.cast(step, "int64"), self._whole_decay_steps),
                "float64",
            )
        elif self.staircase:
            # Float steps with a fractional decay_steps never come from an
            # optimizer. The floor here goes through mod(s, d), which is
            # exact, and agrees with _floor_quotient unless s - mod(s, d)
            # rounds (steps near 2**53); Dekker's split is not used in traced
            # code because compilers may fuse it into a multiply-add.
            s = ops.cast(step, "float64")
            quotient = s / self.decay_steps
            p = ops.where(
                quotient >= _WHOLE_FLOAT64,
                quotient,
                ops.round((s - ops.mod(s, self.decay_steps)) / self.decay_steps),
            )
        else:
            p = ops.cast(step, "float64") / self.decay_steps
        p = p * self.decay_rate + 1.0
        return ops.cast(self.initial_learning_rate / p, self.dtype)

    def _traced_float_float(self, step):
        """The traced formula in float32 pairs, where float64 is unavailable."""
        integer_step = "int" in ops.dtype_name(step)
        decay_steps = _float_float.constant(self.decay_steps)
        if integer_step:
            if self.staircase and self._whole_decay_steps is not None:
                step = ops.floor_divide(step, self._whole_decay_steps)
                p = _float_float.from_integer(ops, step)
            else:
                p = _float_float.divide(_float_float.from_integer(ops, step), decay_steps)
                if self.staircase:
                    p = _float_float.floor(ops, p)
        else:
            s = ops.cast(step, "float32")
            p = _float_float.divide((s, s * 0), decay_steps)
            if self.staircase:
                p = _float_float.floor(ops, p)
        p = _float_float.multiply(p, _float_float.constant(self.decay_rate))
        p = _float_float.add(p, _float_float.constant(1.0))
        rate = _float_float.divide(_float_float.constant(self.initial_learning_rate), p)
        return ops.cast(rate[0] + rate[1], self.dtype)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config):
        _validation.check_config(config)
        return cls(**config)

    def __repr__(self):
        return (
            f"InverseTimeDecay(initial_learning_rate={self.initial_learning_rate!r}, "
            f"decay_steps={self.decay_steps!r}, decay_rate={self.decay_rate!r}, "
            f"staircase={self.staircase!r}, name={self.name!r})"
        )
