test_that("the signature is keras 2.15's, exactly", {
  expect_identical(
    formals(learning_rate_schedule_inverse_time_decay),
    as.pairlist(alist(
      initial_learning_rate = , decay_steps = , decay_rate = ,
      staircase = FALSE, ... = , name = NULL
    ))
  )
})

test_that("library() starts no Python", {
  skip_if_not_installed("callr")
  state <- callr::r(function() {
    library(inversetimedecay)
    s <- learning_rate_schedule_inverse_time_decay(0.1, 1, 0.5)
    s(0:10)
    print(s)
    grDevices::pdf(NULL)  # no Rplots.pdf left behind
    plot(s, steps = 0:10)
    # Not even reticulate's namespace is loaded: it alone takes ~1 s.
    reticulate_loaded <- isNamespaceLoaded("reticulate")
    list(reticulate = reticulate_loaded,
         python = reticulate::py_available(initialize = FALSE))
  })
  expect_false(state$reticulate)
  expect_false(state$python)
})

test_that("the help page keeps the formula, every argument with its constraint, the example", {
  rd <- tools::Rd_db("inversetimedecay")[["learning_rate_schedule_inverse_time_decay.Rd"]]
  text <- paste(utils::capture.output(tools::Rd2txt(rd)), collapse = "\n")
  text <- gsub("\\s+", " ", gsub("[\u2018\u2019`\b]", "", text))
  expect_match(text, "initial_learning_rate / (1 + decay_rate * step / decay_steps)",
               fixed = TRUE)
  expect_match(text, "initial_learning_rate / (1 + decay_rate * floor(step / decay_steps))",
               fixed = TRUE)
  arguments <- tools:::.Rd_get_argument_names(rd)
  expect_setequal(arguments, names(formals(learning_rate_schedule_inverse_time_decay)))
  for (constraint in c("finite number >= 0", "finite number > 0")) {
    expect_match(text, constraint, fixed = TRUE)
  }
  examples <- paste(tools:::.Rd_get_section(rd, "examples"), collapse = "")
  expect_match(examples, "optimizer = keras$optimizers$SGD(learning_rate = learning_rate_fn)",
               fixed = TRUE)
})
