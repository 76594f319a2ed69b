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
