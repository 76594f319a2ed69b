# Keras's floatx(), the dtype of a schedule that fixes none: asked of Python
# while it runs Keras, else what Keras reads when it starts. No hook into
# Keras: set_floatx() is Keras's own, however the user reached it.

# floatx() now. While Python runs and has imported Keras, Python is asked,
# once a call; else keras.json, read once a session as Keras reads it once,
# when it is imported.
keras_floatx <- function() {
  python_floatx() %||% (.python$json_floatx <- .python$json_floatx %||% keras_json_floatx())
}

# Keras's floatx() from the running Python, or NULL where Python has not
# started, cannot be called from here (an old reticulate inside rpy2), or
# has not imported Keras: of the generation the Python module picks
# (TF_USE_LEGACY_KERAS), or the module's own where it is imported.
python_floatx <- function() {
  if (!isNamespaceLoaded("reticulate") || !reticulate::py_available(initialize = FALSE)) {
    return(NULL)
  }
  if (embedded_in_python() && !reticulate_can_embed()) return(NULL)
  if (!is.null(.python$module)) return(.python$module$`_backend`$floatx())
  python_lambda(imported_keras_floatx)()
}

imported_keras_floatx <- paste(
  "lambda: (lambda m: m.backend.floatx() if m is not None else None)(",
  "__import__('sys').modules.get('tf_keras' if __import__('os').environ.get(",
  "'TF_USE_LEGACY_KERAS', '').strip().lower() in ('1', 'true', 'yes') else 'keras'))"
)

# The "floatx" of keras.json where Keras looks for it: $KERAS_HOME, else
# ~/.keras, or /tmp/.keras where the home folder is not writable; float32
# when there is none.
keras_json_floatx <- function(env = Sys.getenv(c("KERAS_HOME", "HOME"), unset = NA)) {
  folder <- env[["KERAS_HOME"]]
  if (is.na(folder)) {
    home <- if (is.na(env[["HOME"]])) path.expand("~") else env[["HOME"]]
    if (file.access(home, 2L) != 0L) home <- "/tmp"
    folder <- file.path(home, ".keras")
  }
  path <- file.path(folder, "keras.json")
  if (!file.exists(path)) return("float32")
  text <- paste(readLines(path, warn = FALSE), collapse = " ")
  found <- regmatches(text, regexec('"floatx"[[:space:]]*:[[:space:]]*"([a-z0-9]+)"', text))[[1]]
  if (length(found) == 2L && found[[2]] %in% c("float16", "bfloat16", "float32", "float64")) {
    found[[2]]
  } else {
    "float32"
  }
}
