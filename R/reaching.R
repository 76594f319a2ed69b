# A schedule chosen by its target: inverse_time_decay_reaching().

#' A schedule that reaches a target learning rate at a given step
#'
#' Builds the inverse-time-decay schedule that starts at
#' `initial_learning_rate` and has fallen to `target_learning_rate` at step
#' `at_step`, solving the formula for `decay_rate`:
#' `decay_rate = (initial_learning_rate / target_learning_rate - 1) / p`, with
#' `p = at_step / decay_steps`, or `floor(at_step / decay_steps)` with
#' `staircase = TRUE`. It returns the ordinary schedule of
#' [learning_rate_schedule_inverse_time_decay()], computed in R without
#' Python, with the same `decay_rate` to the bit as the Python class's
#' `InverseTimeDecay.reaching()`.
#'
#' The rate at `at_step` (with `staircase`, from the first step of the
#' period holding it) is the target rounded to the schedule's dtype, except
#' within about 2^-50 of a rounding boundary. A target equal to the initial
#' rate gives `decay_rate = 0`, a constant rate.
#'
#' @param initial_learning_rate The rate at step 0: a finite number >= 0.
#' @param target_learning_rate The rate at `at_step`: a finite number > 0,
#'   below `initial_learning_rate` or equal to it.
#' @param at_step The step at which the rate is the target: a finite number
#'   > 0; with `staircase`, at least `decay_steps`.
#' @inheritParams learning_rate_schedule_inverse_time_decay
#' @returns A schedule, as [learning_rate_schedule_inverse_time_decay()]
#'   returns.
#' @family inverse time decay schedule
#' @export
#' @examples
#' # From 0.1 down to 0.001 over 10,000 steps, decaying every 100 steps:
#' s <- inverse_time_decay_reaching(0.1, 0.001, at_step = 10000, decay_steps = 100)
#' s$decay_rate
#' s(c(0, 5000, 10000))
inverse_time_decay_reaching <- function(
    initial_learning_rate,
    target_learning_rate,
    at_step,
    decay_steps = 1,
    staircase = FALSE,
    ...,
    name = NULL) {
  call <- sys.call()
  missing_args <- c(
    initial_learning_rate = missing(initial_learning_rate),
    target_learning_rate = missing(target_learning_rate),
    at_step = missing(at_step)
  )
  if (any(missing_args)) {
    arg <- names(missing_args)[missing_args][[1L]]
    stop(argument_error(arg, "is missing, with no default", call = call))
  }
  dots <- check_dots(list(...), call)
  check_dtype(dots$dtype, call)
  check_name(name, call)
  rate <- check_number(initial_learning_rate, "initial_learning_rate", minimum = 0, call = call)
  target <- check_number(target_learning_rate, "target_learning_rate", minimum = 0, call = call,
                         strict = TRUE)
  if (target > rate) {
    abort_argument("target_learning_rate", sprintf(
      "must be below initial_learning_rate (%s), or equal to it for a constant rate",
      format(rate, digits = 15L)
    ), target_learning_rate, call)
  }
  steps <- check_number(decay_steps, "decay_steps", minimum = 0, call = call, strict = TRUE,
                        keep_integer = TRUE)
  staircase <- check_flag(staircase, "staircase", call)
  step <- check_number(at_step, "at_step", minimum = 0, call = call, strict = TRUE)
  if (staircase && step < steps) {
    abort_argument("at_step", sprintf(paste(
      "must be at least decay_steps (%s) with staircase, where the first period keeps the",
      "initial rate"
    ), format(steps, digits = 15L)), at_step, call)
  }
  # The float64 operations of the Python class's reaching(), in its order.
  periods <- if (staircase) {
    .Call(inversetimedecay_periods, step, as.double(steps))
  } else {
    step / steps
  }
  decay_rate <- (rate / target - 1) / periods
  if (is.infinite(decay_rate)) {
    abort_argument("target_learning_rate", sprintf(
      "is too far below %s for a finite decay_rate at step %s",
      format(rate, digits = 15L), format(step, digits = 15L)
    ), target_learning_rate, call)
  }
  learning_rate_schedule_inverse_time_decay(
    rate, steps, decay_rate, staircase = staircase, ..., name = name
  )
}
