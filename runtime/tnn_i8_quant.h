/* tnn runtime, 8-bit and few-bit activations (tnn_i8.h): the run-time quantizer
 * (float -> codes). */
#ifndef TNN_TNN_I8_QUANT_H
#define TNN_TNN_I8_QUANT_H

#include "tnn_i8.h"

TNN_INLINE int tnn_f32_i8quant(const void *vp, const void *const *in, void *const *out) {
  const tnn_i8quant_params *p = (const tnn_i8quant_params *)vp;
  const float *x = (const float *)in[0];
  uint8_t *u = (uint8_t *)out[0];
  const int64_t row = p->c * p->inner;
  for (int64_t o = 0; o < p->outer; o++) {
    const float *xo = x + o * row;
    uint8_t *uo = u + o * p->ostride;
    if (p->nhwc) {
      for (int64_t ch = 0; ch < p->c; ch++)
        for (int64_t i = 0; i < p->inner; i++) uo[i * p->c + ch] = tnn_i8_code(p, xo[ch * p->inner + i]);
    } else {
      for (int64_t i = 0; i < row; i++) uo[i] = tnn_i8_code(p, xo[i]);
    }
    if (p->ostride > row) memset(uo + row, 0, (size_t)(p->ostride - row));
  }
  return TNN_OK;
}

#define TNN_KERNELS_I8_QUANT(K) K(f32_i8quant, i8quant)
#endif
