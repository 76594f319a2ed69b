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

# Doubles rounded once to float16 or bfloat16, in plain R: to the nearest
# multiple of the last place at their binade (at least the subnormals'),
# halves to even as R's round() takes them; float16 has 11 significant bits
# and normal exponents from -14, bfloat16 8 and -126.
as_16bit <- function(x, dtype) {
  bits <- c(float16 = 11, bfloat16 = 8)[[dtype]]
  lowest <- c(float16 = -14, bfloat16 = -126)[[dtype]]
  vapply(x, function(v) {
    if (is.na(v)) {
      return(NA_real_)  # as the schedule gives for NA and NaN steps
    }
    if (v == 0) {
      return(v)
    }
    exponent <- floor(log2(v))
    exponent <- exponent - (2^exponent > v) + (2^(exponent + 1) <= v)  # log2() may be off by one
    place <- 2^(max(exponent, lowest) - bits + 1)
    round(v / place) * place
  }, numeric(1L))
}

# Runs R code (a character vector of lines) in a fresh Rscript that sees this
# session's libraries, with `env` ("NAME=value") added; returns its stdout.
# For what is fixed once per process: the Python, the Keras backend.
# Its temporary files go to a folder of its own, removed after: TensorFlow's
# autograph leaves its generated modules in TMPDIR, which R CMD check would
# report as detritus.
run_rscript <- function(lines, env = character(), stderr = TRUE) {
  script <- tempfile(fileext = ".R")
  scratch <- tempfile("rscript-")
  dir.create(scratch)
  on.exit(unlink(c(script, scratch), recursive = TRUE), add = TRUE)
  writeLines(lines, script)
  system2(
    file.path(R.home("bin"), "Rscript"), shQuote(script), stdout = TRUE, stderr = stderr,
    env = c(paste0("R_LIBS=", paste(.libPaths(), collapse = ":")), paste0("TMPDIR=", scratch), env)
  )
}
