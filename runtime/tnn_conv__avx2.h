/* tnn runtime, float convolution: AVX2+FMA bodies on the SIMD layout of
 * tnn_f32_conv2d_mb (sixteen channels by eight pixels in registers); twin
 * the generic loop of tnn_f32_conv2d_mb (tests/unit/test_ops_nn.c, built
 * with and without -mavx2 -mfma). */
#ifndef TNN_TNN_CONV__AVX2_H
#define TNN_TNN_CONV__AVX2_H

#include "tnn_isa.h"

#if defined(TNN_CONV_AVX2)

/* Input positions spanned by one block of 8 output pixels of a window row:
 * the copy of a block's row segment (zeros outside the image, 1 KB of
 * stack) holds at most this many, e.g. 7 * stride + (kw - 1) * dilation +
 * 1 for a 32x32 kernel of stride 32; wider layers take the generic path. */
#define TNN_CONV_SPAN 256

/* x[0], x[s], ..., x[7 s] (never reads past x[7 s]) */
TNN_INLINE __m256 tnn_conv_load8__avx2(const float *x, int64_t s) {
  if (s == 1) return _mm256_loadu_ps(x);
  if (s == 2) {
    const __m256 lo = _mm256_loadu_ps(x);
    const __m256 hi = _mm256_maskload_ps(x + 8, _mm256_setr_epi32(-1, -1, -1, -1, -1, -1, -1, 0));
    /* [x0 x2 x8 x10 | x4 x6 x12 x14] -> [x0 x2 x4 x6 x8 x10 x12 x14] */
    return _mm256_castpd_ps(
        _mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(lo, hi, 0x88)), 0xd8));
  }
  const __m256i idx = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                                         _mm256_set1_epi32((int)s));
  return _mm256_i32gather_ps(x, idx, 4);
}

#define TNN_CONV_L16(X)                                                      \
  X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13)  \
  X(14) X(15)
/* The 16 channel accumulators acc0..acc15 of a weight block (m0, nm
 * channels, bias or 0), one multiply-add step against the weights wv of a
 * tap, and the stores of a block to y rows ystride apart (lanes `keep`). */
#define TNN_CONV_INIT(l)                                                     \
  __m256 acc##l = _mm256_set1_ps(bias && l < nm ? bias[m0 + l] : 0.0f);
#define TNN_CONV_FMA(l) acc##l = _mm256_fmadd_ps(xv, _mm256_broadcast_ss(wv + l), acc##l);
#define TNN_CONV_STORE(l)                                                    \
  if (l < nm) _mm256_storeu_ps(yp + l * ystride, acc##l);
#define TNN_CONV_MASKSTORE(l)                                                \
  if (l < nm) _mm256_maskstore_ps(yp + l * ystride, keep, acc##l);

/* lanes i < np of eight */
TNN_INLINE __m256i tnn_conv_keep8__avx2(int64_t np) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)np),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/* The 1x1, stride 1, unpadded case: a matrix product over the image's
 * pixels taken as one row, eight at a time (the last block masked). */
TNN_INLINE void tnn_f32_conv1x1_mb8__avx2(const tnn_conv_params *p, const float *x,
                                    const float *wt, const float *bias, float *y,
                                    int64_t mlo, int64_t mhi) {
  const int64_t hw = p->h * p->w, ystride = hw;
  for (int64_t nb = 0; nb < p->n; nb++)
    for (int64_t m0 = mlo; m0 < mhi; m0 += TNN_CONV_MB) {
      const float *wb = wt + (m0 / TNN_CONV_MB) * p->c * TNN_CONV_MB;
      const int64_t nm = p->m - m0 < TNN_CONV_MB ? p->m - m0 : TNN_CONV_MB;
      for (int64_t p0 = 0; p0 < hw; p0 += 8) {
        const int64_t np = hw - p0 < 8 ? hw - p0 : 8;
        const __m256i keep = tnn_conv_keep8__avx2(np);
        TNN_CONV_L16(TNN_CONV_INIT)
        const float *xc = x + nb * p->c * hw + p0;
        for (int64_t c = 0; c < p->c; c++, xc += hw) {
          const __m256 xv = np == 8 ? _mm256_loadu_ps(xc) : _mm256_maskload_ps(xc, keep);
          const float *wv = wb + c * TNN_CONV_MB;
          TNN_CONV_L16(TNN_CONV_FMA)
        }
        float *yp = y + (nb * p->m + m0) * hw + p0;
        TNN_CONV_L16(TNN_CONV_MASKSTORE)
      }
    }
}

/* AVX2 + FMA: 8 output pixels of a row in the lanes of a 256-bit vector
 * (on this machine class 512-bit FMAs issue at half the 256-bit rate: see
 * tools/roofline), the 16 channels of a weight block in 16 accumulators;
 * per tap one load of the input row and 16 multiply-adds against broadcast
 * weights (fused: one rounding, so sums may differ from tnn_f32_conv2d in
 * the last bits).  Blocks whose window rows leave the image read a
 * zero-padded copy of the segment.  Returns 0 (nothing done) when the
 * segment would not fit the copy. */
TNN_INLINE int tnn_f32_conv2d_mb8__avx2(const tnn_conv_params *p, const float *x,
                                  const float *wt, const float *bias, float *y,
                                  int64_t mlo, int64_t mhi) {
  const int64_t ksz = p->kh * p->kw, ohw = p->oh * p->ow, ystride = ohw;
  if (ksz == 1 && p->sh == 1 && p->sw == 1 && p->pt == 0 && p->pl == 0 &&
      p->oh == p->h && p->ow == p->w) {
    tnn_f32_conv1x1_mb8__avx2(p, x, wt, bias, y, mlo, mhi);
    return 1;
  }
  const int64_t span = 7 * p->sw + (p->kw - 1) * p->dw + 1;
  float seg[TNN_CONV_SPAN];
  if (span > TNN_CONV_SPAN) return 0;
  for (int64_t nb = 0; nb < p->n; nb++)
    for (int64_t m0 = mlo; m0 < mhi; m0 += TNN_CONV_MB) {
      const float *wb = wt + (m0 / TNN_CONV_MB) * p->c * ksz * TNN_CONV_MB;
      const int64_t nm = p->m - m0 < TNN_CONV_MB ? p->m - m0 : TNN_CONV_MB;
      for (int64_t oy = 0; oy < p->oh; oy++)
        for (int64_t ox0 = 0; ox0 < p->ow; ox0 += 8) {
          const int64_t np = p->ow - ox0 < 8 ? p->ow - ox0 : 8;
          const int64_t ix_first = ox0 * p->sw - p->pl;
          const int inside = ix_first >= 0 && ix_first + span <= p->w;
          TNN_CONV_L16(TNN_CONV_INIT)
          for (int64_t c = 0; c < p->c; c++)
            for (int64_t ky = 0; ky < p->kh; ky++) {
              const int64_t iy = oy * p->sh - p->pt + ky * p->dh;
              if (iy < 0 || iy >= p->h) continue;
              const float *xr = x + ((nb * p->c + c) * p->h + iy) * p->w;
              const float *src = xr + (inside ? ix_first : 0);
              if (!inside) {
                for (int64_t i = 0; i < span; i++) {
                  const int64_t ix = ix_first + i;
                  seg[i] = ix >= 0 && ix < p->w ? xr[ix] : 0.0f;
                }
                src = seg;
              }
              const float *wr = wb + (c * ksz + ky * p->kw) * TNN_CONV_MB;
              for (int64_t kx = 0; kx < p->kw; kx++) {
                const __m256 xv = tnn_conv_load8__avx2(src + kx * p->dw, p->sw);
                const float *wv = wr + kx * TNN_CONV_MB;
                TNN_CONV_L16(TNN_CONV_FMA)
              }
            }
          float *yp = y + (nb * p->m + m0) * ohw + oy * p->ow + ox0;
          if (np == 8) {
            TNN_CONV_L16(TNN_CONV_STORE)
          } else {
            const __m256i keep = tnn_conv_keep8__avx2(np);
            TNN_CONV_L16(TNN_CONV_MASKSTORE)
          }
        }
    }
  return 1;
}

#endif

#endif
