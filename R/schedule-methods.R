# What an R user does with a schedule: hand it to Keras, print it, plot it,
# tabulate it, read its fields.

#' The Keras schedule behind an R schedule
#'
#' Returns the Python `LearningRateSchedule` (the class
#' `inverse_time_decay.InverseTimeDecay`) that the R schedule stands for,
#' starting Python if it has not started yet. The object is made once and
#' then reused. Keras optimizers get it by themselves through
#' [reticulate::r_to_py()]; call this to hand it to Python code explicitly,
#' or to the keras 2.15 package's `get_config()`, which reads the attribute
#' with [reticulate::py_get_attr()]: `get_config(keras_schedule(s))`.
#'
#' @param x A schedule made by [learning_rate_schedule_inverse_time_decay()].
#' @param call The call to name in errors raised by Python.
#' @returns A Python object, a Keras schedule: it inherits from
#'   `keras.optimizers.schedules.LearningRateSchedule`.
#' @family inverse time decay schedule
#' @export
keras_schedule <- function(x, call = sys.call()) {
  if (!inherits(x, "inversetimedecay_schedule")) {
    abort_argument(
      "x", "must be a schedule made by learning_rate_schedule_inverse_time_decay()", x, call
    )
  }
  cache <- environment(x)$cache
  # A pointer from another session (the schedule was saved and read back)
  # is null: the Python schedule is made again from the fields.
  if (is.null(cache$python) || reticulate::py_is_null_xptr(cache$python)) {
    cache$python <- with_python_errors(
      python_schedule(python_arguments(schedule_params(x))),
      call = call
    )
  }
  cache$python
}

#' @exportS3Method reticulate::r_to_py
r_to_py.inversetimedecay_schedule <- function(x, convert = FALSE) {
  keras_schedule(x)
}

# Fields answer in R and never start Python, and nor does a near miss of one
# (`s$decay_step`), which is an error naming the field. Any other name is
# looked up on the Keras schedule, so that helpers written for Keras objects
# work as they do on Keras's own schedules: keras3's get_config(object) is
# `object$get_config()` and `` object$`__class__` ``.
#' @export
`$.inversetimedecay_schedule` <- function(x, name) {
  params <- schedule_params(x)
  if (identical(name, "dtype")) {
    return(schedule_dtype(params))
  }
  if (name %in% names(params)) {
    return(params[[name]])
  }
  call <- sys.call(-1L)
  meant <- near_field(name, names(params))
  if (!is.null(meant)) {
    stop(package_error("inversetimedecay_field_error", sprintf(paste(
      "A schedule has no field `%s`; did you mean `%s`? Its fields are %s."
    ), name, meant, paste0("`", names(params), "`", collapse = ", ")), call = call))
  }
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

# The field a name misses by at most two letters (case aside), or NULL. Names
# the Keras schedule has, private ones and get_config(), are not misses.
near_field <- function(name, fields) {
  if (startsWith(name, "_") || name %in% c("get_config", "from_config")) {
    return(NULL)
  }
  distance <- utils::adist(name, fields, ignore.case = TRUE)[1L, ]
  if (min(distance) > 2L) NULL else fields[[which.min(distance)]]
}

#' @export
names.inversetimedecay_schedule <- function(x) {
  names(schedule_params(x))
}

# Fields are read-only: a schedule is a value, and Keras may hold the Python
# schedule made from it.
#' @export
`$<-.inversetimedecay_schedule` <- function(x, name, value) {
  stop(package_error("inversetimedecay_field_error", sprintf(paste(
    "The fields of a schedule are read-only, so `%s` cannot be set.",
    "Make a changed copy with learning_rate_schedule_inverse_time_decay(), giving",
    "the new %s and the other fields, such as schedule$decay_steps."
  ), name, name), call = sys.call(-1L)))
}

#' @export
`[[<-.inversetimedecay_schedule` <- `$<-.inversetimedecay_schedule`

# Two schedules are equal when their fields are: the Python schedule kept
# with one is a cache, not part of its value.
#' @method all.equal inversetimedecay_schedule
#' @export
all.equal.inversetimedecay_schedule <- function(target, current, ...) {
  if (!inherits(current, "inversetimedecay_schedule")) {
    return("`current` is not a schedule made by learning_rate_schedule_inverse_time_decay()")
  }
  all.equal(schedule_params(target), schedule_params(current), ...)
}

#' @export
format.inversetimedecay_schedule <- function(x, steps = 0:4, ...) {
  params <- schedule_params(x)
  # Explicit digits throughout: 15 for the fields, 7 for the rates, whatever
  # options(digits) says (22 would show the binary expansion of a float32).
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
      "  mode: %s   name: %s   dtype: %s",
      if (params$staircase) "staircase" else "continuous", encodeString(params$name, quote = "\""),
      x$dtype
    ),
    sprintf(
      "  step %s: %s",
      paste(format(steps, digits = 15L), collapse = list_separator()),
      paste(format(values, digits = 7L), collapse = list_separator())
    )
  )
}

# Between the numbers of a list: "; " where the decimal mark is a comma
# (options(OutDec = ",")), so that "0,1; 0,05" stays two numbers.
list_separator <- function() {
  if (identical(getOption("OutDec"), ",")) "; " else ", "
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
  params <- schedule_params(x)
  if (!length(steps)) {
    abort_argument("steps", "must hold at least one step to plot", steps, sys.call())
  }
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

#' Summarise a schedule
#'
#' The fields of the schedule, the step at which the rate has halved, and the
#' rates over `steps`.
#'
#' @param object A schedule made by [learning_rate_schedule_inverse_time_decay()].
#' @param steps The optimizer steps to summarise the rates over.
#' @param ... Unused; there for the generic.
#' @returns An object of class `summary.inversetimedecay_schedule`: a list
#'   with the fields, `halved_at` (the step from which the rate is at most
#'   half the initial rate, by the formula; `Inf` when `decay_rate` is 0),
#'   `steps` and `rates` (the first and last step, the smallest and largest
#'   rate over `steps`), which prints.
#' @family inverse time decay schedule
#' @examples
#' summary(learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5, staircase = TRUE))
#' @export
summary.inversetimedecay_schedule <- function(object, steps = 0:1000, ...) {
  params <- schedule_params(object)
  halved_at <- if (params$decay_rate == 0) {
    Inf
  } else {
    # decay_rate * p = 1, with p = step / decay_steps, or floor() of it.
    periods <- 1 / params$decay_rate
    if (params$staircase) ceiling(periods) * params$decay_steps else periods * params$decay_steps
  }
  rates <- object(steps)
  params$dtype <- object$dtype  # the dtype in force, not only a fixed one
  structure(
    c(params, list(
      halved_at = halved_at, steps = range(steps), rates = range(rates, na.rm = TRUE)
    )),
    class = "summary.inversetimedecay_schedule"
  )
}

#' @export
print.summary.inversetimedecay_schedule <- function(x, ...) {
  writeLines(c(
    sprintf("InverseTimeDecay schedule %s (%s, %s)", encodeString(x$name, quote = "\""),
            if (x$staircase) "staircase" else "continuous", x$dtype),
    sprintf("  initial_learning_rate %s%sdecay_steps %s%sdecay_rate %s",
            format(x$initial_learning_rate, digits = 15L), list_separator(),
            format(x$decay_steps, digits = 15L), list_separator(),
            format(x$decay_rate, digits = 15L)),
    sprintf("  the rate has halved by step %s", format(x$halved_at, digits = 15L)),
    sprintf("  steps %s to %s: rates from %s down to %s",
            format(x$steps[[1L]], digits = 15L), format(x$steps[[2L]], digits = 15L),
            format(x$rates[[2L]], digits = 7L), format(x$rates[[1L]], digits = 7L))
  ))
  invisible(x)
}
