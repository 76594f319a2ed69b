"""The kill-and-resume loop of test_preemption_jax.py and
test_preemption_tf_keras.py: a training job of preemption_probe.py workers
is killed at chosen steps and started again until it finishes; each run's
steps and rates, and the final weights, are checked against an unbroken run.

Each job is 6 epochs of 4 steps, with InverseTimeDecay(0.5, 3, 0.5) in both
staircase modes. One process is stopped at a chosen step (preemption_probe.py
waits there), killed, the rest of the job is killed too, the checkpoint on
disk is checked whole, and the job starts again, until it finishes.
"""

import functools
import json
import os
import signal
import time

import numpy as np
from conftest import start_probes
from oracles import exact_rate, rounded

STEPS_PER_EPOCH, EPOCHS = 4, 6
# Mid-epoch, never at a boundary. Two kills: the first victim is process 0
# and the job restores the first run's backup; the second is process 1 and
# the job restores a backup that the restored run wrote.
KILL_POINTS = {False: [5, 19], True: [11, 21]}


def float32_rate(step, staircase):
    return rounded(exact_rate(0.5, 3, 0.5, step, staircase), "float32")


@functools.cache
def uninterrupted(staircase):
    """The reference: the same job in this process on Keras 3, never killed."""
    import keras
    from training_job import BATCH, build, data

    x, y, weights = data()
    model = build(keras, weights, staircase)
    model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
    return [np.asarray(w) for w in model.get_weights()]


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


def check_runs(logs, reports, kill_at, staircase):
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
        for ours, theirs in zip(report["weights"], uninterrupted(staircase)):
            ours, theirs = np.asarray(ours), np.asarray(theirs)
            np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
            largest = max(largest, float(np.max(np.abs(ours - theirs) / np.abs(theirs).clip(1e-6))))
    print(f"largest relative weight difference: {largest:.3g}")
    return largest
