"""Saves a trained model in every format of one Keras generation, or loads
them back; run by test_save_formats.py. A load runs in a fresh process, which
must not find the class registered by the process that saved; a tf_keras
save too, since the Keras generation is chosen once per process (a Keras 3
save runs in the test process). Prints JSON.

Usage: save_formats_job.py save|load FOLDER, with TF_USE_LEGACY_KERAS=1 for
tf_keras (Keras 2), else Keras 3 on TensorFlow.
"""

import inspect
import json
import os
import sys

import numpy as np

LEGACY = os.environ.get("TF_USE_LEGACY_KERAS") == "1"
if LEGACY:
    import tf_keras as keras
else:
    import keras
import tensorflow as tf  # noqa: E402

# Keras 3: its own format, the legacy H5 and the TensorFlow export.
# tf_keras: H5 (what keras 2.15's save_model_hdf5() writes), SavedModel, and
# the .keras format.
FORMATS = ["h5", "saved_model", "keras"] if LEGACY else ["keras", "h5"]
STEPS = 5  # batches trained before saving
PROBE_STEPS = [0, 1, 2, 3, 5, 6, 11, 1000]
x = np.linspace(0.0, 1.0, 4 * 8 * STEPS, dtype="float32").reshape(8 * STEPS, 4)
y = x[:, :3] * 2.0 - 1.0


def path(folder, fmt, which="ours"):
    name = f"{which}-model"
    return os.path.join(folder, name if fmt == "saved_model" else f"{name}.{fmt}")


def model_with(schedule):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    # A loss object: Keras 3.15 cannot load the string "mse" back from H5.
    loss = keras.losses.MeanSquaredError()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule), loss=loss)
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    return model


def save(folder):
    from inverse_time_decay import InverseTimeDecay

    model = model_with(InverseTimeDecay(0.5, 3, 0.5, staircase=True, name="stairs"))
    for fmt in FORMATS:
        model.save(path(folder, fmt))
    result = {"predictions": model.predict(x[:4], verbose=0).tolist()}
    if LEGACY:
        # tf_keras's own class, under the name this package's loader takes
        # over: such models must still load as tf_keras's class.
        builtin = model_with(keras.optimizers.schedules.InverseTimeDecay(0.5, 3, 0.5, True))
        for fmt in ("h5", "saved_model"):
            builtin.save(path(folder, fmt, "builtin"))
    else:
        # model.export() writes the inference function alone; the schedule
        # is exported as an endpoint of its own.
        # `verbose` is newer than Keras 3.4, whose export() always prints.
        model.export(os.path.join(folder, "export"), **quiet(model.export))
        archive = keras.export.ExportArchive()
        archive.track(model)
        archive.add_endpoint(
            "learning_rate",
            model.optimizer._learning_rate,
            input_signature=[tf.TensorSpec(shape=(None,), dtype=tf.int64)],
        )
        archive.write_out(os.path.join(folder, "schedule-export"), **quiet(archive.write_out))
    return result


def loaded(model):
    schedule = model.optimizer._learning_rate
    step = int(model.optimizer.iterations.numpy())
    return {
        "class": f"{type(schedule).__module__}.{type(schedule).__name__}",
        "config": schedule.get_config(),
        "iterations": step,
        "rate": float(schedule(step)),
    }


def quiet(function):
    """`verbose=False` where `function` takes it."""
    return {"verbose": False} if "verbose" in inspect.signature(function).parameters else {}


def load(folder):
    result = {}
    if not LEGACY:
        # Before the package is imported: Keras cannot find the class.
        try:
            model = keras.saving.load_model(path(folder, "keras"))
            # Keras before 3.? imports the module a config names, and finds it.
            schedule = type(model.optimizer._learning_rate)
            result["unregistered"] = f"loaded {schedule.__module__}.{schedule.__name__}"
        except Exception as error:  # what a user sees
            result["unregistered"] = f"{type(error).__name__}: {error}"
    import inverse_time_decay  # noqa: F401  # registers the class

    for fmt in FORMATS:
        result[fmt] = loaded(keras.models.load_model(path(folder, fmt)))
    if LEGACY:
        for fmt in ("h5", "saved_model"):
            result[f"builtin_{fmt}"] = loaded(keras.models.load_model(path(folder, fmt, "builtin")))
    else:
        # Each artifact held while it serves: its variables go with it.
        exported = tf.saved_model.load(os.path.join(folder, "export"))
        result["export_predictions"] = exported.serve(x[:4]).numpy().tolist()
        schedule = tf.saved_model.load(os.path.join(folder, "schedule-export"))
        rates = schedule.learning_rate(tf.constant(PROBE_STEPS, tf.int64))
        result["export_rates"] = rates.numpy().tolist()
    return result


if __name__ == "__main__":
    mode, folder = sys.argv[1:3]
    print(json.dumps(save(folder) if mode == "save" else load(folder)))
