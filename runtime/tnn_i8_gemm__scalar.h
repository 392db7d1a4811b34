/* tnn runtime: the 8-bit activation dot, scalar reference (tnn_i8.h).
 *
 * acc[i][j] = sum_k a[i*kp + k] * w[j*kp + k] over kp bytes: a holds
 * activation codes u in [0, 255] (uint8), w weights in [-128, 127] (int8:
 * {-1, 0, +1} for binary/ternary layers).  The sum is exact in int32 for
 * kp <= TNN_I8_MAX_K (255 * 128 * 2^15 < 2^31).  Each result goes through
 * the epilogue tnn_i8_put, defined here as every variant shares it.  Every
 * SIMD variant must give the same int32 sums (tests/unit/test_i8.c and
 * test_twins.c). */
#ifndef TNN_TNN_I8_GEMM__SCALAR_H
#define TNN_TNN_I8_GEMM__SCALAR_H

#include "tnn_isa.h"

/* Where result (i, j) of a dot goes: float y[i*si + j*sj], or, when q is
 * set (the next quantizer fused by pass quant-int8), its code
 * u[i*si + j*sj] = tnn_i8_code(q, y) (tnn_i8.h), or with u NULL the code's
 * level y[i*si + j*sj] = (float)(code + qoff) * qstep. */
typedef struct tnn_i8_epi {
  float *y;
  int64_t si, sj;
  const float *scale, *bias;
  const int32_t *corr;
  float lo, hi;
  uint8_t *u;
  const tnn_i8quant_params *q;
  int32_t qoff;
  float qstep;
} tnn_i8_epi;

/* The epilogue's float: two statements, so that no compiler contracts them
 * into a fused multiply-add (the SIMD epilogues multiply, then add). */
TNN_INLINE float tnn_i8_value(const tnn_i8_epi *e, int64_t j, int32_t d) {
  const float t = (float)(d + e->corr[j]) * e->scale[j];
  const float v = t + e->bias[j];
  return v < e->lo ? e->lo : v > e->hi ? e->hi : v;
}

TNN_INLINE uint8_t tnn_i8_code(const tnn_i8quant_params *p, float x);

/* n codes of x into u, those of tnn_i8_code: the common quantizers (half
 * to even, divided or multiplied) in a loop of the same arithmetic, the
 * rest element by element. */
TNN_INLINE void tnn_i8_codes__scalar(const tnn_i8quant_params *p, const float *x, int64_t n,
                                     uint8_t *u) {
  if (p->mode != TNN_ROUND_HALF_EVEN) {
    for (int64_t i = 0; i < n; i++) u[i] = tnn_i8_code(p, x[i]);
    return;
  }
  const float sc = (float)p->scale, top = (float)(p->levels - 1);
  const float pre = (float)p->pre, post = (float)p->post;
  if (p->div) {
    for (int64_t i = 0; i < n; i++) {
      float v = tnn_round_half_even(x[i] / sc + pre) + post;
      v = v >= 0.0f ? v : 0.0f;
      v = v > top ? top : v;
      u[i] = (uint8_t)(int)v;
    }
  } else {
    for (int64_t i = 0; i < n; i++) {
      float v = tnn_round_half_even(x[i] * sc + pre) + post;
      v = v >= 0.0f ? v : 0.0f;
      v = v > top ? top : v;
      u[i] = (uint8_t)(int)v;
    }
  }
}

TNN_INLINE void tnn_i8_put(const tnn_i8_epi *e, int64_t i, int64_t j, int32_t d) {
  const float v = tnn_i8_value(e, j, d);
  if (!e->q) {
    e->y[i * e->si + j * e->sj] = v;
    return;
  }
  const uint8_t c = tnn_i8_code(e->q, v);
  if (e->u) e->u[i * e->si + j * e->sj] = c;
  else e->y[i * e->si + j * e->sj] = (float)((int32_t)c + e->qoff) * e->qstep;
}

TNN_INLINE void tnn_i8_gemm__scalar(const uint8_t *a, int64_t na, const int8_t *w,
                                    int64_t nw, int64_t kp, const tnn_i8_epi *e) {
  for (int64_t i = 0; i < na; i++)
    for (int64_t j = 0; j < nw; j++) {
      const uint8_t *ar = a + i * kp;
      const int8_t *wr = w + j * kp;
      int32_t s = 0;
      for (int64_t k = 0; k < kp; k++) s += (int32_t)ar[k] * (int32_t)wr[k];
      tnn_i8_put(e, i, j, s);
    }
}

/* The blocked weight layout (conv on a VNNI target, wb16): rows in blocks
 * of 16, each block kp/4 steps of 16 rows x 4 bytes of k, so one 64-byte
 * load holds four k of 16 output channels; rows rounded up to 16 (zero
 * rows beyond nw). */
TNN_INLINE int64_t tnn_i8_b16_at(int64_t kp, int64_t j, int64_t k) {
  return ((j / 16) * (kp / 4) + k / 4) * 64 + (j % 16) * 4 + k % 4;
}

TNN_INLINE void tnn_i8_gemm_b16__scalar(const uint8_t *a, int64_t na, const int8_t *w,
                                        int64_t nw, int64_t kp, const tnn_i8_epi *e) {
  for (int64_t i = 0; i < na; i++)
    for (int64_t j = 0; j < nw; j++) {
      const uint8_t *ar = a + i * kp;
      int32_t s = 0;
      for (int64_t k = 0; k < kp; k++) s += (int32_t)ar[k] * (int32_t)w[tnn_i8_b16_at(kp, j, k)];
      tnn_i8_put(e, i, j, s);
    }
}

#endif
