# The bad constructor inputs both languages check, from one file: each row's
# R error must read "Argument `x` <problem>. Received: x=<value>", the
# Python class's message with the value in R's notation.
bad_arguments <- function() {
  table <- utils::read.delim(
    test_path("..", "bad_arguments.tsv"), quote = "", na.strings = character(),
    colClasses = "character"
  )
  table[nzchar(table$r_value), ]
}

good <- list(initial_learning_rate = 0.1, decay_steps = 10, decay_rate = 0.5)

# R-only cases: missing arguments and unnamed `...`, as calls.
r_only <- list(
  list("initial_learning_rate", quote(f(decay_steps = 10, decay_rate = 0.5))),
  list("decay_rate", quote(f(0.1, 10))),
  list("...", quote(f(0.1, 10, 0.5, FALSE, "extra")))
)

test_that("every row of the shared table is refused with the shared message", {
  f <- learning_rate_schedule_inverse_time_decay
  rows <- bad_arguments()
  # Every argument of the signature that takes a value has rows to refuse.
  expect_setequal(
    unique(rows$argument),
    setdiff(names(formals(learning_rate_schedule_inverse_time_decay)), "...")
  )
  for (i in seq_len(nrow(rows))) {
    row <- rows[i, ]
    value <- eval(parse(text = row$r_value)[[1L]], baseenv())
    args <- good
    args[row$argument] <- list(value)
    condition <- tryCatch(do.call(f, args), error = identity)
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

test_that("missing and unnamed arguments are refused naming the argument", {
  f <- learning_rate_schedule_inverse_time_decay
  for (row in r_only) {
    condition <- tryCatch(eval(row[[2]]), error = identity)
    expect_s3_class(condition, "inversetimedecay_argument_error")
    expect_identical(condition$argument, row[[1]], label = deparse(row[[2]]))
    expect_match(conditionMessage(condition), paste0("`", row[[1]], "`"), fixed = TRUE)
  }
})

test_that("the message shows the value received", {
  expect_error(
    learning_rate_schedule_inverse_time_decay(0.1, 0, 0.5),
    "Argument `decay_steps` must be > 0. Received: decay_steps=0", fixed = TRUE
  )
  expect_error(
    learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5, staircase = "no"),
    "Received: staircase=\"no\"", fixed = TRUE
  )
})

test_that("bad inputs never touch Python and never crash the session", {
  skip_if_not_installed("callr")
  rows <- bad_arguments()
  result <- callr::r(function(rows, good) {
    library(inversetimedecay)
    classes <- vapply(seq_len(nrow(rows)), function(i) {
      args <- good
      args[rows$argument[[i]]] <- list(eval(parse(text = rows$r_value[[i]])[[1L]], baseenv()))
      class(tryCatch(do.call(learning_rate_schedule_inverse_time_decay, args),
                     error = identity))[[1L]]
    }, character(1))
    list(classes = classes, python = reticulate::py_available(initialize = FALSE))
  }, args = list(rows = rows, good = good))
  expect_true(all(result$classes == "inversetimedecay_argument_error"))
  expect_false(result$python)
})

test_that("the error's call is the user's call", {
  condition <- tryCatch(learning_rate_schedule_inverse_time_decay(0.1, 0, 0.5), error = identity)
  expect_identical(conditionCall(condition)[[1L]], quote(learning_rate_schedule_inverse_time_decay))
})

test_that("a long value is cut to 80 characters in the message", {
  long <- c(strrep("a", 50), strrep("b", 50))
  # deparse() gives c("a...a", "b...b"); the first 77 characters and "...".
  shown <- paste0('c("', strrep("a", 50), '", "', strrep("b", 20), "...")
  expect_identical(nchar(shown), 80L)
  expect_error(
    learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5, name = long),
    paste0("Received: name=", shown), fixed = TRUE
  )
})

test_that("a value of 80 columns is shown whole, one of 81 is cut", {
  received <- function(value) {
    condition <- tryCatch(
      learning_rate_schedule_inverse_time_decay(0.1, 10, value),
      error = identity
    )
    sub(".*Received: decay_rate=", "", conditionMessage(condition))
  }
  # A string deparses with its two quotes.
  expect_identical(received(strrep("a", 78)), paste0('"', strrep("a", 78), '"'))
  expect_identical(received(strrep("a", 79)), paste0('"', strrep("a", 76), "..."))
  # Columns, not characters: a wide character takes two.
  wide <- intToUtf8(0x6F22)  # a CJK ideograph
  skip_if(nchar(deparse(wide), type = "width") != 4L, "the locale escapes or narrows CJK")
  expect_identical(received(strrep(wide, 39)), paste0('"', strrep(wide, 39), '"'))
  expect_identical(received(strrep(wide, 40)), paste0('"', strrep(wide, 38), "..."))
})

test_that("a Python object is shown by its class", {
  skip_if_not(reticulate::py_available(initialize = TRUE), "no Python for reticulate")
  condition <- tryCatch(
    learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5, name = reticulate::r_to_py(1L)),
    error = identity
  )
  expect_match(conditionMessage(condition), "Received: name=<python.builtin.int>", fixed = TRUE)
})

test_that("the boundaries themselves are accepted: zero rates, the largest float32", {
  zero_start <- learning_rate_schedule_inverse_time_decay(0, 10, 0.5)
  expect_identical(zero_start(0:3), rep(0, 4))
  constant <- learning_rate_schedule_inverse_time_decay(0.1, 10, 0)
  expect_identical(constant(c(0, 1e6)), rep(as_float32(0.1), 2))
  largest <- 3.4028234663852886e+38  # the largest float32
  expect_identical(largest, (2 - 2^-23) * 2^127)
  expect_identical(learning_rate_schedule_inverse_time_decay(largest, 1, 0)(0), largest)
  # One step alone, whose rate is zero: no error (the C code's error is a
  # negative index).
  expect_identical(zero_start(5), 0)
  expect_error(
    learning_rate_schedule_inverse_time_decay(largest * (1 + 2^-52), 1, 0),
    "must be at most", class = "inversetimedecay_argument_error"
  )
})

test_that("R integers stay integers only for decay_steps", {
  s <- learning_rate_schedule_inverse_time_decay(1L, 10L, 1L)
  expect_identical(s$initial_learning_rate, 1)
  expect_identical(s$decay_steps, 10L)
  expect_identical(s$decay_rate, 1)
})
