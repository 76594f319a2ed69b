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
    check_embedding()
    module <- tryCatch(
      reticulate::import_from_path("inverse_time_decay", path = python_path()),
      error = function(e) {
        if (!keras_available()) stop(keras_missing_error())
        stop(e)
      }
    )
    # R numbers follow floatx() without asking Python at each call: read
    # now, then Keras's set_floatx() tells R of every change.
    .python$floatx <- module$`_backend`$floatx()
    module$`_backend`$watch_floatx(function(dtype) .python$floatx <- dtype)
    .python$module <- module
  }
  .python$module
}

# The Python class called with a list of keyword arguments, through a
# Python `cls(**kwargs)`: reticulate 1.41 gives the class, as an R function,
# the formals of its Python signature, so an unknown name would fail in R
# with "unused argument" instead of reaching Python, which names it.
python_schedule <- function(args) {
  module <- python_module()
  call_with_keywords <- python_lambda("lambda cls, kwargs: cls(**kwargs)")
  call_with_keywords(module$InverseTimeDecay, reticulate::r_to_py(args))
}

# A Python lambda, evaluated once per session and kept by its source.
python_lambda <- function(code) {
  .python$lambdas[[code]] <- .python$lambdas[[code]] %||% reticulate::py_eval(code)
}

keras_available <- function(module_available = reticulate::py_module_available) {
  module_available("keras") || module_available("tf_keras")
}

keras_missing_error <- function() {
  python <- tryCatch(reticulate::py_exe(), error = function(e) NULL) %||% "(none found)"
  package_error("inversetimedecay_keras_missing", paste0(
    "Keras is not installed in the Python that reticulate uses (", python, "). ",
    "Install it with install_inverse_time_decay(), or point RETICULATE_PYTHON ",
    "at a Python that has Keras 3 and a backend such as TensorFlow."
  ))
}

# R embedded in a Python process: rpy2 starts R under the name "rpy2" and,
# from rinterface.initr(), names the process in PYTHON_SESSION_INITIALIZED
# (rstudio/reticulate#98); robjects' own start sets only the former. On
# Linux the executable itself tells, whoever embedded R.
embedded_in_python <- function(
    program = commandArgs()[[1L]],
    info = Sys.getenv("PYTHON_SESSION_INITIALIZED"),
    exe = if (file.exists("/proc/self/exe")) Sys.readlink("/proc/self/exe") else "",
    pid = Sys.getpid()) {
  identical(program, "rpy2") ||
    grepl(paste0("(^|:)current_pid=", pid, "(:|$)"), info) ||
    grepl("^python[0-9.]*$", basename(exe))
}

# reticulate before 1.31 calls Python without the GIL when R shuts down
# inside rpy2, so such a process dies at exit (checked here with 1.28, 1.29
# and 1.30; 1.31 exits cleanly). Refuse before Python is touched at all.
reticulate_can_embed <- function(version = utils::packageVersion("reticulate")) {
  version >= "1.31"
}

check_embedding <- function() {
  if (embedded_in_python() && !reticulate_can_embed()) {
    stop(package_error("inversetimedecay_embedding_error", paste0(
      "R is running inside Python (rpy2), and reticulate ",
      utils::packageVersion("reticulate"), " cannot call back into that Python ",
      "safely: the process crashes when it exits. Nothing was run. Update ",
      "reticulate to 1.31 or later, or run this R code with Rscript."
    )))
  }
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
  # reticulate 1.41 and later take a package's Python needs from
  # py_require(); declared when reticulate loads, which library() does not do.
  setHook(packageEvent("reticulate", "onLoad"), function(...) declare_python_requirements())
  if (isNamespaceLoaded("reticulate")) {
    declare_python_requirements()
    can_call <- !embedded_in_python() || reticulate_can_embed()
    if (reticulate::py_available(initialize = FALSE) && can_call) {
      modules <- names(reticulate::import("sys")$modules)
      if (any(c("keras", "tf_keras") %in% modules)) register()
    }
  }
}

declare_python_requirements <- function() {
  if (has_py_require()) {
    # Looked up by name: older reticulate has no py_require() to import.
    py_require <- getExportedValue("reticulate", "py_require")
    py_require(python_requirements())
  }
  invisible()
}

has_py_require <- function(version = utils::packageVersion("reticulate")) {
  version >= "1.41"
}

# What the schedule needs from Python: Keras 3 and TensorFlow (its CPU build
# on Linux, where `tensorflow` brings CUDA libraries; elsewhere the one
# build). NumPy 2 only for reticulate releases that can read its arrays:
# support came in reticulate 1.38.
python_requirements <- function(reticulate_version = utils::packageVersion("reticulate"),
                                sysname = Sys.info()[["sysname"]]) {
  c(
    "keras>=3",
    if (identical(sysname, "Linux")) "tensorflow-cpu" else "tensorflow",
    if (reticulate_version < "1.38") "numpy<2"
  )
}

#' Install the Python packages the schedule needs
#'
#' Creates (or reuses) a Python virtual environment with Keras 3 and
#' TensorFlow, in the manner of `keras::install_keras()`. The schedule's own
#' Python module ships inside this R package and needs no installation.
#'
#' The default packages are Keras 3 and TensorFlow: `tensorflow-cpu` on
#' Linux, `tensorflow` elsewhere. NumPy is held below 2 only where the
#' installed reticulate is older than 1.38, the first release that reads
#' NumPy 2 arrays. With reticulate 1.41 or later, loading reticulate also
#' declares these packages with `reticulate::py_require()`, so an R session
#' that has not chosen a Python gets them without this function; a Python
#' chosen with `RETICULATE_PYTHON` or `reticulate::use_virtualenv()` still
#' wins.
#'
#' @param envname Name of, or path to, the virtual environment.
#' @param packages Python packages to install into it.
#' @param ... Passed on to [reticulate::py_install()].
#' @returns The path of the environment's Python, invisibly.
#' @export
install_inverse_time_decay <- function(
    envname = "r-inversetimedecay",
    packages = python_requirements(),
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
