/* tnn runtime, packed activations: the fully connected layer. */
#ifndef TNN_TNN_BA_FC_H
#define TNN_TNN_BA_FC_H

#include "tnn_ba.h"

/* Fully connected on packed rows: x [n][abits*kb], w [m][wbits*kb].
 * obits 0: y float [n][m] = dot * scale[m] + bias[m] clamped to [lo, hi]
 * (in[2] scale, in[3] bias); obits 1 or 2: y packed [n][obits*ceil(m/8)]
 * through thresholds in[2] = int32 thr[m][3]. */
/* Share `part` of `nparts` (tnn_runtime.h): the outputs [mlo, mhi) of
 * every row, in steps of 8 (whole bytes of a packed output). */
TNN_INLINE int tnn_x_bafc_part(const void *vp, const void *const *in,
                               void *const *out, int64_t part, int64_t nparts) {
  const tnn_bafc_params *p = (const tnn_bafc_params *)vp;
  const uint8_t *x = (const uint8_t *)in[0], *w = (const uint8_t *)in[1];
  const int64_t kb = (p->k + 7) / 8, mb = (p->m + 7) / 8;
  int64_t dots[4], mlo, mhi;
  tnn_part_range(p->m, 8, part, nparts, &mlo, &mhi);
  for (int64_t i = 0; i < p->n; i++) {
    const uint8_t *xr = x + i * p->abits * kb;
    tnn_ba_out o = tnn_ba_out_start((uint8_t *)out[0] + i * p->obits * mb, p->obits,
                                    mb, p->m);
    for (int64_t m = mlo; m < mhi; m++) {
      if (m % 4 == 0)
        tnn_ba_dots(p->abits == 2 ? xr : NULL, p->abits == 2 ? xr + kb : xr,
                    w + m * p->wbits * kb, p->wbits * kb, p->wbits, kb, p->k,
                    p->m - m < 4 ? p->m - m : 4, dots);
      if (p->obits == 0)
        ((float *)out[0])[i * p->m + m] = tnn_ba_epilogue(
            dots[m % 4], (const float *)in[2], (const float *)in[3], m, p->lo, p->hi);
      else
        tnn_ba_out_add(&o, (const int32_t *)in[2], m, dots[m % 4]);
    }
  }
  return TNN_OK;
}

TNN_INLINE int tnn_x_bafc(const void *vp, const void *const *in, void *const *out) {
  return tnn_x_bafc_part(vp, in, out, 0, 1);
}

#define TNN_KERNELS_BA_FC(K) K(x_bafc, bafc)

#endif
