"""Stop after 6 steps (an epoch is 4), save, reload in a fresh process and
go on: the schedule takes up again at step 6."""

import numpy as np
import training_job
from conftest import keras3_on_tensorflow, run_probe
from oracles import exact_rate, rounded


def test_resume_continues_at_the_saved_step(tmp_path):
    # The first run, here, on Keras 3 as the resumed one's. Only the load
    # needs a fresh process, which must not find the class registered by the
    # one that saved.
    keras = keras3_on_tensorflow()
    path = str(tmp_path / "resume.keras")
    x, y, weights = training_job.data()
    model = training_job.build(keras, weights)
    first = training_job.six_steps(keras, model, x, y)
    model.save(path)
    assert int(np.asarray(model.optimizer.iterations)) == 6
    second = run_probe(
        "distributed_probe.py", "resume_second", path, env={"KERAS_BACKEND": "tensorflow"}
    )
    assert second["restored_iterations"] == 6
    assert [step for step, _ in first + second["rates"]] == list(range(10))
    for step, rate in first + second["rates"]:
        assert rate == rounded(exact_rate(0.5, 3, 0.5, step), "float32")
    # The same model trained on without the break: the same rates and weights.
    assert training_job.train(keras, model, x, y, epochs=1) == second["rates"]
    for resumed, unbroken in zip(second["weights"], model.get_weights()):
        np.testing.assert_allclose(resumed, unbroken, rtol=1e-6, atol=1e-7)
