/* tnn runtime, packed activations: the AVX-512 blocked convolution (eight
 * output channels in the lanes of VPOPCNTQ sums, register-blocked groups
 * of 8/4/2/1 pixels, the padded-image path); group kernels twin
 * tnn_ba_grp_run__scalar (tnn_ba_conv__scalar.h). */
#ifndef TNN_TNN_BA_CONV__AVX512_H
#define TNN_TNN_BA_CONV__AVX512_H

#if defined(TNN_BA_AVX512)

#if defined(__AVX512DQ__)
/* Float outputs of 8 consecutive pixels o0.. from their dot vectors (the
 * eight channels in the lanes): converted, scaled, shifted and clamped as
 * tnn_ba_epilogue does, transposed to eight rows of eight pixels, plus the
 * residual, and stored one row per channel. */
TNN_INLINE void tnn_ba_epi_float8(const tnn_ba_epi *e, int64_t o0, const __m512i *d) {
  const __m256 sc = _mm256_loadu_ps(e->scale), bi = _mm256_loadu_ps(e->bias);
  const __m256 lo = _mm256_set1_ps((float)e->lo), hi = _mm256_set1_ps((float)e->hi);
  __m256 r[8];
  for (int i = 0; i < 8; i++) {
    __m256 v = _mm256_add_ps(_mm256_mul_ps(_mm512_cvtepi64_ps(d[i]), sc), bi);
    v = _mm256_blendv_ps(v, lo, _mm256_cmp_ps(v, lo, _CMP_LT_OQ));
    r[i] = _mm256_blendv_ps(v, hi, _mm256_cmp_ps(v, hi, _CMP_GT_OQ));
  }
  const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
  const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
  const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
  const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
  const __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xee);
  const __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xee);
  const __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xee);
  const __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xee);
  __m256 c[8];
  c[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
  c[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
  c[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
  c[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
  c[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
  c[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
  c[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
  c[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
  for (int l = 0; l < 8; l++) {
    __m256 v = c[l];
    if (e->res) v = _mm256_add_ps(v, _mm256_loadu_ps(e->res + l * e->ohw + o0));
    _mm256_storeu_ps(e->yf + l * e->ohw + o0, v);
  }
}
#endif

/* Outputs of R pixels o0.. from their dot vectors: packed by vector
 * compares, eight channels to a byte; float eight pixels at a time when
 * R is 8 (and AVX512DQ converts), else through tnn_ba_epi_put. */
TNN_BA_ALWAYS void tnn_ba_epi_vec(const tnn_ba_epi *e, int64_t o0, __m512i *d, int R) {
  if (e->obits) {
    const __m512i z = _mm512_setzero_si512();
    const __m512i t0 = _mm512_loadu_si512((const void *)e->t0);
    const __m512i t1 = _mm512_loadu_si512((const void *)e->t1);
    for (int i = 0; i < R; i++) {
      const __m512i v = _mm512_mask_sub_epi64(d[i], (__mmask8)e->dneg, z, d[i]);
      const __mmask8 sg = _mm512_cmplt_epi64_mask(v, t0);
      const __mmask8 nz = (__mmask8)(sg | _mm512_cmpge_epi64_mask(v, t1));
      uint8_t *y = e->y8 + (o0 + i) * e->mb;
      if (e->obits == 2) {
        y[0] = (uint8_t)nz;
        y[e->ohw * e->mb] = (uint8_t)sg;
      } else {
        y[0] = (uint8_t)sg;
      }
    }
    return;
  }
#if defined(__AVX512DQ__)
  if (R == 8) {
    tnn_ba_epi_float8(e, o0, d);
    return;
  }
#endif
  int64_t dot[8];
  for (int i = 0; i < R; i++) {
    _mm512_storeu_si512((void *)dot, d[i]);
    tnn_ba_epi_put(e, o0 + i, dot);
  }
}

/* AVX-512: the group's R pixels (base words base + r * step) at once, the
 * eight channels in the lanes; per word one load of the weights, per
 * pixel one broadcast of its activation word, XOR (or one ternary-logic
 * AND-XOR), VPOPCNTQ and an add, sums in registers, then the epilogue of
 * pixels o0.. (fix: per pixel eight counts to add first, or NULL).  kind:
 * bit 0 ternary weights, bit 1 ternary activations; with binary
 * activations the nonzero count is the weights' own (one per group), with
 * ternary ones ANDed per pixel. */
#define TNN_BA_L1(X) X(0)
#define TNN_BA_L2(X) X(0) X(1)
#define TNN_BA_L4(X) X(0) X(1) X(2) X(3)
#define TNN_BA_L8(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#define TNN_BA_DECL(r)                                                        \
  __m512i cx##r = z, cm##r = z;                                               \
  int64_t cs##r = 0;                                                          \
  const uint8_t *ps##r = g->asg + pb[r] * 8;                                  \
  const uint8_t *pn##r = kind & 2 ? g->anz + pb[r] * 8 : ps##r;
#define TNN_BA_STEP(r)                                                        \
  {                                                                           \
    const __m512i sa = _mm512_set1_epi64((long long)tnn_ba_word(ps##r + ai, 8)); \
    if (kind == 0) {                                                          \
      cx##r = _mm512_add_epi64(cx##r, _mm512_popcnt_epi64(_mm512_xor_si512(sa, wsv))); \
    } else if (kind == 1) {                                                   \
      cx##r = _mm512_add_epi64(                                               \
          cx##r, _mm512_popcnt_epi64(_mm512_ternarylogic_epi64(wnv, sa, wsv, 0x60))); \
    } else {                                                                  \
      const uint64_t ma = tnn_ba_word(pn##r + ai, 8);                         \
      const __m512i mav = _mm512_set1_epi64((long long)ma);                   \
      if (kind == 2) {                                                        \
        cs##r += tnn_popcount64(ma);                                          \
        cx##r = _mm512_add_epi64(                                             \
            cx##r, _mm512_popcnt_epi64(_mm512_ternarylogic_epi64(mav, sa, wsv, 0x60))); \
      } else {                                                                \
        const __m512i mm = _mm512_and_si512(mav, wnv);                        \
        cm##r = _mm512_add_epi64(cm##r, _mm512_popcnt_epi64(mm));             \
        cx##r = _mm512_add_epi64(                                             \
            cx##r, _mm512_popcnt_epi64(_mm512_ternarylogic_epi64(mm, sa, wsv, 0x60))); \
      }                                                                       \
    }                                                                         \
  }
#define TNN_BA_DOT(r)                                                         \
  {                                                                           \
    const __m512i n = kind == 0   ? _mm512_set1_epi64(g->nw * 64)             \
                      : kind == 1 ? cmg                                       \
                      : kind == 2 ? _mm512_set1_epi64(cs##r)                  \
                                  : cm##r;                                    \
    d[r] = _mm512_sub_epi64(n, _mm512_slli_epi64(cx##r, 1));                  \
    if (fix) d[r] = _mm512_add_epi64(d[r], _mm512_loadu_si512((const void *)(fix + 8 * r))); \
  }
#define TNN_BA_GRP_FN(NAME, LIST, R)                                          \
  TNN_BA_ALWAYS void NAME(const tnn_ba_grp *g, const int64_t *pb, const int kind, \
                          const tnn_ba_epi *e, int64_t o0, const int64_t *fix) { \
    const __m512i z = _mm512_setzero_si512();                                 \
    __m512i cmg = z, d[R];                                                    \
    LIST(TNN_BA_DECL)                                                         \
    for (int64_t i = 0; i < g->nw; i++) {                                     \
      const int64_t ai = g->wl[2 * i] * 8, wi = g->wl[2 * i + 1];             \
      const __m512i wsv = _mm512_loadu_si512((const void *)(g->wsg + wi));    \
      __m512i wnv = z;                                                        \
      if (kind & 1) {                                                         \
        wnv = _mm512_loadu_si512((const void *)(g->wnz + wi));                \
        if (!(kind & 2)) cmg = _mm512_add_epi64(cmg, _mm512_popcnt_epi64(wnv)); \
      }                                                                       \
      LIST(TNN_BA_STEP)                                                       \
    }                                                                         \
    (void)cmg;                                                                \
    LIST(TNN_BA_DOT)                                                          \
    tnn_ba_epi_vec(e, o0, d, R);                                              \
  }
TNN_BA_GRP_FN(tnn_ba_grp1, TNN_BA_L1, 1)
TNN_BA_GRP_FN(tnn_ba_grp2, TNN_BA_L2, 2)
TNN_BA_GRP_FN(tnn_ba_grp4, TNN_BA_L4, 4)
TNN_BA_GRP_FN(tnn_ba_grp8, TNN_BA_L8, 8)

/* R = 8, 4, 2 or 1 pixels of kind `kind` (constant after inlining) */
TNN_BA_ALWAYS void tnn_ba_grp_kind(const tnn_ba_grp *g, const int64_t *pb, int64_t r,
                                   const int kind, const tnn_ba_epi *e, int64_t o0,
                                   const int64_t *fix) {
  if (r == 8)
    tnn_ba_grp8(g, pb, kind, e, o0, fix);
  else if (r == 4)
    tnn_ba_grp4(g, pb, kind, e, o0, fix);
  else if (r == 2)
    tnn_ba_grp2(g, pb, kind, e, o0, fix);
  else
    tnn_ba_grp1(g, pb, kind, e, o0, fix);
}
/* r (8, 4, 2 or 1) pixels: the kind made a constant for each group kernel */
TNN_BA_ALWAYS void tnn_ba_grp_run__avx512(const tnn_ba_grp *g, const int64_t *pb, int64_t r,
                                          const tnn_ba_epi *e, int64_t o0, const int64_t *fix) {
  const int kind = (g->wnz ? 1 : 0) | (g->anz ? 2 : 0);
  if (kind == 0)
    tnn_ba_grp_kind(g, pb, r, 0, e, o0, fix);
  else if (kind == 1)
    tnn_ba_grp_kind(g, pb, r, 1, e, o0, fix);
  else if (kind == 2)
    tnn_ba_grp_kind(g, pb, r, 2, e, o0, fix);
  else
    tnn_ba_grp_kind(g, pb, r, 3, e, o0, fix);
}

/* The AVX-512 blocked convolution on a copy of the image padded left and
 * right with zero words (in the workspace scratch `pad`), so every
 * pixel of a row joins a group of 8, 4, 2 or 1: window rows outside the
 * image are left out of the row's tap list; a tap column outside reads
 * zeros, which contribute nothing when the activations are ternary (the
 * nonzero plane is clear) and, when binary, are taken back out of the
 * border pixels' sums from per-tap counts of the weights.  The tables are
 * t's, the padded image goes at pad, which has `room` bytes.  Returns 0
 * (nothing done) when the image does not fit or a row has too many border
 * columns.  Computes the blocks of eight output channels [mlo, mhi). */
TNN_INLINE int tnn_x_baconv_padded__avx512(const tnn_baconv_params *pp, const void *const *in,
                                   void *const *out, const tnn_ba_tabs *t, uint8_t *pad,
                                   int64_t room, int64_t mlo, int64_t mhi) {
  /* a local copy: the byte stores of the output may alias anything */
  const tnn_baconv_params q = *pp, *p = &q;
  const uint8_t *x = (const uint8_t *)in[0], *w = (const uint8_t *)in[1];
  const int64_t cw = p->c / 64, taps = p->kh * p->kw, hw = p->h * p->w;
  const int64_t pwb = cw * 8;
  const int64_t pr = tnn_ba_conv_pad_right(p);
  const int64_t pw = p->pl + p->w + pr, plane = p->h * pw * pwb;
  const int64_t wplane = taps * cw * 64;
  if (room < p->abits * plane) return 0;
  int64_t *toff = t->toff, *tkx = t->tkx, *ttap = t->ttap;
  int64_t *pcm = t->pcm, *pcx = t->pcx, *fixc = t->fixc, *fix = t->fix;
  /* the output columns and rows whose every tap is inside: [xl, xr), [yl, yr) */
  int64_t xl, xr, yl, yr;
  tnn_ba_inner(p->pl, p->sw, p->kw, p->dw, p->w, p->ow, &xl, &xr);
  tnn_ba_inner(p->pt, p->sh, p->kh, p->dh, p->h, p->oh, &yl, &yr);
  if (xl + (p->ow - xr) > TNN_BA_PAD_COLS) return 0;   /* border columns */
  for (int64_t b = 0; b < p->n; b++) {
    const uint8_t *img = x + b * p->abits * hw * pwb;
    for (int64_t a = 0; a < p->abits; a++)
      for (int64_t iy = 0; iy < p->h; iy++) {
        uint8_t *d = pad + a * plane + iy * pw * pwb;
        memset(d, 0, (size_t)(p->pl * pwb));
        memcpy(d + p->pl * pwb, img + (a * hw + iy * p->w) * pwb, (size_t)(p->w * pwb));
        memset(d + (p->pl + p->w) * pwb, 0, (size_t)(pr * pwb));
      }
    tnn_ba_grp g;
    g.anz = p->abits == 2 ? pad : NULL;
    g.asg = p->abits == 2 ? pad + plane : pad;
    g.wl = t->wl;
    for (int64_t m0 = mlo; m0 < mhi; m0 += 8) {
      const uint8_t *wb = w + (m0 / 8) * p->wbits * wplane;
      g.wnz = p->wbits == 2 ? wb : NULL;
      g.wsg = p->wbits == 2 ? wb + wplane : wb;
      tnn_ba_epi e;
      tnn_ba_epi_block(&e, pp, in, out, b, m0);
      /* binary activations: per tap what a zero word adds to the nonzero
       * count (c, or the weights' nonzeros) and to the disagreements */
      if (p->abits == 1)
        for (int64_t t = 0; t < taps; t++)
          for (int64_t l = 0; l < 8; l++) {
            int64_t cm = 0, cx = 0;
            for (int64_t j = 0; j < cw; j++) {
              const int64_t wi = (t * cw + j) * 64 + 8 * l;
              const uint64_t sw = tnn_ba_word(g.wsg + wi, 8);
              const uint64_t mw = g.wnz ? tnn_ba_word(g.wnz + wi, 8) : ~(uint64_t)0;
              cm += tnn_popcount64(mw);
              cx += tnn_popcount64(mw & sw);
            }
            pcm[t * 8 + l] = cm;
            pcx[t * 8 + l] = cx;
          }
      /* bands of output rows with the same window rows inside the image:
       * the rows whose windows are whole share one tap list, each border
       * row has its own; a band's pixels go in groups in row-major order */
      for (int64_t oy0 = 0; oy0 < p->oh;) {
        int64_t oy1 = oy0 + 1;
        if (oy0 >= yl && oy0 < yr) oy1 = yr;
        const int64_t nt = tnn_ba_row_taps(p, oy0, pw, cw, toff, tkx, ttap);
        g.nw = tnn_ba_words(toff, ttap, nt, cw, t->wl);
        /* binary activations: what the zero words of each border column
         * (ox < xl or ox >= xr) add, to take out of its dots */
        const int64_t nbc = xl + (p->ow - xr);
        if (p->abits == 1)
          for (int64_t bc = 0; bc < nbc; bc++) {
            const int64_t ox = bc < xl ? bc : xr + (bc - xl);
            int64_t *f = fixc + 8 * bc;
            for (int l = 0; l < 8; l++) f[l] = 0;
            for (int64_t t = 0; t < nt; t++) {
              const int64_t ix = ox * p->sw - p->pl + tkx[t] * p->dw;
              if (ix >= 0 && ix < p->w) continue;
              const int64_t *cm = pcm + ttap[t] * 8, *cx = pcx + ttap[t] * 8;
              for (int l = 0; l < 8; l++) f[l] += 2 * cx[l] - cm[l];
            }
          }
        const int64_t o_end = oy1 * p->ow;
        int64_t oy = oy0, ox = 0;          /* of pixel o */
        for (int64_t o = oy0 * p->ow; o < o_end;) {
          const int64_t left = o_end - o;
          const int64_t r = left >= 8 ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1;
          int64_t pb[8], px[8];
          int border = 0;
          for (int64_t i = 0; i < r; i++) {
            pb[i] = ((oy * p->sh - p->pt) * pw + ox * p->sw) * cw;
            px[i] = ox;
            border |= ox < xl || ox >= xr;
            if (++ox == p->ow) ox = 0, oy++;
          }
          /* border pixels of binary activations: take the zero words out */
          border &= p->abits == 1;
          if (border)
            for (int64_t i = 0; i < r; i++) {
              int64_t *f = fix + 8 * i;
              const int64_t bc = px[i] < xl ? px[i] : px[i] >= xr ? xl + (px[i] - xr) : -1;
              for (int l = 0; l < 8; l++) f[l] = bc < 0 ? 0 : fixc[8 * bc + l];
            }
          tnn_ba_grp_run__avx512(&g, pb, r, &e, o, border ? fix : NULL);
          o += r;
        }
        oy0 = oy1;
      }
    }
  }
  return 1;
}

#endif

#endif
