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
 * Variants: tnn_i8_gemm__scalar (tnn_i8_gemm__scalar.h, always compiled:
 * the reference) and tnn_i8_gemm__avx2 (__AVX2__, vpmaddubsw); tnn_i8_gemm
 * dispatches unless TNN_NO_SIMD. */

#define TNN_I8_KALIGN 32        /* kp: multiple of one ymm of bytes */
#define TNN_I8_MAX_K 32768      /* D + corr within int32 for 8-bit weights */
#define TNN_I8_PB 16            /* output pixels per gathered patch block */

#if !defined(TNN_NO_SIMD) && defined(__AVX2__)
#include <immintrin.h>
#define TNN_I8_AVX2 1
#endif

TNN_INLINE int64_t tnn_i8_kp(int64_t k) {
  return (k + TNN_I8_KALIGN - 1) / TNN_I8_KALIGN * TNN_I8_KALIGN;
}

/* Where result (i, j) of a dot goes: y[i*si + j*sj]. */
typedef struct tnn_i8_epi {
  float *y;
  int64_t si, sj;
  const float *scale, *bias;
  const int32_t *corr;
  float lo, hi;
} tnn_i8_epi;

TNN_INLINE void tnn_i8_put(const tnn_i8_epi *e, int64_t i, int64_t j, int32_t d) {
  const float v = (float)(d + e->corr[j]) * e->scale[j] + e->bias[j];
  e->y[i * e->si + j * e->sj] = v < e->lo ? e->lo : v > e->hi ? e->hi : v;
}

#include "tnn_i8_gemm__scalar.h"
#if defined(TNN_I8_AVX2)
#include "tnn_i8_gemm__avx2.h"
#endif

/* wmax: the largest |w| (1 for binary/ternary weights). */
TNN_INLINE void tnn_i8_gemm(const uint8_t *a, int64_t na, const int8_t *w, int64_t nw,
                            int64_t kp, int64_t wmax, const tnn_i8_epi *e) {
#if defined(TNN_I8_AVX2)
  if (wmax <= 1) {
    tnn_i8_gemm__avx2(a, na, w, nw, kp, e);
    return;
  }
#endif
  (void)wmax;
  tnn_i8_gemm__scalar(a, na, w, nw, kp, e);
}

/* Round half to even without libm's fmodf (the other modes: tnn_quant_round). */
TNN_INLINE float tnn_i8_round(float v, int64_t mode) {
  if (mode != TNN_ROUND_HALF_EVEN) return tnn_quant_round(v, mode);
  const float f = floorf(v), d = v - f;
  if (d > 0.5f) return f + 1.0f;
  if (d < 0.5f) return f;
  return f - 2.0f * floorf(f * 0.5f) != 0.0f ? f + 1.0f : f;
}

/* One code; NaN gives 0. */
TNN_INLINE uint8_t tnn_i8_code(const tnn_i8quant_params *p, float x) {
  const float sc = (float)p->scale, top = (float)(p->levels - 1);
  float v = p->div ? x / sc : x * sc;
  v = tnn_i8_round(v + (float)p->pre, p->mode) + (float)p->post;
  if (!(v >= 0.0f)) v = 0.0f;
  if (v > top) v = top;
  return (uint8_t)(int)v;
}

TNN_INLINE int tnn_f32_i8quant(const void *vp, const void *const *in, void *const *out) {
  const tnn_i8quant_params *p = (const tnn_i8quant_params *)vp;
  const float *x = (const float *)in[0];
  uint8_t *u = (uint8_t *)out[0];
  const int64_t row = p->c * p->inner;
  for (int64_t o = 0; o < p->outer; o++) {
    const float *xo = x + o * row;
    uint8_t *uo = u + o * p->ostride;
    if (p->nhwc) {
      for (int64_t ch = 0; ch < p->c; ch++)
        for (int64_t i = 0; i < p->inner; i++) uo[i * p->c + ch] = tnn_i8_code(p, xo[ch * p->inner + i]);
    } else {
      for (int64_t i = 0; i < row; i++) uo[i] = tnn_i8_code(p, xo[i]);
    }
    if (p->ostride > row) memset(uo + row, 0, (size_t)(p->ostride - row));
  }
  return TNN_OK;
}

TNN_INLINE int tnn_x_i8fc(const void *vp, const void *const *in, void *const *out) {
  const tnn_i8fc_params *p = (const tnn_i8fc_params *)vp;
  tnn_i8_epi e;
  e.y = (float *)out[0];
  e.si = p->m;
  e.sj = 1;
  e.scale = (const float *)in[2];
  e.bias = (const float *)in[3];
  e.corr = (const int32_t *)in[4];
  e.lo = (float)p->lo;
  e.hi = (float)p->hi;
  tnn_i8_gemm((const uint8_t *)in[0], p->n, (const int8_t *)in[1], p->m, p->kp, p->wmax, &e);
  return TNN_OK;
}

/* Patch of output pixel (oy, ox) of image u (NHWC codes) into dst[kp]. */
TNN_INLINE void tnn_i8_patch(const tnn_i8conv_params *p, const uint8_t *u, int64_t oy,
                             int64_t ox, uint8_t *dst) {
  uint8_t *d = dst;
  for (int64_t ky = 0; ky < p->kh; ky++) {
    const int64_t iy = oy * p->sh - p->pt + ky * p->dh;
    for (int64_t kx = 0; kx < p->kw; kx++, d += p->c) {
      const int64_t ix = ox * p->sw - p->pl + kx * p->dw;
      if (iy < 0 || iy >= p->h || ix < 0 || ix >= p->w)
        memset(d, (int)p->upad, (size_t)p->c);
      else
        memcpy(d, u + (iy * p->w + ix) * p->c, (size_t)p->c);
    }
  }
  memset(d, 0, (size_t)(dst + p->kp - d));
}

TNN_INLINE int tnn_x_i8conv(const void *vp, const void *const *in, void *const *out) {
  const tnn_i8conv_params *p = (const tnn_i8conv_params *)vp;
  const uint8_t *u = (const uint8_t *)in[0];
  uint8_t *patches = (uint8_t *)out[1];
  const int64_t np = p->oh * p->ow;
  tnn_i8_epi e;
  e.si = 1;
  e.sj = np;
  e.scale = (const float *)in[2];
  e.bias = (const float *)in[3];
  e.corr = (const int32_t *)in[4];
  e.lo = (float)p->lo;
  e.hi = (float)p->hi;
  for (int64_t b = 0; b < p->n; b++) {
    const uint8_t *ub = u + b * p->h * p->w * p->c;
    for (int64_t p0 = 0; p0 < np; p0 += p->pb) {
      const int64_t cnt = np - p0 < p->pb ? np - p0 : p->pb;
      for (int64_t i = 0; i < cnt; i++)
        tnn_i8_patch(p, ub, (p0 + i) / p->ow, (p0 + i) % p->ow, patches + i * p->kp);
      e.y = (float *)out[0] + b * p->m * np + p0;
      tnn_i8_gemm(patches, cnt, (const int8_t *)in[1], p->m, p->kp, p->wmax, &e);
    }
  }
  return TNN_OK;
}

#define TNN_KERNELS_I8(K) K(f32_i8quant, i8quant) K(x_i8fc, i8fc) K(x_i8conv, i8conv)
