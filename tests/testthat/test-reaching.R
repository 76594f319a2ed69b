# inverse_time_decay_reaching(): a schedule from its target, computed in R.
# The table of bad arguments is shared with the Python class's reaching().
good_reaching <- list(initial_learning_rate = 0.1, target_learning_rate = 0.01, at_step = 100,
                      decay_steps = 10)

test_that("the rate at at_step is the target, rounded to the dtype", {
  cases <- list(
    list(0.1, 0.001, 10000, 100, FALSE), list(0.5, 0.05, 12345, 7, FALSE),
    list(0.1, 0.01, 950, 100, TRUE), list(1, 1 / 3, 2^40, 3, TRUE),
    list(3e-4, 1e-5, 1e6 + 0.5, 0.25, FALSE)
  )
  for (case in cases) {
    for (dtype in c("float32", "float16", "bfloat16")) {
      s <- inverse_time_decay_reaching(case[[1]], case[[2]], at_step = case[[3]],
                                       decay_steps = case[[4]], staircase = case[[5]],
                                       dtype = dtype)
      round_to <- if (dtype == "float32") as_float32 else function(x) as_16bit(x, dtype)
      expect_identical(s(case[[3]]), round_to(case[[2]]), info = paste(dtype, case[[3]]))
      expect_identical(s$decay_rate, (case[[1]] / case[[2]] - 1) /
                         if (case[[5]]) floor(case[[3]] / case[[4]]) else case[[3]] / case[[4]])
    }
  }
  # With staircase, from the first step of the period holding at_step.
  stair <- inverse_time_decay_reaching(0.1, 0.01, at_step = 950, decay_steps = 100,
                                       staircase = TRUE)
  expect_identical(stair(c(899, 900, 950, 999, 1000)),
                   as_float32(c(formula_rate(0.1, 100, 1, 899, TRUE), 0.01, 0.01, 0.01,
                                formula_rate(0.1, 100, 1, 1000, TRUE))))
  # Equal to the initial rate: decay_rate 0, a constant rate.
  expect_identical(inverse_time_decay_reaching(0.1, 0.1, at_step = 5)$decay_rate, 0)
})

test_that("reaching is an ordinary schedule, made without Python", {
  skip_if_not_installed("callr")
  out <- callr::r(function() {
    library(inversetimedecay)
    s <- inverse_time_decay_reaching(0.1, 0.001, at_step = 10000, decay_steps = 100,
                                     name = "to 0.001")
    list(class = class(s), fields = unclass(lapply(names(s), function(f) s[[f]])),
         printed = capture.output(print(s)), summary = capture.output(print(summary(s))),
         reticulate = isNamespaceLoaded("reticulate"))
  })
  expect_identical(out$class, c("inversetimedecay_schedule", "function"))
  expect_identical(out$fields, list(0.1, 100, 0.99, FALSE, "to 0.001", "float32"))
  expect_match(out$printed[[2]], "rate(step) = 0.1 / (1 + 0.99 * step / 100)", fixed = TRUE)
  expect_match(out$summary[[2]], "initial_learning_rate 0.1, decay_steps 100, decay_rate 0.99",
               fixed = TRUE)
  expect_false(out$reticulate)
})

test_that("every row of the shared reaching table is refused with the shared message", {
  table <- utils::read.delim(test_path("..", "bad_reaching_arguments.tsv"), quote = "",
                             na.strings = character(), colClasses = "character")
  table <- table[nzchar(table$r_value), ]
  expect_gt(nrow(table), 10L)
  for (i in seq_len(nrow(table))) {
    row <- table[i, ]
    value <- eval(parse(text = row$r_value)[[1L]], baseenv())
    args <- good_reaching
    args[row$argument] <- list(value)
    condition <- tryCatch(do.call(inverse_time_decay_reaching, args), error = identity)
    expect_s3_class(condition, "inversetimedecay_argument_error")
    expect_identical(condition$argument, row$argument, label = row$r_value)
    expect_identical(
      conditionMessage(condition),
      sprintf("Argument `%s` %s. Received: %s=%s", row$argument, row$problem,
              row$argument, paste(deparse(value), collapse = " ")),
      label = row$r_value
    )
  }
})

test_that("the staircase, missing and overflowing cases are refused in the Python class's words", {
  f <- inverse_time_decay_reaching
  condition <- tryCatch(f(0.1, 0.01, at_step = 5, decay_steps = 10, staircase = TRUE),
                        error = identity)
  expect_identical(conditionMessage(condition), paste(
    "Argument `at_step` must be at least decay_steps (10) with staircase, where the first",
    "period keeps the initial rate. Received: at_step=5"
  ))
  expect_identical(conditionCall(condition),
                   quote(f(0.1, 0.01, at_step = 5, decay_steps = 10, staircase = TRUE)))
  expect_error(f(0.1, 0.01), class = "inversetimedecay_argument_error", regexp = "`at_step`")
  expect_error(f(1e300, 1e-300, at_step = 1e-300), class = "inversetimedecay_argument_error",
               regexp = "too far below 1e+300", fixed = TRUE)
  expect_error(f(0.1, 0.01, at_step = 10, dtype = "float8"),
               class = "inversetimedecay_argument_error", regexp = "`dtype`")
})
