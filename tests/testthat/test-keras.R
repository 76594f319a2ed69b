test_that("Keras receives a real Keras schedule, the same object every time", {
  skip_if_no_keras()
  keras <- reticulate::import("keras")
  s <- learning_rate_schedule_inverse_time_decay(0.1, 1, 0.5)
  python <- reticulate::r_to_py(s)
  expect_true(reticulate::import_builtins()$isinstance(
    python, keras$optimizers$schedules$LearningRateSchedule
  ))
  expect_identical(reticulate::py_id(python), reticulate::py_id(keras_schedule(s)))
  config <- python$get_config()
  expect_identical(config$initial_learning_rate, 0.1)
  # A whole decay_steps is kept as an int (the Python docstring says so).
  expect_identical(config$decay_steps, 1L)
  expect_identical(config$staircase, FALSE)
  expect_identical(config$name, "InverseTimeDecay")
})

test_that("R numbers are coerced for Python without truncation", {
  skip_if_no_keras()
  builtins <- reticulate::import_builtins()
  s <- learning_rate_schedule_inverse_time_decay(1L, 0.5, 1L, staircase = TRUE)
  python <- keras_schedule(s)
  expect_identical(builtins$type(python$initial_learning_rate)$`__name__`, "float")
  expect_identical(python$decay_steps, 0.5)
  expect_identical(python$decay_rate, 1)
  s_int <- learning_rate_schedule_inverse_time_decay(0.1, 10L, 0.5)
  expect_identical(builtins$type(keras_schedule(s_int)$decay_steps)$`__name__`, "int")
})

test_that("the Python schedule gives the values R computes", {
  skip_if_no_keras()
  np <- reticulate::import("numpy", convert = FALSE)  # an int64 array of steps
  for (staircase in c(FALSE, TRUE)) {
    s <- learning_rate_schedule_inverse_time_decay(0.1, 3, 0.5, staircase = staircase)
    steps <- 0:50
    from_python <- as.vector(keras_schedule(s)$numpy_values(np$arange(51L)))
    expect_identical(from_python, s(steps))
    expect_identical(s(steps), as_float32(formula_rate(0.1, 3, 0.5, steps, staircase)))
  }
})

test_that("tensors pass through and set the dtype", {
  skip_if_no_keras()
  skip_if_not(reticulate::py_module_available("tensorflow"), "TensorFlow is missing")
  tf <- reticulate::import("tensorflow")
  s <- learning_rate_schedule_inverse_time_decay(tf$constant(0.1, dtype = "float64"), 4L, 0.5)
  expect_identical(s$dtype, "float64")
  expect_identical(s(0:8), formula_rate(0.1, 4, 0.5, 0:8))
  half <- learning_rate_schedule_inverse_time_decay(tf$constant(0.1, dtype = "float16"), 4L, 0.5)
  expect_identical(half$dtype, "float16")
  expect_equal(half(0:8), formula_rate(0.1, 4, 0.5, 0:8), tolerance = 1e-3)
  expect_false(identical(half(0:8), formula_rate(0.1, 4, 0.5, 0:8)))
})

test_that("named ... reach Python; Python's errors arrive as R conditions", {
  skip_if_no_keras()
  condition <- tryCatch(
    learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5, momentum = 0.9),
    error = identity
  )
  expect_s3_class(condition, "inversetimedecay_python_error")
  expect_match(conditionMessage(condition), "^TypeError: .*momentum")
  expect_false(grepl("\n", conditionMessage(condition)))

  schedule_class <- keras_schedule(learning_rate_schedule_inverse_time_decay(0.1, 1, 0.5))
  condition <- tryCatch(
    inversetimedecay:::with_python_errors(schedule_class$from_config(
      list(initial_learning_rate = 0.1, decay_steps = 0, decay_rate = 0.5)
    ), call = NULL),
    error = identity
  )
  expect_s3_class(condition, "inversetimedecay_python_ValueError")
  expect_match(conditionMessage(condition), "decay_steps=0", fixed = TRUE)
})

test_that("a short fit from R uses the schedule, and save/load keeps it", {
  skip_if_no_keras()
  keras <- reticulate::import("keras")
  keras$utils$set_random_seed(1L)
  x <- reticulate::np_array(as.matrix(iris[, 1:4]), dtype = "float32")
  y <- reticulate::np_array(as.integer(iris$Species) - 1L, dtype = "int32")
  s <- learning_rate_schedule_inverse_time_decay(0.1, 2, 0.5, staircase = TRUE)
  model <- keras$Sequential(list(keras$Input(shape = list(4L)), keras$layers$Dense(3L)))
  model$compile(
    optimizer = keras$optimizers$SGD(learning_rate = s),
    loss = keras$losses$SparseCategoricalCrossentropy(from_logits = TRUE)
  )
  history <- model$fit(x, y, epochs = 2L, batch_size = 50L, verbose = 0L)
  step <- model$optimizer$iterations$numpy()
  expect_identical(as.numeric(step), 6)
  rate <- as.numeric(model$optimizer$learning_rate$numpy())
  expect_identical(rate, as_float32(0.1 / (1 + 0.5 * floor(6 / 2))))
  expect_identical(rate, s(step))

  path <- tempfile(fileext = ".keras")
  model$save(path)
  restored <- keras$saving$load_model(path)
  expect_identical(
    as.numeric(restored$optimizer$learning_rate$numpy()), rate
  )
  expect_identical(
    restored$optimizer$`_learning_rate`$get_config(),
    keras_schedule(s)$get_config()
  )
})

test_that("the Python module comes from inside the installed R package", {
  skip_if_no_keras()
  # Even where pip installed inverse_time_decay too (as in this project's
  # .venv), the R package imports its own bundled copy.
  python <- keras_schedule(learning_rate_schedule_inverse_time_decay(0.1, 1, 0.5))
  class_file <- reticulate::import("inspect")$getfile(reticulate::py_get_attr(python, "__class__"))
  bundled <- normalizePath(system.file("python", package = "inversetimedecay"))
  expect_true(startsWith(normalizePath(class_file), bundled))
})

test_that("Python steps go to the Keras schedule and come back as tensors", {
  skip_if_no_keras()
  skip_if_not(reticulate::py_module_available("tensorflow"), "TensorFlow is missing")
  tf <- reticulate::import("tensorflow")
  keras <- reticulate::import("keras")
  np <- reticulate::import("numpy", convert = FALSE)
  s <- learning_rate_schedule_inverse_time_decay(0.1, 3L, 0.5, staircase = TRUE)
  steps <- list(
    tf$Variable(25L), tf$constant(25L), keras$Variable(25L, dtype = "int64"),
    np$int64(25L), np$float32(25), tf$constant(c(25, 25.5, 26))
  )
  for (step in steps) {
    rate <- s(step)
    expect_true(inherits(rate, "python.builtin.object"), label = class(step)[[1]])
    expect_identical(
      as.numeric(reticulate::py_to_r(np$asarray(rate))),
      as_float32(0.1 / (1 + 0.5 * floor(rep(25, length(rate)) / 3))),
      label = class(step)[[1]]
    )
  }
  # A model's optimizer iterations, as keras pipelines pass them.
  model <- keras$Sequential(list(keras$Input(shape = list(1L)), keras$layers$Dense(1L)))
  model$compile(optimizer = keras$optimizers$SGD(learning_rate = s), loss = "mse")
  rate <- s(model$optimizer$iterations)
  expect_identical(as.numeric(rate$numpy()), s(0))
  condition <- tryCatch(s(np$array(list(TRUE))), error = identity)
  expect_s3_class(condition, "inversetimedecay_python_TypeError")
  expect_match(conditionMessage(condition), "Argument `step`", fixed = TRUE)
})

test_that("R's dtype follows floatx() for R numbers; a fixed dtype survives config and saving", {
  skip_if_no_keras()
  keras <- reticulate::import("keras")
  s <- learning_rate_schedule_inverse_time_decay(0.1, 3, 0.5)
  previous <- keras$config$floatx()
  keras$config$set_floatx("float64")
  on.exit(keras$config$set_floatx(previous))
  expect_identical(s$dtype, "float64")
  expect_identical(s(0:10), formula_rate(0.1, 3, 0.5, 0:10))
  keras$config$set_floatx("float32")
  expect_identical(s$dtype, "float32")
  expect_identical(s(0:10), as_float32(formula_rate(0.1, 3, 0.5, 0:10)))

  for (dtype in c("float16", "float64")) {
    fixed <- learning_rate_schedule_inverse_time_decay(0.1, 3, 0.5, dtype = dtype)
    expect_identical(fixed$dtype, dtype)
    python <- keras_schedule(fixed)
    expect_identical(python$get_config()$dtype, dtype)
    expect_identical(python$`__class__`$from_config(python$get_config())$dtype, dtype)
    model <- keras$Sequential(list(keras$Input(shape = list(1L)), keras$layers$Dense(1L)))
    model$compile(optimizer = keras$optimizers$SGD(learning_rate = fixed), loss = "mse")
    path <- tempfile(fileext = ".keras")
    model$save(path)
    restored <- keras$saving$load_model(path)
    expect_identical(restored$optimizer$`_learning_rate`$dtype, dtype)
  }
})
