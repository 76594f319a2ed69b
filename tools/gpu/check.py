"""The GPU check: Keras 3 with this schedule on one CUDA GPU, on the backend
that KERAS_BACKEND names (jax or torch). tools/gpu/check.sh runs it once per
backend; it prints one line a check and exits non-zero if any failed.

- rates, eager and compiled, at 10^4 steps (small and large), against the
  exact rate: rounded once to float32 on the float64 path, within the
  documented bound on the float32 pairs (JAX without x64);
- a fit whose weight moves by exactly each step's rate;
- a fit under mixed precision (mixed_float16: LossScaleOptimizer);
- what the rate costs a step: in a compiled loop on JAX, an eager call at
  the optimizer's step on torch (as its trainer calls it);
- fit throughput against a constant rate and Keras's own class; on torch,
  whose trainer calls the schedule eagerly each step, at least 0.99 of the
  constant rate's (a device sync each step would show here).

`--allow-cpu` runs it without a GPU, to check the script itself.
"""

import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "python"))

import keras  # noqa: E402
import numpy as np  # noqa: E402
from inverse_time_decay import InverseTimeDecay  # noqa: E402
from oracles import exact_rate, pair_values, rounded  # noqa: E402

BACKEND = keras.backend.backend()
RESULTS = []


def report(name, ok, detail):
    RESULTS.append(ok)
    print(f"{BACKEND:5} {'ok  ' if ok else 'FAIL'} {name}: {detail}", flush=True)


def device_name():
    if BACKEND == "jax":
        import jax

        x64 = jax.config.read("jax_enable_x64")
        return f"{jax.default_backend()} {jax.devices()[0].device_kind}, x64 {x64}"
    import torch

    return torch.cuda.get_device_name() if torch.cuda.is_available() else "cpu"


def on_gpu():
    if BACKEND == "jax":
        import jax

        return jax.default_backend() == "gpu"
    import torch

    return torch.cuda.is_available()


def to_numpy(x):
    return np.asarray(keras.ops.convert_to_numpy(x), dtype=np.float64)


def pairs():
    """Whether tensor steps here are computed in float32 pairs."""
    from inverse_time_decay import _steps

    return not _steps.float64_on(keras.ops.zeros((), "int32"))


def check_rates():
    """Eager and compiled rates at 10^4 steps on the device, small and large."""
    wide = not pairs()
    small = np.arange(5000)
    large = (2**40 if wide else 2**31) + 977 * np.arange(5000)
    steps = np.concatenate([small, large]).astype("int64" if wide else "uint32")
    tensor = keras.ops.convert_to_tensor(steps)
    for staircase in (False, True):
        params = (0.1, 7, 0.5) if staircase else (0.03, 3.3, 2.0)
        schedule = InverseTimeDecay(*params, staircase=staircase)
        if BACKEND == "jax":
            import jax

            compiled = jax.jit(schedule)
        else:
            import torch

            compiled = torch.compile(schedule, fullgraph=True, dynamic=False)
        for route, rates in (("eager", schedule(tensor)), ("compiled", compiled(tensor))):
            values = to_numpy(rates)
            bad = []
            for step, value in zip(steps.tolist(), values.tolist()):
                if wide:
                    allowed = {rounded(exact_rate(*params, step, staircase), "float32")}
                else:
                    allowed = pair_values(*params, step, staircase, "float32")
                if value not in allowed:
                    bad.append(step)
            mode = "staircase" if staircase else "continuous"
            report(
                f"{route} rates, {mode}, {len(steps)} steps up to {int(steps.max())}",
                not bad,
                f"{len(bad)} off the {'exact rate' if wide else 'documented bound'}"
                + (f", first at step {bad[0]}" if bad else ""),
            )


def one_weight_model(learning_rate, **compile_args):
    """y = w * x, x = 1 and a target far below: the MAE gradient is 1, so
    SGD moves w by exactly the rate each step."""
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1, use_bias=False)])
    model.set_weights([np.zeros((1, 1), "float32")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mae", **compile_args)
    return model


def check_fit_applies_each_rate():
    steps = 200
    schedule = InverseTimeDecay(0.1, 3, 0.5)
    model = one_weight_model(schedule)
    weights = []

    class Record(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            # self.model, which brings JAX's training state back into the model.
            weights.append(float(self.model.get_weights()[0][0, 0]))

    x, y = np.ones((steps, 1), "float32"), np.full((steps, 1), -1e6, "float32")
    model.fit(x, y, batch_size=1, epochs=1, shuffle=False, verbose=0, callbacks=[Record()])
    previous, bad = np.float32(0), []
    for step, weight in enumerate(weights):
        if pairs():
            allowed = pair_values(0.1, 3, 0.5, step, False, "float32")
        else:
            allowed = {rounded(exact_rate(0.1, 3, 0.5, step), "float32")}
        if not any(float(np.float32(previous - np.float32(r))) == weight for r in allowed):
            bad.append(step)
        previous = np.float32(weight)
    report(
        f"fit, {steps} steps: the weight moves by each step's rate",
        not bad,
        f"{len(bad)} steps off",
    )


def check_mixed_precision():
    keras.mixed_precision.set_dtype_policy("mixed_float16")
    try:
        schedule = InverseTimeDecay(0.1, 3, 0.5)
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
        model.compile(optimizer=keras.optimizers.SGD(schedule), loss="mse")
        rng = np.random.default_rng(0)
        x, y = (
            rng.normal(size=(64, 4)).astype("float32"),
            rng.normal(size=(64, 2)).astype("float32"),
        )
        history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
        optimizer = model.optimizer
        step = int(to_numpy(optimizer.iterations))
        rate = float(to_numpy(optimizer.learning_rate))
        want = rounded(exact_rate(0.1, 3, 0.5, step), "float32")
        ok = (
            type(optimizer).__name__ == "LossScaleOptimizer"
            and np.all(np.isfinite(history.history["loss"]))
            and (rate == want or rate in pair_values(0.1, 3, 0.5, step, False, "float32"))
        )
        report("mixed_float16 fit", ok, f"step {step}, rate {rate!r}, exact rounded {want!r}")
    finally:
        keras.mixed_precision.set_dtype_policy("float32")


def median_seconds(runs, rounds):
    for run in runs:
        run()
    times = [[] for _ in runs]
    for _ in range(rounds):
        for index, run in enumerate(runs):
            start = time.perf_counter()
            run()
            times[index].append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def fit_model(learning_rate):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input(shape=(32,)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse")
    return model


def check_costs():
    rng = np.random.default_rng(0)
    x, y = (
        rng.normal(size=(8192, 32)).astype("float32"),
        rng.normal(size=(8192, 1)).astype("float32"),
    )
    models = [
        fit_model(InverseTimeDecay(0.01, 10, 0.5)),
        fit_model(keras.optimizers.schedules.InverseTimeDecay(0.01, 10, 0.5)),
        fit_model(0.01),
    ]
    fits = [lambda m=m: m.fit(x, y, batch_size=64, epochs=1, verbose=0) for m in models]
    ours, builtin, constant = median_seconds(fits, 7)
    step_us = constant / 128 * 1e6
    ratio = constant / ours
    detail = (
        f"steps/s: ours {128 / ours:.0f}, Keras's {128 / builtin:.0f}, "
        f"constant {128 / constant:.0f} (ours/constant {ratio:.3f})"
    )
    report("fit throughput", BACKEND != "torch" or ratio >= 0.99, detail)

    schedule = InverseTimeDecay(0.01, 10, 0.5)
    count = 2000
    if BACKEND == "torch":
        iterations = models[2].optimizer.iterations
        runs = [lambda: [schedule(iterations) for _ in range(count)], lambda: None]
        what = "an eager call at the optimizer's step"
    else:
        import jax

        def loop(rate):
            body = lambda i, acc: acc + rate(i).astype("float32")  # noqa: E731
            run = jax.jit(lambda: jax.lax.fori_loop(0, count, body, 0.0))
            return lambda: run().block_until_ready()

        runs = [loop(schedule), loop(lambda i: 0.01 + 0 * i)]
        what = "per step of a compiled loop, against a constant rate"
    with_rate, without = median_seconds(runs, 9)
    cost_us = (with_rate - without) / count * 1e6
    report(
        "the rate's cost per step",
        cost_us <= 0.01 * step_us,
        f"{cost_us:.2f} µs {what}; a fit step takes {step_us:.0f} µs ({cost_us / step_us:.2%})",
    )


def main():
    if not on_gpu() and "--allow-cpu" not in sys.argv:
        print(f"{BACKEND}: no CUDA GPU here ({device_name()}); --allow-cpu runs the checks anyway")
        return 1
    print(f"{BACKEND}: Keras {keras.__version__} on {device_name()}", flush=True)
    for check in (check_rates, check_fit_applies_each_rate, check_mixed_precision, check_costs):
        try:
            check()
        except Exception as error:  # one failed check must not hide the others
            report(check.__name__, False, f"{type(error).__name__}: {error}")
    return 0 if all(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
