"""The help page's example from Python: `python demo/iris_fit.py`.

Fits a small classifier on R's iris data (iris.csv beside it) with SGD and
`InverseTimeDecay(0.1, 1.0, 0.5)` for 5 epochs, and prints per epoch the
loss, the accuracy, the optimizer's step, its learning rate and the formula's
value. `demo/iris-fit.R` does the same from R with the same seed, so the two
print the same learning rates; `--compare FILE` sets the R table beside this
one and fails if any learning rate differs.
"""

import argparse
import csv
import os
import sys
from typing import Any, Optional

import numpy as np

SEED = 42
EPOCHS = 5
BATCH_SIZE = 32
COLUMNS = ("epoch", "loss", "accuracy", "step", "learning_rate", "formula")


def load_iris() -> tuple[np.ndarray, np.ndarray]:
    path = os.path.join(os.path.dirname(__file__), "iris.csv")
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    species = sorted({row["Species"] for row in rows})
    x = np.array([[float(row[k]) for k in list(row)[:4]] for row in rows], "float32")
    y = np.array([species.index(row["Species"]) for row in rows], "int32")
    return x, y


def run(
    initial_learning_rate: float = 0.1, decay_steps: float = 1.0, decay_rate: float = 0.5
) -> list[dict[str, Any]]:
    import keras
    from inverse_time_decay import InverseTimeDecay

    keras.utils.set_random_seed(SEED)
    x, y = load_iris()
    learning_rate_fn = InverseTimeDecay(initial_learning_rate, decay_steps, decay_rate)
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="softmax")])
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate_fn)
    model.compile(
        optimizer=optimizer,
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    rows = []

    def on_epoch_end(epoch: int, logs: dict[str, Any]) -> None:
        step = int(optimizer.iterations.numpy())
        rows.append(
            {
                "epoch": epoch + 1,
                "loss": float(logs["loss"]),
                "accuracy": float(logs["accuracy"]),
                "step": step,
                "learning_rate": float(np.asarray(optimizer.learning_rate)),
                "formula": initial_learning_rate / (1 + decay_rate * step / decay_steps),
            }
        )

    model.fit(
        x,
        y,
        epochs=EPOCHS,
        batch_size=BATCH_SIZE,
        shuffle=False,
        verbose=0,
        callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=on_epoch_end)],
    )
    return rows


def format_table(rows: list[dict[str, Any]], title: str) -> str:
    lines = [title, "{:>5} {:>9} {:>9} {:>5} {:>14} {:>14}".format(*COLUMNS[:5], "formula")]
    for row in rows:
        lines.append(
            "{epoch:>5d} {loss:>9.5f} {accuracy:>9.4f} {step:>5d} "
            "{learning_rate:>14.9g} {formula:>14.9g}".format(**row)
        )
    return "\n".join(lines)


def read_table(path: str) -> list[dict[str, Any]]:
    with open(path, newline="") as handle:
        return [
            {key: float(value) for key, value in row.items()}
            for row in csv.DictReader(handle, delimiter="\t")
        ]


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", help="the table written by demo/iris-fit.R")
    args = parser.parse_args(argv)
    rows = run()
    print(format_table(rows, "Python: InverseTimeDecay(0.1, 1.0, 0.5), SGD, iris, 5 epochs"))
    if not args.compare:
        return 0
    theirs = read_table(args.compare)
    print("\nLearning rate per epoch, side by side:")
    print("{:>5} {:>5} {:>14} {:>14}  same".format("epoch", "step", "R", "Python"))
    same = len(theirs) == len(rows)
    for r_row, py_row in zip(theirs, rows):
        equal = (
            r_row["learning_rate"] == py_row["learning_rate"]
            and int(r_row["step"]) == py_row["step"]
        )
        same = same and equal
        print(
            "{:>5d} {:>5d} {:>14.9g} {:>14.9g}  {}".format(
                py_row["epoch"],
                py_row["step"],
                r_row["learning_rate"],
                py_row["learning_rate"],
                "yes" if equal else "NO",
            )
        )
    print("R and Python agree." if same else "R and Python DIFFER.")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
