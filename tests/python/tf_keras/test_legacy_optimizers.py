"""tf-keras's own legacy-optimizer tests that use InverseTimeDecay, ported
with this package's class in its place (tf_keras/optimizers/legacy/
{gradient_descent,adagrad,adam,rmsprop,optimizer_v2}_test.py, tf-keras
2.21). Their numpy reference updates and tolerances are kept; the rate is
the formula's, `learning_rate / (1 + decay * t)`, as upstream writes it.

The legacy optimizers cast `iterations` to each variable's dtype before
calling the schedule: float16, float64 and complex steps reach it here."""

import numpy as np
import pytest
import tensorflow as tf
import tf_keras
from inverse_time_decay import InverseTimeDecay
from tf_keras.optimizers.legacy import SGD, Adagrad, Adam, RMSprop

FLOATS = [tf.half, tf.float32, tf.float64]
ALL_DTYPES = [*FLOATS, tf.complex64, tf.complex128]  # adagrad_test's _DATA_TYPES


def assert_close_for(dtype, expected, actual):
    """tf.test.TestCase.assertAllCloseAccordingToType's tolerances."""
    tolerance = 1e-3 if dtype == tf.half else 1e-6
    np.testing.assert_allclose(actual, expected, rtol=tolerance, atol=tolerance)


def evaluate(session, x):
    return session.run(x) if session is not None else tf.nest.map_structure(np.asarray, x)


@pytest.fixture(params=["eager", "graph"])
def mode(request):
    """tf-keras's test_combinations mode=["graph", "eager"]: a session, or None."""
    if request.param == "eager":
        yield None
        return
    with tf.Graph().as_default(), tf.compat.v1.Session() as session:
        yield session


def sgd_with_decay_steps_twice(session, sgd, dtype):
    """gradient_descent_test._test_basic_sgd_with_learning_rate_decay."""
    var0 = tf.Variable([1.0, 2.0], dtype=dtype)
    var1 = tf.Variable([3.0, 4.0], dtype=dtype)
    grads0 = tf.constant([0.1, 0.1], dtype=dtype)
    grads1 = tf.constant([0.01, 0.01], dtype=dtype)
    if session is not None:
        update = sgd.apply_gradients(zip([grads0, grads1], [var0, var1]))
        session.run(tf.compat.v1.global_variables_initializer())
    for _ in range(2):
        if session is not None:
            session.run(update)
        else:
            sgd.apply_gradients(zip([grads0, grads1], [var0, var1]))
    # Rates 3 / (1 + 0.5 * 0) = 3 and 3 / (1 + 0.5 * 1) = 2.
    assert_close_for(
        dtype, [1.0 - 3.0 * 0.1 - 2.0 * 0.1, 2.0 - 3.0 * 0.1 - 2.0 * 0.1], evaluate(session, var0)
    )
    assert_close_for(
        dtype,
        [3.0 - 3.0 * 0.01 - 2.0 * 0.01, 4.0 - 3.0 * 0.01 - 2.0 * 0.01],
        evaluate(session, var1),
    )


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: d.name)
def test_sgd_basic_with_learning_rate_inverse_time_decay(mode, dtype):
    sgd = SGD(learning_rate=InverseTimeDecay(3.0, decay_steps=1.0, decay_rate=0.5))
    sgd_with_decay_steps_twice(mode, sgd, dtype)


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: d.name)
def test_sgd_with_inverse_time_decay_serialized_and_deserialized(mode, dtype):
    sgd = SGD(learning_rate=InverseTimeDecay(3.0, decay_steps=1.0, decay_rate=0.5))
    sgd = SGD.from_config(sgd.get_config())
    assert isinstance(sgd._get_hyper("learning_rate"), InverseTimeDecay)
    sgd_with_decay_steps_twice(mode, sgd, dtype)


def adagrad_update_numpy(param, accum, g_t, lr=0.001, epsilon=1e-7):
    accum_t = accum + g_t * g_t
    param_t = param - lr * g_t / (np.sqrt(accum_t) + epsilon)
    return param_t, accum_t


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: d.name)
def test_adagrad_basic_with_learning_rate_inverse_time_decay(dtype):
    var0_np = np.array([1.0, 2.0], dtype=dtype.as_numpy_dtype)
    var1_np = np.array([3.0, 4.0], dtype=dtype.as_numpy_dtype)
    grads0_np = np.array([0.1, 0.1], dtype=dtype.as_numpy_dtype)
    grads1_np = np.array([0.01, 0.01], dtype=dtype.as_numpy_dtype)
    var0, var1 = tf.Variable(var0_np), tf.Variable(var1_np)
    grads0, grads1 = tf.constant(grads0_np), tf.constant(grads1_np)
    learning_rate, decay = 3.0, 0.5
    ada_opt = Adagrad(InverseTimeDecay(learning_rate, decay_steps=1.0, decay_rate=decay))
    accum0_np = np.array([0.1, 0.1], dtype=dtype.as_numpy_dtype)
    accum1_np = np.array([0.1, 0.1], dtype=dtype.as_numpy_dtype)
    for t in range(3):
        ada_opt.apply_gradients(zip([grads0, grads1], [var0, var1]))
        lr_np = learning_rate / (1 + decay * t)
        var0_np, accum0_np = adagrad_update_numpy(var0_np, accum0_np, grads0_np, lr_np)
        var1_np, accum1_np = adagrad_update_numpy(var1_np, accum1_np, grads1_np, lr_np)
        assert_close_for(dtype, var0_np, var0.numpy())
        assert_close_for(dtype, var1_np, var1.numpy())


def adam_update_numpy(param, g_t, t, m, v, lr=0.001, beta1=0.9, beta2=0.999, epsilon=1e-7):
    lr_t = lr * np.sqrt(1 - beta2 ** (t + 1)) / (1 - beta1 ** (t + 1))
    m_t = beta1 * m + (1 - beta1) * g_t
    v_t = beta2 * v + (1 - beta2) * g_t * g_t
    return param - lr_t * m_t / (np.sqrt(v_t) + epsilon), m_t, v_t


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: d.name)
def test_adam_basic_with_learning_rate_inverse_time_decay(dtype):
    # Upstream runs this one in graph mode only.
    with tf.Graph().as_default(), tf.compat.v1.Session() as session:
        m0, v0, m1, v1 = 0.0, 0.0, 0.0, 0.0
        var0_np = np.array([1.0, 2.0], dtype=dtype.as_numpy_dtype)
        grads0_np = np.array([0.1, 0.1], dtype=dtype.as_numpy_dtype)
        var1_np = np.array([3.0, 4.0], dtype=dtype.as_numpy_dtype)
        grads1_np = np.array([0.01, 0.01], dtype=dtype.as_numpy_dtype)
        var0, var1 = tf.Variable(var0_np), tf.Variable(var1_np)
        grads0, grads1 = tf.constant(grads0_np), tf.constant(grads1_np)
        learning_rate, decay = 0.001, 0.5
        schedule = InverseTimeDecay(learning_rate, decay_steps=1.0, decay_rate=decay)
        opt = Adam(learning_rate=schedule, beta_1=0.9, beta_2=0.999, epsilon=1e-7)
        update = opt.apply_gradients(zip([grads0, grads1], [var0, var1]))
        session.run(tf.compat.v1.global_variables_initializer())
        for t in range(3):
            session.run(update)
            lr_np = learning_rate / (1 + decay * t)
            var0_np, m0, v0 = adam_update_numpy(var0_np, grads0_np, t, m0, v0, lr=lr_np)
            var1_np, m1, v1 = adam_update_numpy(var1_np, grads1_np, t, m1, v1, lr=lr_np)
            assert_close_for(dtype, var0_np, session.run(var0))
            assert_close_for(dtype, var1_np, session.run(var1))


def rmsprop_update_numpy(var, g, rms, lr, rho, epsilon):
    """rmsprop_test._rmsprop_update_numpy, uncentered and without momentum."""
    rms_t = rms * rho + (1 - rho) * g * g
    return var - lr * g / (np.sqrt(rms_t) + epsilon), rms_t


def test_rmsprop_dense_with_learning_rate_inverse_time_decay():
    with tf.Graph().as_default(), tf.compat.v1.Session() as session:
        var0_np, grads0_np = np.array([1.0, 2.0]), np.array([0.1, 0.2])
        var1_np, grads1_np = np.array([3.0, 4.0]), np.array([0.01, 0.2])
        var0, var1 = tf.Variable(var0_np), tf.Variable(var1_np)
        grads0, grads1 = tf.constant(grads0_np), tf.constant(grads1_np)
        learning_rate, rho, epsilon, decay = 0.01, 0.9, 1e-7, 0.5
        schedule = InverseTimeDecay(learning_rate, decay_steps=1.0, decay_rate=decay)
        opt = RMSprop(learning_rate=schedule, rho=rho, momentum=0.0, epsilon=epsilon)
        update = opt.apply_gradients(zip([grads0, grads1], [var0, var1]))
        session.run(tf.compat.v1.global_variables_initializer())
        rms0_np, rms1_np = np.zeros(2), np.zeros(2)
        for t in range(2):
            session.run(update)
            lr = learning_rate / (1 + decay * t)
            var0_np, rms0_np = rmsprop_update_numpy(var0_np, grads0_np, rms0_np, lr, rho, epsilon)
            var1_np, rms1_np = rmsprop_update_numpy(var1_np, grads1_np, rms1_np, lr, rho, epsilon)
            np.testing.assert_allclose(session.run(var0), var0_np, rtol=1e-6, atol=1e-6)
            np.testing.assert_allclose(session.run(var1), var1_np, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: d.name)
def test_adaptive_learning_rate(mode, dtype):
    """optimizer_v2_test.testAdaptiveLearningRate: a rate, then another, then
    the schedule, set on one optimizer between steps."""
    var0 = tf.Variable([1.0, 2.0], dtype=dtype)
    var1 = tf.Variable([3.0, 4.0], dtype=dtype)

    def loss():
        return 5 * var0 + 3 * var1

    sgd = SGD(1.0)
    opt_op = sgd.minimize(loss, [var0, var1]) if mode is not None else None

    def step():
        if mode is None:
            sgd.minimize(loss, [var0, var1])
        else:
            mode.run(opt_op)

    if mode is not None:
        mode.run(tf.compat.v1.global_variables_initializer())
    step()
    np.testing.assert_allclose(evaluate(mode, var0), [-4.0, -3.0])
    np.testing.assert_allclose(evaluate(mode, var1), [0.0, 1.0])
    sgd.learning_rate = 0.5
    step()
    np.testing.assert_allclose(evaluate(mode, var0), [-6.5, -5.5])
    np.testing.assert_allclose(evaluate(mode, var1), [-1.5, -0.5])
    sgd.learning_rate = InverseTimeDecay(0.5, decay_steps=1.0, decay_rate=0.5)
    step()
    if mode is not None:
        return  # upstream stops here: the graph's update op was built before
    # In eager mode the next update uses the schedule, at iterations 2.
    assert_close_for(dtype, [-6.5 - 0.25 * 5, -5.5 - 0.25 * 5], evaluate(mode, var0))
    assert_close_for(dtype, [-1.5 - 0.25 * 3, -0.5 - 0.25 * 3], evaluate(mode, var1))


def test_config_with_learning_rate_decay():
    """optimizer_v2_test.testConfigWithLearningRateDecay."""
    schedule = InverseTimeDecay(0.5, decay_steps=1.0, decay_rate=0.1)
    opt = SGD(schedule)
    opt2 = SGD.from_config(opt.get_config())
    expected = np.float32(0.5 / (1 + 0.1 * 10))
    assert float(opt._get_hyper("learning_rate")(10)) == expected
    assert float(opt2._get_hyper("learning_rate")(10)) == expected
    assert (
        tf_keras.optimizers.schedules.serialize(opt2._get_hyper("learning_rate"))["registered_name"]
        == "inverse_time_decay>InverseTimeDecay"
    )


def test_learning_rate_decay_used_in_two_functions():
    """optimizer_v2_test.testLearningRateDecayUsedInTwoFunctions, with the
    updates checked."""
    a = tf.Variable([1.0, 2.0], name="var")
    b = tf.Variable([1.0], name="var")
    opt = Adam(learning_rate=InverseTimeDecay(0.5, decay_steps=1.0, decay_rate=0.5))

    @tf.function
    def fn_a():
        opt.minimize(lambda: 3 * a, [a])
        return a

    @tf.function
    def fn_b():
        opt.minimize(lambda: 2 * b, [b])
        return b

    fn_a()
    fn_b()
    # One update each, with the optimizer's shared step: 0, then 1.
    for t, (var, start, grad) in enumerate([(a, [1.0, 2.0], 3.0), (b, [1.0], 2.0)]):
        lr = 0.5 / (1 + 0.5 * t)
        expected, _, _ = adam_update_numpy(np.array(start), grad, t, 0.0, 0.0, lr=lr)
        np.testing.assert_allclose(var.numpy(), expected, rtol=1e-5)
