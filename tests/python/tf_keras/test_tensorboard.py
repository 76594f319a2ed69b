"""tf_keras's TensorBoard callback logs the schedule's rate at each epoch's
end: the schedule at the optimizer's step then, `iterations`, exact against
the formula."""

import numpy as np
import pytest
import tf_keras
from conftest import tensorboard_scalars
from inverse_time_decay import InverseTimeDecay
from oracles import exact_rate, rounded

pytest.importorskip("tensorboard", reason="TensorBoard's summaries need the tensorboard package")


def test_tf_keras_tensorboard_logs_the_schedules_exact_rate_each_epoch(tmp_path):
    tf_keras.utils.set_random_seed(0)
    model = tf_keras.Sequential([tf_keras.Input(shape=(4,)), tf_keras.layers.Dense(1)])
    model.compile(optimizer=tf_keras.optimizers.SGD(InverseTimeDecay(0.1, 3, 0.5)), loss="mse")
    x, y = np.ones((40, 4), "float32"), np.zeros((40, 1), "float32")
    board = tf_keras.callbacks.TensorBoard(log_dir=str(tmp_path))
    model.fit(x, y, batch_size=8, epochs=3, verbose=0, callbacks=[board])
    logged = tensorboard_scalars(tmp_path / "train", "epoch_learning_rate")
    assert [epoch for epoch, _ in logged] == [0, 1, 2]
    for epoch, rate in logged:
        assert rate == rounded(exact_rate(0.1, 3, 0.5, 5 * (epoch + 1)), "float32")
