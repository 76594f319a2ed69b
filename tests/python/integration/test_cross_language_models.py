"""A model trained with the schedule crosses between R and Python and trains
on with the learning rate the schedule gives at the restored step. R runs in
an Rscript process, Python in the test process itself (Keras 3 on
TensorFlow in both lanes)."""

from conftest import load_iris, run_r
from oracles import exact_rate, rounded

# iris, 150 rows, batch 30: 5 steps an epoch. One epoch and two more steps
# make 7, not a multiple of the epoch.
R_TRAIN_AND_SAVE = r"""
args <- commandArgs(trailingOnly = TRUE)
library(inversetimedecay)
keras <- reticulate::import("keras")
keras$utils$set_random_seed(5L)
x <- reticulate::np_array(as.matrix(iris[, 1:4]), dtype = "float32")
y <- reticulate::np_array(as.integer(iris$Species) - 1L, dtype = "int32")
s <- learning_rate_schedule_inverse_time_decay(0.2, 3, 0.5)
model <- keras$Sequential(list(keras$Input(shape = list(4L)),
                               keras$layers$Dense(3L, activation = "softmax")))
model$compile(optimizer = keras$optimizers$SGD(learning_rate = s),
              loss = "sparse_categorical_crossentropy")
model$fit(x, y, batch_size = 30L, epochs = 1L, verbose = 0L)
model$fit(reticulate::py_eval("lambda a: a[:60]")(x), reticulate::py_eval("lambda a: a[:60]")(y),
          batch_size = 30L, epochs = 1L, verbose = 0L)
model$save(args[[1]])
cat(sprintf("R_RESULT %d %.17g\n", model$optimizer$iterations$numpy(),
            as.numeric(model$optimizer$learning_rate$numpy())))
"""


def python_load_and_train(path):
    """Loads the model R saved and trains an epoch on, here: the model file
    crosses from R's process to this one."""
    import keras

    model = keras.saving.load_model(path)
    optimizer = model.optimizer
    out = {
        "type": type(optimizer._learning_rate).__name__,
        "config": optimizer._learning_rate.get_config(),
        "restored": int(optimizer.iterations.numpy()),
        "rates": [],
    }
    x, y = load_iris()
    record = keras.callbacks.LambdaCallback(
        on_train_batch_begin=lambda batch, logs: out["rates"].append(
            [int(optimizer.iterations.numpy()), float(optimizer.learning_rate)]
        )
    )
    model.fit(x, y, batch_size=30, epochs=1, verbose=0, callbacks=[record])
    return out


def test_r_trained_model_trains_on_in_python(tmp_path):
    path = str(tmp_path / "from_r.keras")
    out = run_r(R_TRAIN_AND_SAVE, args=[path])
    line = next(row for row in out.splitlines() if row.startswith("R_RESULT"))
    step, rate = int(line.split()[1]), float(line.split()[2])
    assert step == 7
    assert rate == rounded(exact_rate(0.2, 3, 0.5, 7), "float32")
    result = python_load_and_train(path)
    assert result["type"] == "InverseTimeDecay"
    assert result["config"]["initial_learning_rate"] == 0.2
    assert result["restored"] == 7
    assert [s for s, _ in result["rates"]] == list(range(7, 12))
    for step, rate in result["rates"]:
        assert rate == rounded(exact_rate(0.2, 3, 0.5, step), "float32")


def python_train_and_save(path):
    """Trains a model with the schedule here and saves it for R; returns
    the step it saved at."""
    import keras
    from inverse_time_decay import InverseTimeDecay

    x, y = load_iris()
    # Seeded for its initial weights, from a generator of its own: the
    # global seed is this test process's, and other tests share it.
    initializer = keras.initializers.GlorotUniform(seed=6)
    model = keras.Sequential(
        [
            keras.Input(shape=(4,)),
            keras.layers.Dense(3, activation="softmax", kernel_initializer=initializer),
        ]
    )
    schedule = InverseTimeDecay(0.05, 2, 1.0, staircase=True)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=schedule),
        loss="sparse_categorical_crossentropy",
    )
    model.fit(x, y, batch_size=50, epochs=1, verbose=0)
    model.fit(x[:50], y[:50], batch_size=50, epochs=1, verbose=0)
    model.save(path)
    return int(model.optimizer.iterations.numpy())


R_LOAD_AND_TRAIN = r"""
args <- commandArgs(trailingOnly = TRUE)
library(inversetimedecay)
keras <- reticulate::import("keras")
model <- keras$saving$load_model(args[[1]])
optimizer <- model$optimizer
cat(sprintf("R_TYPE %s\n", class(optimizer$`_learning_rate`)[[1]]))
cat(sprintf("R_RESTORED %d\n", optimizer$iterations$numpy()))
x <- reticulate::np_array(as.matrix(iris[, 1:4]), dtype = "float32")
y <- reticulate::np_array(as.integer(iris$Species) - 1L, dtype = "int32")
record <- keras$callbacks$LambdaCallback(on_train_batch_begin = function(batch, logs) {
  cat(sprintf("R_RATE %d %.17g\n", optimizer$iterations$numpy(),
              as.numeric(optimizer$learning_rate$numpy())))
})
model$fit(x, y, batch_size = 50L, epochs = 1L, verbose = 0L, callbacks = list(record))
"""


def test_python_trained_model_trains_on_in_r(tmp_path):
    path = str(tmp_path / "from_python.keras")
    saved_step = python_train_and_save(path)
    assert saved_step == 4
    out = run_r(R_LOAD_AND_TRAIN, args=[path])
    lines = out.splitlines()
    assert "R_TYPE inverse_time_decay.schedule.InverseTimeDecay" in lines
    assert "R_RESTORED 4" in lines
    rates = [
        (int(row.split()[1]), float(row.split()[2])) for row in lines if row.startswith("R_RATE")
    ]
    assert [s for s, _ in rates] == [4, 5, 6]
    for step, rate in rates:
        assert rate == rounded(exact_rate(0.05, 2, 1.0, step, staircase=True), "float32")
