/* tnn runtime, 8-bit and few-bit activations (tnn_i8.h): the convolution on
 * codes (gathered patches). */
#ifndef TNN_TNN_I8_CONV_H
#define TNN_TNN_I8_CONV_H

#include "tnn_i8.h"

/* Patch of output pixel (oy, ox) of image u (NHWC codes) into dst[kp]. */
TNN_INLINE void tnn_i8_patch(const tnn_i8conv_params *p, const uint8_t *u, int64_t oy,
                             int64_t ox, uint8_t *dst) {
  uint8_t *d = dst;
  const int64_t ix0 = ox * p->sw - p->pl, run = p->kw * p->c;
  const int inside = p->dw == 1 && ix0 >= 0 && ix0 + p->kw <= p->w;
  for (int64_t ky = 0; ky < p->kh; ky++) {
    const int64_t iy = oy * p->sh - p->pt + ky * p->dh;
    if (inside && iy >= 0 && iy < p->h) {   /* the window row is one run of NHWC bytes */
      memcpy(d, u + (iy * p->w + ix0) * p->c, (size_t)run);
      d += run;
      continue;
    }
    for (int64_t kx = 0; kx < p->kw; kx++, d += p->c) {
      const int64_t ix = ox * p->sw - p->pl + kx * p->dw;
      if (iy < 0 || iy >= p->h || ix < 0 || ix >= p->w)
        memset(d, (int)p->upad, (size_t)p->c);
      else
        memcpy(d, u + (iy * p->w + ix) * p->c, (size_t)p->c);
    }
  }
  memset(d, 0, (size_t)(dst + p->kp - d));
}

/* The blocked layout's float staging (pb x m floats) in the workspace,
 * after the patches (pb * kp bytes, 64-byte aligned): its offset, and the
 * workspace of one share with it. */
TNN_INLINE int64_t tnn_i8_b16_tmp_at(const tnn_i8conv_params *p) {
  return (p->pb * p->kp + 63) / 64 * 64;
}
TNN_INLINE int64_t tnn_i8_conv_scratch(const tnn_i8conv_params *p) {
  return p->wb16 ? tnn_i8_b16_tmp_at(p) + p->pb * p->m * (int64_t)sizeof(float) : p->pb * p->kp;
}

/* Share `part` of `nparts` (tnnc --threads): the patch blocks [lo, hi) of
 * all images' (n * ceil(oh*ow / pb) blocks), each share gathering into its
 * own part of the workspace. */
TNN_INLINE int tnn_x_i8conv_part(const void *vp, const void *const *in, void *const *out,
                                 int64_t part, int64_t nparts) {
  const tnn_i8conv_params *p = (const tnn_i8conv_params *)vp;
  const uint8_t *u = (const uint8_t *)in[0];
  uint8_t *patches = (uint8_t *)out[1] + part * tnn_part_scratch(p->scratch);
  const int64_t np = p->oh * p->ow, nblk = (np + p->pb - 1) / p->pb;
  int64_t lo, hi;
  tnn_part_range(p->n * nblk, 1, part, nparts, &lo, &hi);
  tnn_i8_epi e;
  tnn_i8quant_params q;
  e.si = 1;
  e.sj = np;
  e.y = NULL;
  e.u = NULL;
  e.q = NULL;
  e.qoff = (int32_t)p->qoff;
  e.qstep = (float)p->qstep;
  if (p->ocode) {
    TNN_I8_FUSED_QUANT(p, q);
    e.q = &q;
  }
  if (p->ocode == 1) {         /* codes, NHWC */
    e.si = p->m;
    e.sj = 1;
  }
  e.scale = (const float *)in[2];
  e.bias = (const float *)in[3];
  e.corr = (const int32_t *)in[4];
  e.lo = (float)p->lo;
  e.hi = (float)p->hi;
  for (int64_t blk = lo; blk < hi; blk++) {
    const int64_t b = blk / nblk, p0 = blk % nblk * p->pb;
    const uint8_t *ub = u + b * p->h * p->w * p->c;
    {
      const int64_t cnt = np - p0 < p->pb ? np - p0 : p->pb;
      for (int64_t i = 0; i < cnt; i++)
        tnn_i8_patch(p, ub, (p0 + i) / p->ow, (p0 + i) % p->ow, patches + i * p->kp);
      float *y = (float *)out[0] + b * p->m * np + p0;
      if (p->ocode == 1) e.u = (uint8_t *)out[0] + b * p->ostride + p0 * p->m;
      else e.y = y;
      if (p->wb16 && p->ocode != 1) {
        /* float out (NCHW): the block's values pixel-major in the workspace
         * after the patches (stores of 16 channels side by side), then one
         * run of cnt pixels per channel plane */
        float *t = (float *)(patches + tnn_i8_b16_tmp_at(p));
        e.y = t;
        e.si = p->m;
        e.sj = 1;
        tnn_i8_gemm_b16(patches, cnt, (const int8_t *)in[1], p->m, p->kp, &e);
        for (int64_t ch = 0; ch < p->m; ch++)
          for (int64_t i = 0; i < cnt; i++) y[ch * np + i] = t[i * p->m + ch];
      } else if (p->wb16) {
        tnn_i8_gemm_b16(patches, cnt, (const int8_t *)in[1], p->m, p->kp, &e);
      } else {
        tnn_i8_gemm(patches, cnt, (const int8_t *)in[1], p->m, p->kp, p->wmax, &e);
      }
    }
  }
  return TNN_OK;
}

TNN_INLINE int tnn_x_i8conv(const void *vp, const void *const *in, void *const *out) {
  return tnn_x_i8conv_part(vp, in, out, 0, 1);
}

#define TNN_KERNELS_I8_CONV(K) K(x_i8conv, i8conv)
#endif
