# R inside a Python process (rpy2): detecting it, and refusing the
# reticulate releases that crash such a process at exit.

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
