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
