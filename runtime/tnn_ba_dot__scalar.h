/* tnn runtime, packed activations: the scalar reference dots (portable C,
 * always compiled), the twins every SIMD body of tnn_ba_dot__*.h is tested
 * against (tests/unit/bitact_cases.h). */
#ifndef TNN_TNN_BA_DOT__SCALAR_H
#define TNN_TNN_BA_DOT__SCALAR_H

#include "tnn_isa.h"

TNN_INLINE int64_t tnn_popcount64(uint64_t v) {
#if defined(__GNUC__) || defined(__clang__)
  return __builtin_popcountll(v);
#else
  v = v - ((v >> 1) & 0x5555555555555555u);
  v = (v & 0x3333333333333333u) + ((v >> 2) & 0x3333333333333333u);
  v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0fu;
  return (int64_t)((v * 0x0101010101010101u) >> 56);
#endif
}

/* Up to 8 bytes of a plane as a little-endian word (missing bytes zero). */
TNN_INLINE uint64_t tnn_ba_word(const uint8_t *p, int64_t nbytes) {
  uint64_t v = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (nbytes >= 8) {
    memcpy(&v, p, 8);
    return v;
  }
#endif
  for (int64_t j = 0; j < nbytes && j < 8; j++) v |= (uint64_t)p[j] << (8 * j);
  return v;
}

/* Over nbytes bytes: returns popcount(M & (sa ^ sw)) and stores
 * popcount(M) in *pm, M = ma & mw where a NULL mask plane means all ones
 * (then *pm counts bytes * 8, which callers with two binary operands
 * ignore). */
TNN_INLINE int64_t tnn_ba_count__scalar(const uint8_t *ma, const uint8_t *sa,
                                    const uint8_t *mw, const uint8_t *sw,
                                    int64_t nbytes, int64_t *pm) {
  int64_t cm = 0, cx = 0;
  for (int64_t j = 0; j < nbytes; j += 8) {
    const int64_t nb = nbytes - j < 8 ? nbytes - j : 8;
    uint64_t m = ~(uint64_t)0;
    if (nb < 8) m = ((uint64_t)1 << (8 * nb)) - 1;
    if (ma) m &= tnn_ba_word(ma + j, nb);
    if (mw) m &= tnn_ba_word(mw + j, nb);
    const uint64_t x = tnn_ba_word(sa + j, nb) ^ tnn_ba_word(sw + j, nb);
    cm += tnn_popcount64(m);
    cx += tnn_popcount64(m & x);
  }
  *pm = cm;
  return cx;
}

/* Four dots of one activation row against weight rows w + r * wstride
 * (tnn_ba_dots4's contract). */
TNN_INLINE void tnn_ba_dots4__scalar(const uint8_t *ma, const uint8_t *sa,
                             const uint8_t *w, int64_t wstride, int64_t wbits,
                             int64_t nbytes, int64_t k, int64_t *dot) {
  for (int r = 0; r < 4; r++) {
    const uint8_t *wr = w + r * wstride;
    const uint8_t *mw = wbits == 2 ? wr : NULL, *sw = wbits == 2 ? wr + nbytes : wr;
    int64_t pm = 0;
    const int64_t px = tnn_ba_count__scalar(ma, sa, mw, sw, nbytes, &pm);
    dot[r] = (ma || mw ? pm : k) - 2 * px;
  }
}

/* Eight dots of one activation row against weight rows w + r * wstride
 * (tnn_ba_dots8's contract). */
TNN_INLINE void tnn_ba_dots8__scalar(const uint8_t *ma, const uint8_t *sa,
                                     const uint8_t *w, int64_t wstride, int64_t wbits,
                                     int64_t nbytes, int64_t k, int64_t *dot) {
  tnn_ba_dots4__scalar(ma, sa, w, wstride, wbits, nbytes, k, dot);
  tnn_ba_dots4__scalar(ma, sa, w + 4 * wstride, wstride, wbits, nbytes, k, dot + 4);
}

/* The packed levels of eight outputs (tnn_ba_out8's contract, the rule
 * of tnn_ba_out_add): the sign byte, and the nonzero byte above it. */
TNN_INLINE unsigned tnn_ba_out8__scalar(const int64_t *dot, const int32_t *thr) {
  unsigned n = 0, s = 0;
  for (int l = 0; l < 8; l++) {
    const int64_t v = thr[3 * l] * dot[l];
    const unsigned neg = v < thr[3 * l + 1], pos = v >= thr[3 * l + 2];
    s |= neg << l;
    n |= (neg | pos) << l;
  }
  return s | n << 8;
}

#endif
