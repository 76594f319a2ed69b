"""Stop after 6 steps (an epoch is 4), save, reload in a fresh process and
go on: the schedule takes up again at step 6."""

import json
import os

import numpy as np

from conftest import REPO, exact_rate, run_python

PROBE = os.path.join(REPO, "tests", "python", "distributed_probe.py")


def probe(*args):
    code = f"import sys; sys.argv = [{PROBE!r}, *{list(args)!r}]; exec(open({PROBE!r}).read())"
    return json.loads(run_python(code, env={"KERAS_BACKEND": "tensorflow"}).strip().splitlines()[-1])


def test_resume_continues_at_the_saved_step(tmp_path):
    path = str(tmp_path / "resume.keras")
    first = probe("resume_first", path)
    assert first["iterations"] == 6
    second = probe("resume_second", path)
    assert second["restored_iterations"] == 6
    assert [step for step, _ in second["rates"]] == [6, 7, 8, 9]
    for step, rate in second["rates"]:
        assert rate == float(np.float32(float(exact_rate(0.5, 3, 0.5, step))))
    # The same weights as ten steps without a break.
    whole = probe("uninterrupted")
    assert whole["rates"] == first["rates"] + second["rates"]
    for ours, theirs in zip(second["weights"], whole["weights"]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)
