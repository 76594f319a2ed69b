"""The inverse-time-decay learning-rate schedule: the Keras class.

A call reads its step (`_steps.read`) onto one of two paths, and evaluates
the one formula (`_formula.rate`) there: a value on the host in numpy
float64, as the R package's C code does; a traced tensor, or one on an
accelerator, in the backend's tensors, in float32 pairs where the device
has no float64.
"""

import math
from typing import Any, Optional, Union

import numpy as np

from inverse_time_decay import _backend, _formula, _steps, _validation
from inverse_time_decay._backend import floatx


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
    and the backend's tensors and variables, eager or traced, ragged ones
    too; the result has the step's shape. A complex step counts as its real
    part. A negative, NaN or infinite known step raises `ValueError`; a
    boolean, string, `None` or symbolic `keras.Input` step `TypeError`.

    Output dtype: `dtype`; else that of a floating `initial_learning_rate`
    numpy scalar, tensor or variable; else `keras.config.floatx()` at the
    time of the call. `get_config()` keeps an explicit or inherited dtype.

    Exactness: every rate is the exact value rounded once to the output
    dtype, except within about 2**-50 of a rounding boundary. A tensor step
    on a device without float64 (a TPU, Apple's MPS, JAX without x64) is
    computed in float32 pairs, to about 48 bits (see `_float_float`).

    Returns:
        A callable that maps the optimizer's step to the learning rate: a
        tensor of the output dtype with the shape of the step.
    """

    # A fixed output dtype, set on the schedules that have one; the class's
    # None follows floatx(), and the schedule holds Keras's five attributes.
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
        _validation.check_representable(rate, initial_learning_rate, fixed_dtype or floatx())
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

    @classmethod
    def reaching(
        cls,
        initial_learning_rate: Union[float, Any],
        target_learning_rate: float,
        at_step: float,
        decay_steps: Union[int, float] = 1,
        staircase: bool = False,
        name: Optional[str] = "InverseTimeDecay",
        dtype: Optional[Any] = None,
    ) -> "InverseTimeDecay":
        """The schedule whose rate at step `at_step` is `target_learning_rate`
        (with staircase, from the first step of the period holding it):
        its decay_rate solved from the formula. The rate there is the target
        rounded to the dtype, except within about 2**-50 of a rounding
        boundary. A target equal to the initial rate gives decay_rate 0."""
        rate = _validation.check_initial_learning_rate(initial_learning_rate)[0]
        target = _validation.check_target(target_learning_rate, rate)
        steps = _validation.check_decay_steps(decay_steps)
        step = _validation.check_at_step(at_step, steps, _validation.check_staircase(staircase))
        decay_rate = _formula.decay_rate_reaching(rate, target, step, float(steps), staircase)
        if math.isinf(decay_rate):
            problem = f"is too far below {rate!r} for a finite decay_rate at step {step!r}"
            _validation.fail(ValueError, "target_learning_rate", problem, target_learning_rate)
        return cls(initial_learning_rate, decay_steps, decay_rate, staircase, name, dtype)

    @property
    def dtype(self) -> str:
        """The dtype of the rates this schedule returns."""
        return self._dtype or floatx()

    def __call__(self, step: Any) -> Any:
        steps = _steps.read(step)
        dtype = self.dtype
        if steps.host:
            rate = _formula.rate(steps.values, self._rate_now(), self, dtype, pairs=False)
            rate = _backend.ops.convert_to_tensor(rate, dtype)
        else:
            initial = _steps.variable_value(self.initial_learning_rate)  # a number as it is
            rate = _formula.rate(steps.values, initial, self, dtype, steps.pairs)
        return rate if steps.ragged is None else steps.ragged.with_flat_values(rate)

    def numpy_values(self, steps: Any) -> np.ndarray:
        """The schedule at `steps`, array-like (a number, a list, an array,
        an eager tensor) or any iterable of numbers (`range(5)`), as a numpy
        array of `dtype`: the float64 operations of a call at a host step
        (and of the R package), rounded once."""
        return _formula.rate(_steps.many(steps), self._rate_now(), self, self.dtype, pairs=False)

    def _rate_now(self) -> float:
        """The initial learning rate now: a variable's value, checked as at
        construction (it may have been assigned anything since)."""
        rate = self.initial_learning_rate
        if type(rate) is float:
            return rate
        value, _ = _validation.check_initial_learning_rate(rate)
        _validation.check_representable(value, rate, self.dtype)
        return value

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
