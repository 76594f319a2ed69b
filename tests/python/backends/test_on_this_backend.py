"""The schedule on this process's Keras: Keras 3 on the backend that
KERAS_BACKEND names, or tf_keras (Keras 2) under TF_USE_LEGACY_KERAS=1.

`make test-python` runs this folder once per backend, as Keras's own CI runs
its suite once per backend: the backend is chosen once per process, at
Keras's first import. Eager and compiled values against exact fractions,
tracing once per shape, the right generation of Keras, a fit, and a save and
load in this process.
"""

import os

import numpy as np
import pytest
from inverse_time_decay import InverseTimeDecay
from oracles import exact_rate, rounded, ulps

LEGACY = os.environ.get("TF_USE_LEGACY_KERAS") == "1"
if LEGACY:
    import tensorflow as tf
    import tf_keras as keras

    BACKEND = "tf_keras"
else:
    import keras

    BACKEND = keras.backend.backend()

STEPS = [0, 1, 2, 5, 9, 10, 11, 1000, 2**24 + 3, 2**31 - 1]


def as_list(values):
    if hasattr(values, "detach"):
        values = values.detach().cpu()
    return np.asarray(values, dtype=np.float64).tolist()


def compile_counting(schedule):
    """The schedule compiled by this backend, and a function that says how
    many times it has been traced."""
    if BACKEND == "jax":
        import jax

        compiled = jax.jit(schedule)
        return compiled, compiled._cache_size
    if BACKEND == "torch":
        import torch
        from torch._dynamo.utils import counters

        torch._dynamo.reset()
        before = counters["stats"]["unique_graphs"]
        return torch.compile(
            schedule, fullgraph=True
        ), lambda: counters["stats"]["unique_graphs"] - before
    import tensorflow as tf

    traces = []

    def traced(step):
        traces.append(1)
        return schedule(step)

    return tf.function(traced, jit_compile=True), lambda: len(traces)


def tensor(values, dtype):
    if BACKEND == "tf_keras":
        return tf.constant(values, dtype=dtype)
    return keras.ops.convert_to_tensor(values, dtype=dtype)


@pytest.mark.parametrize("staircase", [False, True], ids=["continuous", "staircase"])
def test_eager_and_compiled_values_are_the_exact_rates_rounded_to_float32(staircase):
    schedule = InverseTimeDecay(0.1, 10, 0.5, staircase=staircase)
    exact = [exact_rate(0.1, 10, 0.5, s, staircase) for s in STEPS]
    eager = [float(np.asarray(as_list(schedule(s)))) for s in STEPS]
    for value, rate in zip(eager, exact):
        assert ulps(value, rate, np.float32) <= 0.5 + 1e-6, (BACKEND, value, float(rate))
    assert as_list(schedule(tensor(STEPS, "int32"))) == eager
    compiled, traces = compile_counting(schedule)
    assert as_list(compiled(tensor(STEPS, "int32"))) == eager
    # One trace for the vector, one for the scalar shape; ten steps add none.
    assert [as_list(compiled(tensor(s, "int32"))) for s in STEPS] == eager
    assert traces() == 2


def test_the_class_is_a_schedule_of_this_generation_of_keras():
    module = InverseTimeDecay.__mro__[1].__module__
    assert module.split(".")[0] == ("tf_keras" if LEGACY else "keras")
    assert isinstance(
        InverseTimeDecay(0.1, 10, 0.5), keras.optimizers.schedules.LearningRateSchedule
    )


def resident_mib():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_eager_calls_at_ever_new_steps_keep_no_memory():
    # An eager training loop calls the schedule at a new step every time.
    # TensorFlow keeps the tensor of every distinct Python float it converts
    # for the life of the process, about 700 bytes each: had the rates gone
    # in as Python floats, these 20,000 calls would keep about 13 MiB.
    schedule = InverseTimeDecay(0.1, 10, 0.5)
    for step in range(1000):  # the first calls' one-off allocations
        schedule(step)
    before = resident_mib()
    for step in range(10**6, 10**6 + 20_000):
        schedule(step)
    assert resident_mib() - before < 5


def test_scalar_tensors_of_this_backend_are_taken_as_arguments_and_set_the_dtype():
    dtype = "float32" if BACKEND == "jax" else "float64"  # JAX: no float64 without x64
    schedule = InverseTimeDecay(tensor(0.1, dtype), tensor(10, "int32"), 0.5)
    assert schedule.dtype == dtype
    assert schedule.decay_steps == 10


def test_a_fit_uses_the_schedule_and_a_saved_model_restores_it(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = rng.integers(0, 3, 64)
    schedule = InverseTimeDecay(0.1, 2, 0.5)
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="softmax")])
    optimizer = keras.optimizers.SGD(learning_rate=schedule)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert int(np.asarray(optimizer.iterations)) == 8
    assert optimizer._learning_rate is schedule
    rate = float(np.asarray(schedule(optimizer.iterations)))
    assert rate == rounded(exact_rate(0.1, 2, 0.5, 8), "float32")
    assert np.all(np.isfinite(history.history["loss"]))
    path = str(tmp_path / "model.keras")
    model.save(path)
    restored = keras.models.load_model(path)
    assert type(restored.optimizer._learning_rate) is InverseTimeDecay
    assert restored.optimizer._learning_rate.get_config() == {
        "initial_learning_rate": 0.1,
        "decay_steps": 2,
        "decay_rate": 0.5,
        "staircase": False,
        "name": "InverseTimeDecay",
        "dtype": None,
    }
    assert int(np.asarray(restored.optimizer.iterations)) == 8


def test_an_eager_fit_applies_each_steps_exact_rate():
    """`run_eagerly=True`: the optimizer asks for the rate at its
    `iterations` each step, eagerly. The weight falls by exactly
    the rate each step (mean absolute error below its target: gradient 1),
    so it ends at the float32 sum of the exact rates, which a rate from the
    wrong step (0.4 % off at step 260) moves by far more than rounding."""
    steps = 260
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1, use_bias=False)])
    model.set_weights([np.zeros((1, 1), "float32")])
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=InverseTimeDecay(0.1, 3, 0.5)),
        loss="mae",
        run_eagerly=True,
    )
    x, y = np.ones((steps, 1), "float32"), np.full((steps, 1), -1e6, "float32")
    model.fit(x, y, batch_size=1, epochs=1, shuffle=False, verbose=0)
    assert int(np.asarray(model.optimizer.iterations)) == steps
    want = np.float32(0)
    for step in range(steps):
        want = np.float32(want - rounded(exact_rate(0.1, 3, 0.5, step), "float32"))
    assert float(model.get_weights()[0][0, 0]) == float(want)


def float32_pairs():
    if BACKEND != "jax":
        return False
    import jax

    return not jax.config.read("jax_enable_x64")


@pytest.mark.skipif(not float32_pairs(), reason="only JAX without x64 computes in float32 pairs")
def test_float32_pairs_give_at_most_the_documented_neighbouring_period():
    # decay_steps 0.1 is a little above one tenth in float64: 3 / 0.1 is
    # 29.999999999999996, period 29. Float32 pairs hold 0.1 to ~48 bits and
    # may give period 30, as the docstring says; a step far from a boundary
    # gets its own period.
    import jax
    import jax.numpy as jnp

    schedule = InverseTimeDecay(1.0, 0.1, 1.0, staircase=True)
    eager = float(schedule(3.0))
    assert eager == rounded(exact_rate(1.0, 0.1, 1.0, 3.0, True), "float32")
    assert eager == float(np.float32(1 / 30))
    compiled = jax.jit(schedule)
    assert float(compiled(jnp.float32(3.0))) in (eager, float(np.float32(1 / 31)))
    step = float(np.float32(2.55))  # period 25
    want = rounded(exact_rate(1.0, 0.1, 1.0, step, True), "float32")
    assert float(compiled(jnp.float32(step))) == want


@pytest.mark.skipif(BACKEND != "torch", reason="torch.compile is torch's")
def test_torch_traces_keras_variables_from_keras_3_7_as_documented():
    # When the floor Keras traces them, compile_schedule's graph break and
    # the README's exception go.
    import step_property
    from inverse_time_decay._backend import release

    assert step_property.torch_traces_keras_variables() == (release(keras.__version__) >= (3, 7))


@pytest.mark.skipif(LEGACY, reason="tf_keras's variables are TensorFlow's")
def test_the_optimizers_own_variable_is_a_keras_variable_from_keras_3_7():
    # Before Keras 3.7 the optimizer's `iterations` is of the backend's
    # Variable class, which `keras.Variable` subclassed; _backend's
    # KERAS_VARIABLES takes that class too, until the floor reaches 3.7.
    from inverse_time_decay._backend import KERAS_VARIABLES, release

    iterations = keras.optimizers.SGD(0.1).iterations
    assert isinstance(iterations, keras.Variable) == (release(keras.__version__) >= (3, 7))
    assert isinstance(iterations, KERAS_VARIABLES)


def test_learning_rate_log_gives_each_epochs_last_applied_rate_on_this_backend():
    from inverse_time_decay import LearningRateLog

    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1, use_bias=False)])
    model.compile(optimizer=keras.optimizers.SGD(InverseTimeDecay(0.1, 3, 0.5)), loss="mae")
    x, y = np.ones((4, 1), "float32"), np.full((4, 1), -1e6, "float32")
    history = model.fit(x, y, batch_size=1, epochs=2, verbose=0, callbacks=[LearningRateLog()])
    rates = history.history["learning_rate"]
    assert rates == [rounded(exact_rate(0.1, 3, 0.5, step), "float32") for step in (3, 7)]
