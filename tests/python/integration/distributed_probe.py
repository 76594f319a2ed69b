"""Training runs for test_distributed.py and test_resume.py; prints JSON.

    python distributed_probe.py MODE [ARG]

MODE is one of: single, mirrored, multiworker (TF_CONFIG names the worker),
jax_data_parallel, jax_multiprocess, schedule_hlo (what the schedule
compiles to on JAX), resume_first (ARG: the .keras path to write),
resume_second (ARG: the path to read). Every run starts from the same
weights and data, made here from fixed seeds, and records the learning rate
the optimizer used at each step.
"""

import json
import os
import sys

import numpy as np

MODE = sys.argv[1]
if MODE == "mirrored":
    import tensorflow as tf

    # Two logical CPU devices, configured before anything touches them.
    (cpu,) = tf.config.list_physical_devices("CPU")
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

if os.environ.get("TF_USE_LEGACY_KERAS") == "1":
    import tf_keras as keras  # Keras 2: Keras 3's fit cannot run multi-worker
else:
    import keras

from inverse_time_decay import InverseTimeDecay  # noqa: E402
from training_job import BATCH, as_number, build, data, join_jax_processes, step_and_rate  # noqa: E402

EPOCHS = 2


class RecordRates(keras.callbacks.Callback):
    """The (step, rate) the optimizer uses for each batch, read before it."""

    def __init__(self):
        super().__init__()
        self.rates = []

    def on_train_batch_begin(self, batch, logs=None):
        self.rates.append(step_and_rate(self.model.optimizer))


def train(model, x, y, epochs=EPOCHS):
    record = RecordRates()
    model.fit(x, y, batch_size=BATCH, epochs=epochs, shuffle=False, verbose=0, callbacks=[record])
    return record.rates


def report(model, rates, **extra):
    out = {
        "rates": rates,
        "iterations": int(as_number(model.optimizer.iterations)),
        "weights": [w.tolist() for w in model.get_weights()],
    }
    out.update(extra)
    print(json.dumps(out))


x, y, weights = data()
if MODE == "single":
    model = build(keras, weights)
    report(model, train(model, x, y))
elif MODE == "mirrored":
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        model = build(keras, weights)
    report(model, train(model, x, y), replicas=strategy.num_replicas_in_sync)
elif MODE == "multiworker":
    import tensorflow as tf

    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    with strategy.scope():
        model = build(keras, weights)
    # Keras 3's fit does not run under this strategy (keras-team/keras#20585),
    # so this mode runs on tf_keras, as multi-worker users do.
    rates = train(model, x, y)
    report(model, rates, replicas=strategy.num_replicas_in_sync)
elif MODE == "jax_data_parallel":
    import jax

    devices = jax.devices()
    keras.distribution.set_distribution(keras.distribution.DataParallel(devices=devices))
    model = build(keras, weights)
    report(model, train(model, x, y), replicas=len(devices))
elif MODE == "jax_multiprocess":
    # One of two processes (JAX_PROCESS_ID) on 127.0.0.1, each with two host
    # CPU devices; DataParallel over all four. Each process feeds its half
    # of every global batch of 16, so the global batches are the single
    # run's.
    import jax

    process, rows = join_jax_processes(keras)
    devices = jax.devices()
    model = build(keras, weights)
    record = RecordRates()
    model.fit(
        x[rows],
        y[rows],
        batch_size=BATCH // 2,
        epochs=EPOCHS,
        shuffle=False,
        verbose=0,
        callbacks=[record],
    )
    report(
        model,
        record.rates,
        replicas=len(devices),
        local_devices=jax.local_device_count(),
        process=jax.process_index(),
    )
elif MODE == "schedule_hlo":
    # The schedule compiled for a step replicated over the devices, as
    # DataParallel keeps `iterations`: which collective operations it has.
    # A sum over an array split across the devices shows what one looks like.
    import re

    import jax
    from jax.sharding import Mesh, NamedSharding, PartitionSpec

    def collectives(function, *args):
        text = jax.jit(function).lower(*args).compile().as_text()
        pattern = r"all-reduce|all-gather|reduce-scatter|all-to-all|collective-permute"
        return sorted(set(re.findall(pattern, text)))

    mesh = Mesh(np.array(jax.devices()), ("batch",))
    step = jax.device_put(np.int32(7), NamedSharding(mesh, PartitionSpec()))
    split = jax.device_put(
        np.arange(8.0, dtype="float32"), NamedSharding(mesh, PartitionSpec("batch"))
    )
    schedule = InverseTimeDecay(0.5, 3, 0.5, staircase=True)
    print(
        json.dumps(
            {
                "devices": len(jax.devices()),
                "sharding": "replicated" if step.sharding.is_fully_replicated else "split",
                "collectives": collectives(schedule, step),
                "sum_collectives": collectives(lambda v: v.sum(), split),
                "rate": float(jax.jit(schedule)(step)),
            }
        )
    )
elif MODE == "resume_first":
    # 6 steps: one epoch of 4, then 2 more; 6 is not a multiple of 4.
    model = build(keras, weights)
    rates = train(model, x, y, epochs=1)
    rates += train(model, x[: 2 * BATCH], y[: 2 * BATCH], epochs=1)
    model.save(sys.argv[2])
    report(model, rates)
elif MODE == "resume_second":
    model = keras.saving.load_model(sys.argv[2])
    restored = int(np.asarray(model.optimizer.iterations))
    rates = train(model, x, y, epochs=1)
    report(model, rates, restored_iterations=restored)
elif MODE == "uninterrupted":
    model = build(keras, weights)
    rates = train(model, x, y, epochs=1)
    rates += train(model, x[: 2 * BATCH], y[: 2 * BATCH], epochs=1)
    rates += train(model, x, y, epochs=1)
    report(model, rates)
else:
    raise SystemExit(f"unknown mode {MODE!r}")
