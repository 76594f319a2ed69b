/* The schedule's rates over a vector of steps, for the R package.
 *
 * The same float64 operations, in the same order, as the Python package's one
 * formula (python/inverse_time_decay/_formula.py: rate over NumpyArrays, and
 * Float64Namespace.floor_quotient), then one rounding to the schedule's dtype:
 * so R and Python agree to the bit, in every dtype. No multiply may be fused
 * with an add into one multiply-add here, which would round differently:
 * contraction is switched off for this file's functions, which keeps the
 * loops vectorizable (`volatile` temporaries cost ~2x).
 */
#include <math.h>
#include <stdint.h>
#include <R.h>
#include <Rinternals.h>
#include <R_ext/Rdynload.h>

#if defined(__clang__)
#pragma clang fp contract(off)
#define NO_CONTRACTION
#elif defined(__GNUC__)
#define NO_CONTRACTION __attribute__((optimize("fp-contract=off")))
#else
#pragma STDC FP_CONTRACT OFF
#define NO_CONTRACTION
#endif

#define WHOLE_FLOAT64 9007199254740992.0 /* 2^53 */
#define INT64_LIMIT 9223372036854775808.0 /* 2^63, exactly a double */

/* floor(step / decay_steps), by the operations of
 * Float64Namespace.floor_quotient in _formula.py: the rounded quotient,
 * one less where it rounded up onto a
 * whole number, which the exact remainder fmod() tells. No product, so
 * nothing here can be fused into a multiply-add. */
NO_CONTRACTION static inline double floor_quotient(double step, double decay_steps) {
  double quotient = step / decay_steps;
  double k = floor(quotient);
  double remainder = fmod(step, decay_steps);
  int over = quotient == k && remainder + remainder > decay_steps && quotient < WHOLE_FLOAT64;
  return over ? k - 1.0 : k;
}

NO_CONTRACTION static inline double rate(double p, double initial_learning_rate,
                                        double decay_rate) {
  double denominator = p * decay_rate + 1.0;
  return initial_learning_rate / denominator;
}

/* The dtypes, in the order R's schedule_rates() numbers them. */
enum dtype { FLOAT64 = 1, FLOAT32, FLOAT16, BFLOAT16 };

/* x (finite, >= 0) rounded once, ties to even, to the nearest number of
 * `precision` significant bits whose exponent is at least `min_exponent`,
 * the last place of the subnormals: float16 is (11, -14) and bfloat16
 * (8, -126). Scaled by a power of two so that the last place is 1, rounded
 * by nearbyint() in the default rounding mode (to nearest, ties to even),
 * and scaled back: each step is exact, so the value is rounded once, as the
 * Python class's round_once rounds it (_formula.py). No rate exceeds the
 * dtype's largest number, which the R side checked initial_learning_rate
 * against. */
static double round_to(double x, int precision, int min_exponent) {
  if (x == 0.0) return x;
  int exponent;
  frexp(x, &exponent);  /* x = m * 2^exponent, 0.5 <= m < 1 */
  if (exponent - 1 < min_exponent) exponent = min_exponent + 1;
  int shift = precision - exponent;
  return ldexp(nearbyint(ldexp(x, shift)), -shift);
}

static double round_to_dtype(double x, int dtype) {
  switch (dtype) {
  case FLOAT32: return (double) (float) x;
  case FLOAT16: return round_to(x, 11, -14);
  case BFLOAT16: return round_to(x, 8, -126);
  default: return x;
  }
}

/* The rates at `step` (an integer or double vector): the Python class's
 * _formula.rate over NumpyArrays (_formula.py) for one step at a time,
 * rounded to `dtype_` (enum dtype). NA and NaN steps give NA. The R side has
 * checked every other step (finite, >= 0; R/validation.R, check_steps) and
 * that initial_learning_rate fits the dtype, so no rate overflows the cast
 * to float (which would be undefined behaviour). */
NO_CONTRACTION SEXP inversetimedecay_values(SEXP step, SEXP initial_learning_rate_,
                             SEXP decay_steps_, SEXP decay_rate_,
                             SEXP staircase_, SEXP dtype_) {
  R_xlen_t n = XLENGTH(step);
  double initial_learning_rate = asReal(initial_learning_rate_);
  double decay_steps = asReal(decay_steps_);
  double decay_rate = asReal(decay_rate_);
  int staircase = asLogical(staircase_);
  int dtype = asInteger(dtype_);
  /* Integer steps divide exactly by a whole decay_steps in int64's range
   * (as Python's integer steps do); the range is checked before any cast. */
  int whole_decay_steps = decay_steps == floor(decay_steps) && decay_steps < INT64_LIMIT;
  int64_t whole = whole_decay_steps ? (int64_t) decay_steps : 1;

  SEXP out = PROTECT(allocVector(REALSXP, n));
  double *o = REAL(out);
  int is_integer = TYPEOF(step) == INTSXP;
  const int *si = is_integer ? INTEGER(step) : NULL;
  const double *sd = is_integer ? NULL : REAL(step);

  for (R_xlen_t i = 0; i < n; i++) {
    double p;
    if (is_integer) {
      if (si[i] == NA_INTEGER) { o[i] = NA_REAL; continue; }
      if (decay_rate == 0.0) {
        p = 0.0;
      } else if (staircase && whole_decay_steps) {
        p = (double) ((int64_t) si[i] / whole); /* exact integer division */
      } else if (staircase) {
        p = floor_quotient((double) si[i], decay_steps);
      } else {
        p = (double) si[i] / decay_steps;
      }
    } else {
      if (ISNAN(sd[i])) { o[i] = NA_REAL; continue; }  /* NA and NaN give NA */
      if (decay_rate == 0.0) {
        p = 0.0;  /* step / decay_steps may overflow, and inf * 0 is NaN */
      } else {
        p = staircase ? floor_quotient(sd[i], decay_steps) : sd[i] / decay_steps;
      }
    }
    o[i] = round_to_dtype(rate(p, initial_learning_rate, decay_rate), dtype);
  }
  UNPROTECT(1);
  return out;
}

/* floor(step / decay_steps) for one step, as the rates take it: for
 * inverse_time_decay_reaching(), which solves for decay_rate as the Python
 * class's reaching() does (_formula.decay_rate_reaching). */
SEXP inversetimedecay_periods(SEXP step, SEXP decay_steps) {
  return ScalarReal(floor_quotient(asReal(step), asReal(decay_steps)));
}

static const R_CallMethodDef call_methods[] = {
  {"inversetimedecay_values", (DL_FUNC) &inversetimedecay_values, 6},
  {"inversetimedecay_periods", (DL_FUNC) &inversetimedecay_periods, 2},
  {NULL, NULL, 0}
};

void R_init_inversetimedecay(DllInfo *dll) {
  R_registerRoutines(dll, NULL, call_methods, NULL, NULL);
  R_useDynamicSymbols(dll, FALSE);
}
