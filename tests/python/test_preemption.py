"""A worker killed with SIGKILL in the middle of an epoch, the job started
again from its BackupAndRestore folder: the run takes up at the saved step,
with the exact rate at every step from there, and ends with the weights of a
run that was never killed.

Each job is 6 epochs of 4 steps, with InverseTimeDecay(0.5, 3, 0.5) in both
staircase modes. One process is stopped at a chosen step (preemption_probe.py
waits there), killed, the rest of the job is killed too, the checkpoint on
disk is checked whole, and the job starts again, until it finishes.
"""

import json
import os
import signal
import time

import numpy as np
import pytest
from conftest import exact_rate, free_ports, run_probe, start_probes

STEPS_PER_EPOCH, EPOCHS = 4, 6


def float32_rate(step, staircase):
    return float(np.float32(float(exact_rate(0.5, 3, 0.5, step, staircase))))


@pytest.fixture(scope="module")
def uninterrupted():
    """The reference: one Keras 3 process, never killed, per staircase mode."""
    return {
        staircase: run_probe(
            "preemption_probe.py",
            "single",
            env={"KERAS_BACKEND": "tensorflow", "STAIRCASE": str(int(staircase))},
        )
        for staircase in (False, True)
    }


def read_progress(path):
    if not os.path.exists(path):
        return []
    with open(path) as handle:
        return [json.loads(line) for line in handle if line.endswith("\n")]


def wait_for_step(workers, progress, step, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(s == step for s, _ in read_progress(progress)):
            return
        for worker in workers:
            if worker.poll() is not None:
                raise AssertionError(f"a worker ended early: {worker.communicate()[1][-3000:]}")
        time.sleep(0.05)
    raise AssertionError(f"step {step} not reached in {timeout} s")


def run_job(flavour, job_envs, backup, tmp_path, staircase, kill_at, check_checkpoint):
    """Runs the job, killing one worker at each step of `kill_at` in turn
    (the first, then the second, ...) and starting it again; returns each
    run's (step, rate) pairs as its victim logged them, and the final
    reports of the run that finished."""
    logs = []
    for attempt, pause in enumerate([*kill_at, None]):
        envs = job_envs()
        victim = attempt % len(envs)
        for index, env in enumerate(envs):
            env.update(
                BACKUP_DIR=str(backup),
                STAIRCASE=str(int(staircase)),
                EPOCHS=str(EPOCHS),
                PROGRESS=str(tmp_path / f"progress-{attempt}-{index}"),
            )
        if pause is not None:
            envs[victim]["PAUSE_AT"] = str(pause)
        workers = start_probes("preemption_probe.py", flavour, envs)
        try:
            if pause is None:
                reports = []
                for worker in workers:
                    out, err = worker.communicate(timeout=300)
                    assert worker.returncode == 0, err[-4000:]
                    reports.append(json.loads(out.strip().splitlines()[-1]))
                logs.append(read_progress(envs[0]["PROGRESS"]))
                return logs, reports
            wait_for_step(workers, envs[victim]["PROGRESS"], pause)
            os.kill(workers[victim].pid, signal.SIGKILL)
            assert workers[victim].wait(timeout=30) == -signal.SIGKILL
        finally:
            # The rest of the job goes too, as a scheduler restarts it whole.
            for worker in workers:
                worker.kill()
                worker.communicate()
        logs.append(read_progress(envs[victim]["PROGRESS"]))
        check_checkpoint(backup, epochs_done=pause // STEPS_PER_EPOCH)
    raise AssertionError("unreachable")


def check_runs(logs, reports, kill_at, staircase, uninterrupted):
    """Every run starts at the step its checkpoint saved and applies the exact
    rate at each step; the last ends where an unbroken run ends."""
    starts = [0] + [STEPS_PER_EPOCH * (pause // STEPS_PER_EPOCH) for pause in kill_at]
    ends = [*kill_at, STEPS_PER_EPOCH * EPOCHS - 1]
    for log, first, last in zip(logs, starts, ends):
        assert [step for step, _ in log] == list(range(first, last + 1))
        for step, rate in log:
            assert rate == float32_rate(step, staircase), (step, rate)
    largest = 0.0
    for report in reports:
        assert report["iterations"] == STEPS_PER_EPOCH * EPOCHS
        for ours, theirs in zip(report["weights"], uninterrupted["weights"]):
            ours, theirs = np.asarray(ours), np.asarray(theirs)
            np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
            largest = max(largest, float(np.max(np.abs(ours - theirs) / np.abs(theirs).clip(1e-6))))
    print(f"largest relative weight difference: {largest:.3g}")
    return largest


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


KILL_POINTS = {False: [5, 14, 19], True: [6, 11, 21]}  # mid-epoch, never at a boundary


@pytest.mark.parametrize("staircase", [False, True], ids=["continuous", "staircase"])
def test_keras3_jax_two_processes_killed_and_resumed(staircase, tmp_path, uninterrupted):
    pytest.importorskip("jax")
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
    check_runs(logs, reports, kill_at, staircase, uninterrupted[staircase])
    assert reports[0]["weights"] == reports[1]["weights"]
    print("torn latest backups, restored from the previous (epochs done, process):", TORN)


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


@pytest.mark.parametrize("staircase", [False, True], ids=["continuous", "staircase"])
def test_tf_keras_multi_worker_killed_and_resumed(staircase, tmp_path, uninterrupted):
    pytest.importorskip("tf_keras")
    kill_at = KILL_POINTS[not staircase]  # the other mode's points: six in all here too

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
    check_runs(logs, reports, kill_at, staircase, uninterrupted[staircase])
