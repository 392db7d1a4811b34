/* tnn runtime, binary/ternary weights: the AVX2 dot (sign flips by XOR,
 * AND masks); twin tnn_bw_dot__scalar. */
#ifndef TNN_TNN_BW_DOT__AVX2_H
#define TNN_TNN_BW_DOT__AVX2_H

#include "tnn_bw_dot__scalar.h"

#if defined(TNN_BW_AVX2)

/* 8 bits -> 8 lanes of all-ones / zero */
TNN_INLINE __m256 tnn_bw_mask8__avx2(uint32_t bits) {
  const __m256i sel = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
  __m256i b = _mm256_and_si256(_mm256_set1_epi32((int)bits), sel);
  return _mm256_castsi256_ps(_mm256_cmpeq_epi32(b, sel));
}

TNN_INLINE float tnn_bw_dot__avx2(const tnn_bw_row *r, const float *x,
                                 int64_t k) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  int64_t j = 0;
  for (; j + 16 <= k; j += 16) {
    uint32_t s = tnn_bw_bits32(r->sg, r->nbytes, r->off + j);
    __m256 x0 = _mm256_loadu_ps(x + j), x1 = _mm256_loadu_ps(x + j + 8);
    /* binary: flip where the bit is clear; ternary: keep where nonzero,
     * flip where the sign bit is set */
    uint32_t flip = r->binary ? ~s : s;
    x0 = _mm256_xor_ps(x0, _mm256_and_ps(tnn_bw_mask8__avx2(flip & 255), sign));
    x1 = _mm256_xor_ps(x1, _mm256_and_ps(tnn_bw_mask8__avx2((flip >> 8) & 255), sign));
    if (!r->binary) {
      uint32_t z = tnn_bw_bits32(r->nz, r->nbytes, r->off + j);
      x0 = _mm256_and_ps(x0, tnn_bw_mask8__avx2(z & 255));
      x1 = _mm256_and_ps(x1, tnn_bw_mask8__avx2((z >> 8) & 255));
    }
    acc0 = _mm256_add_ps(acc0, x0);
    acc1 = _mm256_add_ps(acc1, x1);
  }
  __m256 acc = _mm256_add_ps(acc0, acc1);
  __m128 h = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
  h = _mm_add_ps(h, _mm_movehl_ps(h, h));
  h = _mm_add_ss(h, _mm_shuffle_ps(h, h, 1));
  float total = _mm_cvtss_f32(h);
  if (j < k) {
    tnn_bw_row t = *r;
    t.off = r->off + j;
    total += tnn_bw_dot__scalar(&t, x + j, k - j);
  }
  return total;
}

#endif

#endif
