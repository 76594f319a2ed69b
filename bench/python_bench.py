"""The Python figures, each measured side by side with Keras's built-in
InverseTimeDecay and a floor, in one run. Prints one line per figure:

    ROW <figure> <this package> <keras built-in> <floor> <unit> [spread]

and, first, one line `VERSION <package> <version>` for TensorFlow and Keras.

bench/run.py (make bench) tabulates them. `--smoke` shrinks every loop: it
checks that the script runs, not how fast anything is.
"""

import gc
import itertools
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras
import numpy as np
import tensorflow as tf
from inverse_time_decay import InverseTimeDecay

SMOKE = "--smoke" in sys.argv
print(f"VERSION tensorflow {tf.__version__}")
print(f"VERSION keras {keras.__version__}")
REPS = 1 if SMOKE else 7


def side_by_side(functions, loops):
    """Median seconds per call of each function, measured round by round."""
    for function in functions:
        function()
    times = [[] for _ in functions]
    for _ in range(REPS):
        for index, function in enumerate(functions):
            start = time.perf_counter()
            for _ in range(loops):
                function()
            times[index].append((time.perf_counter() - start) / loops)
    return [statistics.median(t) for t in times]


def row(figure, values, unit, spread=""):
    print(f"ROW {figure} {values[0]:.6g} {values[1]:.6g} {values[2]:.6g} {unit} {spread}".rstrip())
    sys.stdout.flush()


ours = InverseTimeDecay(0.1, 1, 0.5)
builtin = keras.optimizers.schedules.InverseTimeDecay(0.1, 1, 0.5)

# Every eager call is at a new step, as in training. TensorFlow keeps the
# tensor of each Python number it has converted and hands it out again, so a
# step repeated call after call would be served from that store and flatter
# whoever converts the step (the built-in) or the rate (this package, before
# it converted rates as numpy scalars).
new_step = itertools.count(10**6).__next__

loops = 20 if SMOKE else 2000
row(
    "py_eager_scalar",
    [
        t * 1e6
        for t in side_by_side(
            [
                lambda: ours(new_step()),
                lambda: builtin(new_step()),
                lambda: tf.constant(np.float32(new_step())),
            ],
            loops,
        )
    ],
    "us",
)

iterations = keras.Variable(0, dtype="int64", trainable=False)  # as optimizer.iterations
handle, int64, one = iterations.value.handle, tf.int64, tf.constant(1, tf.int64)


def step_on():
    """What the optimizer does to `iterations` after each step, at its least
    cost: one AssignAddVariableOp (keras.Variable.assign_add costs some 25 times
    more)."""
    tf.raw_ops.AssignAddVariableOp(resource=handle, value=one)


# The variable rises by one before each call, as in training: this package
# makes the rates of a rising step ahead, so a variable that held one value
# would flatter it. The increment, timed alone beside them, is taken off
# both schedules' figures. The floor is this package's own call at an int
# step: an optimizer's step should cost about what a plain number costs.
# Beside them, TensorFlow's read of the variable alone, one op, which any
# variable step pays.
ours_us, builtin_us, int_step_us, step_on_us, read_us = (
    t * 1e6
    for t in side_by_side(
        [
            lambda: (step_on(), ours(iterations)),
            lambda: (step_on(), builtin(iterations)),
            lambda: ours(new_step()),
            step_on,
            lambda: tf.raw_ops.ReadVariableOp(resource=handle, dtype=int64),
        ],
        loops,
    )
)
row(
    "py_eager_variable",
    [ours_us - step_on_us, builtin_us - step_on_us, int_step_us],
    "us",
    f"Variable step: the variable rises by one each call; the increment (one "
    f"AssignAddVariableOp, {step_on_us:.3g} µs alone) is taken off both schedules' "
    f"figures. TensorFlow's read op alone (tf.raw_ops.ReadVariableOp) takes "
    f"{read_us:.3g} µs, {read_us / int_step_us:.2f}× the int step.",
)


def resident_mib():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def kept_mib(function, calls):
    """The resident memory (MiB) that `calls` calls of `function` leave."""
    gc.collect()
    before = resident_mib()
    for _ in range(calls):
        function()
    gc.collect()
    return resident_mib() - before


# What an eager training loop keeps: a call at a new step each time. The
# floor column is a bare tf.constant of a new Python float per call, what
# TensorFlow keeps for each one.
calls = 200 if SMOKE else 10_000
row(
    "py_eager_memory",
    [
        kept_mib(lambda: ours(new_step()), calls),
        kept_mib(lambda: builtin(new_step()), calls),
        kept_mib(lambda: tf.constant(new_step() / 3), calls),
    ],
    "MiB",
    f"Memory: {calls} eager calls at new Python int steps; the built-in converts each step, "
    "which TensorFlow keeps; the floor column is a bare tf.constant of a new Python float per "
    "call, kept the same way.",
)

n = 10_000 if SMOKE else 1_000_000
steps = np.arange(n)
curve_loops = 2 if SMOKE else 20
row(
    "py_curve_1e6_numpy",
    [
        t * 1e3
        for t in side_by_side(
            [
                lambda: ours.numpy_values(steps),
                lambda: builtin(steps),
                lambda: 0.1 / (1 + 0.5 * steps / 1.0),
            ],
            curve_loops,
        )
    ],
    "ms",
)
row(
    "py_curve_1e6_tensor",
    [
        t * 1e3
        for t in side_by_side(
            [lambda: ours(steps), lambda: builtin(steps), lambda: 0.1 / (1 + 0.5 * steps / 1.0)],
            curve_loops,
        )
    ],
    "ms",
)


def fit_model(learning_rate):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(32,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse")
    return model


rng = np.random.default_rng(0)
samples = 1024 if SMOKE else 8192
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
# Rounds of one epoch each, the order rotating every round; ratios are taken
# within a round (paired), so the machine's slow drifts cancel out.
throughput = {name: [] for name in models}
names = list(models)
for round_index in range(2 if SMOKE else 21):
    order = names[round_index % 3 :] + names[: round_index % 3]
    for name in order:
        start = time.perf_counter()
        models[name].fit(x, y, batch_size=batch, epochs=1, verbose=0)
        throughput[name].append((samples // batch) / (time.perf_counter() - start))


def spread(values):
    return f"[{min(values):.0f}-{max(values):.0f}]"


medians = {name: statistics.median(values) for name, values in throughput.items()}
paired_builtin = statistics.median(o / b for o, b in zip(throughput["ours"], throughput["builtin"]))
paired_constant = statistics.median(
    o / c for o, c in zip(throughput["ours"], throughput["constant"])
)
row(
    "py_fit_vs_builtin",
    [medians["ours"], medians["builtin"], medians["constant"]],
    "steps/s",
    f"Fit throughput medians and [min-max]: ours {spread(throughput['ours'])} "
    f"builtin {spread(throughput['builtin'])} "
    f"constant {spread(throughput['constant'])}",
)
print(f"PAIRED py_fit_vs_builtin {paired_builtin:.4f}")
print(f"PAIRED py_fit_vs_constant {paired_constant:.4f}")
