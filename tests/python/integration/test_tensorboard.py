"""Keras 3's TensorBoard callback logs the schedule's rate at each epoch's
end: the rate at the optimizer's step then, `iterations` (Keras reads
`optimizer.learning_rate`), exact against the formula."""

import numpy as np
import pytest
from conftest import keras3_on_tensorflow, tensorboard_scalars
from inverse_time_decay import InverseTimeDecay
from oracles import exact_rate, rounded

pytest.importorskip("tensorboard", reason="TensorBoard's summaries need the tensorboard package")


def test_keras3_tensorboard_logs_the_schedules_exact_rate_each_epoch(tmp_path):
    keras = keras3_on_tensorflow()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(InverseTimeDecay(0.1, 3, 0.5)), loss="mse")
    x, y = np.ones((40, 4), "float32"), np.zeros((40, 1), "float32")
    board = keras.callbacks.TensorBoard(log_dir=str(tmp_path))
    model.fit(x, y, batch_size=8, epochs=3, verbose=0, callbacks=[board])
    logged = tensorboard_scalars(tmp_path / "train", "epoch_learning_rate")
    # Five steps an epoch: after epoch e the optimizer's step is 5 (e + 1).
    assert [epoch for epoch, _ in logged] == [0, 1, 2]
    for epoch, rate in logged:
        assert rate == rounded(exact_rate(0.1, 3, 0.5, 5 * (epoch + 1)), "float32")
