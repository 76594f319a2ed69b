"""Argument checks for `InverseTimeDecay`, run when the schedule is built.

Every check raises before training starts, with one message format shared
with the R package (tests/bad_arguments.tsv holds the cases both languages
check): "Argument `decay_steps` must be > 0. Received: decay_steps=0".
"""

import math
import sys
from typing import Any, NoReturn, Optional, Union

import ml_dtypes  # its finfo knows bfloat16 too; every Keras backend depends on it
import numpy as np

# Floating dtypes an `initial_learning_rate` may carry into the output.
FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")
# numpy holds Python ints below this; a whole float decay_steps becomes an
# int below it too.
INT64_LIMIT = 2**63


def _fail(error: type[Exception], name: str, problem: str, value: object) -> NoReturn:
    raise error(f"Argument `{name}` {problem}. Received: {name}={value!r}")


def _as_numpy_scalar(name: str, value: object) -> Any:
    """Returns `value` as a 0-d numpy array, or raises naming `name`.

    Accepts Python numbers, numpy scalars, 0-d arrays and concrete scalar
    tensors of any backend (anything with `.numpy()` or `__array__`).
    """
    if value is None or isinstance(value, (str, bytes, dict, list, tuple, set, bool)):
        _fail(TypeError, name, "must be a real number", value)
    number = value
    if isinstance(value, int) and abs(value) >= INT64_LIMIT:
        # Beyond int64 numpy would make an object array; beyond float64
        # float() raises OverflowError, which names nothing.
        if abs(value) > sys.float_info.max:
            _fail(ValueError, name, "must be within float64's range", value)
        number = float(value)
    array = _to_numpy(name, number)
    if array.ndim != 0:
        _fail(ValueError, name, "must be a single number", value)
    if array.dtype.kind not in "iuf" and array.dtype.name != "bfloat16":
        _fail(TypeError, name, "must be a real number", value)
    return array


def _to_numpy(name: str, value: object) -> Any:
    if isinstance(value, (np.ndarray, np.generic)):
        return np.asarray(value)
    try:
        if hasattr(value, "numpy"):
            return np.asarray(value.numpy())
        return np.asarray(value)
    except Exception:  # symbolic tensors, foreign objects
        _fail(TypeError, name, "must be a real number", value)


def _finite(name: str, number: float, value: object) -> None:
    if math.isnan(number) or math.isinf(number):
        _fail(ValueError, name, "must be a finite number", value)


def check_initial_learning_rate(value: object) -> tuple[float, Optional[str]]:
    """Returns `(rate, dtype)`: the rate as a Python float and its dtype.

    The dtype is None for Python numbers and integer arrays (the schedule
    then follows `keras.config.floatx()`), else the floating dtype given.
    """
    array = _as_numpy_scalar("initial_learning_rate", value)
    rate = _python_float(value, array)
    _finite("initial_learning_rate", rate, value)
    if rate < 0:
        _fail(ValueError, "initial_learning_rate", "must be >= 0", value)
    dtype = array.dtype.name if array.dtype.name in FLOAT_DTYPES else None
    if isinstance(value, float) and not isinstance(value, np.generic):
        dtype = None
    return rate, dtype


def _python_float(value: object, array: Any) -> float:
    # A Python float is kept itself, as Keras's class keeps its arguments,
    # so that a schedule holds no copies of them.
    return value if type(value) is float else float(array)


def check_representable(rate: float, value: object, dtype: str) -> None:
    """The output dtype must hold the rate, or every rate would be inf."""
    largest = float(ml_dtypes.finfo(dtype).max)
    if rate > largest:
        _fail(
            ValueError,
            "initial_learning_rate",
            f"must be at most {largest!r}, the largest {dtype}",
            value,
        )


def check_decay_steps(value: object) -> Union[int, float]:
    """Returns decay_steps as a Python int when it is whole: an integer of
    any size as it is, a whole float below 2**63 as an int; else as a float
    (above 2**63 every float is whole, and exact as it is)."""
    array = _as_numpy_scalar("decay_steps", value)
    steps = _python_float(value, array)
    _finite("decay_steps", steps, value)
    if steps <= 0:
        _fail(ValueError, "decay_steps", "must be > 0", value)
    if type(value) is int:
        return value
    if array.dtype.kind in "iu":
        return int(array)
    if steps.is_integer() and steps < INT64_LIMIT:
        return int(steps)
    return steps


def check_decay_rate(value: object) -> float:
    array = _as_numpy_scalar("decay_rate", value)
    rate = _python_float(value, array)
    _finite("decay_rate", rate, value)
    if rate < 0:
        _fail(ValueError, "decay_rate", "must be >= 0", value)
    return rate


def check_staircase(value: object) -> bool:
    # Keras takes any truthy object, so staircase="no" silently meant True.
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    _fail(TypeError, "staircase", "must be a boolean", value)


def check_name(value: object) -> Optional[str]:
    if value is None:
        return "InverseTimeDecay"
    if isinstance(value, str):
        return value
    _fail(TypeError, "name", "must be a single string, or None (NULL in R) for the default", value)


def check_dtype(value: object) -> Optional[str]:
    """Returns the output dtype's name, or None to follow the default rule.

    Takes a name or anything naming a dtype, as Keras does: numpy, JAX and
    TensorFlow dtypes and scalar types, and torch dtypes. Python's own
    `float` is refused: Keras reads it as float32, numpy as float64.
    """
    if value is None:
        return None
    name = _dtype_name(value)
    if name not in FLOAT_DTYPES:
        _fail(
            TypeError if name is None else ValueError,
            "dtype",
            "must be one of 'float16', 'bfloat16', 'float32', 'float64' or None",
            value,
        )
    return name


def _dtype_name(value: object) -> Optional[str]:
    if isinstance(value, str):
        return value
    torch = sys.modules.get("torch")  # a torch dtype exists only once torch is loaded
    if torch is not None and isinstance(value, torch.dtype):
        return str(value).removeprefix("torch.")  # torch.float64 prints as "torch.float64"
    python_type = any(value is kind for kind in (float, int, bool, complex))
    if python_type or isinstance(value, (int, float)):
        return None
    try:
        return str(np.dtype(value).name)  # type: ignore[call-overload]
    except TypeError:
        name = getattr(value, "name", None)  # tf.DType
        return name if isinstance(name, str) else None


def is_variable(value: object) -> bool:
    """A Keras or TensorFlow variable, whose value may change."""
    return callable(getattr(value, "assign", None)) and hasattr(value, "dtype")


def read_rate_variable(variable: Any, dtype: str) -> float:
    """An `initial_learning_rate` variable's value now, checked as at
    construction (it may have been assigned anything since)."""
    rate, _ = check_initial_learning_rate(variable)
    check_representable(rate, variable, dtype)
    return rate


CONFIG_KEYS = (
    "initial_learning_rate",
    "decay_steps",
    "decay_rate",
    "staircase",
    "name",
    "dtype",
)
REQUIRED_CONFIG_KEYS = CONFIG_KEYS[:3]


def check_config(config: object) -> None:
    if not isinstance(config, dict):
        _fail(TypeError, "config", "must be a dict", config)
    unknown = sorted(set(config) - set(CONFIG_KEYS))
    if unknown:
        _fail(
            ValueError,
            "config",
            f"has unknown keys {unknown}; expected only {list(CONFIG_KEYS)}",
            config,
        )
    missing = [key for key in REQUIRED_CONFIG_KEYS if key not in config]
    if missing:
        _fail(ValueError, "config", f"lacks the keys {missing}", config)
