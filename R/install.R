# Installing Python for the schedule: install_inverse_time_decay() and the
# packages it installs (python_requirements()).

#' The Python packages the schedule needs
#'
#' What [install_inverse_time_decay()] installs by default, and what loading
#' reticulate 1.41 or later declares with `reticulate::py_require()`: Keras 3
#' and TensorFlow (`tensorflow-cpu` on Linux, where `tensorflow` brings CUDA
#' libraries; `tensorflow` elsewhere), and `numpy<2` where reticulate is
#' older than 1.38, the first release that reads NumPy 2 arrays.
#'
#' @param reticulate_version The reticulate version to plan for; the
#'   installed one by default.
#' @param sysname The operating system, as `Sys.info()[["sysname"]]` names it.
#' @returns A character vector of pip requirement strings.
#' @examples
#' python_requirements()
#' python_requirements(reticulate_version = "1.28", sysname = "Darwin")
#' @export
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
