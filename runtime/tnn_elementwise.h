/* tnn runtime: elementwise kernels (unary, broadcasting binary, Where, Cast).
 *
 * Binary kernels take tnn_bcast_params: the output's dims and, per operand,
 * strides in elements with 0 on broadcast axes.  When both operands are
 * dense and of the output's shape (sa/sb equal the output's strides, the
 * common case) the loop is a flat one. */
#ifndef TNN_ELEMENTWISE_H
#define TNN_ELEMENTWISE_H

#include "tnn_half.h"

/* ---------------------------------------------------------------- unary */

/* Each also has its share `part` of `nparts` (tnn_runtime.h): elements
 * [lo, hi) in steps of 64. */
#define TNN_UNARY(T, ct, op, expr)                                            \
  TNN_INLINE int tnn_##T##_##op##_part(const void *vp, const void *const *in, \
                                       void *const *out, int64_t part,        \
                                       int64_t nparts) {                      \
    const tnn_unary_params *p = (const tnn_unary_params *)vp;                 \
    const ct *x = (const ct *)in[0];                                          \
    ct *y = (ct *)out[0];                                                     \
    const float alpha = (float)p->alpha, beta = (float)p->beta;               \
    int64_t lo, hi;                                                           \
    (void)alpha;                                                              \
    (void)beta;                                                               \
    tnn_part_range(p->n, 64, part, nparts, &lo, &hi);                         \
    for (int64_t i = lo; i < hi; i++) {                                       \
      const ct v = x[i];                                                      \
      y[i] = (expr);                                                          \
    }                                                                         \
    return TNN_OK;                                                            \
  }                                                                           \
  TNN_INLINE int tnn_##T##_##op(const void *vp, const void *const *in,        \
                                void *const *out) {                           \
    return tnn_##T##_##op##_part(vp, in, out, 0, 1);                          \
  }

/* Round half to even, as ONNX Round: rintf in the default rounding mode. */
TNN_INLINE float tnn_roundf_even(float v) {
  float r = floorf(v);
  float d = v - r;
  if (d > 0.5f || (d == 0.5f && fmodf(r, 2.0f) != 0.0f)) r += 1.0f;
  return r;
}

TNN_INLINE float tnn_sigmoidf(float v) {
  return v >= 0 ? 1.0f / (1.0f + expf(-v)) : expf(v) / (1.0f + expf(v));
}

TNN_UNARY(f32, float, relu, v > 0 ? v : 0.0f)
TNN_UNARY(f32, float, leaky_relu, v < 0 ? v * alpha : v)
TNN_UNARY(f32, float, sigmoid, tnn_sigmoidf(v))
TNN_UNARY(f32, float, tanh, tanhf(v))
TNN_UNARY(f32, float, hard_sigmoid, fmaxf(0.0f, fminf(1.0f, alpha * v + beta)))
TNN_UNARY(f32, float, abs, fabsf(v))
TNN_UNARY(f32, float, neg, -v)
TNN_UNARY(f32, float, sign, (float)((v > 0) - (v < 0)))
TNN_UNARY(f32, float, exp, expf(v))
TNN_UNARY(f32, float, sqrt, sqrtf(v))
TNN_UNARY(f32, float, round, tnn_roundf_even(v))
TNN_UNARY(f32, float, floor, floorf(v))
/* Clip: alpha = min, beta = max (infinite when absent). NaN passes. */
TNN_UNARY(f32, float, clip, v < alpha ? alpha : (v > beta ? beta : v))
/* Integer arithmetic wraps around (two's complement, as onnxruntime on
 * every common target) instead of overflowing, which C leaves undefined:
 * computed in uint64_t, then converted back. */
#define TNN_WRAP(ct, expr) ((ct)(expr))
/* A double as int64, saturated (a bare out-of-range cast is undefined). */
TNN_INLINE int64_t tnn_sat_i64(double d) {
  if (d != d) return 0;
  if (d >= 9223372036854775807.0) return INT64_MAX;
  if (d <= -9223372036854775808.0) return INT64_MIN;
  return (int64_t)d;
}
TNN_UNARY(i64, int64_t, relu, v > 0 ? v : 0)
TNN_UNARY(i64, int64_t, abs, v < 0 ? TNN_WRAP(int64_t, 0 - (uint64_t)v) : v)
TNN_UNARY(i64, int64_t, neg, TNN_WRAP(int64_t, 0 - (uint64_t)v))
TNN_UNARY(i64, int64_t, sign, (int64_t)((v > 0) - (v < 0)))
TNN_UNARY(i64, int64_t, clip,
          (double)v < p->alpha ? tnn_sat_i64(p->alpha)
                               : ((double)v > p->beta ? tnn_sat_i64(p->beta) : v))
/* Clip of the narrower types: the bounds are of the input's type (exact in
 * alpha/beta), a missing one infinite and never taken. */
#define TNN_CLIP_INT(T, ct)                                                   \
  TNN_UNARY(T, ct, clip,                                                      \
            (double)v < p->alpha                                              \
                ? (ct)tnn_sat_i64(p->alpha)                                   \
                : ((double)v > p->beta ? (ct)tnn_sat_i64(p->beta) : v))
TNN_CLIP_INT(i32, int32_t)
TNN_CLIP_INT(i8, int8_t)
TNN_CLIP_INT(u8, uint8_t)
TNN_UNARY(f64, double, clip,
          v < p->alpha ? p->alpha : (v > p->beta ? p->beta : v))
TNN_UNARY(i32, int32_t, abs, v < 0 ? TNN_WRAP(int32_t, 0 - (uint64_t)v) : v)
TNN_UNARY(i32, int32_t, neg, TNN_WRAP(int32_t, 0 - (uint64_t)v))
TNN_UNARY(i32, int32_t, sign, (int32_t)((v > 0) - (v < 0)))
TNN_UNARY(b8, uint8_t, not, (uint8_t)!v)

/* --------------------------------------------------------------- binary */

#define TNN_BINARY(T, ct, cout, op, expr)                                     \
  TNN_INLINE int tnn_##T##_##op(const void *vp, const void *const *in,     \
                                   void *const *out) {                        \
    const tnn_bcast_params *p = (const tnn_bcast_params *)vp;                 \
    const ct *A = (const ct *)in[0];                                          \
    const ct *B = (const ct *)in[1];                                          \
    cout *y = (cout *)out[0];                                                 \
    int64_t idx[TNN_MAX_RANK] = {0};                                          \
    int64_t inner = p->rank > 0 ? p->dims[p->rank - 1] : 1;                   \
    int64_t ia = p->rank > 0 ? p->sa[p->rank - 1] : 0;                        \
    int64_t ib = p->rank > 0 ? p->sb[p->rank - 1] : 0;                        \
    for (int64_t o = 0; o < p->n; o += inner) {                               \
      const ct *pa = A + tnn_offset(p->rank, idx, p->sa);                     \
      const ct *pb = B + tnn_offset(p->rank, idx, p->sb);                     \
      for (int64_t i = 0; i < inner; i++) {                                   \
        const ct a = pa[i * ia], b = pb[i * ib];                              \
        y[o + i] = (cout)(expr);                                              \
      }                                                                       \
      if (p->rank > 0) {                                                      \
        idx[p->rank - 1] = inner - 1;                                         \
        tnn_index_next(p->rank, p->dims, idx);                                \
      }                                                                       \
    }                                                                         \
    return TNN_OK;                                                            \
  }

/* Integer division and modulo as ONNX: truncation toward zero (C99);
 * x / 0 gives 0 and INT64_MIN / -1 wraps, instead of trapping. */
TNN_INLINE int64_t tnn_i64_divs(int64_t a, int64_t b) {
  if (b == 0) return 0;
  if (b == -1) return TNN_WRAP(int64_t, 0 - (uint64_t)a);
  return a / b;
}

#define TNN_BINARY_ARITH(T, ct)                                               \
  TNN_BINARY(T, ct, ct, add, TNN_ARITH_ADD(ct, a, b))                         \
  TNN_BINARY(T, ct, ct, sub, TNN_ARITH_SUB(ct, a, b))                         \
  TNN_BINARY(T, ct, ct, mul, TNN_ARITH_MUL(ct, a, b))                         \
  TNN_BINARY(T, ct, ct, min, a < b ? a : b)                                   \
  TNN_BINARY(T, ct, ct, max, a > b ? a : b)                                   \
  TNN_BINARY(T, ct, uint8_t, greater, a > b)                                  \
  TNN_BINARY(T, ct, uint8_t, greater_equal, a >= b)                           \
  TNN_BINARY(T, ct, uint8_t, less, a < b)                                     \
  TNN_BINARY(T, ct, uint8_t, less_equal, a <= b)                              \
  TNN_BINARY(T, ct, uint8_t, equal, a == b)

#define TNN_ARITH_ADD(ct, a, b) a + b
#define TNN_ARITH_SUB(ct, a, b) a - b
#define TNN_ARITH_MUL(ct, a, b) a * b
TNN_BINARY_ARITH(f32, float)
#undef TNN_ARITH_ADD
#undef TNN_ARITH_SUB
#undef TNN_ARITH_MUL
#define TNN_ARITH_ADD(ct, a, b) TNN_WRAP(ct, (uint64_t)(a) + (uint64_t)(b))
#define TNN_ARITH_SUB(ct, a, b) TNN_WRAP(ct, (uint64_t)(a) - (uint64_t)(b))
#define TNN_ARITH_MUL(ct, a, b) TNN_WRAP(ct, (uint64_t)(a) * (uint64_t)(b))
TNN_BINARY(f32, float, float, div, a / b)
TNN_BINARY(f32, float, float, pow, powf(a, b))
TNN_BINARY(f32, float, float, prelu, a < 0 ? a * b : a)
/* ONNX Min/Max propagate NaN. */
TNN_BINARY(f32, float, float, fmin, (a != a || b != b) ? a + b : (a < b ? a : b))
TNN_BINARY(f32, float, float, fmax, (a != a || b != b) ? a + b : (a > b ? a : b))
TNN_BINARY_ARITH(i64, int64_t)
TNN_BINARY(i64, int64_t, int64_t, div, tnn_i64_divs(a, b))
TNN_BINARY_ARITH(i32, int32_t)
TNN_BINARY(i32, int32_t, int32_t, div, (int32_t)tnn_i64_divs(a, b))
TNN_BINARY(b8, uint8_t, uint8_t, and, a && b)
TNN_BINARY(b8, uint8_t, uint8_t, or, a || b)
TNN_BINARY(b8, uint8_t, uint8_t, equal, a == b)

/* ---------------------------------------------------------------- where */

/* out = cond ? a : b for any element size (esize bytes). */
TNN_INLINE int tnn_x_where(const void *vp, const void *const *in,
                              void *const *out) {
  const tnn_where_params *p = (const tnn_where_params *)vp;
  const uint8_t *C = (const uint8_t *)in[0];
  const unsigned char *A = (const unsigned char *)in[1];
  const unsigned char *B = (const unsigned char *)in[2];
  unsigned char *y = (unsigned char *)out[0];
  int64_t idx[TNN_MAX_RANK] = {0};
  for (int64_t i = 0; i < p->n; i++) {
    const unsigned char *src =
        C[tnn_offset(p->rank, idx, p->sc)]
            ? A + tnn_offset(p->rank, idx, p->sa) * p->esize
            : B + tnn_offset(p->rank, idx, p->sb) * p->esize;
    memcpy(y + i * p->esize, src, (size_t)p->esize);
    tnn_index_next(p->rank, p->dims, idx);
  }
  return TNN_OK;
}

/* ----------------------------------------------------------------- cast */

/* Integer to integer goes through int64 (exact); anything involving a
 * floating type goes through double (float16 / bfloat16 widen exactly and
 * narrow with one rounding, from the double: tnn_half.h).  Float to integer
 * truncates toward zero, as C (and onnxruntime) does; to bool is v != 0. */
TNN_INLINE int tnn_x_cast(const void *vp, const void *const *in,
                             void *const *out) {
  const tnn_cast_params *p = (const tnn_cast_params *)vp;
  const void *x = in[0];
  void *y = out[0];
  const int fin = p->from == TNN_DT_F32 || p->from == TNN_DT_F64 ||
                  p->from == TNN_DT_F16 || p->from == TNN_DT_BF16;
  const int fout = p->to == TNN_DT_F32 || p->to == TNN_DT_F64 ||
                   p->to == TNN_DT_F16 || p->to == TNN_DT_BF16;
  for (int64_t i = 0; i < p->n; i++) {
    double d = 0;
    int64_t v = 0;
    switch (p->from) {
    case TNN_DT_F32: d = ((const float *)x)[i]; break;
    case TNN_DT_F64: d = ((const double *)x)[i]; break;
    case TNN_DT_F16: d = tnn_f16_to_f32(((const uint16_t *)x)[i]); break;
    case TNN_DT_BF16: d = tnn_bf16_to_f32(((const uint16_t *)x)[i]); break;
    case TNN_DT_I64: v = ((const int64_t *)x)[i]; break;
    case TNN_DT_I32: v = ((const int32_t *)x)[i]; break;
    case TNN_DT_I8: v = ((const int8_t *)x)[i]; break;
    case TNN_DT_U8: v = ((const uint8_t *)x)[i]; break;
    case TNN_DT_BOOL: v = ((const uint8_t *)x)[i] != 0; break;
    default: return TNN_E_ARG;
    }
    if (fin && !fout) {
      if (p->to == TNN_DT_BOOL) v = d != 0;
      else v = tnn_sat_i64(d);
    }
    if (!fin) d = (double)v;
    switch (p->to) {
    case TNN_DT_F32: ((float *)y)[i] = (float)d; break;
    case TNN_DT_F64: ((double *)y)[i] = d; break;
    case TNN_DT_F16: ((uint16_t *)y)[i] = tnn_f64_to_f16(d); break;
    case TNN_DT_BF16: ((uint16_t *)y)[i] = tnn_f64_to_bf16(d); break;
    case TNN_DT_I64: ((int64_t *)y)[i] = v; break;
    case TNN_DT_I32: ((int32_t *)y)[i] = (int32_t)v; break;
    case TNN_DT_I8: ((int8_t *)y)[i] = (int8_t)v; break;
    case TNN_DT_U8: ((uint8_t *)y)[i] = (uint8_t)v; break;
    case TNN_DT_BOOL: ((uint8_t *)y)[i] = (uint8_t)(v != 0); break;
    default: return TNN_E_ARG;
    }
  }
  return TNN_OK;
}

#define TNN_KERNELS_ELEMENTWISE(K)                                            \
  K(f32_relu, unary) K(f32_leaky_relu, unary) K(f32_sigmoid, unary)           \
  K(f32_tanh, unary) K(f32_hard_sigmoid, unary) K(f32_abs, unary)             \
  K(f32_neg, unary) K(f32_sign, unary) K(f32_exp, unary) K(f32_sqrt, unary)   \
  K(f32_round, unary) K(f32_floor, unary) K(f32_clip, unary)                  \
  K(i64_relu, unary) K(i64_abs, unary) K(i64_neg, unary) K(i64_sign, unary)   \
  K(i64_clip, unary) K(i32_abs, unary) K(i32_neg, unary) K(i32_sign, unary)   \
  K(b8_not, unary) K(i32_clip, unary) K(i8_clip, unary) K(u8_clip, unary)    \
  K(f64_clip, unary)                                                          \
  TNN_KERNELS_BINARY_ARITH(K, f32)                                            \
  K(f32_div, bcast) K(f32_pow, bcast) K(f32_prelu, bcast) K(f32_fmin, bcast)  \
  K(f32_fmax, bcast)                                                          \
  TNN_KERNELS_BINARY_ARITH(K, i64) K(i64_div, bcast)                          \
  TNN_KERNELS_BINARY_ARITH(K, i32) K(i32_div, bcast)                          \
  K(b8_and, bcast) K(b8_or, bcast) K(b8_equal, bcast)                         \
  K(x_where, where) K(x_cast, cast)

#define TNN_KERNELS_BINARY_ARITH(K, T)                                        \
  K(T##_add, bcast) K(T##_sub, bcast) K(T##_mul, bcast) K(T##_min, bcast)     \
  K(T##_max, bcast) K(T##_greater, bcast) K(T##_greater_equal, bcast)         \
  K(T##_less, bcast) K(T##_less_equal, bcast) K(T##_equal, bcast)

#endif
