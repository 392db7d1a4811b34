/* tnn runtime, packed activations: AVX2 popcount of the masked XOR
 * (nibble-table popcount, vpsadbw sums); twin tnn_ba_count__scalar. */
#ifndef TNN_TNN_BA_DOT__AVX2_H
#define TNN_TNN_BA_DOT__AVX2_H

#include "tnn_ba_dot__scalar.h"

#if defined(TNN_BA_AVX2)

/* popcount of each byte by two 16-entry table lookups, summed per 64-bit
 * lane with vpsadbw */
TNN_INLINE __m256i tnn_ba_pc256__avx2(__m256i v) {
  const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3,
                                       3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3,
                                       2, 3, 3, 4);
  const __m256i low = _mm256_set1_epi8(0x0f);
  const __m256i lo = _mm256_shuffle_epi8(lut, _mm256_and_si256(v, low));
  const __m256i hi =
      _mm256_shuffle_epi8(lut, _mm256_and_si256(_mm256_srli_epi16(v, 4), low));
  return _mm256_sad_epu8(_mm256_add_epi8(lo, hi), _mm256_setzero_si256());
}

TNN_INLINE int64_t tnn_ba_hsum256__avx2(__m256i v) {
  const __m128i s = _mm_add_epi64(_mm256_castsi256_si128(v),
                                  _mm256_extracti128_si256(v, 1));
  return _mm_cvtsi128_si64(s) + _mm_extract_epi64(s, 1);
}

TNN_INLINE int64_t tnn_ba_count__avx2(const uint8_t *ma, const uint8_t *sa,
                                     const uint8_t *mw, const uint8_t *sw,
                                     int64_t nbytes, int64_t *pm) {
  __m256i cm = _mm256_setzero_si256(), cx = _mm256_setzero_si256();
  const __m256i ones = _mm256_set1_epi64x(-1);
  int64_t j = 0;
  for (; j + 32 <= nbytes; j += 32) {
    __m256i m = ma ? _mm256_loadu_si256((const __m256i *)(ma + j)) : ones;
    if (mw) m = _mm256_and_si256(m, _mm256_loadu_si256((const __m256i *)(mw + j)));
    const __m256i x =
        _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(sa + j)),
                         _mm256_loadu_si256((const __m256i *)(sw + j)));
    if (ma || mw) cm = _mm256_add_epi64(cm, tnn_ba_pc256__avx2(m));
    cx = _mm256_add_epi64(cx, tnn_ba_pc256__avx2(_mm256_and_si256(m, x)));
  }
  int64_t tm = 0;
  int64_t tx = tnn_ba_count__scalar(ma ? ma + j : NULL, sa + j, mw ? mw + j : NULL,
                                sw + j, nbytes - j, &tm);
  *pm = (ma || mw ? tnn_ba_hsum256__avx2(cm) : 8 * j) + tm;
  return tnn_ba_hsum256__avx2(cx) + tx;
}

#endif

#endif
