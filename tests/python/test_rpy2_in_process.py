"""R driven from Python in one process, handing the schedule to Keras.

reticulate 1.31 and later call back into the embedding Python safely; older
releases crash the process when it exits, so the R package refuses with a
clear R error before anything touches Python. Each case runs in a fresh
process (rpy2_in_process_probe.py) so that a crash at exit fails the test:
run_probe fails on any non-zero exit status.
"""

from fractions import Fraction

import numpy as np
import pytest
from conftest import run_probe
from oracles import exact_rate


def reticulate_version(embedded_r):
    robjects, _ = embedded_r
    return tuple(
        int(p) for p in robjects.r('as.character(packageVersion("reticulate"))')[0].split(".")[:2]
    )


@pytest.mark.parametrize("mode", ["continuous", "staircase"])
def test_r_hands_the_schedule_to_keras_inside_python(embedded_r, mode):
    result = run_probe("rpy2_in_process_probe.py", mode, timeout=300)
    if reticulate_version(embedded_r) >= (1, 31):
        assert "error" not in result, result
        assert result["iterations"] == 4
        want = [
            float(
                np.float32(
                    float(
                        exact_rate(
                            Fraction(1, 10), 2, Fraction(1, 2), step, staircase=mode == "staircase"
                        )
                    )
                )
            )
            for step in range(4)
        ]
        assert result["rates"] == want
    else:
        assert "rates" not in result
        assert (
            f"reticulate {result['reticulate']} cannot call back into that Python"
            in result["error"]
        )
        assert "Update reticulate to 1.31 or later" in result["error"]
        assert result["module_imported"] is False  # refused before the schedule reached Python
