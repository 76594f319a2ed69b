test_that("calling the schedule gives the formula, rounded to float32", {
  params <- list(
    c(0.1, 1, 0.5), c(1, 10, 0.5), c(0.01, 1000, 2), c(3e-4, 7, 0.05),
    c(0.5, 0.5, 1), c(2, 3.3, 0)
  )
  steps <- c(0, 1, 2, 3, 9, 10, 11, 99, 100, 12345, 2^24 + 1, 2^31 - 1)
  for (p in params) {
    for (staircase in c(FALSE, TRUE)) {
      s <- learning_rate_schedule_inverse_time_decay(p[1], p[2], p[3], staircase = staircase)
      expected <- as_float32(formula_rate(p[1], p[2], p[3], steps, staircase))
      expect_identical(s(steps), expected)
      # Within half a float32 ulp of the double formula.
      expect_lt(max(abs(s(steps) - formula_rate(p[1], p[2], p[3], steps, staircase)) /
                    formula_rate(p[1], p[2], p[3], steps, staircase)), 2^-24 + 1e-12)
    }
  }
})

test_that("integer and double steps give the same rates", {
  s <- learning_rate_schedule_inverse_time_decay(0.1, 3L, 0.5, staircase = TRUE)
  expect_identical(s(0:100), s(as.double(0:100)))
  expect_identical(s(0:10)[c(1, 4, 7)], as_float32(0.1 / (1 + 0.5 * c(0, 1, 2))))
})

test_that("a 1e6-step curve is a plain numeric vector", {
  s <- learning_rate_schedule_inverse_time_decay(0.1, 1, 0.5)
  values <- s(0:999999)
  expect_type(values, "double")
  expect_length(values, 1e6)
  expect_null(attributes(values))
  expect_identical(values[1e6], as_float32(0.1 / (1 + 0.5 * 999999)))
  expect_identical(s(as.double(0:999999)), values)
  expect_identical(s(5), as_float32(0.1 / (1 + 0.5 * 5)))
})

test_that("NA and NaN steps give NA; negative, infinite and non-numeric steps are errors", {
  s <- learning_rate_schedule_inverse_time_decay(0.1, 1, 0.5)
  expect_identical(s(c(1, NA, 3))[2], NA_real_)
  expect_identical(s(c(1, NaN, 3))[2], NA_real_)
  expect_identical(s(c(1L, NA_integer_))[2], NA_real_)
  expect_false(is.na(s(c(1, NA, 3))[1]))
  expect_error(s(-1), class = "inversetimedecay_argument_error", regexp = "`step`")
  expect_error(s(Inf), class = "inversetimedecay_argument_error", regexp = "`step`")
  expect_error(s("1"), class = "inversetimedecay_argument_error", regexp = "`step`")
  expect_error(s(TRUE), class = "inversetimedecay_argument_error", regexp = "`step`")
})

test_that("a bad step is named by its value wherever it is, in an error from the user's call", {
  s <- learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5)
  check <- function(call, shown, class = "inversetimedecay_argument_error") {
    condition <- tryCatch(eval(call), error = identity)
    expect_s3_class(condition, class)
    expect_identical(conditionCall(condition), call)
    expect_match(conditionMessage(condition), paste0("Received: step=", shown, "$"))
  }
  check(quote(s(-1L)), "-1L")
  check(quote(s(-1)), "-1")
  check(quote(s(c(0L, 3L, -2L, -5L))), "-2L")
  check(quote(s(c(0, 3, -2.5, -5))), "-2.5")
  check(quote(s(c(0, 3, Inf))), "Inf")
  skip_if_no_keras()
  np <- reticulate::import("numpy", convert = FALSE)
  # Python's check, through with_python_errors(): a numpy step.
  check(quote(s(np$array(-1L))), "-1", class = "inversetimedecay_python_ValueError")
  # R numbers are checked in R, whatever the dtype: a half-precision
  # schedule's errors are a float32 one's.
  half <- learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5, dtype = "float16")
  check(quote(half(c(1, -1))), "-1")
  check(quote(half(c(1, Inf))), "Inf")
})

test_that("the C code leaves R's protection stack balanced, on every return", {
  # R reports an unbalanced .Call on stderr, not as a condition.
  out <- run_rscript(c(
    "library(inversetimedecay)",
    "s <- learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5)",
    "invisible(s(0:3)); invisible(s(c(0.5, 2)))",
    "for (step in list(-1L, -1, Inf)) try(s(step), silent = TRUE)",
    "cat('done\\n')"
  ))
  expect_identical(out, "done")
})

test_that("decay_steps = 0.5 is never truncated", {
  s <- learning_rate_schedule_inverse_time_decay(0.1, 0.5, 0.5)
  expect_identical(s$decay_steps, 0.5)
  expect_identical(s(1), as_float32(0.1 / (1 + 0.5 * 2)))
})

test_that("a whole decay_steps beyond int64 takes the float path, with no overflow", {
  for (staircase in c(FALSE, TRUE)) {
    s <- learning_rate_schedule_inverse_time_decay(0.1, 1e300, 0.5, staircase = staircase)
    expect_identical(s(c(0L, 5L, .Machine$integer.max)), rep(as_float32(0.1), 3))
    expect_identical(s(c(0, 2^64, 1e300)), as_float32(c(0.1, 0.1, 0.1 / 1.5)))
    s20 <- learning_rate_schedule_inverse_time_decay(0.1, 1e20, 0.5, staircase = staircase)
    expect_identical(s20(3e20), as_float32(formula_rate(0.1, 1e20, 0.5, 3e20, staircase)))
  }
})

test_that("decay_rate = 0 gives the initial rate at every step, never NaN", {
  s <- learning_rate_schedule_inverse_time_decay(0.25, 1e-300, 0, staircase = TRUE)
  expect_identical(s(c(0, 1, 1e300)), rep(0.25, 3))
})

test_that("staircase floors exactly next to boundaries with a fractional decay_steps", {
  # 3 / 0.001 is 2999.99999999999993... in binary: the floor is 2999, where
  # the rounded quotient is 3000.
  s <- learning_rate_schedule_inverse_time_decay(1, 0.001, 1, staircase = TRUE)
  expect_identical(s(3), as_float32(1 / 3000))
  expect_identical(s(3L), as_float32(1 / 3000))
  expect_identical(s(c(2.5, 4.5)), as_float32(1 / (1 + c(2499, 4499))))
})

test_that("bit64 integer64 numbers give the values of the same doubles, and beyond 2^53 an error", {
  skip_if_not_installed("bit64")
  i64 <- bit64::as.integer64
  s <- learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5, staircase = TRUE)
  steps <- c(0, 9, 10, 25, 2^53)
  expect_identical(s(i64(steps)), as_float32(formula_rate(0.1, 10, 0.5, steps, TRUE)))
  # A missing integer64 step gives NA, as a missing double step does.
  expect_identical(s(i64(c(25, NA))), c(as_float32(formula_rate(0.1, 10, 0.5, 25, TRUE)), NA))
  built <- learning_rate_schedule_inverse_time_decay(i64(1), i64(10), i64(2))
  expect_identical(built(0:3), as_float32(formula_rate(1, 10, 2, 0:3)))
  expect_identical(built$decay_steps, 10)
  for (arg in c("initial_learning_rate", "decay_steps", "decay_rate")) {
    args <- list(initial_learning_rate = 0.1, decay_steps = 10, decay_rate = 0.5)
    args[[arg]] <- i64("9007199254740993")  # 2^53 + 1: no double holds it
    condition <- tryCatch(do.call(learning_rate_schedule_inverse_time_decay, args),
                          error = identity)
    expect_s3_class(condition, "inversetimedecay_argument_error")
    expect_identical(condition$argument, arg)
    expect_match(conditionMessage(condition), "at most 2^53", fixed = TRUE)
    # The value as the user would type it, its 64 bits kept.
    expect_match(conditionMessage(condition),
                 sprintf('Received: %s=bit64::as.integer64("9007199254740993")', arg),
                 fixed = TRUE)
  }
  expect_error(s(i64(c(1, -3))), class = "inversetimedecay_argument_error", regexp = "`step`")
  expect_error(s(i64("9007199254740993")), class = "inversetimedecay_argument_error",
               regexp = "`step`")
})

test_that("dates, times and durations are refused, naming the argument", {
  s <- learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5)
  values <- list(Sys.Date(), Sys.time(), as.difftime(3, units = "hours"), as.POSIXlt(Sys.time()))
  for (value in values) {
    info <- class(value)[[1L]]
    step_error <- tryCatch(s(value), error = identity)
    expect_s3_class(step_error, "inversetimedecay_argument_error")
    expect_identical(step_error$argument, "step", info = info)
    rate_error <- tryCatch(learning_rate_schedule_inverse_time_decay(value, 10, 0.5),
                           error = identity)
    expect_identical(rate_error$argument, "initial_learning_rate", info = info)
  }
  # A plain number in a class that keeps its meaning still counts.
  expect_identical(s(I(5)), as_float32(formula_rate(0.1, 10, 0.5, 5)))
})

test_that("a logical NA, R's usual missing value, gives NA like other NA steps", {
  s <- learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5)
  expect_identical(s(NA), NA_real_)
  expect_identical(s(c(NA, NA)), c(NA_real_, NA_real_))
  expect_error(s(c(NA, TRUE)), class = "inversetimedecay_argument_error", regexp = "`step`")
})

test_that("float16 and bfloat16 rates are computed in R, rounded once, without Python", {
  skip_if_not_installed("callr")
  steps <- c(0, 1, 2, 4, 7, 99, 12345, NA, 2^31 - 1, 1e6 + 0.5, 2^40, 2^53, NaN)
  out <- callr::r(function(steps) {
    library(inversetimedecay)
    rates <- list()
    for (dtype in c("float16", "bfloat16")) {
      for (staircase in c(FALSE, TRUE)) {
        s <- learning_rate_schedule_inverse_time_decay(0.1, 3, 0.5, staircase = staircase,
                                                       dtype = dtype)
        rates[[paste(dtype, staircase)]] <- s(steps)
      }
    }
    # Halfway between float16's 1 and 1 + 2^-10: to the even one, 1. The
    # bfloat16 rate that rounding through float32 once made one ulp high.
    tie <- learning_rate_schedule_inverse_time_decay(1 + 2^-11, 1, 0, dtype = "float16")
    twice <- learning_rate_schedule_inverse_time_decay(2, 15584, 1, staircase = TRUE,
                                                       dtype = "bfloat16")
    list(rates = rates, tie = tie(5), twice = twice(2^40),
         reticulate = isNamespaceLoaded("reticulate"))
  }, args = list(steps = steps))
  for (dtype in c("float16", "bfloat16")) {
    for (staircase in c(FALSE, TRUE)) {
      expected <- as_16bit(formula_rate(0.1, 3, 0.5, steps, staircase), dtype)
      expect_identical(out$rates[[paste(dtype, staircase)]], expected,
                       info = paste(dtype, staircase))
    }
  }
  # 0.1 / (1 + 0.5 * 4 / 3) = 0.06, whose nearest float16 is 983 * 2^-14.
  expect_identical(out$rates[["float16 FALSE"]][[4]], 983 * 2^-14)
  expect_identical(out$tie, 1)
  expect_identical(out$twice, as_16bit(2 / (1 + floor(2^40 / 15584)), "bfloat16"))
  expect_false(out$reticulate)
})

test_that("a keras.json floatx of float16 gives float16 rates without Python", {
  home <- tempfile("keras-home-")
  dir.create(home)
  on.exit(unlink(home, recursive = TRUE), add = TRUE)
  writeLines('{"floatx": "float16"}', file.path(home, "keras.json"))
  out <- run_rscript(c(
    "library(inversetimedecay)",
    "s <- learning_rate_schedule_inverse_time_decay(0.1, 3, 0.5)",
    "cat(s$dtype, sprintf('%.17g', s(c(2, 4))), isNamespaceLoaded('reticulate'), sep = '\n')"
  ), env = paste0("KERAS_HOME=", home), stderr = FALSE)
  expected <- as_16bit(formula_rate(0.1, 3, 0.5, c(2, 4)), "float16")
  expect_identical(out, c("float16", sprintf("%.17g", expected), "FALSE"))
})

test_that("a dtype is checked in R, in every spelling the Python class takes by name", {
  skip_if_not_installed("callr")
  out <- callr::r(function() {
    library(inversetimedecay)
    f <- learning_rate_schedule_inverse_time_decay
    dtypes <- vapply(c("float16", "bfloat16", "float32", "float64"),
                     function(d) f(0.1, 3, 0.5, dtype = d)$dtype, "")
    errors <- lapply(list("float8", "half", "Float32", NA_character_, c("float16", "float32"), 16L),
                     function(d) tryCatch(f(0.1, 3, 0.5, dtype = d), error = identity))
    list(dtypes = dtypes, errors = errors, reticulate = isNamespaceLoaded("reticulate"))
  })
  expect_identical(unname(out$dtypes), c("float16", "bfloat16", "float32", "float64"))
  shown <- c('"float8"', '"half"', '"Float32"', "NA_character_", 'c("float16", "float32")', "16L")
  for (i in seq_along(shown)) {
    condition <- out$errors[[i]]
    expect_s3_class(condition, "inversetimedecay_argument_error")
    expect_identical(condition$argument, "dtype")
    expect_identical(conditionMessage(condition), paste0(
      "Argument `dtype` must be one of 'float16', 'bfloat16', 'float32', 'float64' or None. ",
      "Received: dtype=", shown[[i]]
    ))
  }
  expect_false(out$reticulate)
})

test_that("R follows keras.config.set_floatx(), however it was reached", {
  skip_if_no_keras()
  out <- run_rscript(c(
    "library(inversetimedecay)",
    "keras <- reticulate::import('keras')",
    # A reference taken before the package's module is imported, which a
    # patch of Keras's function would miss.
    "reticulate::py_run_string('from keras.config import set_floatx')",
    "s <- learning_rate_schedule_inverse_time_decay(0.1, 3, 0.5)",
    "invisible(keras_schedule(s))",
    "cat(s$dtype, sprintf('%.17g', s(2)), sep = '\\n')",
    "reticulate::py_run_string('import keras; keras.config.set_floatx(\"float64\")')",
    "cat(s$dtype, sprintf('%.17g', s(2)), sep = '\\n')",
    "reticulate::py_run_string('set_floatx(\"float16\")')",
    "h <- learning_rate_schedule_inverse_time_decay(0.1, 3, 0.5)",
    "e <- tryCatch(learning_rate_schedule_inverse_time_decay(70000, 3, 0.5), error = identity)",
    "cat(h$dtype, sprintf('%.17g', h(2)), class(e)[[1]], conditionMessage(e), sep = '\\n')"
  ), stderr = FALSE)
  rate <- formula_rate(0.1, 3, 0.5, 2)
  expect_identical(out[1:2], c("float32", sprintf("%.17g", as_float32(rate))))
  expect_identical(out[3:4], c("float64", sprintf("%.17g", rate)))
  expect_identical(out[5], "float16")
  # 0.1 / (1 + 1/3) = 0.075, whose nearest float16 is 0.0750122...
  expect_identical(as.numeric(out[6]), 1229 * 2^-14)
  expect_identical(out[7], "inversetimedecay_argument_error")
  expect_match(out[8], "must be at most 65504, the largest float16", fixed = TRUE)
})

test_that("before Python, R reads keras.json as Keras will, and agrees with Python after", {
  skip_if_no_keras()
  home <- tempfile("keras-home-")
  dir.create(home)
  on.exit(unlink(home, recursive = TRUE), add = TRUE)
  writeLines('{"floatx": "float64", "epsilon": 1e-07, "backend": "tensorflow"}',
             file.path(home, "keras.json"))
  out <- run_rscript(c(
    "library(inversetimedecay)",
    "s <- learning_rate_schedule_inverse_time_decay(0.1, 3, 0.5)",
    "cat(s$dtype, sprintf('%.17g', s(2)), sep = '\\n')",
    "cat(isNamespaceLoaded('reticulate'), '\\n')",
    # reticulate loaded, Python not started: asking for floatx must not start it.
    "invisible(loadNamespace('reticulate'))",
    "invisible(s(2))",
    "cat(reticulate::py_available(), '\\n')",
    "keras <- reticulate::import('keras')",
    "cat(keras$config$floatx(), s$dtype, sprintf('%.17g', s(2)), sep = '\\n')",
    "p <- as.numeric(keras_schedule(s)(2L)$numpy())",
    "cat(sprintf('%.17g', p), '\\n')"
  ), env = paste0("KERAS_HOME=", home), stderr = FALSE)
  rate <- formula_rate(0.1, 3, 0.5, 2)
  expect_identical(out[1:2], c("float64", sprintf("%.17g", rate)))
  expect_identical(trimws(out[3]), "FALSE")  # computed without starting Python
  expect_identical(trimws(out[4]), "FALSE")  # nor with reticulate loaded
  expect_identical(out[5:7], c("float64", "float64", sprintf("%.17g", rate)))
  expect_identical(trimws(out[8]), sprintf("%.17g", rate))
})

test_that("keras.json is looked for where Keras looks: KERAS_HOME, else ~/.keras", {
  home <- tempfile("home-")
  dir.create(file.path(home, ".keras"), recursive = TRUE)
  on.exit(unlink(home, recursive = TRUE), add = TRUE)
  expect_identical(keras_json_floatx(c(KERAS_HOME = NA, HOME = home)), "float32")
  writeLines('{\n  "floatx" :  "float16"\n}', file.path(home, ".keras", "keras.json"))
  expect_identical(keras_json_floatx(c(KERAS_HOME = NA, HOME = home)), "float16")
  expect_identical(keras_json_floatx(c(KERAS_HOME = home, HOME = home)), "float32")
  writeLines('{"floatx": "int8"}', file.path(home, "keras.json"))
  expect_identical(keras_json_floatx(c(KERAS_HOME = home, HOME = home)), "float32")
})
