/* tnn runtime, packed activations: the first quantizer's eight pixels by
 * eight channels by AVX compares (tnn_ba_pack8's contract, tnn_ba_pack.h);
 * twin tnn_ba_pack8__scalar. */
#ifndef TNN_TNN_BA_PACK__AVX2_H
#define TNN_TNN_BA_PACK__AVX2_H

#include "tnn_isa.h"

#if defined(TNN_CONV_AVX2)

/* per channel one compare of eight pixels gives a byte of pixel bits */
TNN_INLINE void tnn_ba_pack8__avx2(const float *x, int64_t stride, const float *thr,
                                   int64_t tstep, uint64_t *ge0, uint64_t *ge1) {
  uint64_t g0 = 0, g1 = 0;
  for (int64_t j = 0; j < 8; j++) {
    const __m256 v = _mm256_loadu_ps(x + j * stride);
    const __m256 t0 = _mm256_set1_ps(thr[j * tstep]);
    const __m256 t1 = _mm256_set1_ps(thr[j * tstep + 1]);
    g0 |= (uint64_t)_mm256_movemask_ps(_mm256_cmp_ps(v, t0, _CMP_GE_OQ)) << (8 * j);
    g1 |= (uint64_t)_mm256_movemask_ps(_mm256_cmp_ps(v, t1, _CMP_GE_OQ)) << (8 * j);
  }
  *ge0 = g0;
  *ge1 = g1;
}

#endif

#endif
