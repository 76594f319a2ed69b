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

test_that("an unknown field is an R error listing the fields, and starts no Python", {
  skip_if_not_installed("callr")
  result <- callr::r(function() {
    library(inversetimedecay)
    s <- learning_rate_schedule_inverse_time_decay(0.1, 3L, 0.5)
    condition <- tryCatch(s$decay_step, error = identity)
    list(class = class(condition), message = conditionMessage(condition),
         names = names(s), dtype = s$dtype, bracket = s[["decay_rate"]],
         reticulate = isNamespaceLoaded("reticulate"))
  })
  expect_identical(result$class[[1]], "inversetimedecay_field_error")
  expect_match(result$message, "no field `decay_step`", fixed = TRUE)
  fields <- c("initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name", "dtype")
  for (field in fields) {
    expect_match(result$message, paste0("`", field, "`"), fixed = TRUE)
  }
  expect_match(result$message, "keras_schedule()", fixed = TRUE)
  expect_identical(result$names, c("initial_learning_rate", "decay_steps", "decay_rate",
                                   "staircase", "name", "dtype"))
  expect_identical(result$dtype, "float32")
  expect_identical(result$bracket, 0.5)
  expect_false(result$reticulate)
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
