"""LearningRateLog puts the rate the optimizer applied into the logs, on
Keras 3 over TensorFlow here (tests/python/backends runs it on JAX, torch
and tf_keras): with this schedule, another schedule and a constant rate,
through mixed precision, into History and CSVLogger, and never stopping a
fit whose optimizer has no learning rate."""

import csv
import re
import warnings

import numpy as np
import pytest
from conftest import keras3_on_tensorflow
from inverse_time_decay import InverseTimeDecay, LearningRateLog
from oracles import exact_rate, rounded

STEPS_PER_EPOCH = 5


def one_weight_fit(keras, learning_rate, callbacks, epochs=3, optimizer=None):
    """y = w * x with x = 1 and a target far below: the MAE gradient is 1,
    so each step moves w by exactly that step's rate."""
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1, use_bias=False)])
    model.set_weights([np.zeros((1, 1), "float32")])
    model.compile(optimizer=optimizer or keras.optimizers.SGD(learning_rate), loss="mae")
    x = np.ones((STEPS_PER_EPOCH, 1), "float32")
    y = np.full((STEPS_PER_EPOCH, 1), -1e6, "float32")
    history = model.fit(
        x, y, batch_size=1, epochs=epochs, shuffle=False, verbose=0, callbacks=callbacks
    )
    return model, history


def test_each_epoch_logs_the_rate_applied_at_its_last_step_not_the_next():
    keras = keras3_on_tensorflow()
    _, history = one_weight_fit(keras, InverseTimeDecay(0.1, 3, 0.5), [LearningRateLog()])
    logged = history.history["learning_rate"]
    last_steps = [STEPS_PER_EPOCH * (epoch + 1) - 1 for epoch in range(3)]
    assert logged == [rounded(exact_rate(0.1, 3, 0.5, step), "float32") for step in last_steps]
    # Keras's own reading at the epoch's end is the next step's rate.
    assert all(
        rate != rounded(exact_rate(0.1, 3, 0.5, step + 1), "float32")
        for rate, step in zip(logged, last_steps)
    )


def test_per_batch_logs_are_the_rates_each_step_moved_the_weight_by():
    keras = keras3_on_tensorflow()
    weights, rates = [], []

    class Record(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            weights.append(float(self.model.get_weights()[0][0, 0]))
            rates.append(logs["learning_rate"])

    # LearningRateLog first: later callbacks see what it added.
    one_weight_fit(
        keras,
        InverseTimeDecay(0.2, 2, 1.0, staircase=True),
        [LearningRateLog(per_batch=True), Record()],
        epochs=2,
    )
    previous = np.float32(0)
    for step, (weight, rate) in enumerate(zip(weights, rates)):
        assert rate == rounded(exact_rate(0.2, 2, 1.0, step, staircase=True), "float32")
        assert float(np.float32(previous - np.float32(rate))) == weight
        previous = np.float32(weight)
    assert len(rates) == 2 * STEPS_PER_EPOCH


@pytest.mark.parametrize("kind", ["keras exponential decay", "constant"])
def test_other_schedules_and_a_constant_rate_are_logged(kind):
    keras = keras3_on_tensorflow()
    if kind == "constant":
        learning_rate, want = 0.05, [float(np.float32(0.05))] * 2
    else:
        learning_rate = keras.optimizers.schedules.ExponentialDecay(0.1, 4, 0.5)
        want = [float(learning_rate(STEPS_PER_EPOCH * (e + 1) - 1)) for e in range(2)]
    _, history = one_weight_fit(keras, learning_rate, [LearningRateLog()], epochs=2)
    assert history.history["learning_rate"] == want


def test_mixed_precision_reads_the_rate_through_the_loss_scale_optimizer():
    keras = keras3_on_tensorflow()
    keras.mixed_precision.set_dtype_policy("mixed_float16")
    try:
        optimizer = keras.optimizers.LossScaleOptimizer(
            keras.optimizers.SGD(InverseTimeDecay(0.1, 3, 0.5))
        )
        model, history = one_weight_fit(keras, None, [LearningRateLog()], optimizer=optimizer)
    finally:
        keras.mixed_precision.set_dtype_policy("float32")
    assert type(model.optimizer).__name__ == "LossScaleOptimizer"
    # The inner optimizer's step: before Keras 3.1 the wrapper's own counter stays 0.
    assert int(np.asarray(model.optimizer.inner_optimizer.iterations)) == 3 * STEPS_PER_EPOCH
    last_steps = [STEPS_PER_EPOCH * (epoch + 1) - 1 for epoch in range(3)]
    assert history.history["learning_rate"] == [
        rounded(exact_rate(0.1, 3, 0.5, step), "float32") for step in last_steps
    ]


def test_csv_logger_writes_the_logged_rate(tmp_path):
    keras = keras3_on_tensorflow()
    path = tmp_path / "log.csv"
    callbacks = [LearningRateLog(), keras.callbacks.CSVLogger(str(path))]
    one_weight_fit(keras, InverseTimeDecay(0.1, 3, 0.5), callbacks, epochs=2)
    with open(path) as handle:
        rows = list(csv.DictReader(handle))
    assert [float(row["learning_rate"]) for row in rows] == [
        rounded(exact_rate(0.1, 3, 0.5, step), "float32") for step in (4, 9)
    ]


def test_an_optimizer_without_a_learning_rate_gets_a_warning_and_trains_on():
    keras = keras3_on_tensorflow()

    class NoRate(keras.optimizers.SGD):
        def get_config(self):
            config = super().get_config()
            del config["learning_rate"]
            return config

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, history = one_weight_fit(keras, None, [LearningRateLog()], optimizer=NoRate(0.1))
    messages = [str(w.message) for w in caught if "LearningRateLog" in str(w.message)]
    assert len(messages) == 1 and "NoRate, has no learning rate" in messages[0]
    assert "learning_rate" not in history.history
    assert len(history.history["loss"]) == 3


def test_per_batch_must_be_a_boolean():
    message = "Argument `per_batch` must be a boolean. Received: per_batch='yes'"
    with pytest.raises(TypeError, match=re.escape(message)):
        LearningRateLog(per_batch="yes")
