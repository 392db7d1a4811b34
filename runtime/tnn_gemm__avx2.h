/* tnn runtime, float family: AVX2 dot products for Gemm with B transposed
 * (tnn_f32_gemm's rows of A against rows of B, contiguous); twin
 * tnn_gemm_dots4__scalar (tnn_nn.h), the same operations in the same
 * order, so the two agree bit for bit, and so every target's Gemm gives
 * the same bytes (a multiply and an add, not a fused multiply-add, which
 * the portable code could only get from a slow fmaf on targets without
 * one). */
#ifndef TNN_GEMM__AVX2_H
#define TNN_GEMM__AVX2_H

#include "tnn_isa.h"

#if defined(TNN_CONV_AVX2)

/* dot[r] = sum over j < k of a[j] * b[r * k + j], r < 4: lane l of each
 * accumulator sums the products of j = l mod 8 (the last block masked:
 * zero products add nothing), then lanes l and l + 4, l and l + 2, 0 and 1
 * are added. */
TNN_INLINE void tnn_gemm_dots4__avx2(const float *a, const float *b, int64_t k, float *dot) {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
  const float *b0 = b, *b1 = b + k, *b2 = b1 + k, *b3 = b2 + k;
  int64_t j = 0;
  for (; j + 8 <= k; j += 8) {
    const __m256 x = _mm256_loadu_ps(a + j);
    s0 = _mm256_add_ps(s0, _mm256_mul_ps(x, _mm256_loadu_ps(b0 + j)));
    s1 = _mm256_add_ps(s1, _mm256_mul_ps(x, _mm256_loadu_ps(b1 + j)));
    s2 = _mm256_add_ps(s2, _mm256_mul_ps(x, _mm256_loadu_ps(b2 + j)));
    s3 = _mm256_add_ps(s3, _mm256_mul_ps(x, _mm256_loadu_ps(b3 + j)));
  }
  if (j < k) {
    const __m256i keep = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(k - j)),
                                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    const __m256 x = _mm256_maskload_ps(a + j, keep);
    s0 = _mm256_add_ps(s0, _mm256_mul_ps(x, _mm256_maskload_ps(b0 + j, keep)));
    s1 = _mm256_add_ps(s1, _mm256_mul_ps(x, _mm256_maskload_ps(b1 + j, keep)));
    s2 = _mm256_add_ps(s2, _mm256_mul_ps(x, _mm256_maskload_ps(b2 + j, keep)));
    s3 = _mm256_add_ps(s3, _mm256_mul_ps(x, _mm256_maskload_ps(b3 + j, keep)));
  }
  const __m256 acc[4] = {s0, s1, s2, s3};
  for (int r = 0; r < 4; r++) {
    __m128 t = _mm_add_ps(_mm256_castps256_ps128(acc[r]), _mm256_extractf128_ps(acc[r], 1));
    t = _mm_add_ps(t, _mm_movehl_ps(t, t));             /* lanes 0+2, 1+3 */
    t = _mm_add_ss(t, _mm_shuffle_ps(t, t, 1));          /* (0+2) + (1+3) */
    dot[r] = _mm_cvtss_f32(t);
  }
}

#endif

#endif
