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


def fail(error: type[Exception], name: str, problem: str, value: object) -> NoReturn:
    raise error(f"Argument `{name}` {problem}. Received: {name}={value!r}")


def _as_numpy_scalar(name: str, value: object) -> Any:
    """`value` as a 0-d numpy array: a Python number, numpy scalar, 0-d array
    or concrete scalar tensor (anything with `.numpy()` or `__array__`)."""
    if value is None or isinstance(value, (str, bytes, dict, list, tuple, set, bool)):
        fail(TypeError, name, "must be a real number", value)
    number = value
    if isinstance(value, int) and abs(value) >= INT64_LIMIT:
        # Beyond int64 numpy would make an object array; beyond float64
        # float() raises OverflowError, which names nothing.
        if abs(value) > sys.float_info.max:
            fail(ValueError, name, "must be within float64's range", value)
        number = float(value)
    try:
        array = np.asarray(number.numpy() if hasattr(number, "numpy") else number)
    except Exception:  # symbolic tensors, foreign objects
        fail(TypeError, name, "must be a real number", value)
    if array.ndim != 0:
        fail(ValueError, name, "must be a single number", value)
    if array.dtype.kind not in "iuf" and array.dtype.name != "bfloat16":
        fail(TypeError, name, "must be a real number", value)
    return array


def _number(name: str, value: object, positive: bool = False) -> tuple[float, Any]:
    """A finite number >= 0 (> 0 if `positive`) as a Python float, and as
    the 0-d array it was read as. A Python float is kept itself, as Keras's
    class keeps its arguments, so that a schedule holds no copies of them."""
    array = _as_numpy_scalar(name, value)
    number = value if type(value) is float else float(array)
    if math.isnan(number) or math.isinf(number):
        fail(ValueError, name, "must be a finite number", value)
    if number < 0 or (positive and number == 0):
        fail(ValueError, name, "must be > 0" if positive else "must be >= 0", value)
    return number, array


def check_initial_learning_rate(value: object) -> tuple[float, Optional[str]]:
    """The rate as a Python float, and its dtype: None for Python numbers
    and integer arrays (the schedule then follows `keras.config.floatx()`),
    else the floating dtype given."""
    rate, array = _number("initial_learning_rate", value)
    dtype = array.dtype.name if array.dtype.name in FLOAT_DTYPES else None
    if isinstance(value, float) and not isinstance(value, np.generic):
        dtype = None
    return rate, dtype


def check_representable(rate: float, value: object, dtype: str) -> None:
    """The output dtype must hold the rate, or every rate would be inf."""
    largest = float(ml_dtypes.finfo(dtype).max)
    if rate > largest:
        problem = f"must be at most {largest!r}, the largest {dtype}"
        fail(ValueError, "initial_learning_rate", problem, value)


def check_decay_steps(value: object) -> Union[int, float]:
    """decay_steps as a Python int when it is whole: an integer of any size
    as it is, a whole float below 2**63 as an int; else as a float (above
    2**63 every float is whole, and exact as it is)."""
    steps, array = _number("decay_steps", value, positive=True)
    if type(value) is int:
        return value
    if array.dtype.kind in "iu":
        return int(array)
    if steps.is_integer() and steps < INT64_LIMIT:
        return int(steps)
    return steps


def check_decay_rate(value: object) -> float:
    return _number("decay_rate", value)[0]


def check_target(value: object, initial_learning_rate: float) -> float:
    """A target rate > 0, below the initial rate (equal: a constant rate)."""
    target = _number("target_learning_rate", value, positive=True)[0]
    if target > initial_learning_rate:
        problem = f"must be below initial_learning_rate ({initial_learning_rate!r}), or equal to it"
        fail(ValueError, "target_learning_rate", problem + " for a constant rate", value)
    return target


def check_at_step(value: object, decay_steps: Union[int, float], staircase: bool) -> float:
    """A step > 0; with staircase, in a period after the first."""
    at_step = _number("at_step", value, positive=True)[0]
    if staircase and at_step < decay_steps:
        problem = f"must be at least decay_steps ({decay_steps!r}) with staircase, where the first"
        fail(ValueError, "at_step", problem + " period keeps the initial rate", value)
    return at_step


def check_flag(name: str, value: object) -> bool:
    # Keras takes any truthy object, so staircase="no" silently meant True.
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    fail(TypeError, name, "must be a boolean", value)


def check_staircase(value: object) -> bool:
    return check_flag("staircase", value)


def check_name(value: object) -> Optional[str]:
    if value is None:
        return "InverseTimeDecay"
    if isinstance(value, str):
        return value
    fail(TypeError, "name", "must be a single string, or None (NULL in R) for the default", value)


def check_dtype(value: object) -> Optional[str]:
    """The output dtype's name, or None to follow the default rule, from a
    name or anything naming a dtype, as Keras takes: numpy, JAX, TensorFlow
    and torch dtypes. Python's `float` is refused: Keras reads it as
    float32, numpy as float64."""
    if value is None:
        return None
    name = _dtype_name(value)
    if name not in FLOAT_DTYPES:
        problem = "must be one of 'float16', 'bfloat16', 'float32', 'float64' or None"
        fail(TypeError if name is None else ValueError, "dtype", problem, value)
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


CONFIG_KEYS = ("initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name", "dtype")


def check_config(config: object) -> None:
    if not isinstance(config, dict):
        fail(TypeError, "config", "must be a dict", config)
    unknown = sorted(set(config) - set(CONFIG_KEYS))
    if unknown:
        problem = f"has unknown keys {unknown}; expected only {list(CONFIG_KEYS)}"
        fail(ValueError, "config", problem, config)
    missing = [key for key in CONFIG_KEYS[:3] if key not in config]
    if missing:
        fail(ValueError, "config", f"lacks the keys {missing}", config)
