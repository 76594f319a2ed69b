test_that("callback_learning_rate_log() logs each epoch's last applied rate into the history", {
  skip_if_no_keras()
  keras <- reticulate::import("keras")
  model <- keras$Sequential(list(keras$Input(shape = list(1L)),
                                 keras$layers$Dense(1L, use_bias = FALSE)))
  model$compile(optimizer = keras$optimizers$SGD(
    learning_rate = inverse_time_decay_reaching(0.1, 0.05, at_step = 6, decay_steps = 3)
  ), loss = "mae")
  x <- reticulate::np_array(matrix(1, 4, 1), dtype = "float32")
  y <- reticulate::np_array(matrix(-1e6, 4, 1), dtype = "float32")
  history <- model$fit(x, y, batch_size = 1L, epochs = 3L, verbose = 0L,
                       callbacks = list(callback_learning_rate_log()))
  rates <- unlist(history$history$learning_rate)
  # Four steps an epoch: the rates applied at steps 3, 7 and 11.
  expect_identical(rates, as_float32(formula_rate(0.1, 3, 0.5, c(3, 7, 11))))
})

test_that("per_batch is checked in R before Python starts", {
  skip_if_not_installed("callr")
  out <- callr::r(function() {
    library(inversetimedecay)
    list(error = tryCatch(callback_learning_rate_log(per_batch = "yes"), error = identity),
         reticulate = isNamespaceLoaded("reticulate"))
  })
  expect_s3_class(out$error, "inversetimedecay_argument_error")
  expect_identical(conditionMessage(out$error),
                   'Argument `per_batch` must be a boolean. Received: per_batch="yes"')
  expect_false(out$reticulate)
})
