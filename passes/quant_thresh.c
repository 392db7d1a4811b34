/* Pass quant-acts, threshold derivation (see quant_acts.c): where the float
 * path's decisions change, found by bisection over the integer dot (a packed
 * layer's epilogue, the chain and the quantizer, evaluated as the float
 * path evaluates them, ties included) or over the ordered floats (a
 * quantizer's own input). */
#include <math.h>
#include <string.h>

#include "quant_acts.h"

/* The quantizer level the float path gives for integer dot d at channel m. */
static int step_level(const StepFn *s, int64_t m, int64_t d) {
  float v = (float)d * s->scale[m];
  v = v + s->bias[m];
  v = v < s->lo ? s->lo : v > s->hi ? s->hi : v;
  for (int i = 0; i < s->nchain; i++) v = qa_eval1(s->chain[i], m, v);
  return qa_level_of(s->q, qa_eval_group(s->q, m, v));
}

/* Smallest v in [lo, hi] with f(v) >= j for non-decreasing f, or hi + 1. */
#define FIRST_AT_LEAST(result, lo_, hi_, j, f_of)                             \
  do {                                                                        \
    int64_t a_ = (lo_), b_ = (hi_) + 1;                                       \
    while (a_ < b_) {                                                         \
      const int64_t mid_ = a_ + (b_ - a_) / 2;                                \
      const int64_t v_ = mid_;                                                \
      if ((f_of(v_)) >= (j)) b_ = mid_;                                       \
      else a_ = mid_ + 1;                                                     \
    }                                                                         \
    (result) = a_;                                                            \
  } while (0)

/* Integer thresholds {dir, t0, t1} per channel; false if the float path
 * is not a monotone step function of the dot (then nothing changes). */
bool qa_int_thresholds(const StepFn *s, int64_t mch, int64_t k,
                           int32_t *thr, const char **why) {
  const bool check_all = (2 * k + 1) * mch <= ((int64_t)1 << 22);
  for (int64_t m = 0; m < mch; m++) {
    const int l_lo = step_level(s, m, -k), l_hi = step_level(s, m, k);
    if (l_lo == 2 || l_hi == 2) {
      *why = "a quantizer output outside its levels";
      return false;
    }
    const int64_t dir = l_hi >= l_lo ? 1 : -1;
#define G(v) step_level(s, m, dir * (v))
    int64_t t0, t1;
    FIRST_AT_LEAST(t0, -k, k, 0, G);
    FIRST_AT_LEAST(t1, -k, k, 1, G);
    thr[3 * m] = (int32_t)dir;
    thr[3 * m + 1] = (int32_t)t0;
    thr[3 * m + 2] = (int32_t)t1;
    if (check_all)
      for (int64_t v = -k; v <= k; v++)
        if (G(v) != -1 + (v >= t0) + (v >= t1)) {
          *why = "the float path is not monotone in the dot";
          return false;
        }
#undef G
  }
  return true;
}

/* Float thresholds {t0, t1} of the quantizer at channel c (non-decreasing
 * in x): level = -1 + (x >= t0) + (x >= t1); NaN when never reached. */
bool qa_float_thresholds(const QGroup *q, int64_t c, float *t) {
  const int64_t lo = qa_fkey(-INFINITY), hi = qa_fkey(INFINITY);
#define G(v) qa_level_of(q, qa_eval_group(q, c, qa_fval(v)))
  if (G(lo) == 2 || G(hi) == 2 || G(lo) > G(hi)) return false;
  for (int j = 0; j < 2; j++) {
    int64_t r;
    FIRST_AT_LEAST(r, lo, hi, j, G);
    t[j] = r > hi ? NAN : r == lo ? -INFINITY : qa_fval(r);
    if (r > lo && r <= hi && G(r - 1) >= j) return false;
  }
#undef G
  return true;
}
