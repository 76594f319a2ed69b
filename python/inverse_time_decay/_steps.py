"""Reading a step and checking it, once, for both paths of the schedule.

`read` sorts a step. A value on the host (numbers, numpy values, lists, and
eager tensors and variables on the CPU, the eager optimizer's `iterations`
among them) becomes a numpy array, checked: dtype, sign, finiteness and a
complex step's imaginary part. A traced tensor, or an eager one on an
accelerator, stays a tensor with only its dtype checked: compiled code
cannot raise on values, and reading an accelerator's value would wait for
the device at every step. Errors name the argument (`step`, or `steps` for
`numpy_values`) and the value received.
"""

import sys
from typing import Any, NamedTuple, NoReturn, Optional

import numpy as np

from inverse_time_decay._backend import BACKEND, KERAS_TENSOR, KERAS_VARIABLES, ops


class Steps(NamedTuple):
    values: Any  # a checked numpy array (host), or a backend tensor
    host: bool
    pairs: bool = False  # a tensor on a device without float64: float32 pairs
    ragged: Any = None  # the tf.RaggedTensor whose flat values these are


def _refuse(name: str, what: str) -> NoReturn:
    raise TypeError(
        f"Argument `{name}` must be an integer or floating-point number, array "
        f"or tensor. Received: {name}={what}"
    )


def _bad_value(name: str, problem: str, value: object) -> NoReturn:
    raise ValueError(f"Argument `{name}` {problem}. Received: {name}={value}")


def read(step: Any, name: str = "step") -> Steps:
    """The step sorted onto its path, and checked as far as its path allows."""
    step = variable_value(step)
    tf = sys.modules.get("tensorflow")
    if tf is not None and isinstance(step, tf.RaggedTensor):
        return read(step.flat_values, name)._replace(ragged=step)
    library = _library(step, name)
    value = _as_array(step, name) if library is None else _host_value(step, library)
    if value is None:
        return Steps(_traced(step, name), False, not float64_on(step))
    return Steps(_checked(_real(value, name), step, name), True)


def variable_value(value: Any) -> Any:
    """A Keras 3 Variable's backend value (the optimizer's `iterations`);
    anything else as it is. `value`, not `_value`: inside a JAX training
    step the stateless scope supplies the traced value through it, and the
    backends' own functions cannot read a Keras Variable there."""
    if isinstance(value, KERAS_VARIABLES):
        return value.value  # type: ignore[attr-defined]
    return value


def float64_on(tensor: Any) -> bool:
    """Whether the device of the backend's tensor step has float64: not a
    TPU (a TPU strategy in scope, or the step placed there), not Apple's MPS,
    and not JAX without x64, which narrows float64 silently."""
    module = sys.modules[BACKEND]
    if BACKEND == "tensorflow":
        tpu = (module.distribute.TPUStrategy, module.distribute.experimental.TPUStrategy)
        if isinstance(module.distribute.get_strategy(), tpu):
            return False
        return bool(module.DeviceSpec.from_string(tensor.device).device_type != "TPU")
    if BACKEND == "jax":
        return bool(module.config.read("jax_enable_x64")) and module.default_backend() != "tpu"
    return str(tensor.device.type) != "mps"


def many(steps: Any) -> np.ndarray:
    """`read` for `numpy_values`: also any iterable of numbers; symbolic
    steps raise TypeError."""
    iterable = hasattr(steps, "__iter__") and not hasattr(steps, "__array__")
    if iterable and not isinstance(steps, (list, tuple, str, bytes, dict, set)):
        steps = list(steps)  # range, generators, iterators
    read_steps = read(steps, "steps")
    if not read_steps.host:
        raise TypeError(
            "Argument `steps` must have a known value; call the schedule "
            f"itself on symbolic steps. Received: steps={steps!r}"
        )
    return np.asarray(read_steps.values)


def _library(step: Any, name: str) -> Optional[str]:
    """ "tensorflow", "jax" or "torch" for a tensor or variable of that
    library, told apart by its public classes where it is loaded (a step
    of a library nobody imported cannot be one of its tensors); else None."""
    tf = sys.modules.get("tensorflow")
    if tf is not None and isinstance(step, (tf.Tensor, tf.Variable, tf.SparseTensor)):
        if isinstance(step, tf.SparseTensor):  # its missing entries are zeros, not steps
            _refuse(name, f"<SparseTensor shape={step.shape}>: pass tf.sparse.to_dense(step)")
        return "tensorflow"
    jax = sys.modules.get("jax")
    if jax is not None and isinstance(step, jax.Array):
        return "jax"
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(step, torch.Tensor):
        if step.is_meta:
            _refuse(name, f"<tensor on the meta device, shape={tuple(step.shape)}>: no value")
        return "torch"
    if KERAS_TENSOR is not None and isinstance(step, KERAS_TENSOR):  # from keras.Input
        _refuse(
            name,
            f"<{type(step).__name__} shape={getattr(step, 'shape', None)}>: a symbolic "
            "Keras input has no value; the schedule takes the optimizer's step",
        )
    return None


def _host_value(tensor: Any, library: str) -> Optional[np.ndarray]:
    """An eager tensor's value as numpy; None where it has none now (a
    trace's, or a TensorFlow graph's) or where it is the backend's own on an
    accelerator, whose value would wait for the device. Another library's
    tensor is read wherever it is: the backend's operations cannot take it."""
    module, own = sys.modules[library], library == BACKEND
    if library == "tensorflow":
        if not module.executing_eagerly() or not hasattr(tensor, "numpy"):
            return None
        if own and module.DeviceSpec.from_string(tensor.device).device_type not in ("CPU", None):
            return None
        if isinstance(tensor, module.Variable):
            tensor = tensor.value()  # its read op and value: half the time of its numpy()
        return np.asarray(tensor.numpy())
    if library == "jax":
        if isinstance(tensor, module.core.Tracer):
            return None
        on_device = own and any(device.platform != "cpu" for device in tensor.devices())
        return None if on_device else np.asarray(tensor)
    if module.compiler.is_compiling() or (own and tensor.device.type != "cpu"):
        return None
    tensor = tensor.detach().cpu()
    if tensor.dtype == module.bfloat16:
        tensor = tensor.float()  # numpy has no bfloat16 of torch's; float32 is exact
    return np.asarray(tensor.numpy())


def _as_array(step: Any, name: str) -> np.ndarray:
    """Any other step as a numpy array, or TypeError naming `name`."""
    if isinstance(step, (int, float)) and not isinstance(step, bool):
        if isinstance(step, int) and not -(2**63) <= step < 2**64:
            _bad_value(name, "must be below 2**64" if step > 0 else "must be >= 0", step)
        return np.asarray(step)
    if isinstance(step, (np.ndarray, np.generic)):
        return np.asarray(step)
    if isinstance(step, (list, tuple, complex)):
        try:
            return np.asarray(step)
        except (ValueError, TypeError, OverflowError):
            return np.asarray(step, dtype=object)
    if step is None or isinstance(step, (bool, str, bytes, dict, set)):
        _refuse(name, f"{step!r} of type {type(step).__name__}")
    if hasattr(step, "__array__"):
        return np.asarray(step)
    _refuse(name, f"<{type(step).__name__}>")


def _traced(step: Any, name: str) -> Any:
    """A tensor step of an integer or float dtype. A complex step (tf_keras's
    legacy optimizers cast `iterations` to a complex variable's dtype) gives
    its real part: compiled code cannot check the imaginary part."""
    dtype = ops.dtype_name(step)
    if dtype.startswith("complex"):
        return ops.real(step)
    if not dtype.startswith(("int", "uint", "float", "bfloat16")):
        _refuse(name, f"<{type(step).__name__} of dtype {dtype}>")
    return step


def _checked(array: np.ndarray, step: Any, name: str) -> np.ndarray:
    """An integer or float array, finite and >= 0 (bfloat16 as float32)."""
    kind = array.dtype.kind
    if kind == "u":
        return array
    if kind in "if":
        if array.ndim == 0:  # the optimizer's step: no reductions
            value = array.item()
            if kind == "f" and not np.isfinite(value):
                _bad_value(name, "must be finite", value)
            if value < 0:
                _bad_value(name, "must be >= 0", array)
            return array
        if kind == "f" and not np.isfinite(array).all():
            _bad_value(name, "must be finite", array[~np.isfinite(array)].flat[0])
        if array.size and array.min() < 0:
            _bad_value(name, "must be >= 0", array.min())
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
