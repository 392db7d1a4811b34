/* tnn runtime, packed activations: NEON popcount (vcnt, pairwise adds);
 * twin tnn_ba_count__scalar. */
#ifndef TNN_TNN_BA_DOT__NEON_H
#define TNN_TNN_BA_DOT__NEON_H

#include "tnn_ba_dot__scalar.h"

#if defined(TNN_BA_NEON)

TNN_INLINE int64_t tnn_ba_count__neon(const uint8_t *ma, const uint8_t *sa,
                                     const uint8_t *mw, const uint8_t *sw,
                                     int64_t nbytes, int64_t *pm) {
  uint64x2_t cm = vdupq_n_u64(0), cx = vdupq_n_u64(0);
  const uint8x16_t ones = vdupq_n_u8(0xff);
  int64_t j = 0;
  for (; j + 16 <= nbytes; j += 16) {
    uint8x16_t m = ma ? vld1q_u8(ma + j) : ones;
    if (mw) m = vandq_u8(m, vld1q_u8(mw + j));
    const uint8x16_t x = veorq_u8(vld1q_u8(sa + j), vld1q_u8(sw + j));
    cm = vaddq_u64(cm, vpaddlq_u32(vpaddlq_u16(vpaddlq_u8(vcntq_u8(m)))));
    cx = vaddq_u64(cx, vpaddlq_u32(vpaddlq_u16(vpaddlq_u8(
                           vcntq_u8(vandq_u8(m, x))))));
  }
  int64_t tm = 0;
  int64_t tx = tnn_ba_count__scalar(ma ? ma + j : NULL, sa + j, mw ? mw + j : NULL,
                                sw + j, nbytes - j, &tm);
  *pm = (int64_t)(vgetq_lane_u64(cm, 0) + vgetq_lane_u64(cm, 1)) + tm;
  return (int64_t)(vgetq_lane_u64(cx, 0) + vgetq_lane_u64(cx, 1)) + tx;
}

#endif

#endif
