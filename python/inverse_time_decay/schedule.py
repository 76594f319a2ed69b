"""The inverse-time-decay learning-rate schedule: the Keras class.

Which path computes a call is decided by its step; one formula
(`_formula.rate`) serves them all:

| step                                 | path           | namespace                 |
|--------------------------------------|----------------|---------------------------|
| Python int or float; 0-d known value | Python number  | `_formula.PythonFloats`   |
| any other value known now            | numpy value    | `_formula.NumpyArrays`    |
| traced tensor or variable            | traced float64 | `_formula.TracedTensors`  |
| traced, JAX without jax_enable_x64   | float32 pairs  | `_float_float.FloatPairs` |

The Python-number path serves float32 and float64 outputs; a single step
of a 16-bit output takes the numpy path, which rounds once. Known values
are numpy's, eager tensors' and variables' (the eager optimizer's
`iterations`, read by `value()`). Reading and checking the step happen
before, once, in `_steps.py`. All paths but the float32 pairs evaluate the
formula with the same float64 operations and round once, so they agree to
the bit. Integer steps in staircase mode with a whole `decay_steps` use
integer division; otherwise `floor(step / decay_steps)` is exact below 2**52.
"""

from typing import Any, Optional, Union

import numpy as np

from inverse_time_decay import _backend, _float_float, _formula, _steps, _validation
from inverse_time_decay._backend import ops
from inverse_time_decay._formula import NUMPY_ARRAYS, PYTHON_FLOAT_DTYPES, PYTHON_FLOATS


@_backend.register_serializable
class InverseTimeDecay(_backend.LearningRateSchedule):
    """Inverse-time decay of the learning rate, exact and validated.

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

    Args:
        initial_learning_rate: The rate at step 0: a finite number >= 0 (a
            Python number, numpy scalar or scalar tensor) that the output
            dtype can represent, or a scalar variable, read at every call.
        decay_steps: The length of one decay period: a finite number > 0.
        decay_rate: How much the rate's denominator grows per period: a
            finite number >= 0. Zero keeps the rate constant.
        staircase: `True` to decay in whole periods, `False` (the default)
            to decay continuously. Must be a boolean.
        name: A string naming the schedule; `None` means `"InverseTimeDecay"`.
        dtype: The output dtype, float16, bfloat16, float32 or float64, in
            any spelling Keras takes, or `None` for the rule below.

    Steps: Python ints (0 to 2**64 - 1) and floats, numpy scalars and arrays,
    and the backend's tensors and variables, eager or traced (`tf.function`,
    `jax.jit`, `torch.compile`), `tf.RaggedTensor`s among them; the result
    has the step's shape. A complex step counts as its real part. A negative,
    NaN or infinite known step raises `ValueError`; a boolean, string, `None`
    or symbolic `keras.Input` step raises `TypeError`.

    Output dtype: `dtype` when given; else that of a floating
    `initial_learning_rate` numpy scalar, tensor or variable; else
    `keras.config.floatx()` at the time of the call. `get_config()` keeps an
    explicit or inherited dtype.

    Exactness: every rate is the exact value rounded once to the output
    dtype, except within about 2**-50 of a rounding boundary; under JAX
    without `jax_enable_x64`, compiled code works in float32 pairs (about
    48 bits; see `_float_float`).

    Returns:
        A callable that maps the optimizer's step to the learning rate: a
        tensor of the output dtype with the shape of the step.
    """

    # A fixed output dtype, set on the schedules that have one; None, the
    # class's value, follows floatx(). A schedule that follows it then holds
    # the five attributes of Keras's class and nothing more.
    _dtype: Optional[str] = None

    def __init__(
        self,
        initial_learning_rate: Union[float, Any],
        decay_steps: Union[int, float],
        decay_rate: float,
        staircase: bool = False,
        name: Optional[str] = "InverseTimeDecay",
        dtype: Optional[Any] = None,
    ) -> None:
        super().__init__()
        rate, rate_dtype = _validation.check_initial_learning_rate(initial_learning_rate)
        fixed_dtype = _validation.check_dtype(dtype) or rate_dtype
        _validation.check_representable(
            rate, initial_learning_rate, fixed_dtype or _backend.floatx()
        )
        # A variable is kept, as Keras's class keeps it, and read at each
        # call; a number is kept as a Python float.
        variable = _validation.is_variable(initial_learning_rate)
        self.initial_learning_rate = initial_learning_rate if variable else rate
        self.decay_steps = _validation.check_decay_steps(decay_steps)
        self.decay_rate = _validation.check_decay_rate(decay_rate)
        self.staircase = _validation.check_staircase(staircase)
        self.name = _validation.check_name(name)
        if fixed_dtype is not None:
            self._dtype = fixed_dtype

    @property
    def dtype(self) -> str:
        """The dtype of the rates this schedule returns."""
        return self._dtype or _backend.floatx()

    def __call__(self, step: Any) -> Any:
        dtype = self.dtype
        if dtype in PYTHON_FLOAT_DTYPES:
            number: Optional[Union[int, float]]
            if type(step) is int or type(step) is float:
                number = _steps.python_number(step)
            else:
                number = _steps.eager_variable(step)
            if number is not None:
                return _formula.rate(PYTHON_FLOATS, number, self._rate_now(), self, dtype)
        if _steps.is_ragged(step):
            return step.with_flat_values(self(step.flat_values))
        steps = _steps.known(step)
        if steps is None:
            return self._traced(step, dtype)
        if steps.ndim == 0 and dtype in PYTHON_FLOAT_DTYPES:
            number = int(steps) if steps.dtype.kind in "iu" else float(steps)
            return _formula.rate(PYTHON_FLOATS, number, self._rate_now(), self, dtype)
        return ops.convert_to_tensor(self._numpy_rates(steps, dtype), dtype)

    def numpy_values(self, steps: Any) -> np.ndarray:
        """The schedule at `steps` as a numpy array of `dtype`.

        `steps` is array-like (a number, a list, an array, an eager tensor)
        or any iterable of numbers (`range(5)`, a generator). Evaluated in
        float64 with the same operations as every other path (and as the R
        package), then rounded once to the output dtype.
        """
        return self._numpy_rates(_steps.many(steps), self.dtype)

    def _numpy_rates(self, steps: np.ndarray, dtype: str) -> np.ndarray:
        # A quotient or product past float64's range is inf, and the rate 0,
        # as in the scalar path: no RuntimeWarning about it.
        with np.errstate(over="ignore"):
            return _formula.rate(NUMPY_ARRAYS, steps, self._rate_now(), self, dtype)

    def _traced(self, step: Any, dtype: str) -> Any:
        step = _steps.traced(step)
        rate = _steps.variable_value(self.initial_learning_rate)  # a number as it is
        return _formula.rate(_traced_namespace(step), step, rate, self, dtype)

    def _rate_now(self) -> float:
        """The initial learning rate now: a variable's value, checked."""
        rate = self.initial_learning_rate
        if type(rate) is float:
            return rate
        return _validation.read_rate_variable(rate, self.dtype)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self._rate_now(),
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


def _traced_namespace(step: Any) -> Any:
    """The operations for a traced step: float64 tensors, or float32 pairs
    where the backend has no float64 (JAX without x64)."""
    if _backend.float64_available():
        return _formula.TracedTensors(step)
    return _float_float.FloatPairs(step)
