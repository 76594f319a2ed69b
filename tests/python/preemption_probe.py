"""One process of a training job that test_preemption.py kills and restarts.

    python preemption_probe.py FLAVOUR

FLAVOUR is one of:
- jax: one of two Keras 3 processes on JAX (JAX_COORDINATOR, JAX_PROCESS_ID),
  two CPU devices each, DataParallel over the four;
- tf_keras: one of two tf_keras MultiWorkerMirroredStrategy workers
  (TF_CONFIG);
- single: one Keras 3 process on TensorFlow, never killed: the reference.

Every run fits EPOCHS epochs of 4 steps (64 samples, global batch 16) with
`BackupAndRestore(BACKUP_DIR, save_freq="epoch")`, so a restarted run takes
up at the last finished epoch. The schedule is InverseTimeDecay(0.5, 3, 0.5)
with STAIRCASE ("1" or "0"). Before each step the process writes the step
to PROGRESS (whole, by rename); at step PAUSE_AT it stops there, for the
test to kill it. The last line printed is JSON: this run's (step, rate)
pairs, its final iterations and weights.
"""

import json
import os
import sys
import time

import numpy as np

FLAVOUR = sys.argv[1]
if FLAVOUR == "tf_keras":
    import tensorflow as tf
    import tf_keras as keras
else:
    import keras

from inverse_time_decay import InverseTimeDecay  # noqa: E402

SAMPLES, FEATURES, CLASSES, BATCH = 64, 4, 3, 16
EPOCHS = int(os.environ.get("EPOCHS", "6"))
STAIRCASE = os.environ.get("STAIRCASE") == "1"
PAUSE_AT = int(os.environ.get("PAUSE_AT", "-1"))


def as_number(x):
    return float(x.numpy() if hasattr(x, "numpy") else np.asarray(x))


class Progress(keras.callbacks.Callback):
    """Records (step, rate) before each step, and appends it to PROGRESS."""

    def __init__(self):
        super().__init__()
        self.rates = []

    def on_train_batch_begin(self, batch, logs=None):
        optimizer = self.model.optimizer
        step = int(as_number(optimizer.iterations))
        # The rate this step applies: Keras 3's learning_rate property reads
        # the schedule at `iterations`; tf_keras's gives the last rate used.
        rate = as_number(optimizer._learning_rate(optimizer.iterations))
        self.rates.append([step, rate])
        if os.environ.get("PROGRESS"):
            with open(os.environ["PROGRESS"], "a") as handle:
                handle.write(json.dumps([step, rate]) + "\n")
        if step == PAUSE_AT:
            time.sleep(600)  # killed here by the test


def data():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(SAMPLES, FEATURES)).astype("float32")
    y = rng.integers(0, CLASSES, SAMPLES).astype("int32")
    weights = [
        rng.normal(size=(FEATURES, CLASSES)).astype("float32") * 0.5,
        np.zeros(CLASSES, "float32"),
    ]
    return x, y, weights


def build(weights):
    model = keras.Sequential(
        [keras.Input(shape=(FEATURES,)), keras.layers.Dense(CLASSES, activation="softmax")]
    )
    model.set_weights(weights)
    schedule = InverseTimeDecay(0.5, 3, 0.5, staircase=STAIRCASE)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=schedule),
        loss="sparse_categorical_crossentropy",
    )
    return model


x, y, weights = data()
batch, rows = BATCH, np.arange(SAMPLES)
if FLAVOUR == "jax":
    import jax

    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    process = int(os.environ["JAX_PROCESS_ID"])
    jax.distributed.initialize(
        coordinator_address=os.environ["JAX_COORDINATOR"],
        num_processes=2,
        process_id=process,
        initialization_timeout=120,
    )
    keras.distribution.set_distribution(
        keras.distribution.DataParallel(devices=jax.devices(), auto_shard_dataset=False)
    )
    # Each process feeds its half of every global batch of 16.
    batch = BATCH // 2
    rows = np.concatenate(
        [
            np.arange(b + process * batch, b + (process + 1) * batch)
            for b in range(0, SAMPLES, BATCH)
        ]
    )
    keras.utils.set_random_seed(1)  # initial values must agree across processes
    model = build(weights)
elif FLAVOUR == "tf_keras":
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    with strategy.scope():
        model = build(weights)
else:
    model = build(weights)

progress = Progress()
callbacks = [progress]
if FLAVOUR != "single":
    # Keras 3's BackupAndRestore has every process write its own files, so
    # each JAX process gets a folder of its own. A process whose peer dies
    # can be caught writing: it waits for values that never come, and its
    # latest.weights.h5 stays torn; with double_checkpoint Keras restores the
    # previous backup then. tf_keras's callback has the chief write
    # BACKUP_DIR through tf.train (the others write scratch folders).
    backup_dir = os.environ["BACKUP_DIR"]
    if FLAVOUR == "jax":
        backup = keras.callbacks.BackupAndRestore(
            os.path.join(backup_dir, f"process-{process}"), double_checkpoint=True
        )
    else:
        backup = keras.callbacks.BackupAndRestore(backup_dir)
    callbacks.insert(0, backup)
model.fit(
    x[rows], y[rows], batch_size=batch, epochs=EPOCHS, shuffle=False, verbose=0, callbacks=callbacks
)
print(
    json.dumps(
        {
            "rates": progress.rates,
            "iterations": int(as_number(model.optimizer.iterations)),
            "weights": [w.tolist() for w in model.get_weights()],
        }
    )
)
