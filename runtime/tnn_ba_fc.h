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
  int64_t dots[8], mlo, mhi;
  tnn_part_range(p->m, 8, part, nparts, &mlo, &mhi);
  for (int64_t i = 0; i < p->n; i++) {
    const uint8_t *xr = x + i * p->abits * kb;
    const uint8_t *ma = p->abits == 2 ? xr : NULL, *sa = p->abits == 2 ? xr + kb : xr;
    tnn_ba_out o = tnn_ba_out_start((uint8_t *)out[0] + i * p->obits * mb, p->obits,
                                    mb, p->m);
    /* eight outputs at a time (mlo is a multiple of 8), packed ones a byte
     * per plane at once; then by four */
    int64_t m = mlo;
    for (; p->obits && mhi - m >= 8; m += 8) {
      tnn_ba_dots8(ma, sa, w + m * p->wbits * kb, p->wbits * kb, p->wbits, kb, p->k, dots);
      const unsigned lv = tnn_ba_out8(dots, (const int32_t *)in[2] + 3 * m);
      o.sg[m / 8] = (uint8_t)lv;
      if (p->obits == 2) o.nz[m / 8] = (uint8_t)(lv >> 8);
    }
    for (; m < mhi; m++) {
      const int64_t l = (m - mlo) % 8, whole = mhi - (m - l) >= 8;
      if (l == 0 && whole)
        tnn_ba_dots8(ma, sa, w + m * p->wbits * kb, p->wbits * kb, p->wbits, kb, p->k, dots);
      else if (l % 4 == 0 && !whole)
        tnn_ba_dots(ma, sa, w + m * p->wbits * kb, p->wbits * kb, p->wbits, kb, p->k,
                    mhi - m < 4 ? mhi - m : 4, dots + l);
      if (p->obits == 0)
        ((float *)out[0])[i * p->m + m] = tnn_ba_epilogue(
            dots[l], (const float *)in[2], (const float *)in[3], m, p->lo, p->hi);
      else
        tnn_ba_out_add(&o, (const int32_t *)in[2], m, dots[l]);
    }
  }
  return TNN_OK;
}

TNN_INLINE int tnn_x_bafc(const void *vp, const void *const *in, void *const *out) {
  return tnn_x_bafc_part(vp, in, out, 0, 1);
}

#define TNN_KERNELS_BA_FC(K) K(x_bafc, bafc)

#endif
