"""Stop after 6 steps (an epoch is 4), save, reload in a fresh process and
go on: the schedule takes up again at step 6."""

import numpy as np
import training_job
from conftest import exact_rate, run_probe


def probe(*args):
    return run_probe("distributed_probe.py", *args, env={"KERAS_BACKEND": "tensorflow"})


def test_resume_continues_at_the_saved_step(tmp_path):
    path = str(tmp_path / "resume.keras")
    first = probe("resume_first", path)
    assert first["iterations"] == 6
    second = probe("resume_second", path)
    assert second["restored_iterations"] == 6
    assert [step for step, _ in second["rates"]] == [6, 7, 8, 9]
    for step, rate in second["rates"]:
        assert rate == float(np.float32(float(exact_rate(0.5, 3, 0.5, step))))
    # The same weights as ten steps without a break, run here: this
    # process's Keras is Keras 3 on TensorFlow too.
    import keras

    assert keras.backend.backend() == "tensorflow"
    whole = training_job.unbroken_resume_run(keras)
    assert whole["rates"] == first["rates"] + second["rates"]
    for ours, theirs in zip(second["weights"], whole["weights"]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)
