# Argument checks, run in R before Python is touched. Every failure is an
# `inversetimedecay_argument_error` condition (also `error`) that names the
# argument and the value received, so callers can catch it by class.

# Without `value` (a missing argument) the message has no "Received:" part.
argument_error <- function(arg, problem, value, call = NULL) {
  message <- if (missing(value)) {
    sprintf("Argument `%s` %s.", arg, problem)
  } else {
    sprintf("Argument `%s` %s. Received: %s = %s", arg, problem, arg, describe_value(value))
  }
  structure(
    class = c("inversetimedecay_argument_error", "error", "condition"),
    list(message = message, call = call, argument = arg)
  )
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
    return(paste0("<", class(value)[[1L]], ">"))
  }
  text <- tryCatch(
    paste(deparse(value, width.cutoff = 60L, nlines = 2L), collapse = " "),
    error = function(e) paste0("<", class(value)[[1L]], ">")
  )
  if (nchar(text) > 80L) paste0(substr(text, 1L, 77L), "...") else text
}

# A single finite R number. Returns it as a double, or as an integer when
# `keep_integer` is TRUE and an integer was given.
check_number <- function(value, arg, minimum = 0, strict = FALSE,
                         keep_integer = FALSE) {
  if (is.null(value)) {
    abort_argument(arg, "must be a single number, not NULL", value)
  }
  if (!is.numeric(value) || is.factor(value)) {
    abort_argument(
      arg, sprintf("must be a single number, not %s", type_name(value)), value
    )
  }
  if (length(value) != 1L) {
    abort_argument(
      arg, sprintf("must be a single number, not of length %d", length(value)),
      value
    )
  }
  if (is.na(value)) {
    abort_argument(arg, "must be a finite number, not NA or NaN", value)
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

check_flag <- function(value, arg) {
  if (!is.logical(value) || length(value) != 1L || is.na(value)) {
    abort_argument(arg, "must be TRUE or FALSE", value)
  }
  as.vector(value)
}

check_name <- function(value) {
  if (is.null(value)) {
    return(NULL)
  }
  if (!is.character(value) || length(value) != 1L || is.na(value)) {
    abort_argument("name", "must be a single string or NULL", value)
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

type_name <- function(value) {
  if (is.logical(value)) {
    "a logical"
  } else if (is.character(value)) {
    "a character string"
  } else if (is.complex(value)) {
    "a complex number"
  } else if (is.factor(value)) {
    "a factor"
  } else if (is.list(value)) {
    "a list"
  } else {
    paste("an object of class", class(value)[[1L]])
  }
}
