"""One process of a training job that test_preemption_jax.py and
test_preemption_tf_keras.py kill and restart.

    python preemption_probe.py FLAVOUR

FLAVOUR is one of:
- jax: one of two Keras 3 processes on JAX (JAX_COORDINATOR, JAX_PROCESS_ID),
  two CPU devices each, DataParallel over the four;
- tf_keras: one of two tf_keras MultiWorkerMirroredStrategy workers
  (TF_CONFIG).

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

from training_job import (  # noqa: E402
    BATCH,
    SAMPLES,
    as_number,
    build,
    data,
    join_jax_processes,
    step_and_rate,
)

EPOCHS = int(os.environ.get("EPOCHS", "6"))
STAIRCASE = os.environ.get("STAIRCASE") == "1"
PAUSE_AT = int(os.environ.get("PAUSE_AT", "-1"))


class Progress(keras.callbacks.Callback):
    """Records (step, rate) before each step, and appends it to PROGRESS."""

    def __init__(self):
        super().__init__()
        self.rates = []

    def on_train_batch_begin(self, batch, logs=None):
        step, rate = step_and_rate(self.model.optimizer)
        self.rates.append([step, rate])
        if os.environ.get("PROGRESS"):
            with open(os.environ["PROGRESS"], "a") as handle:
                handle.write(json.dumps([step, rate]) + "\n")
        if step == PAUSE_AT:
            time.sleep(600)  # killed here by the test


x, y, weights = data()
batch, rows = BATCH, np.arange(SAMPLES)
if FLAVOUR == "jax":
    process, rows = join_jax_processes(keras)
    batch = BATCH // 2  # each process feeds its half of every global batch
    model = build(keras, weights, STAIRCASE)
else:
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    with strategy.scope():
        model = build(keras, weights, STAIRCASE)

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
progress = Progress()
model.fit(
    x[rows],
    y[rows],
    batch_size=batch,
    epochs=EPOCHS,
    shuffle=False,
    verbose=0,
    callbacks=[backup, progress],
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
