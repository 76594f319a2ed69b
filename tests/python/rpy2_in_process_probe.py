"""R under rpy2 hands the schedule to Keras in this same process; prints JSON.

Run in a fresh process by test_rpy2_in_process.py, which reads the exit
status too: with reticulate before 1.31 such a process used to finish its
work and then die at exit. The R code trains a small model for 4 steps with
the schedule and returns the learning rate the optimizer used at each step.
"""

import json
import sys

import rpy2.robjects as robjects
from rpy2.rinterface_lib.embedded import RRuntimeError

R_CODE = """
library(inversetimedecay)
s <- learning_rate_schedule_inverse_time_decay(0.1, decay_steps = 2, decay_rate = 0.5,
                                               staircase = STAIRCASE)
keras <- reticulate::import("keras")
keras$utils$set_random_seed(1L)
model <- keras$Sequential(list(keras$Input(shape = list(4L)), keras$layers$Dense(3L)))
optimizer <- keras$optimizers$SGD(learning_rate = s)
model$compile(optimizer = optimizer, loss = "sparse_categorical_crossentropy")
x <- reticulate::np_array(as.matrix(iris[1:40, 1:4]), dtype = "float32")
y <- reticulate::np_array(as.integer(iris$Species[1:40]) - 1L, dtype = "int32")
rates <- numeric()
for (i in 1:4) {
  rates[i] <- as.numeric(optimizer$learning_rate$numpy())
  model$train_on_batch(x, y)
}
c(rates, as.numeric(optimizer$iterations$numpy()))
"""

# Where reticulate is too old to call back into this Python, the package's
# own route to Keras must refuse before Python starts. (The training code
# above would start it itself, with reticulate::import(), and such a
# process may die at exit whatever this package does.)
R_REFUSED = """
library(inversetimedecay)
s <- learning_rate_schedule_inverse_time_decay(0.1, decay_steps = 2, decay_rate = 0.5,
                                               staircase = STAIRCASE)
result <- tryCatch(keras_schedule(s), error = function(e) e)
stopifnot(!reticulate::py_available(initialize = FALSE))
stop(result)
"""

staircase = sys.argv[1] == "staircase"
version = str(robjects.r('as.character(packageVersion("reticulate"))')[0])
result = {"reticulate": version}
try:
    major, minor = (int(part) for part in version.split(".")[:2])
    code = R_CODE if (major, minor) >= (1, 31) else R_REFUSED
    values = list(robjects.r(code.replace("STAIRCASE", "TRUE" if staircase else "FALSE")))
    result["rates"], result["iterations"] = values[:4], values[4]
except RRuntimeError as error:
    result["error"] = str(error)
# Whether the R package imported its Python module: nothing here does.
result["module_imported"] = "inverse_time_decay" in sys.modules
print(json.dumps(result), flush=True)
