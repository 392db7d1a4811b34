/* tnn runtime: NN kernels (conv, gemm, matmul, pooling, bn, softmax).
 *
 * Scalar float32 reference kernels on NCHW tensors.  They are written to be
 * fast enough to serve as the portable fallback: loop invariants hoisted,
 * the innermost loop runs over contiguous output elements, and the
 * boundaries of padded windows are computed once per row instead of being
 * tested per element.  None of them allocates; the weights are ordinary
 * inputs (they need not be constants).
 *
 * Window geometry (conv and pooling).  Along one spatial axis an output
 * position o reads the input positions o*s - pad + k*d for k in [0, kn); a
 * position outside [0, n) is padding.  tnn_nn_range() gives the interval of
 * o (or of k) whose position lies inside, so inner loops never test bounds.
 */
#include <float.h>

#include "tnn_isa.h"

/* [*lo, *hi): the i in [0, count) with 0 <= off + i*step < n (step > 0). */
TNN_INLINE void tnn_nn_range(int64_t off, int64_t step, int64_t n,
                                int64_t count, int64_t *lo, int64_t *hi) {
  int64_t a = off >= 0 ? 0 : (-off + step - 1) / step;
  int64_t b = n - 1 - off < 0 ? 0 : (n - 1 - off) / step + 1;
  if (b > count) b = count;
  if (a > b) a = b;
  *lo = a;
  *hi = b;
}

/* ------------------------------------------------------------- vectors */

/* y[j] += a * x[j] (and x[j*sx]).  restrict tells compilers y never
 * aliases x.  The main loop runs blocks of four whose fixed inner loop is
 * unrolled and vectorized as a basic block: gcc -O2 (very-cheap cost
 * model) vectorizes no loop that needs a scalar epilogue, so the tail is
 * an explicit loop.  clang would instead vectorize across blocks with
 * shuffles (3x slower); TNN_NN_BLOCKS turns that off for the block loop. */
#if defined(__clang__)
#define TNN_NN_BLOCKS _Pragma("clang loop vectorize(disable)")
#else
#define TNN_NN_BLOCKS
#endif

TNN_INLINE void tnn_nn_axpy(float *restrict y, const float *restrict x,
                               float a, int64_t n) {
  const int64_t n4 = n - n % 4;
  TNN_NN_BLOCKS
  for (int64_t j = 0; j < n4; j += 4)
    for (int u = 0; u < 4; u++) y[j + u] += a * x[j + u];
  for (int64_t j = n4; j < n; j++) y[j] += a * x[j];
}

TNN_INLINE void tnn_nn_axpy_strided(float *restrict y,
                                       const float *restrict x, int64_t sx,
                                       float a, int64_t n) {
  for (int64_t j = 0; j < n; j++) y[j] += a * x[j * sx];
}

/* ----------------------------------------------------------------- conv */

/* y[n, mo, oy, ox] = bias[mo] + sum over ic in mo's group, ky, kx of
 *   w[mo, ic, ky, kx] * x[n, g*cg + ic, oy*sh - pt + ky*dh, ox*sw - pl + kx*dw]
 * Loop order: output plane, input channel, kernel tap, output row, output
 * column; each tap is an axpy of one weight over a row of the output plane
 * (contiguous in y, stride sw in x).  The bottom/right padding is implied by
 * oh/ow. */
TNN_INLINE int tnn_f32_conv2d(const void *vp, const void *const *in,
                                 void *const *out) {
  const tnn_conv_params *p = (const tnn_conv_params *)vp;
  const float *x = (const float *)in[0];
  const float *wt = (const float *)in[1];
  const float *bias = p->has_bias ? (const float *)in[2] : NULL;
  float *y = (float *)out[0];
  const int64_t cg = p->c / p->group, mg = p->m / p->group;
  const int64_t hw = p->h * p->w, ohw = p->oh * p->ow, ksz = p->kh * p->kw;
  const int64_t sw = p->sw;
  for (int64_t nb = 0; nb < p->n; nb++) {
    for (int64_t mo = 0; mo < p->m; mo++) {
      const int64_t gi = mo / mg;
      float *yp = y + (nb * p->m + mo) * ohw;
      const float b = bias ? bias[mo] : 0.0f;
      for (int64_t i = 0; i < ohw; i++) yp[i] = b;
      for (int64_t ic = 0; ic < cg; ic++) {
        const float *xp = x + (nb * p->c + gi * cg + ic) * hw;
        const float *wp = wt + (mo * cg + ic) * ksz;
        for (int64_t ky = 0; ky < p->kh; ky++) {
          const int64_t offy = ky * p->dh - p->pt;
          int64_t oy0, oy1;
          tnn_nn_range(offy, p->sh, p->h, p->oh, &oy0, &oy1);
          for (int64_t kx = 0; kx < p->kw; kx++) {
            const int64_t offx = kx * p->dw - p->pl;
            const float wv = wp[ky * p->kw + kx];
            int64_t ox0, ox1;
            tnn_nn_range(offx, sw, p->w, p->ow, &ox0, &ox1);
            for (int64_t oy = oy0; oy < oy1; oy++) {
              const float *xr = xp + (oy * p->sh + offy) * p->w + offx;
              float *yr = yp + oy * p->ow;
              if (sw == 1)
                tnn_nn_axpy(yr + ox0, xr + ox0, wv, ox1 - ox0);
              else
                tnn_nn_axpy_strided(yr + ox0, xr + ox0 * sw, sw, wv,
                                    ox1 - ox0);
            }
          }
        }
      }
    }
  }
  return TNN_OK;
}

/* The same convolution (group 1) with the weights laid out for SIMD by
 * tnnc: [ceil(m/16)][c][kh][kw][16] (channels beyond m zero).  Sixteen
 * output channels and eight output pixels of a row at a time: each input
 * value is broadcast against sixteen weights, so the inner loop is one
 * vector multiply-add per pixel and the eight sums stay in registers.  The
 * terms are added in the order of tnn_f32_conv2d (bias, then c, ky, kx). */
#define TNN_CONV_MB 16
#define TNN_CONV_PX 8

#if defined(TNN_CONV_AVX2)
/* Input positions spanned by one block of 8 output pixels of a window row:
 * the copy of a block's row segment (zeros outside the image, 1 KB of
 * stack) holds at most this many, e.g. 7 * stride + (kw - 1) * dilation +
 * 1 for a 32x32 kernel of stride 32; wider layers take the generic path. */
#define TNN_CONV_SPAN 256

/* x[0], x[s], ..., x[7 s] (never reads past x[7 s]) */
TNN_INLINE __m256 tnn_conv_load8(const float *x, int64_t s) {
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
TNN_INLINE __m256i tnn_conv_keep8(int64_t np) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)np),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/* The 1x1, stride 1, unpadded case: a matrix product over the image's
 * pixels taken as one row, eight at a time (the last block masked). */
TNN_INLINE void tnn_f32_conv1x1_mb8(const tnn_conv_params *p, const float *x,
                                    const float *wt, const float *bias, float *y) {
  const int64_t hw = p->h * p->w, ystride = hw;
  for (int64_t nb = 0; nb < p->n; nb++)
    for (int64_t m0 = 0; m0 < p->m; m0 += TNN_CONV_MB) {
      const float *wb = wt + (m0 / TNN_CONV_MB) * p->c * TNN_CONV_MB;
      const int64_t nm = p->m - m0 < TNN_CONV_MB ? p->m - m0 : TNN_CONV_MB;
      for (int64_t p0 = 0; p0 < hw; p0 += 8) {
        const int64_t np = hw - p0 < 8 ? hw - p0 : 8;
        const __m256i keep = tnn_conv_keep8(np);
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
TNN_INLINE int tnn_f32_conv2d_mb8(const tnn_conv_params *p, const float *x,
                                  const float *wt, const float *bias, float *y) {
  const int64_t ksz = p->kh * p->kw, ohw = p->oh * p->ow, ystride = ohw;
  if (ksz == 1 && p->sh == 1 && p->sw == 1 && p->pt == 0 && p->pl == 0 &&
      p->oh == p->h && p->ow == p->w) {
    tnn_f32_conv1x1_mb8(p, x, wt, bias, y);
    return 1;
  }
  const int64_t span = 7 * p->sw + (p->kw - 1) * p->dw + 1;
  float seg[TNN_CONV_SPAN];
  if (span > TNN_CONV_SPAN) return 0;
  for (int64_t nb = 0; nb < p->n; nb++)
    for (int64_t m0 = 0; m0 < p->m; m0 += TNN_CONV_MB) {
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
                const __m256 xv = tnn_conv_load8(src + kx * p->dw, p->sw);
                const float *wv = wr + kx * TNN_CONV_MB;
                TNN_CONV_L16(TNN_CONV_FMA)
              }
            }
          float *yp = y + (nb * p->m + m0) * ohw + oy * p->ow + ox0;
          if (np == 8) {
            TNN_CONV_L16(TNN_CONV_STORE)
          } else {
            const __m256i keep = tnn_conv_keep8(np);
            TNN_CONV_L16(TNN_CONV_MASKSTORE)
          }
        }
    }
  return 1;
}
#endif

TNN_INLINE int tnn_f32_conv2d_mb(const void *vp, const void *const *in,
                                 void *const *out) {
  const tnn_conv_params *p = (const tnn_conv_params *)vp;
  const float *x = (const float *)in[0];
  const float *wt = (const float *)in[1];
  const float *bias = p->has_bias ? (const float *)in[2] : NULL;
  float *y = (float *)out[0];
  const int64_t ksz = p->kh * p->kw, ohw = p->oh * p->ow;
#if defined(TNN_CONV_AVX2)
  if (tnn_f32_conv2d_mb8(p, x, wt, bias, y)) return TNN_OK;
#endif
  for (int64_t nb = 0; nb < p->n; nb++)
    for (int64_t m0 = 0; m0 < p->m; m0 += TNN_CONV_MB) {
      const float *wb = wt + (m0 / TNN_CONV_MB) * p->c * ksz * TNN_CONV_MB;
      const int64_t nm = p->m - m0 < TNN_CONV_MB ? p->m - m0 : TNN_CONV_MB;
      for (int64_t oy = 0; oy < p->oh; oy++)
        for (int64_t ox0 = 0; ox0 < p->ow; ox0 += TNN_CONV_PX) {
          const int64_t np = p->ow - ox0 < TNN_CONV_PX ? p->ow - ox0 : TNN_CONV_PX;
          float acc[TNN_CONV_PX][TNN_CONV_MB];
          for (int64_t q = 0; q < TNN_CONV_PX; q++)
            for (int64_t l = 0; l < TNN_CONV_MB; l++)
              acc[q][l] = bias && l < nm ? bias[m0 + l] : 0.0f;
          /* the pixels whose every tap is inside the row */
          const int64_t ix_first = ox0 * p->sw - p->pl;
          const int64_t ix_last = (ox0 + np - 1) * p->sw - p->pl + (p->kw - 1) * p->dw;
          const int inside = ix_first >= 0 && ix_last < p->w && np == TNN_CONV_PX;
          for (int64_t c = 0; c < p->c; c++)
            for (int64_t ky = 0; ky < p->kh; ky++) {
              const int64_t iy = oy * p->sh - p->pt + ky * p->dh;
              if (iy < 0 || iy >= p->h) continue;
              const float *xr = x + ((nb * p->c + c) * p->h + iy) * p->w;
              const float *wr = wb + (c * ksz + ky * p->kw) * TNN_CONV_MB;
              for (int64_t kx = 0; kx < p->kw; kx++) {
                const float *wv = wr + kx * TNN_CONV_MB;
                const int64_t ix0 = ix_first + kx * p->dw;
                if (inside) {
                  for (int64_t q = 0; q < TNN_CONV_PX; q++) {
                    const float xv = xr[ix0 + q * p->sw];
                    for (int64_t l = 0; l < TNN_CONV_MB; l++) acc[q][l] += xv * wv[l];
                  }
                } else {
                  for (int64_t q = 0; q < np; q++) {
                    const int64_t ix = ix0 + q * p->sw;
                    if (ix < 0 || ix >= p->w) continue;
                    const float xv = xr[ix];
                    for (int64_t l = 0; l < TNN_CONV_MB; l++) acc[q][l] += xv * wv[l];
                  }
                }
              }
            }
          for (int64_t l = 0; l < nm; l++) {
            float *yp = y + (nb * p->m + m0 + l) * ohw + oy * p->ow + ox0;
            for (int64_t q = 0; q < np; q++) yp[q] = acc[q][l];
          }
        }
    }
  return TNN_OK;
}

/* Conv weights [m][c][kh][kw] -> the layout of tnn_f32_conv2d_mb. */
TNN_INLINE void tnn_conv_mb_layout(const float *w, int64_t m, int64_t c,
                                   int64_t ksz, float *out) {
  const int64_t mb = (m + TNN_CONV_MB - 1) / TNN_CONV_MB;
  memset(out, 0, sizeof(float) * (size_t)(mb * c * ksz * TNN_CONV_MB));
  for (int64_t o = 0; o < m; o++)
    for (int64_t i = 0; i < c * ksz; i++)
      out[((o / TNN_CONV_MB) * c * ksz + i) * TNN_CONV_MB + o % TNN_CONV_MB] =
          w[o * c * ksz + i];
}

/* ---------------------------------------------------------- gemm/matmul */

/* y[j] += a0 x0[j] + a1 x1[j] + a2 x2[j] + a3 x3[j] */
TNN_INLINE void tnn_nn_axpy4(float *restrict y, const float *restrict x0,
                                const float *restrict x1,
                                const float *restrict x2,
                                const float *restrict x3, float a0, float a1,
                                float a2, float a3, int64_t n) {
  const int64_t n4 = n - n % 4;
  TNN_NN_BLOCKS
  for (int64_t j = 0; j < n4; j += 4)
    for (int u = 0; u < 4; u++)
      y[j + u] += a0 * x0[j + u] + a1 * x1[j + u] + a2 * x2[j + u] +
                  a3 * x3[j + u];
  for (int64_t j = n4; j < n; j++)
    y[j] += a0 * x0[j] + a1 * x1[j] + a2 * x2[j] + a3 * x3[j];
}

/* Y[m, n] = A B with B [k, n] row-major and A(i, kk) at A[i*ai + kk*ak]
 * (a transposed A is just other strides).  i-k-j order: each row of Y
 * accumulates rows of B scaled by A's elements, four at a time (main
 * loop) then one at a time (tail). */
TNN_INLINE void tnn_nn_mm(const float *A, int64_t ai, int64_t ak,
                             const float *B, float *Y, int64_t m, int64_t n,
                             int64_t k) {
  const int64_t k4 = k - k % 4;
  for (int64_t i = 0; i < m; i++) {
    const float *ar = A + i * ai;
    float *yr = Y + i * n;
    for (int64_t j = 0; j < n; j++) yr[j] = 0.0f;
    for (int64_t kk = 0; kk < k4; kk += 4) {
      const float *b0 = B + kk * n;
      tnn_nn_axpy4(yr, b0, b0 + n, b0 + 2 * n, b0 + 3 * n, ar[kk * ak],
                   ar[(kk + 1) * ak], ar[(kk + 2) * ak], ar[(kk + 3) * ak],
                   n);
    }
    for (int64_t kk = k4; kk < k; kk++)
      tnn_nn_axpy(yr, B + kk * n, ar[kk * ak], n);
  }
}

/* Y[m, n] = A B^T with B [n, k] row-major: dot products of A's rows with
 * B's rows, four columns of Y at a time so each A element is loaded once
 * for four independent sums (main loop), then one (tail). */
TNN_INLINE void tnn_nn_mm_bt(const float *A, int64_t ai, int64_t ak,
                                const float *B, float *Y, int64_t m,
                                int64_t n, int64_t k) {
  const int64_t n4 = n - n % 4;
  for (int64_t i = 0; i < m; i++) {
    const float *ar = A + i * ai;
    float *yr = Y + i * n;
    for (int64_t j = 0; j < n4; j += 4) {
      const float *b0 = B + j * k, *b1 = b0 + k, *b2 = b1 + k, *b3 = b2 + k;
      float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
      for (int64_t kk = 0; kk < k; kk++) {
        const float a = ar[kk * ak];
        s0 += a * b0[kk];
        s1 += a * b1[kk];
        s2 += a * b2[kk];
        s3 += a * b3[kk];
      }
      yr[j] = s0;
      yr[j + 1] = s1;
      yr[j + 2] = s2;
      yr[j + 3] = s3;
    }
    for (int64_t j = n4; j < n; j++) {
      const float *b0 = B + j * k;
      float s0 = 0.0f;
      for (int64_t kk = 0; kk < k; kk++) s0 += ar[kk * ak] * b0[kk];
      yr[j] = s0;
    }
  }
}

/* y = alpha * op(A) op(B) + beta * C.  A is [m, k] ([k, m] if ta), B is
 * [k, n] ([n, k] if tb); C is read at i*c_rs + j*c_cs (0 strides
 * broadcast).  The product goes to y, then alpha and beta C are applied
 * row by row. */
TNN_INLINE int tnn_f32_gemm(const void *vp, const void *const *in,
                               void *const *out) {
  const tnn_gemm_params *p = (const tnn_gemm_params *)vp;
  const float *A = (const float *)in[0];
  const float *B = (const float *)in[1];
  const float *C = p->has_c ? (const float *)in[2] : NULL;
  float *y = (float *)out[0];
  const int64_t m = p->m, n = p->n, k = p->k;
  const float alpha = (float)p->alpha, beta = (float)p->beta;
  /* A(i, kk) at i*ai + kk*ak */
  const int64_t ai = p->ta ? 1 : k, ak = p->ta ? m : 1;
  if (p->tb)
    tnn_nn_mm_bt(A, ai, ak, B, y, m, n, k);
  else
    tnn_nn_mm(A, ai, ak, B, y, m, n, k);
  for (int64_t i = 0; i < m; i++) {
    float *yr = y + i * n;
    if (C) {
      const float *cr = C + i * p->c_rs;
      for (int64_t j = 0; j < n; j++)
        yr[j] = alpha * yr[j] + beta * cr[j * p->c_cs];
    } else if (alpha != 1.0f) {
      for (int64_t j = 0; j < n; j++) yr[j] *= alpha;
    }
  }
  return TNN_OK;
}

/* Batched y[b.., m, n] = A[b.., m, k] B[b.., k, n].  The output's batch
 * dims are bdims (brank of them); a_bs/b_bs are the operands' batch strides
 * in elements, 0 on broadcast dims.  brank 0 is a single product. */
TNN_INLINE int tnn_f32_matmul(const void *vp, const void *const *in,
                                 void *const *out) {
  const tnn_matmul_params *p = (const tnn_matmul_params *)vp;
  const float *A = (const float *)in[0];
  const float *B = (const float *)in[1];
  float *y = (float *)out[0];
  int64_t idx[TNN_MAX_RANK] = {0};
  int64_t nbatch = 1;
  for (int64_t d = 0; d < p->brank; d++) nbatch *= p->bdims[d];
  for (int64_t b = 0; b < nbatch; b++) {
    const float *ab = A + tnn_offset(p->brank, idx, p->a_bs);
    const float *bb = B + tnn_offset(p->brank, idx, p->b_bs);
    tnn_nn_mm(ab, p->k, 1, bb, y + b * p->m * p->n, p->m, p->n, p->k);
    tnn_index_next(p->brank, p->bdims, idx);
  }
  return TNN_OK;
}

/* -------------------------------------------------------------- pooling */

#if defined(TNN_CONV_AVX2)
/* Whether the eight output pixels from ox (ix = ox * sw - pl) all have
 * their windows inside the row: the pools' SIMD step. */
TNN_INLINE int tnn_pool_row8(const tnn_pool_params *p, int64_t ox, int64_t ix) {
  return ox + 8 <= p->ow && ix >= 0 && ix + 7 * p->sw + (p->kw - 1) * p->dw < p->w;
}
#endif

/* Max over the in-bounds cells of each window; padding never wins.  A
 * window with no in-bounds cell (only possible with pads >= kernel) gives
 * -FLT_MAX, as onnxruntime.  NaN inputs are skipped (v > m is false). */
TNN_INLINE int tnn_f32_max_pool(const void *vp, const void *const *in,
                                   void *const *out) {
  const tnn_pool_params *p = (const tnn_pool_params *)vp;
  const float *x = (const float *)in[0];
  float *y = (float *)out[0];
  const int64_t hw = p->h * p->w, ohw = p->oh * p->ow;
  for (int64_t pc = 0; pc < p->n * p->c; pc++) {
    const float *xp = x + pc * hw;
    float *yp = y + pc * ohw;
    for (int64_t oy = 0; oy < p->oh; oy++) {
      const int64_t iy = oy * p->sh - p->pt;
      int64_t ky0, ky1;
      tnn_nn_range(iy, p->dh, p->h, p->kh, &ky0, &ky1);
      for (int64_t ox = 0; ox < p->ow; ox++) {
        const int64_t ix = ox * p->sw - p->pl;
#if defined(TNN_CONV_AVX2)
        /* eight output pixels whose windows lie inside the row at once;
         * max_ps(v, m) is v > m ? v : m, the scalar loop's step */
        if (tnn_pool_row8(p, ox, ix)) {
          __m256 vm = _mm256_set1_ps(-FLT_MAX);
          for (int64_t ky = ky0; ky < ky1; ky++) {
            const float *xr = xp + (iy + ky * p->dh) * p->w + ix;
            for (int64_t kx = 0; kx < p->kw; kx++)
              vm = _mm256_max_ps(tnn_conv_load8(xr + kx * p->dw, p->sw), vm);
          }
          _mm256_storeu_ps(yp + oy * p->ow + ox, vm);
          ox += 7;
          continue;
        }
#endif
        int64_t kx0, kx1;
        tnn_nn_range(ix, p->dw, p->w, p->kw, &kx0, &kx1);
        float mx = -FLT_MAX;
        for (int64_t ky = ky0; ky < ky1; ky++) {
          const float *xr = xp + (iy + ky * p->dh) * p->w + ix;
          for (int64_t kx = kx0; kx < kx1; kx++) {
            const float v = xr[kx * p->dw];
            if (v > mx) mx = v;
          }
        }
        yp[oy * p->ow + ox] = mx;
      }
    }
  }
  return TNN_OK;
}

/* Mean over each window.  Divisor: with count_include_pad, the window cells
 * inside the padded input [-pt, h+pb) x [-pl, w+pr) (cells beyond it, which
 * only ceil_mode creates, are not counted); without, the in-bounds cells.
 * An empty divisor gives 0. */
TNN_INLINE int tnn_f32_avg_pool(const void *vp, const void *const *in,
                                   void *const *out) {
  const tnn_pool_params *p = (const tnn_pool_params *)vp;
  const float *x = (const float *)in[0];
  float *y = (float *)out[0];
  const int64_t hw = p->h * p->w, ohw = p->oh * p->ow;
  const int64_t ph = p->h + p->pt + p->pb, pw = p->w + p->pl + p->pr;
  for (int64_t pc = 0; pc < p->n * p->c; pc++) {
    const float *xp = x + pc * hw;
    float *yp = y + pc * ohw;
    for (int64_t oy = 0; oy < p->oh; oy++) {
      const int64_t iy = oy * p->sh - p->pt;
      int64_t ky0, ky1, cy0 = 0, cy1 = 0;
      tnn_nn_range(iy, p->dh, p->h, p->kh, &ky0, &ky1);
      if (p->count_include_pad)
        tnn_nn_range(iy + p->pt, p->dh, ph, p->kh, &cy0, &cy1);
      for (int64_t ox = 0; ox < p->ow; ox++) {
        const int64_t ix = ox * p->sw - p->pl;
#if defined(TNN_CONV_AVX2)
        /* eight output pixels whose windows lie inside the row at once,
         * each lane summing in the scalar loop's order; the count is then
         * the same for all eight */
        if (tnn_pool_row8(p, ox, ix)) {
          __m256 vs = _mm256_setzero_ps();
          for (int64_t ky = ky0; ky < ky1; ky++) {
            const float *xr = xp + (iy + ky * p->dh) * p->w + ix;
            for (int64_t kx = 0; kx < p->kw; kx++)
              vs = _mm256_add_ps(vs, tnn_conv_load8(xr + kx * p->dw, p->sw));
          }
          const int64_t cnt = p->count_include_pad ? (cy1 - cy0) * p->kw : (ky1 - ky0) * p->kw;
          _mm256_storeu_ps(yp + oy * p->ow + ox,
                           cnt > 0 ? _mm256_div_ps(vs, _mm256_set1_ps((float)cnt))
                                   : _mm256_setzero_ps());
          ox += 7;
          continue;
        }
#endif
        int64_t kx0, kx1, cx0 = 0, cx1 = 0;
        tnn_nn_range(ix, p->dw, p->w, p->kw, &kx0, &kx1);
        float s = 0.0f;
        for (int64_t ky = ky0; ky < ky1; ky++) {
          const float *xr = xp + (iy + ky * p->dh) * p->w + ix;
          for (int64_t kx = kx0; kx < kx1; kx++) s += xr[kx * p->dw];
        }
        int64_t cnt;
        if (p->count_include_pad) {
          tnn_nn_range(ix + p->pl, p->dw, pw, p->kw, &cx0, &cx1);
          cnt = (cy1 - cy0) * (cx1 - cx0);
        } else {
          cnt = (ky1 - ky0) * (kx1 - kx0);
        }
        yp[oy * p->ow + ox] = cnt > 0 ? s / (float)cnt : 0.0f;
      }
    }
  }
  return TNN_OK;
}

/* ----------------------------------------------------------- batch norm */

/* Inference BatchNormalization on x[n, c, spatial] (spatial: the product of
 * the dims after C):
 *     y = x * s + (bias - mean * s),   s = scale / sqrt(var + eps)
 * as onnxruntime computes it. */
TNN_INLINE int tnn_f32_batchnorm(const void *vp, const void *const *in,
                                    void *const *out) {
  const tnn_bn_params *p = (const tnn_bn_params *)vp;
  const float *x = (const float *)in[0];
  const float *scale = (const float *)in[1];
  const float *bias = (const float *)in[2];
  const float *mean = (const float *)in[3];
  const float *var = (const float *)in[4];
  float *y = (float *)out[0];
  const float eps = (float)p->eps;
  const int64_t sp = p->spatial;
  for (int64_t c = 0; c < p->c; c++) {
    const float s = scale[c] / sqrtf(var[c] + eps);
    const float b = bias[c] - mean[c] * s;
    for (int64_t nb = 0; nb < p->n; nb++) {
      const float *xp = x + (nb * p->c + c) * sp;
      float *yp = y + (nb * p->c + c) * sp;
      for (int64_t i = 0; i < sp; i++) yp[i] = xp[i] * s + b;
    }
  }
  return TNN_OK;
}

/* -------------------------------------------------------------- softmax */

/* Softmax / LogSoftmax over the middle axis of x seen as [outer, len,
 * inner], stable: exp(x - max).  With inner > 1 the axis is strided; the
 * inner columns are processed in chunks of TNN_NN_CHUNK whose running max
 * and sum live on the stack, so every pass reads contiguous rows.  Each
 * element of y depends only on the same element of x and the column's
 * max/sum, so y may alias x. */
#define TNN_NN_CHUNK 64

TNN_INLINE int tnn_nn_softmax(const tnn_axis_params *p, const float *x,
                                 float *y, int log_out) {
  const int64_t len = p->len, inner = p->inner;
  for (int64_t o = 0; o < p->outer; o++) {
    const float *xo = x + o * len * inner;
    float *yo = y + o * len * inner;
    if (inner == 1) {
      float mx = -INFINITY;
      for (int64_t l = 0; l < len; l++)
        if (xo[l] > mx) mx = xo[l];
      double s = 0.0;
      if (log_out) {
        for (int64_t l = 0; l < len; l++) s += expf(xo[l] - mx);
        const float ls = (float)log(s);
        for (int64_t l = 0; l < len; l++) yo[l] = xo[l] - mx - ls;
      } else {
        for (int64_t l = 0; l < len; l++) {
          const float e = expf(xo[l] - mx);
          yo[l] = e;
          s += e;
        }
        const float r = (float)(1.0 / s);
        for (int64_t l = 0; l < len; l++) yo[l] *= r;
      }
      continue;
    }
    for (int64_t i0 = 0; i0 < inner; i0 += TNN_NN_CHUNK) {
      const int64_t cw = inner - i0 < TNN_NN_CHUNK ? inner - i0 : TNN_NN_CHUNK;
      float mx[TNN_NN_CHUNK];
      double s[TNN_NN_CHUNK];
      for (int64_t i = 0; i < cw; i++) {
        mx[i] = -INFINITY;
        s[i] = 0.0;
      }
      for (int64_t l = 0; l < len; l++) {
        const float *xr = xo + l * inner + i0;
        for (int64_t i = 0; i < cw; i++)
          if (xr[i] > mx[i]) mx[i] = xr[i];
      }
      for (int64_t l = 0; l < len; l++) {
        const float *xr = xo + l * inner + i0;
        float *yr = yo + l * inner + i0;
        for (int64_t i = 0; i < cw; i++) {
          const float e = expf(xr[i] - mx[i]);
          if (!log_out) yr[i] = e;
          s[i] += e;
        }
      }
      /* f: log(sum) subtracted from x - max, or 1/sum multiplying e */
      float f[TNN_NN_CHUNK];
      for (int64_t i = 0; i < cw; i++)
        f[i] = log_out ? (float)log(s[i]) : (float)(1.0 / s[i]);
      for (int64_t l = 0; l < len; l++) {
        const float *xr = xo + l * inner + i0;
        float *yr = yo + l * inner + i0;
        if (log_out)
          for (int64_t i = 0; i < cw; i++) yr[i] = xr[i] - mx[i] - f[i];
        else
          for (int64_t i = 0; i < cw; i++) yr[i] *= f[i];
      }
    }
  }
  return TNN_OK;
}

TNN_INLINE int tnn_f32_softmax(const void *vp, const void *const *in,
                                  void *const *out) {
  return tnn_nn_softmax((const tnn_axis_params *)vp, (const float *)in[0],
                        (float *)out[0], 0);
}

TNN_INLINE int tnn_f32_log_softmax(const void *vp, const void *const *in,
                                      void *const *out) {
  return tnn_nn_softmax((const tnn_axis_params *)vp, (const float *)in[0],
                        (float *)out[0], 1);
}

#define TNN_KERNELS_NN(K)                                                     \
  K(f32_conv2d, conv) K(f32_conv2d_mb, conv) K(f32_gemm, gemm)                \
  K(f32_matmul, matmul)                                                       \
  K(f32_max_pool, pool) K(f32_avg_pool, pool) K(f32_batchnorm, bn)            \
  K(f32_softmax, axis) K(f32_log_softmax, axis)
