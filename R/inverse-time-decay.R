#' A LearningRateSchedule that uses an inverse time decay schedule
#'
#' @description
#' A LearningRateSchedule that uses an inverse time decay schedule
#'
#' @details
#' When training a model, it is often useful to lower the learning rate as
#' the training progresses. This schedule applies the inverse decay function
#' to an optimizer step, given a provided initial learning rate.
#' It requires a `step` value to compute the decayed learning rate. You can
#' just pass a TensorFlow variable that you increment at each training step.
#'
#' The schedule is a 1-arg callable that produces a decayed learning
#' rate when passed the current optimizer step. This can be useful for changing
#' the learning rate value across different invocations of optimizer functions.
#' It is computed as:
#'
#' ```R
#' decayed_learning_rate <- function(step) {
#'   initial_learning_rate / (1 + decay_rate * step / decay_steps)
#' }
#' ```
#'
#' or, if `staircase` is `TRUE`, as:
#'
#' ```R
#' decayed_learning_rate <- function(step) {
#'   initial_learning_rate / (1 + decay_rate * floor(step / decay_steps))
#' }
#' ```
#'
#' You can pass this schedule directly into a keras Optimizer
#' as the `learning_rate`.
#'
#' Example: Fit a Keras model when decaying `1/t` with a rate of `0.5`:
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
#' # The R object
#' The schedule is an R function of the step. Called from R, it computes its
#' rates itself (in C), without starting Python, exactly as the Python class does
#' (float64 arithmetic rounded once to the schedule's dtype, float32 for R
#' numbers), and returns a plain numeric vector. `NA` and `NaN` steps give
#' `NA`; negative, infinite or non-numeric steps are an error. It prints, plots
#' ([plot()]) and converts to a data frame ([as.data.frame()]).
#'
#' Handed to Keras, through any optimizer's `learning_rate` or
#' [reticulate::r_to_py()], it becomes a real Keras `LearningRateSchedule`,
#' the Python class `inverse_time_decay.InverseTimeDecay` (registered for
#' serialization as `inverse_time_decay>InverseTimeDecay`). Python starts then,
#' not before. Its fields are available with `$`, e.g. `schedule$decay_rate`;
#' other names are looked up on the Python object.
#'
#' # Coercion
#' R doubles reach Python as floats and R integers as ints; nothing is
#' truncated (`decay_steps = 0.5` stays 0.5). Tensors and other Python
#' objects pass through as they are. An R number behaves as a Python float
#' does in Keras: the schedule is float32 unless `initial_learning_rate` is a
#' float64 (or float16, bfloat16) tensor.
#'
#' # Errors
#' Bad arguments are signalled in R before Python is touched, as conditions
#' of class `inversetimedecay_argument_error` whose message names the
#' argument and the value received. Errors raised by Python reach R as
#' `inversetimedecay_python_error` conditions carrying the Python message.
#'
#' @param initial_learning_rate A scalar `float32` or `float64` `Tensor` or an
#'   R number. The initial learning rate. Must be finite and non-negative.
#' @param decay_steps A scalar `int32` or `int64` `Tensor` or an R number. How
#'   often to apply decay. Must be finite and positive.
#' @param decay_rate An R number. The decay rate. Must be finite and
#'   non-negative.
#' @param staircase Boolean. Whether to apply decay in a discrete staircase, as
#'   opposed to continuous, fashion.
#' @param ... For backwards and forwards compatibility: named arguments passed
#'   on to the Python class. Unnamed arguments are an error.
#' @param name String. Optional name of the operation. Defaults to
#'   'InverseTimeDecay'.
#'
#' @returns A learning-rate schedule of class `inversetimedecay_schedule`: an
#'   R function of the step that becomes the Keras `LearningRateSchedule`
#'   wherever it is handed to Keras.
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
#' head(as.data.frame(stair, steps = 0:30))
#'
#' @examplesIf reticulate::py_module_available("keras")
#' # Fit a Keras model when decaying 1/t with a rate of 0.5, on R's iris data.
#' keras <- reticulate::import("keras")
#' x <- reticulate::np_array(as.matrix(iris[, 1:4]), dtype = "float32")
#' y <- reticulate::np_array(as.integer(iris$Species) - 1L, dtype = "int32")
#'
#' initial_learning_rate <- 0.1
#' decay_steps <- 1.0
#' decay_rate <- 0.5
#' learning_rate_fn <- learning_rate_schedule_inverse_time_decay(
#'   initial_learning_rate, decay_steps, decay_rate)
#'
#' model <- keras$Sequential(list(
#'   keras$Input(shape = list(4L)),
#'   keras$layers$Dense(3L, activation = "softmax")
#' ))
#' model$compile(
#'   optimizer = keras$optimizers$SGD(learning_rate = learning_rate_fn),
#'   loss = "sparse_categorical_crossentropy",
#'   metrics = list("accuracy")
#' )
#' history <- model$fit(x, y, epochs = 5L, verbose = 0L)
#' step <- model$optimizer$iterations$numpy()
#' learning_rate_fn(step)
#' @useDynLib inversetimedecay, .registration = TRUE
learning_rate_schedule_inverse_time_decay <- function(
    initial_learning_rate,
    decay_steps,
    decay_rate,
    staircase = FALSE,
    ...,
    name = NULL) {
  for (arg in c("initial_learning_rate", "decay_steps", "decay_rate")) {
    if (eval(call("missing", as.name(arg)))) {
      stop(argument_error(arg, "is missing, with no default", call = sys.call()))
    }
  }
  dots <- check_dots(list(...))
  staircase <- check_flag(staircase, "staircase")
  name <- check_name(name)

  # Python objects (tensors) pass through as they are: Python validates them.
  is_python <- vapply(
    list(initial_learning_rate, decay_steps, decay_rate),
    inherits, logical(1L), what = "python.builtin.object"
  )
  if (!is_python[[1L]]) {
    initial_learning_rate <- check_number(
      initial_learning_rate, "initial_learning_rate", minimum = 0
    )
  }
  if (!is_python[[2L]]) {
    decay_steps <- check_number(
      decay_steps, "decay_steps", minimum = 0, strict = TRUE,
      keep_integer = TRUE
    )
  }
  if (!is_python[[3L]]) {
    decay_rate <- check_number(decay_rate, "decay_rate", minimum = 0)
  }

  python_args <- c(
    list(
      initial_learning_rate = initial_learning_rate,
      decay_steps = decay_steps,
      decay_rate = decay_rate,
      staircase = staircase
    ),
    if (!is.null(name)) list(name = name),
    dots
  )
  params <- list(
    initial_learning_rate = initial_learning_rate,
    decay_steps = decay_steps,
    decay_rate = decay_rate,
    staircase = staircase,
    name = name %||% "InverseTimeDecay",
    dtype = "float32"
  )
  schedule <- new_schedule(params, python_args)
  if (any(is_python) || length(dots)) {
    # Python must see these now, so that any error comes from this call and
    # not from the first training step; the R fields then mirror Python's.
    python <- keras_schedule(schedule, call = sys.call())
    fields <- c("initial_learning_rate", "decay_steps", "decay_rate", "dtype")
    for (field in fields) {
      params[[field]] <- reticulate::py_to_r(reticulate::py_get_attr(python, field))
    }
    environment(schedule)$params <- params
  }
  schedule
}

new_schedule <- function(params, python_args) {
  python <- NULL
  schedule <- function(step) schedule_values(params, step, python)
  class(schedule) <- c("inversetimedecay_schedule", "function")
  schedule
}

# The rates at `step`, computed in C (src/schedule.c) with the same float64
# operations as the Python class (numpy_values), then rounded once to float32
# where that is the schedule's dtype; so R and Python agree to the bit.
schedule_values <- function(params, step, python = NULL) {
  if (!is.numeric(step) || is.factor(step)) {
    abort_argument("step", sprintf("must be numeric, not %s", type_name(step)), step)
  }
  if (!is.integer(step)) step <- as.double(step)
  if (!params$dtype %in% c("float32", "float64")) {
    # float16 and bfloat16 have no R type: Python checks and rounds, float64
    # crosses.
    as_float64 <- reticulate::py_eval("lambda s, x: s.numpy_values(x).astype('float64')")
    return(as.vector(as_float64(python, reticulate::np_array(step))))
  }
  values <- .Call(
    inversetimedecay_values, step, params$initial_learning_rate,
    as.double(params$decay_steps), params$decay_rate, params$staircase,
    params$dtype == "float32"
  )
  if (length(values) == 1L && !is.na(values) && values < 0) {
    value <- step[[-values]]  # the C code stopped at this step
    abort_argument("step", if (is.finite(value)) "must be >= 0" else "must be finite", value)
  }
  values
}
