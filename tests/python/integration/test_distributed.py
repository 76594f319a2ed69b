"""Distributed training gives each step the single-device learning rate and
the same weights within float tolerance."""

import json

import numpy as np
import pytest
import training_job
from conftest import free_ports, keras3_on_tensorflow, run_probe, start_probes
from oracles import exact_rate, rounded


def probe(mode, env=None):
    return run_probe("distributed_probe.py", mode, env=env)


@pytest.fixture(scope="module")
def single():
    return training_job.single_run(keras3_on_tensorflow())


@pytest.fixture(scope="module")
def single_tf_keras():
    pytest.importorskip("tf_keras")
    return probe("single", env={"TF_USE_LEGACY_KERAS": "1"})


def check_against_single(run, single):
    assert run["iterations"] == single["iterations"] == 8
    assert run["rates"] == single["rates"]
    for step, rate in run["rates"]:
        assert rate == rounded(exact_rate(0.5, 3, 0.5, step), "float32")
    for ours, theirs in zip(run["weights"], single["weights"]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_single_device_run_uses_the_schedule(single):
    assert [step for step, _ in single["rates"]] == list(range(8))


def test_mirrored_strategy_on_two_logical_cpus(single):
    run = probe("mirrored", env={"KERAS_BACKEND": "tensorflow"})
    assert run["replicas"] == 2
    check_against_single(run, single)
    devices = [device.rsplit(":", 2)[-2:] for device in run["eager_rate_devices"]]
    assert devices == [["CPU", "0"], ["CPU", "0"], ["CPU", "1"], ["CPU", "1"], ["CPU", "0"]]


def run_workers(mode, envs, timeout=600):
    """Starts one probe process per environment, waits for all within
    `timeout` seconds, kills whatever is left, and returns their reports."""
    workers = start_probes("distributed_probe.py", mode, envs)
    outputs = []
    try:
        for worker in workers:
            out, err = worker.communicate(timeout=timeout)
            assert worker.returncode == 0, err[-4000:]
            outputs.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()
    return outputs


def test_multi_worker_mirrored_strategy_on_loopback(single_tf_keras, single):
    # Keras 3's fit cannot run under this strategy (keras-team/keras#20585,
    # tensorflow/tensorflow#72388), so the workers run tf_keras, compared
    # with tf_keras on one device, whose rates must match Keras 3's too.
    assert single_tf_keras["rates"] == single["rates"]
    cluster = {"worker": [f"127.0.0.1:{port}" for port in free_ports(2)]}
    envs = [
        {
            "TF_USE_LEGACY_KERAS": "1",
            "TF_CONFIG": json.dumps({"cluster": cluster, "task": {"type": "worker", "index": i}}),
        }
        for i in range(2)
    ]
    for run in run_workers("multiworker", envs):
        assert run["replicas"] == 2
        check_against_single(run, single_tf_keras)


def test_jax_multi_process_data_parallel_on_loopback(single):
    # Keras 3's route past one host: two JAX processes (gloo collectives over
    # 127.0.0.1), two CPU devices each, DataParallel over the four.
    pytest.importorskip("jax")
    (port,) = free_ports(1)
    envs = [
        {
            "KERAS_BACKEND": "jax",
            "XLA_FLAGS": "--xla_force_host_platform_device_count=2",
            "JAX_COORDINATOR": f"127.0.0.1:{port}",
            "JAX_PROCESS_ID": str(process),
        }
        for process in range(2)
    ]
    runs = run_workers("jax_multiprocess", envs, timeout=300)
    assert [run["process"] for run in runs] == [0, 1]
    assert runs[0]["rates"] == runs[1]["rates"]  # every step, the same rate in both
    for run in runs:
        assert run["replicas"] == 4 and run["local_devices"] == 2
        check_against_single(run, single)


def test_jax_data_parallel_on_two_host_devices(single):
    pytest.importorskip("jax")
    run = probe(
        "jax_data_parallel",
        env={
            "KERAS_BACKEND": "jax",
            "XLA_FLAGS": "--xla_force_host_platform_device_count=2",
        },
    )
    assert run["replicas"] == 2
    check_against_single(run, single)
