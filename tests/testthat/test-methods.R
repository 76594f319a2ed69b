test_that("print and format show class, formula, mode, name and values", {
  s <- learning_rate_schedule_inverse_time_decay(0.1, 1, 0.5, name = "decay")
  text <- format(s)
  expect_match(text[1], "InverseTimeDecay", fixed = TRUE)
  expect_match(text[2], "0.1 / (1 + 0.5 * step / 1)", fixed = TRUE)
  expect_match(text[3], "continuous", fixed = TRUE)
  expect_match(text[3], "\"decay\"", fixed = TRUE)
  expect_match(text[4], format(signif(as_float32(0.1 / 1.5), 7)), fixed = TRUE)
  stair <- learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5, staircase = TRUE)
  expect_match(format(stair)[2], "floor(step / 10)", fixed = TRUE)
  expect_match(format(stair)[3], "staircase", fixed = TRUE)
  expect_output(print(s), "InverseTimeDecay")
})

test_that("as.data.frame gives step and learning_rate columns", {
  s <- learning_rate_schedule_inverse_time_decay(0.1, 2, 0.5, staircase = TRUE)
  curve <- as.data.frame(s, steps = 0:9)
  expect_named(curve, c("step", "learning_rate"))
  expect_identical(curve$step, 0:9)
  expect_identical(curve$learning_rate, as_float32(0.1 / (1 + 0.5 * floor(0:9 / 2))))
})

test_that("plot draws the curve with labelled axes", {
  s <- learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5, staircase = TRUE)
  file <- tempfile(fileext = ".png")
  grDevices::png(file)
  curve <- plot(s, steps = 0:100)
  grDevices::dev.off()
  expect_gt(file.size(file), 1000)
  expect_identical(nrow(curve), 101L)
})

test_that("fields are available with $", {
  s <- learning_rate_schedule_inverse_time_decay(0.1, 3L, 0.5)
  expect_identical(s$initial_learning_rate, 0.1)
  expect_identical(s$decay_steps, 3L)
  expect_identical(s$staircase, FALSE)
  expect_identical(s$name, "InverseTimeDecay")
  expect_identical(s$dtype, "float32")
})

test_that("fields answer in R and start no Python", {
  skip_if_not_installed("callr")
  result <- callr::r(function() {
    library(inversetimedecay)
    s <- learning_rate_schedule_inverse_time_decay(0.1, 3L, 0.5)
    list(names = names(s), dtype = s$dtype, bracket = s[["decay_rate"]], name = s$name,
         reticulate = isNamespaceLoaded("reticulate"))
  })
  expect_identical(result$names, c("initial_learning_rate", "decay_steps", "decay_rate",
                                   "staircase", "name", "dtype"))
  expect_identical(result$dtype, "float32")
  expect_identical(result$bracket, 0.5)
  expect_identical(result$name, "InverseTimeDecay")
  expect_false(result$reticulate)
})

test_that("a name that is neither a field nor a Keras attribute is an R error listing the fields", {
  skip_if_no_keras()
  s <- learning_rate_schedule_inverse_time_decay(0.1, 3L, 0.5)
  condition <- tryCatch(s$momentum, error = identity)
  expect_identical(class(condition)[[1]], "inversetimedecay_field_error")
  message <- conditionMessage(condition)
  expect_match(message, "no field `momentum`", fixed = TRUE)
  fields <- c("initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name", "dtype")
  for (field in fields) {
    expect_match(message, paste0("`", field, "`"), fixed = TRUE)
  }
  expect_match(message, "keras_schedule(x), which has no attribute `momentum` either.",
               fixed = TRUE)
  expect_identical(conditionCall(condition), quote(s$momentum))
})

test_that("a near miss of a field is an error naming the field, and starts no Python", {
  skip_if_not_installed("callr")
  out <- callr::r(function() {
    library(inversetimedecay)
    s <- learning_rate_schedule_inverse_time_decay(0.1, 3L, 0.5)
    misses <- list(quote(s$decay_step), quote(s$stair_case), quote(s[["Decay_Rate"]]),
                   quote(s$nam), quote(s$initial_learningrate))
    list(errors = lapply(misses, function(e) tryCatch(eval(e), error = identity)),
         reticulate = isNamespaceLoaded("reticulate"))
  })
  meant <- c("decay_steps", "staircase", "decay_rate", "name", "initial_learning_rate")
  given <- c("decay_step", "stair_case", "Decay_Rate", "nam", "initial_learningrate")
  for (i in seq_along(meant)) {
    condition <- out$errors[[i]]
    expect_s3_class(condition, "inversetimedecay_field_error")
    expect_match(conditionMessage(condition), sprintf(
      "A schedule has no field `%s`; did you mean `%s`? Its fields are `initial_learning_rate`",
      given[[i]], meant[[i]]
    ), fixed = TRUE)
  }
  expect_identical(conditionCall(out$errors[[1]]), quote(s$decay_step))
  expect_false(out$reticulate)
})

# keras3 1.5.1's get_config() and from_config() (R/layer-methods.R), as
# written there: `object$get_config()`, `` object$`__class__` ``, then the
# class's from_config().
test_that("keras3's get_config()/from_config() contract clones the schedule", {
  skip_if_no_keras()
  s <- learning_rate_schedule_inverse_time_decay(0.5, 3L, 0.5, staircase = TRUE, name = "stairs")
  config <- s$get_config()
  attr(config, "__class__") <- s$`__class__`
  expect_identical(config[c("initial_learning_rate", "decay_steps", "decay_rate",
                            "staircase", "name", "dtype")],
                   list(initial_learning_rate = 0.5, decay_steps = 3L, decay_rate = 0.5,
                        staircase = TRUE, name = "stairs", dtype = NULL))
  class <- attr(config, "__class__", TRUE)
  clone <- do.call(class$from_config, list(config))
  expect_s3_class(clone, "inverse_time_decay.schedule.InverseTimeDecay")
  steps <- c(0, 2, 3, 5, 6, 1000)
  expect_identical(
    as.numeric(clone$numpy_values(reticulate::np_array(steps))),
    as_float32(formula_rate(0.5, 3, 0.5, steps, staircase = TRUE))
  )
  # Other attributes of the Keras schedule answer too; fields stay R's.
  rate <- s$`__call__`(4L)$numpy()
  expect_identical(as.numeric(rate), as_float32(formula_rate(0.5, 3, 0.5, 4, TRUE)))
  expect_identical(s$name, "stairs")
})

test_that("keras 2.15's get_config() needs a Python object: the help page gives the route", {
  # keras 2.15's get_config() calls reticulate::py_get_attr(object, "get_config"),
  # which takes only a Python object, never an R function.
  rd <- tools::Rd_db("inversetimedecay")[["keras_schedule.Rd"]]
  text <- paste(capture.output(tools::Rd2txt(rd, options = list(underline_titles = FALSE))),
                collapse = " ")
  expect_match(gsub("\\s+", " ", text), "get_config(keras_schedule(s))", fixed = TRUE)
})

test_that("format shows 15 significant digits of the numbers and 7 of the rates", {
  s <- learning_rate_schedule_inverse_time_decay(
    0.123456789012345678, 7.5, 0.25, staircase = TRUE, name = "x"
  )
  expect_identical(format(s), c(
    "<InverseTimeDecay> Keras learning-rate schedule (inversetimedecay)",
    "  rate(step) = 0.123456789012346 / (1 + 0.25 * floor(step / 7.5))",
    "  mode: staircase   name: \"x\"   dtype: float32",
    "  step 0, 1, 2, 3, 4: 0.1234568, 0.1234568, 0.1234568, 0.1234568, 0.1234568"
  ))
  expect_identical(format(s, steps = 15L)[[4L]], "  step 15: 0.08230452")  # 1 / 1.5 of it
})

test_that("as.data.frame and plot take steps 0 to 100 by default", {
  s <- learning_rate_schedule_inverse_time_decay(0.1, 1, 0.5)
  curve <- as.data.frame(s)
  expect_identical(curve$step, 0:100)
  expect_identical(curve$learning_rate, as_float32(0.1 / (1 + 0.5 * (0:100))))
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off(), add = TRUE)
  expect_identical(plot(s), curve)
})

test_that("format shows 7 significant digits of the rates whatever options(digits) says", {
  old <- options(digits = 15L)
  on.exit(options(old), add = TRUE)
  s <- learning_rate_schedule_inverse_time_decay(1, 1, 2)
  # 1/3 in float32 is 0.3333333432674407958984375.
  expect_identical(format(s, steps = 1L)[[4L]], "  step 1: 0.3333333")
})

test_that("an unknown field's error is raised from the user's own call", {
  s <- learning_rate_schedule_inverse_time_decay(0.1, 3L, 0.5)
  expect_identical(conditionCall(tryCatch(s$decay_step, error = identity)), quote(s$decay_step))
  expect_identical(
    conditionCall(tryCatch(s[["rate"]], error = identity)), quote(s[["rate"]])
  )
})

test_that("fields are read-only, with an error that says how to make a changed copy", {
  s <- learning_rate_schedule_inverse_time_decay(0.1, 3, 0.5)
  condition <- tryCatch(s$decay_rate <- 2, error = identity)
  expect_s3_class(condition, "inversetimedecay_field_error")
  expect_match(conditionMessage(condition), "read-only, so `decay_rate` cannot be set",
               fixed = TRUE)
  expect_match(conditionMessage(condition), "learning_rate_schedule_inverse_time_decay()",
               fixed = TRUE)
  expect_error(s[["name"]] <- "x", class = "inversetimedecay_field_error")
  expect_identical(s$decay_rate, 0.5)
})

test_that("summary() gives the fields, where the rate halves and the range of rates", {
  continuous <- summary(learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5))
  expect_s3_class(continuous, "summary.inversetimedecay_schedule")
  expect_identical(continuous$halved_at, 20)  # where half of step / 10 reaches one
  expect_identical(continuous$rates, as_float32(formula_rate(0.1, 10, 0.5, c(1000, 0))))
  stairs <- summary(learning_rate_schedule_inverse_time_decay(0.1, 10, 0.3, staircase = TRUE),
                    steps = 0:50)
  expect_identical(stairs$halved_at, 40)  # four whole periods: 0.3 times 4 reaches one
  expect_identical(stairs$steps, c(0L, 50L))
  expect_identical(summary(learning_rate_schedule_inverse_time_decay(0.1, 10, 0))$halved_at, Inf)
  expect_identical(capture.output(print(stairs)), c(
    "InverseTimeDecay schedule \"InverseTimeDecay\" (staircase, float32)",
    "  initial_learning_rate 0.1, decay_steps 10, decay_rate 0.3",
    "  the rate has halved by step 40",
    "  steps 0 to 50: rates from 0.1 down to 0.04"
  ))
})

test_that("print shows the rate's digits under any digits option, and escapes the name", {
  s <- learning_rate_schedule_inverse_time_decay(0.1, 1, 0.5, name = "a \"b\"\nc")
  shown <- withr::with_options(list(digits = 22), format(s))
  expect_identical(shown[[3L]], "  mode: continuous   name: \"a \\\"b\\\"\\nc\"   dtype: float32")
  expect_identical(shown[[4L]], paste0(
    "  step 0, 1, 2, 3, 4: 0.10000000, 0.06666667, 0.05000000, 0.04000000, 0.03333334"
  ))
  expect_identical(withr::with_options(list(digits = 22), format(s)), format(s))
})

test_that("plotting no steps is an error naming `steps`", {
  s <- learning_rate_schedule_inverse_time_decay(0.1, 1, 0.5)
  condition <- tryCatch(plot(s, steps = numeric(0)), error = identity, warning = identity)
  expect_s3_class(condition, "inversetimedecay_argument_error")
  expect_identical(condition$argument, "steps")
})

test_that("errors name the exported function the user called, wherever it is called from", {
  g <- function() keras_schedule(1)
  condition <- tryCatch(g(), error = identity)
  expect_s3_class(condition, "inversetimedecay_argument_error")
  expect_identical(conditionCall(condition), quote(keras_schedule(1)))
  h <- function() learning_rate_schedule_inverse_time_decay(0.1, 0, 0.5)
  expect_identical(conditionCall(tryCatch(h(), error = identity)),
                   quote(learning_rate_schedule_inverse_time_decay(0.1, 0, 0.5)))
})

test_that("print and summary show fields and steps to 15 significant digits", {
  # Thirds and sevenths need every digit: printf's %.15g, written apart from
  # format(), says what 15 of them are.
  g15 <- function(v) sprintf("%.15g", v)
  s <- learning_rate_schedule_inverse_time_decay(1 / 3, 2 / 3, 1 / 7)
  shown <- format(s, steps = c(1 / 3, 2 / 3))
  expect_identical(shown[[2L]], sprintf(
    "  rate(step) = %s / (1 + %s * step / %s)", g15(1 / 3), g15(1 / 7), g15(2 / 3)
  ))
  expect_identical(sub(":.*", "", shown[[4L]]), sprintf("  step %s, %s", g15(1 / 3), g15(2 / 3)))
  summed <- capture.output(print(summary(s, steps = c(1 / 3, 1e6 / 3))))
  expect_identical(summed[[2L]], sprintf(
    "  initial_learning_rate %s, decay_steps %s, decay_rate %s", g15(1 / 3), g15(2 / 3), g15(1 / 7)
  ))
  # The rate halves where step / decay_steps * decay_rate reaches 1: 14 / 3.
  expect_identical(summed[[3L]], sprintf("  the rate has halved by step %s", g15(14 / 3)))
  # Rates to 7 significant digits, as printf's %.7g gives them.
  rates <- as_float32(formula_rate(1 / 3, 2 / 3, 1 / 7, c(1 / 3, 1e6 / 3)))
  expect_identical(summed[[4L]], sprintf(
    "  steps %s to %s: rates from %s down to %s",
    g15(1 / 3), g15(1e6 / 3), sprintf("%.7g", rates[[1L]]), sprintf("%.7g", rates[[2L]])
  ))
})

test_that("a field assignment's error names the operator the user wrote", {
  s <- learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5)
  dollar <- tryCatch(s$decay_rate <- 1, error = identity)
  expect_identical(conditionCall(dollar)[[1L]], as.name("$<-"))
  expect_identical(conditionCall(dollar)[[3L]], as.name("decay_rate"))
  brackets <- tryCatch(s[["name"]] <- "x", error = identity)
  expect_identical(conditionCall(brackets)[[1L]], as.name("[[<-"))
})

test_that("summary() finds the halving step at decay_rate 1: one decay_steps", {
  # 1 / (1 + 1 * step / 10) is half the rate at step 10, continuous or not.
  expect_identical(summary(learning_rate_schedule_inverse_time_decay(0.1, 10, 1))$halved_at, 10)
  stairs <- learning_rate_schedule_inverse_time_decay(0.1, 10, 1, staircase = TRUE)
  expect_identical(summary(stairs)$halved_at, 10)
})

test_that("summary() gives the range of the rates that exist when a step is NA", {
  s <- learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5)
  expect_identical(
    summary(s, steps = c(0, NA, 10))$rates, as_float32(formula_rate(0.1, 10, 0.5, c(10, 0)))
  )
})

test_that("under a comma decimal mark, print, format and summary keep numbers apart", {
  s <- learning_rate_schedule_inverse_time_decay(0.1, 2.5, 0.5)
  withr_outdec <- function(code) {
    old <- options(OutDec = ",")
    on.exit(options(old))
    code
  }
  text <- withr_outdec(format(s, steps = c(0, 0.5, 5)))
  expect_identical(text[[4]], "  step 0,0; 0,5; 5,0: 0,10000000; 0,09090909; 0,05000000")
  printed <- withr_outdec(capture.output(print(s)))
  expect_match(printed[[4]], "^  step 0; 1; 2; 3; 4: 0,10000000; 0,08333334; ")
  summarised <- withr_outdec(capture.output(print(summary(s))))
  expect_identical(summarised[[2]], "  initial_learning_rate 0,1; decay_steps 2,5; decay_rate 0,5")
  # The usual decimal point keeps the usual separator.
  expect_identical(format(s, steps = c(0, 0.5))[[4]], "  step 0.0, 0.5: 0.10000000, 0.09090909")
})
