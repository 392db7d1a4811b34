/* tnn runtime, binary/ternary weights: the fully connected layer. */
#ifndef TNN_TNN_BW_FC_H
#define TNN_TNN_BW_FC_H

#include "tnn_bw.h"

/* ------------------------------------------------------------- layers */

/* Fully connected: y[i][m] = epi(sum_k t[m][k] x[i][k]), x [n][k]. */
TNN_INLINE int tnn_f32_bwfc(const void *vp, const void *const *in,
                            void *const *out) {
  const tnn_bwfc_params *p = (const tnn_bwfc_params *)vp;
  const float *x = (const float *)in[0];
  const uint8_t *w = (const uint8_t *)in[1];
  const float *scale = (const float *)in[2], *bias = (const float *)in[3];
  float *y = (float *)out[0];
  const float lo = (float)p->lo, hi = (float)p->hi;
  const int64_t n = p->m * p->k;
  uint8_t buf[2 * TNN_BW_B3BYTES];
  if (p->format == TNN_BW_BASE3 && p->k > TNN_BW_B3BYTES * 8) return TNN_E_ARG;
  int64_t block = p->format == TNN_BW_BASE3 ? (TNN_BW_B3BYTES * 8) / p->k : p->m;
  if (block < 1) block = 1;
  for (int64_t m0 = 0; m0 < p->m; m0 += block) {
    int64_t rows = p->m - m0 < block ? p->m - m0 : block;
    tnn_bw_row base;
    tnn_bw_rows(p->format, w, n, p->k, m0, rows, buf, TNN_BW_B3BYTES, &base);
    for (int64_t r = 0; r < rows; r++) {
      tnn_bw_row row = base;
      row.off = base.off + r * p->k;
      const int64_t m = m0 + r;
      for (int64_t i = 0; i < p->n; i++) {
        float v = tnn_bw_dot(&row, x + i * p->k, p->k) * scale[m] + bias[m];
        y[i * p->m + m] = v < lo ? lo : v > hi ? hi : v;
      }
    }
  }
  return TNN_OK;
}

#define TNN_KERNELS_BW_FC(K) K(f32_bwfc, bwfc)

#endif
