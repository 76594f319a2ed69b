library(testthat)
library(inversetimedecay)

test_check("inversetimedecay")
