# Python errors as R conditions: the bridge every call into Python goes
# through (with_python_errors()).

# Runs `expr`, turning a Python exception into an R error of class
# `inversetimedecay_python_error` (and `inversetimedecay_python_<Type>`) whose
# message is the Python message in one line, not a traceback. reticulate 1.28
# raises Python errors as plain C++ errors and newer versions as
# `python.builtin.*` conditions; both leave the details in py_last_error().
with_python_errors <- function(expr, call) {
  tryCatch(expr, error = function(e) {
    details <- python_error_details(e)
    if (is.null(details)) stop(e)
    stop(python_error(details$type, details$value, call))
  })
}

python_error_details <- function(e) {
  if (inherits(e, c("inversetimedecay_argument_error", "inversetimedecay_python_error"))) {
    return(NULL)
  }
  last <- tryCatch(reticulate::py_last_error(), error = function(err) NULL)
  if (is.null(last$type)) {  # NULL$type is NULL too
    return(NULL)
  }
  value <- paste(last$value %||% "", collapse = " ")
  if (!grepl(value, conditionMessage(e), fixed = TRUE)) {
    return(NULL)  # an R error, or an older Python one
  }
  list(type = as.character(last$type), value = value)
}

python_error <- function(type, value, call = NULL) {
  value <- paste(trimws(strsplit(value, "\n")[[1L]]), collapse = " ")
  package_error(
    c("inversetimedecay_python_error", paste0("inversetimedecay_python_", type)),
    sprintf("%s: %s", type, value), call, python_type = type
  )
}

`%||%` <- function(x, y) if (is.null(x)) y else x
