"""Training runs for test_distributed.py and test_resume.py, each needing a
process of its own (its Keras, devices or peers); prints JSON.

    python distributed_probe.py MODE [ARG]

MODE is one of: single (run on tf_keras), mirrored, multiworker (TF_CONFIG
names the worker), jax_data_parallel, jax_multiprocess, schedule_hlo (what
the schedule compiles to on JAX), resume_second (ARG: the .keras path that
test_resume.py saved, to load and train on). Every run starts from the same
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

import training_job  # noqa: E402
from inverse_time_decay import InverseTimeDecay  # noqa: E402
from training_job import BATCH, EPOCHS, build, data, join_jax_processes  # noqa: E402


def train(model, x, y, epochs=EPOCHS, batch_size=BATCH):
    return training_job.train(keras, model, x, y, epochs, batch_size)


def report(model, rates, **extra):
    print(json.dumps(training_job.report(model, rates, **extra)))


x, y, weights = data()
if MODE == "single":  # tf_keras's; test_distributed.py runs Keras 3's itself
    print(json.dumps(training_job.single_run(keras)))
elif MODE == "mirrored":
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        model = build(keras, weights)
    rates = train(model, x, y)
    # This is the one process with two devices, so it also checks that the
    # rates of an eager rising step are made on the device in scope: two
    # steps on each, in turn.
    iterations, schedule = tf.Variable(np.int64(0)), InverseTimeDecay(0.1, 3, 0.5)
    devices = []
    for device in ["/cpu:0", "/cpu:0", "/cpu:1", "/cpu:1", "/cpu:0"]:
        with tf.device(device):
            devices.append(schedule(iterations).device)
        iterations.assign_add(1)
    report(model, rates, replicas=strategy.num_replicas_in_sync, eager_rate_devices=devices)
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
    report(
        model,
        train(model, x[rows], y[rows], batch_size=BATCH // 2),
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
elif MODE == "resume_second":
    model = keras.saving.load_model(sys.argv[2])
    restored = int(np.asarray(model.optimizer.iterations))
    rates = train(model, x, y, epochs=1)
    report(model, rates, restored_iterations=restored)
else:
    raise SystemExit(f"unknown mode {MODE!r}")
