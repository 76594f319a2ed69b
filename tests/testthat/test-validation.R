# Each row: the argument, a bad value, given as a call so that missing and
# `...` cases fit too.
bad_inputs <- list(
  list("initial_learning_rate", quote(f(NULL, 10, 0.5))),
  list("initial_learning_rate", quote(f(NA, 10, 0.5))),
  list("initial_learning_rate", quote(f(NA_real_, 10, 0.5))),
  list("initial_learning_rate", quote(f(NaN, 10, 0.5))),
  list("initial_learning_rate", quote(f(Inf, 10, 0.5))),
  list("initial_learning_rate", quote(f(-Inf, 10, 0.5))),
  list("initial_learning_rate", quote(f(-0.1, 10, 0.5))),
  list("initial_learning_rate", quote(f("0.1", 10, 0.5))),
  list("initial_learning_rate", quote(f(TRUE, 10, 0.5))),
  list("initial_learning_rate", quote(f(1i, 10, 0.5))),
  list("initial_learning_rate", quote(f(c(0.1, 0.2), 10, 0.5))),
  list("initial_learning_rate", quote(f(numeric(0), 10, 0.5))),
  list("initial_learning_rate", quote(f(list(0.1), 10, 0.5))),
  list("initial_learning_rate", quote(f(decay_steps = 10, decay_rate = 0.5))),
  list("decay_steps", quote(f(0.1, 0, 0.5))),
  list("decay_steps", quote(f(0.1, -1L, 0.5))),
  list("decay_steps", quote(f(0.1, NA_integer_, 0.5))),
  list("decay_steps", quote(f(0.1, NaN, 0.5))),
  list("decay_steps", quote(f(0.1, Inf, 0.5))),
  list("decay_steps", quote(f(0.1, "10", 0.5))),
  list("decay_steps", quote(f(0.1, 1:2, 0.5))),
  list("decay_steps", quote(f(0.1, NULL, 0.5))),
  list("decay_steps", quote(f(0.1, factor(10), 0.5))),
  list("decay_rate", quote(f(0.1, 10, -0.5))),
  list("decay_rate", quote(f(0.1, 10, NA))),
  list("decay_rate", quote(f(0.1, 10, -Inf))),
  list("decay_rate", quote(f(0.1, 10, FALSE))),
  list("decay_rate", quote(f(0.1, 10, 2+0i))),
  list("decay_rate", quote(f(0.1, 10))),
  list("staircase", quote(f(0.1, 10, 0.5, staircase = "no"))),
  list("staircase", quote(f(0.1, 10, 0.5, staircase = NA))),
  list("staircase", quote(f(0.1, 10, 0.5, staircase = 1))),
  list("staircase", quote(f(0.1, 10, 0.5, staircase = c(TRUE, FALSE)))),
  list("staircase", quote(f(0.1, 10, 0.5, staircase = NULL))),
  list("...", quote(f(0.1, 10, 0.5, FALSE, "extra"))),
  list("name", quote(f(0.1, 10, 0.5, name = 1))),
  list("name", quote(f(0.1, 10, 0.5, name = c("a", "b")))),
  list("name", quote(f(0.1, 10, 0.5, name = NA_character_)))
)

test_that("the table holds at least 25 bad inputs", {
  expect_gte(length(bad_inputs), 25L)
})

test_that("every bad input is a classed error naming the argument", {
  f <- learning_rate_schedule_inverse_time_decay
  for (row in bad_inputs) {
    condition <- tryCatch(eval(row[[2]]), error = identity)
    label <- deparse(row[[2]])
    expect_s3_class(condition, "inversetimedecay_argument_error")
    expect_identical(condition$argument, row[[1]], label = label)
    expect_match(conditionMessage(condition), paste0("`", row[[1]], "`"), fixed = TRUE,
                 label = label)
    if (!grepl("missing", conditionMessage(condition))) {
      expect_match(conditionMessage(condition), paste0("Received: ", row[[1]], " = "),
                   fixed = TRUE, label = label)
    }
  }
})

test_that("the message shows the value received", {
  expect_error(
    learning_rate_schedule_inverse_time_decay(0.1, 0, 0.5),
    "Argument `decay_steps` must be > 0. Received: decay_steps = 0", fixed = TRUE
  )
  expect_error(
    learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5, staircase = "no"),
    "Received: staircase = \"no\"", fixed = TRUE
  )
})

test_that("bad inputs never touch Python and never crash the session", {
  skip_if_not_installed("callr")
  calls <- lapply(bad_inputs, `[[`, 2L)
  result <- callr::r(function(calls) {
    library(inversetimedecay)
    f <- learning_rate_schedule_inverse_time_decay
    classes <- vapply(calls, function(call) {
      class(tryCatch(eval(call), error = identity))[[1L]]
    }, character(1))
    list(classes = classes, python = reticulate::py_available(initialize = FALSE))
  }, args = list(calls = calls))
  expect_true(all(result$classes == "inversetimedecay_argument_error"))
  expect_false(result$python)
})
