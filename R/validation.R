# Argument checks, run in R before Python is touched. Every failure is an
# `inversetimedecay_argument_error` condition (also `error`) that names the
# argument and the value received, so callers can catch it by class. The
# messages are the Python class's, word for word but for the value's
# notation (tests/bad_arguments.tsv holds the cases both languages check).

# An error condition of this package's: `class` first, so that callers can
# catch it by class; fields in `...` ride along.
package_error <- function(class, message, call = NULL, ...) {
  structure(class = c(class, "error", "condition"), list(message = message, call = call, ...))
}

# Without `value` (a missing argument) the message has no "Received:" part.
argument_error <- function(arg, problem, value, call = NULL) {
  message <- if (missing(value)) {
    sprintf("Argument `%s` %s.", arg, problem)
  } else {
    sprintf("Argument `%s` %s. Received: %s=%s", arg, problem, arg, describe_value(value))
  }
  package_error("inversetimedecay_argument_error", message, call, argument = arg)
}

# Raises an argument error naming `call`, which every check_*() helper takes
# from the exported function that the user called (as rlang's checkers take
# `call = caller_env()`), rather than counting frames.
abort_argument <- function(arg, problem, value, call) {
  stop(argument_error(arg, problem, value, call = call))
}

describe_value <- function(value) {
  if (is.null(value)) {
    return("NULL")
  }
  if (is.function(value)) {
    return("<function>")
  }
  if (inherits(value, "python.builtin.object")) {
    return(class_label(value))
  }
  if (inherits(value, "integer64") && requireNamespace("bit64", quietly = TRUE)) {
    # Its bits are an int64's, which deparse() would show as a double's.
    value <- call("as.integer64", as.character(value))
    value[[1L]] <- quote(bit64::as.integer64)
  }
  # The first line only: a line breaks after 500 bytes, and this is cut at
  # 80 columns anyway; a huge vector would take long to deparse whole.
  text <- tryCatch(
    paste(deparse(value, width.cutoff = 500L, nlines = 1L), collapse = " "),
    error = function(e) class_label(value)
  )
  if (nchar(text, type = "width") > 80L) paste0(strtrim(text, 77L), "...") else text
}

class_label <- function(value) paste0("<", class(value)[[1L]], ">")

# R numbers as the C code and Python take them: integer or double vectors.
# bit64's integer64 (a double vector whose bits are an int64) becomes the
# double of the same value where that is exact (|x| <= 2^53), and is refused
# beyond. is.numeric() is FALSE for dates, times, durations and factors, so
# they are refused. Logical vectors are refused unless `na_ok` and every
# element is NA (R's usual missing value), which becomes NA_real_.
as_r_number <- function(value, arg, what, call, na_ok = FALSE) {
  if (inherits(value, "integer64")) {
    return(integer64_as_double(value, arg, what, call))
  }
  if (na_ok && is_logical_na(value)) {
    return(as.double(value))
  }
  if (!is.numeric(value)) {
    abort_argument(arg, what, value, call)
  }
  value
}

is_logical_na <- function(value) {
  is.logical(value) && is.null(attributes(value)) && all(is.na(value))
}

integer64_as_double <- function(value, arg, what, call) {
  if (!requireNamespace("bit64", quietly = TRUE)) {
    abort_argument(arg, paste(what, "(bit64 is needed to read an integer64)"), value, call)
  }
  # Compared as integer64 (exactly), then converted by bit64's method,
  # which requireNamespace() registered.
  if (any(abs(value) > bit64::as.integer64(2^53), na.rm = TRUE)) {
    abort_argument(
      arg, "must be an integer64 of at most 2^53 in absolute value, which a double holds exactly",
      value, call
    )
  }
  suppressWarnings(as.double(value))  # exact: 2^53 itself warns
}

# A single finite R number. Returns it as a double, or as an integer when
# `keep_integer` is TRUE and an integer was given.
check_number <- function(value, arg, minimum, call, strict = FALSE,
                         keep_integer = FALSE) {
  value <- as_r_number(value, arg, "must be a real number", call)
  if (length(value) != 1L) {
    abort_argument(arg, "must be a single number", value, call)
  }
  if (!is.finite(value)) {
    abort_argument(arg, "must be a finite number", value, call)
  }
  if (strict && value <= minimum) {
    abort_argument(arg, sprintf("must be > %s", format(minimum)), value, call)
  }
  if (!strict && value < minimum) {
    abort_argument(arg, sprintf("must be >= %s", format(minimum)), value, call)
  }
  value <- as.vector(unclass(value))
  if (keep_integer && is.integer(value)) value else as.double(value)
}

# The largest finite number of each dtype the rates can have (numpy's
# finfo(dtype).max; ml_dtypes's for bfloat16).
LARGEST <- c(
  float16 = 65504, bfloat16 = 3.3895313892515355e+38,
  float32 = 3.4028234663852886e+38, float64 = .Machine$double.xmax
)

# The rates are rounded to `dtype`: an initial rate beyond its largest
# number would make every rate infinite.
check_representable <- function(value, dtype, call) {
  largest <- LARGEST[[dtype]]
  if (value > largest) {
    abort_argument(
      "initial_learning_rate",
      sprintf("must be at most %s, the largest %s", sprintf("%.17g", largest), dtype), value, call
    )
  }
}

# Steps as the C code takes them: an integer or double vector of finite
# numbers >= 0, or NA. Checked here so that C needs no way to report one.
# The common cases (a plain integer or double vector) take a few primitive
# calls: this runs at every call of the schedule, for one step or a million.
check_steps <- function(step, call) {
  if (is.object(step) || !(is.integer(step) || is.double(step))) {
    step <- as_r_number(
      step, "step", "must be an integer or floating-point number, array or tensor", call,
      na_ok = TRUE
    )
  }
  if (!is.integer(step)) step <- as.double(step)
  if (has_bad_step(step)) {
    # The first bad step, as a loop over the steps would meet it.
    abort_bad_step(step[[which(step < 0 | step == Inf)[[1L]]]], call)
  }
  step
}

# One pass for the lowest step (and, for doubles, one for the highest);
# min() warns only where every step is NA, and na.rm costs only with NAs.
has_bad_step <- function(step) {
  if (length(step) <= 1L) {
    return(length(step) == 1L && !is.na(step) && (step < 0 || step == Inf))
  }
  extreme <- if (anyNA(step)) {
    function(f) suppressWarnings(f(step, na.rm = TRUE))
  } else {
    function(f) f(step)
  }
  extreme(min) < 0 || is.double(step) && extreme(max) == Inf
}

abort_bad_step <- function(value, call) {
  abort_argument("step", if (is.finite(value)) "must be >= 0" else "must be finite", value, call)
}

check_flag <- function(value, arg, call) {
  if (!is.logical(value) || length(value) != 1L || is.na(value)) {
    abort_argument(arg, "must be a boolean", value, call)
  }
  as.vector(value)
}

check_name <- function(value, call) {
  if (is.null(value)) {
    return(NULL)
  }
  if (!is.character(value) || length(value) != 1L || is.na(value)) {
    abort_argument("name", "must be a single string, or None (NULL in R) for the default", value,
                   call)
  }
  as.vector(value)
}

# The output dtypes, in the order src/schedule.c numbers them.
DTYPES <- c("float64", "float32", "float16", "bfloat16")

# A dtype named in R: one of DTYPES, as the Python class takes it by name.
# NULL, or a Python dtype object (which Python names), passes as it is.
check_dtype <- function(value, call) {
  if (is.null(value) || inherits(value, "python.builtin.object")) {
    return(value)
  }
  if (!is.character(value) || length(value) != 1L || !isTRUE(value %in% DTYPES)) {
    abort_argument(
      "dtype", "must be one of 'float16', 'bfloat16', 'float32', 'float64' or None", value, call
    )
  }
  as.vector(value)
}

check_dots <- function(dots, call) {
  dot_names <- names(dots)
  if (length(dots) && (is.null(dot_names) || any(!nzchar(dot_names)))) {
    unnamed <- if (is.null(dot_names)) dots else dots[!nzchar(dot_names)]
    abort_argument(
      "...", "takes only named arguments, which are passed on to Python",
      unnamed[[1L]], call
    )
  }
  dots
}
