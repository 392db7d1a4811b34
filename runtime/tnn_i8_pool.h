/* tnn runtime, 8-bit and few-bit activations (tnn_i8.h): max pooling of
 * activation codes, NHWC images (n, h*w, c bytes) -> (n, oh*ow, c).
 *
 * Pass quant-int8 puts it where a max pool sat between an 8-bit layer's
 * float output and the next quantizer: the quantizer is non-decreasing, so
 * the max of the codes is the code of the max; the float pool's NaN (never
 * wins) and empty windows (-FLT_MAX) both have the lowest code, 0, which
 * is where the max here starts.  Channels are the inner loop (contiguous,
 * vectorized by the compiler). */
#ifndef TNN_TNN_I8_POOL_H
#define TNN_TNN_I8_POOL_H

#include "tnn_i8.h"

TNN_INLINE int tnn_x_i8maxpool(const void *vp, const void *const *in, void *const *out) {
  const tnn_pool_params *p = (const tnn_pool_params *)vp;
  const uint8_t *x = (const uint8_t *)in[0];
  uint8_t *y = (uint8_t *)out[0];
  const int64_t c = p->c;
  for (int64_t b = 0; b < p->n; b++)
    for (int64_t oy = 0; oy < p->oh; oy++)
      for (int64_t ox = 0; ox < p->ow; ox++) {
        uint8_t *yo = y + ((b * p->oh + oy) * p->ow + ox) * c;
        memset(yo, 0, (size_t)c);
        for (int64_t ky = 0; ky < p->kh; ky++) {
          const int64_t iy = oy * p->sh - p->pt + ky * p->dh;
          if (iy < 0 || iy >= p->h) continue;
          for (int64_t kx = 0; kx < p->kw; kx++) {
            const int64_t ix = ox * p->sw - p->pl + kx * p->dw;
            if (ix < 0 || ix >= p->w) continue;
            const uint8_t *xi = x + ((b * p->h + iy) * p->w + ix) * c;
            for (int64_t ch = 0; ch < c; ch++) yo[ch] = xi[ch] > yo[ch] ? xi[ch] : yo[ch];
          }
        }
      }
  return TNN_OK;
}

#define TNN_KERNELS_I8_POOL(K) K(x_i8maxpool, pool)
#endif
