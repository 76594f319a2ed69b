# The schedule in the keras R packages' own pipelines, as their users write
# them. Neither package installs from the registries here (CRAN is not
# reachable), so these skip where a package is absent; they were run by hand
# with both built from their public sources.

staircase_rate_at_6 <- function() as_float32(formula_rate(0.1, 2, 0.5, 6, staircase = TRUE))

test_that("keras3: optimizer_sgd(), fit(), a tensor step and save_model() keep the schedule", {
  skip_if_not_installed("keras3")
  skip_if_no_keras()
  s <- learning_rate_schedule_inverse_time_decay(0.1, 2, 0.5, staircase = TRUE)
  model <- keras3::layer_dense(keras3::keras_model_sequential(input_shape = 4), 3)
  optimizer <- keras3::optimizer_sgd(learning_rate = s)
  keras3::compile(model, optimizer = optimizer, loss = "sparse_categorical_crossentropy")
  x <- as.matrix(iris[, 1:4])
  y <- as.integer(iris$Species) - 1L
  keras3::fit(model, x, y, epochs = 2, batch_size = 50, verbose = 0)  # 6 steps

  iterations <- model$optimizer$iterations
  expect_identical(as.numeric(iterations), 6)
  rate <- s(iterations)
  expect_s3_class(rate, "tensorflow.tensor")
  expect_identical(as.numeric(rate), staircase_rate_at_6())
  expect_identical(as.numeric(optimizer$learning_rate), staircase_rate_at_6())

  path <- tempfile(fileext = ".keras")
  on.exit(unlink(path), add = TRUE)
  keras3::save_model(model, path)
  restored <- keras3::load_model(path)
  expect_s3_class(
    restored$optimizer$`_learning_rate`, "inverse_time_decay.schedule.InverseTimeDecay"
  )
  expect_identical(as.numeric(restored$optimizer$learning_rate), staircase_rate_at_6())
})

test_that("keras3: a reaching schedule and the callback put the rate in the history", {
  skip_if_not_installed("keras3")
  skip_if_no_keras()
  s <- inverse_time_decay_reaching(0.1, 0.01, at_step = 100, decay_steps = 5)
  model <- keras3::layer_dense(keras3::keras_model_sequential(input_shape = 4), 3)
  keras3::compile(model, optimizer = keras3::optimizer_sgd(learning_rate = s),
                  loss = "sparse_categorical_crossentropy")
  history <- keras3::fit(model, as.matrix(iris[, 1:4]), as.integer(iris$Species) - 1L,
                         epochs = 4, batch_size = 30, verbose = 0,
                         callbacks = list(callback_learning_rate_log()))
  # keras3's plot(history) draws a panel per metric: learning_rate is one.
  expect_identical(names(history$metrics), c("loss", "learning_rate"))
  # Five steps an epoch: the rates applied at steps 4, 9, 14 and 19.
  expect_identical(history$metrics$learning_rate, s(c(4, 9, 14, 19)))
})

test_that("keras 2.15 on tf_keras: optimizer_sgd(), fit(), a variable step follow the schedule", {
  skip_if_not_installed("keras")
  skip_if_not(reticulate::py_module_available("tf_keras"),
              "tf_keras is not available to reticulate")
  # tf_keras is chosen once per process, before TensorFlow loads: a fresh R.
  # keras 2.15's S3 methods test for keras.* class names, which tf_keras
  # calls tf_keras.src.*; the class filter gives them both.
  out <- run_rscript(c(
    "reticulate::register_class_filter(function(classes)",
    "  unique(c(sub('^tf_keras\\\\.src\\\\.', 'keras.', classes), classes)))",
    "library(keras)",
    "s <- inversetimedecay::learning_rate_schedule_inverse_time_decay(",
    "  0.1, 2, 0.5, staircase = TRUE)",
    "model <- layer_dense(keras_model_sequential(input_shape = 4), 3)",
    "optimizer <- optimizer_sgd(learning_rate = s)",
    "compile(model, optimizer = optimizer, loss = 'sparse_categorical_crossentropy')",
    "fit(model, as.matrix(iris[, 1:4]), as.integer(iris$Species) - 1L,",
    "    epochs = 2, batch_size = 50, verbose = 0)",
    "iterations <- model$optimizer$iterations",
    "cat(class(s(iterations))[1], as.numeric(iterations),",
    "    sprintf('%.17g', as.numeric(s(iterations))),",
    "    sprintf('%.17g', as.numeric(optimizer$learning_rate)), sep = '\\n')"
  ), env = "TF_USE_LEGACY_KERAS=1", stderr = FALSE)
  expect_identical(out[1], "tensorflow.tensor")
  expect_identical(as.numeric(out[2]), 6)
  expect_identical(as.numeric(out[3]), staircase_rate_at_6())
  # tf_keras's optimizer reports the rate of the last step it took (step 5).
  expect_identical(as.numeric(out[4]), as_float32(formula_rate(0.1, 2, 0.5, 5, staircase = TRUE)))
  # The callback through keras 2.15's fit(): the rates applied at steps 2 and 5.
  logged <- run_rscript(c(
    "reticulate::register_class_filter(function(classes)",
    "  unique(c(sub('^tf_keras\\\\.src\\\\.', 'keras.', classes), classes)))",
    "library(keras)",
    "s <- inversetimedecay::learning_rate_schedule_inverse_time_decay(0.1, 2, 0.5)",
    "model <- layer_dense(keras_model_sequential(input_shape = 4), 3)",
    "compile(model, optimizer = optimizer_sgd(learning_rate = s),",
    "        loss = 'sparse_categorical_crossentropy')",
    "history <- fit(model, as.matrix(iris[, 1:4]), as.integer(iris$Species) - 1L, epochs = 2,",
    "               batch_size = 50, verbose = 0,",
    "               callbacks = list(inversetimedecay::callback_learning_rate_log()))",
    "cat(sprintf('%.17g', history$metrics$learning_rate), sep = '\\n')"
  ), env = "TF_USE_LEGACY_KERAS=1", stderr = FALSE)
  expect_identical(as.numeric(logged), as_float32(formula_rate(0.1, 2, 0.5, c(2, 5))))
})

# keras 2.15's save_model_hdf5() and load_model_hdf5() are
# `keras$models$save_model(...)` and `keras$models$load_model(...)` on the
# module "tensorflow.keras", which TF_USE_LEGACY_KERAS=1 makes tf_keras.
# Saved in one R process and loaded in a fresh one, through that module, as
# keras 2.15 does (and below, through keras 2.15 itself where installed).
hdf5_round_trip <- function(save_lines, load_lines) {
  skip_if_not(reticulate::py_module_available("tf_keras"),
              "tf_keras is not available to reticulate")
  path <- tempfile(fileext = ".h5")
  on.exit(unlink(path), add = TRUE)
  filter <- c(
    "reticulate::register_class_filter(function(classes)",
    "  unique(c(sub('^tf_keras\\\\.src\\\\.', 'keras.', classes), classes)))"
  )
  saved <- run_rscript(c(
    filter, save_lines,
    "s <- inversetimedecay::learning_rate_schedule_inverse_time_decay(",
    "  0.1, 2, 0.5, staircase = TRUE)",
    "model <- keras$Sequential(list(keras$Input(shape = list(4L)), keras$layers$Dense(3L)))",
    "model$compile(optimizer = keras$optimizers$SGD(learning_rate = s),",
    "              loss = 'sparse_categorical_crossentropy')",
    "history <- model$fit(as.matrix(iris[, 1:4]), array(as.integer(iris$Species) - 1L),",
    "                     epochs = 2L, batch_size = 50L, verbose = 0L)",
    sprintf("save(model, '%s')", path),
    "cat('saved', sep = '\\n')"
  ), env = "TF_USE_LEGACY_KERAS=1", stderr = FALSE)
  expect_identical(saved, "saved")
  run_rscript(c(
    filter, "library(inversetimedecay)", load_lines,
    sprintf("model <- load(%s)", shQuote(path, "sh")),
    "schedule <- model$optimizer$`_learning_rate`",
    "step <- model$optimizer$iterations$numpy()",
    "config <- schedule$get_config()",
    "cat(class(schedule)[1], as.numeric(step), config$decay_steps, config$staircase,",
    "    sprintf('%.17g', as.numeric(schedule(step)$numpy())), sep = '\\n')"
  ), env = "TF_USE_LEGACY_KERAS=1", stderr = FALSE)
}

expect_restored_at_step_6 <- function(out) {
  expect_identical(out[1], "inverse_time_decay.schedule.InverseTimeDecay")
  expect_identical(as.numeric(out[2]), 6)
  expect_identical(out[3:4], c("2", "TRUE"))
  expect_identical(as.numeric(out[5]), staircase_rate_at_6())
}

test_that("an HDF5 model saved through tensorflow.keras on tf_keras loads back in a fresh R", {
  out <- hdf5_round_trip(
    c("keras <- reticulate::import('tensorflow')$keras",
      "save <- function(model, path) keras$models$save_model(model, path)"),
    c("keras <- reticulate::import('tensorflow')$keras",
      "load <- function(path) keras$models$load_model(path)")
  )
  expect_restored_at_step_6(out)
})

test_that("keras 2.15: save_model_hdf5() and load_model_hdf5() in a fresh R keep the schedule", {
  skip_if_not_installed("keras")
  out <- hdf5_round_trip(
    c("library(keras)", "save <- function(model, path) save_model_hdf5(model, path)"),
    c("library(keras)", "load <- function(path) load_model_hdf5(path)")
  )
  expect_restored_at_step_6(out)
})
