/* tnn runtime: the 8-bit activation dot on AVX-512 VNNI (tnn_i8.h), the
 * same int32 sums as tnn_i8_gemm__scalar, and the same epilogue.
 *
 * vpdpbusd multiplies 64 unsigned activation bytes by 64 signed weight
 * bytes and adds each group of four products into one of 16 int32 lanes,
 * without saturation: exact for any int8 weights (8-bit layers too, not
 * only wmax 1).
 *
 * Tiles: 4 activation rows x 4 weight rows, 16 accumulators and 8 loads
 * per 64 bytes of k; the last 32 bytes of a row (kp is a multiple of 32,
 * TNN_I8_KALIGN) take masked loads, so nothing is read beyond a row.  The
 * 16 accumulators are reduced together (two rounds of unpack-and-add
 * within 128-bit lanes, one of 128-bit shuffles), which gives one vector
 * of the tile's 16 sums, activation row major; the epilogue then runs on
 * that vector: float value (multiply, then add: no fused multiply-add, as
 * tnn_i8_value), the lo/hi clamp (NaN kept), and for a fused quantizer
 * the code (its rounding mode by vroundscale when it has one: half to
 * even, floor, ceil, toward zero; the other modes per element through
 * tnn_i8_code).  Weight tiles are the outer loop, so four weight rows stay
 * in L1 while the activation rows (a gathered patch block) pass by.
 * Edge rows take 1 x 1 dots.  Twin: tnn_i8_gemm__scalar. */
#ifndef TNN_TNN_I8_GEMM__AVX512VNNI_H
#define TNN_TNN_I8_GEMM__AVX512VNNI_H

#include "tnn_i8_gemm__scalar.h"

#if defined(TNN_I8_AVX512)

/* a + b's 128-bit-lane pairwise reduction of two accumulators: lane pairs
 * (0, 2) and (1, 3) of each 128-bit lane summed, a's and b's interleaved */
TNN_INLINE __m512i tnn_i8_red2__avx512vnni(__m512i a, __m512i b) {
  return _mm512_add_epi32(_mm512_unpacklo_epi32(a, b), _mm512_unpackhi_epi32(a, b));
}

TNN_INLINE __m512i tnn_i8_red4__avx512vnni(__m512i s0, __m512i s1, __m512i s2, __m512i s3) {
  const __m512i x = tnn_i8_red2__avx512vnni(s0, s1), y = tnn_i8_red2__avx512vnni(s2, s3);
  /* per 128-bit lane L: [s0, s1, s2, s3] partial sums of lane L */
  return _mm512_add_epi32(_mm512_unpacklo_epi64(x, y), _mm512_unpackhi_epi64(x, y));
}

/* The 16 totals from four tnn_i8_red4 results: lane t*4+u is the sum of
 * accumulator (t, u)'s lanes. */
TNN_INLINE __m512i tnn_i8_red16__avx512vnni(__m512i y0, __m512i y1, __m512i y2, __m512i y3) {
  const __m512i a01 = _mm512_add_epi32(_mm512_shuffle_i32x4(y0, y1, 0x88),
                                       _mm512_shuffle_i32x4(y0, y1, 0xdd));
  const __m512i a23 = _mm512_add_epi32(_mm512_shuffle_i32x4(y2, y3, 0x88),
                                       _mm512_shuffle_i32x4(y2, y3, 0xdd));
  return _mm512_add_epi32(_mm512_shuffle_i32x4(a01, a23, 0x88),
                          _mm512_shuffle_i32x4(a01, a23, 0xdd));
}

/* One 64-byte step of the 4 x 4 tile: a0..a3 times w0..w3 into s00..s33
 * (written out: as arrays, compilers keep the accumulators in memory). */
#define TNN_I8_STEP4X4__AVX512VNNI(LOAD)                                      \
  do {                                                                        \
    const __m512i a0 = LOAD(a + k), a1 = LOAD(a + kp + k);                    \
    const __m512i a2 = LOAD(a + 2 * kp + k), a3 = LOAD(a + 3 * kp + k);       \
    const __m512i w0 = LOAD(w + k), w1 = LOAD(w + kp + k);                    \
    const __m512i w2 = LOAD(w + 2 * kp + k), w3 = LOAD(w + 3 * kp + k);       \
    s00 = _mm512_dpbusd_epi32(s00, a0, w0); s01 = _mm512_dpbusd_epi32(s01, a0, w1); \
    s02 = _mm512_dpbusd_epi32(s02, a0, w2); s03 = _mm512_dpbusd_epi32(s03, a0, w3); \
    s10 = _mm512_dpbusd_epi32(s10, a1, w0); s11 = _mm512_dpbusd_epi32(s11, a1, w1); \
    s12 = _mm512_dpbusd_epi32(s12, a1, w2); s13 = _mm512_dpbusd_epi32(s13, a1, w3); \
    s20 = _mm512_dpbusd_epi32(s20, a2, w0); s21 = _mm512_dpbusd_epi32(s21, a2, w1); \
    s22 = _mm512_dpbusd_epi32(s22, a2, w2); s23 = _mm512_dpbusd_epi32(s23, a2, w3); \
    s30 = _mm512_dpbusd_epi32(s30, a3, w0); s31 = _mm512_dpbusd_epi32(s31, a3, w1); \
    s32 = _mm512_dpbusd_epi32(s32, a3, w2); s33 = _mm512_dpbusd_epi32(s33, a3, w3); \
  } while (0)
#define TNN_I8_LOAD64__AVX512VNNI(p) _mm512_loadu_si512((const void *)(p))
#define TNN_I8_LOAD32__AVX512VNNI(p) _mm512_maskz_loadu_epi8(0xffffffffull, (p))

TNN_INLINE void tnn_i8_tile4x4__avx512vnni(const uint8_t *a, const int8_t *w, int64_t kp,
                                          int32_t *out /* [4][4] */) {
  __m512i s00 = _mm512_setzero_si512(), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00,
          s12 = s00, s13 = s00, s20 = s00, s21 = s00, s22 = s00, s23 = s00, s30 = s00,
          s31 = s00, s32 = s00, s33 = s00;
  int64_t k = 0;
  for (; k + 64 <= kp; k += 64) TNN_I8_STEP4X4__AVX512VNNI(TNN_I8_LOAD64__AVX512VNNI);
  if (k < kp) TNN_I8_STEP4X4__AVX512VNNI(TNN_I8_LOAD32__AVX512VNNI);  /* the last 32 bytes */
  const __m512i y0 = tnn_i8_red4__avx512vnni(s00, s01, s02, s03);
  const __m512i y1 = tnn_i8_red4__avx512vnni(s10, s11, s12, s13);
  const __m512i y2 = tnn_i8_red4__avx512vnni(s20, s21, s22, s23);
  const __m512i y3 = tnn_i8_red4__avx512vnni(s30, s31, s32, s33);
  _mm512_storeu_si512((void *)out, tnn_i8_red16__avx512vnni(y0, y1, y2, y3));
}

TNN_INLINE int32_t tnn_i8_dot1__avx512vnni(const uint8_t *a, const int8_t *w, int64_t kp) {
  __m512i s = _mm512_setzero_si512();
  int64_t k = 0;
  for (; k + 64 <= kp; k += 64)
    s = _mm512_dpbusd_epi32(s, _mm512_loadu_si512((const void *)(a + k)),
                            _mm512_loadu_si512((const void *)(w + k)));
  if (k < kp)
    s = _mm512_dpbusd_epi32(s, _mm512_maskz_loadu_epi8(0xffffffffull, a + k),
                            _mm512_maskz_loadu_epi8(0xffffffffull, w + k));
  return _mm512_reduce_add_epi32(s);
}

/* The epilogue of a 4 x 4 tile (rows i.., columns j..): d[t*4+u]. */
TNN_INLINE void tnn_i8_put4x4__avx512vnni(const tnn_i8_epi *e, int64_t i, int64_t j,
                                         const int32_t *d) {
  const __m512i corr = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(e->corr + j)));
  const __m512 sc = _mm512_broadcast_f32x4(_mm_loadu_ps(e->scale + j));
  const __m512 bi = _mm512_broadcast_f32x4(_mm_loadu_ps(e->bias + j));
  const __m512 lo = _mm512_set1_ps(e->lo), hi = _mm512_set1_ps(e->hi);
  const __m512i dv = _mm512_add_epi32(_mm512_loadu_si512((const void *)d), corr);
  __m512 v = _mm512_add_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(dv), sc), bi);
  v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, lo, _CMP_LT_OQ), v, lo);
  v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, hi, _CMP_GT_OQ), v, hi);
  float f[16];
  if (!e->q) {
    _mm512_storeu_ps(f, v);
    for (int t = 0; t < 4; t++)
      for (int u = 0; u < 4; u++) e->y[(i + t) * e->si + (j + u) * e->sj] = f[t * 4 + u];
    return;
  }
  const tnn_i8quant_params *q = e->q;
  uint8_t c[16];
  int r = -1;
  switch (q->mode) {
  case TNN_ROUND_HALF_EVEN: r = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC; break;
  case TNN_ROUND_FLOOR: r = _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC; break;
  case TNN_ROUND_CEIL: r = _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC; break;
  case TNN_ROUND_DOWN: r = _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC; break;
  default: break;
  }
  if (r < 0) {
    _mm512_storeu_ps(f, v);
    for (int t = 0; t < 16; t++) c[t] = tnn_i8_code(q, f[t]);
    if (!e->u) {
      for (int t = 0; t < 4; t++)
        for (int u = 0; u < 4; u++)
          e->y[(i + t) * e->si + (j + u) * e->sj] = (float)((int32_t)c[t * 4 + u] + e->qoff) * e->qstep;
      return;
    }
  } else {
    const __m512 qs = _mm512_set1_ps((float)q->scale);
    __m512 x = q->div ? _mm512_div_ps(v, qs) : _mm512_mul_ps(v, qs);
    x = _mm512_add_ps(x, _mm512_set1_ps((float)q->pre));
    switch (r & 3) {
    case _MM_FROUND_TO_NEAREST_INT: x = _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); break;
    case _MM_FROUND_TO_NEG_INF: x = _mm512_roundscale_ps(x, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC); break;
    case _MM_FROUND_TO_POS_INF: x = _mm512_roundscale_ps(x, _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC); break;
    default: x = _mm512_roundscale_ps(x, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC); break;
    }
    x = _mm512_add_ps(x, _mm512_set1_ps((float)q->post));
    /* !(x >= 0) -> 0 (NaN too), then at most levels - 1: max_ps gives its
     * second operand when the first is NaN */
    x = _mm512_max_ps(x, _mm512_setzero_ps());
    x = _mm512_min_ps(x, _mm512_set1_ps((float)(q->levels - 1)));
    const __m512i ci = _mm512_cvttps_epi32(x);
    if (!e->u) {               /* the code's level, float */
      _mm512_storeu_ps(f, _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(ci, _mm512_set1_epi32(e->qoff))),
                                        _mm512_set1_ps(e->qstep)));
      for (int t = 0; t < 4; t++)
        for (int u = 0; u < 4; u++) e->y[(i + t) * e->si + (j + u) * e->sj] = f[t * 4 + u];
      return;
    }
    _mm_storeu_si128((__m128i *)c, _mm512_cvtusepi32_epi8(ci));
  }
  for (int t = 0; t < 4; t++)
    for (int u = 0; u < 4; u++) e->u[(i + t) * e->si + (j + u) * e->sj] = c[t * 4 + u];
}

TNN_INLINE void tnn_i8_gemm__avx512vnni(const uint8_t *a, int64_t na, const int8_t *w,
                                        int64_t nw, int64_t kp, const tnn_i8_epi *e) {
  int32_t r[16];
  const int64_t na4 = na / 4 * 4, nw4 = nw / 4 * 4;
  for (int64_t j = 0; j < nw4; j += 4) {
    for (int64_t i = 0; i < na4; i += 4) {
      tnn_i8_tile4x4__avx512vnni(a + i * kp, w + j * kp, kp, r);
      tnn_i8_put4x4__avx512vnni(e, i, j, r);
    }
    for (int64_t i = na4; i < na; i++)
      for (int64_t u = 0; u < 4; u++)
        tnn_i8_put(e, i, j + u, tnn_i8_dot1__avx512vnni(a + i * kp, w + (j + u) * kp, kp));
  }
  for (int64_t j = nw4; j < nw; j++)
    for (int64_t i = 0; i < na; i++)
      tnn_i8_put(e, i, j, tnn_i8_dot1__avx512vnni(a + i * kp, w + j * kp, kp));
}

#endif
#endif
