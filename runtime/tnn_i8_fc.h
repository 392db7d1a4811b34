/* tnn runtime, 8-bit and few-bit activations (tnn_i8.h): the fully connected
 * layer on codes. */
#ifndef TNN_TNN_I8_FC_H
#define TNN_TNN_I8_FC_H

#include "tnn_i8.h"

TNN_INLINE int tnn_x_i8fc(const void *vp, const void *const *in, void *const *out) {
  const tnn_i8fc_params *p = (const tnn_i8fc_params *)vp;
  tnn_i8_epi e;
  e.y = (float *)out[0];
  e.si = p->m;
  e.sj = 1;
  e.scale = (const float *)in[2];
  e.bias = (const float *)in[3];
  e.corr = (const int32_t *)in[4];
  e.lo = (float)p->lo;
  e.hi = (float)p->hi;
  tnn_i8_gemm((const uint8_t *)in[0], p->n, (const int8_t *)in[1], p->m, p->kp, p->wmax, &e);
  return TNN_OK;
}

#define TNN_KERNELS_I8_FC(K) K(x_i8fc, i8fc)
#endif
