# The Python side: the schedule's module, bundled in inst/python and
# imported on first use, and the Keras classes called through it.

# The Python module, imported on first use. reticulate's guide imports with
# delay_load in .onLoad, but calling reticulate there loads its namespace,
# which takes longer than library(inversetimedecay) may (make bench's
# library row): so neither the module nor reticulate is touched until Keras
# is needed.
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
    check_module_version(module)
    .python$module <- module
  }
  .python$module
}

# R computes rates in C by its own version's rules, Keras by the module's:
# a module pip installed into reticulate's Python, at another version, may
# have been imported first (reticulate then hands back that one), and the
# two would disagree without a word.
check_module_version <- function(module, version = utils::packageVersion("inversetimedecay")) {
  found <- tryCatch(as.character(module$`__version__`), error = function(e) "(none)")
  if (!identical(found, as.character(version))) {
    stop(package_error("inversetimedecay_version_mismatch", paste0(
      "The Python module inverse_time_decay that this session imported is version ", found,
      " (", tryCatch(module$`__file__`, error = function(e) "?"), "), but the R package ",
      "inversetimedecay is version ", version, ". Line them up: pip install ",
      "'inverse_time_decay==", version, "' into the Python that reticulate uses (",
      "or pip uninstall inverse_time_decay, and the R package's own copy is used), ",
      "or install the R package of version ", found, "; then restart R."
    )))
  }
  invisible(found)
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
