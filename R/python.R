# The Python side: the bundled module, imported lazily, and the bridge for
# Python errors.

# The Python module, imported on first use. reticulate's guide imports with
# delay_load in .onLoad, but calling reticulate there loads its namespace,
# about 1 s here, and library(inversetimedecay) must take well under that:
# so neither the module nor reticulate is touched until Keras is needed.
.python <- new.env(parent = emptyenv())

# The Python source ships inside the R package (inst/python), so the
# installed package finds it even where the user never ran pip on it.
python_path <- function() {
  system.file("python", package = "inversetimedecay")
}

python_module <- function() {
  if (is.null(.python$module)) {
    .python$module <- reticulate::import_from_path("inverse_time_decay", path = python_path())
  }
  .python$module
}

.onLoad <- function(libname, pkgname) {
  # A model saved with this schedule loads only once the class is registered
  # with Keras, so the module is imported as soon as Keras is: from
  # reticulate's load hook for keras (base R's setHook, which loads nothing),
  # or now if reticulate already runs a Python that has imported Keras.
  register <- function(...) {
    tryCatch(python_module(), error = function(e) NULL)
    invisible()
  }
  setHook("reticulate::keras::load", register)
  setHook("reticulate::tf_keras::load", register)
  if (isNamespaceLoaded("reticulate") && reticulate::py_available(initialize = FALSE)) {
    modules <- names(reticulate::import("sys")$modules)
    if (any(c("keras", "tf_keras") %in% modules)) register()
  }
}

#' Install the Python packages the schedule needs
#'
#' Creates (or reuses) a Python virtual environment with Keras 3 and
#' TensorFlow, in the manner of `keras::install_keras()`. The schedule's own
#' Python module ships inside this R package and needs no installation.
#'
#' @param envname Name of, or path to, the virtual environment.
#' @param packages Python packages to install into it.
#' @param ... Passed on to [reticulate::py_install()].
#' @returns The path of the environment's Python, invisibly.
#' @export
install_inverse_time_decay <- function(
    envname = "r-inversetimedecay",
    packages = c("tensorflow-cpu==2.21.*", "keras>=3", "numpy<2"),
    ...) {
  if (!reticulate::virtualenv_exists(envname)) {
    reticulate::virtualenv_create(envname)
  }
  reticulate::py_install(packages, envname = envname, method = "virtualenv", ...)
  invisible(reticulate::virtualenv_python(envname))
}

# Runs `expr`, turning a Python exception into an R error of class
# `inversetimedecay_python_error` (and `inversetimedecay_python_<Type>`) whose
# message is the Python message in one line, not a traceback. reticulate 1.28
# raises Python errors as plain C++ errors and newer versions as
# `python.builtin.*` conditions; both leave the details in py_last_error().
with_python_errors <- function(expr, call = sys.call(-1L)) {
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
  if (is.null(last) || is.null(last$type)) {
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
  structure(
    class = c(
      "inversetimedecay_python_error",
      paste0("inversetimedecay_python_", type),
      "error", "condition"
    ),
    list(message = sprintf("%s: %s", type, value), call = call, python_type = type)
  )
}

`%||%` <- function(x, y) if (is.null(x)) y else x
