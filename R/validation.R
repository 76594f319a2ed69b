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

# Called from a check_*() helper, so two frames up is the user's own call.
abort_argument <- function(arg, problem, value) {
  call <- sys.call(-2L)
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
  # The first line only: a line breaks after 500 bytes, and this is cut at
  # 80 columns anyway; a huge vector would take long to deparse whole.
  text <- tryCatch(
    paste(deparse(value, width.cutoff = 500L, nlines = 1L), collapse = " "),
    error = function(e) class_label(value)
  )
  if (nchar(text, type = "width") > 80L) paste0(strtrim(text, 77L), "...") else text
}

class_label <- function(value) paste0("<", class(value)[[1L]], ">")

# A single finite R number. Returns it as a double, or as an integer when
# `keep_integer` is TRUE and an integer was given.
check_number <- function(value, arg, minimum, strict = FALSE,
                         keep_integer = FALSE) {
  if (!is.numeric(value) || is.factor(value)) {
    abort_argument(arg, "must be a real number", value)
  }
  if (length(value) != 1L) {
    abort_argument(arg, "must be a single number", value)
  }
  if (!is.finite(value)) {
    abort_argument(arg, "must be a finite number", value)
  }
  if (strict && value <= minimum) {
    abort_argument(arg, sprintf("must be > %s", format(minimum)), value)
  }
  if (!strict && value < minimum) {
    abort_argument(arg, sprintf("must be >= %s", format(minimum)), value)
  }
  value <- as.vector(value)
  if (keep_integer && is.integer(value)) value else as.double(value)
}

# The rates are rounded to `dtype`: an initial rate beyond its largest
# number would make every rate infinite.
check_representable <- function(value, dtype) {
  largest <- c(float32 = 3.4028234663852886e+38, float64 = .Machine$double.xmax)[[dtype]]
  if (value > largest) {
    abort_argument(
      "initial_learning_rate",
      sprintf("must be at most %s, the largest %s", sprintf("%.17g", largest), dtype), value
    )
  }
}

check_flag <- function(value, arg) {
  if (!is.logical(value) || length(value) != 1L || is.na(value)) {
    abort_argument(arg, "must be a boolean", value)
  }
  as.vector(value)
}

check_name <- function(value) {
  if (is.null(value)) {
    return(NULL)
  }
  if (!is.character(value) || length(value) != 1L || is.na(value)) {
    abort_argument("name", "must be a single string, or None (NULL in R) for the default", value)
  }
  as.vector(value)
}

check_dots <- function(dots) {
  dot_names <- names(dots)
  if (length(dots) && (is.null(dot_names) || any(!nzchar(dot_names)))) {
    unnamed <- if (is.null(dot_names)) dots else dots[!nzchar(dot_names)]
    abort_argument(
      "...", "takes only named arguments, which are passed on to Python",
      unnamed[[1L]]
    )
  }
  dots
}
