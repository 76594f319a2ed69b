"""The output dtype rule, and mixed precision."""

import keras
import ml_dtypes
import numpy as np
import pytest
import tensorflow as tf
from inverse_time_decay import InverseTimeDecay
from inverse_time_decay._backend import release
from oracles import exact_rate, rounded, ulps

# The documented rule: the dtype of a floating initial_learning_rate, else
# keras.config.floatx().
RULE = [
    (np.float16(0.1), np.float16),
    (tf.constant(0.1, tf.bfloat16), ml_dtypes.bfloat16),
    (np.float32(0.1), np.float32),
    (np.float64(0.1), np.float64),
    (0.1, np.float32),
    (1, np.float32),
    (np.int32(1), np.float32),
]


RULE_IDS = [str(getattr(v, "dtype", type(v).__name__)) for v, _ in RULE]


@pytest.mark.parametrize("initial,numpy_type", RULE, ids=RULE_IDS)
@pytest.mark.parametrize(
    "step", [7, np.arange(5), tf.constant(7, tf.int64)], ids=["int", "array", "tensor"]
)
def test_eager_output_dtype_follows_the_rule(initial, numpy_type, step):
    value = InverseTimeDecay(initial, 3, 0.5)(step)
    assert value.dtype == tf.as_dtype(np.dtype(numpy_type))


# Compiled once per dtype: the compiled call's dtype does not depend on how
# the eager step was given.
@pytest.mark.parametrize("initial,numpy_type", RULE, ids=RULE_IDS)
def test_compiled_output_has_the_dtype_and_the_exact_value(initial, numpy_type):
    schedule = InverseTimeDecay(initial, 3, 0.5)
    compiled = tf.function(schedule, jit_compile=numpy_type not in (np.float16,))(
        tf.constant(7, tf.int64)
    )
    assert compiled.dtype == tf.as_dtype(np.dtype(numpy_type))
    # Narrower than float64: the exact value rounded once to that dtype;
    # float64 itself: within the formula's few float64 roundings.
    initial_value = float(tf.cast(initial, tf.float64))
    exact = exact_rate(initial_value, 3, 0.5, 7)
    if numpy_type is np.float64:
        assert ulps(float(compiled), exact, np.float64) <= 2
    else:
        assert float(tf.cast(compiled, tf.float64)) == float(
            np.asarray(float(exact)).astype(numpy_type)
        )


def test_python_numbers_follow_floatx():
    previous = keras.config.floatx()
    keras.config.set_floatx("float64")
    try:
        schedule = InverseTimeDecay(0.1, 3, 0.5)
        assert schedule.dtype == "float64"
        assert schedule(7).dtype == tf.float64
        assert ulps(float(schedule(7)), exact_rate(0.1, 3, 0.5, 7), np.float64) <= 2
    finally:
        keras.config.set_floatx(previous)


def test_mixed_float16_policy_trains():
    # keras.mixed_precision's names: keras.config has them only from Keras 3.2.
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        keras.utils.set_random_seed(3)
        rng = np.random.default_rng(3)
        x = rng.normal(size=(128, 4)).astype("float32")
        y = (x[:, 0] > 0).astype("int32")
        model = keras.Sequential(
            [
                keras.Input(shape=(4,)),
                keras.layers.Dense(8, activation="relu"),
                keras.layers.Dense(2, activation="softmax", dtype="float32"),
            ]
        )
        schedule = InverseTimeDecay(0.5, 4, 0.1)
        model.compile(
            optimizer=keras.optimizers.SGD(learning_rate=schedule),
            loss="sparse_categorical_crossentropy",
        )
        assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
        history = model.fit(x, y, batch_size=32, epochs=5, verbose=0)
        losses = history.history["loss"]
        assert all(np.isfinite(losses))
        assert losses[-1] < losses[0]
        assert model.layers[0].compute_dtype == "float16"
        # The inner optimizer counts the steps (LossScaleOptimizer's own
        # `iterations` stays 0 before Keras 3.?).
        step = int(model.optimizer.inner_optimizer.iterations.numpy())
        assert step == 20
        assert float(model.optimizer.learning_rate) == float(
            rounded(exact_rate(0.5, 4, 0.1, step), "float32")
        )
    finally:
        keras.mixed_precision.set_global_policy(previous)


@pytest.mark.parametrize("how", ["argument", "dtype"])
@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_the_output_dtype_survives_config_and_a_keras_file(tmp_path, dtype, how):
    if how == "argument":
        initial = tf.constant(0.1, dtype=dtype)
        schedule = InverseTimeDecay(initial, 3, 0.5)
    else:
        schedule = InverseTimeDecay(0.1, 3, 0.5, dtype=dtype)
    assert schedule.get_config()["dtype"] == dtype
    assert InverseTimeDecay.from_config(schedule.get_config()).dtype == dtype
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule), loss="mse")
    path = str(tmp_path / "model.keras")
    model.save(path)
    restored = keras.saving.load_model(path).optimizer._learning_rate
    assert restored.dtype == dtype
    assert restored(7).dtype == tf.as_dtype(dtype)


def test_a_python_number_schedule_keeps_following_floatx_after_config():
    config = InverseTimeDecay(0.1, 3, 0.5).get_config()
    assert config["dtype"] is None
    previous = keras.config.floatx()
    keras.config.set_floatx("float64")
    try:
        assert InverseTimeDecay.from_config(config)(7).dtype == tf.float64
    finally:
        keras.config.set_floatx(previous)


@pytest.mark.parametrize(
    "route",
    ["numpy", "eager", "tf.function", "jit"],
)
def test_half_precision_rates_are_rounded_once_not_through_float32(route):
    # The float32 value of this rate lies exactly halfway between two
    # bfloat16 numbers, and the exact rate just below that midpoint: a
    # conversion through float32 rounds up, one ulp from the nearest.
    schedule = InverseTimeDecay(2.0, 15584, 1.0, staircase=True, dtype="bfloat16")
    step = 2**40
    call = {
        "numpy": lambda: schedule.numpy_values(np.array([step])),
        "eager": lambda: schedule(np.int64(step)),
        "tf.function": lambda: tf.function(schedule)(tf.constant(step, tf.int64)),
        "jit": lambda: tf.function(schedule, jit_compile=True)(tf.constant(step, tf.int64)),
    }[route]
    result = call()
    value = np.asarray(result.numpy() if hasattr(result, "numpy") else result)
    value = value.astype(np.float64).item()
    exact = exact_rate(2.0, 15584, 1.0, step, staircase=True)
    if route == "jit" and xla_merges_conversions():
        # The documented exception (README, "Supported versions"): XLA on
        # TensorFlow 2.16 and 2.17 rounds through float32 here, one ulp up.
        assert value == float(ml_dtypes.bfloat16(np.float32(float(exact))))
        assert value != rounded(exact, "bfloat16")
        return
    assert value == rounded(exact, "bfloat16")


def xla_merges_conversions():
    """Whether XLA turns convert(convert(x, bfloat16), float64) into x, as
    its CPU compiler in TensorFlow 2.16 and 2.17 does."""
    x = tf.constant(2.0 / 35276939, tf.float64)
    both = tf.function(lambda v: tf.cast(tf.cast(v, tf.bfloat16), tf.float64), jit_compile=True)
    return float(both(x)) == float(x)


def test_xla_merges_conversions_exactly_on_the_tensorflow_releases_documented():
    # When the floor TensorFlow no longer merges them, the exception above
    # and its line in the README go.
    assert xla_merges_conversions() == (release(tf.__version__) < (2, 18))
