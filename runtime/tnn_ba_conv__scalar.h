/* tnn runtime, packed activations: the blocked convolution's scalar group
 * kernel, twin of tnn_ba_conv__avx512.h's (tests/unit/bitact_cases.h). */
#ifndef TNN_TNN_BA_CONV__SCALAR_H
#define TNN_TNN_BA_CONV__SCALAR_H

/* Scalar reference: dot[8] of the pixel whose base word is `base`. */
TNN_INLINE void tnn_ba_grp__scalar(const tnn_ba_grp *g, int64_t base, int64_t *dot) {
  int64_t cx[8] = {0}, cm[8] = {0};
  for (int64_t i = 0; i < g->nw; i++) {
    const int64_t ai = (base + g->wl[2 * i]) * 8, wi = g->wl[2 * i + 1];
    const uint64_t sa = tnn_ba_word(g->asg + ai, 8);
    const uint64_t ma = g->anz ? tnn_ba_word(g->anz + ai, 8) : ~(uint64_t)0;
    for (int l = 0; l < 8; l++) {
      const uint64_t sw = tnn_ba_word(g->wsg + wi + 8 * l, 8);
      const uint64_t mw = g->wnz ? tnn_ba_word(g->wnz + wi + 8 * l, 8) : ~(uint64_t)0;
      cm[l] += tnn_popcount64(ma & mw);
      cx[l] += tnn_popcount64(ma & mw & (sa ^ sw));
    }
  }
  for (int l = 0; l < 8; l++) dot[l] = cm[l] - 2 * cx[l];
}


/* r pixels with base words pb[i] and output pixels o0 + i (tnn_ba_grp_run's
 * contract, tnn_ba_conv.h). */
TNN_INLINE void tnn_ba_grp_run__scalar(const tnn_ba_grp *g, const int64_t *pb, int64_t r,
                                       const tnn_ba_epi *e, int64_t o0, const int64_t *fix) {
  int64_t dot[8];
  for (int64_t i = 0; i < r; i++) {
    tnn_ba_grp__scalar(g, pb[i], dot);
    if (fix)
      for (int l = 0; l < 8; l++) dot[l] += fix[8 * i + l];
    tnn_ba_epi_put(e, o0 + i, dot);
  }
}

#endif
