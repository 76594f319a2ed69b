"""An exact, validated inverse-time-decay learning-rate schedule for Keras:
`InverseTimeDecay`, a Keras 3 `LearningRateSchedule`, or a tf_keras (Keras 2)
one where `TF_USE_LEGACY_KERAS` is "1" at the first import (see `_backend`);
and `LearningRateLog`, a callback that logs the rate each epoch.
"""

from inverse_time_decay.callbacks import LearningRateLog
from inverse_time_decay.schedule import InverseTimeDecay

__all__ = ["InverseTimeDecay", "LearningRateLog"]
__version__ = "0.1.0"
