# Loading the package: .onLoad, and the Python packages declared to
# reticulate (py_require()) where it can take them.

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
