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

/* Float values of 16 results d (corr, scale, bias of their columns, then
 * the lo/hi clamp with NaN kept): multiply, then add, as tnn_i8_value. */
TNN_INLINE __m512 tnn_i8_vvalue__avx512vnni(const tnn_i8_epi *e, __m512i d, __m512i corr, __m512 sc,
                                           __m512 bi) {
  const __m512 lo = _mm512_set1_ps(e->lo), hi = _mm512_set1_ps(e->hi);
  __m512 v = _mm512_add_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(d, corr)), sc), bi);
  v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, lo, _CMP_LT_OQ), v, lo);
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, hi, _CMP_GT_OQ), v, hi);
}

/* The codes of v by q (as tnn_i8_code) into *ci; false when q's rounding
 * mode has no vroundscale form (the caller then takes tnn_i8_code). */
TNN_INLINE int tnn_i8_vcodes__avx512vnni(const tnn_i8quant_params *q, __m512 v, __m512i *ci) {
  const __m512 qs = _mm512_set1_ps((float)q->scale);
  __m512 x = q->div ? _mm512_div_ps(v, qs) : _mm512_mul_ps(v, qs);
  x = _mm512_add_ps(x, _mm512_set1_ps((float)q->pre));
  switch (q->mode) {
  case TNN_ROUND_HALF_EVEN: x = _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); break;
  case TNN_ROUND_FLOOR: x = _mm512_roundscale_ps(x, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC); break;
  case TNN_ROUND_CEIL: x = _mm512_roundscale_ps(x, _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC); break;
  case TNN_ROUND_DOWN: x = _mm512_roundscale_ps(x, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC); break;
  default: return 0;
  }
  x = _mm512_add_ps(x, _mm512_set1_ps((float)q->post));
  /* !(x >= 0) -> 0 (NaN too: max_ps gives its second operand when the
   * first is NaN), then at most levels - 1 */
  x = _mm512_max_ps(x, _mm512_setzero_ps());
  x = _mm512_min_ps(x, _mm512_set1_ps((float)(q->levels - 1)));
  *ci = _mm512_cvttps_epi32(x);
  return 1;
}

/* n codes of x by q into u (the run-time quantizer tnn_f32_i8quant's rows),
 * 16 at a time where q's mode has a vroundscale form. */
TNN_INLINE void tnn_i8_codes__avx512vnni(const tnn_i8quant_params *q, const float *x, int64_t n,
                                         uint8_t *u) {
  __m512i ci;
  uint8_t c[16];
  for (int64_t i = 0; i < n; i += 16) {
    const int64_t r = n - i < 16 ? n - i : 16;   /* a masked tail: no overread */
    const __m512 v = _mm512_maskz_loadu_ps((__mmask16)((1u << r) - 1u), x + i);
    if (!tnn_i8_vcodes__avx512vnni(q, v, &ci)) {
      for (int64_t t = i; t < n; t++) u[t] = tnn_i8_code(q, x[t]);
      return;
    }
    _mm_storeu_si128((__m128i *)c, _mm512_cvtusepi32_epi8(ci));
    memcpy(u + i, c, (size_t)r);
  }
}

/* What e stores for the 16 values v: floats, codes or the codes' levels,
 * into f (float) or c (bytes); returns 1 for floats in f, 0 for bytes. */
TNN_INLINE int tnn_i8_vout__avx512vnni(const tnn_i8_epi *e, __m512 v, float *f, uint8_t *c) {
  if (!e->q) {
    _mm512_storeu_ps(f, v);
    return 1;
  }
  __m512i ci;
  if (!tnn_i8_vcodes__avx512vnni(e->q, v, &ci)) {
    _mm512_storeu_ps(f, v);
    for (int t = 0; t < 16; t++) c[t] = tnn_i8_code(e->q, f[t]);
    ci = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)c));
  }
  if (!e->u) {                 /* the code's level, float */
    _mm512_storeu_ps(f, _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(ci, _mm512_set1_epi32(e->qoff))),
                                      _mm512_set1_ps(e->qstep)));
    return 1;
  }
  _mm_storeu_si128((__m128i *)c, _mm512_cvtusepi32_epi8(ci));
  return 0;
}

/* The epilogue of a 4 x 4 tile (rows i.., columns j..): d[t*4+u]. */
TNN_INLINE void tnn_i8_put4x4__avx512vnni(const tnn_i8_epi *e, int64_t i, int64_t j,
                                         const int32_t *d) {
  const __m512i corr = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(e->corr + j)));
  const __m512 sc = _mm512_broadcast_f32x4(_mm_loadu_ps(e->scale + j));
  const __m512 bi = _mm512_broadcast_f32x4(_mm_loadu_ps(e->bias + j));
  const __m512 v = tnn_i8_vvalue__avx512vnni(e, _mm512_loadu_si512((const void *)d), corr, sc, bi);
  float f[16];
  uint8_t c[16];
  if (tnn_i8_vout__avx512vnni(e, v, f, c)) {
    for (int t = 0; t < 4; t++)
      for (int u = 0; u < 4; u++) e->y[(i + t) * e->si + (j + u) * e->sj] = f[t * 4 + u];
  } else {
    for (int t = 0; t < 4; t++)
      for (int u = 0; u < 4; u++) e->u[(i + t) * e->si + (j + u) * e->sj] = c[t * 4 + u];
  }
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

/* The blocked layout (tnn_i8_b16_at): the accumulators are 16 output
 * channels of one activation row, so no reduction: per 4 bytes of k, one
 * broadcast of the row's 4 codes and one 64-byte load of 16 channels'
 * weights per block.  Tiles: up to 6 rows x 4 blocks (24 accumulators,
 * 64 channels); the epilogue takes 16 channels of a row at a time, whole
 * vectors stored when the channels are contiguous (sj 1). */
TNN_INLINE void tnn_i8_put16__avx512vnni(const tnn_i8_epi *e, int64_t i, int64_t j, int64_t nw,
                                        __m512i d) {
  const int64_t n = nw - j < 16 ? nw - j : 16;
  const __mmask16 m = (__mmask16)((1u << n) - 1u);
  const __m512i corr = _mm512_maskz_loadu_epi32(m, e->corr + j);
  const __m512 sc = _mm512_maskz_loadu_ps(m, e->scale + j);
  const __m512 bi = _mm512_maskz_loadu_ps(m, e->bias + j);
  const __m512 v = tnn_i8_vvalue__avx512vnni(e, d, corr, sc, bi);
  float f[16];
  uint8_t c[16];
  if (tnn_i8_vout__avx512vnni(e, v, f, c)) {
    float *y = e->y + i * e->si + j * e->sj;
    if (e->sj == 1) _mm512_mask_storeu_ps(y, m, _mm512_loadu_ps(f));
    else
      for (int64_t t = 0; t < n; t++) y[t * e->sj] = f[t];
  } else {
    uint8_t *u = e->u + i * e->si + j * e->sj;
    if (e->sj == 1 && n == 16) _mm_storeu_si128((__m128i *)u, _mm_loadu_si128((const __m128i *)c));
    else
      for (int64_t t = 0; t < n; t++) u[t * e->sj] = c[t];
  }
}

TNN_INLINE __m512i tnn_i8_bcast4__avx512vnni(const uint8_t *p) {
  int32_t v;
  memcpy(&v, p, sizeof v);
  return _mm512_set1_epi32(v);
}

/* NR rows (1..6) x NB blocks (1..4) of the blocked gemm at rows i, block
 * j/16; NR and NB are constants at every call, so the unused accumulators
 * and their code go. */
#define TNN_I8_B16_ROW__AVX512VNNI(t)                                         \
  if (NR > t) {                                                               \
    const __m512i av = tnn_i8_bcast4__avx512vnni(a + (i + t) * kp + 4 * k4);  \
    c##t##0 = _mm512_dpbusd_epi32(c##t##0, av, w0);                           \
    if (NB > 1) c##t##1 = _mm512_dpbusd_epi32(c##t##1, av, w1);               \
    if (NB > 2) c##t##2 = _mm512_dpbusd_epi32(c##t##2, av, w2);               \
    if (NB > 3) c##t##3 = _mm512_dpbusd_epi32(c##t##3, av, w3);               \
  }
#define TNN_I8_B16_PUT__AVX512VNNI(t)                                         \
  if (NR > t) {                                                               \
    tnn_i8_put16__avx512vnni(e, i + t, j, nw, c##t##0);                       \
    if (NB > 1) tnn_i8_put16__avx512vnni(e, i + t, j + 16, nw, c##t##1);      \
    if (NB > 2) tnn_i8_put16__avx512vnni(e, i + t, j + 32, nw, c##t##2);      \
    if (NB > 3) tnn_i8_put16__avx512vnni(e, i + t, j + 48, nw, c##t##3);      \
  }

TNN_INLINE void tnn_i8_tile_b16__avx512vnni(const uint8_t *a, int64_t i, const int8_t *w,
                                           int64_t j, int64_t nw, int64_t kp,
                                           const tnn_i8_epi *e, const int NR, const int NB) {
  const int64_t kq = kp / 4, bs = kq * 64;
  const int8_t *wb = w + (j / 16) * bs;
  const __m512i z = _mm512_setzero_si512();
  __m512i c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z, c20 = z,
          c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z, c40 = z, c41 = z,
          c42 = z, c43 = z, c50 = z, c51 = z, c52 = z, c53 = z;
  for (int64_t k4 = 0; k4 < kq; k4++) {
    const int8_t *wk = wb + k4 * 64;
    const __m512i w0 = _mm512_loadu_si512((const void *)wk);
    const __m512i w1 = NB > 1 ? _mm512_loadu_si512((const void *)(wk + bs)) : z;
    const __m512i w2 = NB > 2 ? _mm512_loadu_si512((const void *)(wk + 2 * bs)) : z;
    const __m512i w3 = NB > 3 ? _mm512_loadu_si512((const void *)(wk + 3 * bs)) : z;
    TNN_I8_B16_ROW__AVX512VNNI(0) TNN_I8_B16_ROW__AVX512VNNI(1) TNN_I8_B16_ROW__AVX512VNNI(2)
    TNN_I8_B16_ROW__AVX512VNNI(3) TNN_I8_B16_ROW__AVX512VNNI(4) TNN_I8_B16_ROW__AVX512VNNI(5)
  }
  TNN_I8_B16_PUT__AVX512VNNI(0) TNN_I8_B16_PUT__AVX512VNNI(1) TNN_I8_B16_PUT__AVX512VNNI(2)
  TNN_I8_B16_PUT__AVX512VNNI(3) TNN_I8_B16_PUT__AVX512VNNI(4) TNN_I8_B16_PUT__AVX512VNNI(5)
}

/* Rows i.. (nr of them, 1..6) against blocks j/16.. (nb, 1..4): the
 * constants the tile wants. */
TNN_INLINE void tnn_i8_rows_b16__avx512vnni(const uint8_t *a, int64_t i, int64_t nr,
                                           const int8_t *w, int64_t j, int64_t nb, int64_t nw,
                                           int64_t kp, const tnn_i8_epi *e) {
#define TNN_I8_B16_NB(R)                                                      \
  switch (nb) {                                                               \
  case 1: tnn_i8_tile_b16__avx512vnni(a, i, w, j, nw, kp, e, R, 1); break;    \
  case 2: tnn_i8_tile_b16__avx512vnni(a, i, w, j, nw, kp, e, R, 2); break;    \
  case 3: tnn_i8_tile_b16__avx512vnni(a, i, w, j, nw, kp, e, R, 3); break;    \
  default: tnn_i8_tile_b16__avx512vnni(a, i, w, j, nw, kp, e, R, 4); break;   \
  }
  switch (nr) {
  case 1: TNN_I8_B16_NB(1) break;
  case 2: TNN_I8_B16_NB(2) break;
  case 3: TNN_I8_B16_NB(3) break;
  case 4: TNN_I8_B16_NB(4) break;
  case 5: TNN_I8_B16_NB(5) break;
  default: TNN_I8_B16_NB(6) break;
  }
#undef TNN_I8_B16_NB
}

TNN_INLINE void tnn_i8_gemm_b16__avx512vnni(const uint8_t *a, int64_t na, const int8_t *w,
                                            int64_t nw, int64_t kp, const tnn_i8_epi *e) {
  const int64_t nblk = (nw + 15) / 16;
  for (int64_t b = 0; b < nblk; b += 4) {
    const int64_t nb = nblk - b < 4 ? nblk - b : 4;
    for (int64_t i = 0; i < na; i += 6)
      tnn_i8_rows_b16__avx512vnni(a, i, na - i < 6 ? na - i : 6, w, b * 16, nb, nw, kp, e);
  }
}

#endif
#endif
