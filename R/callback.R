# The learning rate in every training history: callback_learning_rate_log().

#' Log the learning rate the optimizer applied
#'
#' A Keras callback that adds the optimizer's learning rate to the logs, as
#' `learning_rate`, at the end of each epoch (and, with `per_batch = TRUE`,
#' of each batch). The history that `fit()` returns then holds it, so
#' keras3's `plot(history)` draws it beside the loss, and
#' `callback_csv_logger()` writes it.
#'
#' The value is the rate the optimizer applied at the last step before the
#' log, exact against the formula: for an epoch of `n` steps ending at the
#' optimizer's step `k`, the schedule at step `k - 1`. (Keras's own
#' `optimizer$learning_rate`, which TensorBoard's callback logs, is the rate
#' of the step after, `k`.) It works with this package's schedule, any
#' other Keras schedule and a constant rate, through mixed precision's
#' LossScaleOptimizer too. Where the optimizer has no learning rate, it
#' warns once and logs nothing; training goes on.
#'
#' @param per_batch `TRUE` to log at the end of each batch too.
#' @returns A Keras callback (the Python class
#'   `inverse_time_decay.LearningRateLog`), for `fit()`'s `callbacks` list.
#'   Making it starts Python.
#' @family inverse time decay schedule
#' @export
#' @examples
#' \donttest{
#' if (reticulate::py_module_available("keras")) {
#'   keras <- reticulate::import("keras")
#'   model <- keras$Sequential(list(keras$Input(shape = list(4L)), keras$layers$Dense(3L)))
#'   model$compile(
#'     optimizer = keras$optimizers$SGD(learning_rate = inverse_time_decay_reaching(
#'       0.1, 0.01, at_step = 25, decay_steps = 5)),
#'     loss = "mse"
#'   )
#'   x <- reticulate::np_array(as.matrix(iris[, 1:4]), dtype = "float32")
#'   y <- reticulate::np_array(matrix(0, 150, 3), dtype = "float32")
#'   history <- model$fit(x, y, epochs = 5L, batch_size = 30L, verbose = 0L,
#'                        callbacks = list(callback_learning_rate_log()))
#'   unlist(history$history$learning_rate)
#' }
#' }
callback_learning_rate_log <- function(per_batch = FALSE) {
  call <- sys.call()
  per_batch <- check_flag(per_batch, "per_batch", call)
  with_python_errors(python_module()$LearningRateLog(per_batch = per_batch), call = call)
}
