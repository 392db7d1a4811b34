/* tnn runtime: the 8-bit activation dot on AVX2 (tnn_i8.h), the same int32
 * sums as tnn_i8_gemm__scalar.
 *
 * vpmaddubsw multiplies 32 unsigned activation bytes by 32 signed weight
 * bytes and adds adjacent pairs into 16 int16 lanes; with |w| <= 1 a pair
 * is within [-510, 510], so up to TNN_I8_RUN16 = 64 such results add in
 * int16 without overflow before vpmaddwd (by ones) widens them into the
 * int32 accumulators.  Weights beyond {-1, 0, 1} (8-bit layers) would
 * saturate vpmaddubsw: the caller passes wmax = max|w| and this variant
 * takes only wmax <= 1, else it runs the scalar reference.
 *
 * Tiles: 4 activation rows x 2 weight rows (8 int16 accumulators, 6 loads
 * per 32 bytes), 1 x 4 for the last rows (a fully connected layer at batch
 * 1), 1 x 1 for the tails.  kp is a multiple of 32 (TNN_I8_KALIGN); no
 * overread.  Twin: tnn_i8_gemm__scalar. */
#ifndef TNN_TNN_I8_GEMM__AVX2_H
#define TNN_TNN_I8_GEMM__AVX2_H

#include "tnn_i8_gemm__scalar.h"

#if defined(TNN_I8_AVX2)
#define TNN_I8_RUN16 64

TNN_INLINE int32_t tnn_i8_hsum__avx2(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
  return _mm_cvtsi128_si32(s);
}

TNN_INLINE void tnn_i8_tile4x2__avx2(const uint8_t *a, const int8_t *w, int64_t kp,
                                     int32_t *out /* [4][2] */) {
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i s[8];
  for (int t = 0; t < 8; t++) s[t] = _mm256_setzero_si256();
  for (int64_t k0 = 0; k0 < kp; k0 += 32 * TNN_I8_RUN16) {
    const int64_t k1 = kp - k0 < 32 * TNN_I8_RUN16 ? kp : k0 + 32 * TNN_I8_RUN16;
    __m256i h0 = _mm256_setzero_si256(), h1 = h0, h2 = h0, h3 = h0, h4 = h0, h5 = h0,
            h6 = h0, h7 = h0;
    for (int64_t k = k0; k < k1; k += 32) {
      const __m256i w0 = _mm256_loadu_si256((const __m256i *)(w + k));
      const __m256i w1 = _mm256_loadu_si256((const __m256i *)(w + kp + k));
      const __m256i a0 = _mm256_loadu_si256((const __m256i *)(a + k));
      const __m256i a1 = _mm256_loadu_si256((const __m256i *)(a + kp + k));
      const __m256i a2 = _mm256_loadu_si256((const __m256i *)(a + 2 * kp + k));
      const __m256i a3 = _mm256_loadu_si256((const __m256i *)(a + 3 * kp + k));
      h0 = _mm256_add_epi16(h0, _mm256_maddubs_epi16(a0, w0));
      h1 = _mm256_add_epi16(h1, _mm256_maddubs_epi16(a0, w1));
      h2 = _mm256_add_epi16(h2, _mm256_maddubs_epi16(a1, w0));
      h3 = _mm256_add_epi16(h3, _mm256_maddubs_epi16(a1, w1));
      h4 = _mm256_add_epi16(h4, _mm256_maddubs_epi16(a2, w0));
      h5 = _mm256_add_epi16(h5, _mm256_maddubs_epi16(a2, w1));
      h6 = _mm256_add_epi16(h6, _mm256_maddubs_epi16(a3, w0));
      h7 = _mm256_add_epi16(h7, _mm256_maddubs_epi16(a3, w1));
    }
    s[0] = _mm256_add_epi32(s[0], _mm256_madd_epi16(h0, ones));
    s[1] = _mm256_add_epi32(s[1], _mm256_madd_epi16(h1, ones));
    s[2] = _mm256_add_epi32(s[2], _mm256_madd_epi16(h2, ones));
    s[3] = _mm256_add_epi32(s[3], _mm256_madd_epi16(h3, ones));
    s[4] = _mm256_add_epi32(s[4], _mm256_madd_epi16(h4, ones));
    s[5] = _mm256_add_epi32(s[5], _mm256_madd_epi16(h5, ones));
    s[6] = _mm256_add_epi32(s[6], _mm256_madd_epi16(h6, ones));
    s[7] = _mm256_add_epi32(s[7], _mm256_madd_epi16(h7, ones));
  }
  for (int t = 0; t < 8; t++) out[t] = tnn_i8_hsum__avx2(s[t]);
}

TNN_INLINE void tnn_i8_tile1x4__avx2(const uint8_t *a, const int8_t *w, int64_t kp,
                                     int32_t *out /* [4] */) {
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
  for (int64_t k0 = 0; k0 < kp; k0 += 32 * TNN_I8_RUN16) {
    const int64_t k1 = kp - k0 < 32 * TNN_I8_RUN16 ? kp : k0 + 32 * TNN_I8_RUN16;
    __m256i h0 = _mm256_setzero_si256(), h1 = h0, h2 = h0, h3 = h0;
    for (int64_t k = k0; k < k1; k += 32) {
      const __m256i a0 = _mm256_loadu_si256((const __m256i *)(a + k));
      h0 = _mm256_add_epi16(h0, _mm256_maddubs_epi16(
                                    a0, _mm256_loadu_si256((const __m256i *)(w + k))));
      h1 = _mm256_add_epi16(h1, _mm256_maddubs_epi16(
                                    a0, _mm256_loadu_si256((const __m256i *)(w + kp + k))));
      h2 = _mm256_add_epi16(h2, _mm256_maddubs_epi16(
                                    a0, _mm256_loadu_si256((const __m256i *)(w + 2 * kp + k))));
      h3 = _mm256_add_epi16(h3, _mm256_maddubs_epi16(
                                    a0, _mm256_loadu_si256((const __m256i *)(w + 3 * kp + k))));
    }
    s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(h0, ones));
    s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(h1, ones));
    s2 = _mm256_add_epi32(s2, _mm256_madd_epi16(h2, ones));
    s3 = _mm256_add_epi32(s3, _mm256_madd_epi16(h3, ones));
  }
  out[0] = tnn_i8_hsum__avx2(s0);
  out[1] = tnn_i8_hsum__avx2(s1);
  out[2] = tnn_i8_hsum__avx2(s2);
  out[3] = tnn_i8_hsum__avx2(s3);
}

TNN_INLINE int32_t tnn_i8_tile1x1__avx2(const uint8_t *a, const int8_t *w, int64_t kp) {
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i s = _mm256_setzero_si256();
  for (int64_t k0 = 0; k0 < kp; k0 += 32 * TNN_I8_RUN16) {
    const int64_t k1 = kp - k0 < 32 * TNN_I8_RUN16 ? kp : k0 + 32 * TNN_I8_RUN16;
    __m256i h = _mm256_setzero_si256();
    for (int64_t k = k0; k < k1; k += 32)
      h = _mm256_add_epi16(h, _mm256_maddubs_epi16(
                                  _mm256_loadu_si256((const __m256i *)(a + k)),
                                  _mm256_loadu_si256((const __m256i *)(w + k))));
    s = _mm256_add_epi32(s, _mm256_madd_epi16(h, ones));
  }
  return tnn_i8_hsum__avx2(s);
}

TNN_INLINE void tnn_i8_gemm__avx2(const uint8_t *a, int64_t na, const int8_t *w,
                                  int64_t nw, int64_t kp, const tnn_i8_epi *e) {
  int32_t r[8];
  int64_t i = 0;
  for (; i + 4 <= na; i += 4) {
    int64_t j = 0;
    for (; j + 2 <= nw; j += 2) {
      tnn_i8_tile4x2__avx2(a + i * kp, w + j * kp, kp, r);
      for (int t = 0; t < 4; t++) {
        tnn_i8_put(e, i + t, j, r[2 * t]);
        tnn_i8_put(e, i + t, j + 1, r[2 * t + 1]);
      }
    }
    for (; j < nw; j++)
      for (int t = 0; t < 4; t++)
        tnn_i8_put(e, i + t, j, tnn_i8_tile1x1__avx2(a + (i + t) * kp, w + j * kp, kp));
  }
  for (; i < na; i++) {
    int64_t j = 0;
    for (; j + 4 <= nw; j += 4) {
      tnn_i8_tile1x4__avx2(a + i * kp, w + j * kp, kp, r);
      for (int t = 0; t < 4; t++) tnn_i8_put(e, i, j + t, r[t]);
    }
    for (; j < nw; j++) tnn_i8_put(e, i, j, tnn_i8_tile1x1__avx2(a + i * kp, w + j * kp, kp));
  }
}

#endif
#endif
