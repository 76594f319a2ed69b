"""The figures measured once per Keras backend, each in a process of its own
(Keras picks its backend at import), this package's schedule beside Keras's
built-in and a constant rate: the memory that used schedules keep; what the
schedule costs a training step; and fit throughput. Prints `ROW` lines as
python_bench.py does, and `PAIRED` ratios for the fits.

    KERAS_BACKEND=jax python bench/backend_bench.py jax [--eager] [--smoke]
    TF_USE_LEGACY_KERAS=1 python bench/backend_bench.py tf_keras

The label names the rows (py_memory_<label>, py_step_cost_<label>,
py_fit_<label>); `--eager` compiles the models with run_eagerly=True and
measures the fit alone.
"""

import gc
import itertools
import os
import statistics
import sys
import time
import tracemalloc

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
LEGACY = os.environ.get("TF_USE_LEGACY_KERAS") == "1"
if LEGACY:
    import tensorflow as tf
    import tf_keras as keras
else:
    import keras

BACKEND = "tensorflow" if LEGACY else keras.backend.backend()

import numpy as np  # noqa: E402
from inverse_time_decay import InverseTimeDecay  # noqa: E402

LABEL = sys.argv[1]
SMOKE = "--smoke" in sys.argv
EAGER = "--eager" in sys.argv


def row(figure, values, unit, note=""):
    print(f"ROW {figure} {values[0]:.6g} {values[1]:.6g} {values[2]:.6g} {unit} {note}".rstrip())
    sys.stdout.flush()


def fit_model(learning_rate):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(32,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse", run_eagerly=EAGER
    )
    return model


def fit_throughput(step_cost=None):
    """Rounds of one epoch of each model, in each of the six orders in turn,
    so that every model runs before and after every other equally often;
    the ratio is the median of the per-round ratios (paired), so that the
    machine's slow drifts cancel out."""
    rng = np.random.default_rng(0)
    samples = 512 if SMOKE else (2048 if EAGER else 8192)
    x = rng.normal(size=(samples, 32)).astype("float32")
    y = rng.normal(size=(samples, 1)).astype("float32")
    batch = 64
    models = {
        "ours": fit_model(InverseTimeDecay(0.01, 10, 0.5)),
        "builtin": fit_model(keras.optimizers.schedules.InverseTimeDecay(0.01, 10, 0.5)),
        "constant": fit_model(0.01),
    }
    for model in models.values():  # compile and warm up
        model.fit(x, y, batch_size=batch, epochs=1, verbose=0)
    throughput = {name: [] for name in models}
    names = list(models)
    orders = list(itertools.permutations(names))
    for round_index in range(2 if SMOKE else 24):
        for name in orders[round_index % len(orders)]:
            start = time.perf_counter()
            models[name].fit(x, y, batch_size=batch, epochs=1, verbose=0)
            throughput[name].append((samples // batch) / (time.perf_counter() - start))
    medians = [statistics.median(throughput[name]) for name in names]
    paired = statistics.median(o / c for o, c in zip(throughput["ours"], throughput["constant"]))
    figure = f"py_fit_{LABEL}"
    spread = " ".join(f"{n} [{min(v):.0f}-{max(v):.0f}]" for n, v in throughput.items())
    row(figure, medians, "steps/s", f"Fit {LABEL}, medians and [min-max]: {spread}")
    print(f"PAIRED {figure} {paired:.4f}")
    if step_cost is not None:
        step_us = 1e6 / medians[names.index("constant")]
        row(
            f"py_step_cost_{LABEL}",
            [*step_cost, step_us],
            "us",
            f"Step cost {LABEL}: {STEP_COST_NOTE[BACKEND]}; floor: a step of the fit's model "
            "with a constant rate.",
        )


STEP_COST_NOTE = {
    "tensorflow": "µs per step that the rate adds to a loop of 20,000 steps compiled by "
    "tf.function(jit_compile=True), against a constant rate",
    "jax": "µs per step that the rate adds to a loop of 20,000 steps compiled by jax.jit "
    "(lax.fori_loop), against a constant rate",
    "torch": "µs of one eager call at the optimizer's iterations, as the torch trainer calls "
    "it each step",
}


def step_cost():
    """µs per step that this package's schedule and Keras's add to a training
    step: in a compiled loop against a constant rate (TensorFlow, JAX), or
    one eager call at the optimizer's step (torch, whose trainer calls the
    schedule eagerly). Side by side, medians of interleaved repetitions."""
    ours = InverseTimeDecay(0.01, 10, 0.5)
    builtin = keras.optimizers.schedules.InverseTimeDecay(0.01, 10, 0.5)
    count = 1000 if SMOKE else 20_000
    if BACKEND == "torch":
        iterations = keras.optimizers.SGD(0.01).iterations
        count = 50 if SMOKE else 2000

        def loop(rate):
            return lambda: [rate(iterations) for _ in range(count)]

        runs = [loop(ours), loop(builtin), lambda: None]
    elif BACKEND == "jax":
        import jax

        def loop(rate):
            body = lambda i, acc: acc + rate(i).astype("float32")  # noqa: E731
            run = jax.jit(lambda: jax.lax.fori_loop(0, count, body, 0.0))
            return lambda: run().block_until_ready()

        runs = [loop(ours), loop(builtin), loop(lambda i: 0.01 + 0 * i)]
    else:
        import tensorflow as tf

        def loop(rate):
            def body(i, acc):
                return i + 1, acc + tf.cast(rate(i), "float32")

            start = (tf.constant(0, "int64"), tf.constant(0.0))
            run = tf.function(
                lambda: tf.while_loop(lambda i, acc: i < count, body, start)[1], jit_compile=True
            )
            return lambda: run().numpy()

        runs = [loop(ours), loop(builtin), loop(lambda i: tf.constant(0.01))]
    for run in runs:  # compile
        run()
    times = [[] for _ in runs]
    for _ in range(2 if SMOKE else 9):
        for index, run in enumerate(runs):
            start = time.perf_counter()
            run()
            times[index].append(time.perf_counter() - start)
    ours_s, builtin_s, constant_s = (statistics.median(t) for t in times)
    return [(ours_s - constant_s) / count * 1e6, (builtin_s - constant_s) / count * 1e6]


def variable(value):
    if LEGACY:
        return tf.Variable(np.int64(value))
    return keras.Variable(value, dtype="int64", trainable=False)


def kept_per_schedule(make, count):
    """KiB that each of `count` schedules keeps after three calls at a
    rising int64 variable, as an eager optimizer calls it, all kept alive:
    Python's own allocations (tracemalloc) that are freed with the
    schedules, where a schedule keeps its attributes and any tensor it
    would hold on to. What the backend allocates for itself and keeps,
    schedules or not (TensorFlow's pools grow the first time and stay),
    is left out."""
    step = variable(0)
    for _ in range(20):  # the one-off allocations of the first calls
        make()(step)
        step.assign_add(1)
    kept = [None] * count  # made before tracing: its memory is not counted
    gc.collect()
    tracemalloc.start()
    for i in range(count):
        schedule = make()
        for _ in range(3):
            schedule(step)
            step.assign_add(1)
        kept[i] = schedule
    del schedule
    gc.collect()
    alive = tracemalloc.get_traced_memory()[0]
    kept.clear()
    gc.collect()
    freed = alive - tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return freed / 1024 / count


def builtin_schedule():
    return keras.optimizers.schedules.InverseTimeDecay(0.1, 1, 0.5)


def our_schedule():
    return InverseTimeDecay(0.1, 1, 0.5)


if EAGER:
    fit_throughput()
else:
    count = 100 if SMOKE else 1000
    ours = kept_per_schedule(our_schedule, count)
    builtin = kept_per_schedule(builtin_schedule, count)
    row(
        f"py_memory_{LABEL}",
        [ours, builtin, 0.0],
        "KiB",
        f"Memory {LABEL}: KiB of Python allocations (tracemalloc) per schedule that are freed "
        f"with the schedules, {count} kept alive, each called three times at a rising int64 "
        "variable.",
    )
    fit_throughput(step_cost())
