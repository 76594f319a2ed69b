"""Runs the benchmarks (python_bench.py, r_bench.R) and prints one table,
then the accuracy table of accuracy.py.

    python bench/run.py            # make bench: the full run, ~10 minutes
    python bench/run.py --smoke --out FILE   # tiny loops: checks the scripts run
    python bench/run.py --smoke --backends tensorflow_eager   # only those backends' runs

Every figure is measured side by side in one run: this package, Keras's
built-in InverseTimeDecay (from R: through reticulate, the route an R user
has today), and a floor (plain numpy or R arithmetic, a bare tf.constant, or
a bare R start). The table is also written as Markdown to bench/results.md
(or to the --out file). These are measurements, not tests:
nothing here fails on a slow machine.
"""

import datetime
import os
import platform
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# figure: (label, how the ratio is formed, target text, target test). The
# test takes this package's figure, the built-in's and the ratio.
FIGURES = {
    "py_eager_scalar": (
        "Python: eager call, Python int step (µs)",
        "builtin/ours",
        "≥ 5× faster",
        lambda ours, builtin, r: r >= 5,
    ),
    "py_eager_variable": (
        "Python: eager call, optimizer iteration variable; floor: int step (µs)",
        "builtin/ours",
        "≥ 5× faster",
        lambda ours, builtin, r: r >= 5,
    ),
    "py_eager_memory": (
        "Python: memory kept by eager calls at new steps (MiB)",
        "ours/floor",
        "≤ 1 MiB",
        lambda ours, builtin, r: ours <= 1,
    ),
    "py_curve_1e6_numpy": (
        "Python: 1e6-step curve, numpy array out (ms)",
        "ours/floor",
        "≤ 1.5× numpy",
        lambda ours, builtin, r: r <= 1.5,
    ),
    "py_curve_1e6_tensor": (
        "Python: 1e6-step curve, tensor out (ms)",
        "ours/floor",
        "(≤ 1.5× numpy)",
        lambda ours, builtin, r: r <= 1.5,
    ),
    "r_curve_1e6": (
        "R: 1e6-step curve into an R vector (ms)",
        "builtin/ours",
        "≤ 10 ms",
        lambda ours, builtin, r: ours <= 10,
    ),
    "r_one_step": (
        "R: one step to an R number, before Python (µs)",
        "builtin/ours",
        "≤ 50 µs",
        lambda ours, builtin, r: ours <= 50,
    ),
    "r_curve_1e6_keras": (
        "R: 1e6-step curve, Keras running, vs before Python (ms)",
        "ours/floor",
        "≤ 1.2× before Python",
        lambda ours, builtin, r: r <= 1.2,
    ),
    "r_one_step_keras": (
        "R: one step, Keras running, vs keras R's route; floor: before Python (µs)",
        "builtin/ours",
        "(faster than keras R's)",
        lambda ours, builtin, r: r > 1,
    ),
    "r_library": (
        "R: library(inversetimedecay), fresh R (s)",
        "builtin/ours",
        "≤ 0.3 s, no Python",
        lambda ours, builtin, r: ours <= 0.3,
    ),
    "r_first_curve": (
        "R: fresh R session to first printed curve (s)",
        "builtin/ours",
        "≤ 1 s",
        lambda ours, builtin, r: ours <= 1,
    ),
}

# Measured once per backend, each in a process of its own (backend_bench.py):
# label: (environment, flags).
BACKEND_RUNS = {
    "tensorflow": ({"KERAS_BACKEND": "tensorflow"}, []),
    "jax": ({"KERAS_BACKEND": "jax"}, []),
    "torch": ({"KERAS_BACKEND": "torch"}, []),
    "tf_keras": ({"TF_USE_LEGACY_KERAS": "1"}, []),
    "tensorflow_eager": ({"KERAS_BACKEND": "tensorflow"}, ["--eager"]),
}
for _label, (_, _flags) in BACKEND_RUNS.items():
    _name = _label.replace("_eager", ", run_eagerly=True")
    # Informational: this machine's round-to-round spread (in the notes)
    # is wider than the schedule's share of a step, which the step cost
    # rows measure directly.
    FIGURES[f"py_fit_{_label}"] = (
        f"Python: fit throughput, {_name}, vs constant rate (steps/s)",
        "ours/floor",
        "(informational)",
        None,
    )
    if not _flags:
        FIGURES[f"py_step_cost_{_label}"] = (
            f"Python: the rate's cost per training step, {_label}; floor: the step (µs)",
            "ours/floor",
            "≤ 1 % of a step",
            lambda ours, builtin, r: r <= 0.01,
        )
        FIGURES[f"py_memory_{_label}"] = (
            f"Python: memory per used schedule, {_label} (KiB)",
            "ours/builtin",
            "≤ Keras's + 10 %",
            lambda ours, builtin, r: ours <= 1.1 * builtin,
        )


PAIRED = {}  # figure: median of per-round ratios, where a script gives one
VERSIONS = {}  # package: version, as python_bench.py imported it


def run(command, env):
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr[-4000:])
        raise SystemExit(f"benchmark failed: {' '.join(command)}")
    for line in result.stdout.splitlines():
        if line.startswith("PAIRED "):
            PAIRED[line.split()[1]] = float(line.split()[2])
        if line.startswith("VERSION "):
            VERSIONS[line.split()[1]] = line.split()[2]
    return [line.split()[1:] for line in result.stdout.splitlines() if line.startswith("ROW ")]


def machine():
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(
                line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    r_version = subprocess.run(
        ["Rscript", "-e", "cat(R.version.string)"], capture_output=True, text=True, check=False
    ).stdout
    return (
        f"{os.cpu_count()} cores, {cpu}; Python {platform.python_version()}, "
        f"TensorFlow {VERSIONS.get('tensorflow', '?')}, "
        f"Keras {VERSIONS.get('keras', '?')}; {r_version}"
    )


def main():
    smoke = "--smoke" in sys.argv
    out = os.path.join(HERE, "results.md")
    if "--out" in sys.argv:
        out = os.path.abspath(sys.argv[sys.argv.index("--out") + 1])
    flags = ["--smoke"] if smoke else []
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", RETICULATE_PYTHON=sys.executable)
    env.setdefault("R_LIBS", os.path.join(REPO, ".Rlib"))
    rows = run([sys.executable, os.path.join(HERE, "python_bench.py"), *flags], env)
    labels = list(BACKEND_RUNS)
    if "--backends" in sys.argv:
        labels = [b for b in sys.argv[sys.argv.index("--backends") + 1].split(",") if b]
    for label in labels:
        backend_env, backend_flags = BACKEND_RUNS[label]
        script = os.path.join(HERE, "backend_bench.py")
        command = [sys.executable, script, label, *backend_flags, *flags]
        rows += run(command, dict(env, **backend_env))
    rows += run(["Rscript", os.path.join(HERE, "r_bench.R"), *flags], env)
    accuracy = subprocess.run(
        [sys.executable, os.path.join(HERE, "accuracy.py"), *flags],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=True,
    ).stdout.strip()

    table = []
    for fields in rows:
        name, ours, builtin, floor = fields[0], *map(float, fields[1:4])  # fields[4]: unit
        notes = " ".join(fields[5:])
        for figure, a, b, c in [(name, ours, builtin, floor)]:
            label, ratio_kind, target, test = FIGURES[figure]
            numerator, denominator = {
                "builtin/ours": (b, a),
                "ours/floor": (a, c),
                "ours/builtin": (a, b),
            }[ratio_kind]
            ratio = (
                numerator / denominator if denominator > 0 else float("inf")
            )  # below the clock's resolution
            ratio = PAIRED.get(figure, ratio)
            met = "—" if test is None else "yes" if test(a, b, ratio) else "NO"
            table.append(
                (
                    label,
                    a,
                    b,
                    c,
                    f"{ratio:.3g} ({ratio_kind})",
                    target,
                    met,
                    notes,
                )
            )

    header = ("figure", "this package", "Keras built-in", "floor", "ratio", "target", "met")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for label, a, b, c, ratio, target, met, _notes in table:
        lines.append(f"| {label} | {a:.4g} | {b:.4g} | {c:.4g} | {ratio} | {target} | {met} |")
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    # Each row's note once (the two fit rows share one).
    notes = list(dict.fromkeys(t[-1] for t in table if t[-1]))
    text = "\n".join(
        [
            f"Measured {stamp}"
            f"{' (smoke run: tiny loops, figures meaningless)' if smoke else ''} on: {machine()}.",
            "Reproduce with `make bench`. Medians of interleaved repetitions. "
            "Fit, on each backend: 24 rounds of one epoch (128 steps; 32 eagerly) of each,",
            "in the six orders in turn; its ratios are medians of the per-round ratios (paired), "
            "its columns medians of steps/s.",
            "",
            *lines,
            "",
            *(line for note in notes for line in (note, "")),
            "Accuracy against exact rational arithmetic (bench/accuracy.py):",
            "",
            accuracy,
        ]
    )
    print(text)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as handle:
        handle.write(text + "\n")
    print(f"\nWritten to {out}")


if __name__ == "__main__":
    main()
