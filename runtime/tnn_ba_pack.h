/* tnn runtime, packed activations: the first quantizer (float -> packed
 * rows or images; layout in tnn_ba.h).  Eight pixels at a time by AVX2
 * (tnn_ba_pack__avx2.h) when the float kernels' AVX2 variant is on. */
#ifndef TNN_TNN_BA_PACK_H
#define TNN_TNN_BA_PACK_H

#include "tnn_ba.h"
#include "tnn_ba_pack__avx2.h"

/* Eight pixels by eight channels of the first quantizer: ge0 / ge1 bit
 * 8 j + i set when channel j's value at pixel i is >= its threshold t0 /
 * t1 (an unordered compare is false: NaN is below every threshold); the
 * values at x[j * stride + i], the thresholds at thr[j * tstep] and
 * thr[j * tstep + 1]. */
/* The 8x8 bit transposes turn the eight channel bytes into eight pixel
 * bytes, stored at px[i * cb] (the nonzero plane, then the sign plane
 * `plane` bytes further when bits is 2; the sign plane only when 1). */
TNN_INLINE void tnn_ba_pack8_store(uint8_t *px, int64_t bits, int64_t cb, int64_t plane,
                                   uint64_t ge0, uint64_t ge1) {
  const uint64_t sg = tnn_ba_transpose8(~ge0);      /* level -1 */
  const uint64_t nz = tnn_ba_transpose8(ge1 | ~ge0);
  for (int64_t i = 0; i < 8; i++) {
    if (bits == 2) {
      px[i * cb] = (uint8_t)(nz >> (8 * i));
      px[i * cb + plane] = (uint8_t)(sg >> (8 * i));
    } else {
      px[i * cb] = (uint8_t)(sg >> (8 * i));
    }
  }
}

TNN_INLINE void tnn_ba_pack8__scalar(const float *x, int64_t stride, const float *thr,
                                     int64_t tstep, uint64_t *ge0, uint64_t *ge1) {
  uint64_t g0 = 0, g1 = 0;
  for (int64_t j = 0; j < 8; j++)
    for (int64_t i = 0; i < 8; i++) {
      const float v = x[j * stride + i];
      g0 |= (uint64_t)(v >= thr[j * tstep]) << (8 * j + i);
      g1 |= (uint64_t)(v >= thr[j * tstep + 1]) << (8 * j + i);
    }
  *ge0 = g0;
  *ge1 = g1;
}

/* The first quantizer: float x seen as [outer][c][inner]; value = -1 + (x
 * >= t0) + (x >= t1) with thresholds thr[c][2] (thr[0][2] for all channels
 * when global; a NaN threshold is never reached).  pixels 0: each outer
 * index is one packed row of c * inner values (for fully connected layers);
 * pixels 1: each outer index is an image of `inner` pixels with c channels,
 * written as [bits][inner][cb] (for convolutions). */
TNN_INLINE int tnn_f32_bapack_part(const void *vp, const void *const *in,
                                   void *const *out, int64_t part, int64_t nparts) {
  const tnn_bapack_params *p = (const tnn_bapack_params *)vp;
  const float *x = (const float *)in[0], *thr = (const float *)in[1];
  uint8_t *y = (uint8_t *)out[0];
  const int64_t cb = (p->c + 7) / 8, kb = (p->c * p->inner + 7) / 8;
  const int64_t per = p->pixels ? p->bits * p->inner * cb : p->bits * kb;
  if (p->pixels) {
    /* share `part`: the pixels [lo, hi) of every image, in steps of 8 */
    int64_t lo, hi;
    tnn_part_range(p->inner, 8, part, nparts, &lo, &hi);
    /* pixel by pixel, eight channels per byte built in registers */
    for (int64_t o = 0; o < p->outer; o++) {
      uint8_t *img = y + o * per;
      const float *xo = x + o * p->c * p->inner;
      for (int64_t b = 0; b < p->bits; b++)
        memset(img + (b * p->inner + lo) * cb, 0, (size_t)((hi - lo) * cb));
      /* the pixels [lo, i0) go eight at a time (SIMD), the rest one by one */
      int64_t i0 = lo;
#if defined(TNN_CONV_AVX2)
      if (p->c % 8 == 0) i0 = hi / 8 * 8;
      for (int64_t iv = lo; iv < i0; iv += 8)
        for (int64_t c0 = 0; c0 < p->c; c0 += 8) {
          uint64_t ge0, ge1;
          tnn_ba_pack8__avx2(xo + c0 * p->inner + iv, p->inner,
                             thr + (p->global ? 0 : 2 * c0), p->global ? 0 : 2, &ge0, &ge1);
          tnn_ba_pack8_store(img + iv * cb + c0 / 8, p->bits, cb, p->inner * cb, ge0, ge1);
        }
#endif
      for (int64_t i = i0; i < hi; i++) {
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
  /* rows: share `part` is the rows [lo, hi) (the bits of a row are or-ed in) */
  int64_t lo, hi;
  tnn_part_range(p->outer, 1, part, nparts, &lo, &hi);
  memset(y + lo * per, 0, (size_t)((hi - lo) * per));
  for (int64_t o = lo; o < hi; o++) {
    uint8_t *img = y + o * per;
    for (int64_t c = 0; c < p->c; c++) {
      const float t0 = thr[p->global ? 0 : 2 * c];
      const float t1 = thr[p->global ? 1 : 2 * c + 1];
      for (int64_t i = 0; i < p->inner; i++) {
        const float v = x[(o * p->c + c) * p->inner + i];
        const int l = -1 + (v >= t0) + (v >= t1);
        tnn_ba_put(img, p->bits, kb, c * p->inner + i, l);
      }
    }
  }
  return TNN_OK;
}

TNN_INLINE int tnn_f32_bapack(const void *vp, const void *const *in,
                              void *const *out) {
  return tnn_f32_bapack_part(vp, in, out, 0, 1);
}

#define TNN_KERNELS_BA_PACK(K) K(f32_bapack, bapack)

#endif
