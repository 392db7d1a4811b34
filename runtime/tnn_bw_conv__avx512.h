/* tnn runtime, binary/ternary weights: the AVX-512 lane-mask convolution
 * (masked adds and subtracts of sixteen channels); twins
 * tnn_bw_mb_step__scalar and the generic loop of tnn_f32_bwconv_mb. */
#ifndef TNN_TNN_BW_CONV__AVX512_H
#define TNN_TNN_BW_CONV__AVX512_H

#if defined(TNN_BW_AVX512)

/* acc[l] += x where lane l's weight is +1, -= x where it is -1 (twin
 * tnn_bw_mb_step__scalar) */
TNN_INLINE void tnn_bw_mb_step__avx512(float *acc, float xv, unsigned pos, unsigned neg) {
  __m512 a = _mm512_loadu_ps(acc);
  const __m512 xb = _mm512_set1_ps(xv);
  a = _mm512_mask_add_ps(a, (__mmask16)pos, a, xb);
  a = _mm512_mask_sub_ps(a, (__mmask16)neg, a, xb);
  _mm512_storeu_ps(acc, a);
}

/* Eight pixels of output row oy from input column ixa whose taps all lie
 * inside the row, sixteen channels of weight block wb: the sums in
 * registers, stored to acc (the generic loop's terms in its order). */
TNN_INLINE void tnn_bw_mb_row8__avx512(const tnn_bwconv_params *p, const float *x,
                                       const uint8_t *wb, int64_t planes, int64_t nb,
                                       int64_t oy, int64_t ixa, float acc[TNN_BWPX][TNN_BWMB]) {
  const int64_t ksz = p->kh * p->kw;
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  __m512 a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  const int64_t sw = p->sw;
  for (int64_t c = 0; c < p->c; c++)
    for (int64_t ky = 0; ky < p->kh; ky++) {
      const int64_t iy = oy * p->sh - p->pt + ky * p->dh;
      if (iy < 0 || iy >= p->h) continue;
      const float *xr = x + ((nb * p->c + c) * p->h + iy) * p->w;
      for (int64_t kx = 0; kx < p->kw; kx++) {
        unsigned pos, neg;
        tnn_bw_mb_masks(wb + (c * ksz + ky * p->kw + kx) * planes * 2, planes,
                        &pos, &neg);
        const __mmask16 kp = (__mmask16)pos, kn = (__mmask16)neg;
        const float *xp = xr + ixa + kx * p->dw;
#define TNN_BW_LANE(A, Q)                                                     \
  do {                                                                        \
    const __m512 xb = _mm512_set1_ps(xp[(Q) * sw]);                           \
    A = _mm512_mask_sub_ps(_mm512_mask_add_ps(A, kp, A, xb), kn, A, xb);      \
  } while (0)
        TNN_BW_LANE(a0, 0); TNN_BW_LANE(a1, 1); TNN_BW_LANE(a2, 2);
        TNN_BW_LANE(a3, 3); TNN_BW_LANE(a4, 4); TNN_BW_LANE(a5, 5);
        TNN_BW_LANE(a6, 6); TNN_BW_LANE(a7, 7);
#undef TNN_BW_LANE
      }
    }
  _mm512_storeu_ps(acc[0], a0); _mm512_storeu_ps(acc[1], a1);
  _mm512_storeu_ps(acc[2], a2); _mm512_storeu_ps(acc[3], a3);
  _mm512_storeu_ps(acc[4], a4); _mm512_storeu_ps(acc[5], a5);
  _mm512_storeu_ps(acc[6], a6); _mm512_storeu_ps(acc[7], a7);
}

#endif

#endif
