/* tnn runtime: float max and average pooling. */
#ifndef TNN_TNN_POOL_H
#define TNN_TNN_POOL_H

#include "tnn_nn.h"

/* -------------------------------------------------------------- pooling */
/* Whether the eight output pixels from ox (ix = ox * sw - pl) all have
 * their windows inside the row: the pools' SIMD step. */
TNN_INLINE int tnn_pool_row8(const tnn_pool_params *p, int64_t ox, int64_t ix) {
  return ox + 8 <= p->ow && ix >= 0 && ix + 7 * p->sw + (p->kw - 1) * p->dw < p->w;
}
/* The eight outputs y[0..7] of window rows [ky0, ky1) whose columns all
 * lie inside the row, x at the window of the first (x[(ky * dh) * w + kx
 * * dw + q * sw] for output q): max over the cells (padding never wins),
 * and the sum divided by cnt (0 when cnt is 0), in the generic loop's
 * order; the twins of tnn_pool__avx2.h. */
TNN_INLINE void tnn_pool_max8__scalar(const tnn_pool_params *p, const float *x, int64_t ky0,
                                      int64_t ky1, float *y) {
  for (int64_t q = 0; q < 8; q++) {
    float mx = -FLT_MAX;
    for (int64_t ky = ky0; ky < ky1; ky++)
      for (int64_t kx = 0; kx < p->kw; kx++) {
        const float v = x[ky * p->dh * p->w + kx * p->dw + q * p->sw];
        if (v > mx) mx = v;
      }
    y[q] = mx;
  }
}

TNN_INLINE void tnn_pool_avg8__scalar(const tnn_pool_params *p, const float *x, int64_t ky0,
                                      int64_t ky1, int64_t cnt, float *y) {
  for (int64_t q = 0; q < 8; q++) {
    float s = 0.0f;
    for (int64_t ky = ky0; ky < ky1; ky++)
      for (int64_t kx = 0; kx < p->kw; kx++) s += x[ky * p->dh * p->w + kx * p->dw + q * p->sw];
    y[q] = cnt > 0 ? s / (float)cnt : 0.0f;
  }
}

#include "tnn_pool__avx2.h"



/* Max over the in-bounds cells of each window; padding never wins.  A
 * window with no in-bounds cell (only possible with pads >= kernel) gives
 * -FLT_MAX, as onnxruntime.  NaN inputs are skipped (v > m is false). */
TNN_INLINE int tnn_f32_max_pool_part(const void *vp, const void *const *in,
                                      void *const *out, int64_t part, int64_t nparts) {
  const tnn_pool_params *p = (const tnn_pool_params *)vp;
  const float *x = (const float *)in[0];
  float *y = (float *)out[0];
  const int64_t hw = p->h * p->w, ohw = p->oh * p->ow;
  int64_t plo, phi;            /* share `part`: the planes [plo, phi) */
  tnn_part_range(p->n * p->c, 1, part, nparts, &plo, &phi);
  for (int64_t pc = plo; pc < phi; pc++) {
    const float *xp = x + pc * hw;
    float *yp = y + pc * ohw;
    for (int64_t oy = 0; oy < p->oh; oy++) {
      const int64_t iy = oy * p->sh - p->pt;
      int64_t ky0, ky1;
      tnn_nn_range(iy, p->dh, p->h, p->kh, &ky0, &ky1);
      for (int64_t ox = 0; ox < p->ow; ox++) {
        const int64_t ix = ox * p->sw - p->pl;
#if defined(TNN_CONV_AVX2)
        /* eight output pixels whose windows lie inside the row at once */
        if (tnn_pool_row8(p, ox, ix)) {
          tnn_pool_max8__avx2(p, xp + iy * p->w + ix, ky0, ky1, yp + oy * p->ow + ox);
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
TNN_INLINE int tnn_f32_avg_pool_part(const void *vp, const void *const *in,
                                      void *const *out, int64_t part, int64_t nparts) {
  const tnn_pool_params *p = (const tnn_pool_params *)vp;
  const float *x = (const float *)in[0];
  float *y = (float *)out[0];
  const int64_t hw = p->h * p->w, ohw = p->oh * p->ow;
  const int64_t ph = p->h + p->pt + p->pb, pw = p->w + p->pl + p->pr;
  int64_t plo, phi;            /* share `part`: the planes [plo, phi) */
  tnn_part_range(p->n * p->c, 1, part, nparts, &plo, &phi);
  for (int64_t pc = plo; pc < phi; pc++) {
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
        /* eight output pixels whose windows lie inside the row at once;
         * the count is then the same for all eight */
        if (tnn_pool_row8(p, ox, ix)) {
          const int64_t cnt = p->count_include_pad ? (cy1 - cy0) * p->kw : (ky1 - ky0) * p->kw;
          tnn_pool_avg8__avx2(p, xp + iy * p->w + ix, ky0, ky1, cnt, yp + oy * p->ow + ox);
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

TNN_INLINE int tnn_f32_max_pool(const void *vp, const void *const *in, void *const *out) {
  return tnn_f32_max_pool_part(vp, in, out, 0, 1);
}

TNN_INLINE int tnn_f32_avg_pool(const void *vp, const void *const *in, void *const *out) {
  return tnn_f32_avg_pool_part(vp, in, out, 0, 1);
}

#define TNN_KERNELS_POOL(K) K(f32_max_pool, pool) K(f32_avg_pool, pool)

#endif
