/* tnn runtime, packed activations: max pooling of packed images. */
#ifndef TNN_TNN_BA_POOL_H
#define TNN_TNN_BA_POOL_H

#include "tnn_ba.h"

/* MaxPool on packed images [n][bits][h*w][cb] -> [n][bits][oh*ow][cb],
 * bytewise over the channels: the max of -1/+1 values is +1 when any is
 * (binary: AND of the sign bits); of -1/0/+1 values, +1 when any is, else
 * 0 when any is, else -1.  Window positions outside the image are skipped
 * (ONNX pads MaxPool with -inf). */
TNN_INLINE int tnn_x_bamaxpool(const void *vp, const void *const *in,
                               void *const *out) {
  const tnn_bapool_params *p = (const tnn_bapool_params *)vp;
  const uint8_t *x = (const uint8_t *)in[0];
  uint8_t *y = (uint8_t *)out[0];
  const int64_t cb = (p->c + 7) / 8, hw = p->h * p->w, ohw = p->oh * p->ow;
  for (int64_t b = 0; b < p->n; b++) {
    const uint8_t *img = x + b * p->bits * hw * cb;
    uint8_t *o = y + b * p->bits * ohw * cb;
    for (int64_t oy = 0; oy < p->oh; oy++)
      for (int64_t ox = 0; ox < p->ow; ox++) {
        const int64_t op = (oy * p->ow + ox) * cb;
        for (int64_t j = 0; j < cb; j++) {
          unsigned all_neg = 0xff, any_pos = 0, any_zero = 0;
          for (int64_t ky = 0; ky < p->kh; ky++)
            for (int64_t kx = 0; kx < p->kw; kx++) {
              const int64_t iy = oy * p->sh - p->pt + ky * p->dh;
              const int64_t ix = ox * p->sw - p->pl + kx * p->dw;
              if (iy < 0 || iy >= p->h || ix < 0 || ix >= p->w) continue;
              const int64_t ip = (iy * p->w + ix) * cb + j;
              if (p->bits == 1) {
                all_neg &= img[ip];
              } else {
                const unsigned nz = img[ip], sg = img[hw * cb + ip];
                any_pos |= nz & ~sg;
                any_zero |= ~nz & 0xffu;
              }
            }
          if (p->bits == 1) {
            o[op + j] = (uint8_t)all_neg;
          } else {
            o[op + j] = (uint8_t)((any_pos | ~any_zero) & 0xffu);
            o[ohw * cb + op + j] = (uint8_t)(~any_pos & ~any_zero & 0xffu);
          }
        }
      }
  }
  return TNN_OK;
}

#define TNN_KERNELS_BA_POOL(K) K(x_bamaxpool, bapool)

#endif
