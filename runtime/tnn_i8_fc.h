/* tnn runtime, 8-bit and few-bit activations (tnn_i8.h): the fully connected
 * layer on codes. */
#ifndef TNN_TNN_I8_FC_H
#define TNN_TNN_I8_FC_H

#include "tnn_i8.h"

TNN_INLINE int tnn_x_i8fc(const void *vp, const void *const *in, void *const *out) {
  const tnn_i8fc_params *p = (const tnn_i8fc_params *)vp;
  tnn_i8_epi e;
  tnn_i8quant_params q;
  e.y = (float *)out[0];
  e.u = NULL;
  e.q = NULL;
  e.si = p->m;
  e.sj = 1;
  e.qoff = (int32_t)p->qoff;
  e.qstep = (float)p->qstep;
  if (p->ocode) {
    TNN_I8_FUSED_QUANT(p, q);
    e.q = &q;
  }
  if (p->ocode == 1) {         /* codes, rows of ostride bytes */
    e.y = NULL;
    e.u = (uint8_t *)out[0];
    e.si = p->ostride;
  }
  e.scale = (const float *)in[2];
  e.bias = (const float *)in[3];
  e.corr = (const int32_t *)in[4];
  e.lo = (float)p->lo;
  e.hi = (float)p->hi;
  tnn_i8_gemm((const uint8_t *)in[0], p->n, (const int8_t *)in[1], p->m, p->kp, p->wmax, &e);
  if (p->ocode == 1 && p->ostride > p->m)
    for (int64_t i = 0; i < p->n; i++)
      memset(e.u + i * p->ostride + p->m, 0, (size_t)(p->ostride - p->m));
  return TNN_OK;
}

#define TNN_KERNELS_I8_FC(K) K(x_i8fc, i8fc)
#endif
