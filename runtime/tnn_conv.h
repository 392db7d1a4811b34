/* tnn runtime: float 2-D convolution (direct, and on a SIMD layout of the
 * weights, tnn_conv__avx2.h) and float 2-D transposed convolution. */
#ifndef TNN_TNN_CONV_H
#define TNN_TNN_CONV_H

#include "tnn_nn.h"

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

#include "tnn_conv__avx2.h"

/* Share `part` of `nparts` (tnn_runtime.h): the blocks of TNN_CONV_MB
 * output channels [mlo, mhi). */
TNN_INLINE int tnn_f32_conv2d_mb_part(const void *vp, const void *const *in,
                                      void *const *out, int64_t part, int64_t nparts) {
  const tnn_conv_params *p = (const tnn_conv_params *)vp;
  const float *x = (const float *)in[0];
  const float *wt = (const float *)in[1];
  const float *bias = p->has_bias ? (const float *)in[2] : NULL;
  float *y = (float *)out[0];
  const int64_t ksz = p->kh * p->kw, ohw = p->oh * p->ow;
  int64_t mlo, mhi;
  tnn_part_range(p->m, TNN_CONV_MB, part, nparts, &mlo, &mhi);
#if defined(TNN_CONV_AVX2)
  if (tnn_f32_conv2d_mb8__avx2(p, x, wt, bias, y, mlo, mhi)) return TNN_OK;
#endif
  for (int64_t nb = 0; nb < p->n; nb++)
    for (int64_t m0 = mlo; m0 < mhi; m0 += TNN_CONV_MB) {
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

TNN_INLINE int tnn_f32_conv2d_mb(const void *vp, const void *const *in,
                                 void *const *out) {
  return tnn_f32_conv2d_mb_part(vp, in, out, 0, 1);
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

/* --------------------------------------------------------- conv transpose */

/* ConvTranspose, x [n][c][h][w], w [c][m/group][kh][kw], y [n][m][oh][ow]:
 *   y[n, mo, oy, ox] = bias[mo] + sum over ky, kx with
 *     oy + pt - ky*dh = iy*sh, ox + pl - kx*dw = ix*sw (iy, ix inside x) of
 *       t(iy, ix, ky, kx) = sum over ic in mo's group of
 *         w[g*cg + ic, mo - g*mg, ky, kx] * x[n, g*cg + ic, iy, ix]
 * gathered per output pixel.  The sums take onnxruntime's order: it runs
 * ConvTranspose as a GEMM per group (col[(oc, ky, kx), (iy, ix)] = the
 * ic-sum t, from ic 0 up) and col2im, which zeroes y and adds col rows in
 * (oc, ky, kx) order, ky outer; the bias is added to the finished sum.  So
 * each t sums ic upward from its first product, the taps add to 0 in ky,
 * kx order, and the bias comes last (onnxruntime's GEMM may fuse the
 * multiply-adds: results then differ in the last bits).  pt/pl are the
 * begin pads; the end pads and output_padding are implied by oh/ow. */
TNN_INLINE int tnn_f32_convt2d(const void *vp, const void *const *in,
                               void *const *out) {
  const tnn_conv_params *p = (const tnn_conv_params *)vp;
  const float *x = (const float *)in[0];
  const float *wt = (const float *)in[1];
  const float *bias = p->has_bias ? (const float *)in[2] : NULL;
  float *y = (float *)out[0];
  const int64_t cg = p->c / p->group, mg = p->m / p->group;
  const int64_t hw = p->h * p->w, ksz = p->kh * p->kw, wic = mg * ksz;
  for (int64_t nb = 0; nb < p->n; nb++)
    for (int64_t mo = 0; mo < p->m; mo++) {
      const int64_t gi = mo / mg;
      const float *xg = x + (nb * p->c + gi * cg) * hw;
      const float *wg = wt + (gi * cg * mg + mo % mg) * ksz;
      float *yp = y + (nb * p->m + mo) * p->oh * p->ow;
      for (int64_t oy = 0; oy < p->oh; oy++)
        for (int64_t ox = 0; ox < p->ow; ox++) {
          float acc = 0.0f;
          for (int64_t ky = 0; ky < p->kh; ky++) {
            const int64_t ty = oy + p->pt - ky * p->dh;
            if (ty < 0 || ty % p->sh != 0 || ty / p->sh >= p->h) continue;
            const int64_t iy = ty / p->sh;
            for (int64_t kx = 0; kx < p->kw; kx++) {
              const int64_t tx = ox + p->pl - kx * p->dw;
              if (tx < 0 || tx % p->sw != 0 || tx / p->sw >= p->w) continue;
              const float *xp = xg + iy * p->w + tx / p->sw;
              const float *wp = wg + ky * p->kw + kx;
              float t = 0.0f;
              for (int64_t ic = 0; ic < cg; ic++) t += wp[ic * wic] * xp[ic * hw];
              acc += t;
            }
          }
          yp[oy * p->ow + ox] = bias ? acc + bias[mo] : acc;
        }
    }
  return TNN_OK;
}

#define TNN_KERNELS_CONV(K) K(f32_conv2d, conv) K(f32_conv2d_mb, conv) K(f32_convt2d, conv)

#endif
