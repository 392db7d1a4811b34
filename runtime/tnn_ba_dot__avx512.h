/* tnn runtime, packed activations: AVX-512 popcounts (VPOPCNTQ; masked
 * byte loads of AVX512BW for tails, AVX512DQ's 64-bit multiply);
 * twins tnn_ba_count__scalar and tnn_ba_dots4__scalar. */
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

#endif

#endif
