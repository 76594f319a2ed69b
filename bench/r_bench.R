# The R figures, measured side by side with the route an R user has today:
# Keras's own class through reticulate. Prints one "ROW" line per figure:
#   ROW <figure> <this package> <keras route> <floor> <unit>
# Run by bench/run.py (make bench), which tabulates them. `--smoke` makes
# every loop tiny: it checks that the script runs, not how fast.
args <- commandArgs(trailingOnly = TRUE)
smoke <- "--smoke" %in% args
reps <- if (smoke) 1L else 7L
scale <- if (smoke) 0.01 else 1

suppressMessages(library(inversetimedecay))

# Interleaves the contenders round by round, so that the machine's noise
# falls on all of them alike; returns the median time of each.
# `loops` may differ per contender, so that each timed block spans well over
# proc.time()'s millisecond resolution.
side_by_side <- function(funs, loops) {
  loops <- rep_len(loops, length(funs))
  for (f in funs) f()  # warm up
  times <- matrix(NA_real_, reps, length(funs))
  for (r in seq_len(reps)) {
    for (j in seq_along(funs)) {
      start <- proc.time()[["elapsed"]]
      for (i in seq_len(loops[[j]])) funs[[j]]()
      times[r, j] <- (proc.time()[["elapsed"]] - start) / loops[[j]]
    }
  }
  apply(times, 2L, median)
}

row <- function(figure, values, unit) {
  cat(sprintf("ROW %s %.6g %.6g %.6g %s\n", figure, values[[1]], values[[2]], values[[3]], unit))
}

ours <- learning_rate_schedule_inverse_time_decay(0.1, 1, 0.5)
n <- as.integer(1e6 * scale)
steps <- 0:(n - 1L)
one_loops <- as.integer(20000 * scale) + 1L
curve_loops <- if (smoke) 1L else 5L

# This package before Python starts, then (below) in the same process once
# Keras runs in it, when each call asks Python for floatx(). Python cannot
# be stopped again, so the two are measured one after the other, not
# interleaved.
stopifnot(!isNamespaceLoaded("reticulate"))
before_one <- side_by_side(list(function() ours(5L)), loops = one_loops)
before_curve <- side_by_side(list(function() ours(steps)), loops = curve_loops)

keras <- reticulate::import("keras")
np <- reticulate::import("numpy", convert = FALSE)
builtin <- keras$optimizers$schedules$InverseTimeDecay(0.1, 1, 0.5)

stopifnot(identical(
  ours(0:10),
  as.numeric(builtin(reticulate::np_array(0:10))$numpy())
))

curve <- side_by_side(list(
  function() ours(steps),
  function() as.numeric(builtin(np$arange(n))$numpy()),
  function() 0.1 / (1 + 0.5 * steps / 1)
), loops = curve_loops)
row("r_curve_1e6", curve * 1e3, "ms")
row("r_curve_1e6_keras", c(curve[1:2], before_curve) * 1e3, "ms")

one <- side_by_side(list(
  function() ours(5L),
  function() as.numeric(builtin(5L)$numpy()),
  function() 0.1 / (1 + 0.5 * 5L / 1)
), loops = as.integer(c(20000, 1000, 200000) * scale) + 1L)
row("r_one_step", c(before_one, one[2:3]) * 1e6, "us")
row("r_one_step_keras", c(one[1:2], before_one) * 1e6, "us")

# Fresh R processes: library() alone, and a session to its first printed
# curve. The keras route's session imports Keras (and TensorFlow) first.
rscript <- file.path(R.home("bin"), "Rscript")
fresh <- function(code) {
  function() system2(rscript, c("-e", shQuote(code)), stdout = FALSE, stderr = FALSE)
}
# A smoke run checks that the script runs; the keras route's fresh sessions
# (each imports TensorFlow, seconds apiece) are left out of it.
fresh_keras <- function(code) fresh(if (smoke) "NULL" else code)
startup <- side_by_side(list(
  fresh("library(inversetimedecay); stopifnot(!isNamespaceLoaded('reticulate'))"),
  fresh_keras("invisible(reticulate::import('keras'))"),
  fresh("NULL")
), loops = 1L)
row("r_library", startup, "s")

first_curve <- side_by_side(list(
  fresh("library(inversetimedecay); print(learning_rate_schedule_inverse_time_decay(0.1, 1, 0.5))"),
  fresh_keras(paste(
    "k <- reticulate::import('keras');",
    "s <- k$optimizers$schedules$InverseTimeDecay(0.1, 1, 0.5);",
    "print(as.numeric(s(reticulate::np_array(0:4))$numpy()))"
  )),
  fresh("print(0.1 / (1 + 0.5 * (0:4)))")
), loops = 1L)
row("r_first_curve", first_curve, "s")
