/* tnn runtime, float pooling: eight output pixels of a row by AVX (loads
 * of tnn_conv__avx2.h); twins tnn_pool_max8__scalar, tnn_pool_avg8__scalar
 * (tnn_pool.h). */
#ifndef TNN_TNN_POOL__AVX2_H
#define TNN_TNN_POOL__AVX2_H

#include "tnn_conv.h"

#if defined(TNN_CONV_AVX2)

/* max_ps(v, m) is v > m ? v : m, the scalar loop's step */
TNN_INLINE void tnn_pool_max8__avx2(const tnn_pool_params *p, const float *x, int64_t ky0,
                                    int64_t ky1, float *y) {
  __m256 vm = _mm256_set1_ps(-FLT_MAX);
  for (int64_t ky = ky0; ky < ky1; ky++) {
    const float *xr = x + ky * p->dh * p->w;
    for (int64_t kx = 0; kx < p->kw; kx++)
      vm = _mm256_max_ps(tnn_conv_load8__avx2(xr + kx * p->dw, p->sw), vm);
  }
  _mm256_storeu_ps(y, vm);
}

/* each lane sums in the scalar loop's order */
TNN_INLINE void tnn_pool_avg8__avx2(const tnn_pool_params *p, const float *x, int64_t ky0,
                                    int64_t ky1, int64_t cnt, float *y) {
  __m256 vs = _mm256_setzero_ps();
  for (int64_t ky = ky0; ky < ky1; ky++) {
    const float *xr = x + ky * p->dh * p->w;
    for (int64_t kx = 0; kx < p->kw; kx++)
      vs = _mm256_add_ps(vs, tnn_conv_load8__avx2(xr + kx * p->dw, p->sw));
  }
  _mm256_storeu_ps(y, cnt > 0 ? _mm256_div_ps(vs, _mm256_set1_ps((float)cnt))
                              : _mm256_setzero_ps());
}

#endif

#endif
