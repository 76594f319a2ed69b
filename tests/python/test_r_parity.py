"""R and Python in one process (rpy2): the same schedule, to the bit.

The R schedule computes its rates in R, so rpy2 compares them with the
Python class in this same process. Building a float64 schedule from R needs
reticulate, and reticulate 1.28 calls Python's C API without taking the GIL,
which rpy2 releases while R runs (rstudio/reticulate#208): that case runs R
in a subprocess (Rscript) on this same interpreter instead.
"""

import numpy as np
import pytest
from conftest import run_r
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from inverse_time_decay import InverseTimeDecay
from oracles import exact_rate, rounded

STEP_COUNT = 10_000


@pytest.fixture(scope="module")
def r(embedded_r):
    robjects, package = embedded_r
    make = robjects.r(
        """
        function(lr, decay_steps, decay_rate, staircase) {
          inversetimedecay::learning_rate_schedule_inverse_time_decay(
            lr, decay_steps, decay_rate, staircase = staircase)
        }
        """
    )
    return robjects, package, make


def r_values(robjects, schedule, steps):
    from rpy2.robjects import numpy2ri

    with (robjects.default_converter + numpy2ri.converter).context():
        return np.asarray(schedule(steps), dtype=np.float64)


def steps_for(kind, seed):
    rng = np.random.default_rng(seed)
    head = np.arange(STEP_COUNT // 2)
    limit = 2**31 - 1 if kind == "integer" else 2**53
    tail = rng.integers(0, limit, STEP_COUNT - head.size)
    steps = np.concatenate([head, tail])
    return steps.astype(np.int32) if kind == "integer" else steps.astype(np.float64)


parameter_sets = st.tuples(
    st.floats(1e-6, 10.0),
    st.one_of(st.integers(1, 10**5), st.floats(1e-2, 1e5)),
    st.floats(0.0, 50.0),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=parameter_sets,
    staircase=st.booleans(),
    step_kind=st.sampled_from(["integer", "double"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_r_and_python_schedules_are_bit_identical(r, params, staircase, step_kind, seed):
    robjects, _package, make = r
    lr, decay_steps, decay_rate = params
    r_decay_steps = (
        robjects.IntVector([decay_steps])
        if isinstance(decay_steps, int)
        else robjects.FloatVector([decay_steps])
    )
    schedule_r = make(
        robjects.FloatVector([lr]),
        r_decay_steps,
        robjects.FloatVector([decay_rate]),
        robjects.BoolVector([staircase]),
    )
    schedule_py = InverseTimeDecay(lr, decay_steps, decay_rate, staircase=staircase)

    steps = steps_for(step_kind, seed)
    from_r = r_values(robjects, schedule_r, steps)
    from_python = schedule_py.numpy_values(steps).astype(np.float64)
    np.testing.assert_array_equal(from_r.view(np.int64), from_python.view(np.int64))
    assert schedule_py.dtype == "float32"


R_FLOAT64_BATCH = r"""
args <- commandArgs(trailingOnly = TRUE)
library(inversetimedecay)
np <- reticulate::import("numpy", convert = FALSE)
sets <- readLines(args[[1]])
steps_int <- readBin(args[[2]], "integer", n = as.integer(args[[4]]), size = 4L)
steps_dbl <- readBin(args[[3]], "double", n = as.integer(args[[4]]))
out <- file(args[[5]], "wb")
for (line in sets) {
  f <- strsplit(line, " ", fixed = TRUE)[[1]]
  lr <- readBin(as.raw(strtoi(substring(f[1], seq(1, 15, 2), seq(2, 16, 2)), 16L)), "double")
  d <- readBin(as.raw(strtoi(substring(f[2], seq(1, 15, 2), seq(2, 16, 2)), 16L)), "double")
  rate <- readBin(as.raw(strtoi(substring(f[3], seq(1, 15, 2), seq(2, 16, 2)), 16L)), "double")
  if (f[4] == "int") d <- as.integer(d)
  s <- learning_rate_schedule_inverse_time_decay(np$float64(lr), d, rate,
                                                 staircase = f[5] == "TRUE")
  stopifnot(identical(s$dtype, "float64"))
  writeBin(s(steps_int), out)
  writeBin(s(steps_dbl), out)
}
close(out)
"""


def hex_double(value):
    return np.float64(value).tobytes().hex()


# One example, one Rscript run (R starting Python and TensorFlow takes
# seconds) over 90 distinct parameter sets; shrinking a failure would rerun
# R hundreds of times, so the failing batch is shown.
@settings(max_examples=1, deadline=None, phases=[Phase.generate])
@given(st.lists(st.tuples(parameter_sets, st.booleans()), min_size=90, max_size=90, unique=True))
def test_float64_schedules_from_r_match_python(tmp_path_factory, sets):
    folder = tmp_path_factory.mktemp("float64")
    steps_int, steps_dbl = steps_for("integer", 1), steps_for("double", 2)
    (folder / "int.bin").write_bytes(steps_int.astype("<i4").tobytes())
    (folder / "dbl.bin").write_bytes(steps_dbl.astype("<f8").tobytes())
    lines = [
        f"{hex_double(lr)} {hex_double(d)} {hex_double(r)} "
        f"{'int' if isinstance(d, int) else 'dbl'} {str(stair).upper()}"
        for (lr, d, r), stair in sets
    ]
    (folder / "sets.txt").write_text("\n".join(lines) + "\n")
    run_r(
        R_FLOAT64_BATCH,
        args=[str(folder / n) for n in ("sets.txt", "int.bin", "dbl.bin")]
        + [str(STEP_COUNT), str(folder / "out.bin")],
    )
    from_r = np.frombuffer((folder / "out.bin").read_bytes(), "<f8").reshape(
        len(sets), 2, STEP_COUNT
    )
    for index, ((lr, d, r), stair) in enumerate(sets):
        schedule = InverseTimeDecay(np.float64(lr), d, r, staircase=stair)
        for kind, steps in enumerate((steps_int, steps_dbl)):
            from_python = schedule.numpy_values(steps)
            assert from_python.dtype == np.float64
            np.testing.assert_array_equal(
                from_r[index, kind].view(np.int64), from_python.view(np.int64)
            )


def test_an_r_error_reaches_python_with_its_message(r):
    _robjects, package, _make = r
    from rpy2.rinterface_lib.embedded import RRuntimeError

    with pytest.raises(RRuntimeError) as info:
        package.learning_rate_schedule_inverse_time_decay(0.1, 0, 0.5)
    assert "Argument `decay_steps` must be > 0. Received: decay_steps=0" in str(info.value)
    with pytest.raises(RRuntimeError, match="`staircase`"):
        package.learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5, staircase="no")


R_HALF_BATCH = r"""
args <- commandArgs(trailingOnly = TRUE)
library(inversetimedecay)
sets <- read.table(args[[1]], colClasses = c("numeric", "numeric", "numeric", "logical",
                                             "character"))
steps <- readBin(args[[2]], "double", n = as.integer(args[[3]]))
out <- file(args[[4]], "wb")
for (i in seq_len(nrow(sets))) {
  s <- learning_rate_schedule_inverse_time_decay(sets[[1]][i], sets[[2]][i], sets[[3]][i],
                                                 staircase = sets[[4]][i], dtype = sets[[5]][i])
  stopifnot(identical(s$dtype, sets[[5]][i]))
  writeBin(s(steps), out)
}
close(out)
"""


@settings(max_examples=1, deadline=None, phases=[Phase.generate])  # one Rscript run, as above
@given(
    st.lists(
        st.tuples(parameter_sets, st.booleans(), st.sampled_from(["float16", "bfloat16"])),
        min_size=60,
        max_size=60,
    )
)
def test_half_precision_schedules_from_r_are_the_exact_rates_rounded(tmp_path_factory, sets):
    folder = tmp_path_factory.mktemp("half")
    steps = np.concatenate(
        [np.arange(300.0), [np.nan, 1e6 + 0.5, 2.0**40], np.arange(0.25, 50, 3.5)]
    )
    (folder / "steps.bin").write_bytes(steps.astype("<f8").tobytes())
    lines = [
        f"{lr!r} {d!r} {r!r} {str(stair).upper()} {dtype}" for (lr, d, r), stair, dtype in sets
    ]
    (folder / "sets.txt").write_text("\n".join(lines) + "\n")
    run_r(
        R_HALF_BATCH,
        args=[str(folder / name) for name in ("sets.txt", "steps.bin")]
        + [str(steps.size), str(folder / "out.bin")],
    )
    from_r = np.frombuffer((folder / "out.bin").read_bytes(), "<f8").reshape(len(sets), -1)
    for row, ((lr, d, r), stair, dtype) in zip(from_r, sets):
        for value, step in zip(row, steps):
            if np.isnan(step):
                assert np.isnan(value)
                continue
            exact = exact_rate(lr, d, r, step, staircase=stair)
            assert value == rounded(exact, dtype), (lr, d, r, stair, dtype, step)
