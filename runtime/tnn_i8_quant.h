/* tnn runtime, 8-bit and few-bit activations (tnn_i8.h): the run-time quantizer
 * (float -> codes). */
#ifndef TNN_TNN_I8_QUANT_H
#define TNN_TNN_I8_QUANT_H

#include "tnn_i8.h"

#define TNN_I8_QRUN 256

/* n codes of x into u (tnn_i8_code's), by the family's variant. */
TNN_INLINE void tnn_i8_codes(const tnn_i8quant_params *p, const float *x, int64_t n,
                             uint8_t *u) {
#if defined(TNN_I8_AVX512)
  tnn_i8_codes__avx512vnni(p, x, n, u);
#else
  tnn_i8_codes__scalar(p, x, n, u);
#endif
}

TNN_INLINE int tnn_f32_i8quant(const void *vp, const void *const *in, void *const *out) {
  const tnn_i8quant_params *p = (const tnn_i8quant_params *)vp;
  const float *x = (const float *)in[0];
  uint8_t *u = (uint8_t *)out[0];
  const int64_t row = p->c * p->inner;
  for (int64_t o = 0; o < p->outer; o++) {
    const float *xo = x + o * row;
    uint8_t *uo = u + o * p->ostride;
    if (p->nhwc) {             /* a run of one channel's codes, then transposed */
      uint8_t run[TNN_I8_QRUN];
      for (int64_t ch = 0; ch < p->c; ch++)
        for (int64_t i0 = 0; i0 < p->inner; i0 += TNN_I8_QRUN) {
          const int64_t len = p->inner - i0 < TNN_I8_QRUN ? p->inner - i0 : TNN_I8_QRUN;
          tnn_i8_codes(p, xo + ch * p->inner + i0, len, run);
          for (int64_t i = 0; i < len; i++) uo[(i0 + i) * p->c + ch] = run[i];
        }
    } else {
      tnn_i8_codes(p, xo, row, uo);
    }
    if (p->ostride > row) memset(uo + row, 0, (size_t)(p->ostride - row));
  }
  return TNN_OK;
}

#define TNN_KERNELS_I8_QUANT(K) K(f32_i8quant, i8quant)
#endif
