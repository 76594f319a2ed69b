"""Run in a fresh process per backend by test_backends.py; prints JSON.

Exercises the schedule on one Keras 3 backend (KERAS_BACKEND) or on tf_keras
(TF_USE_LEGACY_KERAS=1): eager values, compiled values, an optimizer, fit,
and a save/load round trip. The test compares what it prints with values it
computes itself.
"""

import json
import os
import sys
import tempfile

import numpy as np

LEGACY = os.environ.get("TF_USE_LEGACY_KERAS") == "1"
if LEGACY:
    import tf_keras as keras
else:
    import keras

from inverse_time_decay import InverseTimeDecay  # noqa: E402

STEPS = [0, 1, 2, 5, 9, 10, 11, 1000, 2**24 + 3, 2**31 - 1]
backend = "tf_keras" if LEGACY else keras.backend.backend()
result = {"backend": backend, "steps": STEPS, "class_base": InverseTimeDecay.__mro__[1].__module__}


def counting_traces(schedule):
    """The schedule as a function that counts how often it is traced."""
    traces = []

    def traced(step):
        traces.append(1)
        return schedule(step)

    return traced, traces


def to_list(x):
    return np.asarray(x, dtype=np.float64).tolist()


for staircase in (False, True):
    schedule = InverseTimeDecay(0.1, 10, 0.5, staircase=staircase)
    key = "staircase" if staircase else "continuous"
    result[f"eager_{key}"] = [float(np.asarray(schedule(s))) for s in STEPS]
    steps32 = np.array(STEPS, dtype="int32")
    if backend == "jax":
        import jax
        import jax.numpy as jnp

        compiled = jax.jit(schedule)
        result[f"compiled_{key}"] = to_list(compiled(jnp.asarray(steps32)))
        result[f"compiled_scalar_{key}"] = [float(compiled(jnp.int32(s))) for s in STEPS]
        result["compiled_cache_size"] = compiled._cache_size()
        result[f"eager_tensor_{key}"] = to_list(schedule(jnp.asarray(steps32)))
    elif backend == "torch":
        import torch
        from torch._dynamo.utils import counters

        # A compile failure fails the probe, and with it the test.
        compiled = torch.compile(schedule, fullgraph=True)
        graphs_before = counters["stats"]["unique_graphs"]
        result[f"compiled_{key}"] = to_list(compiled(torch.tensor(STEPS)).cpu())
        result[f"compiled_scalar_{key}"] = [float(compiled(torch.tensor(s))) for s in STEPS]
        # One graph for the vector call, one for the scalar shape: not one per step.
        result[f"traces_{key}"] = counters["stats"]["unique_graphs"] - graphs_before
        result[f"eager_tensor_{key}"] = to_list(schedule(torch.tensor(STEPS)).cpu())
    else:
        import tensorflow as tf

        traced, traces = counting_traces(schedule)
        compiled = tf.function(traced, jit_compile=True)
        result[f"compiled_{key}"] = to_list(compiled(tf.constant(STEPS, tf.int64)))
        variable = tf.Variable(0, dtype=tf.int64)
        scalar_values = []
        for s in STEPS:
            variable.assign(s)
            scalar_values.append(float(compiled(variable)))
        result[f"compiled_scalar_{key}"] = scalar_values
        result[f"traces_{key}"] = len(traces)
        result[f"eager_tensor_{key}"] = to_list(schedule(tf.constant(STEPS, tf.int64)))

# Scalar tensors of this backend as arguments: accepted, and they set the dtype.
if LEGACY:
    import tensorflow as tf

    tensor_rate, tensor_steps = tf.constant(0.1, tf.float64), tf.constant(10)
    tensor_dtype = tensor_rate.dtype.name
else:
    tensor_rate = keras.ops.convert_to_tensor(
        0.1, dtype="float64" if backend != "jax" else "float32"
    )
    tensor_steps = keras.ops.convert_to_tensor(10)
    tensor_dtype = keras.backend.standardize_dtype(tensor_rate.dtype)
from_tensor = InverseTimeDecay(tensor_rate, tensor_steps, 0.5)
result["tensor_argument_dtype"] = [from_tensor.dtype, tensor_dtype]

# An optimizer and a short fit.
rng = np.random.default_rng(0)
x = rng.normal(size=(64, 4)).astype("float32")
y = rng.integers(0, 3, 64)
schedule = InverseTimeDecay(0.1, 2, 0.5)
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="softmax")])
optimizer = keras.optimizers.SGD(learning_rate=schedule)
model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
history = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
result["fit_iterations"] = int(np.asarray(optimizer.iterations))
result["fit_schedule_type"] = type(optimizer._learning_rate).__name__
result["fit_learning_rate"] = float(np.asarray(optimizer._learning_rate(optimizer.iterations)))
result["fit_losses"] = [float(v) for v in history.history["loss"]]

# Save and load in this process (the fresh-process case is test_resume's).
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "model.keras")
    model.save(path)
    restored = keras.models.load_model(path)
    restored_schedule = restored.optimizer._learning_rate
    result["restored_type"] = type(restored_schedule).__name__
    result["restored_config"] = (
        restored_schedule.get_config() if hasattr(restored_schedule, "get_config") else None
    )
    result["restored_iterations"] = int(np.asarray(restored.optimizer.iterations))

json.dump(result, sys.stdout)
