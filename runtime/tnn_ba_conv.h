/* tnn runtime, packed activations: the 2-D convolution (row layout: one
 * gathered patch per pixel; blocked layout: eight output channels per
 * group, tnn_ba_conv__avx512.h's register-blocked kernels or the scalar
 * ones of tnn_ba_conv__scalar.h), its weight layouts and workspace. */
#ifndef TNN_TNN_BA_CONV_H
#define TNN_TNN_BA_CONV_H

#include "tnn_ba.h"
#include "tnn_nn.h"

/* Conv weights.  Row layout: per output channel, per plane, the kh*kw
 * taps each of cb bytes, [m][bits][kh*kw*cb].  Blocked layout, for
 * convolutions with c % 64 == 0 and m % 8 == 0: eight output channels side
 * by side per 64-channel word, [m/8][bits][kh*kw][c/64][8][8 bytes], so one
 * 512-bit load gives the same word of eight channels (tnn_x_baconv's
 * register-blocked path).  Both are byte permutations of the same bits. */
TNN_INLINE int tnn_ba_conv_blocked(int64_t c, int64_t m) {
  return c % 64 == 0 && m % 8 == 0;
}

/* Zero columns the padded copy of an image needs right of the image. */
TNN_INLINE int64_t tnn_ba_conv_pad_right(const tnn_baconv_params *p) {
  const int64_t pr = (p->ow - 1) * p->sw - p->pl + (p->kw - 1) * p->dw - (p->w - 1);
  return pr < 0 ? 0 : pr;
}

/* Patch bytes per plane (kh*kw*cb) the packed convolution takes; tnnc
 * keeps larger convolutions on the float-activation kernels. */
#define TNN_BA_MAX_PATCH 4096
/* The padded-image path takes rows with at most this many border columns. */
#define TNN_BA_PAD_COLS 16

/* The packed convolution's workspace (out[1], p->scratch bytes, 8-byte
 * aligned), sized for the layer so that the kernel's stack stays small.
 * Row layout: the patch gathered per output pixel, nonzero then sign plane
 * of kh*kw*cb bytes each.  Blocked layout: int64_t tables, then the image
 * padded left and right with zero words (tnn_x_baconv_padded):
 *   toff, tkx, ttap   per tap of a row (kh*kw): word offset, column, index
 *   etoff, ettap      the same for the taps inside one border pixel's window
 *   wl, ewl           per word of the patch (kh*kw*c/64): its activation
 *                     word and weight byte offsets (tnn_ba_grp), for a row
 *                     and for a border pixel
 *   pcm, pcx          per tap and lane: the weights' nonzero and sign counts
 *   fixc, fix         per border column / pixel of a group and lane: what
 *                     the zero words of the padded image add
 * Without room for the padded image the kernel leaves padding taps out per
 * pixel instead (slower); without room for the tables it returns
 * TNN_E_ARG. */
typedef struct {
  int64_t *toff, *tkx, *ttap, *etoff, *ettap, *wl, *ewl;
  int64_t *pcm, *pcx, *fixc, *fix;
} tnn_ba_tabs;

/* Bytes of the blocked layout's tables; with t and a workspace s, carves
 * them out of s. */
TNN_INLINE int64_t tnn_ba_conv_tabs(const tnn_baconv_params *p, void *s, tnn_ba_tabs *t) {
  const int64_t taps = p->kh * p->kw;
  const int64_t nw = taps * (p->c / 64);
  int64_t n = 0;
#define TNN_BA_TAB(f, len)                                                    \
  if (t) t->f = s ? (int64_t *)s + n : NULL;                                  \
  n += (len);
  TNN_BA_TAB(toff, taps) TNN_BA_TAB(tkx, taps) TNN_BA_TAB(ttap, taps)
  TNN_BA_TAB(etoff, taps) TNN_BA_TAB(ettap, taps)
  TNN_BA_TAB(wl, 2 * nw) TNN_BA_TAB(ewl, 2 * nw)
  TNN_BA_TAB(pcm, 8 * taps) TNN_BA_TAB(pcx, 8 * taps)
  TNN_BA_TAB(fixc, 8 * TNN_BA_PAD_COLS) TNN_BA_TAB(fix, 64)
#undef TNN_BA_TAB
  return 8 * n;
}

/* Bytes of workspace the kernel cannot run without: the tables, or the
 * patch of the row layout. */
TNN_INLINE int64_t tnn_ba_conv_tables(const tnn_baconv_params *p) {
  if (tnn_ba_conv_blocked(p->c, p->m)) return tnn_ba_conv_tabs(p, NULL, NULL);
  return (2 * p->kh * p->kw * ((p->c + 7) / 8) + 7) / 8 * 8;
}

/* Bytes of one plane of the padded image copy. */
TNN_INLINE int64_t tnn_ba_conv_pad_plane(const tnn_baconv_params *p) {
  return p->h * (p->pl + p->w + tnn_ba_conv_pad_right(p)) * (p->c / 8);
}

/* Bytes of workspace tnnc plans for the packed convolution (out[1]): the
 * tables, and for the blocked layout the padded image copy. */
TNN_INLINE int64_t tnn_ba_conv_scratch(const tnn_baconv_params *p) {
  const int64_t tabs = tnn_ba_conv_tables(p);
  if (!tnn_ba_conv_blocked(p->c, p->m)) return tabs;
  return tabs + p->abits * tnn_ba_conv_pad_plane(p);
}

/* Along one axis (pad, stride s, k taps dilated by d, n inputs, count
 * outputs): the outputs [*lo, *hi) whose every tap lies inside the input. */
TNN_INLINE void tnn_ba_inner(int64_t pad, int64_t s, int64_t k, int64_t d, int64_t n,
                             int64_t count, int64_t *lo, int64_t *hi) {
  int64_t first_hi, last_lo;
  tnn_nn_range(-pad, s, n, count, lo, &first_hi);
  tnn_nn_range(-pad + (k - 1) * d, s, n, count, &last_lo, hi);
  if (*lo > *hi) *lo = *hi;
}

/* Byte of channel ch, tap `tap`, plane `plane` of output channel o. */
TNN_INLINE int64_t tnn_ba_conv_wbyte(int64_t o, int64_t plane, int64_t tap,
                                     int64_t ch, int64_t c, int64_t m,
                                     int64_t taps, int64_t bits) {
  if (!tnn_ba_conv_blocked(c, m))
    return ((o * bits + plane) * taps + tap) * ((c + 7) / 8) + ch / 8;
  return (((((o / 8) * bits + plane) * taps + tap) * (c / 64) + ch / 64) * 8 + o % 8) * 8 +
         (ch % 64) / 8;
}

/* Conv weights t[m][c][kh][kw] in {-1, 0, +1} -> packed (layout above). */
TNN_INLINE void tnn_ba_pack_conv(const int8_t *t, int64_t m, int64_t c,
                                 int64_t kh, int64_t kw, int64_t bits,
                                 uint8_t *out) {
  const int64_t cb = (c + 7) / 8, taps = kh * kw;
  memset(out, 0, (size_t)(m * bits * taps * cb));
  for (int64_t o = 0; o < m; o++)
    for (int64_t ch = 0; ch < c; ch++)
      for (int64_t tap = 0; tap < taps; tap++) {
        const int v = t[(o * c + ch) * taps + tap];
        const uint8_t bit = (uint8_t)(1u << (ch & 7));
        if (bits == 2 && v != 0)
          out[tnn_ba_conv_wbyte(o, 0, tap, ch, c, m, taps, bits)] |= bit;
        if (v < 0) out[tnn_ba_conv_wbyte(o, bits - 1, tap, ch, c, m, taps, bits)] |= bit;
      }
}

/* Small copies and fills of n bytes, by words when n is a multiple of 8
 * (channels in multiples of 64), without a library call per tap. */
TNN_INLINE void tnn_ba_copy(uint8_t *d, const uint8_t *s, int64_t n) {
  if (n % 8 == 0) {
    for (int64_t i = 0; i < n; i += 8) memcpy(d + i, s + i, 8);
  } else {
    for (int64_t i = 0; i < n; i++) d[i] = s[i];
  }
}

TNN_INLINE void tnn_ba_fill(uint8_t *d, int v, int64_t n) {
  for (int64_t i = 0; i < n; i++) d[i] = (uint8_t)v;
}

/* ------------------------------------------------ blocked convolution */

/* One group of output pixels of a row against one block of eight output
 * channels (blocked layout): the words of the window taps inside the image
 * as a list of pairs, wl[2i] the offset of word i from a pixel's base word
 * and wl[2i+1] the byte offset of its eight weight words (one table: one
 * register fewer in the loops below); image planes anz (NULL when
 * binary) and asg as [pixels][cw] words, weight planes wnz (NULL when
 * binary) and wsg of the block as [taps*cw][8] words. */
typedef struct {
  const uint8_t *anz, *asg, *wnz, *wsg;
  const int64_t *wl;
  int64_t nw;
} tnn_ba_grp;

/* The taps of output row oy's windows whose rows lie inside the image, in
 * an image of rows `rowlen` pixels of cw words: per tap its word offset
 * toff[t] from a pixel's base word, its kernel column tkx[t] and its index
 * ttap[t] (ky * kw + kx); returns their count. */
TNN_INLINE int64_t tnn_ba_row_taps(const tnn_baconv_params *p, int64_t oy, int64_t rowlen,
                                   int64_t cw, int64_t *toff, int64_t *tkx, int64_t *ttap) {
  int64_t nt = 0;
  for (int64_t ky = 0; ky < p->kh; ky++) {
    const int64_t iy = oy * p->sh - p->pt + ky * p->dh;
    if (iy < 0 || iy >= p->h) continue;
    for (int64_t kx = 0; kx < p->kw; kx++) {
      toff[nt] = (ky * p->dh * rowlen + kx * p->dw) * cw;
      tkx[nt] = kx;
      ttap[nt++] = ky * p->kw + kx;
    }
  }
  return nt;
}

/* The word list wl of taps t < nt (word offset toff[t] in the image, index
 * ttap[t] in the weights) of cw words each; returns its length. */
TNN_INLINE int64_t tnn_ba_words(const int64_t *toff, const int64_t *ttap, int64_t nt,
                                int64_t cw, int64_t *wl) {
  int64_t n = 0;
  for (int64_t t = 0; t < nt; t++)
    for (int64_t j = 0; j < cw; j++) {
      wl[2 * n] = toff[t] + j;
      wl[2 * n++ + 1] = (ttap[t] * cw + j) * 64;
    }
  return n;
}

/* The epilogue of one block of eight output channels: packed (obits 1, 2)
 * through thresholds, pixel o's byte at y8[o * mb] (its sign plane ohw * mb
 * further when obits is 2); or float, channel l of pixel o at yf[l * ohw +
 * o], dot * scale[l] + bias[l] clamped to [lo, hi], plus res[l * ohw + o]
 * when there is a residual (an Add fused by pass fuse-residual). */
typedef struct {
  int64_t obits, ohw, mb;
  uint8_t *y8;
  float *yf;
  const float *res, *scale, *bias;
  const int32_t *thr;
  double lo, hi;
  int64_t t0[8], t1[8];       /* thresholds, and dneg: the channels whose */
  unsigned dneg;              /* direction is -1 (bit l) */
} tnn_ba_epi;

TNN_INLINE void tnn_ba_epi_block(tnn_ba_epi *e, const tnn_baconv_params *p,
                                 const void *const *in, void *const *out, int64_t b,
                                 int64_t m0) {
  e->obits = p->obits;
  e->ohw = p->oh * p->ow;
  e->mb = p->m / 8;
  e->lo = p->lo;
  e->hi = p->hi;
  e->dneg = 0;
  e->y8 = NULL;
  e->yf = NULL;
  e->res = NULL;
  e->scale = e->bias = NULL;
  e->thr = NULL;
  if (p->obits) {
    e->y8 = (uint8_t *)out[0] + b * p->obits * e->ohw * e->mb + m0 / 8;
    e->thr = (const int32_t *)in[2] + 3 * m0;
    for (int l = 0; l < 8; l++) {
      e->dneg |= (unsigned)(e->thr[3 * l] < 0) << l;
      e->t0[l] = e->thr[3 * l + 1];
      e->t1[l] = e->thr[3 * l + 2];
    }
  } else {
    e->yf = (float *)out[0] + (b * p->m + m0) * e->ohw;
    e->scale = (const float *)in[2] + m0;
    e->bias = (const float *)in[3] + m0;
    if (p->res) e->res = (const float *)in[4] + (b * p->m + m0) * e->ohw;
  }
}

/* The outputs of pixel o from its eight dots (portable). */
TNN_INLINE void tnn_ba_epi_put(const tnn_ba_epi *e, int64_t o, const int64_t *dot) {
  if (e->obits == 0) {
    for (int l = 0; l < 8; l++) {
      float v = tnn_ba_epilogue(dot[l], e->scale, e->bias, l, e->lo, e->hi);
      if (e->res) v = v + e->res[l * e->ohw + o];
      e->yf[l * e->ohw + o] = v;
    }
    return;
  }
  tnn_ba_out ob = tnn_ba_out_start(e->y8 + o * e->mb, e->obits, e->ohw * e->mb, 8);
  for (int l = 0; l < 8; l++) tnn_ba_out_add(&ob, e->thr, l, dot[l]);
}

/* The group kernels are inlined into their loops (the callers' tables and
 * epilogue stay in registers). */
#if defined(__GNUC__)
#define TNN_BA_ALWAYS static inline __attribute__((always_inline, unused))
#else
#define TNN_BA_ALWAYS static inline
#endif

#include "tnn_ba_conv__scalar.h"
#include "tnn_ba_conv__avx512.h"

/* r (8, 4, 2 or 1) pixels with base words pb[i] (the same tap list) and
 * output pixels o0 + i; fix: per pixel eight counts added to the dots, or
 * NULL. */
TNN_BA_ALWAYS void tnn_ba_grp_run(const tnn_ba_grp *g, const int64_t *pb, int64_t r,
                                  const tnn_ba_epi *e, int64_t o0, const int64_t *fix) {
#if defined(TNN_BA_AVX512)
  tnn_ba_grp_run__avx512(g, pb, r, e, o0, fix);
#else
  tnn_ba_grp_run__scalar(g, pb, r, e, o0, fix);
#endif
}

/* tnn_x_baconv for the blocked layout: per block of eight output channels,
 * per output row, the pixels whose whole window lies inside the row in
 * groups of 8, 4 and 2 (one tap list for the row), the others one at a
 * time with their own tap lists; padding taps are left out of the list, so
 * they contribute 0 exactly. */
TNN_INLINE int tnn_x_baconv_blocked(const tnn_baconv_params *pp, const void *const *in,
                                    void *const *out, int64_t mlo, int64_t mhi) {
  const tnn_baconv_params q = *pp, *p = &q;
  const uint8_t *x = (const uint8_t *)in[0], *w = (const uint8_t *)in[1];
  const int64_t cw = p->c / 64, taps = p->kh * p->kw, hw = p->h * p->w;
  const int64_t wplane = taps * cw * 64, step = p->sw * cw;
  tnn_ba_tabs t;
  tnn_ba_conv_tabs(p, out[1], &t);
  int64_t *toff = t.toff, *tkx = t.tkx, *ttap = t.ttap, *etoff = t.etoff, *ettap = t.ettap;
  int64_t rnw = 0;
  /* the output columns whose every tap column is inside: [xl, xr) */
  int64_t xl, xr;
  tnn_ba_inner(p->pl, p->sw, p->kw, p->dw, p->w, p->ow, &xl, &xr);
  for (int64_t b = 0; b < p->n; b++) {
    const uint8_t *img = x + b * p->abits * hw * cw * 8;
    tnn_ba_grp g;
    g.anz = p->abits == 2 ? img : NULL;
    g.asg = p->abits == 2 ? img + hw * cw * 8 : img;
    for (int64_t m0 = mlo; m0 < mhi; m0 += 8) {
      const uint8_t *wb = w + (m0 / 8) * p->wbits * wplane;
      g.wnz = p->wbits == 2 ? wb : NULL;
      g.wsg = p->wbits == 2 ? wb + wplane : wb;
      tnn_ba_epi e;
      tnn_ba_epi_block(&e, pp, in, out, b, m0);
      for (int64_t oy = 0; oy < p->oh; oy++) {
        const int64_t nt = tnn_ba_row_taps(p, oy, p->w, cw, toff, tkx, ttap);
        rnw = tnn_ba_words(toff, ttap, nt, cw, t.wl);
        const int64_t rowbase = ((oy * p->sh - p->pt) * p->w - p->pl) * cw;
        for (int64_t ox = 0; ox < p->ow;) {
          const int64_t base = rowbase + ox * step;
          int64_t r = 1;
          if (ox >= xl && ox < xr) {
            r = xr - ox >= 8 ? 8 : xr - ox >= 4 ? 4 : xr - ox >= 2 ? 2 : 1;
            g.wl = t.wl;
            g.nw = rnw;
          } else {
            int64_t ne = 0;
            for (int64_t t = 0; t < nt; t++) {
              const int64_t ix = ox * p->sw - p->pl + tkx[t] * p->dw;
              if (ix < 0 || ix >= p->w) continue;
              etoff[ne] = toff[t];
              ettap[ne++] = ttap[t];
            }
            g.wl = t.ewl;
            g.nw = tnn_ba_words(etoff, ettap, ne, cw, t.ewl);
          }
          int64_t pb[8];
          for (int64_t i = 0; i < r; i++) pb[i] = base + i * step;
          tnn_ba_grp_run(&g, pb, r, &e, oy * p->ow + ox, NULL);
          ox += r;
        }
      }
    }
  }
  return TNN_OK;
}

/* 2-D convolution on packed images (group 1, zero padding, strides,
 * dilations).  x [n][abits][h*w][cb], w [m][wbits][kh*kw*cb]; obits 0: y
 * float NCHW = dot * scale[m] + bias[m] clamped to [lo, hi] (in[2], in[3]);
 * obits 1, 2: y packed [n][obits][oh*ow][mb] through thresholds in[2].
 * out[1]: the workspace of p->scratch bytes (tnn_ba_conv_scratch), 8-byte
 * aligned; TNN_E_ARG when it is missing or too small for the tables.
 * Share `part` of `nparts` (tnn_runtime.h): the blocked layout's blocks of
 * eight output channels [mlo, mhi), the row layout's output rows [ylo,
 * yhi), with the workspace at out[1] + part * tnn_part_scratch(scratch). */
TNN_INLINE int tnn_x_baconv_part(const void *vp, const void *const *in,
                                 void *const *out, int64_t part, int64_t nparts) {
  /* a local copy: the byte stores of the patch may alias anything */
  const tnn_baconv_params q = *(const tnn_baconv_params *)vp, *p = &q;
  const uint8_t *x = (const uint8_t *)in[0], *w = (const uint8_t *)in[1];
  const int64_t cb = (p->c + 7) / 8, mb = (p->m + 7) / 8;
  const int64_t taps = p->kh * p->kw, pb = taps * cb, hw = p->h * p->w;
  const int64_t ohw = p->oh * p->ow, k = taps * p->c;
  const uint8_t last = (uint8_t)(p->c % 8 ? (1u << (p->c % 8)) - 1 : 0xff);
  if (pb > TNN_BA_MAX_PATCH || !out[1] || p->scratch < tnn_ba_conv_tables(p))
    return TNN_E_ARG;
  void *const pout[2] = {out[0], (uint8_t *)out[1] + part * tnn_part_scratch(p->scratch)};
  if (tnn_ba_conv_blocked(p->c, p->m)) {
    int64_t mlo, mhi;
    tnn_part_range(p->m, 8, part, nparts, &mlo, &mhi);
#if defined(TNN_BA_AVX512)
    /* the padded-image path, else (no room for the image) the generic one;
     * called one after the other, so their frames are not nested */
    tnn_ba_tabs t;
    const int64_t tabs = tnn_ba_conv_tabs(p, pout[1], &t);
    if (tnn_x_baconv_padded__avx512(vp, in, pout, &t, (uint8_t *)pout[1] + tabs,
                                    p->scratch - tabs, mlo, mhi))
      return TNN_OK;
#endif
    return tnn_x_baconv_blocked(vp, in, pout, mlo, mhi);
  }
  uint8_t *nz = (uint8_t *)pout[1], *sg = nz + pb;
  int64_t ylo, yhi;
  tnn_part_range(p->oh, 1, part, nparts, &ylo, &yhi);
  if (p->obits)
    for (int64_t b = 0; b < p->n * p->obits; b++)
      memset((uint8_t *)out[0] + (b * ohw + ylo * p->ow) * mb, 0,
             (size_t)((yhi - ylo) * p->ow * mb));
  for (int64_t b = 0; b < p->n; b++) {
    const uint8_t *img = x + b * p->abits * hw * cb;
    const uint8_t *inz = p->abits == 2 ? img : NULL;
    const uint8_t *isg = p->abits == 2 ? img + hw * cb : img;
    for (int64_t oy = ylo; oy < yhi; oy++)
      for (int64_t ox = 0; ox < p->ow; ox++) {
        int border = 0;
        for (int64_t ky = 0; ky < p->kh; ky++)
          for (int64_t kx = 0; kx < p->kw; kx++) {
            const int64_t iy = oy * p->sh - p->pt + ky * p->dh;
            const int64_t ix = ox * p->sw - p->pl + kx * p->dw;
            uint8_t *dn = nz + (ky * p->kw + kx) * cb;
            uint8_t *ds = sg + (ky * p->kw + kx) * cb;
            if (iy < 0 || iy >= p->h || ix < 0 || ix >= p->w) {
              border = 1;
              tnn_ba_fill(dn, 0, cb);
              tnn_ba_fill(ds, 0, cb);
              continue;
            }
            const int64_t px = (iy * p->w + ix) * cb;
            tnn_ba_copy(ds, isg + px, cb);
            if (inz) tnn_ba_copy(dn, inz + px, cb);
          }
        /* binary activations at the border: the nonzero plane marks the
         * taps inside the image */
        if (!inz && border)
          for (int64_t ky = 0; ky < p->kh; ky++)
            for (int64_t kx = 0; kx < p->kw; kx++) {
              const int64_t iy = oy * p->sh - p->pt + ky * p->dh;
              const int64_t ix = ox * p->sw - p->pl + kx * p->dw;
              uint8_t *dn = nz + (ky * p->kw + kx) * cb;
              const int in_img = iy >= 0 && iy < p->h && ix >= 0 && ix < p->w;
              tnn_ba_fill(dn, in_img ? 0xff : 0, cb);
              if (in_img) dn[cb - 1] = last;
            }
        /* binary activations need the nonzero plane only at the border */
        const uint8_t *ma = inz || border ? nz : NULL;
        int64_t dots[4];
        const int64_t o = oy * p->ow + ox;
        tnn_ba_out ob = tnn_ba_out_start((uint8_t *)out[0] + b * p->obits * ohw * mb +
                                             o * mb, p->obits, ohw * mb, p->m);
        for (int64_t m = 0; m < p->m; m++) {
          if (m % 4 == 0)
            tnn_ba_dots(ma, sg, w + m * p->wbits * pb, p->wbits * pb, p->wbits, pb, k,
                        p->m - m < 4 ? p->m - m : 4, dots);
          if (p->obits == 0) {
            const int64_t at = (b * p->m + m) * ohw + o;
            float v = tnn_ba_epilogue(dots[m % 4], (const float *)in[2],
                                      (const float *)in[3], m, p->lo, p->hi);
            if (p->res) v = v + ((const float *)in[4])[at];
            ((float *)out[0])[at] = v;
          }
          else
            tnn_ba_out_add(&ob, (const int32_t *)in[2], m, dots[m % 4]);
        }
      }
  }
  return TNN_OK;
}

TNN_INLINE int tnn_x_baconv(const void *vp, const void *const *in, void *const *out) {
  return tnn_x_baconv_part(vp, in, out, 0, 1);
}

#define TNN_KERNELS_BA_CONV(K) K(x_baconv, baconv)

#endif
