"""Which Keras this package builds on, and how to read a step without tracing.

Keras generation: `tf_keras` (Keras 2) when the environment variable
`TF_USE_LEGACY_KERAS` is "1", "true" or "yes" (the same switch that makes
`tf.keras` mean Keras 2), otherwise Keras 3. The choice is made once, when
`inverse_time_decay` is first imported.
"""

import os
import sys

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


def register_serializable(cls):
    """Registers `cls` as "inverse_time_decay>InverseTimeDecay"."""
    register = keras.saving.register_keras_serializable
    return register(package="inverse_time_decay", name=cls.__name__)(cls)


def floatx():
    return keras.backend.floatx()


def float64_available():
    """False where the backend silently narrows float64 (JAX without x64)."""
    if BACKEND != "jax":
        return True
    import jax

    return bool(jax.config.read("jax_enable_x64"))


if LEGACY_KERAS or BACKEND == "tensorflow":
    import tensorflow as tf

    def _tensor_constant(x, dtype):
        # tf.constant gives the same EagerTensor as keras.ops.convert_to_tensor
        # at a fraction of its cost; the eager fast path lives on this.
        return tf.constant(x, dtype=dtype)

else:

    def _tensor_constant(x, dtype):
        return keras.ops.convert_to_tensor(x, dtype=dtype)


if LEGACY_KERAS:

    class ops:  # noqa: N801 - the few keras.ops the schedule needs, for tf_keras
        cast = staticmethod(tf.cast)
        floor_divide = staticmethod(tf.math.floordiv)
        floor = staticmethod(tf.math.floor)
        equal = staticmethod(tf.equal)
        where = staticmethod(tf.where)
        mod = staticmethod(tf.math.floormod)
        round = staticmethod(tf.math.round)
        convert_to_tensor = staticmethod(_tensor_constant)

        @staticmethod
        def dtype_name(x):
            return tf.as_dtype(x.dtype).name

else:

    class ops:  # noqa: N801
        cast = staticmethod(keras.ops.cast)
        floor_divide = staticmethod(keras.ops.floor_divide)
        floor = staticmethod(keras.ops.floor)
        equal = staticmethod(keras.ops.equal)
        where = staticmethod(keras.ops.where)
        mod = staticmethod(keras.ops.mod)
        round = staticmethod(keras.ops.round)
        convert_to_tensor = staticmethod(_tensor_constant)

        @staticmethod
        def dtype_name(x):
            return keras.backend.standardize_dtype(x.dtype)


def concrete_steps(step):
    """Returns `step` as a numpy array when its value is known now, else None.

    None means the step is symbolic (inside `tf.function`, `jax.jit` or
    `torch.compile`) and must be computed with tensor ops.
    """
    if isinstance(step, (int, float, np.ndarray, np.generic)) and not isinstance(
        step, bool
    ):
        return np.asarray(step)
    if isinstance(step, (list, tuple)):
        return np.asarray(step)
    # A Keras 3 Variable (the optimizer's `iterations`) wraps a backend value.
    if not LEGACY_KERAS and isinstance(step, keras.Variable):
        step = step.value
    module = type(step).__module__
    if module.startswith("tensorflow"):
        if not sys.modules["tensorflow"].executing_eagerly():
            return None
        read = getattr(step, "value", None)
        if callable(read):
            # A tf.Variable: value() reads it about twice as fast as numpy().
            step = read()
        return step.numpy()
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
    return None
