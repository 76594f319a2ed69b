"""Which Keras this package builds on, its backend's tensor operations, and
which devices have float64.

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

LEGACY_KERAS = os.environ.get("TF_USE_LEGACY_KERAS", "").strip().lower() in ("1", "true", "yes")

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


def variable_value(value: Any) -> Any:
    """A Keras 3 Variable's backend value (the optimizer's `iterations`);
    anything else as it is. `value`, not `_value`: inside a JAX training
    step the stateless scope supplies the traced value through it, and the
    backends' own functions cannot read a Keras Variable there."""
    if isinstance(value, KERAS_VARIABLES):
        return value.value  # type: ignore[attr-defined]
    return value


def floatx() -> str:
    return keras.backend.floatx()


# The tensor operations are the backend library's own, one table a
# backend, by numpy's names: the same on Keras 3 and tf_keras (which has no
# keras.ops); each keeps the dtype it is given and is exact where numpy's
# namesake is (fmod is C's); and torch.compile(fullgraph=True) traces them
# on every supported Keras.
tf: Any = None
if BACKEND == "tensorflow":
    import tensorflow as tf

    class ops:
        """The tensor operations of this process's backend."""

        cast, floor, fmod, floor_divide = tf.cast, tf.math.floor, tf.truncatemod, tf.math.floordiv
        equal, not_equal, less, logical_and = tf.equal, tf.not_equal, tf.less, tf.logical_and
        abs, where, real = tf.abs, tf.where, tf.math.real
        bitcast = staticmethod(tf.bitcast)
        dtype_name = staticmethod(lambda x: str(x.dtype.name))
        convert_to_tensor = staticmethod(tf.constant)

    _TPU_STRATEGIES = (tf.distribute.TPUStrategy, tf.distribute.experimental.TPUStrategy)

    def float64_on(step: Any) -> bool:
        """No float64 under a TPU strategy or for a step on a TPU."""
        if isinstance(tf.distribute.get_strategy(), _TPU_STRATEGIES):
            return False
        return device_type(step) != "TPU"

    def device_type(value: Any) -> str:
        """"CPU", "GPU", "TPU", or "" where none is placed yet (in a graph)."""
        return str(tf.DeviceSpec.from_string(value.device).device_type or "")

elif BACKEND == "jax":
    import jax
    import jax.numpy as jnp

    class ops:  # type: ignore[no-redef]
        cast = staticmethod(lambda x, dtype: jnp.asarray(x).astype(dtype))
        floor, fmod, floor_divide = jnp.floor, jnp.fmod, jnp.floor_divide
        equal, not_equal, less, logical_and = jnp.equal, jnp.not_equal, jnp.less, jnp.logical_and
        abs, where, real = jnp.abs, jnp.where, jnp.real
        bitcast = staticmethod(lambda x, dtype: jax.lax.bitcast_convert_type(x, dtype))
        dtype_name = staticmethod(lambda x: str(x.dtype.name))
        convert_to_tensor = staticmethod(jnp.asarray)

    def float64_on(step: Any) -> bool:
        """No float64 without x64 (JAX narrows it silently) or on a TPU."""
        return bool(jax.config.read("jax_enable_x64")) and jax.default_backend() != "tpu"

    def device_type(value: Any) -> str:
        return "CPU" if all(d.platform == "cpu" for d in value.devices()) else "accelerator"

else:
    import torch

    class ops:  # type: ignore[no-redef]
        cast = staticmethod(lambda x, dtype: x.to(getattr(torch, dtype)))
        floor, fmod, floor_divide = torch.floor, torch.fmod, torch.floor_divide
        equal, not_equal, less, logical_and = torch.eq, torch.ne, torch.lt, torch.logical_and
        abs, where, real = torch.abs, torch.where, torch.real
        bitcast = staticmethod(lambda x, dtype: x.view(getattr(torch, dtype)))
        dtype_name = staticmethod(lambda x: str(x.dtype).removeprefix("torch."))
        # A host step's rate stays on the CPU, where the step was; torch has
        # no numpy bfloat16, whose values float32 holds exactly.
        convert_to_tensor = staticmethod(
            lambda x, dtype: torch.as_tensor(
                np.asarray(x, "float32") if dtype == "bfloat16" else x, dtype=getattr(torch, dtype)
            )
        )

    def float64_on(step: Any) -> bool:
        """No float64 on Apple's MPS."""
        return str(step.device.type) != "mps"

    def device_type(value: Any) -> str:
        return str(value.device.type).upper()
