/* tnn runtime: 8-bit and few-bit activations (A3..A8) times binary/ternary
 * weights, on integer dot products.
 *
 * The algebra.  An activation quantizer (QuantizeLinear -> DequantizeLinear,
 * QONNX Quant of 3-8 bits, Div/Round/Clip/Mul fake quantization) gives a
 * tensor whose values are the levels x = s * (u + c), u = 0 .. L-1 (L <= 256
 * levels, c an integer: qmin - zero_point).  A layer with weights
 * W[m][k] = a[m] * t[m][k] then computes
 *
 *   y[m] = sum_k W[m][k] x_k + b[m] = (a[m] s) * (sum_k t[m][k] u_k + c sum_k t[m][k]) + b[m]
 *
 * where D = sum_k t u_k is an exact int32 dot of uint8 codes with int8
 * weights, and corr[m] = c * sum_k t[m][k] a per-channel integer: the layer
 * gets scale[m] = a[m] s, bias[m] = b[m], corr[m], and its epilogue is
 * y = (float)(D + corr[m]) * scale[m] + bias[m], clamped to [lo, hi].  The
 * float graph sums float products instead, so the two differ by its own
 * rounding (a few ulps of the sum), not by any quantization.
 *
 * Zero padding: a padded tap is 0 in the float graph, i.e. the code
 * upad = -c (the quantizer's zero level, which pass quant-int8 requires to
 * exist for a padded convolution); patches are filled with it.
 *
 * Kernels:
 *   tnn_f32_i8quant  float x [outer][c][inner] -> codes u, per element
 *                    u = clamp(R(x / scale + pre) + post, 0, levels - 1)
 *                    (or x * scale: div 0), R a rounding mode of tnn_quant.h;
 *                    written as rows of ostride bytes (zeros after the
 *                    values), NHWC (channels fastest) when nhwc;
 *   tnn_x_i8fc       codes [n][kp] x weights [m][kp] -> float [n][m];
 *   tnn_x_i8conv     codes NHWC x weights [m][kp] in (kh, kw, c) order ->
 *                    float NCHW; group 1; patches of pb output pixels are
 *                    gathered into the workspace scratch (out[1], pb * kp
 *                    bytes), then multiplied by all m rows.
 * kp is k rounded up to TNN_I8_KALIGN; codes and weights are zero beyond k.
 *
 * Files.  This header: the layout, the epilogue, the dot's dispatch and the
 * code of one activation.  The dot bodies, one file per ISA:
 * tnn_i8_gemm__scalar.h (the reference twin), tnn_i8_gemm__avx2.h
 * (vpmaddubsw) and tnn_i8_gemm__avx512vnni.h (vpdpbusd); tnn_isa.h picks
 * the variant (TNN_I8_AVX512, TNN_I8_AVX2), TNN_NO_SIMD forces scalar.  The kernels: tnn_i8_quant.h, tnn_i8_fc.h, tnn_i8_conv.h. */
#ifndef TNN_TNN_I8_H
#define TNN_TNN_I8_H

#include "tnn_isa.h"
#include "tnn_quant.h"

#define TNN_I8_KALIGN 32        /* kp: multiple of one ymm of bytes */
#define TNN_I8_MAX_K 32768      /* D + corr within int32 for 8-bit weights */
#define TNN_I8_PB 16            /* output pixels per gathered patch block */
#define TNN_I8_PB_B16 24        /* the same for the blocked layout (6-row tiles) */

TNN_INLINE int64_t tnn_i8_kp(int64_t k) {
  return (k + TNN_I8_KALIGN - 1) / TNN_I8_KALIGN * TNN_I8_KALIGN;
}

#include "tnn_i8_gemm__scalar.h"
#include "tnn_i8_gemm__avx2.h"
#include "tnn_i8_gemm__avx512vnni.h"

/* wmax: the largest |w| (1 for binary/ternary weights). */
TNN_INLINE void tnn_i8_gemm(const uint8_t *a, int64_t na, const int8_t *w, int64_t nw,
                            int64_t kp, int64_t wmax, const tnn_i8_epi *e) {
#if defined(TNN_I8_AVX512)
  (void)wmax;                  /* vpdpbusd is exact for any int8 weights */
  tnn_i8_gemm__avx512vnni(a, na, w, nw, kp, e);
  return;
#endif
#if defined(TNN_I8_AVX2)
  if (wmax <= 1) {
    tnn_i8_gemm__avx2(a, na, w, nw, kp, e);
    return;
  }
#endif
  (void)wmax;
  tnn_i8_gemm__scalar(a, na, w, nw, kp, e);
}

/* The same for weights in the blocked layout (tnn_i8_b16_at). */
TNN_INLINE void tnn_i8_gemm_b16(const uint8_t *a, int64_t na, const int8_t *w, int64_t nw,
                                int64_t kp, const tnn_i8_epi *e) {
#if defined(TNN_I8_AVX512)
  tnn_i8_gemm_b16__avx512vnni(a, na, w, nw, kp, e);
#else
  tnn_i8_gemm_b16__scalar(a, na, w, nw, kp, e);
#endif
}

/* R of the quantizer (half to even without libm: tnn_round_half_even). */
TNN_INLINE float tnn_i8_round(float v, int64_t mode) {
  return mode == TNN_ROUND_HALF_EVEN ? tnn_round_half_even(v) : tnn_quant_round(v, mode);
}

/* The quantizer a layer's params fuse (ocode: the q* fields). */
#define TNN_I8_FUSED_QUANT(p, qv)                                             \
  do {                                                                        \
    memset(&(qv), 0, sizeof(qv));                                             \
    (qv).div = (p)->qdiv;                                                     \
    (qv).mode = (p)->qmode;                                                   \
    (qv).levels = (p)->qlevels;                                               \
    (qv).scale = (p)->qscale;                                                 \
    (qv).pre = (p)->qpre;                                                     \
    (qv).post = (p)->qpost;                                                   \
  } while (0)

/* One code; NaN gives 0. */
TNN_INLINE uint8_t tnn_i8_code(const tnn_i8quant_params *p, float x) {
  const float sc = (float)p->scale, top = (float)(p->levels - 1);
  float v = p->div ? x / sc : x * sc;
  v = tnn_i8_round(v + (float)p->pre, p->mode) + (float)p->post;
  if (!(v >= 0.0f)) v = 0.0f;
  if (v > top) v = top;
  return (uint8_t)(int)v;
}

#endif
