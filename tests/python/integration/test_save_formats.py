"""Every save format of both Keras generations loads the schedule back, in a
fresh process, as this package's class with its config and the exact rate
at the restored step (save_formats_job.py does the saving, in this process
for Keras 3, and the loading)."""

import os

import numpy as np
import pytest
from conftest import REPO, keras3_on_tensorflow, run_probe
from oracles import exact_rate, rounded

CONFIG = {
    "initial_learning_rate": 0.5,
    "decay_steps": 3,
    "decay_rate": 0.5,
    "staircase": True,
    "name": "stairs",
    "dtype": None,
}
TRAINED_STEPS = 5
PROBE_STEPS = [0, 1, 2, 3, 5, 6, 11, 1000]


def float32_rate(step):
    return rounded(exact_rate(0.5, 3, 0.5, step, staircase=True), "float32")


@pytest.fixture(scope="module")
def keras3(tmp_path_factory):
    # Saved here, where Keras 3 on TensorFlow runs already; loaded in a fresh
    # process, which must not find the class registered by the one that saved.
    keras3_on_tensorflow()
    import save_formats_job

    assert not save_formats_job.LEGACY
    folder = str(tmp_path_factory.mktemp("formats"))
    saved = save_formats_job.save(folder)
    env = {"KERAS_BACKEND": "tensorflow"}
    return saved, run_probe("save_formats_job.py", "load", folder, env=env)


@pytest.fixture(scope="module")
def tf_keras(tmp_path_factory):
    pytest.importorskip("tf_keras")
    folder = str(tmp_path_factory.mktemp("formats"))
    env = {"TF_USE_LEGACY_KERAS": "1"}
    saved = run_probe("save_formats_job.py", "save", folder, env=env)
    return saved, run_probe("save_formats_job.py", "load", folder, env=env)


def assert_restored_as_ours(restored, iterations=TRAINED_STEPS):
    assert restored["class"] == "inverse_time_decay.schedule.InverseTimeDecay"
    assert restored["config"] == CONFIG
    assert restored["iterations"] == iterations
    assert restored["rate"] == float32_rate(iterations)


@pytest.mark.parametrize("fmt", ["keras", "h5"])
def test_keras3_formats_load_the_class_at_the_restored_step(keras3, fmt):
    assert_restored_as_ours(keras3[1][fmt])


@pytest.mark.parametrize("fmt", ["h5", "keras"])
def test_tf_keras_formats_load_the_class_at_the_restored_step(tf_keras, fmt):
    assert_restored_as_ours(tf_keras[1][fmt])


def test_tf_keras_saved_model_loads_the_class_and_restores_what_tf_keras_restores(tf_keras):
    # tf_keras's SavedModel loader rebuilds the optimizer from its config but
    # not its step: its own class comes back at step 0 too.
    loaded = tf_keras[1]
    assert loaded["builtin_saved_model"]["iterations"] == 0
    assert_restored_as_ours(loaded["saved_model"], iterations=0)


@pytest.mark.parametrize("fmt", ["h5", "saved_model"])
def test_tf_keras_own_schedule_still_loads_as_its_own_class(tf_keras, fmt):
    restored = tf_keras[1][f"builtin_{fmt}"]
    assert restored["class"].startswith("tf_keras.")
    assert restored["config"] == {
        "initial_learning_rate": 0.5,
        "decay_steps": 3,
        "decay_rate": 0.5,
        "staircase": True,
        "name": None,
    }
    assert restored["iterations"] == (TRAINED_STEPS if fmt == "h5" else 0)


def test_export_serves_the_model_and_an_exported_schedule_serves_its_rates(keras3):
    saved, loaded = keras3
    np.testing.assert_allclose(loaded["export_predictions"], saved["predictions"], rtol=1e-6)
    assert loaded["export_rates"] == [float32_rate(step) for step in PROBE_STEPS]


def test_loading_without_the_package_names_the_class_and_its_module(keras3):
    # Keras imports no module it does not know while loading, so nothing of
    # this package can run first: the fix is `import inverse_time_decay`,
    # after which the same file loads (the tests above).
    message = keras3[1]["unregistered"]
    if message.startswith("loaded"):  # a Keras that imports the module it names
        assert message == "loaded inverse_time_decay.schedule.InverseTimeDecay"
        return
    assert "Could not locate class 'InverseTimeDecay'" in message
    assert "'module': 'inverse_time_decay.schedule'" in message


def test_the_docs_say_to_import_the_package_before_loading():
    # README-python.md is where saving and loading are told, once.
    with open(os.path.join(REPO, "README-python.md")) as readme:
        text = " ".join(readme.read().split())
    assert "Could not locate class 'InverseTimeDecay'" in text
    assert "`import inverse_time_decay`" in text
