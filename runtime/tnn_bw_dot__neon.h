/* tnn runtime, binary/ternary weights: the NEON dot; twin
 * tnn_bw_dot__scalar. */
#ifndef TNN_TNN_BW_DOT__NEON_H
#define TNN_TNN_BW_DOT__NEON_H

#include "tnn_bw_dot__scalar.h"

#if defined(TNN_BW_NEON)

TNN_INLINE uint32x4_t tnn_bw_mask4__neon(uint32_t bits) {
  const uint32_t selv[4] = {1, 2, 4, 8};
  uint32x4_t sel = vld1q_u32(selv);
  return vceqq_u32(vandq_u32(vdupq_n_u32(bits), sel), sel);
}

TNN_INLINE float tnn_bw_dot__neon(const tnn_bw_row *r, const float *x,
                                 int64_t k) {
  const uint32x4_t sign = vdupq_n_u32(0x80000000u);
  float32x4_t acc0 = vdupq_n_f32(0.0f), acc1 = vdupq_n_f32(0.0f);
  int64_t j = 0;
  for (; j + 8 <= k; j += 8) {
    uint32_t s = tnn_bw_bits32(r->sg, r->nbytes, r->off + j);
    uint32_t flip = r->binary ? ~s : s;
    uint32x4_t x0 = vreinterpretq_u32_f32(vld1q_f32(x + j));
    uint32x4_t x1 = vreinterpretq_u32_f32(vld1q_f32(x + j + 4));
    x0 = veorq_u32(x0, vandq_u32(tnn_bw_mask4__neon(flip & 15), sign));
    x1 = veorq_u32(x1, vandq_u32(tnn_bw_mask4__neon((flip >> 4) & 15), sign));
    if (!r->binary) {
      uint32_t z = tnn_bw_bits32(r->nz, r->nbytes, r->off + j);
      x0 = vandq_u32(x0, tnn_bw_mask4__neon(z & 15));
      x1 = vandq_u32(x1, tnn_bw_mask4__neon((z >> 4) & 15));
    }
    acc0 = vaddq_f32(acc0, vreinterpretq_f32_u32(x0));
    acc1 = vaddq_f32(acc1, vreinterpretq_f32_u32(x1));
  }
  float32x4_t acc = vaddq_f32(acc0, acc1);
  float lanes[4];
  vst1q_f32(lanes, acc);
  float total = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  if (j < k) {
    tnn_bw_row t = *r;
    t.off = r->off + j;
    total += tnn_bw_dot__scalar(&t, x + j, k - j);
  }
  return total;
}

#endif

#endif
