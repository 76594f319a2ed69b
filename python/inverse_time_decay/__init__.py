"""An exact, validated inverse-time-decay learning-rate schedule for Keras:
`InverseTimeDecay`, a Keras 3 `LearningRateSchedule`, or a tf_keras (Keras 2)
one where `TF_USE_LEGACY_KERAS` is "1" at the first import (see `_backend`).
"""

from inverse_time_decay.schedule import InverseTimeDecay

__all__ = ["InverseTimeDecay"]
__version__ = "0.1.0"
