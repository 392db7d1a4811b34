/* tnn runtime, packed activations: AVX-512 popcounts (VPOPCNTQ; masked
 * byte loads of AVX512BW for tails, AVX512DQ's 64-bit multiply);
 * twins tnn_ba_count__scalar, tnn_ba_dots4__scalar and tnn_ba_dots8__scalar. */
#ifndef TNN_TNN_BA_DOT__AVX512_H
#define TNN_TNN_BA_DOT__AVX512_H

#include "tnn_ba_dot__scalar.h"

#if defined(TNN_BA_AVX512)

TNN_INLINE int64_t tnn_ba_count__avx512(const uint8_t *ma, const uint8_t *sa,
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
  int64_t tx = tnn_ba_count__scalar(ma ? ma + j : NULL, sa + j, mw ? mw + j : NULL,
                                sw + j, nbytes - j, &tm);
  *pm = _mm512_reduce_add_epi64(cm) + tm;
  return _mm512_reduce_add_epi64(cx) + tx;
}
TNN_INLINE void tnn_ba_dots4__avx512(const uint8_t *ma, const uint8_t *sa,
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

/* Eight dots of one row against rows w + r * wstride, r < 8 (tnn_ba_dots8's
 * contract): the activation words loaded once for the eight rows, each
 * row's counts in the eight 64-bit lanes of its accumulator, per lane
 * dot = M - 2 X, then one transposing reduction leaves row r in lane r.
 * The body is specialised on wbits and on whether the activations are
 * ternary (constants after inlining), its row loops unrolled, so the 8 or
 * 16 accumulators stay in registers. */
#if defined(__clang__)
#define TNN_BA_UNROLL8 _Pragma("unroll 8")
#elif defined(__GNUC__)
#define TNN_BA_UNROLL8 _Pragma("GCC unroll 8")
#else
#define TNN_BA_UNROLL8
#endif
#if defined(__GNUC__)
#define TNN_BA_DOT_ALWAYS static inline __attribute__((always_inline, unused))
#else
#define TNN_BA_DOT_ALWAYS static inline
#endif
TNN_BA_DOT_ALWAYS void tnn_ba_dots8_k__avx512(const uint8_t *ma, const uint8_t *sa,
                                              const uint8_t *w, int64_t wstride,
                                              const int wbits, const int tern_a,
                                              int64_t nbytes, int64_t k, int64_t *dot) {
  __m512i acc[8], cm[8];
  __m512i ca = _mm512_setzero_si512();
  TNN_BA_UNROLL8
  for (int r = 0; r < 8; r++) acc[r] = cm[r] = _mm512_setzero_si512();
  const uint8_t *sw = w + (wbits == 2 ? nbytes : 0);
  for (int64_t j = 0; j < nbytes; j += 64) {
    const __mmask64 lm = nbytes - j >= 64 ? ~(__mmask64)0
                                          : (((__mmask64)1 << (nbytes - j)) - 1);
    const __m512i as = _mm512_maskz_loadu_epi8(lm, sa + j);
    const __m512i am = tern_a ? _mm512_maskz_loadu_epi8(lm, ma + j) : _mm512_setzero_si512();
    if (tern_a && wbits == 1) ca = _mm512_add_epi64(ca, _mm512_popcnt_epi64(am));
    TNN_BA_UNROLL8
    for (int r = 0; r < 8; r++) {
      __m512i x = _mm512_xor_si512(as, _mm512_maskz_loadu_epi8(lm, sw + r * wstride + j));
      if (wbits == 2) {
        __m512i n = _mm512_maskz_loadu_epi8(lm, w + r * wstride + j);
        if (tern_a) n = _mm512_and_si512(n, am);
        cm[r] = _mm512_add_epi64(cm[r], _mm512_popcnt_epi64(n));
        x = _mm512_and_si512(x, n);
      } else if (tern_a) {
        x = _mm512_and_si512(x, am);
      }
      acc[r] = _mm512_add_epi64(acc[r], _mm512_popcnt_epi64(x));
    }
  }
  /* per lane M - 2 X: M the nonzero count (ternary weights), the
   * activations' nonzero count (binary weights, ternary activations), or
   * k, added after the reduction (both binary) */
  TNN_BA_UNROLL8
  for (int r = 0; r < 8; r++) {
    const __m512i base = wbits == 2 ? cm[r] : tern_a ? ca : _mm512_setzero_si512();
    acc[r] = _mm512_sub_epi64(base, _mm512_slli_epi64(acc[r], 1));
  }
  /* pairs: lanes {r, r+1, r, r+1, ...}, each 128-bit block two partial sums */
  const __m512i t0 = _mm512_add_epi64(_mm512_unpacklo_epi64(acc[0], acc[1]),
                                      _mm512_unpackhi_epi64(acc[0], acc[1]));
  const __m512i t1 = _mm512_add_epi64(_mm512_unpacklo_epi64(acc[2], acc[3]),
                                      _mm512_unpackhi_epi64(acc[2], acc[3]));
  const __m512i t2 = _mm512_add_epi64(_mm512_unpacklo_epi64(acc[4], acc[5]),
                                      _mm512_unpackhi_epi64(acc[4], acc[5]));
  const __m512i t3 = _mm512_add_epi64(_mm512_unpacklo_epi64(acc[6], acc[7]),
                                      _mm512_unpackhi_epi64(acc[6], acc[7]));
  /* quads: blocks (0 1) (0 1) (2 3) (2 3) of rows 4q.. */
  const __m512i u0 = _mm512_add_epi64(_mm512_shuffle_i64x2(t0, t1, 0x88),
                                      _mm512_shuffle_i64x2(t0, t1, 0xdd));
  const __m512i u1 = _mm512_add_epi64(_mm512_shuffle_i64x2(t2, t3, 0x88),
                                      _mm512_shuffle_i64x2(t2, t3, 0xdd));
  /* blocks (0 1) (2 3) (4 5) (6 7): row r in lane r */
  __m512i v = _mm512_add_epi64(_mm512_shuffle_i64x2(u0, u1, 0x88),
                               _mm512_shuffle_i64x2(u0, u1, 0xdd));
  if (wbits == 1 && !tern_a) v = _mm512_add_epi64(v, _mm512_set1_epi64(k));
  _mm512_storeu_si512((void *)dot, v);
}

TNN_INLINE void tnn_ba_dots8__avx512(const uint8_t *ma, const uint8_t *sa,
                                     const uint8_t *w, int64_t wstride, int64_t wbits,
                                     int64_t nbytes, int64_t k, int64_t *dot) {
  if (wbits == 2 && ma)
    tnn_ba_dots8_k__avx512(ma, sa, w, wstride, 2, 1, nbytes, k, dot);
  else if (wbits == 2)
    tnn_ba_dots8_k__avx512(ma, sa, w, wstride, 2, 0, nbytes, k, dot);
  else if (ma)
    tnn_ba_dots8_k__avx512(ma, sa, w, wstride, 1, 1, nbytes, k, dot);
  else
    tnn_ba_dots8_k__avx512(ma, sa, w, wstride, 1, 0, nbytes, k, dot);
}

/* The packed levels of eight outputs from their dots and thresholds
 * thr[l] = {dir, t0, t1} (dir +-1): bit l set when dir * dot[l] < t0
 * (level -1, the sign byte), bit 8 + l when that or >= t1 (level -1 or +1,
 * the nonzero byte); twin tnn_ba_out8__scalar.  One value, not two stores
 * through pointers: gcc 12 -O2 stored a __mmask8 converted to unsigned
 * with a single kmovb to memory, leaving three bytes as they were. */
TNN_INLINE unsigned tnn_ba_out8__avx512(const int64_t *dot, const int32_t *thr) {
  const __m512i lo = _mm512_loadu_si512((const void *)thr);             /* thr 0..15 */
  const __m512i hi = _mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)(thr + 16)));
  const __m512i idir = _mm512_setr_epi32(0, 3, 6, 9, 12, 15, 18, 21, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m512i one = _mm512_set1_epi32(1);
  const __m512i i0 = _mm512_add_epi32(idir, one), i1 = _mm512_add_epi32(i0, one);
  const __m512i dir = _mm512_cvtepi32_epi64(_mm512_castsi512_si256(_mm512_permutex2var_epi32(lo, idir, hi)));
  const __m512i t0 = _mm512_cvtepi32_epi64(_mm512_castsi512_si256(_mm512_permutex2var_epi32(lo, i0, hi)));
  const __m512i t1 = _mm512_cvtepi32_epi64(_mm512_castsi512_si256(_mm512_permutex2var_epi32(lo, i1, hi)));
  const __m512i d = _mm512_loadu_si512((const void *)dot);
  const __mmask8 neg = _mm512_cmplt_epi64_mask(dir, _mm512_setzero_si512());
  const __m512i v = _mm512_mask_sub_epi64(d, neg, _mm512_setzero_si512(), d);
  const unsigned s = _cvtmask8_u32(_mm512_cmplt_epi64_mask(v, t0));
  const unsigned n = _cvtmask8_u32(_mm512_cmpge_epi64_mask(v, t1));
  return s | (s | n) << 8;
}

#endif

#endif
