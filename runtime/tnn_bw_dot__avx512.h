/* tnn runtime, binary/ternary weights: the AVX-512 dot (masked adds and
 * subtracts); twin tnn_bw_dot__scalar. */
#ifndef TNN_TNN_BW_DOT__AVX512_H
#define TNN_TNN_BW_DOT__AVX512_H

#include "tnn_bw_dot__scalar.h"

#if defined(TNN_BW_AVX512)

TNN_INLINE float tnn_bw_dot__avx512(const tnn_bw_row *r, const float *x,
                                 int64_t k) {
  __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
  int64_t j = 0;
  for (; j + 32 <= k; j += 32) {
    uint32_t s = tnn_bw_bits32(r->sg, r->nbytes, r->off + j);
    uint32_t z = r->binary ? 0xffffffffu : tnn_bw_bits32(r->nz, r->nbytes, r->off + j);
    uint32_t add = r->binary ? s : z & ~s, sub = r->binary ? ~s : z & s;
    __m512 x0 = _mm512_loadu_ps(x + j), x1 = _mm512_loadu_ps(x + j + 16);
    acc0 = _mm512_mask_add_ps(acc0, (__mmask16)add, acc0, x0);
    acc0 = _mm512_mask_sub_ps(acc0, (__mmask16)sub, acc0, x0);
    acc1 = _mm512_mask_add_ps(acc1, (__mmask16)(add >> 16), acc1, x1);
    acc1 = _mm512_mask_sub_ps(acc1, (__mmask16)(sub >> 16), acc1, x1);
  }
  if (j < k) {                                  /* tail: masked loads */
    uint32_t s = tnn_bw_bits32(r->sg, r->nbytes, r->off + j);
    uint32_t z = r->binary ? 0xffffffffu : tnn_bw_bits32(r->nz, r->nbytes, r->off + j);
    uint32_t live = k - j >= 32 ? 0xffffffffu : ((uint32_t)1 << (k - j)) - 1;
    uint32_t add = (r->binary ? s : z & ~s) & live;
    uint32_t sub = (r->binary ? ~s : z & s) & live;
    __m512 x0 = _mm512_maskz_loadu_ps((__mmask16)live, x + j);
    __m512 x1 = _mm512_maskz_loadu_ps((__mmask16)(live >> 16), x + j + 16);
    acc0 = _mm512_mask_add_ps(acc0, (__mmask16)add, acc0, x0);
    acc0 = _mm512_mask_sub_ps(acc0, (__mmask16)sub, acc0, x0);
    acc1 = _mm512_mask_add_ps(acc1, (__mmask16)(add >> 16), acc1, x1);
    acc1 = _mm512_mask_sub_ps(acc1, (__mmask16)(sub >> 16), acc1, x1);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}

#endif

#endif
