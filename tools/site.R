# The pkgdown site of the package in the working directory, built offline
# from the installed package into DEST. --no-examples leaves the help pages'
# examples (a Keras fit among them) unrun.
# Usage: Rscript tools/site.R DEST [--no-examples]
args <- commandArgs(trailingOnly = TRUE)
options(pkgdown.internet = FALSE)
pkgdown::build_site(
  ".", override = list(destination = args[[1L]]), new_process = FALSE, install = FALSE,
  examples = !"--no-examples" %in% args
)

# Debian's pkgdown points every page's MathJax at the system's copy
# (file:///usr/share/javascript/mathjax), which a deployed site cannot
# reach; upstream pkgdown 2.0 loads the same file, with the same integrity
# hash, from cdnjs. Any other file:// link fails the build.
local_mathjax <- "file:///usr/share/javascript/mathjax/MathJax.js"
upstream_mathjax <- "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.5/MathJax.js"
for (page in list.files(args[[1L]], pattern = "[.]html$", recursive = TRUE, full.names = TRUE)) {
  html <- readLines(page, warn = FALSE, encoding = "UTF-8")
  html <- gsub(local_mathjax, upstream_mathjax, html, fixed = TRUE)
  if (any(grepl("file://", html, fixed = TRUE))) {
    stop("a file:// link is left in ", page, call. = FALSE)
  }
  writeLines(html, page, useBytes = TRUE)
}
