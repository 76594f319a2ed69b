"""The training job of distributed_probe.py and preemption_probe.py: fixed
data and starting weights, a softmax layer trained by SGD with the schedule,
the rate each step applies, and the two-process JAX set-up. Imported by the
probes once they have chosen their Keras (`keras` or `tf_keras`), which they
pass in."""

import os

import numpy as np
from inverse_time_decay import InverseTimeDecay

SAMPLES, FEATURES, CLASSES, BATCH = 64, 4, 3, 16
EPOCHS = 2  # of a distributed run and of its single-device reference


def data():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(SAMPLES, FEATURES)).astype("float32")
    y = rng.integers(0, CLASSES, SAMPLES).astype("int32")
    weights = [
        rng.normal(size=(FEATURES, CLASSES)).astype("float32") * 0.5,
        np.zeros(CLASSES, "float32"),
    ]
    return x, y, weights


def build(keras, weights, staircase=False):
    model = keras.Sequential(
        [keras.Input(shape=(FEATURES,)), keras.layers.Dense(CLASSES, activation="softmax")]
    )
    model.set_weights(weights)
    model.compile(
        optimizer=keras.optimizers.SGD(
            learning_rate=InverseTimeDecay(0.5, 3, 0.5, staircase=staircase)
        ),
        loss="sparse_categorical_crossentropy",
    )
    return model


def train(keras, model, x, y, epochs, batch_size=BATCH):
    """Fits `model` on x, y in order; returns the (step, rate) the optimizer
    applies at each batch, read before it."""
    rates = []

    class RecordRates(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            rates.append(step_and_rate(self.model.optimizer))

    model.fit(
        x,
        y,
        batch_size=batch_size,
        epochs=epochs,
        shuffle=False,
        verbose=0,
        callbacks=[RecordRates()],
    )
    return rates


def report(model, rates, **extra):
    """What a run reports: its rates, final iterations and weights."""
    return {
        "rates": rates,
        "iterations": int(as_number(model.optimizer.iterations)),
        "weights": [w.tolist() for w in model.get_weights()],
        **extra,
    }


def single_run(keras):
    """EPOCHS epochs on one device: the reference for the distributed runs."""
    x, y, weights = data()
    model = build(keras, weights)
    return report(model, train(keras, model, x, y, EPOCHS))


def six_steps(keras, model, x, y):
    """test_resume.py's run before its save: an epoch of 4 steps and two
    batches more, so that the save falls mid-epoch."""
    rates = train(keras, model, x, y, epochs=1)
    return rates + train(keras, model, x[: 2 * BATCH], y[: 2 * BATCH], epochs=1)


def as_number(x):
    # Distributed variables refuse __array__ but have numpy().
    return float(x.numpy() if hasattr(x, "numpy") else np.asarray(x))


def step_and_rate(optimizer):
    """The step about to run and the rate it applies. Keras 3's
    learning_rate property evaluates the schedule at `iterations`; tf_keras's
    returns the last rate used, so the schedule is asked directly."""
    step = optimizer.iterations
    return [int(as_number(step)), as_number(optimizer._learning_rate(step))]


def join_jax_processes(keras, processes=2):
    """Joins this process (JAX_PROCESS_ID, coordinator at JAX_COORDINATOR on
    127.0.0.1) to the others, with gloo collectives, and sets DataParallel
    over every device of every process. Returns the process index and this
    process's rows: its share of every global batch of BATCH, so that the
    global batches are a single process's."""
    import jax

    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    process = int(os.environ["JAX_PROCESS_ID"])
    jax.distributed.initialize(
        coordinator_address=os.environ["JAX_COORDINATOR"],
        num_processes=processes,
        process_id=process,
        initialization_timeout=120,
    )
    # The rows fed below are this process's shard already.
    keras.distribution.set_distribution(
        keras.distribution.DataParallel(devices=jax.devices(), auto_shard_dataset=False)
    )
    keras.utils.set_random_seed(1)  # initial values must agree across processes
    local = BATCH // processes
    rows = np.concatenate(
        [
            np.arange(b + process * local, b + (process + 1) * local)
            for b in range(0, SAMPLES, BATCH)
        ]
    )
    return process, rows
