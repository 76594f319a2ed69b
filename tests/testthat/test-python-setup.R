# What the package asks of Python, and what it says when Python falls short.

test_that("NumPy is held below 2 only for reticulate releases that cannot read it", {
  # reticulate 1.38.0 added NumPy 2 support; 1.37 and earlier fail on its arrays.
  numpy_pins <- function(version) {
    grep("^numpy", python_requirements(package_version(version), "Linux"), value = TRUE)
  }
  expect_identical(numpy_pins("1.28"), "numpy<2")
  expect_identical(numpy_pins("1.37.0"), "numpy<2")
  expect_identical(numpy_pins("1.38"), character())
  expect_identical(numpy_pins("1.38.0"), character())
  expect_identical(numpy_pins("1.41.0.1"), character())
})

test_that("TensorFlow's CPU build is asked for on Linux only", {
  expect_identical(python_requirements("1.41", "Linux")[2], "tensorflow-cpu")
  expect_identical(python_requirements("1.41", "Darwin")[2], "tensorflow")
  expect_identical(python_requirements("1.41", "Windows")[2], "tensorflow")
  expect_identical(python_requirements("1.41", "Linux")[1], "keras>=3")
  expect_identical(formals(install_inverse_time_decay)$packages, quote(python_requirements()))
})

test_that("only reticulate 1.31 and later are trusted inside rpy2", {
  # 1.28, 1.29 and 1.30 crash the embedding Python at exit; 1.31 does not.
  expect_false(reticulate_can_embed(package_version("1.30")))
  expect_true(reticulate_can_embed(package_version("1.31")))
  expect_false(embedded_in_python())  # testthat runs in R, not under rpy2
})

test_that("R inside Python is told by the program name, the session variable or the executable", {
  r_exe <- "/usr/lib/R/bin/exec/R"
  expect_true(embedded_in_python("rpy2", "", r_exe, 7L))
  expect_true(embedded_in_python("R", "current_pid=7", r_exe, 7L))
  expect_true(embedded_in_python("R", "a=1:current_pid=7:b=2", r_exe, 7L))
  expect_true(embedded_in_python("R", "", "/usr/bin/python3.11", 7L))
  expect_false(embedded_in_python("R", "current_pid=77", r_exe, 7L))
  expect_false(embedded_in_python("R", "", r_exe, 7L))
})

test_that("py_require() is used from reticulate 1.41 on", {
  expect_false(has_py_require(package_version("1.40.1")))
  expect_true(has_py_require(package_version("1.41")))
})

test_that("Keras counts as available in either generation", {
  only <- function(name) function(module) identical(module, name)
  expect_true(keras_available(only("keras")))
  expect_true(keras_available(only("tf_keras")))
  expect_false(keras_available(function(module) FALSE))
})

test_that("loading the package starts no Python, and registers the class where Keras is loaded", {
  skip_if_no_keras()
  out <- run_rscript(c(
    "library(reticulate)",
    "library(inversetimedecay)",
    "cat('started:', py_available(), '\n')",
    "keras <- import('keras')",
    "cat('registered after:', !is.null(keras$saving$get_registered_object(",
    "  'inverse_time_decay>InverseTimeDecay')), '\n')"
  ))
  expect_true("started: FALSE " %in% out, info = paste(out, collapse = "\n"))
  expect_true("registered after: TRUE " %in% out, info = paste(out, collapse = "\n"))
  # Keras imported first, then the package: registered as it loads.
  out <- run_rscript(c(
    "keras <- reticulate::import('keras')",
    "loadNamespace('inversetimedecay')",
    "cat('registered before:', !is.null(keras$saving$get_registered_object(",
    "  'inverse_time_decay>InverseTimeDecay')), '\n')"
  ))
  expect_true("registered before: TRUE " %in% out, info = paste(out, collapse = "\n"))
})

test_that("a Python without Keras gets an error naming install_inverse_time_decay()", {
  python <- Sys.which("python3")
  skip_if(!nzchar(python), "python3 is not on PATH")
  venv <- tempfile("no-keras-")
  on.exit(unlink(venv, recursive = TRUE), add = TRUE)
  status <- system2(python, c("-m", "venv", "--without-pip", shQuote(venv)))
  skip_if(status != 0, "python3 -m venv failed")
  bare_python <- file.path(venv, "bin", "python")
  out <- run_rscript(c(
    "library(inversetimedecay)",
    "s <- learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5)",
    "e <- tryCatch(keras_schedule(s), error = function(e) e)",
    "cat(class(e)[1], conditionMessage(e), sep = '\\n')",
    "e <- tryCatch(s$get_config, error = function(e) e)",
    "cat(class(e)[1], conditionMessage(e), sep = '\\n')"
  ), env = paste0("RETICULATE_PYTHON=", bare_python))
  expect_identical(out[1], "inversetimedecay_keras_missing")
  expect_match(out[2], "Keras is not installed in the Python that reticulate uses", fixed = TRUE)
  expect_match(out[2], bare_python, fixed = TRUE)
  expect_match(out[2], "install_inverse_time_decay()", fixed = TRUE)
  # Other names than the fields are the Keras schedule's: the error says why there is none.
  expect_identical(out[3], "inversetimedecay_field_error")
  expect_match(out[4], "no field `get_config`", fixed = TRUE)
  expect_match(out[4], "which could not be made: Keras is not installed", fixed = TRUE)
})

test_that("reticulate 1.41 lists the declared requirements, and RETICULATE_PYTHON still wins", {
  skip_if(utils::packageVersion("reticulate") < "1.41", "py_require() needs reticulate 1.41")
  skip_if_not(nzchar(Sys.getenv("RETICULATE_PYTHON")), "RETICULATE_PYTHON is not set")
  out <- run_rscript(c(
    "library(inversetimedecay)",
    "stopifnot(!isNamespaceLoaded('reticulate'))",  # library() leaves reticulate alone
    "cat(reticulate::py_require()$packages, sep = '\\n')",
    "cat('python:', reticulate::py_config()$python, '\\n')"
  ))
  expect_true(all(python_requirements() %in% out), info = paste(out, collapse = "\n"))
  python <- sub("^python: *", "", grep("^python:", out, value = TRUE))
  expect_identical(
    normalizePath(trimws(python)), normalizePath(Sys.getenv("RETICULATE_PYTHON"))
  )
})

test_that("a Python module of another version imported first is an error naming both versions", {
  skip_if_no_keras()
  # A stand-in for `pip install inverse_time_decay==0.0.9` into reticulate's
  # Python: a module of that name and version, imported before the package's.
  stub <- tempfile("stub-")
  dir.create(file.path(stub, "inverse_time_decay"), recursive = TRUE)
  on.exit(unlink(stub, recursive = TRUE), add = TRUE)
  writeLines('__version__ = "0.0.9"', file.path(stub, "inverse_time_decay", "__init__.py"))
  out <- run_rscript(c(
    sprintf("invisible(reticulate::import_from_path('inverse_time_decay', '%s'))", stub),
    "library(inversetimedecay)",
    "s <- learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5)",
    "e <- tryCatch(keras_schedule(s), error = function(e) e)",
    "cat(class(e)[1], conditionMessage(e), sep = '\\n')"
  ))
  expect_identical(out[1], "inversetimedecay_version_mismatch", info = paste(out, collapse = "\n"))
  version <- as.character(utils::packageVersion("inversetimedecay"))
  expect_match(
    out[2], "inverse_time_decay that this session imported is version 0.0.9", fixed = TRUE
  )
  expect_match(out[2], paste0("the R package inversetimedecay is version ", version), fixed = TRUE)
  expect_match(out[2], paste0("pip install 'inverse_time_decay==", version, "'"), fixed = TRUE)
  expect_match(out[2], stub, fixed = TRUE)
})

test_that("the module the package carries is the package's own version", {
  skip_if_no_keras()
  carried <- system.file("python", package = "inversetimedecay")
  module <- reticulate::import_from_path("inverse_time_decay", carried)
  expect_identical(
    check_module_version(module), as.character(utils::packageVersion("inversetimedecay"))
  )
})
