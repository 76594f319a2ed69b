"""Accuracy of this package and of Keras's built-in InverseTimeDecay, side
by side, against exact rational arithmetic (Python's fractions, the step an
integer). Prints a Markdown table; bench/run.py appends it to its own.

    python bench/accuracy.py [--smoke]
"""

import math
import os
import sys
from fractions import Fraction

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
from inverse_time_decay import InverseTimeDecay

SMOKE = "--smoke" in sys.argv
PARAMS = [(0.1, 1.0, 0.5), (0.01, 1000, 2.0), (3e-4, 7, 0.05), (0.5, 3.3, 1.7), (1.0, 10, 0.5)]


def exact(lr, d, r, step, staircase):
    q = Fraction(step) / Fraction(d)
    return Fraction(lr) / (1 + Fraction(r) * (math.floor(q) if staircase else q))


def ulps(value, reference):
    spacing = Fraction(float(np.spacing(np.abs(np.float32(float(reference))))))
    return float(abs(Fraction(float(value)) - reference) / spacing)


def probe_steps():
    rng = np.random.default_rng(2026)
    count = 200 if SMOKE else 3000
    return np.unique(
        np.concatenate(
            [
                np.arange(1000),
                rng.integers(0, 2**31, count),
                2 ** np.arange(32) - 1,
            ]
        )
    ).astype(np.int64)


def worst(schedule, params, steps, staircase=False):
    values = keras.ops.convert_to_numpy(schedule(steps))
    return max(ulps(v, exact(*params, int(s), staircase)) for s, v in zip(steps, values))


def staircase_misses(make, decay_steps, limit):
    """Steps next to boundaries (up to `limit`) where the value is wrong."""
    rng = np.random.default_rng(decay_steps)
    boundaries = rng.integers(1, limit // decay_steps, 50 if SMOKE else 500) * decay_steps
    steps = np.concatenate([boundaries - 1, boundaries])
    schedule = make(1.0, decay_steps, 1.0)
    values = keras.ops.convert_to_numpy(schedule(steps))
    expected = np.array(
        [np.float32(float(exact(1.0, decay_steps, 1.0, int(s), True))) for s in steps]
    )
    return int(np.sum(values != expected)), steps.size


def main():
    steps = probe_steps()
    lines = [
        "| accuracy probe | this package | Keras built-in |",
        "|---|---|---|",
    ]
    for params in PARAMS:
        lr = float(params[0])
        ours = worst(InverseTimeDecay(*params), params, steps)
        builtin = worst(keras.optimizers.schedules.InverseTimeDecay(lr, *params[1:]), params, steps)
        lines.append(
            f"| float32 continuous {params}, {steps.size} steps ≤ 2^31: max error (ulp) "
            f"| {ours:.3f} | {builtin:.3f} |"
        )
    ours_make = lambda *a: InverseTimeDecay(*a, staircase=True)  # noqa: E731
    keras_make = lambda *a: keras.optimizers.schedules.InverseTimeDecay(*a, staircase=True)  # noqa: E731
    for decay_steps, limit in [(3, 2**24), (1000, 2**31), (7, 2**53)]:
        ours, total = staircase_misses(ours_make, decay_steps, limit)
        builtin, _ = staircase_misses(keras_make, decay_steps, limit)
        lines.append(
            f"| staircase, decay_steps={decay_steps}, steps next to boundaries ≤ {limit:.3g}: "
            f"wrong values of {total} | {ours} | {builtin} |"
        )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
