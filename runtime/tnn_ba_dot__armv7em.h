/* tnn runtime, packed activations: the masked-XOR popcount for ARMv7E-M
 * (Cortex-M4/M7), which has no popcount instruction and 32-bit registers.
 *
 * Per 32-bit word, the bit count of each byte by three SWAR steps (pairs,
 * nibbles, bytes: each byte then holds 0..8), and the four byte counts
 * summed into the running total by one USADA8 (sum of absolute differences
 * against zero, accumulated).  Where the DSP extension is absent (this
 * file's portable form, which the host tests run against
 * tnn_ba_count__scalar) the four bytes are summed by a multiply.  Indices
 * are ints: the rows of one dot are far below 2^31 bytes (TNN_BA_MAX_PATCH,
 * and fully connected rows of k / 8 bytes). */
#ifndef TNN_BA_DOT__ARMV7EM_H
#define TNN_BA_DOT__ARMV7EM_H

#include "tnn_ba_dot__scalar.h"

#if defined(__ARM_FEATURE_SIMD32)
#include <arm_acle.h>
#endif

/* acc + the bit count of v */
TNN_INLINE uint32_t tnn_ba_popcount32_acc__armv7em(uint32_t v, uint32_t acc) {
  v = v - ((v >> 1) & 0x55555555u);
  v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
  v = (v + (v >> 4)) & 0x0f0f0f0fu;
#if defined(__ARM_FEATURE_SIMD32)
  return __usada8(v, 0u, acc);
#else
  return acc + ((v * 0x01010101u) >> 24);
#endif
}

TNN_INLINE uint32_t tnn_ba_load32__armv7em(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4); /* one LDR (unaligned loads are allowed on M4/M7) */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap32(v);
#endif
  return v;
}

TNN_INLINE int64_t tnn_ba_count__armv7em(const uint8_t *ma, const uint8_t *sa,
                                         const uint8_t *mw, const uint8_t *sw,
                                         int64_t nbytes, int64_t *pm) {
  uint32_t cm = 0, cx = 0;
  const int n4 = (int)(nbytes / 4) * 4;
  int j = 0;
  if (!ma && !mw) {
    for (; j < n4; j += 4)
      cx = tnn_ba_popcount32_acc__armv7em(
          tnn_ba_load32__armv7em(sa + j) ^ tnn_ba_load32__armv7em(sw + j), cx);
    cm = 8u * (uint32_t)n4;
  } else {
    for (; j < n4; j += 4) {
      uint32_t m = ma ? tnn_ba_load32__armv7em(ma + j) : ~0u;
      if (mw) m &= tnn_ba_load32__armv7em(mw + j);
      const uint32_t x = tnn_ba_load32__armv7em(sa + j) ^ tnn_ba_load32__armv7em(sw + j);
      cm = tnn_ba_popcount32_acc__armv7em(m, cm);
      cx = tnn_ba_popcount32_acc__armv7em(m & x, cx);
    }
  }
  int64_t tm = 0;
  const int64_t tx = tnn_ba_count__scalar(ma ? ma + j : NULL, sa + j, mw ? mw + j : NULL,
                                          sw + j, nbytes - j, &tm);
  *pm = (int64_t)cm + tm;
  return (int64_t)cx + tx;
}

#endif
