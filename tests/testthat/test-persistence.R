# A schedule is its R fields: saved and read back in a fresh R (saveRDS(),
# save() of the workspace, serialize(), callr), it computes, prints, equals a
# fresh one and trains in Keras, however it was built and whether or not it
# had met Python. The Python schedule kept with it is a cache, made again
# from the fields.

# Each kind of schedule, built in a fresh R: its R code, whether it needs
# Python to be built, and its exact rates at steps 0 to 7.
schedule_kinds <- list(
  r_numbers = list(
    code = "learning_rate_schedule_inverse_time_decay(0.1, 3, 0.5, staircase = TRUE)",
    python = FALSE, dtype = "float32", staircase = TRUE
  ),
  met_python = list(
    code = paste("local({ s <- learning_rate_schedule_inverse_time_decay(0.1, 3, 0.5,",
                 "staircase = TRUE); keras_schedule(s); s })"),
    python = TRUE, dtype = "float32", staircase = TRUE
  ),
  dtype_float64 = list(
    code = "learning_rate_schedule_inverse_time_decay(0.1, 3, 0.5, dtype = 'float64')",
    python = TRUE, dtype = "float64", staircase = FALSE
  ),
  tensor = list(
    code = paste("learning_rate_schedule_inverse_time_decay(",
                 "reticulate::import('tensorflow')$constant(0.1, dtype = 'float32'), 3L, 0.5)"),
    python = TRUE, dtype = "float32", staircase = FALSE
  )
)

expected_rates <- function(kind, steps = 0:7) {
  exact <- formula_rate(as_float32(0.1), 3, 0.5, steps, staircase = kind$staircase)
  if (kind$code == schedule_kinds$tensor$code) {
    return(as_float32(exact))  # the tensor's rate is float32's 0.1
  }
  rates <- formula_rate(0.1, 3, 0.5, steps, staircase = kind$staircase)
  if (kind$dtype == "float32") as_float32(rates) else rates
}

save_in_fresh_r <- function(folder) {
  builds <- vapply(names(schedule_kinds), function(name) {
    sprintf("%s <- %s", name, schedule_kinds[[name]]$code)
  }, character(1L))
  run_rscript(c(
    "library(inversetimedecay)",
    builds,
    sprintf("saveRDS(%s, file.path('%s', '%s.rds'))", names(schedule_kinds), folder,
            names(schedule_kinds)),
    sprintf("writeBin(serialize(%s, NULL), file.path('%s', '%s.bin'))", names(schedule_kinds),
            folder, names(schedule_kinds)),
    sprintf("save.image(file.path('%s', 'workspace.RData'))", folder),
    "cat('saved', sep = '\\n')"
  ), stderr = FALSE)
}

test_that("saved and read back in a fresh R, every kind of schedule computes, prints and trains", {
  skip_if_no_keras()
  folder <- tempfile("saved-")
  dir.create(folder)
  on.exit(unlink(folder, recursive = TRUE), add = TRUE)
  expect_identical(save_in_fresh_r(folder), "saved")
  reads <- c(
    rds = "readRDS(file.path(folder, paste0(name, '.rds')))",
    serialize = "unserialize(readBin(file.path(folder, paste0(name, '.bin')), 'raw', 1e6))",
    workspace = "{ e <- new.env(); load(file.path(folder, 'workspace.RData'), e); e[[name]] }"
  )
  out <- run_rscript(c(
    "library(inversetimedecay)",
    sprintf("folder <- '%s'", folder),
    "keras <- reticulate::import('keras')",
    "x <- reticulate::np_array(as.matrix(iris[1:24, 1:4]), dtype = 'float32')",
    "y <- reticulate::np_array(rep(0:2, 8), dtype = 'int32')",
    sprintf("reads <- list(%s)", paste(sprintf("%s = function(name) %s", names(reads), reads),
                                        collapse = ", ")),
    sprintf("fresh <- list(%s)", paste(sprintf("%s = function() %s", names(schedule_kinds),
                                                vapply(schedule_kinds, `[[`, "", "code")),
                                        collapse = ", ")),
    "for (how in names(reads)) for (name in names(fresh)) {",
    "  s <- reads[[how]](name)",
    "  model <- keras$Sequential(list(keras$Input(shape = list(4L)), keras$layers$Dense(3L)))",
    "  model$compile(optimizer = keras$optimizers$SGD(learning_rate = s),",
    "                loss = 'sparse_categorical_crossentropy')",
    "  history <- model$fit(x, y, batch_size = 8L, epochs = 1L, verbose = 0L)",
    "  step <- model$optimizer$iterations$numpy()",
    "  cat(how, name, sprintf('%.17g', s(0:7)), isTRUE(all.equal(s, fresh[[name]]())),",
    "      identical(format(s), format(fresh[[name]]())), as.numeric(step),",
    "      sprintf('%.17g', as.numeric(model$optimizer$learning_rate$numpy())), '\\n')",
    "}"
  ), stderr = FALSE)
  rows <- strsplit(trimws(out), " +")
  expect_length(rows, length(reads) * length(schedule_kinds))
  for (row in rows) {
    kind <- schedule_kinds[[row[[2L]]]]
    info <- paste(row[1:2], collapse = " ")
    expect_identical(as.numeric(row[3:10]), expected_rates(kind), info = info)
    expect_identical(row[11:12], c("TRUE", "TRUE"), info = info)  # all.equal, format
    expect_identical(row[[13L]], "3", info = info)
    expect_identical(as.numeric(row[[14L]]), expected_rates(kind, 3), info = info)
  }
})

test_that("a schedule sent to a callr process computes there, Python-built or not", {
  skip_if_not_installed("callr")
  skip_if_no_keras()
  for (name in c("met_python", "dtype_float64")) {
    s <- eval(parse(text = schedule_kinds[[name]]$code))
    rates <- callr::r(function(s) {
      library(inversetimedecay)
      s(0:7)
    }, list(s))
    expect_identical(rates, expected_rates(schedule_kinds[[name]]), info = name)
  }
})

test_that("the Python schedule is made again once its pointer is null, from the fields", {
  skip_if_no_keras()
  s <- learning_rate_schedule_inverse_time_decay(0.1, 3, 0.5, dtype = "float64")
  first <- keras_schedule(s)
  copy <- unserialize(serialize(s, NULL))  # the pointer does not survive
  expect_true(reticulate::py_is_null_xptr(environment(copy)$cache$python))
  again <- keras_schedule(copy)
  expect_false(reticulate::py_is_null_xptr(again))
  expect_identical(again$get_config(), first$get_config())
  expect_true(all.equal(copy, s))
})

test_that("all.equal compares fields, whether or not a schedule met Python", {
  a <- learning_rate_schedule_inverse_time_decay(0.1, 3, 0.5)
  b <- learning_rate_schedule_inverse_time_decay(0.1, 3, 0.5)
  expect_true(all.equal(a, b))
  expect_match(all.equal(a, learning_rate_schedule_inverse_time_decay(0.1, 3, 0.25)),
               "decay_rate")
  expect_match(all.equal(a, function(step) step), "not a schedule")
  skip_if_no_keras()
  keras_schedule(a)
  expect_true(all.equal(a, b))
})
