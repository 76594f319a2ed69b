"""The inverse-time-decay learning-rate schedule: the Keras class, its
arguments, and which path computes each call (the class docstring's table)."""

from typing import Any, NamedTuple, Optional, Union

import numpy as np

from inverse_time_decay import _backend, _float_float, _formula, _steps, _validation
from inverse_time_decay._backend import ops
from inverse_time_decay._formula import NUMPY_ARRAYS, PYTHON_FLOAT_DTYPES, PYTHON_FLOATS

# How many rates an eager optimizer's rising step has made ahead (_Block).
_BLOCK_SIZE = 256


class _Block(NamedTuple):
    """Rates made ahead for an eager optimizer's next steps.

    An eager optimizer (Keras on TensorFlow with `run_eagerly=True`, or a
    custom training loop) reads its step from its `iterations` variable and
    asks for the rate once a step, the step rising by one each time. Making
    the rate's tensor is most of a call (tf.constant: 9 µs of an int step's
    10), and the variable's read op costs nearly as much again. So when a
    step read from a variable is the previous one plus one, the rates of it
    and the next `_BLOCK_SIZE - 1` steps are computed at once on the numpy
    path (the same float64 operations, so the same bits) and made into
    tensors by one op, at about 0.6 µs each, and the calls that follow take
    them from here (about 0.2 MB a block). A block serves one output dtype
    on one device, and one initial learning rate: like Keras's class, the
    schedule reads the attribute at each call. None is made while the
    initial learning rate is a variable, which may change between calls.
    """

    start: int
    dtype: str
    device: str
    initial_learning_rate: float
    rates: list[Any]


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
    `tf.function`, `jax.jit` or `torch.compile`), `tf.RaggedTensor`s among
    them. The result has the step's shape. A complex step (tf_keras's
    legacy optimizers cast `iterations` to a complex variable's dtype)
    counts as its real part: one whose value is known must have an
    imaginary part of 0, else it raises `ValueError`. A boolean, string,
    `None` or object step, a `tf.SparseTensor`, a symbolic `keras.Input`
    and a torch tensor on the meta device raise `TypeError`; a negative,
    NaN or infinite step whose value is known (not traced) raises
    `ValueError`. Traced steps are not checked, since compiled code cannot
    raise on values.

    Paths. One formula (`_formula.rate`) computes every call; the step
    decides the operations it runs on:

    | step                                 | path           | namespace                 |
    |--------------------------------------|----------------|---------------------------|
    | Python int or float; 0-d known value | Python number  | `_formula.PythonFloats`   |
    | eager integer variable, rising by 1  | rates ahead    | `_formula.NumpyArrays`    |
    | any other value known now            | numpy value    | `_formula.NumpyArrays`    |
    | traced tensor or variable            | traced float64 | `_formula.TracedTensors`  |
    | traced, JAX without jax_enable_x64   | float32 pairs  | `_float_float.FloatPairs` |

    The Python-number path serves float32 and float64 outputs; a single
    step of a 16-bit output takes the numpy path, which rounds once. Known
    values are numpy's, eager tensors' and variables' (a 0-d TensorFlow
    variable, the eager optimizer's `iterations`, by one read op). When
    such a variable holds an integer one above the last call's, the rates
    of the next 256 steps are made at once, as one numpy array and one op
    (`_Block`). Reading and checking the step happen before, once, in
    `_steps.py`.

    Arithmetic. All paths but the float32 pairs (and the R package)
    evaluate the formula with the same float64 operations and round once to
    the output dtype, so they agree to the bit, and a rate equals the exact
    value rounded to the output dtype but for values within about 2**-50 of
    a rounding boundary. Integer steps in staircase mode with a whole
    `decay_steps` use integer division; otherwise `floor(step /
    decay_steps)` is exact wherever it is below 2**52. Under JAX without
    `jax_enable_x64`, traced code has no float64 and evaluates the formula
    on pairs of float32 numbers (about 48 bits): there a fractional
    staircase can put a step within about 2**-44 (relative) of a period
    boundary in the neighbouring period, and 16-bit rates are rounded
    through float32 (see `_float_float.FloatPairs`).

    Output dtype. `dtype` when given; else the dtype of
    `initial_learning_rate` when it is a float16, bfloat16, float32 or
    float64 numpy scalar, tensor or variable; else `keras.config.floatx()`
    at the time of the call. `get_config()` carries an explicit or
    inherited dtype, so it survives `from_config()` and a `.keras` save and
    load.

    Args:
        initial_learning_rate: The rate at step 0: a finite number >= 0 (a
            Python number, numpy scalar or scalar tensor) that the output
            dtype can represent, or a scalar variable (`keras.Variable`,
            `tf.Variable`) holding one. A variable is read at every call,
            as Keras's own schedule reads it, and checked when read;
            `get_config()` stores its value at that time.
        decay_steps: The length of one decay period: a finite number > 0.
            A whole number below 2**63 (`10`, `10.0`, `np.uint64(10)`) is
            kept as an int, a larger or fractional one as a float.
        decay_rate: How much the rate's denominator grows per period: a
            finite number >= 0. Zero keeps the rate constant.
        staircase: `True` to decay in whole periods, `False` (the default)
            to decay continuously. Must be a boolean.
        name: A string naming the schedule; `None` means
            `"InverseTimeDecay"`.
        dtype: The output dtype, float16, bfloat16, float32 or float64, as
            a string, a numpy, JAX, TensorFlow or torch dtype or scalar
            type (`np.float64`, `jnp.float64`, `torch.float64`), or `None`
            for the rule above. A Keras `DTypePolicy`'s `compute_dtype` is
            such a string.

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
        dtype: Optional[Any] = None,
    ) -> None:
        super().__init__()
        rate, rate_dtype = _validation.check_initial_learning_rate(initial_learning_rate)
        self._dtype = _validation.check_dtype(dtype) or rate_dtype
        _validation.check_representable(rate, initial_learning_rate, self.dtype)
        # A variable is kept, as Keras's class keeps it, and read at each
        # call; a number is kept as a Python float.
        variable = _validation.is_variable(initial_learning_rate)
        self._rate_variable = initial_learning_rate if variable else None
        self.initial_learning_rate = initial_learning_rate if variable else rate
        self.decay_steps, whole_decay_steps = _validation.check_decay_steps(decay_steps)
        self.decay_rate = _validation.check_decay_rate(decay_rate)
        self.staircase = _validation.check_staircase(staircase)
        self.name = _validation.check_name(name)
        self._terms = _formula.Terms(
            float(self.decay_steps), whole_decay_steps, self.decay_rate, self.staircase
        )
        self._block: Optional[_Block] = None
        self._previous_step = -2  # the last step read from an eager variable

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
                if type(number) is int and self._rate_variable is None:
                    ahead = self._made_ahead(number, dtype)
                    if ahead is not None:
                        return ahead
            if number is not None:
                return _formula.rate(PYTHON_FLOATS, number, self._rate_now(), self._terms, dtype)
        if _steps.is_ragged(step):
            return step.with_flat_values(self(step.flat_values))
        steps = _steps.known(step)
        if steps is None:
            return self._traced(step, dtype)
        if steps.ndim == 0 and dtype in PYTHON_FLOAT_DTYPES:
            number = int(steps) if steps.dtype.kind in "iu" else float(steps)
            return _formula.rate(PYTHON_FLOATS, number, self._rate_now(), self._terms, dtype)
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
            return _formula.rate(NUMPY_ARRAYS, steps, self._rate_now(), self._terms, dtype)

    def _made_ahead(self, step: int, dtype: str) -> Optional[Any]:
        """The rate at an integer step read from an eager variable, from the
        block made ahead when it holds the step, else from a new block when
        the step is the last one plus one; else None: made alone."""
        device = _backend.eager_device()
        block = self._block
        previous, self._previous_step = self._previous_step, step
        if (
            block is not None
            and block.dtype == dtype
            and block.device == device
            and block.initial_learning_rate == self.initial_learning_rate
        ):
            index = step - block.start
            if 0 <= index < len(block.rates):
                return block.rates[index]
        if step != previous + 1 or device is None:
            return None
        steps = np.arange(step, min(step + _BLOCK_SIZE, 2**64), dtype=np.uint64)
        rates = _backend.eager_tensors(self._numpy_rates(steps, dtype))
        self._block = _Block(step, dtype, device, self.initial_learning_rate, rates)
        return rates[0]

    def _traced(self, step: Any, dtype: str) -> Any:
        step = _steps.traced(step)
        rate = self.initial_learning_rate
        if self._rate_variable is not None:
            rate = _steps.variable_value(self._rate_variable)
        return _formula.rate(_traced_namespace(step), step, rate, self._terms, dtype)

    def _rate_now(self) -> float:
        """The initial learning rate now: a variable's value, checked."""
        if self._rate_variable is None:
            return self.initial_learning_rate
        return _validation.read_rate_variable(self._rate_variable, self.dtype)

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
