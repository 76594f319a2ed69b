"""The README's "At scale" section, checked: what the schedule costs and
communicates per step, what a restart must restore, and which step it sees
under steps_per_execution and gradient accumulation."""

import keras
import numpy as np
import pytest
from conftest import run_probe
from inverse_time_decay import InverseTimeDecay
from oracles import exact_rate, rounded

SCHEDULE = (0.5, 3, 0.5)  # initial_learning_rate, decay_steps, decay_rate
SAMPLES, FEATURES, BATCH, EPOCHS = 64, 3, 8, 2  # 8 batches an epoch, 16 in all


def float32_rate(step):
    return rounded(exact_rate(*SCHEDULE, step), "float32")


def data():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(SAMPLES, FEATURES)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3).astype("float32")
    w = (rng.normal(size=(FEATURES, 1)) * 0.1).astype("float32")
    return x, y, w


def fit(steps_per_execution=1, gradient_accumulation_steps=None):
    x, y, w = data()
    model = keras.Sequential([keras.Input(shape=(FEATURES,)), keras.layers.Dense(1)])
    model.set_weights([w, np.zeros(1, "float32")])
    optimizer = keras.optimizers.SGD(
        learning_rate=InverseTimeDecay(*SCHEDULE),
        gradient_accumulation_steps=gradient_accumulation_steps,
    )
    model.compile(optimizer=optimizer, loss="mse", steps_per_execution=steps_per_execution)
    model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
    return model


def by_hand(rates, accumulate=1):
    """SGD on the mean squared error in float64, from the formula alone:
    update u averages the gradients of `accumulate` batches, all taken at
    the same weights, and applies rates[u]."""
    x, y, w = data()
    x, y, w, b = x.astype(float), y.astype(float), w.astype(float), 0.0
    batches = [(x[i : i + BATCH], y[i : i + BATCH]) for i in range(0, SAMPLES, BATCH)] * EPOCHS
    for update, rate in enumerate(rates):
        gw, gb = np.zeros_like(w), 0.0
        for xb, yb in batches[update * accumulate : (update + 1) * accumulate]:
            error = xb @ w + b - yb
            gw += 2 * xb.T @ error / len(xb) / accumulate
            gb += 2 * error.sum() / len(xb) / accumulate
        w, b = w - float(rate) * gw, b - float(rate) * gb
    return w, b


def weights(model):
    w, b = model.get_weights()
    return w, float(b[0])


def test_a_restored_optimizer_needs_its_iterations_and_nothing_else():
    # The schedule keeps no state of its own: its config is its arguments,
    # and the rate follows the optimizer's `iterations` wherever it is set.
    schedule = InverseTimeDecay(*SCHEDULE)
    assert set(schedule.get_config()) == {
        "initial_learning_rate",
        "decay_steps",
        "decay_rate",
        "staircase",
        "name",
        "dtype",
    }
    optimizer = keras.optimizers.SGD(learning_rate=schedule)
    optimizer.build([keras.Variable(np.zeros(2, "float32"))])
    for step in (0, 13, 7, 100_000):
        optimizer.iterations.assign(step)
        assert np.float32(optimizer.learning_rate) == float32_rate(step), step


def test_steps_per_execution_leaves_one_schedule_step_per_batch():
    # 4 batches in one compiled call: still a step, and a rate, per batch.
    model = fit(steps_per_execution=4)
    assert int(model.optimizer.iterations) == 16
    w, b = by_hand([float32_rate(step) for step in range(16)])
    np.testing.assert_allclose(weights(model)[0], w, rtol=1e-5)
    np.testing.assert_allclose(weights(model)[1], b, rtol=1e-5)


def test_gradient_accumulation_counts_batches_not_updates():
    # Keras 3 evaluates the schedule at its batch counter: with 2 batches an
    # update, update u applies the rate of step 2u + 1, so decay_steps
    # counts batches.
    model = fit(gradient_accumulation_steps=2)
    assert int(model.optimizer.iterations) == 8  # updates
    assert int(model.optimizer._iterations) == 16  # batches
    w, b = by_hand([float32_rate(2 * u + 1) for u in range(8)], accumulate=2)
    np.testing.assert_allclose(weights(model)[0], w, rtol=1e-5)
    np.testing.assert_allclose(weights(model)[1], b, rtol=1e-5)
    # Had it counted updates, the weights would differ well beyond that.
    w_updates, _ = by_hand([float32_rate(u) for u in range(8)], accumulate=2)
    assert np.max(np.abs(w_updates - w)) > 1e-3


def test_the_schedule_adds_no_communication_across_devices():
    # Compiled for a step replicated over two devices, as DataParallel keeps
    # the optimizer's iterations, the schedule has no collective operation.
    pytest.importorskip("jax")
    run = run_probe(
        "distributed_probe.py",
        "schedule_hlo",
        env={"KERAS_BACKEND": "jax", "XLA_FLAGS": "--xla_force_host_platform_device_count=2"},
    )
    assert run["devices"] == 2
    assert run["sharding"] == "replicated"
    assert run["collectives"] == []
    assert run["sum_collectives"] != []  # the search finds one where there is one
    assert run["rate"] == rounded(exact_rate(*SCHEDULE, 7, staircase=True), "float32")
