"""The API's whole domain, one named example per route a user takes that
the property (step_property.py) draws from only by chance: dtype spellings,
variables, iterables, foreign tensors, and integer staircases past int64.
Each of these failed before the formula was written once (issue 21).
Expected values are exact fractions (conftest.exact_rate) rounded once.
"""

import copy
import importlib
import pickle
import re
import types

import keras
import ml_dtypes
import numpy as np
import pytest
import tensorflow as tf
from inverse_time_decay import InverseTimeDecay
from oracles import exact_rate, rounded, ulps


def foreign(path):
    """`module:attribute` of jax or torch, imported when the test runs (the
    mutation runs import this file once per mutant)."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def as_float(x):
    return float(np.asarray(x.numpy() if hasattr(x, "numpy") else x, dtype=np.float64))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_a_half_precision_staircase_takes_single_steps(dtype):
    lr = float(np.asarray(0.1, dtype=ml_dtypes.bfloat16 if dtype == "bfloat16" else np.float16))
    schedule = InverseTimeDecay(0.1, 10, 0.5, staircase=True, dtype=dtype)
    want = rounded(exact_rate(0.1, 10, 0.5, 15, True), dtype)
    assert as_float(schedule(15)) == want
    assert float(schedule.numpy_values(15)) == want
    assert schedule.numpy_values([15, 5]).dtype == np.dtype(dtype)
    assert schedule.numpy_values(15).dtype == np.dtype(dtype)
    inherited = InverseTimeDecay(np.asarray(lr, dtype), 10, 0.5, staircase=True)
    assert inherited.dtype == dtype
    assert as_float(inherited(15)) == rounded(exact_rate(lr, 10, 0.5, 15, True), dtype)


def test_numpy_values_takes_ranges_and_generators_and_names_steps():
    schedule = InverseTimeDecay(0.1, 3, 0.5)
    want = [rounded(exact_rate(0.1, 3, 0.5, s), "float32") for s in range(5)]
    np.testing.assert_array_equal(schedule.numpy_values(range(5)), want)
    np.testing.assert_array_equal(schedule.numpy_values(s for s in range(5)), want)
    np.testing.assert_array_equal(schedule.numpy_values(iter([0, 1, 2, 3, 4])), want)
    with pytest.raises(
        ValueError, match=re.escape("Argument `steps` must be >= 0. Received: steps=-1")
    ):
        schedule.numpy_values(s - 1 for s in range(3))
    with pytest.raises(TypeError, match=re.escape("Argument `steps` must be an integer")):
        schedule.numpy_values(iter(["a"]))


@pytest.mark.parametrize("make", [keras.Variable, tf.Variable], ids=["keras", "tf"])
def test_a_variable_rate_is_followed_at_every_call(make):
    variable = make(0.5)
    schedule = InverseTimeDecay(variable, 2, 1.0)
    builtin = keras.optimizers.schedules.InverseTimeDecay(variable, 2, 1.0)
    traced = tf.function(lambda step: schedule(step))
    assert as_float(schedule(2)) == 0.25 == as_float(traced(tf.constant(2)))
    variable.assign(0.25)
    # Keras's own class follows the variable; so does this one, eager and traced.
    assert as_float(builtin(2)) == 0.125
    assert as_float(schedule(2)) == 0.125
    assert schedule(np.array([2, 6])).numpy().tolist() == [0.125, 0.0625]
    assert as_float(traced(tf.constant(2))) == 0.125
    assert schedule.get_config()["initial_learning_rate"] == 0.25
    assert InverseTimeDecay.from_config(schedule.get_config()).initial_learning_rate == 0.25
    variable.assign(-1.0)
    with pytest.raises(ValueError, match=re.escape("`initial_learning_rate` must be >= 0")):
        schedule(2)
    variable.assign(0.5)
    half = InverseTimeDecay(variable, 2, 1.0, dtype="float16")
    variable.assign(1e5)
    with pytest.raises(ValueError) as info:
        half(2)
    assert str(info.value).startswith(
        "Argument `initial_learning_rate` must be at most 65504.0, the largest float16. "
        "Received: initial_learning_rate=<"
    )


def test_a_variable_rate_is_checked_when_built():
    with pytest.raises(ValueError, match=re.escape("`initial_learning_rate` must be >= 0")):
        InverseTimeDecay(keras.Variable(-0.5), 2, 1.0)
    with pytest.raises(ValueError, match="must be a single number"):
        InverseTimeDecay(keras.Variable([0.5, 0.1]), 2, 1.0)


@pytest.mark.parametrize(
    "dtype",
    [
        "float64",
        np.float64,
        np.dtype("float64"),
        "jax.numpy:float64",
        tf.float64,
        "torch:float64",
        keras.mixed_precision.DTypePolicy("float64").compute_dtype,
    ],
    ids=["str", "numpy type", "numpy dtype", "jax", "tf", "torch", "policy"],
)
def test_a_dtype_is_taken_in_every_spelling_keras_takes(dtype):
    if isinstance(dtype, str) and ":" in dtype:
        dtype = foreign(dtype)
    schedule = InverseTimeDecay(0.1, 3, 0.5, dtype=dtype)
    assert schedule.dtype == "float64"
    assert schedule(1).dtype == tf.float64
    assert schedule.get_config()["dtype"] == "float64"


@pytest.mark.parametrize(
    "dtype",
    [float, "float", np.int32, "torch:int64", 3, object(), types.SimpleNamespace(name=5)],
    ids=["float", "'float'", "np.int32", "torch.int64", "3", "object()", "name=5"],
)
def test_a_dtype_that_is_not_a_float_dtype_is_refused_naming_it(dtype):
    if dtype == "torch:int64":
        dtype = foreign(dtype)
    # A dtype of another kind is a ValueError; what names no dtype, a TypeError.
    error = ValueError if dtype in ("float", np.int32) or "torch" in repr(dtype) else TypeError
    with pytest.raises(error, match=re.escape("Argument `dtype` must be one of")):
        InverseTimeDecay(0.1, 3, 0.5, dtype=dtype)


def test_a_torch_bfloat16_step_gives_its_rate():
    schedule = InverseTimeDecay(0.1, 3, 0.5)
    torch = importlib.import_module("torch")
    step = torch.tensor([1.0, 7.0, 300.0], dtype=torch.bfloat16)
    want = [rounded(exact_rate(0.1, 3, 0.5, s), "float32") for s in (1, 7, 300)]
    np.testing.assert_array_equal(schedule(step).numpy(), want)


def test_a_torch_step_on_the_meta_device_is_refused_naming_step():
    torch = importlib.import_module("torch")
    step = torch.empty(3, device="meta")
    with pytest.raises(TypeError, match=re.escape("Argument `step` must be") + ".*meta device"):
        InverseTimeDecay(0.1, 3, 0.5)(step)


def test_a_symbolic_keras_input_is_refused_naming_step():
    with pytest.raises(TypeError, match=re.escape("Received: step=<KerasTensor")):
        InverseTimeDecay(0.1, 3, 0.5)(keras.Input((2,)))


def test_a_sparse_tensor_is_refused_and_a_ragged_one_gives_ragged_rates():
    schedule = InverseTimeDecay(0.1, 3, 0.5)
    with pytest.raises(TypeError, match=re.escape("Received: step=<SparseTensor")):
        schedule(tf.sparse.SparseTensor([[0]], [1], [3]))
    ragged = tf.ragged.constant([[1, 2], [7]])
    rates = schedule(ragged)
    assert isinstance(rates, tf.RaggedTensor)
    assert rates.row_lengths().numpy().tolist() == [2, 1]
    want = [rounded(exact_rate(0.1, 3, 0.5, s), "float32") for s in (1, 2, 7)]
    np.testing.assert_array_equal(rates.flat_values.numpy(), want)
    traced = tf.function(lambda step: schedule(step))(ragged)
    np.testing.assert_array_equal(traced.flat_values.numpy(), want)


@pytest.mark.parametrize(
    "decay_steps",
    [np.uint64(2**63), 2**63, float(2**63), np.uint64(2**64 - 1), 2.0**64, 2**63 - 1],
    ids=repr,
)
def test_integer_steps_in_staircase_beyond_int64_divide_exactly(decay_steps):
    schedule = InverseTimeDecay(1.0, decay_steps, 1.0, staircase=True)
    # Steps on both sides of the period's end, where it fits a step's type.
    steps = [2**63 - 1, 2**64 - 2, 0, 2**64 - 1]
    want = [rounded(exact_rate(1.0, int(decay_steps), 1.0, s, True), "float32") for s in steps]
    assert want[0] == (0.5 if int(decay_steps) == 2**63 - 1 else 1.0)
    assert [as_float(schedule(s)) for s in steps] == want
    assert schedule.numpy_values(np.array(steps, dtype=np.uint64)).tolist() == want
    assert as_float(schedule(np.int64(2**63 - 1))) == want[0]
    traced = tf.function(lambda step: schedule(step), jit_compile=True)
    assert traced(tf.constant(steps, dtype=tf.uint64)).numpy().tolist() == want
    assert traced(tf.constant([2**63 - 1], dtype=tf.int64)).numpy().tolist() == want[:1]


@pytest.mark.parametrize(
    "given,kept",
    [(3.0, 3), (np.float32(10.0), 10), (2.5, 2.5), (2.0**63, 2.0**63), (2**64 - 1, 2**64 - 1)],
)
def test_a_whole_decay_steps_is_kept_as_an_int_unless_a_float_above_2_63(given, kept):
    schedule = InverseTimeDecay(0.1, given, 0.5)
    assert schedule.decay_steps == kept
    assert type(schedule.decay_steps) is type(kept)
    assert schedule.get_config()["decay_steps"] == kept


class ArrayLike:
    """Anything numpy can read through __array__ (a pandas Series, say)."""

    def __array__(self, dtype=None, copy=None):
        return np.array([0, 3, 6])


@pytest.mark.parametrize(
    "step,message",
    [
        (np.int64(-3), "must be >= 0. Received: step=-3"),
        (np.float64(-np.inf), "must be finite. Received: step=-inf"),
        (np.float32(np.inf), "must be finite. Received: step=inf"),
        (np.float16(-0.5), "must be >= 0. Received: step=-0.5"),
    ],
    ids=repr,
)
def test_a_bad_single_numpy_step_is_named_with_its_value(step, message):
    with pytest.raises(ValueError) as info:
        InverseTimeDecay(0.1, 3, 0.5)(step)
    assert str(info.value) == "Argument `step` " + message


def test_objects_numpy_reads_are_steps_and_others_are_named():
    schedule = InverseTimeDecay(0.1, 3, 0.5)
    want = [rounded(exact_rate(0.1, 3, 0.5, s), "float32") for s in (0, 3, 6)]
    np.testing.assert_array_equal(schedule(ArrayLike()).numpy(), want)
    with pytest.raises(TypeError) as info:
        schedule(types.SimpleNamespace())
    assert str(info.value) == (
        "Argument `step` must be an integer or floating-point number, array or tensor. "
        "Received: step=<SimpleNamespace>"
    )
    with pytest.raises(TypeError) as info:
        schedule(np.array(None, dtype=object))
    assert str(info.value).endswith("Received: step=<ndarray of dtype object>")
    with pytest.raises(TypeError) as info:
        schedule(keras.Input((2,)))
    assert str(info.value) == (
        "Argument `step` must be an integer or floating-point number, array or tensor. "
        "Received: step=<KerasTensor shape=(None, 2)>: a symbolic Keras input has no "
        "value; the schedule takes the optimizer's step"
    )


def test_a_traced_bfloat16_step_gives_its_rate_and_a_traced_bool_is_named():
    schedule = InverseTimeDecay(0.1, 3, 0.5)
    traced = tf.function(lambda step: schedule(step))
    steps = tf.constant([0.0, 3.0, 7.0], dtype=tf.bfloat16)
    want = [rounded(exact_rate(0.1, 3, 0.5, s), "float32") for s in (0, 3, 7)]
    np.testing.assert_array_equal(traced(steps).numpy(), want)
    with pytest.raises(TypeError) as info:
        traced(tf.constant([True]))
    assert "Received: step=<SymbolicTensor of dtype bool>" in str(info.value)


def test_the_rate_is_kept_as_keras_keeps_it_a_variable_itself_a_number_as_a_float():
    variable = keras.Variable(0.5)
    assert InverseTimeDecay(variable, 2, 1.0).initial_learning_rate is variable
    number = InverseTimeDecay(np.float32(0.5), 2, 1.0).initial_learning_rate
    assert type(number) is float and number == 0.5


def test_a_schedule_holds_what_keras_class_holds_the_callers_own_numbers():
    # Made here, not literals: each call below gets these very objects.
    rate, steps, decay = float("0.1"), int("1000"), float("0.5")
    theirs = keras.optimizers.schedules.InverseTimeDecay(rate, steps, decay)
    ours = InverseTimeDecay(rate, steps, decay)
    for step in (keras.Variable(3, dtype="int64"), 4, np.arange(3)):
        ours(step)
    assert vars(ours).keys() == vars(theirs).keys()
    for name in ("initial_learning_rate", "decay_steps", "decay_rate"):
        assert getattr(ours, name) is getattr(theirs, name)
    fixed = InverseTimeDecay(rate, steps, decay, dtype="float64")
    assert vars(fixed).keys() == vars(theirs).keys() | {"_dtype"}
    fraction = float("2.5")  # a decay_steps that is no whole number stays itself
    assert InverseTimeDecay(rate, fraction, decay).decay_steps is fraction


@pytest.mark.parametrize("dtype", [None, "float16"])
def test_a_copy_or_an_unpickled_schedule_is_the_same_schedule(dtype):
    schedule = InverseTimeDecay(0.1, 3, 0.5, staircase=True, dtype=dtype)
    want = rounded(exact_rate(0.1, 3, 0.5, 7, True), dtype or "float32")
    for again in (
        copy.deepcopy(schedule),
        pickle.loads(pickle.dumps(schedule)),
        pickle.loads(pickle.dumps(schedule, protocol=0)),
    ):
        assert again.get_config() == schedule.get_config()
        assert again.dtype == (dtype or "float32")
        assert float(again(7)) == want


def test_a_jax_array_step_in_a_tensorflow_process_gives_its_rates():
    jnp = importlib.import_module("jax.numpy")
    schedule = InverseTimeDecay(0.1, 3, 0.5)
    want = [rounded(exact_rate(0.1, 3, 0.5, s), "float32") for s in (0, 3, 7)]
    np.testing.assert_array_equal(schedule(jnp.asarray([0, 3, 7])).numpy(), want)


def test_numpy_values_names_steps_for_a_single_bad_number_and_a_ragged_list_is_named():
    schedule = InverseTimeDecay(0.1, 3, 0.5)
    with pytest.raises(ValueError) as info:
        schedule.numpy_values(-1)
    assert str(info.value) == "Argument `steps` must be >= 0. Received: steps=-1"
    with pytest.raises(TypeError) as info:
        schedule([1, [2, 3]])
    assert str(info.value).endswith("Received: step=<list of dtype object>")


@pytest.mark.parametrize("make", [keras.Variable, tf.Variable], ids=["keras", "tf"])
def test_an_eager_variable_step_is_read_at_each_call_whatever_it_holds(make):
    """The optimizer's `iterations` is read by one op (`_steps.eager_variable`);
    what that read does not take (a vector, a complex or bool variable, or
    a variable inside `tf.function`) takes the general path, with the same
    values and messages."""
    schedule = InverseTimeDecay(0.1, 3, 0.5, staircase=True)
    iterations = make(np.int64(4), dtype="int64", trainable=False)
    assert as_float(schedule(iterations)) == rounded(exact_rate(0.1, 3, 0.5, 4, True), "float32")
    iterations.assign(np.int64(6))
    assert as_float(schedule(iterations)) == rounded(exact_rate(0.1, 3, 0.5, 6, True), "float32")
    compiled = tf.function(schedule)
    assert as_float(compiled(iterations)) == rounded(exact_rate(0.1, 3, 0.5, 6, True), "float32")
    iterations.assign(np.int64(9))
    assert as_float(compiled(iterations)) == rounded(exact_rate(0.1, 3, 0.5, 9, True), "float32")
    top = np.uint64(2**64 - 1)
    assert as_float(schedule(tf.Variable(top))) == float(
        rounded(exact_rate(0.1, 3, 0.5, 2**64 - 1, True), "float32")
    )
    vector = tf.Variable([3.5, 7.0])
    want = [rounded(exact_rate(0.1, 3, 0.5, s, True), "float32") for s in (3.5, 7)]
    np.testing.assert_array_equal(schedule(vector).numpy(), want)
    half = schedule(make(np.float16(7.0), dtype="float16", trainable=False))
    assert as_float(half) == rounded(exact_rate(0.1, 3, 0.5, 7, True), "float32")
    assert as_float(schedule(tf.Variable(7 + 0j))) == float(want[1])
    with pytest.raises(ValueError, match=re.escape("must be real")):
        schedule(tf.Variable(7 + 1j))
    with pytest.raises(TypeError, match=re.escape("Received: step=")):
        schedule(tf.Variable(True))
    for bad, message in [(-1, "must be >= 0. Received: step=-1"), (np.inf, "must be finite")]:
        with pytest.raises(ValueError, match=re.escape(message)):
            schedule(make(bad, trainable=False))


def rate_at(schedule, variable, step):
    """The schedule called with `variable` holding `step`, as an eager
    optimizer calls it with its `iterations`."""
    variable.assign(step)
    return schedule(variable)


@pytest.mark.parametrize("staircase", [False, True])
def test_a_rising_eager_variable_step_gets_each_steps_rate(staircase):
    """An optimizer's `iterations` rising by one, as an eager optimizer calls
    the schedule: every step's rate, after a jump, a fall and a change of
    the rate, output dtype or device scope, and up to 2**64 - 1."""
    schedule = InverseTimeDecay(0.1, 3, 0.5, staircase=staircase)
    iterations = keras.Variable(np.int64(40), dtype="int64", trainable=False)

    def want(step):
        return rounded(exact_rate(0.1, 3, 0.5, step, staircase), "float32")

    def check(steps, dtype=np.float32):
        for step in steps:
            rate = rate_at(schedule, iterations, step)
            assert rate.dtype == tf.as_dtype(dtype), step
            if dtype is np.float32:
                assert as_float(rate) == want(step), step
            else:  # float64: within 2 ulps (four roundings), as the int step
                assert ulps(as_float(rate), exact_rate(0.1, 3, 0.5, step, staircase), dtype) <= 2
                assert as_float(rate) == as_float(schedule(step)), step

    check(range(40, 40 + 600))
    check([5000, 7, 8, 9, 40, 41])  # a jump, a fall
    schedule.initial_learning_rate = 0.2  # read at each call, as Keras's class does
    assert as_float(rate_at(schedule, iterations, 42)) == float(
        np.float32(2 * exact_rate(0.1, 3, 0.5, 42, staircase))
    )
    schedule.initial_learning_rate = 0.1
    keras.config.set_floatx("float64")
    try:
        check(range(42, 46), np.float64)
    finally:
        keras.config.set_floatx("float32")
    with tf.device("/CPU:0"):
        rate = rate_at(schedule, iterations, 46)
        assert rate.device == tf.constant(1.0).device and as_float(rate) == want(46)
    top = tf.Variable(np.uint64(2**64 - 3))
    for step in range(2**64 - 3, 2**64):
        assert as_float(rate_at(schedule, top, step)) == want(step)


def test_a_rising_eager_variable_step_follows_a_variable_initial_learning_rate():
    """A change of a variable initial learning rate shows at the next step."""
    rate = keras.Variable(0.5)
    schedule = InverseTimeDecay(rate, 2, 1.0)
    iterations = keras.Variable(np.int64(0), dtype="int64", trainable=False)
    seen = []
    for step in range(6):
        if step == 3:
            rate.assign(0.25)
        seen.append(as_float(rate_at(schedule, iterations, step)))
    lrs = [0.5] * 3 + [0.25] * 3
    assert seen == [rounded(exact_rate(lr, 2, 1.0, s), "float32") for s, lr in enumerate(lrs)]
