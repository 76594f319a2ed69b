"""Reading a step and checking it, once, for every path of the schedule.

A step arrives as a Python number, a numpy value, a tensor or variable of
the backend (eager or traced), or, for `numpy_values`, any iterable of
numbers. `python_number`, `known` and `traced` each take one kind and
return what the formula (`_formula.py`) computes on, or raise an error that
names the argument (`step`, or `steps` for `numpy_values`) and the value
received. What is known is checked: dtype, sign, finiteness, and a complex
step's imaginary part. What is traced has only its dtype checked, since
compiled code cannot raise on values.
"""

import sys
from typing import Any, NoReturn, Optional, Union

import numpy as np

from inverse_time_decay._backend import KERAS_TENSOR, KERAS_VARIABLES, ops
from inverse_time_decay._backend import tf as _tf

_INF = float("inf")


def _refuse(name: str, what: str) -> NoReturn:
    raise TypeError(
        f"Argument `{name}` must be an integer or floating-point number, array "
        f"or tensor. Received: {name}={what}"
    )


def _bad_value(name: str, problem: str, value: object) -> NoReturn:
    raise ValueError(f"Argument `{name}` {problem}. Received: {name}={value}")


def python_number(step: Union[int, float], name: str = "step") -> Union[int, float]:
    """A Python int (0 to 2**64 - 1) or finite float >= 0, as it is."""
    if type(step) is int:
        if 0 <= step < 2**64:
            return step
        if step >= 0:
            _bad_value(name, "must be below 2**64", step)
    elif step != step or step in (_INF, -_INF):
        _bad_value(name, "must be finite", step)
    if step < 0:
        _bad_value(name, "must be >= 0", step)
    return step


def eager_variable(step: Any) -> Optional[Union[int, float]]:
    """The optimizer's `iterations` read eagerly on TensorFlow: a 0-d
    integer or float variable's value as a checked Python number; None for
    anything else (`known` or `traced` reads those)."""
    if _tf is None:  # another backend: its variables are not TensorFlow's
        return None
    step = variable_value(step)
    if not isinstance(step, _tf.Variable) or step.shape.rank != 0 or not _tf.executing_eagerly():
        return None
    # int() and float() of the read value skip the copy numpy() makes.
    if step.dtype.is_integer:
        return python_number(int(step.value()))
    if step.dtype.is_floating:
        return python_number(float(step.value()))
    return None


def is_ragged(step: Any) -> bool:
    """A `tf.RaggedTensor`, whose flat values are the steps."""
    tf = sys.modules.get("tensorflow")
    return tf is not None and isinstance(step, tf.RaggedTensor)


def known(step: Any, name: str = "step") -> Optional[np.ndarray]:
    """The step as a checked numpy array when its value is known now; None
    when it is symbolic (inside `tf.function`, `jax.jit` or `torch.compile`).

    A complex array comes back as its real part, bfloat16 as float32 (both
    exact); every array is of an integer or float dtype, finite and >= 0.
    """
    if isinstance(step, (np.ndarray, np.generic)):
        array = np.asarray(step)
    elif isinstance(step, (int, float)) and not isinstance(step, bool):
        array = np.asarray(python_number(step, name))
    elif isinstance(step, (list, tuple, complex)):
        try:
            array = np.asarray(step)
        except (ValueError, TypeError, OverflowError):
            array = np.asarray(step, dtype=object)
    else:
        value = _backend_value(step, name)
        if value is None:
            return None
        array = value
    return _checked(_real(array, name), step, name)


def many(steps: Any) -> np.ndarray:
    """`known` for `numpy_values`: any array-like or iterable of numbers,
    with `steps` named in every message; symbolic steps raise TypeError."""
    iterable = hasattr(steps, "__iter__") and not hasattr(steps, "__array__")
    if iterable and not isinstance(steps, (list, tuple, str, bytes, dict, set)):
        steps = list(steps)  # range, generators, iterators
    array = known(steps, "steps")
    if array is None:
        raise TypeError(
            "Argument `steps` must have a known value; call the schedule "
            f"itself on symbolic steps. Received: steps={steps!r}"
        )
    return array


def traced(step: Any) -> Any:
    """A symbolic step as a backend tensor of an integer or float dtype.

    A Keras 3 Variable gives its backend value. A complex step (tf_keras's
    legacy optimizers cast `iterations` to a complex variable's dtype)
    gives its real part: compiled code cannot check the imaginary part.
    """
    step = variable_value(step)
    dtype = ops.dtype_name(step)
    if dtype.startswith("complex"):
        return ops.real(step)
    if not (dtype.startswith(("int", "uint", "float")) or dtype == "bfloat16"):
        _refuse("step", f"<{type(step).__name__} of dtype {dtype}>")
    return step


def variable_value(step: Any) -> Any:
    """A Keras 3 Variable's backend value (the optimizer's `iterations`);
    anything else as it is. `value`, not `_value`: inside a JAX training
    step the stateless scope supplies the traced value through it, and the
    backends' own functions cannot read a Keras Variable there."""
    if isinstance(step, KERAS_VARIABLES):
        return step.value  # type: ignore[attr-defined]
    return step


def _checked(array: np.ndarray, step: Any, name: str) -> np.ndarray:
    kind = array.dtype.kind
    if kind == "u":
        return array
    if kind in "if":
        if array.ndim == 0:  # the optimizer's step: no reductions
            value = array.item()
            if kind == "f" and (value != value or value in (_INF, -_INF)):
                _bad_value(name, "must be finite", value)
            if value < 0:
                _bad_value(name, "must be >= 0", array)
            return array
        if kind == "f" and not np.isfinite(array).all():
            _bad_value(name, "must be finite", array[~np.isfinite(array)].flat[0])
        if array.size:
            lowest = array.min()
            if lowest < 0:
                _bad_value(name, "must be >= 0", lowest)
        return array
    if array.dtype.name == "bfloat16":
        return _checked(array.astype(np.float32), step, name)  # exact
    if kind == "O" or getattr(step, "ndim", 0):
        _refuse(name, f"<{type(step).__name__} of dtype {array.dtype.name}>")
    _refuse(name, f"{step!r} of type {type(step).__name__}")


def _real(array: np.ndarray, name: str) -> np.ndarray:
    """A complex array's real part, or ValueError where an imaginary part
    is not zero; other arrays as they are."""
    if array.dtype.kind != "c":
        return array
    imaginary = array.imag
    if imaginary.size and np.any(imaginary != 0):
        bad = array[imaginary != 0].flat[0]
        _bad_value(name, "must be real: a complex step needs an imaginary part of 0", bad)
    return array.real.copy()  # a view of every other element otherwise


def _backend_value(step: Any, name: str) -> Optional[np.ndarray]:
    """A tensor's or variable's value as numpy; None when it is symbolic.

    Told apart by the backends' public classes, looked up only where the
    backend is loaded: a step of a library nobody imported cannot be one of
    its tensors.
    """
    step = variable_value(step)
    tf = sys.modules.get("tensorflow")
    if tf is not None and isinstance(step, (tf.Tensor, tf.Variable, tf.SparseTensor)):
        return _tensorflow_value(tf, step, name)
    jax = sys.modules.get("jax")
    if jax is not None and isinstance(step, jax.Array):
        if isinstance(step, jax.core.Tracer):
            return None
        return np.asarray(step)
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(step, torch.Tensor):
        return _torch_value(torch, step, name)
    if KERAS_TENSOR is not None and isinstance(step, KERAS_TENSOR):  # from keras.Input
        _refuse(
            name,
            f"<{type(step).__name__} shape={getattr(step, 'shape', None)}>: a symbolic "
            "Keras input has no value; the schedule takes the optimizer's step",
        )
    if step is None or isinstance(step, (bool, str, bytes, dict, set)):
        _refuse(name, f"{step!r} of type {type(step).__name__}")
    if hasattr(step, "__array__"):
        return np.asarray(step)
    _refuse(name, f"<{type(step).__name__}>")


def _tensorflow_value(tf: Any, step: Any, name: str) -> Optional[np.ndarray]:
    if isinstance(step, tf.SparseTensor):
        # Its missing entries are zeros to TensorFlow, not steps.
        _refuse(name, f"<SparseTensor shape={step.shape}>: pass tf.sparse.to_dense(step)")
    if not tf.executing_eagerly():
        return None
    if isinstance(step, tf.Variable):
        step = step.value()
    if not hasattr(step, "numpy"):  # a graph tensor outside tf.function
        return None
    return np.asarray(step.numpy())


def _torch_value(torch: Any, step: Any, name: str) -> Optional[np.ndarray]:
    if torch.compiler.is_compiling():
        return None
    if step.is_meta:
        _refuse(name, f"<tensor on the meta device, shape={tuple(step.shape)}>: it has no value")
    step = step.detach()
    if step.dtype == torch.bfloat16:
        step = step.float()  # numpy has no bfloat16 of torch's; float32 is exact
    return np.asarray(step.cpu().numpy())
