# Tests that need Keras skip, with the reason, where reticulate cannot reach it.
skip_if_no_keras <- function() {
  skip_if_not(
    reticulate::py_module_available("keras"),
    "Keras is not available to reticulate (set RETICULATE_PYTHON)"
  )
}

# The formula in plain R double arithmetic, independent of the package:
# exact floor for staircase, then float32 rounding through a C float.
formula_rate <- function(lr, d, r, step, staircase = FALSE) {
  p <- if (staircase) floor(step / d) else step / d
  lr / (1 + r * p)
}

as_float32 <- function(x) {
  readBin(writeBin(as.double(x), raw(), size = 4), "double", n = length(x), size = 4)
}
