"""Keras 3 on two JAX processes, one killed with SIGKILL in the middle of an
epoch, the job started again from each process's BackupAndRestore folder:
the run takes up at the saved step, with the exact rate at every step from
there, and ends with the weights of a run that was never killed
(preemption_job.py runs the loop)."""

import json

import numpy as np
import pytest
from conftest import free_ports
from preemption_job import KILL_POINTS, STEPS_PER_EPOCH, check_runs, run_job

TORN = []  # (test, process) where a latest.weights.h5 was found torn


def keras3_pair(folder, suffix=""):
    """(epoch, iterations) of a backup's metadata and weights, or None where
    the weights file cannot be read."""
    import h5py

    try:
        with h5py.File(folder / f"latest.weights.h5{suffix}", "r") as weights:
            iterations = [
                int(np.asarray(weights[name]))
                for name in _datasets(weights)
                if name.startswith("/optimizer/") and name.endswith("/0")  # iterations first
            ]
    except OSError:
        return None
    with open(folder / f"training_metadata.json{suffix}") as handle:
        return json.load(handle)["epoch"], iterations


def keras3_checkpoint(backup, epochs_done):
    """What each process restores is whole and of the last finished epoch:
    metadata that parses, weights that load, iterations that agree. That is
    the latest backup, or where a process was caught writing it (torn: the
    file does not open), the previous one, which double_checkpoint kept."""
    for process in (0, 1):
        folder = backup / f"process-{process}"
        pair = keras3_pair(folder)
        if pair is None:
            TORN.append((epochs_done, process))
            pair = keras3_pair(folder, ".bkp")
        assert pair == (epochs_done, [STEPS_PER_EPOCH * epochs_done]), (process, pair)


def _datasets(group, prefix=""):
    import h5py

    for key, item in group.items():
        name = f"{prefix}/{key}"
        if isinstance(item, h5py.Dataset):
            yield name
        else:
            yield from _datasets(item, name)


def test_keras3_jax_two_processes_killed_and_resumed_continuous(tmp_path):
    pytest.importorskip("jax")
    # One mode per framework, for time (a minute a run): the mode changes
    # the rates, not what preemption exercises, the step restored and the
    # rate from there. test_preemption_tf_keras.py runs the staircase.
    staircase = False
    kill_at = KILL_POINTS[staircase]
    assert all(step % STEPS_PER_EPOCH for step in kill_at)

    def envs():
        (port,) = free_ports(1)
        return [
            {
                "KERAS_BACKEND": "jax",
                "XLA_FLAGS": "--xla_force_host_platform_device_count=2",
                "JAX_COORDINATOR": f"127.0.0.1:{port}",
                "JAX_PROCESS_ID": str(process),
            }
            for process in (0, 1)
        ]

    logs, reports = run_job(
        "jax", envs, tmp_path / "backup", tmp_path, staircase, kill_at, keras3_checkpoint
    )
    check_runs(logs, reports, kill_at, staircase)
    assert reports[0]["weights"] == reports[1]["weights"]
    print("torn latest backups, restored from the previous (epochs done, process):", TORN)
