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
counter = iterations.value  # its tf.Variable, whose assign_add is one op


def step_on():
    """What the optimizer does to `iterations` after each step."""
    counter.assign_add(1)


# The variable rises by one before each call, as in training. The
# increment, timed alone beside them, is taken off both schedules' figures.
# The floor is this package's own call at an int step.
ours_us, builtin_us, int_step_us, step_on_us = (
    t * 1e6
    for t in side_by_side(
        [
            lambda: (step_on(), ours(iterations)),
            lambda: (step_on(), builtin(iterations)),
            lambda: ours(new_step()),
            step_on,
        ],
        loops,
    )
)
row(
    "py_eager_variable",
    [ours_us - step_on_us, builtin_us - step_on_us, int_step_us],
    "us",
    f"Variable step: the variable rises by one each call; the increment "
    f"(assign_add, {step_on_us:.3g} µs alone) is taken off both schedules' figures.",
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
