"""The float32-pair path compiled on this backend, at 10^5 steps a case.

A tensor step on a device without float64 (a TPU, Apple's MPS, JAX without
x64) is computed in float32 pairs. This machine has none of those devices,
so the device rule (`_steps.float64_on`) is forced here, and the path is
compiled as it would be there: `tf.function(jit_compile=True)`,
`torch.compile(fullgraph=True)`, `jax.jit`. Every rate must be within the
documented bound (`_float_float.FloatPairs`): the exact rate rounded once
to float32, but within ~2**-44 of a float32 rounding boundary; a 16-bit
rate is that float32 rate rounded again; a float64 rate is the float32 one.

The oracle: the formula in plain numpy float64 here (the exact value to
within ~2**-50), checked against exact fractions wherever it lies near a
boundary of the dtype, and on a sample of every case.
"""

import os

import ml_dtypes
import numpy as np
import pytest
from inverse_time_decay import InverseTimeDecay, _backend, _steps
from oracles import pair_values

LEGACY = os.environ.get("TF_USE_LEGACY_KERAS") == "1"
COUNT = 10**5
# JAX without x64 has no 64-bit integers: its large steps are uint32.
NARROW = _backend.BACKEND == "jax" and not __import__("jax").config.read("jax_enable_x64")
INDEX = np.arange(COUNT, dtype=np.uint32 if NARROW else np.int64)
# (initial_learning_rate, decay_steps, decay_rate), and the steps: small
# ones from 0, and large ones past 2**40 (below 2**48, where a pair holds an
# integer exactly), or up to 2**32 - 1 in uint32.
CASES = {
    "small": ((0.1, 7, 0.5), INDEX),
    "large": (
        (0.03, 3.3, 2.0),
        (2**32 - 1) - 42_000 * INDEX if NARROW else 2**40 + 1_234_567 * INDEX,
    ),
    "large, whole decay_steps": (
        (0.5, 1000, 0.7),
        (2**32 - 1) - 999 * INDEX if NARROW else 2**47 - 999 * INDEX,
    ),
}
OUTPUTS = ("float32", "float16", "bfloat16") + (() if NARROW else ("float64",))
MANTISSA = {"float32": 23, "float16": 10, "bfloat16": 7}


def compiled_rates(schedules, steps, inductor):
    """Every schedule at `steps`, in one function compiled by this backend."""
    if LEGACY or _backend.BACKEND == "tensorflow":
        import tensorflow as tf

        run = tf.function(lambda s: [f(s) for f in schedules], jit_compile=True)
        return [np.asarray(r.numpy(), np.float64) for r in run(tf.constant(steps))]
    if _backend.BACKEND == "jax":
        import jax
        import jax.numpy as jnp

        run = jax.jit(lambda s: [f(s) for f in schedules])
        return [np.asarray(r.astype(jnp.float32), np.float64) for r in run(jnp.asarray(steps))]
    import torch

    # Inductor compiles the pairs path with gcc in about 30 s a schedule
    # (with fp-contract off, its default), so it compiles one schedule of one
    # case; the others are traced by the same torch.compile(fullgraph=True)
    # and run as traced, by AOT autograd's backend.
    rates = []
    for schedule in schedules:
        torch._dynamo.reset()
        backend = "inductor" if inductor and schedule is schedules[0] else "aot_eager"
        run = torch.compile(schedule, fullgraph=True, dynamic=False, backend=backend)
        rates.append(run(torch.tensor(steps)).float().numpy().astype(np.float64))
    return rates


def near_boundary(approximate, dtype):
    """Where a float64 value lies within 2**-40 (relative) of a point halfway
    between two neighbours of `dtype`: there rounding it may differ from
    rounding the exact value."""
    exponent = np.floor(np.log2(approximate))
    ulp = np.exp2(exponent - MANTISSA[dtype])
    offset = np.mod(approximate, ulp) / ulp  # position within its ulp, in [0, 1)
    return np.abs(offset - 0.5) < np.exp2(-40 + MANTISSA[dtype] + 1)


@pytest.mark.skipif(
    LEGACY, reason="tf_keras computes with the TensorFlow operations that Keras 3's lane compiles"
)
@pytest.mark.parametrize("size", list(CASES))
@pytest.mark.parametrize("staircase", [False, True], ids=["continuous", "staircase"])
def test_compiled_float32_pairs_stay_within_the_documented_bound(monkeypatch, size, staircase):
    monkeypatch.setattr(_steps, "float64_on", lambda step: False)
    (lr, decay_steps, decay_rate), steps = CASES[size]
    schedules = [
        InverseTimeDecay(lr, decay_steps, decay_rate, staircase=staircase, dtype=output)
        for output in OUTPUTS
    ]
    inductor = size == "small" and staircase
    results = dict(zip(OUTPUTS, compiled_rates(schedules, steps, inductor)))
    # The formula in plain numpy: the period exactly in integers where the
    # staircase's decay_steps is whole, else the float64 quotient.
    quotient = steps / decay_steps
    if staircase and float(decay_steps).is_integer():
        p = (steps // int(decay_steps)).astype(np.float64)
    else:
        p = np.floor(quotient) if staircase else quotient
    approximate = lr / (1 + decay_rate * p)
    # Quotients near a whole number: the floor of the float64 quotient may
    # not be the exact one, and pairs may take the neighbouring period.
    near_whole = staircase & (np.abs(quotient - np.rint(quotient)) <= quotient * 2.0**-43)
    sample = set(np.random.default_rng(0).choice(COUNT, 500, replace=False).tolist())
    checked = 0
    for output, values in results.items():
        target = "float32" if output == "float64" else output
        guess = approximate.astype(ml_dtypes.bfloat16 if target == "bfloat16" else target)
        guess = guess.astype(np.float64)
        suspects = near_boundary(approximate, "float32") | near_boundary(approximate, target)
        suspects |= near_whole | (values != guess)
        for i in sorted(set(np.flatnonzero(suspects).tolist()) | sample):
            step = int(steps[i])
            want = pair_values(*CASES[size][0], step, staircase, target)
            assert float(values[i]) in want, (output, step, values[i], want)
            checked += 1
        assert np.all(values[~suspects] == guess[~suspects]), output
    assert checked >= len(OUTPUTS) * len(sample)
