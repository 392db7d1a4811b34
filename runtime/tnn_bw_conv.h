/* tnn runtime, binary/ternary weights: the 2-D convolutions (patch dots;
 * the lane-mask layout of sixteen output channels). */
#ifndef TNN_TNN_BW_CONV_H
#define TNN_TNN_BW_CONV_H

#include "tnn_bw.h"

/* 2-D convolution, NCHW, groups, strides, pads (zero), dilations.  Each
 * output pixel's receptive field is gathered once into a patch (zeros for
 * padding), then every output channel of the group is one packed row
 * against it. */
TNN_INLINE int tnn_f32_bwconv(const void *vp, const void *const *in,
                              void *const *out) {
  const tnn_bwconv_params *p = (const tnn_bwconv_params *)vp;
  const float *x = (const float *)in[0];
  const uint8_t *w = (const uint8_t *)in[1];
  const float *scale = (const float *)in[2], *bias = (const float *)in[3];
  float *y = (float *)out[0];
  const float lo = (float)p->lo, hi = (float)p->hi;
  const int64_t cg = p->c / p->group, mg = p->m / p->group;
  const int64_t k = cg * p->kh * p->kw, n = p->m * k;
  const int64_t ohw = p->oh * p->ow;
  float patch[TNN_BW_MAX_PATCH];
  uint8_t buf[2 * TNN_BW_B3BYTES];
  if (k > TNN_BW_MAX_PATCH) return TNN_E_ARG;
  if (p->format == TNN_BW_BASE3 && k > TNN_BW_B3BYTES * 8) return TNN_E_ARG;
  for (int64_t b = 0; b < p->n; b++)
    for (int64_t g = 0; g < p->group; g++) {
      const float *xg = x + (b * p->c + g * cg) * p->h * p->w;
      int64_t block = p->format == TNN_BW_BASE3 ? (TNN_BW_B3BYTES * 8) / k : mg;
      if (block < 1) block = 1;
      for (int64_t m0 = 0; m0 < mg; m0 += block) {
        int64_t rows = mg - m0 < block ? mg - m0 : block;
        tnn_bw_row base;
        tnn_bw_rows(p->format, w, n, k, g * mg + m0, rows, buf, TNN_BW_B3BYTES,
                    &base);
        for (int64_t oy = 0; oy < p->oh; oy++)
          for (int64_t ox = 0; ox < p->ow; ox++) {
            float *pp = patch;
            for (int64_t c = 0; c < cg; c++)
              for (int64_t ky = 0; ky < p->kh; ky++) {
                const int64_t iy = oy * p->sh - p->pt + ky * p->dh;
                for (int64_t kx = 0; kx < p->kw; kx++) {
                  const int64_t ix = ox * p->sw - p->pl + kx * p->dw;
                  *pp++ = iy >= 0 && iy < p->h && ix >= 0 && ix < p->w
                              ? xg[(c * p->h + iy) * p->w + ix] : 0.0f;
                }
              }
            for (int64_t r = 0; r < rows; r++) {
              tnn_bw_row row = base;
              row.off = base.off + r * k;
              const int64_t m = g * mg + m0 + r;
              float v = tnn_bw_dot(&row, patch, k) * scale[m] + bias[m];
              y[(b * p->m + m) * ohw + oy * p->ow + ox] =
                  v < lo ? lo : v > hi ? hi : v;
            }
          }
      }
    }
  return TNN_OK;
}

/* The same convolution (group 1) with the weights laid out for SIMD:
 * per block of 16 output channels, per tap (c, ky, kx) in order, 16-bit
 * lane masks stored as two bytes, low byte first: binary one mask (bit
 * set = +1), ternary two (nonzero, then negative), channels beyond m zero.  Sixteen output channels and eight
 * pixels of a row at a time: each input value is added to the lanes whose
 * weight is +1 and subtracted from those whose weight is -1 (AVX-512:
 * masked add and masked subtract; no multiplication by a weight). */
#define TNN_BWMB 16
#define TNN_BWPX 8

/* Bytes of the lane-mask layout. */
TNN_INLINE int64_t tnn_bw_mb_bytes(int64_t format, int64_t m, int64_t ck) {
  return (m + TNN_BWMB - 1) / TNN_BWMB * ck * (format == TNN_BW_BINARY ? 2 : 4);
}

/* t[m][c*kh*kw] -> the lane masks above. */
TNN_INLINE void tnn_bw_mb_layout(int64_t format, const int8_t *t, int64_t m,
                                 int64_t ck, uint8_t *out) {
  const int64_t planes = format == TNN_BW_BINARY ? 1 : 2;
  memset(out, 0, (size_t)tnn_bw_mb_bytes(format, m, ck));
  for (int64_t o = 0; o < m; o++)
    for (int64_t i = 0; i < ck; i++) {
      uint8_t *e = out + ((o / TNN_BWMB) * ck + i) * planes * 2;
      const int l = (int)(o % TNN_BWMB);
      const uint8_t bit = (uint8_t)(1u << (l % 8));
      const int v = t[o * ck + i];
      if (planes == 1) {
        if (v > 0) e[l / 8] |= bit;
      } else {
        if (v) e[l / 8] |= bit;
        if (v < 0) e[2 + l / 8] |= bit;
      }
    }
}

/* The lanes of tap entry e whose weight is +1 (*pos) and -1 (*neg). */
TNN_INLINE void tnn_bw_mb_masks(const uint8_t *e, int64_t planes, unsigned *pos,
                                unsigned *neg) {
  const unsigned all = (1u << TNN_BWMB) - 1;
  const unsigned m0 = (unsigned)e[0] | (unsigned)e[1] << 8;
  const unsigned m1 = planes == 1 ? 0u : ((unsigned)e[2] | (unsigned)e[3] << 8);
  *pos = planes == 1 ? m0 : (m0 & ~m1 & all);
  *neg = planes == 1 ? (~m0 & all) : m1;
}

/* acc[l] += x where lane l's weight is +1, -= x where it is -1 */
TNN_INLINE void tnn_bw_mb_step__scalar(float *acc, float xv, unsigned pos, unsigned neg) {
  for (int l = 0; l < TNN_BWMB; l++) {
    if (pos >> l & 1u) acc[l] += xv;
    if (neg >> l & 1u) acc[l] -= xv;
  }
}

#include "tnn_bw_conv__avx512.h"

TNN_INLINE void tnn_bw_mb_step(float *acc, float xv, unsigned pos, unsigned neg) {
#if defined(TNN_BW_AVX512)
  tnn_bw_mb_step__avx512(acc, xv, pos, neg);
#else
  tnn_bw_mb_step__scalar(acc, xv, pos, neg);
#endif
}

/* Share `part` of `nparts` (tnn_runtime.h): the blocks of TNN_BWMB output
 * channels [mlo, mhi). */
TNN_INLINE int tnn_f32_bwconv_mb_part(const void *vp, const void *const *in,
                                      void *const *out, int64_t part, int64_t nparts) {
  const tnn_bwconv_params *p = (const tnn_bwconv_params *)vp;
  const float *x = (const float *)in[0];
  const uint8_t *w = (const uint8_t *)in[1];
  const float *scale = (const float *)in[2], *bias = (const float *)in[3];
  float *y = (float *)out[0];
  const float lo = (float)p->lo, hi = (float)p->hi;
  const int64_t planes = p->format == TNN_BW_BINARY ? 1 : 2;
  const int64_t ksz = p->kh * p->kw, ck = p->c * ksz, ohw = p->oh * p->ow;
  int64_t mlo, mhi;
  tnn_part_range(p->m, TNN_BWMB, part, nparts, &mlo, &mhi);
  for (int64_t nb = 0; nb < p->n; nb++)
    for (int64_t m0 = mlo; m0 < mhi; m0 += TNN_BWMB) {
      const uint8_t *wb = w + (m0 / TNN_BWMB) * ck * planes * 2;
      const int64_t nm = p->m - m0 < TNN_BWMB ? p->m - m0 : TNN_BWMB;
      for (int64_t oy = 0; oy < p->oh; oy++)
        for (int64_t ox0 = 0; ox0 < p->ow; ox0 += TNN_BWPX) {
          const int64_t np = p->ow - ox0 < TNN_BWPX ? p->ow - ox0 : TNN_BWPX;
          float acc[TNN_BWPX][TNN_BWMB];
          memset(acc, 0, sizeof acc);
#if defined(TNN_BW_AVX512)
          /* eight pixels whose taps are all inside the row: sums in registers */
          const int64_t ixa = ox0 * p->sw - p->pl;
          const int64_t ixz = (ox0 + TNN_BWPX - 1) * p->sw - p->pl + (p->kw - 1) * p->dw;
          if (np == TNN_BWPX && ixa >= 0 && ixz < p->w)
            tnn_bw_mb_row8__avx512(p, x, wb, planes, nb, oy, ixa, acc);
          else
#endif
          for (int64_t c = 0; c < p->c; c++)
            for (int64_t ky = 0; ky < p->kh; ky++) {
              const int64_t iy = oy * p->sh - p->pt + ky * p->dh;
              if (iy < 0 || iy >= p->h) continue;
              const float *xr = x + ((nb * p->c + c) * p->h + iy) * p->w;
              for (int64_t kx = 0; kx < p->kw; kx++) {
                unsigned pos, neg;
                tnn_bw_mb_masks(wb + (c * ksz + ky * p->kw + kx) * planes * 2, planes,
                                &pos, &neg);
                const int64_t ix0 = ox0 * p->sw - p->pl + kx * p->dw;
                for (int64_t q = 0; q < np; q++) {
                  const int64_t ix = ix0 + q * p->sw;
                  if (ix < 0 || ix >= p->w) continue;
                  tnn_bw_mb_step(acc[q], xr[ix], pos, neg);
                }
              }
            }
          for (int64_t l = 0; l < nm; l++) {
            const int64_t m = m0 + l;
            float *yp = y + (nb * p->m + m) * ohw + oy * p->ow + ox0;
            for (int64_t q = 0; q < np; q++) {
              float v = acc[q][l] * scale[m];
              v = v + bias[m];
              yp[q] = v < lo ? lo : v > hi ? hi : v;
            }
          }
        }
    }
  return TNN_OK;
}

TNN_INLINE int tnn_f32_bwconv_mb(const void *vp, const void *const *in, void *const *out) {
  return tnn_f32_bwconv_mb_part(vp, in, out, 0, 1);
}

#define TNN_KERNELS_BW_CONV(K) K(f32_bwconv, bwconv) K(f32_bwconv_mb, bwconv)

#endif
