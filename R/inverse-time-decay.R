#' Inverse-time decay of the learning rate, for Keras optimizers
#'
#' @description
#' Builds a learning-rate schedule whose rate falls as one over a linear
#' function of the optimizer's step, from `initial_learning_rate`, for any
#' Keras optimizer's `learning_rate`. [inverse_time_decay_reaching()] builds
#' it from the rate to reach at a given step; [callback_learning_rate_log()]
#' puts the rate into the training history.
#'
#' \if{html}{\figure{inverse-time-decay.png}{options: width="100\%" alt="The curves"}}
#'
#' @details
#' At step `step` the rate is
#'
#' ```R
#' decayed_learning_rate <- function(step) {
#'   initial_learning_rate / (1 + decay_rate * step / decay_steps)
#' }
#' ```
#'
#' and, when `staircase` is `TRUE`, the step is counted in whole periods of
#' `decay_steps`, so the rate stays put within a period and drops at its end:
#'
#' ```R
#' decayed_learning_rate <- function(step) {
#'   initial_learning_rate / (1 + decay_rate * floor(step / decay_steps))
#' }
#' ```
#'
#' `step` is the optimizer's count of updates, which the optimizer passes to
#' the schedule itself at every update. With the keras package the schedule
#' is used like this, to decay as `1/t` at a rate of `0.5`:
#'
#' ```R
#' ...
#' initial_learning_rate <- 0.1
#' decay_steps <- 1.0
#' decay_rate <- 0.5
#' learning_rate_fn <- learning_rate_schedule_inverse_time_decay(
#'   initial_learning_rate, decay_steps, decay_rate)
#'
#' model %>%
#'   compile(optimizer = optimizer_sgd(learning_rate = learning_rate_fn),
#'           loss = 'sparse_categorical_crossentropy',
#'           metrics = 'accuracy')
#'
#' model %>% fit(data, labels, epochs = 5)
#' ```
#'
#' `vignette("choosing-decay", package = "inversetimedecay")` shows how the
#' arguments shape the curve; `summary()` says where the rate halves.
#'
#' # The R object
#' The schedule is an R function of the step. R numbers (integer, double or
#' bit64 `integer64` vectors of steps) give a numeric vector of rates,
#' computed in R without starting Python, rounded once to the schedule's
#' dtype: the same bits as the Python class. `NA` steps give `NA`; a
#' negative, infinite or non-numeric step is an error. Python steps (a
#' tensor, `optimizer$iterations`) give the Keras schedule's tensor.
#'
#' Its fields answer in R, read-only: `$initial_learning_rate`,
#' `$decay_steps`, `$decay_rate`, `$staircase`, `$name`, `$dtype`; a near miss
#' (`$decay_step`) is an error naming the field. Other names are the Keras
#' schedule's (`schedule$get_config()`), so keras3's `get_config()` works.
#' It prints, plots ([plot()]), converts to a data frame and survives
#' [saveRDS()]. Handed to Keras (an optimizer's `learning_rate`), it becomes
#' the Python class `inverse_time_decay.InverseTimeDecay` ([keras_schedule()]);
#' `library(inversetimedecay)` registers the class for loading saved models.
#'
#' # Errors, and keras3 or keras attached
#' Bad arguments are errors of class `inversetimedecay_argument_error`, raised
#' before Python starts, in the Python class's words: "Argument `decay_steps`
#' must be > 0. Received: decay_steps=0". Python's errors arrive as
#' `inversetimedecay_python_error`. keras3 and keras export a function of
#' this name too, which masks this one if attached after it: call
#' `inversetimedecay::learning_rate_schedule_inverse_time_decay()`.
#'
#' @param initial_learning_rate The rate at step 0: a finite number >= 0, an
#'   R number or a scalar float tensor.
#' @param decay_steps The length of one decay period: a finite number > 0,
#'   an R number or a scalar tensor.
#' @param decay_rate How much the rate's denominator grows per period: a
#'   finite number >= 0, an R number or a scalar tensor. Zero keeps the rate
#'   constant.
#' @param staircase `TRUE` to decay in whole periods, `FALSE` (the default)
#'   to decay continuously.
#' @param ... Named arguments for the Python class. `dtype` (`"float16"`,
#'   `"bfloat16"`, `"float32"` or `"float64"`) is checked in R; without one,
#'   the dtype is a float tensor `initial_learning_rate`'s, else Keras's
#'   `floatx()` (Python's while it runs Keras, else `keras.json`'s).
#' @param name A string naming the schedule; `NULL` means
#'   `"InverseTimeDecay"`.
#'
#' @returns A learning-rate schedule of class `inversetimedecay_schedule`: an
#'   R function of the step that becomes the Keras `LearningRateSchedule` where
#'   it is handed to Keras.
#' @seealso
#'   <https://keras.io/api/optimizers/learning_rate_schedules/inverse_time_decay/>
#' @export
#' @examples
#' schedule <- learning_rate_schedule_inverse_time_decay(0.1, 1, 0.5)
#' schedule
#' schedule(0:5)
#' stair <- learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5, staircase = TRUE)
#' stair(c(0, 9, 10, 19, 20, 30))
#' \donttest{
#' # Needs Python with Keras: install_inverse_time_decay() sets one up.
#' if (reticulate::py_module_available("keras")) {
#'   keras <- reticulate::import("keras")
#'   x <- reticulate::np_array(as.matrix(iris[, 1:4]), dtype = "float32")
#'   y <- reticulate::np_array(as.integer(iris$Species) - 1L, dtype = "int32")
#'   initial_learning_rate <- 0.1
#'   decay_steps <- 1.0
#'   decay_rate <- 0.5
#'   learning_rate_fn <- learning_rate_schedule_inverse_time_decay(
#'     initial_learning_rate, decay_steps, decay_rate)
#'   model <- keras$Sequential(list(keras$Input(shape = list(4L)),
#'                                  keras$layers$Dense(3L, activation = "softmax")))
#'   model$compile(
#'     optimizer = keras$optimizers$SGD(learning_rate = learning_rate_fn),
#'     loss = "sparse_categorical_crossentropy",
#'     metrics = list("accuracy")
#'   )
#'   history <- model$fit(x, y, epochs = 5L, verbose = 0L,
#'                        callbacks = list(callback_learning_rate_log()))
#'   unlist(history$history$learning_rate)
#' }
#' }
#' @useDynLib inversetimedecay, .registration = TRUE
learning_rate_schedule_inverse_time_decay <- function(
    initial_learning_rate,
    decay_steps,
    decay_rate,
    staircase = FALSE,
    ...,
    name = NULL) {
  call <- sys.call()
  missing_args <- c(
    initial_learning_rate = missing(initial_learning_rate),
    decay_steps = missing(decay_steps),
    decay_rate = missing(decay_rate)
  )
  if (any(missing_args)) {
    arg <- names(missing_args)[missing_args][[1L]]
    stop(argument_error(arg, "is missing, with no default", call = call))
  }
  dots <- check_dots(list(...), call)
  # A dtype that R knows by name is R's; a Python dtype object goes to Python.
  dtype <- check_dtype(dots$dtype, call)
  if (is.character(dtype)) dots$dtype <- NULL
  staircase <- check_flag(staircase, "staircase", call)
  name <- check_name(name, call)
  numbers <- list(
    initial_learning_rate = initial_learning_rate,
    decay_steps = decay_steps,
    decay_rate = decay_rate
  )
  # Python objects (tensors) pass through as they are: Python validates them.
  is_python <- vapply(numbers, inherits, logical(1L), what = "python.builtin.object")
  if (any(is_python) || length(dots)) {
    # Python must see these now, so that any error comes from this call and
    # not from the first training step; the R fields are then Python's.
    numbers[!is_python] <- Map(
      function(value, arg) as_r_number(value, arg, "must be a real number", call),
      numbers[!is_python], names(numbers)[!is_python]
    )
    args <- c(numbers, list(staircase = staircase), if (!is.null(name)) list(name = name),
              if (is.character(dtype)) list(dtype = dtype), dots)
    python <- with_python_errors(python_schedule(args), call = call)
    return(new_schedule(python_params(python), python))
  }
  params <- list(
    initial_learning_rate = check_number(
      initial_learning_rate, "initial_learning_rate", minimum = 0, call = call
    ),
    decay_steps = check_number(
      decay_steps, "decay_steps", minimum = 0, call = call, strict = TRUE, keep_integer = TRUE
    ),
    decay_rate = check_number(decay_rate, "decay_rate", minimum = 0, call = call),
    staircase = staircase,
    name = name %||% "InverseTimeDecay",
    dtype = dtype
  )
  check_representable(params$initial_learning_rate, schedule_dtype(params), call)
  new_schedule(params)
}

# The schedule: an R function of the step whose environment holds `params`,
# plain R values built once and never changed, and `cache`, where the Python
# schedule is kept once made. The fields are the object: the cache is
# rebuilt from them whenever it is empty or its pointer died with the
# session that made it (after saveRDS(), save.image(), serialize(), callr).
new_schedule <- function(params, python = NULL) {
  force(params)
  cache <- new.env(parent = emptyenv())
  cache$python <- python
  rm(python)
  schedule <- function(step) {
    call <- sys.call()
    schedule_rates(schedule, step, call)
  }
  class(schedule) <- c("inversetimedecay_schedule", "function")
  schedule
}

# The one accessor of a schedule's fields.
schedule_params <- function(x) environment(x)$params

# The keyword arguments of the Python class, derived from the R fields;
# `dtype` only where it was fixed, so that Python follows floatx otherwise.
python_arguments <- function(params) {
  args <- params[c("initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name")]
  if (!is.null(params$dtype)) args$dtype <- params$dtype
  args
}

# The R fields of a schedule that Python built (from tensors, or with
# arguments passed through `...`): Python's values, as R values.
python_params <- function(python) {
  field <- function(name) reticulate::py_to_r(reticulate::py_get_attr(python, name))
  list(
    initial_learning_rate = field("initial_learning_rate"),
    decay_steps = field("decay_steps"),
    decay_rate = field("decay_rate"),
    staircase = field("staircase"),
    name = field("name"),
    dtype = field("_dtype")
  )
}

# The dtype of the rates: a fixed one, or else Keras's floatx(), as the
# Python class does (keras_floatx(): Python's while it runs Keras, else
# keras.json's).
schedule_dtype <- function(params) {
  params$dtype %||% keras_floatx()
}

# The rates at `step`. R numbers: computed in C (src/schedule.c) with the
# same float64 operations as the Python class, then rounded once to the
# schedule's dtype; so R and Python agree to the bit, and no Python starts.
# Python steps (tensors, variables, numpy values) go to the Keras schedule,
# and what it returns (a tensor) comes back as it is. `call` is the user's
# `s(step)`, which errors name.
schedule_rates <- function(schedule, step, call) {
  if (inherits(step, "python.builtin.object")) {
    python <- keras_schedule(schedule, call = call)
    return(with_python_errors(python(step), call = call))
  }
  step <- check_steps(step, call)
  params <- schedule_params(schedule)
  .Call(
    inversetimedecay_values, step, params$initial_learning_rate,
    as.double(params$decay_steps), params$decay_rate, params$staircase,
    match(schedule_dtype(params), DTYPES)
  )
}
