"""`LearningRateLog`: the learning rate the optimizer applied, in the logs."""

import warnings
from typing import Any, Optional

import numpy as np

from inverse_time_decay import _backend, _validation

Callback: Any = _backend.keras.callbacks.Callback


class LearningRateLog(Callback):
    """Adds the optimizer's learning rate to the logs, as `learning_rate`.

    At the end of each epoch, and with `per_batch=True` of each batch, so
    that `History.history["learning_rate"]`, CSVLogger, the progress bar and
    keras3's `plot(history)` show it. The value is the rate the optimizer
    applied at the last step before the log: its schedule at `iterations - 1`,
    exact against the formula. (Keras's own `optimizer.learning_rate`, which
    TensorBoard logs as `epoch_learning_rate`, is the rate of the step after.)

    It works with any schedule that Keras can serialize (this package's,
    Keras's own, any registered one) and with a constant rate, through a
    LossScaleOptimizer too. Where the optimizer has no learning rate, it
    warns once and logs nothing; training goes on.

    Args:
        per_batch: `True` to log at the end of each batch too. Must be a
            boolean.
    """

    def __init__(self, per_batch: bool = False) -> None:
        super().__init__()
        self.per_batch = _validation.check_flag("per_batch", per_batch)
        self._schedule: Any = None  # the optimizer's, read at each epoch's start
        self._warned = False

    def on_epoch_begin(self, epoch: int, logs: Optional[dict] = None) -> None:
        self._schedule = None

    def on_epoch_end(self, epoch: int, logs: Optional[dict] = None) -> None:
        self._log(logs)

    def on_train_batch_end(self, batch: int, logs: Optional[dict] = None) -> None:
        if self.per_batch:
            self._log(logs)

    def _log(self, logs: Optional[dict]) -> None:
        if logs is None:
            return
        rate = self._applied_rate()
        if rate is not None:
            logs["learning_rate"] = rate

    def _applied_rate(self) -> Optional[float]:
        optimizer: Any = getattr(self.model, "optimizer", None)
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # LossScaleOptimizer
        if self._schedule is None:
            # The schedule as the optimizer serializes it: Keras has no public
            # accessor of the object, only of its value at the next step.
            try:
                self._schedule = optimizer.get_config()["learning_rate"]
            except Exception as error:  # no optimizer, no get_config, no learning rate
                self._warn(optimizer, error)
                return None
            if isinstance(self._schedule, dict):
                self._schedule = _backend.keras.optimizers.schedules.deserialize(self._schedule)
        if not callable(self._schedule):
            return float(np.asarray(optimizer.learning_rate))  # a constant, as it is now
        step = max(int(np.asarray(optimizer.iterations)) - 1, 0)
        return float(self._schedule(step))

    def _warn(self, optimizer: Any, error: Exception) -> None:
        if not self._warned:
            self._warned = True
            warnings.warn(
                f"LearningRateLog: the model's optimizer, {type(optimizer).__name__}, has no "
                f"learning rate to log ({type(error).__name__}: {error}); training goes on "
                "without `learning_rate` in the logs.",
                stacklevel=2,
            )
