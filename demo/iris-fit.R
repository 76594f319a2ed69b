# The help page's example from R: `make demo` (or Rscript demo/iris-fit.R with
# RETICULATE_PYTHON set). Fits a small classifier on R's iris data with SGD and
# learning_rate_schedule_inverse_time_decay(0.1, 1, 0.5) for 5 epochs, prints
# per epoch the loss, the accuracy, the optimizer's step, its learning rate
# and the formula's value, writes that table for the Python demo to compare,
# and draws the schedule's curve as a PNG. Both files go to a temporary
# folder, or to the folder named by the environment variable DEMO_OUT.
library(inversetimedecay)

out_dir <- Sys.getenv("DEMO_OUT", file.path(tempdir(), "iris-fit"))
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

initial_learning_rate <- 0.1
decay_steps <- 1.0
decay_rate <- 0.5
learning_rate_fn <- learning_rate_schedule_inverse_time_decay(
  initial_learning_rate, decay_steps, decay_rate)
print(learning_rate_fn)

# The curve, drawn in R without Python: continuous and staircase.
png(file.path(out_dir, "inverse-time-decay.png"), width = 720, height = 420)
plot(learning_rate_fn, steps = 0:50, main = "inverse time decay: 0.1 / (1 + 0.5 * step / 1)")
stair <- learning_rate_schedule_inverse_time_decay(0.1, 10, 0.5, staircase = TRUE)
lines(as.data.frame(stair, steps = 0:50), type = "s", lty = 2)
legend("topright", c("continuous, decay_steps = 1", "staircase, decay_steps = 10"),
       lty = c(1, 2), bty = "n")
invisible(dev.off())

keras <- reticulate::import("keras")
keras$utils$set_random_seed(42L)  # the seed the Python demo uses
x <- reticulate::np_array(as.matrix(iris[, 1:4]), dtype = "float32")
y <- reticulate::np_array(as.integer(iris$Species) - 1L, dtype = "int32")

model <- keras$Sequential(list(
  keras$Input(shape = list(4L)),
  keras$layers$Dense(3L, activation = "softmax")
))
optimizer <- keras$optimizers$SGD(learning_rate = learning_rate_fn)
model$compile(
  optimizer = optimizer,
  loss = "sparse_categorical_crossentropy",
  metrics = list("accuracy")
)

rows <- list()
on_epoch_end <- function(epoch, logs) {
  step <- optimizer$iterations$numpy()
  rows[[length(rows) + 1L]] <<- data.frame(
    epoch = epoch + 1L,
    loss = logs$loss,
    accuracy = logs$accuracy,
    step = step,
    learning_rate = as.numeric(optimizer$learning_rate$numpy()),
    formula = initial_learning_rate / (1 + decay_rate * step / decay_steps)
  )
}
history <- model$fit(
  x, y, epochs = 5L, batch_size = 32L, shuffle = FALSE, verbose = 0L,
  callbacks = list(keras$callbacks$LambdaCallback(on_epoch_end = on_epoch_end))
)
table <- do.call(rbind, rows)

cat("\nR: learning_rate_schedule_inverse_time_decay(0.1, 1, 0.5), SGD, iris, 5 epochs\n")
print(format(table, digits = 9), row.names = FALSE)
cat(sprintf("\nThe schedule from R at the same steps: %s\n",
            paste(format(learning_rate_fn(table$step), digits = 9), collapse = ", ")))
write.table(
  data.frame(lapply(table, function(column) sprintf("%.17g", column))),
  file.path(out_dir, "demo-r.tsv"), sep = "\t", quote = FALSE, row.names = FALSE
)
cat(sprintf("Curve written to %s\n", file.path(out_dir, "inverse-time-decay.png")))
