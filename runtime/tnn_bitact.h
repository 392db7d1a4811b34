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
 * bias[m] (two roundings, as the float kernels of tnn_bitw.h), clamped to
 * [lo, hi]; or goes straight to the next layer's packed input through
 * per-channel integer thresholds: thr[m] = {dir, t0, t1} with t0 <= t1,
 * v = dir * dot, level = -1 + (v >= t0) + (v >= t1), which tnnc derives from the float
 * epilogue and the quantizer that followed it (pass quant-acts), so the
 * decisions are the float graph's, ties included.
 *
 * Variants: tnn_ba_count_ref (scalar reference, portable C), AVX-512 with
 * VPOPCNTDQ, AVX2 (nibble-table popcount), NEON (vcnt); tnn_ba_count picks
 * the best one compiled in unless TNN_NO_SIMD is defined. */

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
TNN_INLINE int64_t tnn_ba_count_ref(const uint8_t *ma, const uint8_t *sa,
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

#if defined(TNN_BA_AVX512)
TNN_INLINE int64_t tnn_ba_count_simd(const uint8_t *ma, const uint8_t *sa,
                                     const uint8_t *mw, const uint8_t *sw,
                                     int64_t nbytes, int64_t *pm) {
  __m512i cm = _mm512_setzero_si512(), cx = _mm512_setzero_si512();
  const __m512i ones = _mm512_set1_epi64(-1);
  int64_t j = 0;
  for (; j + 64 <= nbytes; j += 64) {
    __m512i m = ma ? _mm512_loadu_si512((const void *)(ma + j)) : ones;
    if (mw) m = _mm512_and_si512(m, _mm512_loadu_si512((const void *)(mw + j)));
    const __m512i x = _mm512_xor_si512(_mm512_loadu_si512((const void *)(sa + j)),
                                       _mm512_loadu_si512((const void *)(sw + j)));
    cm = _mm512_add_epi64(cm, _mm512_popcnt_epi64(m));
    cx = _mm512_add_epi64(cx, _mm512_popcnt_epi64(_mm512_and_si512(m, x)));
  }
  int64_t tm = 0;
  int64_t tx = tnn_ba_count_ref(ma ? ma + j : NULL, sa + j, mw ? mw + j : NULL,
                                sw + j, nbytes - j, &tm);
  *pm = _mm512_reduce_add_epi64(cm) + tm;
  return _mm512_reduce_add_epi64(cx) + tx;
}
#elif defined(TNN_BA_AVX2)
/* popcount of each byte by two 16-entry table lookups, summed per 64-bit
 * lane with vpsadbw */
TNN_INLINE __m256i tnn_ba_pc256(__m256i v) {
  const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3,
                                       3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3,
                                       2, 3, 3, 4);
  const __m256i low = _mm256_set1_epi8(0x0f);
  const __m256i lo = _mm256_shuffle_epi8(lut, _mm256_and_si256(v, low));
  const __m256i hi =
      _mm256_shuffle_epi8(lut, _mm256_and_si256(_mm256_srli_epi16(v, 4), low));
  return _mm256_sad_epu8(_mm256_add_epi8(lo, hi), _mm256_setzero_si256());
}

TNN_INLINE int64_t tnn_ba_hsum256(__m256i v) {
  const __m128i s = _mm_add_epi64(_mm256_castsi256_si128(v),
                                  _mm256_extracti128_si256(v, 1));
  return _mm_cvtsi128_si64(s) + _mm_extract_epi64(s, 1);
}

TNN_INLINE int64_t tnn_ba_count_simd(const uint8_t *ma, const uint8_t *sa,
                                     const uint8_t *mw, const uint8_t *sw,
                                     int64_t nbytes, int64_t *pm) {
  __m256i cm = _mm256_setzero_si256(), cx = _mm256_setzero_si256();
  const __m256i ones = _mm256_set1_epi64x(-1);
  int64_t j = 0;
  for (; j + 32 <= nbytes; j += 32) {
    __m256i m = ma ? _mm256_loadu_si256((const __m256i *)(ma + j)) : ones;
    if (mw) m = _mm256_and_si256(m, _mm256_loadu_si256((const __m256i *)(mw + j)));
    const __m256i x =
        _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(sa + j)),
                         _mm256_loadu_si256((const __m256i *)(sw + j)));
    if (ma || mw) cm = _mm256_add_epi64(cm, tnn_ba_pc256(m));
    cx = _mm256_add_epi64(cx, tnn_ba_pc256(_mm256_and_si256(m, x)));
  }
  int64_t tm = 0;
  int64_t tx = tnn_ba_count_ref(ma ? ma + j : NULL, sa + j, mw ? mw + j : NULL,
                                sw + j, nbytes - j, &tm);
  *pm = (ma || mw ? tnn_ba_hsum256(cm) : 8 * j) + tm;
  return tnn_ba_hsum256(cx) + tx;
}
#elif defined(TNN_BA_NEON)
TNN_INLINE int64_t tnn_ba_count_simd(const uint8_t *ma, const uint8_t *sa,
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
  int64_t tx = tnn_ba_count_ref(ma ? ma + j : NULL, sa + j, mw ? mw + j : NULL,
                                sw + j, nbytes - j, &tm);
  *pm = (int64_t)(vgetq_lane_u64(cm, 0) + vgetq_lane_u64(cm, 1)) + tm;
  return (int64_t)(vgetq_lane_u64(cx, 0) + vgetq_lane_u64(cx, 1)) + tx;
}
#endif

TNN_INLINE int64_t tnn_ba_count(const uint8_t *ma, const uint8_t *sa,
                                const uint8_t *mw, const uint8_t *sw,
                                int64_t nbytes, int64_t *pm) {
#if defined(TNN_BA_AVX512) || defined(TNN_BA_AVX2) || defined(TNN_BA_NEON)
  return tnn_ba_count_simd(ma, sa, mw, sw, nbytes, pm);
#else
  return tnn_ba_count_ref(ma, sa, mw, sw, nbytes, pm);
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
#if defined(TNN_BA_AVX512)
TNN_INLINE void tnn_ba_dots4(const uint8_t *ma, const uint8_t *sa,
                             const uint8_t *w, int64_t wstride, int64_t wbits,
                             int64_t nbytes, int64_t k, int64_t *dot) {
  __m512i cx0 = _mm512_setzero_si512(), cx1 = cx0, cx2 = cx0, cx3 = cx0;
  __m512i cm0 = cx0, cm1 = cx0, cm2 = cx0, cm3 = cx0, ca = cx0;
  const uint8_t *s0 = w + (wbits == 2 ? nbytes : 0), *s1 = s0 + wstride;
  const uint8_t *s2 = s1 + wstride, *s3 = s2 + wstride;
  const uint8_t *m0 = w, *m1 = w + wstride, *m2 = m1 + wstride, *m3 = m2 + wstride;
  for (int64_t j = 0; j < nbytes; j += 64) {
    const __mmask64 lm = nbytes - j >= 64 ? ~(__mmask64)0
                                          : (((__mmask64)1 << (nbytes - j)) - 1);
    const __m512i as = _mm512_maskz_loadu_epi8(lm, sa + j);
    __m512i x0 = _mm512_xor_si512(as, _mm512_maskz_loadu_epi8(lm, s0 + j));
    __m512i x1 = _mm512_xor_si512(as, _mm512_maskz_loadu_epi8(lm, s1 + j));
    __m512i x2 = _mm512_xor_si512(as, _mm512_maskz_loadu_epi8(lm, s2 + j));
    __m512i x3 = _mm512_xor_si512(as, _mm512_maskz_loadu_epi8(lm, s3 + j));
    if (wbits == 2) {
      __m512i n0 = _mm512_maskz_loadu_epi8(lm, m0 + j);
      __m512i n1 = _mm512_maskz_loadu_epi8(lm, m1 + j);
      __m512i n2 = _mm512_maskz_loadu_epi8(lm, m2 + j);
      __m512i n3 = _mm512_maskz_loadu_epi8(lm, m3 + j);
      if (ma) {
        const __m512i am = _mm512_maskz_loadu_epi8(lm, ma + j);
        n0 = _mm512_and_si512(n0, am);
        n1 = _mm512_and_si512(n1, am);
        n2 = _mm512_and_si512(n2, am);
        n3 = _mm512_and_si512(n3, am);
      }
      cm0 = _mm512_add_epi64(cm0, _mm512_popcnt_epi64(n0));
      cm1 = _mm512_add_epi64(cm1, _mm512_popcnt_epi64(n1));
      cm2 = _mm512_add_epi64(cm2, _mm512_popcnt_epi64(n2));
      cm3 = _mm512_add_epi64(cm3, _mm512_popcnt_epi64(n3));
      x0 = _mm512_and_si512(x0, n0);
      x1 = _mm512_and_si512(x1, n1);
      x2 = _mm512_and_si512(x2, n2);
      x3 = _mm512_and_si512(x3, n3);
    } else if (ma) {
      const __m512i am = _mm512_maskz_loadu_epi8(lm, ma + j);
      ca = _mm512_add_epi64(ca, _mm512_popcnt_epi64(am));
      x0 = _mm512_and_si512(x0, am);
      x1 = _mm512_and_si512(x1, am);
      x2 = _mm512_and_si512(x2, am);
      x3 = _mm512_and_si512(x3, am);
    }
    cx0 = _mm512_add_epi64(cx0, _mm512_popcnt_epi64(x0));
    cx1 = _mm512_add_epi64(cx1, _mm512_popcnt_epi64(x1));
    cx2 = _mm512_add_epi64(cx2, _mm512_popcnt_epi64(x2));
    cx3 = _mm512_add_epi64(cx3, _mm512_popcnt_epi64(x3));
  }
  /* dot = M - 2 X per row, summed over the 8 lanes of each accumulator
   * with one transposing reduction for the four rows */
  const __m512i two = _mm512_set1_epi64(2);
  if (wbits == 2) {
    cx0 = _mm512_sub_epi64(cm0, _mm512_mullo_epi64(cx0, two));
    cx1 = _mm512_sub_epi64(cm1, _mm512_mullo_epi64(cx1, two));
    cx2 = _mm512_sub_epi64(cm2, _mm512_mullo_epi64(cx2, two));
    cx3 = _mm512_sub_epi64(cm3, _mm512_mullo_epi64(cx3, two));
  } else {
    const __m512i base = ma ? ca : _mm512_setzero_si512();
    cx0 = _mm512_sub_epi64(base, _mm512_slli_epi64(cx0, 1));
    cx1 = _mm512_sub_epi64(base, _mm512_slli_epi64(cx1, 1));
    cx2 = _mm512_sub_epi64(base, _mm512_slli_epi64(cx2, 1));
    cx3 = _mm512_sub_epi64(base, _mm512_slli_epi64(cx3, 1));
  }
  /* lanes: t01 = {r0 r1 r0 r1 ...} pair sums, t23 likewise */
  const __m512i t01 = _mm512_add_epi64(_mm512_unpacklo_epi64(cx0, cx1),
                                       _mm512_unpackhi_epi64(cx0, cx1));
  const __m512i t23 = _mm512_add_epi64(_mm512_unpacklo_epi64(cx2, cx3),
                                       _mm512_unpackhi_epi64(cx2, cx3));
  /* u blocks: [t01 0+1, t01 2+3, t23 0+1, t23 2+3], then each pair of
   * blocks summed: lanes 0, 1 = rows 0, 1 and lanes 4, 5 = rows 2, 3 */
  __m512i u = _mm512_add_epi64(_mm512_shuffle_i64x2(t01, t23, 0x88),
                               _mm512_shuffle_i64x2(t01, t23, 0xdd));
  u = _mm512_add_epi64(u, _mm512_shuffle_i64x2(u, u, 0xb1));
  int64_t r[8];
  _mm512_storeu_si512((void *)r, u);
  r[2] = r[4];
  r[3] = r[5];
  const int64_t kk = ma ? 0 : k;
  dot[0] = r[0] + (wbits == 2 ? 0 : kk);
  dot[1] = r[1] + (wbits == 2 ? 0 : kk);
  dot[2] = r[2] + (wbits == 2 ? 0 : kk);
  dot[3] = r[3] + (wbits == 2 ? 0 : kk);
}
#else
TNN_INLINE void tnn_ba_dots4(const uint8_t *ma, const uint8_t *sa,
                             const uint8_t *w, int64_t wstride, int64_t wbits,
                             int64_t nbytes, int64_t k, int64_t *dot) {
  for (int r = 0; r < 4; r++) {
    const uint8_t *wr = w + r * wstride;
    const uint8_t *mw = wbits == 2 ? wr : NULL, *sw = wbits == 2 ? wr + nbytes : wr;
    int64_t pm = 0;
    const int64_t px = tnn_ba_count(ma, sa, mw, sw, nbytes, &pm);
    dot[r] = (ma || mw ? pm : k) - 2 * px;
  }
}
#endif

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

/* The first quantizer: float x seen as [outer][c][inner]; value = -1 + (x
 * >= t0) + (x >= t1) with thresholds thr[c][2] (thr[0][2] for all channels
 * when global; a NaN threshold is never reached).  pixels 0: each outer
 * index is one packed row of c * inner values (for fully connected layers);
 * pixels 1: each outer index is an image of `inner` pixels with c channels,
 * written as [bits][inner][cb] (for convolutions). */
TNN_INLINE int tnn_f32_bapack(const void *vp, const void *const *in,
                              void *const *out) {
  const tnn_bapack_params *p = (const tnn_bapack_params *)vp;
  const float *x = (const float *)in[0], *thr = (const float *)in[1];
  uint8_t *y = (uint8_t *)out[0];
  const int64_t cb = (p->c + 7) / 8, kb = (p->c * p->inner + 7) / 8;
  const int64_t per = p->pixels ? p->bits * p->inner * cb : p->bits * kb;
  memset(y, 0, (size_t)(p->outer * per));
  if (p->pixels) {
    /* pixel by pixel, eight channels per byte built in registers */
    for (int64_t o = 0; o < p->outer; o++) {
      uint8_t *img = y + o * per;
      const float *xo = x + o * p->c * p->inner;
      /* the pixels [0, i0) go eight at a time (SIMD), the rest one by one */
      int64_t i0 = 0;
#if defined(TNN_CONV_AVX2)
      if (p->c % 8 == 0) i0 = p->inner / 8 * 8;
      /* eight pixels by eight channels: per channel one compare of eight
       * pixels gives a byte of pixel bits; the 8x8 bit transpose turns the
       * eight channel bytes into eight pixel bytes */
      for (int64_t iv = 0; iv < i0; iv += 8)
          for (int64_t c0 = 0; c0 < p->c; c0 += 8) {
            uint64_t ge0 = 0, ge1 = 0;
            for (int64_t j = 0; j < 8; j++) {
              const int64_t c = c0 + j;
              const __m256 v = _mm256_loadu_ps(xo + c * p->inner + iv);
              const __m256 t0 = _mm256_set1_ps(thr[p->global ? 0 : 2 * c]);
              const __m256 t1 = _mm256_set1_ps(thr[p->global ? 1 : 2 * c + 1]);
              ge0 |= (uint64_t)_mm256_movemask_ps(_mm256_cmp_ps(v, t0, _CMP_GE_OQ)) << (8 * j);
              ge1 |= (uint64_t)_mm256_movemask_ps(_mm256_cmp_ps(v, t1, _CMP_GE_OQ)) << (8 * j);
            }
            const uint64_t sg = tnn_ba_transpose8(~ge0);      /* level -1 */
            const uint64_t nz = tnn_ba_transpose8(ge1 | ~ge0);
            for (int64_t i = 0; i < 8; i++) {
              uint8_t *px = img + (iv + i) * cb + c0 / 8;
              if (p->bits == 2) {
                px[0] = (uint8_t)(nz >> (8 * i));
                px[p->inner * cb] = (uint8_t)(sg >> (8 * i));
              } else {
                px[0] = (uint8_t)(sg >> (8 * i));
              }
            }
          }
#endif
      for (int64_t i = i0; i < p->inner; i++) {
        uint8_t *px = img + i * cb;
        for (int64_t c0 = 0; c0 < p->c; c0 += 8) {
          unsigned nz = 0, sg = 0;
          const int64_t n8 = p->c - c0 < 8 ? p->c - c0 : 8;
          for (int64_t j = 0; j < n8; j++) {
            const int64_t c = c0 + j;
            const float t0 = thr[p->global ? 0 : 2 * c];
            const float t1 = thr[p->global ? 1 : 2 * c + 1];
            const float v = xo[c * p->inner + i];
            sg |= (unsigned)!(v >= t0) << j;          /* level -1 */
            nz |= (unsigned)((v >= t1) | !(v >= t0)) << j;
          }
          if (p->bits == 2) {
            px[c0 / 8] = (uint8_t)nz;
            px[p->inner * cb + c0 / 8] = (uint8_t)sg;
          } else {
            px[c0 / 8] = (uint8_t)sg;
          }
        }
      }
    }
    return TNN_OK;
  }
  for (int64_t o = 0; o < p->outer; o++) {
    uint8_t *img = y + o * per;
    for (int64_t c = 0; c < p->c; c++) {
      const float t0 = thr[p->global ? 0 : 2 * c];
      const float t1 = thr[p->global ? 1 : 2 * c + 1];
      for (int64_t i = 0; i < p->inner; i++) {
        const float v = x[(o * p->c + c) * p->inner + i];
        const int l = -1 + (v >= t0) + (v >= t1);
        if (p->pixels)
          tnn_ba_put(img + i * cb, p->bits, p->inner * cb, c, l);
        else
          tnn_ba_put(img, p->bits, kb, c * p->inner + i, l);
      }
    }
  }
  return TNN_OK;
}

/* Fully connected on packed rows: x [n][abits*kb], w [m][wbits*kb].
 * obits 0: y float [n][m] = dot * scale[m] + bias[m] clamped to [lo, hi]
 * (in[2] scale, in[3] bias); obits 1 or 2: y packed [n][obits*ceil(m/8)]
 * through thresholds in[2] = int32 thr[m][3]. */
TNN_INLINE int tnn_x_bafc(const void *vp, const void *const *in,
                          void *const *out) {
  const tnn_bafc_params *p = (const tnn_bafc_params *)vp;
  const uint8_t *x = (const uint8_t *)in[0], *w = (const uint8_t *)in[1];
  const int64_t kb = (p->k + 7) / 8, mb = (p->m + 7) / 8;
  int64_t dots[4];
  for (int64_t i = 0; i < p->n; i++) {
    const uint8_t *xr = x + i * p->abits * kb;
    tnn_ba_out o = tnn_ba_out_start((uint8_t *)out[0] + i * p->obits * mb, p->obits,
                                    mb, p->m);
    for (int64_t m = 0; m < p->m; m++) {
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

/* Conv weights.  Row layout: per output channel, per plane, the kh*kw
 * taps each of cb bytes, [m][bits][kh*kw*cb].  Blocked layout, for
 * convolutions with c % 64 == 0 and m % 8 == 0: eight output channels side
 * by side per 64-channel word, [m/8][bits][kh*kw][c/64][8][8 bytes], so one
 * 512-bit load gives the same word of eight channels (tnn_x_baconv's
 * register-blocked path).  Both are byte permutations of the same bits. */
TNN_INLINE int tnn_ba_conv_blocked(int64_t c, int64_t m) {
  return c % 64 == 0 && m % 8 == 0;
}

/* Zero columns the padded copy of an image needs right of the image. */
TNN_INLINE int64_t tnn_ba_conv_pad_right(const tnn_baconv_params *p) {
  const int64_t pr = (p->ow - 1) * p->sw - p->pl + (p->kw - 1) * p->dw - (p->w - 1);
  return pr < 0 ? 0 : pr;
}

/* Patch bytes per plane (kh*kw*cb) the packed convolution takes; tnnc
 * keeps larger convolutions on the float-activation kernels. */
#define TNN_BA_MAX_PATCH 4096
/* The padded-image path takes rows with at most this many border columns. */
#define TNN_BA_PAD_COLS 16

/* The packed convolution's workspace (out[1], p->scratch bytes, 8-byte
 * aligned), sized for the layer so that the kernel's stack stays small.
 * Row layout: the patch gathered per output pixel, nonzero then sign plane
 * of kh*kw*cb bytes each.  Blocked layout: int64_t tables, then the image
 * padded left and right with zero words (tnn_x_baconv_padded):
 *   toff, tkx, ttap   per tap of a row (kh*kw): word offset, column, index
 *   etoff, ettap      the same for the taps inside one border pixel's window
 *   wl, ewl           per word of the patch (kh*kw*c/64): its activation
 *                     word and weight byte offsets (tnn_ba_grp), for a row
 *                     and for a border pixel
 *   pcm, pcx          per tap and lane: the weights' nonzero and sign counts
 *   fixc, fix         per border column / pixel of a group and lane: what
 *                     the zero words of the padded image add
 * Without room for the padded image the kernel leaves padding taps out per
 * pixel instead (slower); without room for the tables it returns
 * TNN_E_ARG. */
typedef struct {
  int64_t *toff, *tkx, *ttap, *etoff, *ettap, *wl, *ewl;
  int64_t *pcm, *pcx, *fixc, *fix;
} tnn_ba_tabs;

/* Bytes of the blocked layout's tables; with t and a workspace s, carves
 * them out of s. */
TNN_INLINE int64_t tnn_ba_conv_tabs(const tnn_baconv_params *p, void *s, tnn_ba_tabs *t) {
  const int64_t taps = p->kh * p->kw;
  const int64_t nw = taps * (p->c / 64);
  int64_t n = 0;
#define TNN_BA_TAB(f, len)                                                    \
  if (t) t->f = s ? (int64_t *)s + n : NULL;                                  \
  n += (len);
  TNN_BA_TAB(toff, taps) TNN_BA_TAB(tkx, taps) TNN_BA_TAB(ttap, taps)
  TNN_BA_TAB(etoff, taps) TNN_BA_TAB(ettap, taps)
  TNN_BA_TAB(wl, 2 * nw) TNN_BA_TAB(ewl, 2 * nw)
  TNN_BA_TAB(pcm, 8 * taps) TNN_BA_TAB(pcx, 8 * taps)
  TNN_BA_TAB(fixc, 8 * TNN_BA_PAD_COLS) TNN_BA_TAB(fix, 64)
#undef TNN_BA_TAB
  return 8 * n;
}

/* Bytes of workspace the kernel cannot run without: the tables, or the
 * patch of the row layout. */
TNN_INLINE int64_t tnn_ba_conv_tables(const tnn_baconv_params *p) {
  if (tnn_ba_conv_blocked(p->c, p->m)) return tnn_ba_conv_tabs(p, NULL, NULL);
  return (2 * p->kh * p->kw * ((p->c + 7) / 8) + 7) / 8 * 8;
}

/* Bytes of one plane of the padded image copy. */
TNN_INLINE int64_t tnn_ba_conv_pad_plane(const tnn_baconv_params *p) {
  return p->h * (p->pl + p->w + tnn_ba_conv_pad_right(p)) * (p->c / 8);
}

/* Bytes of workspace tnnc plans for the packed convolution (out[1]): the
 * tables, and for the blocked layout the padded image copy. */
TNN_INLINE int64_t tnn_ba_conv_scratch(const tnn_baconv_params *p) {
  const int64_t tabs = tnn_ba_conv_tables(p);
  if (!tnn_ba_conv_blocked(p->c, p->m)) return tabs;
  return tabs + p->abits * tnn_ba_conv_pad_plane(p);
}

/* Along one axis (pad, stride s, k taps dilated by d, n inputs, count
 * outputs): the outputs [*lo, *hi) whose every tap lies inside the input. */
TNN_INLINE void tnn_ba_inner(int64_t pad, int64_t s, int64_t k, int64_t d, int64_t n,
                             int64_t count, int64_t *lo, int64_t *hi) {
  int64_t first_hi, last_lo;
  tnn_nn_range(-pad, s, n, count, lo, &first_hi);
  tnn_nn_range(-pad + (k - 1) * d, s, n, count, &last_lo, hi);
  if (*lo > *hi) *lo = *hi;
}

/* Byte of channel ch, tap `tap`, plane `plane` of output channel o. */
TNN_INLINE int64_t tnn_ba_conv_wbyte(int64_t o, int64_t plane, int64_t tap,
                                     int64_t ch, int64_t c, int64_t m,
                                     int64_t taps, int64_t bits) {
  if (!tnn_ba_conv_blocked(c, m))
    return ((o * bits + plane) * taps + tap) * ((c + 7) / 8) + ch / 8;
  return (((((o / 8) * bits + plane) * taps + tap) * (c / 64) + ch / 64) * 8 + o % 8) * 8 +
         (ch % 64) / 8;
}

/* Conv weights t[m][c][kh][kw] in {-1, 0, +1} -> packed (layout above). */
TNN_INLINE void tnn_ba_pack_conv(const int8_t *t, int64_t m, int64_t c,
                                 int64_t kh, int64_t kw, int64_t bits,
                                 uint8_t *out) {
  const int64_t cb = (c + 7) / 8, taps = kh * kw;
  memset(out, 0, (size_t)(m * bits * taps * cb));
  for (int64_t o = 0; o < m; o++)
    for (int64_t ch = 0; ch < c; ch++)
      for (int64_t tap = 0; tap < taps; tap++) {
        const int v = t[(o * c + ch) * taps + tap];
        const uint8_t bit = (uint8_t)(1u << (ch & 7));
        if (bits == 2 && v != 0)
          out[tnn_ba_conv_wbyte(o, 0, tap, ch, c, m, taps, bits)] |= bit;
        if (v < 0) out[tnn_ba_conv_wbyte(o, bits - 1, tap, ch, c, m, taps, bits)] |= bit;
      }
}

/* Small copies and fills of n bytes, by words when n is a multiple of 8
 * (channels in multiples of 64), without a library call per tap. */
TNN_INLINE void tnn_ba_copy(uint8_t *d, const uint8_t *s, int64_t n) {
  if (n % 8 == 0) {
    for (int64_t i = 0; i < n; i += 8) memcpy(d + i, s + i, 8);
  } else {
    for (int64_t i = 0; i < n; i++) d[i] = s[i];
  }
}

TNN_INLINE void tnn_ba_fill(uint8_t *d, int v, int64_t n) {
  for (int64_t i = 0; i < n; i++) d[i] = (uint8_t)v;
}

/* ------------------------------------------------ blocked convolution */

/* One group of output pixels of a row against one block of eight output
 * channels (blocked layout): the words of the window taps inside the image
 * as a list of pairs, wl[2i] the offset of word i from a pixel's base word
 * and wl[2i+1] the byte offset of its eight weight words (one table: one
 * register fewer in the loops below); image planes anz (NULL when
 * binary) and asg as [pixels][cw] words, weight planes wnz (NULL when
 * binary) and wsg of the block as [taps*cw][8] words. */
typedef struct {
  const uint8_t *anz, *asg, *wnz, *wsg;
  const int64_t *wl;
  int64_t nw;
} tnn_ba_grp;

/* The taps of output row oy's windows whose rows lie inside the image, in
 * an image of rows `rowlen` pixels of cw words: per tap its word offset
 * toff[t] from a pixel's base word, its kernel column tkx[t] and its index
 * ttap[t] (ky * kw + kx); returns their count. */
TNN_INLINE int64_t tnn_ba_row_taps(const tnn_baconv_params *p, int64_t oy, int64_t rowlen,
                                   int64_t cw, int64_t *toff, int64_t *tkx, int64_t *ttap) {
  int64_t nt = 0;
  for (int64_t ky = 0; ky < p->kh; ky++) {
    const int64_t iy = oy * p->sh - p->pt + ky * p->dh;
    if (iy < 0 || iy >= p->h) continue;
    for (int64_t kx = 0; kx < p->kw; kx++) {
      toff[nt] = (ky * p->dh * rowlen + kx * p->dw) * cw;
      tkx[nt] = kx;
      ttap[nt++] = ky * p->kw + kx;
    }
  }
  return nt;
}

/* The word list wl of taps t < nt (word offset toff[t] in the image, index
 * ttap[t] in the weights) of cw words each; returns its length. */
TNN_INLINE int64_t tnn_ba_words(const int64_t *toff, const int64_t *ttap, int64_t nt,
                                int64_t cw, int64_t *wl) {
  int64_t n = 0;
  for (int64_t t = 0; t < nt; t++)
    for (int64_t j = 0; j < cw; j++) {
      wl[2 * n] = toff[t] + j;
      wl[2 * n++ + 1] = (ttap[t] * cw + j) * 64;
    }
  return n;
}

/* The epilogue of one block of eight output channels: packed (obits 1, 2)
 * through thresholds, pixel o's byte at y8[o * mb] (its sign plane ohw * mb
 * further when obits is 2); or float, channel l of pixel o at yf[l * ohw +
 * o], dot * scale[l] + bias[l] clamped to [lo, hi], plus res[l * ohw + o]
 * when there is a residual (an Add fused by pass fuse-residual). */
typedef struct {
  int64_t obits, ohw, mb;
  uint8_t *y8;
  float *yf;
  const float *res, *scale, *bias;
  const int32_t *thr;
  double lo, hi;
  int64_t t0[8], t1[8];       /* thresholds, and dneg: the channels whose */
  unsigned dneg;              /* direction is -1 (bit l) */
} tnn_ba_epi;

TNN_INLINE void tnn_ba_epi_block(tnn_ba_epi *e, const tnn_baconv_params *p,
                                 const void *const *in, void *const *out, int64_t b,
                                 int64_t m0) {
  e->obits = p->obits;
  e->ohw = p->oh * p->ow;
  e->mb = p->m / 8;
  e->lo = p->lo;
  e->hi = p->hi;
  e->dneg = 0;
  e->y8 = NULL;
  e->yf = NULL;
  e->res = NULL;
  e->scale = e->bias = NULL;
  e->thr = NULL;
  if (p->obits) {
    e->y8 = (uint8_t *)out[0] + b * p->obits * e->ohw * e->mb + m0 / 8;
    e->thr = (const int32_t *)in[2] + 3 * m0;
    for (int l = 0; l < 8; l++) {
      e->dneg |= (unsigned)(e->thr[3 * l] < 0) << l;
      e->t0[l] = e->thr[3 * l + 1];
      e->t1[l] = e->thr[3 * l + 2];
    }
  } else {
    e->yf = (float *)out[0] + (b * p->m + m0) * e->ohw;
    e->scale = (const float *)in[2] + m0;
    e->bias = (const float *)in[3] + m0;
    if (p->res) e->res = (const float *)in[4] + (b * p->m + m0) * e->ohw;
  }
}

/* The outputs of pixel o from its eight dots (portable). */
TNN_INLINE void tnn_ba_epi_put(const tnn_ba_epi *e, int64_t o, const int64_t *dot) {
  if (e->obits == 0) {
    for (int l = 0; l < 8; l++) {
      float v = tnn_ba_epilogue(dot[l], e->scale, e->bias, l, e->lo, e->hi);
      if (e->res) v = v + e->res[l * e->ohw + o];
      e->yf[l * e->ohw + o] = v;
    }
    return;
  }
  tnn_ba_out ob = tnn_ba_out_start(e->y8 + o * e->mb, e->obits, e->ohw * e->mb, 8);
  for (int l = 0; l < 8; l++) tnn_ba_out_add(&ob, e->thr, l, dot[l]);
}

/* Scalar reference: dot[8] of the pixel whose base word is `base`. */
TNN_INLINE void tnn_ba_grp_ref(const tnn_ba_grp *g, int64_t base, int64_t *dot) {
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

/* The group kernels are inlined into their loops (the callers' tables and
 * epilogue stay in registers). */
#if defined(__GNUC__)
#define TNN_BA_ALWAYS static inline __attribute__((always_inline, unused))
#else
#define TNN_BA_ALWAYS static inline
#endif

#if defined(TNN_BA_AVX512)

#if defined(__AVX512DQ__)
/* Float outputs of 8 consecutive pixels o0.. from their dot vectors (the
 * eight channels in the lanes): converted, scaled, shifted and clamped as
 * tnn_ba_epilogue does, transposed to eight rows of eight pixels, plus the
 * residual, and stored one row per channel. */
TNN_INLINE void tnn_ba_epi_float8(const tnn_ba_epi *e, int64_t o0, const __m512i *d) {
  const __m256 sc = _mm256_loadu_ps(e->scale), bi = _mm256_loadu_ps(e->bias);
  const __m256 lo = _mm256_set1_ps((float)e->lo), hi = _mm256_set1_ps((float)e->hi);
  __m256 r[8];
  for (int i = 0; i < 8; i++) {
    __m256 v = _mm256_add_ps(_mm256_mul_ps(_mm512_cvtepi64_ps(d[i]), sc), bi);
    v = _mm256_blendv_ps(v, lo, _mm256_cmp_ps(v, lo, _CMP_LT_OQ));
    r[i] = _mm256_blendv_ps(v, hi, _mm256_cmp_ps(v, hi, _CMP_GT_OQ));
  }
  const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
  const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
  const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
  const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
  const __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xee);
  const __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xee);
  const __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xee);
  const __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xee);
  __m256 c[8];
  c[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
  c[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
  c[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
  c[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
  c[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
  c[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
  c[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
  c[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
  for (int l = 0; l < 8; l++) {
    __m256 v = c[l];
    if (e->res) v = _mm256_add_ps(v, _mm256_loadu_ps(e->res + l * e->ohw + o0));
    _mm256_storeu_ps(e->yf + l * e->ohw + o0, v);
  }
}
#endif

/* Outputs of R pixels o0.. from their dot vectors: packed by vector
 * compares, eight channels to a byte; float eight pixels at a time when
 * R is 8 (and AVX512DQ converts), else through tnn_ba_epi_put. */
TNN_BA_ALWAYS void tnn_ba_epi_vec(const tnn_ba_epi *e, int64_t o0, __m512i *d, int R) {
  if (e->obits) {
    const __m512i z = _mm512_setzero_si512();
    const __m512i t0 = _mm512_loadu_si512((const void *)e->t0);
    const __m512i t1 = _mm512_loadu_si512((const void *)e->t1);
    for (int i = 0; i < R; i++) {
      const __m512i v = _mm512_mask_sub_epi64(d[i], (__mmask8)e->dneg, z, d[i]);
      const __mmask8 sg = _mm512_cmplt_epi64_mask(v, t0);
      const __mmask8 nz = (__mmask8)(sg | _mm512_cmpge_epi64_mask(v, t1));
      uint8_t *y = e->y8 + (o0 + i) * e->mb;
      if (e->obits == 2) {
        y[0] = (uint8_t)nz;
        y[e->ohw * e->mb] = (uint8_t)sg;
      } else {
        y[0] = (uint8_t)sg;
      }
    }
    return;
  }
#if defined(__AVX512DQ__)
  if (R == 8) {
    tnn_ba_epi_float8(e, o0, d);
    return;
  }
#endif
  int64_t dot[8];
  for (int i = 0; i < R; i++) {
    _mm512_storeu_si512((void *)dot, d[i]);
    tnn_ba_epi_put(e, o0 + i, dot);
  }
}

/* AVX-512: the group's R pixels (base words base + r * step) at once, the
 * eight channels in the lanes; per word one load of the weights, per
 * pixel one broadcast of its activation word, XOR (or one ternary-logic
 * AND-XOR), VPOPCNTQ and an add, sums in registers, then the epilogue of
 * pixels o0.. (fix: per pixel eight counts to add first, or NULL).  kind:
 * bit 0 ternary weights, bit 1 ternary activations; with binary
 * activations the nonzero count is the weights' own (one per group), with
 * ternary ones ANDed per pixel. */
#define TNN_BA_L1(X) X(0)
#define TNN_BA_L2(X) X(0) X(1)
#define TNN_BA_L4(X) X(0) X(1) X(2) X(3)
#define TNN_BA_L8(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#define TNN_BA_DECL(r)                                                        \
  __m512i cx##r = z, cm##r = z;                                               \
  int64_t cs##r = 0;                                                          \
  const uint8_t *ps##r = g->asg + pb[r] * 8;                                  \
  const uint8_t *pn##r = kind & 2 ? g->anz + pb[r] * 8 : ps##r;
#define TNN_BA_STEP(r)                                                        \
  {                                                                           \
    const __m512i sa = _mm512_set1_epi64((long long)tnn_ba_word(ps##r + ai, 8)); \
    if (kind == 0) {                                                          \
      cx##r = _mm512_add_epi64(cx##r, _mm512_popcnt_epi64(_mm512_xor_si512(sa, wsv))); \
    } else if (kind == 1) {                                                   \
      cx##r = _mm512_add_epi64(                                               \
          cx##r, _mm512_popcnt_epi64(_mm512_ternarylogic_epi64(wnv, sa, wsv, 0x60))); \
    } else {                                                                  \
      const uint64_t ma = tnn_ba_word(pn##r + ai, 8);                         \
      const __m512i mav = _mm512_set1_epi64((long long)ma);                   \
      if (kind == 2) {                                                        \
        cs##r += tnn_popcount64(ma);                                          \
        cx##r = _mm512_add_epi64(                                             \
            cx##r, _mm512_popcnt_epi64(_mm512_ternarylogic_epi64(mav, sa, wsv, 0x60))); \
      } else {                                                                \
        const __m512i mm = _mm512_and_si512(mav, wnv);                        \
        cm##r = _mm512_add_epi64(cm##r, _mm512_popcnt_epi64(mm));             \
        cx##r = _mm512_add_epi64(                                             \
            cx##r, _mm512_popcnt_epi64(_mm512_ternarylogic_epi64(mm, sa, wsv, 0x60))); \
      }                                                                       \
    }                                                                         \
  }
#define TNN_BA_DOT(r)                                                         \
  {                                                                           \
    const __m512i n = kind == 0   ? _mm512_set1_epi64(g->nw * 64)             \
                      : kind == 1 ? cmg                                       \
                      : kind == 2 ? _mm512_set1_epi64(cs##r)                  \
                                  : cm##r;                                    \
    d[r] = _mm512_sub_epi64(n, _mm512_slli_epi64(cx##r, 1));                  \
    if (fix) d[r] = _mm512_add_epi64(d[r], _mm512_loadu_si512((const void *)(fix + 8 * r))); \
  }
#define TNN_BA_GRP_FN(NAME, LIST, R)                                          \
  TNN_BA_ALWAYS void NAME(const tnn_ba_grp *g, const int64_t *pb, const int kind, \
                          const tnn_ba_epi *e, int64_t o0, const int64_t *fix) { \
    const __m512i z = _mm512_setzero_si512();                                 \
    __m512i cmg = z, d[R];                                                    \
    LIST(TNN_BA_DECL)                                                         \
    for (int64_t i = 0; i < g->nw; i++) {                                     \
      const int64_t ai = g->wl[2 * i] * 8, wi = g->wl[2 * i + 1];             \
      const __m512i wsv = _mm512_loadu_si512((const void *)(g->wsg + wi));    \
      __m512i wnv = z;                                                        \
      if (kind & 1) {                                                         \
        wnv = _mm512_loadu_si512((const void *)(g->wnz + wi));                \
        if (!(kind & 2)) cmg = _mm512_add_epi64(cmg, _mm512_popcnt_epi64(wnv)); \
      }                                                                       \
      LIST(TNN_BA_STEP)                                                       \
    }                                                                         \
    (void)cmg;                                                                \
    LIST(TNN_BA_DOT)                                                          \
    tnn_ba_epi_vec(e, o0, d, R);                                              \
  }
TNN_BA_GRP_FN(tnn_ba_grp1, TNN_BA_L1, 1)
TNN_BA_GRP_FN(tnn_ba_grp2, TNN_BA_L2, 2)
TNN_BA_GRP_FN(tnn_ba_grp4, TNN_BA_L4, 4)
TNN_BA_GRP_FN(tnn_ba_grp8, TNN_BA_L8, 8)

/* R = 8, 4, 2 or 1 pixels of kind `kind` (constant after inlining) */
TNN_BA_ALWAYS void tnn_ba_grp_kind(const tnn_ba_grp *g, const int64_t *pb, int64_t r,
                                   const int kind, const tnn_ba_epi *e, int64_t o0,
                                   const int64_t *fix) {
  if (r == 8)
    tnn_ba_grp8(g, pb, kind, e, o0, fix);
  else if (r == 4)
    tnn_ba_grp4(g, pb, kind, e, o0, fix);
  else if (r == 2)
    tnn_ba_grp2(g, pb, kind, e, o0, fix);
  else
    tnn_ba_grp1(g, pb, kind, e, o0, fix);
}
#endif

/* r (8, 4, 2 or 1) pixels with base words pb[i] (the same tap list) and
 * output pixels o0 + i; fix: per pixel eight counts added to the dots, or
 * NULL. */
TNN_BA_ALWAYS void tnn_ba_grp_run(const tnn_ba_grp *g, const int64_t *pb, int64_t r,
                               const tnn_ba_epi *e, int64_t o0, const int64_t *fix) {
#if defined(TNN_BA_AVX512)
  const int kind = (g->wnz ? 1 : 0) | (g->anz ? 2 : 0);
  if (kind == 0)
    tnn_ba_grp_kind(g, pb, r, 0, e, o0, fix);
  else if (kind == 1)
    tnn_ba_grp_kind(g, pb, r, 1, e, o0, fix);
  else if (kind == 2)
    tnn_ba_grp_kind(g, pb, r, 2, e, o0, fix);
  else
    tnn_ba_grp_kind(g, pb, r, 3, e, o0, fix);
#else
  int64_t dot[8];
  for (int64_t i = 0; i < r; i++) {
    tnn_ba_grp_ref(g, pb[i], dot);
    if (fix)
      for (int l = 0; l < 8; l++) dot[l] += fix[8 * i + l];
    tnn_ba_epi_put(e, o0 + i, dot);
  }
#endif
}

#if defined(TNN_BA_AVX512)
/* The AVX-512 blocked convolution on a copy of the image padded left and
 * right with zero words (in the workspace scratch `pad`), so every
 * pixel of a row joins a group of 8, 4, 2 or 1: window rows outside the
 * image are left out of the row's tap list; a tap column outside reads
 * zeros, which contribute nothing when the activations are ternary (the
 * nonzero plane is clear) and, when binary, are taken back out of the
 * border pixels' sums from per-tap counts of the weights.  The tables are
 * t's, the padded image goes at pad, which has `room` bytes.  Returns 0
 * (nothing done) when the image does not fit or a row has too many border
 * columns. */
TNN_INLINE int tnn_x_baconv_padded(const tnn_baconv_params *pp, const void *const *in,
                                   void *const *out, const tnn_ba_tabs *t, uint8_t *pad,
                                   int64_t room) {
  /* a local copy: the byte stores of the output may alias anything */
  const tnn_baconv_params q = *pp, *p = &q;
  const uint8_t *x = (const uint8_t *)in[0], *w = (const uint8_t *)in[1];
  const int64_t cw = p->c / 64, taps = p->kh * p->kw, hw = p->h * p->w;
  const int64_t pwb = cw * 8;
  const int64_t pr = tnn_ba_conv_pad_right(p);
  const int64_t pw = p->pl + p->w + pr, plane = p->h * pw * pwb;
  const int64_t wplane = taps * cw * 64;
  if (room < p->abits * plane) return 0;
  int64_t *toff = t->toff, *tkx = t->tkx, *ttap = t->ttap;
  int64_t *pcm = t->pcm, *pcx = t->pcx, *fixc = t->fixc, *fix = t->fix;
  /* the output columns and rows whose every tap is inside: [xl, xr), [yl, yr) */
  int64_t xl, xr, yl, yr;
  tnn_ba_inner(p->pl, p->sw, p->kw, p->dw, p->w, p->ow, &xl, &xr);
  tnn_ba_inner(p->pt, p->sh, p->kh, p->dh, p->h, p->oh, &yl, &yr);
  if (xl + (p->ow - xr) > TNN_BA_PAD_COLS) return 0;   /* border columns */
  for (int64_t b = 0; b < p->n; b++) {
    const uint8_t *img = x + b * p->abits * hw * pwb;
    for (int64_t a = 0; a < p->abits; a++)
      for (int64_t iy = 0; iy < p->h; iy++) {
        uint8_t *d = pad + a * plane + iy * pw * pwb;
        memset(d, 0, (size_t)(p->pl * pwb));
        memcpy(d + p->pl * pwb, img + (a * hw + iy * p->w) * pwb, (size_t)(p->w * pwb));
        memset(d + (p->pl + p->w) * pwb, 0, (size_t)(pr * pwb));
      }
    tnn_ba_grp g;
    g.anz = p->abits == 2 ? pad : NULL;
    g.asg = p->abits == 2 ? pad + plane : pad;
    g.wl = t->wl;
    for (int64_t m0 = 0; m0 < p->m; m0 += 8) {
      const uint8_t *wb = w + (m0 / 8) * p->wbits * wplane;
      g.wnz = p->wbits == 2 ? wb : NULL;
      g.wsg = p->wbits == 2 ? wb + wplane : wb;
      tnn_ba_epi e;
      tnn_ba_epi_block(&e, pp, in, out, b, m0);
      /* binary activations: per tap what a zero word adds to the nonzero
       * count (c, or the weights' nonzeros) and to the disagreements */
      if (p->abits == 1)
        for (int64_t t = 0; t < taps; t++)
          for (int64_t l = 0; l < 8; l++) {
            int64_t cm = 0, cx = 0;
            for (int64_t j = 0; j < cw; j++) {
              const int64_t wi = (t * cw + j) * 64 + 8 * l;
              const uint64_t sw = tnn_ba_word(g.wsg + wi, 8);
              const uint64_t mw = g.wnz ? tnn_ba_word(g.wnz + wi, 8) : ~(uint64_t)0;
              cm += tnn_popcount64(mw);
              cx += tnn_popcount64(mw & sw);
            }
            pcm[t * 8 + l] = cm;
            pcx[t * 8 + l] = cx;
          }
      /* bands of output rows with the same window rows inside the image:
       * the rows whose windows are whole share one tap list, each border
       * row has its own; a band's pixels go in groups in row-major order */
      for (int64_t oy0 = 0; oy0 < p->oh;) {
        int64_t oy1 = oy0 + 1;
        if (oy0 >= yl && oy0 < yr) oy1 = yr;
        const int64_t nt = tnn_ba_row_taps(p, oy0, pw, cw, toff, tkx, ttap);
        g.nw = tnn_ba_words(toff, ttap, nt, cw, t->wl);
        /* binary activations: what the zero words of each border column
         * (ox < xl or ox >= xr) add, to take out of its dots */
        const int64_t nbc = xl + (p->ow - xr);
        if (p->abits == 1)
          for (int64_t bc = 0; bc < nbc; bc++) {
            const int64_t ox = bc < xl ? bc : xr + (bc - xl);
            int64_t *f = fixc + 8 * bc;
            for (int l = 0; l < 8; l++) f[l] = 0;
            for (int64_t t = 0; t < nt; t++) {
              const int64_t ix = ox * p->sw - p->pl + tkx[t] * p->dw;
              if (ix >= 0 && ix < p->w) continue;
              const int64_t *cm = pcm + ttap[t] * 8, *cx = pcx + ttap[t] * 8;
              for (int l = 0; l < 8; l++) f[l] += 2 * cx[l] - cm[l];
            }
          }
        const int64_t o_end = oy1 * p->ow;
        int64_t oy = oy0, ox = 0;          /* of pixel o */
        for (int64_t o = oy0 * p->ow; o < o_end;) {
          const int64_t left = o_end - o;
          const int64_t r = left >= 8 ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1;
          int64_t pb[8], px[8];
          int border = 0;
          for (int64_t i = 0; i < r; i++) {
            pb[i] = ((oy * p->sh - p->pt) * pw + ox * p->sw) * cw;
            px[i] = ox;
            border |= ox < xl || ox >= xr;
            if (++ox == p->ow) ox = 0, oy++;
          }
          /* border pixels of binary activations: take the zero words out */
          border &= p->abits == 1;
          if (border)
            for (int64_t i = 0; i < r; i++) {
              int64_t *f = fix + 8 * i;
              const int64_t bc = px[i] < xl ? px[i] : px[i] >= xr ? xl + (px[i] - xr) : -1;
              for (int l = 0; l < 8; l++) f[l] = bc < 0 ? 0 : fixc[8 * bc + l];
            }
          tnn_ba_grp_run(&g, pb, r, &e, o, border ? fix : NULL);
          o += r;
        }
        oy0 = oy1;
      }
    }
  }
  return 1;
}
#endif

/* tnn_x_baconv for the blocked layout: per block of eight output channels,
 * per output row, the pixels whose whole window lies inside the row in
 * groups of 8, 4 and 2 (one tap list for the row), the others one at a
 * time with their own tap lists; padding taps are left out of the list, so
 * they contribute 0 exactly. */
TNN_INLINE int tnn_x_baconv_blocked(const tnn_baconv_params *pp, const void *const *in,
                                    void *const *out) {
  const tnn_baconv_params q = *pp, *p = &q;
  const uint8_t *x = (const uint8_t *)in[0], *w = (const uint8_t *)in[1];
  const int64_t cw = p->c / 64, taps = p->kh * p->kw, hw = p->h * p->w;
  const int64_t wplane = taps * cw * 64, step = p->sw * cw;
  tnn_ba_tabs t;
  tnn_ba_conv_tabs(p, out[1], &t);
  int64_t *toff = t.toff, *tkx = t.tkx, *ttap = t.ttap, *etoff = t.etoff, *ettap = t.ettap;
  int64_t rnw = 0;
  /* the output columns whose every tap column is inside: [xl, xr) */
  int64_t xl, xr;
  tnn_ba_inner(p->pl, p->sw, p->kw, p->dw, p->w, p->ow, &xl, &xr);
  for (int64_t b = 0; b < p->n; b++) {
    const uint8_t *img = x + b * p->abits * hw * cw * 8;
    tnn_ba_grp g;
    g.anz = p->abits == 2 ? img : NULL;
    g.asg = p->abits == 2 ? img + hw * cw * 8 : img;
    for (int64_t m0 = 0; m0 < p->m; m0 += 8) {
      const uint8_t *wb = w + (m0 / 8) * p->wbits * wplane;
      g.wnz = p->wbits == 2 ? wb : NULL;
      g.wsg = p->wbits == 2 ? wb + wplane : wb;
      tnn_ba_epi e;
      tnn_ba_epi_block(&e, pp, in, out, b, m0);
      for (int64_t oy = 0; oy < p->oh; oy++) {
        const int64_t nt = tnn_ba_row_taps(p, oy, p->w, cw, toff, tkx, ttap);
        rnw = tnn_ba_words(toff, ttap, nt, cw, t.wl);
        const int64_t rowbase = ((oy * p->sh - p->pt) * p->w - p->pl) * cw;
        for (int64_t ox = 0; ox < p->ow;) {
          const int64_t base = rowbase + ox * step;
          int64_t r = 1;
          if (ox >= xl && ox < xr) {
            r = xr - ox >= 8 ? 8 : xr - ox >= 4 ? 4 : xr - ox >= 2 ? 2 : 1;
            g.wl = t.wl;
            g.nw = rnw;
          } else {
            int64_t ne = 0;
            for (int64_t t = 0; t < nt; t++) {
              const int64_t ix = ox * p->sw - p->pl + tkx[t] * p->dw;
              if (ix < 0 || ix >= p->w) continue;
              etoff[ne] = toff[t];
              ettap[ne++] = ttap[t];
            }
            g.wl = t.ewl;
            g.nw = tnn_ba_words(etoff, ettap, ne, cw, t.ewl);
          }
          int64_t pb[8];
          for (int64_t i = 0; i < r; i++) pb[i] = base + i * step;
          tnn_ba_grp_run(&g, pb, r, &e, oy * p->ow + ox, NULL);
          ox += r;
        }
      }
    }
  }
  return TNN_OK;
}

/* 2-D convolution on packed images (group 1, zero padding, strides,
 * dilations).  x [n][abits][h*w][cb], w [m][wbits][kh*kw*cb]; obits 0: y
 * float NCHW = dot * scale[m] + bias[m] clamped to [lo, hi] (in[2], in[3]);
 * obits 1, 2: y packed [n][obits][oh*ow][mb] through thresholds in[2].
 * out[1]: the workspace of p->scratch bytes (tnn_ba_conv_scratch), 8-byte
 * aligned; TNN_E_ARG when it is missing or too small for the tables. */
TNN_INLINE int tnn_x_baconv(const void *vp, const void *const *in,
                            void *const *out) {
  /* a local copy: the byte stores of the patch may alias anything */
  const tnn_baconv_params q = *(const tnn_baconv_params *)vp, *p = &q;
  const uint8_t *x = (const uint8_t *)in[0], *w = (const uint8_t *)in[1];
  const int64_t cb = (p->c + 7) / 8, mb = (p->m + 7) / 8;
  const int64_t taps = p->kh * p->kw, pb = taps * cb, hw = p->h * p->w;
  const int64_t ohw = p->oh * p->ow, k = taps * p->c;
  const uint8_t last = (uint8_t)(p->c % 8 ? (1u << (p->c % 8)) - 1 : 0xff);
  if (pb > TNN_BA_MAX_PATCH || !out[1] || p->scratch < tnn_ba_conv_tables(p))
    return TNN_E_ARG;
  if (tnn_ba_conv_blocked(p->c, p->m)) {
#if defined(TNN_BA_AVX512)
    /* the padded-image path, else (no room for the image) the generic one;
     * called one after the other, so their frames are not nested */
    tnn_ba_tabs t;
    const int64_t tabs = tnn_ba_conv_tabs(p, out[1], &t);
    if (tnn_x_baconv_padded(vp, in, out, &t, (uint8_t *)out[1] + tabs, p->scratch - tabs))
      return TNN_OK;
#endif
    return tnn_x_baconv_blocked(vp, in, out);
  }
  uint8_t *nz = (uint8_t *)out[1], *sg = nz + pb;
  if (p->obits) memset(out[0], 0, (size_t)(p->n * p->obits * ohw * mb));
  for (int64_t b = 0; b < p->n; b++) {
    const uint8_t *img = x + b * p->abits * hw * cb;
    const uint8_t *inz = p->abits == 2 ? img : NULL;
    const uint8_t *isg = p->abits == 2 ? img + hw * cb : img;
    for (int64_t oy = 0; oy < p->oh; oy++)
      for (int64_t ox = 0; ox < p->ow; ox++) {
        int border = 0;
        for (int64_t ky = 0; ky < p->kh; ky++)
          for (int64_t kx = 0; kx < p->kw; kx++) {
            const int64_t iy = oy * p->sh - p->pt + ky * p->dh;
            const int64_t ix = ox * p->sw - p->pl + kx * p->dw;
            uint8_t *dn = nz + (ky * p->kw + kx) * cb;
            uint8_t *ds = sg + (ky * p->kw + kx) * cb;
            if (iy < 0 || iy >= p->h || ix < 0 || ix >= p->w) {
              border = 1;
              tnn_ba_fill(dn, 0, cb);
              tnn_ba_fill(ds, 0, cb);
              continue;
            }
            const int64_t px = (iy * p->w + ix) * cb;
            tnn_ba_copy(ds, isg + px, cb);
            if (inz) tnn_ba_copy(dn, inz + px, cb);
          }
        /* binary activations at the border: the nonzero plane marks the
         * taps inside the image */
        if (!inz && border)
          for (int64_t ky = 0; ky < p->kh; ky++)
            for (int64_t kx = 0; kx < p->kw; kx++) {
              const int64_t iy = oy * p->sh - p->pt + ky * p->dh;
              const int64_t ix = ox * p->sw - p->pl + kx * p->dw;
              uint8_t *dn = nz + (ky * p->kw + kx) * cb;
              const int in_img = iy >= 0 && iy < p->h && ix >= 0 && ix < p->w;
              tnn_ba_fill(dn, in_img ? 0xff : 0, cb);
              if (in_img) dn[cb - 1] = last;
            }
        /* binary activations need the nonzero plane only at the border */
        const uint8_t *ma = inz || border ? nz : NULL;
        int64_t dots[4];
        const int64_t o = oy * p->ow + ox;
        tnn_ba_out ob = tnn_ba_out_start((uint8_t *)out[0] + b * p->obits * ohw * mb +
                                             o * mb, p->obits, ohw * mb, p->m);
        for (int64_t m = 0; m < p->m; m++) {
          if (m % 4 == 0)
            tnn_ba_dots(ma, sg, w + m * p->wbits * pb, p->wbits * pb, p->wbits, pb, k,
                        p->m - m < 4 ? p->m - m : 4, dots);
          if (p->obits == 0) {
            const int64_t at = (b * p->m + m) * ohw + o;
            float v = tnn_ba_epilogue(dots[m % 4], (const float *)in[2],
                                      (const float *)in[3], m, p->lo, p->hi);
            if (p->res) v = v + ((const float *)in[4])[at];
            ((float *)out[0])[at] = v;
          }
          else
            tnn_ba_out_add(&ob, (const int32_t *)in[2], m, dots[m % 4]);
        }
      }
  }
  return TNN_OK;
}

/* MaxPool on packed images [n][bits][h*w][cb] -> [n][bits][oh*ow][cb],
 * bytewise over the channels: the max of -1/+1 values is +1 when any is
 * (binary: AND of the sign bits); of -1/0/+1 values, +1 when any is, else
 * 0 when any is, else -1.  Window positions outside the image are skipped
 * (ONNX pads MaxPool with -inf). */
TNN_INLINE int tnn_x_bamaxpool(const void *vp, const void *const *in,
                               void *const *out) {
  const tnn_bapool_params *p = (const tnn_bapool_params *)vp;
  const uint8_t *x = (const uint8_t *)in[0];
  uint8_t *y = (uint8_t *)out[0];
  const int64_t cb = (p->c + 7) / 8, hw = p->h * p->w, ohw = p->oh * p->ow;
  for (int64_t b = 0; b < p->n; b++) {
    const uint8_t *img = x + b * p->bits * hw * cb;
    uint8_t *o = y + b * p->bits * ohw * cb;
    for (int64_t oy = 0; oy < p->oh; oy++)
      for (int64_t ox = 0; ox < p->ow; ox++) {
        const int64_t op = (oy * p->ow + ox) * cb;
        for (int64_t j = 0; j < cb; j++) {
          unsigned all_neg = 0xff, any_pos = 0, any_zero = 0;
          for (int64_t ky = 0; ky < p->kh; ky++)
            for (int64_t kx = 0; kx < p->kw; kx++) {
              const int64_t iy = oy * p->sh - p->pt + ky * p->dh;
              const int64_t ix = ox * p->sw - p->pl + kx * p->dw;
              if (iy < 0 || iy >= p->h || ix < 0 || ix >= p->w) continue;
              const int64_t ip = (iy * p->w + ix) * cb + j;
              if (p->bits == 1) {
                all_neg &= img[ip];
              } else {
                const unsigned nz = img[ip], sg = img[hw * cb + ip];
                any_pos |= nz & ~sg;
                any_zero |= ~nz & 0xffu;
              }
            }
          if (p->bits == 1) {
            o[op + j] = (uint8_t)all_neg;
          } else {
            o[op + j] = (uint8_t)((any_pos | ~any_zero) & 0xffu);
            o[ohw * cb + op + j] = (uint8_t)(~any_pos & ~any_zero & 0xffu);
          }
        }
      }
  }
  return TNN_OK;
}

#define TNN_KERNELS_BITACT(K)                                                 \
  K(f32_bapack, bapack) K(x_bafc, bafc) K(x_baconv, baconv)                   \
  K(x_bamaxpool, bapool)
