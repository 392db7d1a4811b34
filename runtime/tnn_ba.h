/* tnn runtime: binary and ternary activations times binary and ternary
 * weights, by XOR and popcount (RTN, FATNN; ../shared/DESIGN.md).
 *
 * Layout.  A row of k values in {-1, 0, +1} is stored in kb = ceil(k/8)
 * bytes per bit plane, bits LSB first, bits beyond k zero:
 *   1 bit  (binary, values +-1):   one sign plane, bit set = -1;
 *   2 bits (ternary, -1/0/+1):     a nonzero plane, then a sign plane
 *                                  (bit set = -1), kb bytes each.
 * A packed tensor is rows one after the other, `bits * kb` bytes per row.
 * Weights use the same layout, one row per output channel.
 *
 * Images (the activations of convolutions): per image, per plane, its h*w
 * pixels one after the other, each the cb = ceil(c/8) bytes of its
 * channels: [bits][h*w][cb].  Conv weights per output channel: per plane,
 * the kh*kw taps (row-major) each of cb bytes, [bits][kh*kw*cb], so one
 * output pixel is one dot over a gathered patch of kh*kw*cb bytes; or, when
 * c % 64 == 0 and m % 8 == 0, blocked by eight output channels per 64-bit
 * word (tnn_ba_pack_conv), which the register-blocked path reads eight
 * channels to a 512-bit load.  Padding is exact: a tap outside the image
 * contributes 0 (left out of the tap list, or its nonzero bits clear, or
 * for binary activations read as zeros and taken back out of the sum).
 *
 * Inner products, with X = sa ^ sw and M the AND of the nonzero planes
 * present (the all-ones row when both are binary):
 *   dot = popcount(M) - 2 * popcount(M & X)
 * so binary x binary is k - 2 * popcount(sa ^ sw); a binary operand drops
 * its AND; ternary x ternary needs the two popcounts.
 *
 * Epilogues.  The integer dot either becomes a float, y = dot * scale[m] +
 * bias[m] (two roundings, as the float kernels of tnn_bw*.h), clamped to
 * [lo, hi]; or goes straight to the next layer's packed input through
 * per-channel integer thresholds: thr[m] = {dir, t0, t1} with t0 <= t1,
 * v = dir * dot, level = -1 + (v >= t0) + (v >= t1), which tnnc derives from the float
 * epilogue and the quantizer that followed it (pass quant-acts), so the
 * decisions are the float graph's, ties included.
 *
 * Files.  This header: layout, dispatch, packing and epilogues.  The dot
 * bodies, one file per ISA: tnn_ba_dot__scalar.h (the reference twins),
 * __avx2.h (nibble-table popcount), __avx512.h (VPOPCNTQ), __neon.h (vcnt),
 * __armv7em.h (SWAR byte counts summed by USADA8);
 * tnn_isa.h picks the variant (TNN_BA_*), TNN_NO_SIMD forces scalar.  The
 * layers: tnn_ba_pack.h (first quantizer), tnn_ba_fc.h, tnn_ba_conv.h
 * (+ tnn_ba_conv__scalar.h, __avx512.h), tnn_ba_pool.h. */
#ifndef TNN_TNN_BA_H
#define TNN_TNN_BA_H

#include "tnn_isa.h"
#include "tnn_ba_dot__scalar.h"
#include "tnn_ba_dot__avx2.h"
#include "tnn_ba_dot__avx512.h"
#include "tnn_ba_dot__neon.h"
#include "tnn_ba_dot__armv7em.h"

TNN_INLINE int64_t tnn_ba_count(const uint8_t *ma, const uint8_t *sa,
                                const uint8_t *mw, const uint8_t *sw,
                                int64_t nbytes, int64_t *pm) {
#if defined(TNN_BA_AVX512)
  return tnn_ba_count__avx512(ma, sa, mw, sw, nbytes, pm);
#elif defined(TNN_BA_AVX2)
  return tnn_ba_count__avx2(ma, sa, mw, sw, nbytes, pm);
#elif defined(TNN_BA_NEON)
  return tnn_ba_count__neon(ma, sa, mw, sw, nbytes, pm);
#elif defined(TNN_BA_ARMV7EM)
  return tnn_ba_count__armv7em(ma, sa, mw, sw, nbytes, pm);
#else
  return tnn_ba_count__scalar(ma, sa, mw, sw, nbytes, pm);
#endif
}

/* sum_j a[j] * w[j] over a row of k values: a in `abits` and w in `wbits`
 * packed form (1 or 2), kb = ceil(k / 8). */
TNN_INLINE int64_t tnn_ba_dot(const uint8_t *a, int64_t abits,
                              const uint8_t *w, int64_t wbits, int64_t k,
                              int64_t kb) {
  const uint8_t *ma = abits == 2 ? a : NULL, *sa = abits == 2 ? a + kb : a;
  const uint8_t *mw = wbits == 2 ? w : NULL, *sw = wbits == 2 ? w + kb : w;
  int64_t pm = 0;
  const int64_t px = tnn_ba_count(ma, sa, mw, sw, kb, &pm);
  return (ma || mw ? pm : k) - 2 * px;
}

/* Four dots at once: one activation row (nonzero plane ma, NULL when
 * binary; sign plane sa) against weight rows w + r * wstride, r = 0..3
 * (nonzero then sign plane when wbits is 2, sign plane only when 1), over
 * nbytes bytes of k values.  The row is loaded once for the four; AVX-512
 * keeps the eight popcount sums in registers and reduces once (tails by
 * masked loads).  Elsewhere, four calls of tnn_ba_count. */
TNN_INLINE void tnn_ba_dots4(const uint8_t *ma, const uint8_t *sa,
                             const uint8_t *w, int64_t wstride, int64_t wbits,
                             int64_t nbytes, int64_t k, int64_t *dot) {
#if defined(TNN_BA_AVX512)
  tnn_ba_dots4__avx512(ma, sa, w, wstride, wbits, nbytes, k, dot);
#else
  for (int r = 0; r < 4; r++) {
    const uint8_t *wr = w + r * wstride;
    const uint8_t *mw = wbits == 2 ? wr : NULL, *sw = wbits == 2 ? wr + nbytes : wr;
    int64_t pm = 0;
    const int64_t px = tnn_ba_count(ma, sa, mw, sw, nbytes, &pm);
    dot[r] = (ma || mw ? pm : k) - 2 * px;
  }
#endif
}

/* Eight dots of one row against weight rows w + r * wstride, r < 8. */
TNN_INLINE void tnn_ba_dots8(const uint8_t *ma, const uint8_t *sa,
                             const uint8_t *w, int64_t wstride, int64_t wbits,
                             int64_t nbytes, int64_t k, int64_t *dot) {
#if defined(TNN_BA_AVX512)
  tnn_ba_dots8__avx512(ma, sa, w, wstride, wbits, nbytes, k, dot);
#else
  tnn_ba_dots4(ma, sa, w, wstride, wbits, nbytes, k, dot);
  tnn_ba_dots4(ma, sa, w + 4 * wstride, wstride, wbits, nbytes, k, dot + 4);
#endif
}

/* The packed levels of eight outputs from their dots and thresholds
 * {dir, t0, t1} each: bit l level -1 (the sign byte), bit 8 + l level -1
 * or +1 (the nonzero byte). */
TNN_INLINE unsigned tnn_ba_out8(const int64_t *dot, const int32_t *thr) {
#if defined(TNN_BA_AVX512)
  return tnn_ba_out8__avx512(dot, thr);
#else
  return tnn_ba_out8__scalar(dot, thr);
#endif
}

/* dots of one row against rows m0..m0+n-1 (n <= 4) of w (stride wstride) */
TNN_INLINE void tnn_ba_dots(const uint8_t *ma, const uint8_t *sa,
                            const uint8_t *w, int64_t wstride, int64_t wbits,
                            int64_t nbytes, int64_t k, int64_t n, int64_t *dot) {
  if (n == 4) {
    tnn_ba_dots4(ma, sa, w, wstride, wbits, nbytes, k, dot);
    return;
  }
  for (int64_t r = 0; r < n; r++) {
    const uint8_t *wr = w + r * wstride;
    const uint8_t *mw = wbits == 2 ? wr : NULL, *sw = wbits == 2 ? wr + nbytes : wr;
    int64_t pm = 0;
    const int64_t px = tnn_ba_count(ma, sa, mw, sw, nbytes, &pm);
    dot[r] = (ma || mw ? pm : k) - 2 * px;
  }
}

/* ------------------------------------------------------------- packing */

/* Writes value v in {-1, 0, +1} at position j of a packed row. */
TNN_INLINE void tnn_ba_put(uint8_t *row, int64_t bits, int64_t kb, int64_t j,
                           int v) {
  const uint8_t bit = (uint8_t)(1u << (j & 7));
  if (bits == 2 && v != 0) row[j >> 3] |= bit;
  if (v < 0) row[(bits == 2 ? kb : 0) + (j >> 3)] |= bit;
}

/* Value j of a packed row. */
TNN_INLINE int tnn_ba_get(const uint8_t *row, int64_t bits, int64_t kb,
                          int64_t j) {
  const int s = (row[(bits == 2 ? kb : 0) + (j >> 3)] >> (j & 7)) & 1;
  if (bits == 2 && !((row[j >> 3] >> (j & 7)) & 1)) return 0;
  return s ? -1 : 1;
}

/* t[rows][k] in {-1, 0, +1} -> packed rows (binary: callers pass no 0). */
TNN_INLINE void tnn_ba_pack_rows(const int8_t *t, int64_t rows, int64_t k,
                                 int64_t bits, uint8_t *out) {
  const int64_t kb = (k + 7) / 8;
  memset(out, 0, (size_t)(rows * bits * kb));
  for (int64_t r = 0; r < rows; r++)
    for (int64_t j = 0; j < k; j++)
      tnn_ba_put(out + r * bits * kb, bits, kb, j, t[r * k + j]);
}

/* ------------------------------------------------------------ epilogues */

/* Float output of channel m: dot * scale[m] + bias[m] (two roundings),
 * clamped to [lo, hi]. */
TNN_INLINE float tnn_ba_epilogue(int64_t d, const float *scale, const float *bias,
                                 int64_t m, double lo, double hi) {
  float v = (float)d * scale[m];
  v = v + bias[m];
  return v < (float)lo ? (float)lo : v > (float)hi ? (float)hi : v;
}

/* Packed output of one row or pixel: the level of each channel from its
 * dot and thresholds {dir, t0, t1}, eight channels gathered per byte and
 * stored once per byte and plane (nonzero plane `stride` bytes before the
 * sign plane when bits is 2). */
typedef struct {
  uint8_t *nz, *sg;
  int64_t bits, m;
  unsigned bnz, bsg;
} tnn_ba_out;

TNN_INLINE tnn_ba_out tnn_ba_out_start(uint8_t *row, int64_t bits, int64_t stride,
                                       int64_t m) {
  tnn_ba_out o;
  o.nz = row;
  o.sg = bits == 2 ? row + stride : row;
  o.bits = bits;
  o.m = m;
  o.bnz = o.bsg = 0;
  return o;
}

TNN_INLINE void tnn_ba_out_add(tnn_ba_out *o, const int32_t *thr, int64_t ch,
                               int64_t d) {
  const int64_t v = thr[3 * ch] * d;
  const unsigned neg = v < thr[3 * ch + 1], pos = v >= thr[3 * ch + 2];
  o->bsg |= neg << (ch & 7);                /* level -1 */
  o->bnz |= (neg | pos) << (ch & 7);        /* level -1 or +1 */
  if ((ch & 7) == 7 || ch == o->m - 1) {
    o->sg[ch >> 3] = (uint8_t)o->bsg;
    if (o->bits == 2) o->nz[ch >> 3] = (uint8_t)o->bnz;
    o->bnz = o->bsg = 0;
  }
}

/* ------------------------------------------------------------- layers */

/* The 8x8 bit matrix in x (byte r = row r, bit c = column c) transposed. */
TNN_INLINE uint64_t tnn_ba_transpose8(uint64_t x) {
  uint64_t t = (x ^ (x >> 7)) & 0x00aa00aa00aa00aaull;
  x = x ^ t ^ (t << 7);
  t = (x ^ (x >> 14)) & 0x0000cccc0000ccccull;
  x = x ^ t ^ (t << 14);
  t = (x ^ (x >> 28)) & 0x00000000f0f0f0f0ull;
  return x ^ t ^ (t << 28);
}

#endif
