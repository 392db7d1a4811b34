/* tnn runtime: the rest of the Reduce family, ArgMin and CumSum (tnn_data.h
 * has ReduceSum/Mean/Max and ArgMax and the TNN_REDUCE walker used here).
 *
 * Over an empty set the results are the identities: Min +inf, Prod 1,
 * L1/L2/SumSquare 0, LogSum and LogSumExp -inf.  Float sums and products
 * accumulate in double (double has every reduction here, tnn_data.h's
 * three included); LogSumExp keeps a running maximum m and the sum s
 * of e^(v - m) (rescaled when m grows), so it never overflows. */
#ifndef TNN_REDUCE_H
#define TNN_REDUCE_H

#include "tnn_data.h"


typedef struct tnn_lse_acc {
  double m, s;
} tnn_lse_acc;

TNN_INLINE tnn_lse_acc tnn_lse_step(tnn_lse_acc a, double v) {
  if (v != v || a.m != a.m) {
    a.m = NAN;
    return a;
  }
  if (v > a.m) {
    a.s = (a.m == -INFINITY ? 0.0 : a.s * exp(a.m - v)) + 1.0;
    a.m = v;
  } else if (v != -INFINITY) {
    a.s += exp(v - a.m);
  }
  return a;
}

TNN_INLINE double tnn_lse_fin64(tnn_lse_acc a) {
  if (a.m != a.m) return NAN;
  if (a.m == -INFINITY || a.m == INFINITY) return a.m;
  return a.m + log(a.s);
}

TNN_INLINE float tnn_lse_fin(tnn_lse_acc a) { return (float)tnn_lse_fin64(a); }

TNN_REDUCE(f32, float, float, reduce_min, INFINITY,
           (acc != acc || !(v < acc || v != v)) ? acc : v, acc)
TNN_REDUCE(f32, float, double, reduce_prod, 1.0, acc * v, (float)acc)
TNN_REDUCE(f32, float, double, reduce_l1, 0.0, acc + fabs((double)v),
           (float)acc)
TNN_REDUCE(f32, float, double, reduce_l2, 0.0, acc + (double)v * v,
           (float)sqrt(acc))
TNN_REDUCE(f32, float, double, reduce_sum_square, 0.0, acc + (double)v * v,
           (float)acc)
TNN_REDUCE(f32, float, double, reduce_log_sum, 0.0, acc + v,
           (float)log(acc))
TNN_REDUCE(f32, float, tnn_lse_acc, reduce_log_sum_exp,
           ((tnn_lse_acc){-INFINITY, 0.0}), tnn_lse_step(acc, v),
           tnn_lse_fin(acc))
/* double: every reduction, accumulating in double */
TNN_REDUCE(f64, double, double, reduce_sum, 0.0, acc + v, acc)
TNN_REDUCE(f64, double, double, reduce_mean, 0.0, acc + v, acc / (double)nred)
TNN_REDUCE(f64, double, double, reduce_max, -INFINITY,
           (acc != acc || !(v > acc || v != v)) ? acc : v, acc)
TNN_REDUCE(f64, double, double, reduce_min, INFINITY,
           (acc != acc || !(v < acc || v != v)) ? acc : v, acc)
TNN_REDUCE(f64, double, double, reduce_prod, 1.0, acc * v, acc)
TNN_REDUCE(f64, double, double, reduce_l1, 0.0, acc + fabs(v), acc)
TNN_REDUCE(f64, double, double, reduce_l2, 0.0, acc + v * v, sqrt(acc))
TNN_REDUCE(f64, double, double, reduce_sum_square, 0.0, acc + v * v, acc)
TNN_REDUCE(f64, double, double, reduce_log_sum, 0.0, acc + v, log(acc))
TNN_REDUCE(f64, double, tnn_lse_acc, reduce_log_sum_exp,
           ((tnn_lse_acc){-INFINITY, 0.0}), tnn_lse_step(acc, v),
           tnn_lse_fin64(acc))
TNN_REDUCE(i64, int64_t, int64_t, reduce_min, INT64_MAX, v < acc ? v : acc,
           acc)
TNN_REDUCE(i64, int64_t, uint64_t, reduce_prod, 1, acc * (uint64_t)v,
           (int64_t)acc)
TNN_REDUCE(i64, int64_t, uint64_t, reduce_sum_square, 0,
           acc + (uint64_t)v * (uint64_t)v, (int64_t)acc)
TNN_REDUCE(i64, int64_t, uint64_t, reduce_l1, 0,
           acc + (v < 0 ? 0 - (uint64_t)v : (uint64_t)v), (int64_t)acc)

/* out[o, i] = argmin_j x[o, j, i] as int64; flag (select_last_index) picks
 * the last of equal minima instead of the first. */
TNN_INLINE int tnn_f32_argmin(const void *vp, const void *const *in,
                              void *const *out) {
  const tnn_axis_params *p = (const tnn_axis_params *)vp;
  const float *x = (const float *)in[0];
  int64_t *y = (int64_t *)out[0];
  for (int64_t o = 0; o < p->outer; o++) {
    const float *xo = x + o * p->len * p->inner;
    for (int64_t i = 0; i < p->inner; i++) {
      float best = xo[i];
      int64_t bi = 0;
      for (int64_t j = 1; j < p->len; j++) {
        const float v = xo[j * p->inner + i];
        if (v < best || (p->flag && v == best)) {
          best = v;
          bi = j;
        }
      }
      y[o * p->inner + i] = bi;
    }
  }
  return TNN_OK;
}

/* CumSum of x seen as [outer, len, inner] along len; flag bit 0 exclusive
 * (y[j] sums x[< j], y[0] = 0), bit 1 reverse (sums from the end).  Sums
 * run in order in the element's own type, as onnxruntime and the ONNX
 * reference do; integers in the unsigned type of their width, so overflow
 * wraps instead of being undefined. */
#define TNN_CUMSUM(T, ct, at)                                                 \
  TNN_INLINE int tnn_##T##_cumsum(const void *vp, const void *const *in,      \
                                  void *const *out) {                         \
    const tnn_axis_params *p = (const tnn_axis_params *)vp;                   \
    const ct *x = (const ct *)in[0];                                          \
    ct *y = (ct *)out[0];                                                     \
    const int excl = (p->flag & 1) != 0, rev = (p->flag & 2) != 0;            \
    for (int64_t o = 0; o < p->outer; o++)                                    \
      for (int64_t i = 0; i < p->inner; i++) {                                \
        const int64_t base = o * p->len * p->inner + i;                       \
        at acc = 0;                                                           \
        for (int64_t s = 0; s < p->len; s++) {                                \
          const int64_t j = rev ? p->len - 1 - s : s;                         \
          const int64_t k = base + j * p->inner;                              \
          const at v = (at)x[k];                                              \
          if (!excl) acc += v;                                                \
          y[k] = (ct)acc;                                                     \
          if (excl) acc += v;                                                 \
        }                                                                     \
      }                                                                       \
    return TNN_OK;                                                            \
  }
TNN_CUMSUM(f32, float, float)
TNN_CUMSUM(f64, double, double)
TNN_CUMSUM(i32, int32_t, uint32_t)
TNN_CUMSUM(i64, int64_t, uint64_t)

#define TNN_KERNELS_REDUCE(K)                                                 \
  K(f32_reduce_min, reduce) K(f32_reduce_prod, reduce)                        \
  K(f32_reduce_l1, reduce) K(f32_reduce_l2, reduce)                           \
  K(f32_reduce_sum_square, reduce) K(f32_reduce_log_sum, reduce)              \
  K(f32_reduce_log_sum_exp, reduce) K(i64_reduce_min, reduce)                 \
  K(i64_reduce_prod, reduce) K(i64_reduce_sum_square, reduce)                 \
  K(i64_reduce_l1, reduce) K(f32_argmin, axis) K(f32_cumsum, axis)          \
  K(f64_cumsum, axis) K(i32_cumsum, axis) K(i64_cumsum, axis)               \
  K(f64_reduce_sum, reduce) K(f64_reduce_mean, reduce)                        \
  K(f64_reduce_max, reduce) K(f64_reduce_min, reduce)                         \
  K(f64_reduce_prod, reduce) K(f64_reduce_l1, reduce)                         \
  K(f64_reduce_l2, reduce) K(f64_reduce_sum_square, reduce)                   \
  K(f64_reduce_log_sum, reduce) K(f64_reduce_log_sum_exp, reduce)

#endif /* TNN_REDUCE_H */
