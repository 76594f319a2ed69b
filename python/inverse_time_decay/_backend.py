"""Which Keras this package builds on, and how to read a step without tracing.

Keras generation: `tf_keras` (Keras 2) when the environment variable
`TF_USE_LEGACY_KERAS` is "1", "true" or "yes" (the same switch that makes
`tf.keras` mean Keras 2), otherwise Keras 3. The choice is made once, when
`inverse_time_decay` is first imported.
"""

import os
import sys
from typing import Any, NoReturn

import numpy as np

LEGACY_KERAS = os.environ.get("TF_USE_LEGACY_KERAS", "").strip().lower() in (
    "1",
    "true",
    "yes",
)

if LEGACY_KERAS:
    import tf_keras as keras

    BACKEND = "tensorflow"
else:
    import keras

    BACKEND = keras.backend.backend()

LearningRateSchedule = keras.optimizers.schedules.LearningRateSchedule


def register_serializable(cls: type) -> type:
    """Registers `cls` as "inverse_time_decay>InverseTimeDecay".

    Under tf_keras, also makes the loaders that look a schedule up by its
    bare class name find it (see `_BareNameLoader`).
    """
    register = keras.saving.register_keras_serializable
    cls = register(package="inverse_time_decay", name=cls.__name__)(cls)
    if LEGACY_KERAS:
        _BareNameLoader.register(cls)
    return cls


class _BareNameLoader:
    """tf_keras's H5 and SavedModel loaders find this class by its name.

    Those loaders (tf_keras's legacy deserialization) look a schedule up by
    its bare `class_name`, "InverseTimeDecay", and ignore the saved
    `registered_name`; the name then finds tf_keras's own class, which
    refuses this class's config. Registered under the bare name, this loader
    comes first and sends each config to its class: a config with a
    `dtype` key (every config this package writes) to this package's class,
    any other to tf_keras's own, so models saved with tf_keras's own
    `InverseTimeDecay` load as they did. It is a loader, not a class to
    serialize: nothing is saved under its name.
    """

    ours: Any = None
    builtin: Any = None

    @classmethod
    def register(cls, ours: type) -> None:
        cls.ours = ours
        cls.builtin = keras.optimizers.schedules.InverseTimeDecay
        # The global registry itself (tf_keras returns it, not a copy).
        keras.saving.get_custom_objects()[ours.__name__] = cls

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> Any:
        target = cls.ours if "dtype" in config else cls.builtin
        return target.from_config(config)


def floatx() -> str:
    return keras.backend.floatx()


_floatx_watchers: list[Any] = []


def watch_floatx(callback: Any) -> None:
    """Calls `callback(dtype)` after every change of Keras's floatx.

    For the R package, which computes rates in R and must follow floatx()
    without asking Python at every call. Keras's `set_floatx` is replaced,
    once, by a wrapper in every loaded module that holds it
    (`keras.config`, `keras.backend` and the private modules that define
    it), and modules imported later take the wrapper from those.
    """
    if not _floatx_watchers:
        setter = keras.backend.set_floatx

        def set_floatx(value: Any) -> None:
            setter(value)
            for watcher in _floatx_watchers:
                watcher(floatx())

        set_floatx.__doc__ = setter.__doc__
        for module in list(sys.modules.values()):
            if getattr(module, "set_floatx", None) is setter:
                setattr(module, "set_floatx", set_floatx)  # noqa: B010
    _floatx_watchers.append(callback)


def float64_available() -> bool:
    """False where the backend silently narrows float64 (JAX without x64)."""
    if BACKEND != "jax":
        return True
    import jax

    return bool(jax.config.read("jax_enable_x64"))


if LEGACY_KERAS or BACKEND == "tensorflow":
    import tensorflow as tf

    def _tensor_constant(x: Any, dtype: str) -> Any:
        # tf.constant gives the same EagerTensor as keras.ops.convert_to_tensor
        # at a fraction of its cost; the eager fast path lives on this.
        return tf.constant(x, dtype=dtype)

else:
    tf = None

    def _tensor_constant(x: Any, dtype: str) -> Any:
        return keras.ops.convert_to_tensor(x, dtype=dtype)


# floor, floor_divide and fmod are the backend's own functions, chosen once:
# keras.ops.floor rounds a float64 through float32 on JAX, and
# keras.ops.floor_divide returns uint32 for two uint64 tensors on TensorFlow
# (Keras 3.15). fmod is C's, which is exact; keras.ops.mod is floor-mod,
# which torch.compile lowers to x - y * floor(x / y), not exact (for the
# non-negative steps here the two agree in value).
if tf is not None:
    _floor, _floor_divide, _fmod = tf.math.floor, tf.math.floordiv, tf.truncatemod
elif BACKEND == "jax":
    import jax.numpy as _jnp

    _floor, _floor_divide, _fmod = _jnp.floor, _jnp.floor_divide, _jnp.fmod
else:
    import torch as _torch

    _floor, _floor_divide, _fmod = _torch.floor, _torch.floor_divide, _torch.fmod


if LEGACY_KERAS:

    class ops:
        cast = staticmethod(tf.cast)
        floor_divide = staticmethod(_floor_divide)
        floor = staticmethod(_floor)
        equal = staticmethod(tf.equal)
        not_equal = staticmethod(tf.not_equal)
        abs = staticmethod(tf.abs)
        where = staticmethod(tf.where)
        logical_and = staticmethod(tf.logical_and)
        greater = staticmethod(tf.greater)
        less = staticmethod(tf.less)
        fmod = staticmethod(_fmod)
        convert_to_tensor = staticmethod(_tensor_constant)
        real = staticmethod(tf.math.real)

        @staticmethod
        def dtype_name(x: Any) -> str:
            return tf.as_dtype(x.dtype).name

else:

    class ops:  # type: ignore[no-redef]  # one of the two is defined
        cast = staticmethod(keras.ops.cast)
        equal = staticmethod(keras.ops.equal)
        not_equal = staticmethod(keras.ops.not_equal)
        abs = staticmethod(keras.ops.abs)
        where = staticmethod(keras.ops.where)
        logical_and = staticmethod(keras.ops.logical_and)
        greater = staticmethod(keras.ops.greater)
        less = staticmethod(keras.ops.less)
        convert_to_tensor = staticmethod(_tensor_constant)
        real = staticmethod(keras.ops.real)

        floor = staticmethod(_floor)
        floor_divide = staticmethod(_floor_divide)
        fmod = staticmethod(_fmod)

        @staticmethod
        def dtype_name(x: Any) -> str:
            return keras.backend.standardize_dtype(x.dtype)


# Step dtypes the schedule accepts, by numpy kind; bfloat16 (kind "V" in
# ml_dtypes) is a float too.
STEP_KINDS = "iuf"


def _refuse_step(step: Any, what: str) -> NoReturn:
    raise TypeError(
        "Argument `step` must be an integer or floating-point number, array "
        f"or tensor. Received: step={what}"
    )


def check_step_dtype(step: Any, dtype: Any) -> None:
    """Raises TypeError unless `dtype` (a numpy dtype) is an integer or float."""
    if dtype.kind not in STEP_KINDS and dtype.name != "bfloat16":
        if dtype.kind == "O" or getattr(step, "ndim", 0):
            _refuse_step(step, f"<{type(step).__name__} of dtype {dtype.name}>")
        _refuse_step(step, f"{step!r} of type {type(step).__name__}")


def check_traced_step_dtype(step: Any) -> None:
    """The same rule for a symbolic step: its dtype is known when tracing.
    Complex steps pass: see `real_step`."""
    name = ops.dtype_name(step)
    if not (name.startswith(("int", "uint", "float", "complex")) or name == "bfloat16"):
        _refuse_step(step, f"<{type(step).__name__} of dtype {name}>")


def real_traced_step(step: Any) -> Any:
    """A symbolic complex step's real part; any other step as it is.

    tf_keras's legacy optimizers cast `iterations` to the variable's dtype,
    complex64 for a complex variable, before calling the schedule. Compiled
    code cannot check the imaginary part, so a traced complex step is taken
    as its real part; a known one is checked (`real_step`).
    """
    if ops.dtype_name(step).startswith("complex"):
        return ops.real(step)
    return step


def real_step(array: Any) -> Any:
    """A known complex step's real part, or ValueError naming `step` where
    its imaginary part is not zero; other arrays as they are."""
    if array.dtype.kind != "c":
        return array
    imaginary = array.imag
    if imaginary.size and np.any(imaginary != 0):
        bad = array[imaginary != 0].flat[0]
        raise ValueError(
            "Argument `step` must be real: a complex step needs an imaginary "
            f"part of 0. Received: step={bad}"
        )
    return array.real.copy()  # a view of every other element otherwise


def known_steps(step: Any) -> Any:
    """Returns `step` as a numpy array when its value is known now, else None.

    None means the step is symbolic (inside `tf.function`, `jax.jit` or
    `torch.compile`) and must be computed with tensor ops. Anything that is
    not a number, an array or a tensor raises TypeError naming `step`.
    """
    if isinstance(step, (np.ndarray, np.generic)):
        array = np.asarray(step)
    elif isinstance(step, (int, float)) and not isinstance(step, bool):
        array = _python_number(step)
    elif isinstance(step, complex):
        array = np.asarray(step)
    elif isinstance(step, (list, tuple)):
        try:
            array = np.asarray(step)
        except (ValueError, TypeError, OverflowError):
            array = np.asarray(step, dtype=object)
    else:
        array = _backend_value(step)
        if array is None:
            return None
    array = real_step(array)
    check_step_dtype(step, array.dtype)
    return array


def _python_number(step: Any) -> Any:
    if isinstance(step, int) and not 0 <= step < 2**64:
        if step < 0:
            raise ValueError(f"Argument `step` must be >= 0. Received: step={step}")
        raise ValueError(f"Argument `step` must be below 2**64. Received: step={step}")
    return np.asarray(step)


def variable_value(step: Any) -> Any:
    """A Keras 3 Variable's backend value (the optimizer's `iterations`);
    anything else as it is. `value`, not `_value`: inside a JAX training
    step the stateless scope supplies the traced value through it, and the
    backends' own functions cannot read a Keras Variable there."""
    if not LEGACY_KERAS and isinstance(step, keras.Variable):
        return step.value
    return step


def _backend_value(step: Any) -> Any:
    """A tensor's or variable's value as numpy; None when it is symbolic."""
    step = variable_value(step)
    module = type(step).__module__
    if module.startswith("tensorflow"):
        if not sys.modules["tensorflow"].executing_eagerly():
            return None
        read = getattr(step, "value", None)
        if callable(read):
            # A tf.Variable: value() reads it about twice as fast as numpy().
            step = read()
        if not hasattr(step, "numpy"):
            return None
        return np.asarray(step.numpy())
    if module.startswith("jax"):
        import jax

        if isinstance(step, jax.core.Tracer):
            return None
        return np.asarray(step)
    if module.startswith("torch"):
        torch = sys.modules["torch"]
        if torch.compiler.is_compiling():
            return None
        return step.detach().cpu().numpy()
    if step is None or isinstance(step, (bool, str, bytes, dict, set)):
        _refuse_step(step, f"{step!r} of type {type(step).__name__}")
    if hasattr(step, "__array__"):
        return np.asarray(step)
    _refuse_step(step, f"<{type(step).__name__}>")
