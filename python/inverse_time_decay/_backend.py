"""Which Keras this package builds on, and its backend's tensor operations.
The Keras is tf_keras (Keras 2) where the
environment variable `TF_USE_LEGACY_KERAS` is "1", "true" or "yes", as for
`tf.keras`, else Keras 3: chosen once, when the package is first imported.
"""

import os
import re
import sys
from typing import Any, Optional

import numpy as np

LEGACY_KERAS = os.environ.get("TF_USE_LEGACY_KERAS", "").strip().lower() in ("1", "true", "yes")

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
    raise ImportError(
        "inverse_time_decay needs Keras and a backend for it: "
        "pip install 'inverse_time_decay[tensorflow]' (or [jax] or [torch]); "
        "for tf_keras, pip install tensorflow-cpu and then pip install --no-deps tf-keras. "
        f"From R, install_inverse_time_decay() installs them. (Missing: the module '{error.name}'.)"
    ) from error


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
    """Registers `cls` as "inverse_time_decay>InverseTimeDecay", and under
    tf_keras by its bare name too (`_BareNameLoader`)."""
    register = keras.saving.register_keras_serializable
    cls = register(package="inverse_time_decay", name=cls.__name__)(cls)
    if LEGACY_KERAS:
        _BareNameLoader.register(cls)
    return cls


class _BareNameLoader:
    """tf_keras's H5 and SavedModel loaders look a schedule up by its bare
    `class_name`, ignoring the saved `registered_name`, and would find
    tf_keras's own class, which refuses this class's config. Registered under
    the bare name, this loader sends a config with a `dtype` key (every one
    this package writes) to this package's class and any other to tf_keras's
    own, so models saved with that one load as they did. Nothing is saved
    under its name."""

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


# Keras 3 variables. Before Keras 3.7, `keras.Variable` subclassed the
# backend's Variable class, of which the variables Keras makes itself (an
# optimizer's `iterations`) are (keras-team/keras#20330); tests/python/backends
# says when that base class is no longer needed.
KERAS_VARIABLES: tuple[type, ...] = ()
KERAS_TENSOR: Optional[type] = None
if not LEGACY_KERAS:
    KERAS_VARIABLES = (keras.Variable,)
    if release(keras.__version__) < (3, 7):
        KERAS_VARIABLES += (keras.Variable.__base__,)
    KERAS_TENSOR = keras.KerasTensor


def floatx() -> str:
    return keras.backend.floatx()


# The tensor operations, by numpy's names, are the backend library's own:
# the same on Keras 3 and tf_keras (no keras.ops), dtype-preserving and exact
# where numpy's are (fmod is C's), and traced by torch.compile(fullgraph=True)
# on every supported Keras.
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
