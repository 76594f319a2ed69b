# A fit compiled from R, killed in the middle of an epoch and resumed from its
# BackupAndRestore folder in a new R process: the run takes up at the saved
# step with the exact rates, and ends with an unbroken run's weights.

# The job, as an R script: iris (first 144 rows, scaled), global batch 16,
# so 9 steps an epoch; 4 epochs. Before each step it appends the step and
# the rate the optimizer applies to `progress`, and at step `pause_at` it
# waits there to be killed. Writes the final iterations and weights to `out`.
preemption_job <- function(backup, progress, out, pause_at = -1L) {
  c(
    "library(inversetimedecay)",
    "keras <- reticulate::import('keras')",
    "x <- scale(as.matrix(iris[1:144, 1:4]))",
    "y <- as.integer(iris$Species[1:144]) - 1L",
    "model <- keras$Sequential(list(",
    "  keras$Input(shape = list(4L)), keras$layers$Dense(3L, activation = 'softmax')))",
    "model$set_weights(list(",
    "  reticulate::np_array(matrix(seq(-0.5, 0.6, length.out = 12), 4, 3), 'float32'),",
    "  reticulate::np_array(c(0, 0, 0), 'float32')))",
    "schedule <- learning_rate_schedule_inverse_time_decay(0.5, 3, 0.5, staircase = TRUE)",
    "model$compile(optimizer = keras$optimizers$SGD(learning_rate = schedule),",
    "  loss = 'sparse_categorical_crossentropy')",
    "log_step <- function(batch, logs) {",
    "  step <- as.integer(model$optimizer$iterations$numpy())",
    "  rate <- as.numeric(model$optimizer$learning_rate$numpy())",
    sprintf("  cat(sprintf('%%d %%.17g\\n', step, rate), file = '%s', append = TRUE)", progress),
    sprintf("  if (step == %dL) Sys.sleep(600)", as.integer(pause_at)),
    "}",
    "invisible(model$fit(",
    "  reticulate::np_array(x, 'float32'), reticulate::np_array(y, 'int32'),",
    "  batch_size = 16L, epochs = 4L, shuffle = FALSE, verbose = 0L,",
    sprintf("  callbacks = list(keras$callbacks$BackupAndRestore('%s'),", backup),
    "    keras$callbacks$LambdaCallback(on_train_batch_begin = log_step))))",
    "weights <- model$get_weights()",
    "iterations <- model$optimizer$iterations$numpy()",
    sprintf("saveRDS(list(iterations = iterations, weights = weights), '%s')", out)
  )
}

read_progress <- function(path) {
  if (!file.exists(path)) {
    return(data.frame(step = integer(), rate = numeric()))
  }
  utils::read.table(path, col.names = c("step", "rate"))
}

test_that("a fit from R, killed mid-epoch, resumes in a new R process at the saved step", {
  skip_if_no_keras()
  skip_if_not_installed("processx")
  dir <- tempfile("preemption-")
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE), add = TRUE)
  path <- function(name) file.path(dir, name)
  rscript <- file.path(R.home("bin"), "Rscript")
  env <- c("current", R_LIBS = paste(.libPaths(), collapse = ":"), TF_CPP_MIN_LOG_LEVEL = "3")

  # Killed at step 13: epoch 2 (steps 9 to 17), its fifth step.
  writeLines(preemption_job(path("backup"), path("first.log"), path("first.rds"), 13L),
             path("first.R"))
  job <- processx::process$new(rscript, path("first.R"), env = env, stderr = "|")
  deadline <- Sys.time() + 180
  while (!13L %in% read_progress(path("first.log"))$step && Sys.time() < deadline) {
    if (!job$is_alive()) break
    Sys.sleep(0.1)
  }
  expect_true(job$is_alive(), info = if (!job$is_alive()) job$read_all_error())
  job$kill()  # SIGKILL
  expect_false(job$is_alive())
  # The checkpoint on disk is that of epoch 1, whole: its metadata and the
  # optimizer's iterations in its weights file (which opens) agree.
  metadata <- readLines(path("backup/training_metadata.json"), warn = FALSE)
  expect_match(metadata, '"epoch": 1', fixed = TRUE)
  saved_iterations <- reticulate::py_eval(
    "lambda path: int(__import__('h5py').File(path, 'r')['optimizer/vars/0'][()])"
  )
  expect_identical(saved_iterations(path("backup/latest.weights.h5")), 9L)

  writeLines(preemption_job(path("backup"), path("second.log"), path("second.rds")),
             path("second.R"))
  writeLines(preemption_job(path("unbroken"), path("unbroken.log"), path("unbroken.rds")),
             path("unbroken.R"))
  for (script in c("second.R", "unbroken.R")) {
    status <- system2(rscript, path(script), env = paste0(names(env[-1]), "=", env[-1]),
                      stdout = FALSE, stderr = FALSE)
    expect_identical(status, 0L)
  }
  first <- read_progress(path("first.log"))
  second <- read_progress(path("second.log"))
  expect_identical(first$step, 0:13)
  expect_identical(second$step, 9:35)  # from the saved epoch's first step to the end
  # The exact rate at every step, whichever process ran it.
  for (run in list(first, second)) {
    expect_identical(run$rate, as_float32(formula_rate(0.5, 3, 0.5, run$step, staircase = TRUE)))
  }
  resumed <- readRDS(path("second.rds"))
  unbroken <- readRDS(path("unbroken.rds"))
  expect_identical(as.integer(resumed$iterations), 36L)
  for (i in seq_along(unbroken$weights)) {
    expect_equal(resumed$weights[[i]], unbroken$weights[[i]], tolerance = 1e-5)
  }
})
