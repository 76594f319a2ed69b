# What an R user does with a schedule: hand it to Keras, print it, plot it,
# tabulate it, read its fields.

#' The Keras schedule behind an R schedule
#'
#' Returns the Python `LearningRateSchedule` (the class
#' `inverse_time_decay.InverseTimeDecay`) that the R schedule stands for,
#' starting Python if it has not started yet. The object is made once and
#' then reused. Keras optimizers get it by themselves through
#' [reticulate::r_to_py()]; call this to hand it to Python code explicitly.
#'
#' @param x A schedule made by [learning_rate_schedule_inverse_time_decay()].
#' @param call The call to name in errors raised by Python.
#' @returns A Python object inheriting from
#'   `keras.optimizers.schedules.LearningRateSchedule`.
#' @family inverse time decay schedule
#' @export
keras_schedule <- function(x, call = sys.call()) {
  if (!inherits(x, "inversetimedecay_schedule")) {
    abort_argument("x", "must be a schedule made by learning_rate_schedule_inverse_time_decay()", x)
  }
  env <- environment(x)
  if (is.null(env$python)) {
    env$python <- with_python_errors(
      python_schedule(python_arguments(env$params)),
      call = call
    )
  }
  env$python
}

#' @exportS3Method reticulate::r_to_py
r_to_py.inversetimedecay_schedule <- function(x, convert = FALSE) {
  keras_schedule(x)
}

# Fields answer in R and never start Python. Any other name is looked up on
# the Keras schedule, so that helpers written for Keras objects work as they
# do on Keras's own schedules: keras3's get_config(object) is
# `object$get_config()` and `` object$`__class__` ``.
#' @export
`$.inversetimedecay_schedule` <- function(x, name) {
  params <- environment(x)$params
  if (identical(name, "dtype")) {
    return(schedule_dtype(params))
  }
  if (name %in% names(params)) {
    return(params[[name]])
  }
  call <- sys.call(-1L)
  python <- tryCatch(keras_schedule(x, call = call), error = function(e) e)
  if (!inherits(python, "error") && reticulate::py_has_attr(python, name)) {
    return(python[[name]])
  }
  fields <- paste0("`", names(params), "`", collapse = ", ")
  stop(package_error("inversetimedecay_field_error", paste0(
    sprintf("A schedule has no field `%s`. Its fields are %s; ", name, fields),
    "any other name is an attribute of the Keras schedule, keras_schedule(x), ",
    if (inherits(python, "error")) {
      paste("which could not be made:", conditionMessage(python))
    } else {
      sprintf("which has no attribute `%s` either.", name)
    }
  ), call = call))
}

#' @export
`[[.inversetimedecay_schedule` <- `$.inversetimedecay_schedule`

#' @export
names.inversetimedecay_schedule <- function(x) {
  names(environment(x)$params)
}

#' @export
format.inversetimedecay_schedule <- function(x, steps = 0:4, ...) {
  params <- environment(x)$params
  number <- function(v) format(v, digits = 15L)
  step_text <- if (params$staircase) {
    sprintf("floor(step / %s)", number(params$decay_steps))
  } else {
    sprintf("step / %s", number(params$decay_steps))
  }
  values <- x(steps)
  c(
    "<InverseTimeDecay> Keras learning-rate schedule (inversetimedecay)",
    sprintf(
      "  rate(step) = %s / (1 + %s * %s)",
      number(params$initial_learning_rate), number(params$decay_rate), step_text
    ),
    sprintf(
      "  mode: %s   name: \"%s\"   dtype: %s",
      if (params$staircase) "staircase" else "continuous", params$name,
      x$dtype
    ),
    sprintf(
      "  step %s: %s",
      paste(format(steps), collapse = ", "),
      paste(format(signif(values, 7L)), collapse = ", ")
    )
  )
}

#' @export
print.inversetimedecay_schedule <- function(x, ...) {
  writeLines(format(x, ...))
  invisible(x)
}

#' Draw or tabulate a schedule's learning-rate curve
#'
#' `plot()` draws the learning rate against the step with base graphics, a
#' step function for a staircase schedule. `as.data.frame()` returns the same
#' values as a data frame.
#'
#' @param x A schedule made by [learning_rate_schedule_inverse_time_decay()].
#' @param steps The optimizer steps: non-negative numbers.
#' @param xlab,ylab,main,type Passed on to [graphics::plot()].
#' @param ... Passed on to [graphics::plot()]; ignored by `as.data.frame()`.
#' @param row.names,optional Unused; there for the generic.
#' @returns `plot()`: the data frame of the curve, invisibly.
#'   `as.data.frame()`: a data frame with columns `step` and `learning_rate`.
#' @family inverse time decay schedule
#' @examples
#' schedule <- learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5, staircase = TRUE)
#' plot(schedule, steps = 0:100)
#' head(as.data.frame(schedule, steps = 0:100))
#' @export
plot.inversetimedecay_schedule <- function(
    x, steps = 0:100, xlab = "step", ylab = "learning rate",
    main = NULL, type = NULL, ...) {
  params <- environment(x)$params
  curve <- as.data.frame(x, steps = steps)
  main <- main %||% sprintf(
    "%s: %s / (1 + %s * %s)", params$name,
    format(params$initial_learning_rate), format(params$decay_rate),
    if (params$staircase) {
      sprintf("floor(step / %s)", format(params$decay_steps))
    } else {
      sprintf("step / %s", format(params$decay_steps))
    }
  )
  type <- type %||% if (params$staircase) "s" else "l"
  graphics::plot(
    curve$step, curve$learning_rate, type = type, xlab = xlab, ylab = ylab,
    main = main, ...
  )
  invisible(curve)
}

#' @rdname plot.inversetimedecay_schedule
#' @export
as.data.frame.inversetimedecay_schedule <- function(
    x, row.names = NULL, optional = FALSE, ..., steps = 0:100) {
  data.frame(step = steps, learning_rate = x(steps))
}
