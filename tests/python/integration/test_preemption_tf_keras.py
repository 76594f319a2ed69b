"""tf_keras under MultiWorkerMirroredStrategy, two workers, one killed with
SIGKILL in the middle of an epoch, the job started again from the chief's
BackupAndRestore checkpoint: the run takes up at the saved step, with the
exact rate at every step from there, and ends with the weights of a run
that was never killed (preemption_job.py runs the loop)."""

import json
import os

import pytest
from conftest import free_ports
from preemption_job import KILL_POINTS, STEPS_PER_EPOCH, check_runs, run_job


def tf_keras_checkpoint(backup, epochs_done):
    """The chief's checkpoint (tf.train's index and data, named by its
    `checkpoint` file, which TensorFlow replaces by rename) is that of the
    last finished epoch, and its optimizer's iterations agree."""
    import tensorflow as tf

    path = tf.train.latest_checkpoint(str(backup / "chief"))
    assert path is not None, sorted(os.listdir(backup))
    reader = tf.train.load_checkpoint(path)
    values = {name: reader.get_tensor(name) for name, _ in tf.train.list_variables(path)}
    epoch = [v for k, v in values.items() if k.startswith("ckpt_saved_epoch/")]
    iterations = [v for k, v in values.items() if k.startswith("model/optimizer/_iterations/")]
    # tf_keras saves the index of the epoch that finished last.
    assert [int(v) for v in epoch] == [epochs_done - 1], values.keys()
    assert [int(v) for v in iterations] == [STEPS_PER_EPOCH * epochs_done], values.keys()


def test_tf_keras_multi_worker_killed_and_resumed_staircase(tmp_path):
    pytest.importorskip("tf_keras")
    # One mode per framework (test_preemption_jax.py runs the continuous
    # one): the staircase, killed mid-period (step 11) and at the first step
    # of a period (21).
    staircase = True
    kill_at = KILL_POINTS[staircase]

    def envs():
        cluster = {"worker": [f"127.0.0.1:{port}" for port in free_ports(2)]}
        return [
            {
                "TF_USE_LEGACY_KERAS": "1",
                "TF_CONFIG": json.dumps(
                    {"cluster": cluster, "task": {"type": "worker", "index": i}}
                ),
            }
            for i in (0, 1)
        ]

    logs, reports = run_job(
        "tf_keras", envs, tmp_path / "backup", tmp_path, staircase, kill_at, tf_keras_checkpoint
    )
    check_runs(logs, reports, kill_at, staircase)
