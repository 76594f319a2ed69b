#' Inverse-time decay of the learning rate, for Keras optimizers
#'
#' @description
#' Builds a learning-rate schedule whose rate falls as one over a linear
#' function of the optimizer's step: it starts at `initial_learning_rate`,
#' has halved by step `decay_steps / decay_rate`, and keeps falling ever more
#' slowly. Give it to any Keras optimizer as its `learning_rate`.
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
#' `step` is the optimizer's count of updates (`optimizer$iterations`),
#' which the optimizer passes to the schedule itself at every update; there
#' is no variable to keep. With the keras package the schedule is used like
#' this, to decay as `1/t` at a rate of `0.5`:
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
#' The vignette `vignette("choosing-decay", package = "inversetimedecay")`
#' shows how `decay_rate` and `decay_steps` shape the curve.
#'
#' # The R object
#' The schedule is an R function of the step, `schedule(step)`:
#'
#' * **R numbers** (an integer or double vector of any length, or a bit64
#'   `integer64` of at most 2^53 in absolute value) give a plain numeric
#'   vector of rates, computed in R (in C) without starting Python, with the
#'   same float64 operations as the Python class and rounded once to the
#'   schedule's dtype, so the two agree to the bit. `NA` and `NaN` steps,
#'   and a logical `NA`, give `NA`; a negative or infinite step, or one that
#'   is not a number (a string, `TRUE`, a factor, a date, time or
#'   duration), is an error naming `step`, whatever the dtype.
#' * **Python steps** (a TensorFlow tensor or variable such as
#'   `model$optimizer$iterations`, a Keras variable, a numpy value) go to the
#'   Keras schedule, and what it returns, a tensor of the schedule's dtype,
#'   comes back as it is. That is what the keras and keras3 packages' helpers
#'   pass and expect.
#'
#' Its fields answer in R, without Python: `schedule$initial_learning_rate`,
#' `$decay_steps`, `$decay_rate`, `$staircase`, `$name` and `$dtype`
#' (`names(schedule)` lists them). They are read-only: `schedule$decay_rate <-
#' 2` is an error, since a schedule is a value that Keras may already hold;
#' build a changed copy with this function. Any other name is an attribute of the
#' Keras schedule, as it is on Keras's own schedules: `schedule$get_config()`,
#' `` schedule$`__class__` ``, so keras3's `get_config(s)` and
#' `from_config(get_config(s))` work. A name that is neither is an error that
#' lists the fields. The schedule prints, plots ([plot()]) and converts to a
#' data frame ([as.data.frame()]), and `summary()` says where it halves.
#'
#' The schedule is its fields: the Python schedule made from it is kept as a
#' cache and made again whenever it is missing, so a schedule saved with
#' `saveRDS()` or `save()`, or sent to another R process (callr, parallel),
#' computes, prints and trains there as it did. `all.equal()` compares
#' fields.
#'
#' Handed to Keras, through any optimizer's `learning_rate` or
#' [reticulate::r_to_py()], it becomes a real Keras `LearningRateSchedule`,
#' the Python class `inverse_time_decay.InverseTimeDecay` (registered for
#' serialization as `inverse_time_decay>InverseTimeDecay`). Python starts then,
#' not before. [keras_schedule()] returns that Python object, for helpers that
#' take only a Python object: with the keras 2.15 package, whose
#' `get_config()` reads the attribute with `reticulate::py_get_attr()`, call
#' `get_config(keras_schedule(s))`.
#'
#' A model saved with the schedule (`save_model()`, keras 2.15's
#' `save_model_hdf5()`) loads back only once the class is registered, which
#' `library(inversetimedecay)` does as soon as reticulate imports Keras;
#' without it, Keras stops with "Could not locate class 'InverseTimeDecay'".
#'
#' # Types and dtype
#' `initial_learning_rate`, `decay_steps` and `decay_rate` take an R number
#' (double or integer, of length one) or a scalar tensor. R doubles reach
#' Python as floats and R integers as ints; nothing is truncated
#' (`decay_steps = 0.5` stays 0.5). Tensors and other Python objects pass
#' through as they are, and Python checks them. `staircase` takes `TRUE` or
#' `FALSE`, `name` a string or `NULL`.
#'
#' The rates' dtype follows the Python class's rule: a `dtype` passed through
#' `...` (`"float16"`, `"bfloat16"`, `"float32"` or `"float64"`), else the
#' dtype of a float tensor `initial_learning_rate`, else Keras's
#' `floatx()`: float32 unless set otherwise. While Python runs Keras, R
#' asks it for `floatx()` at each call, so `keras.config.set_floatx()`
#' shows at once however it was called; before that, R reads what Keras
#' will read when it starts: the `"floatx"` of `keras.json` in
#' `$KERAS_HOME` (else `~/.keras`), float32 without one. A fixed dtype is
#' kept by the schedule's config, so it survives saving and loading a model.
#'
#' # Supported versions
#' R >= 4.2 with reticulate >= 1.28; Python 3.9 to 3.13 with Keras 3.0 to
#' 3.15 on TensorFlow >= 2.16, JAX >= 0.4.20 or torch, or tf_keras from
#' 2.16; with the keras3 package 1.5.1 and the keras package 2.15.0 and
#' 2.16.1. The Python module this package carries must be the one Python
#' imports: a pip-installed `inverse_time_decay` of another version,
#' imported first, is an error of class `inversetimedecay_version_mismatch`
#' naming both versions.
#'
#' # With keras3 or keras attached
#' keras3 and keras export a function of this name too. Attached after this
#' package, theirs masks this one, and only a startup message says so; call
#' `inversetimedecay::learning_rate_schedule_inverse_time_decay()` to be sure
#' of getting this one.
#'
#' # Errors
#' Bad arguments are signalled in R before Python is touched, as conditions
#' of class `inversetimedecay_argument_error` whose message names the
#' argument and the value received, in the Python class's words:
#' "Argument `decay_steps` must be > 0. Received: decay_steps=0". Errors
#' raised by Python reach R as `inversetimedecay_python_error` conditions
#' carrying the Python message.
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
#' @param ... Named arguments passed on to the Python class, such as
#'   `dtype`. Unnamed arguments are an error.
#' @param name A string naming the schedule; `NULL` means
#'   `"InverseTimeDecay"`.
#'
#' @returns A learning-rate schedule of class `inversetimedecay_schedule`: an
#'   R function of the step that becomes the Keras `LearningRateSchedule` where
#'   it is handed to Keras.
#'
#' @seealso
#'   +  <https://www.tensorflow.org/api_docs/python/tf/keras/optimizers/schedules/InverseTimeDecay>
#'   +  <https://keras.io/api/optimizers/learning_rate_schedules/inverse_time_decay/>
#'   +  [plot.inversetimedecay_schedule()] to draw the curve.
#' @family inverse time decay schedule
#' @export
#' @examples
#' schedule <- learning_rate_schedule_inverse_time_decay(0.1, 1, 0.5)
#' schedule
#' schedule(0:5)
#' stair <- learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5, staircase = TRUE)
#' # Steady within each period of 10 steps, lower from the next:
#' as.data.frame(stair, steps = c(0, 9, 10, 19, 20, 30))
#' plot(schedule, steps = 0:50)
#' lines(as.data.frame(stair, steps = 0:50), type = "s", lty = 2)
#'
#' \donttest{
#' # Needs Python with Keras: install_inverse_time_decay() sets one up.
#' if (reticulate::py_module_available("keras")) {
#'   # Fit a Keras model when decaying 1/t with a rate of 0.5, on R's iris data.
#'   keras <- reticulate::import("keras")
#'   x <- reticulate::np_array(as.matrix(iris[, 1:4]), dtype = "float32")
#'   y <- reticulate::np_array(as.integer(iris$Species) - 1L, dtype = "int32")
#'
#'   initial_learning_rate <- 0.1
#'   decay_steps <- 1.0
#'   decay_rate <- 0.5
#'   learning_rate_fn <- learning_rate_schedule_inverse_time_decay(
#'     initial_learning_rate, decay_steps, decay_rate)
#'
#'   model <- keras$Sequential(list(
#'     keras$Input(shape = list(4L)),
#'     keras$layers$Dense(3L, activation = "softmax")
#'   ))
#'   model$compile(
#'     optimizer = keras$optimizers$SGD(learning_rate = learning_rate_fn),
#'     loss = "sparse_categorical_crossentropy",
#'     metrics = list("accuracy")
#'   )
#'   history <- model$fit(x, y, epochs = 5L, verbose = 0L)
#'   step <- model$optimizer$iterations$numpy()
#'   learning_rate_fn(step)
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
