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
  started <- callr::r(function() {
    library(inversetimedecay)
    s <- learning_rate_schedule_inverse_time_decay(0.1, 1, 0.5)
    s(0:10)
    print(s)
    reticulate::py_available(initialize = FALSE)
  })
  expect_false(started)
})
