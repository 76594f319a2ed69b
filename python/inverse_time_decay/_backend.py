"""Which Keras this package builds on, and the tensor operations it offers.

Keras generation: `tf_keras` (Keras 2) when the environment variable
`TF_USE_LEGACY_KERAS` is "1", "true" or "yes" (the same switch that makes
`tf.keras` mean Keras 2), otherwise Keras 3. The choice is made once, when
`inverse_time_decay` is first imported.
"""

import os
import re
import sys
from typing import Any, Optional

import numpy as np

LEGACY_KERAS = os.environ.get("TF_USE_LEGACY_KERAS", "").strip().lower() in (
    "1",
    "true",
    "yes",
)

_INSTALL = (
    "inverse_time_decay needs Keras and a backend for it: "
    "pip install 'inverse_time_decay[tensorflow]' (or [jax] or [torch]); "
    "for tf_keras, pip install tensorflow-cpu and then pip install --no-deps tf-keras. "
    "From R, install_inverse_time_decay() installs them."
)

try:
    if LEGACY_KERAS:
        import tf_keras as keras

        BACKEND = "tensorflow"
    else:
        import keras

        BACKEND = keras.backend.backend()
except ModuleNotFoundError as error:
    # Keras itself, or the backend Keras imports first (its own error names
    # only the missing module).
    raise ImportError(f"{_INSTALL} (Missing: the module '{error.name}'.)") from error


def release(version: str) -> tuple[int, ...]:
    """A version string's release numbers: "3.4.1", "2.16.1rc0" and
    "2.13.0+cpu" give (3, 4, 1), (2, 16, 1) and (2, 13, 0)."""
    match = re.match(r"\d+(\.\d+)*", version)
    return tuple(int(part) for part in match.group().split(".")) if match else ()


# The oldest releases `make test-matrix` runs, and so the oldest supported;
# pyproject.toml declares the same floors.
FLOORS = {"keras": (3, 0, 0), "tensorflow": (2, 16, 0), "jax": (0, 4, 20), "torch": (2, 1, 0)}


def _check_floor(distribution: str, module: Any) -> None:
    found = str(module.__version__)
    if release(found) < FLOORS[distribution]:
        needed = ".".join(map(str, FLOORS[distribution]))
        raise ImportError(
            f"inverse_time_decay needs {distribution} >= {needed}; found {distribution} "
            f"{found} in {os.path.dirname(module.__file__ or '')}. "
            f"Upgrade it: pip install --upgrade '{distribution}>={needed}'"
        )


if LEGACY_KERAS:
    _check_floor("tensorflow", sys.modules["tensorflow"])
else:
    _check_floor("keras", keras)
    _check_floor(BACKEND, sys.modules[BACKEND])

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


# Keras 3 variables. Before Keras 3.7, `keras.Variable` was a subclass of
# the backend's own Variable class, and the variables Keras makes itself (an
# optimizer's `iterations`) are of that base class, not of `keras.Variable`;
# from 3.7 `keras.Variable` is the backend's class (keras-team/keras#20330).
# tests/python/backends says when the base class is no longer needed.
KERAS_VARIABLES: tuple[type, ...] = ()
KERAS_TENSOR: Optional[type] = None
if not LEGACY_KERAS:
    KERAS_VARIABLES = (keras.Variable,)
    if release(keras.__version__) < (3, 7):
        KERAS_VARIABLES += (keras.Variable.__base__,)
    KERAS_TENSOR = keras.KerasTensor


def floatx() -> str:
    return keras.backend.floatx()


def float64_available() -> bool:
    """False where the backend silently narrows float64 (JAX without x64)."""
    if BACKEND != "jax":
        return True
    import jax

    return bool(jax.config.read("jax_enable_x64"))


if LEGACY_KERAS or BACKEND == "tensorflow":
    import tensorflow as tf

    _NUMPY_SCALARS = {"float32": np.float32, "float64": np.float64}

    def _tensor_constant(x: Any, dtype: str) -> Any:
        # tf.constant gives the same EagerTensor as keras.ops.convert_to_tensor
        # at a fraction of its cost; the eager fast path lives on this.
        if type(x) is float and dtype in _NUMPY_SCALARS:
            # A rate goes in as a numpy scalar, not a Python float: TensorFlow
            # keeps the tensor of every distinct Python float it converts for
            # the life of the process (the memory test of tests/python/backends),
            # and a numpy scalar it neither keeps nor converts more slowly.
            return tf.constant(_NUMPY_SCALARS[dtype](x))
        return tf.constant(x, dtype)

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

# The rest of the tensor operations: tf_keras has no `keras.ops`, and there
# TensorFlow's own functions are the backend's. On torch they are torch's
# own too: every keras.ops call flattens its arguments with optree (or
# dm-tree) to look for symbolic tensors, and torch.compile(fullgraph=True)
# cannot trace that before Keras 3.15 (Keras 3.0 to 3.14 with torch 2.13;
# tests/python/backends says when the floor no longer needs this).
if LEGACY_KERAS:
    _source: Any = tf
elif BACKEND == "torch":

    def _torch_dtype(dtype: Any) -> Any:
        return getattr(_torch, dtype) if isinstance(dtype, str) else dtype

    class _source:  # type: ignore[no-redef]
        @staticmethod
        def cast(x: Any, dtype: str) -> Any:
            return x.to(_torch_dtype(dtype))

        equal, not_equal, less = _torch.eq, _torch.ne, _torch.lt
        logical_and, abs, where, real = _torch.logical_and, _torch.abs, _torch.where, _torch.real

else:
    _source = keras.ops


class ops:
    """The tensor operations of this Keras and backend, one namespace."""

    cast = staticmethod(_source.cast)
    equal = staticmethod(_source.equal)
    not_equal = staticmethod(_source.not_equal)
    less = staticmethod(_source.less)
    logical_and = staticmethod(_source.logical_and)
    abs = staticmethod(_source.abs)
    where = staticmethod(_source.where)
    real = staticmethod(tf.math.real if LEGACY_KERAS else _source.real)
    floor = staticmethod(_floor)
    floor_divide = staticmethod(_floor_divide)
    fmod = staticmethod(_fmod)
    convert_to_tensor = staticmethod(_tensor_constant)

    @staticmethod
    def dtype_name(x: Any) -> str:
        if LEGACY_KERAS:
            return str(tf.as_dtype(x.dtype).name)
        try:
            return str(keras.backend.standardize_dtype(x.dtype))
        except ValueError:
            # Keras before 3.6 names no complex dtype ("Invalid dtype:
            # complex64"); the backend's dtype names itself.
            name = getattr(x.dtype, "name", None)
            return str(name if isinstance(name, str) else x.dtype).removeprefix("torch.")
