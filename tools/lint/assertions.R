# Fails on a test_that() block with no expectation in it: no call to an
# expect_*() function, fail(), or a helper (defined in tests/testthat) that
# makes one. A block that only skips counts as empty.
# Usage: Rscript tools/lint/assertions.R tests/testthat
folder <- commandArgs(trailingOnly = TRUE)[[1]]
files <- list.files(folder, pattern = "^(test|helper).*\\.R$", full.names = TRUE)
exprs <- lapply(files, function(f) as.list(parse(f, keep.source = FALSE)))
names(exprs) <- files

calls_in <- function(x) {
  if (is.call(x)) {
    head <- x[[1L]]
    name <- if (is.name(head)) as.character(head) else if (is.call(head) &&
      identical(head[[1L]], as.name("::"))) as.character(head[[3L]]) else character()
    c(name, unlist(lapply(as.list(x)[-1L], calls_in)))
  } else if (is.pairlist(x) || is.expression(x) || is.list(x)) {
    unlist(lapply(as.list(x), calls_in))
  } else {
    character()
  }
}

is_function_assignment <- function(e) {
  is.call(e) && as.character(e[[1L]])[[1L]] %in% c("<-", "=") && is.call(e[[3L]]) &&
    identical(e[[3L]][[1L]], as.name("function"))
}
is_test_block <- function(e) is.call(e) && identical(e[[1L]], as.name("test_that"))
expects <- function(names) any(startsWith(names, "expect_") | names == "fail")

# Helpers: functions assigned at the top level of any file, with their calls.
assignments <- Filter(is_function_assignment, unlist(exprs, recursive = FALSE))
helpers <- lapply(assignments, function(e) calls_in(e[[3L]]))
names(helpers) <- vapply(assignments, function(e) as.character(e[[2L]]), "")
asserting <- names(Filter(expects, helpers))
repeat {
  more <- names(Filter(function(calls) any(calls %in% asserting), helpers))
  if (all(more %in% asserting)) break
  asserting <- union(asserting, more)
}

blocks <- lapply(names(exprs), function(file) {
  lapply(Filter(is_test_block, exprs[[file]]), function(e) list(file = file, e = e))
})
blocks <- unlist(blocks, recursive = FALSE)
empty <- Filter(function(b) {
  calls <- calls_in(b$e[[3L]])
  !expects(calls) && !any(calls %in% asserting)
}, blocks)
if (length(empty)) {
  describe <- function(b) sprintf("%s: \"%s\" expects nothing", b$file, b$e[[2L]])
  writeLines(vapply(empty, describe, ""))
  quit(status = 1L)
}
cat(length(blocks), "test_that() blocks, each with an expectation\n")
