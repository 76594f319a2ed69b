"""Argument checks for `InverseTimeDecay`, run when the schedule is built.

Every check raises before training starts, with a message that names the
argument and the value received, in the style of Keras's own messages:
"Argument `decay_steps` must be > 0. Received: decay_steps=0".
"""

import math

import numpy as np

# Floating dtypes an `initial_learning_rate` may carry into the output.
FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")


def _received(name, value):
    return f"Received: {name}={value!r}"


def _as_numpy_scalar(name, value):
    """Returns `value` as a 0-d numpy array, or raises naming `name`.

    Accepts Python numbers, numpy scalars, 0-d arrays and concrete scalar
    tensors of any backend (anything with `.numpy()` or `__array__`).
    """
    if value is None or isinstance(value, (str, bytes, dict, list, tuple, set)):
        raise TypeError(
            f"Argument `{name}` must be a real number, not "
            f"{type(value).__name__}. {_received(name, value)}"
        )
    number = value
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**63:
        number = float(value)  # beyond int64: numpy would make an object array
    array = _to_numpy(name, number)
    if array.ndim != 0:
        raise ValueError(
            f"Argument `{name}` must be a scalar, but it has shape "
            f"{tuple(array.shape)}. {_received(name, value)}"
        )
    kind = array.dtype.kind
    if kind == "b":
        raise TypeError(
            f"Argument `{name}` must be a real number, not a boolean. "
            f"{_received(name, value)}"
        )
    if kind == "c":
        raise TypeError(
            f"Argument `{name}` must be a real number, not complex. "
            f"{_received(name, value)}"
        )
    if kind not in "iuf" and array.dtype.name != "bfloat16":
        raise TypeError(
            f"Argument `{name}` must be a real number, not of dtype "
            f"{array.dtype}. {_received(name, value)}"
        )
    return array


def _to_numpy(name, value):
    if isinstance(value, (np.ndarray, np.generic)):
        return np.asarray(value)
    # Keras variables hold their tensor in `.value`.
    inner = getattr(value, "value", None)
    if inner is not None and not callable(inner) and inner is not value:
        return _to_numpy(name, inner)
    try:
        if hasattr(value, "numpy"):
            return np.asarray(value.numpy())
        return np.asarray(value)
    except Exception as error:  # symbolic tensors, foreign objects
        raise TypeError(
            f"Argument `{name}` must be a real number or a concrete scalar "
            f"tensor. {_received(name, value)}"
        ) from error


def _finite(name, number, value):
    if math.isnan(number) or math.isinf(number):
        raise ValueError(
            f"Argument `{name}` must be a finite number. {_received(name, value)}"
        )


def check_initial_learning_rate(value):
    """Returns `(rate, dtype)`: the rate as a Python float and its dtype.

    The dtype is None for Python numbers and integer arrays (the schedule
    then follows `keras.config.floatx()`), else the floating dtype given.
    """
    array = _as_numpy_scalar("initial_learning_rate", value)
    rate = float(array)
    _finite("initial_learning_rate", rate, value)
    if rate < 0:
        raise ValueError(
            "Argument `initial_learning_rate` must be >= 0. "
            f"{_received('initial_learning_rate', value)}"
        )
    dtype = array.dtype.name if array.dtype.name in FLOAT_DTYPES else None
    if isinstance(value, float) and not isinstance(value, np.generic):
        dtype = None
    return rate, dtype


def check_decay_steps(value):
    """Returns decay_steps as a Python int when it is whole, else a float."""
    array = _as_numpy_scalar("decay_steps", value)
    steps = float(array)
    _finite("decay_steps", steps, value)
    if steps <= 0:
        raise ValueError(
            f"Argument `decay_steps` must be > 0. {_received('decay_steps', value)}"
        )
    if array.dtype.kind in "iu":
        return int(array)
    return steps


def check_decay_rate(value):
    array = _as_numpy_scalar("decay_rate", value)
    rate = float(array)
    _finite("decay_rate", rate, value)
    if rate < 0:
        raise ValueError(
            f"Argument `decay_rate` must be >= 0. {_received('decay_rate', value)}"
        )
    return rate


def check_staircase(value):
    # Keras takes any truthy object, so staircase="no" silently meant True.
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(
        "Argument `staircase` must be a boolean (True or False). "
        f"{_received('staircase', value)}"
    )


def check_name(value):
    if value is None:
        return "InverseTimeDecay"
    if isinstance(value, str):
        return value
    raise TypeError(
        f"Argument `name` must be a string or None. {_received('name', value)}"
    )


CONFIG_KEYS = ("initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name")
REQUIRED_CONFIG_KEYS = CONFIG_KEYS[:3]


def check_config(config):
    if not isinstance(config, dict):
        raise TypeError(
            f"Argument `config` must be a dict. {_received('config', config)}"
        )
    unknown = sorted(set(config) - set(CONFIG_KEYS))
    if unknown:
        raise ValueError(
            f"Argument `config` has unknown keys {unknown}; expected only "
            f"{list(CONFIG_KEYS)}. {_received('config', config)}"
        )
    missing = [key for key in REQUIRED_CONFIG_KEYS if key not in config]
    if missing:
        raise ValueError(
            f"Argument `config` lacks the keys {missing}. "
            f"{_received('config', config)}"
        )
