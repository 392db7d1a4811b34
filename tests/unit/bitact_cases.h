/* Checks of runtime/tnn_ba*.h shared by the Criterion test
 * (unit/test_bitact.c) and the aarch64 program run under qemu
 * (cross/bitact_check.c).  Each returns true, or false with a message. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../runtime/tnn_runtime.h"

static const char *ba_variant(void) {
#if defined(TNN_BA_AVX512)
  return "AVX-512 VPOPCNTDQ";
#elif defined(TNN_BA_AVX2)
  return "AVX2";
#elif defined(TNN_BA_NEON)
  return "NEON";
#else
  return "scalar";
#endif
}

static uint32_t ba_rng = 2024;
static uint32_t ba_rnd(void) {
  ba_rng = ba_rng * 1664525u + 1013904223u;
  return ba_rng >> 8;
}
static int8_t ba_val(int64_t bits) {
  return bits == 1 ? (ba_rnd() & 1 ? 1 : -1) : (int8_t)((int)(ba_rnd() % 3) - 1);
}

/* lengths: every k up to 300, then a few long rows */
static int64_t ba_next_k(int64_t k) { return k < 300 ? k + 1 : k * 2 + 13; }
#define BA_KMAX 5000

static bool ba_check_pack(char *msg, size_t n) {
  for (int64_t bits = 1; bits <= 2; bits++)
    for (int64_t k = 1; k <= BA_KMAX; k = ba_next_k(k)) {
      const int64_t rows = 3, kb = (k + 7) / 8;
      int8_t *t = malloc((size_t)(rows * k));
      uint8_t *p = malloc((size_t)(rows * bits * kb));
      for (int64_t i = 0; i < rows * k; i++) t[i] = ba_val(bits);
      tnn_ba_pack_rows(t, rows, k, bits, p);
      bool ok = true;
      for (int64_t r = 0; r < rows && ok; r++) {
        for (int64_t j = 0; j < k; j++)
          if (tnn_ba_get(p + r * bits * kb, bits, kb, j) != t[r * k + j]) {
            snprintf(msg, n, "bits %lld k %lld row %lld value %lld", (long long)bits,
                     (long long)k, (long long)r, (long long)j);
            ok = false;
            break;
          }
        /* padding bits beyond k stay zero */
        for (int64_t b = 0; b < bits && ok; b++)
          if (k % 8 && (p[r * bits * kb + b * kb + kb - 1] >> (k % 8)))
            ok = false, snprintf(msg, n, "padding set: bits %lld k %lld",
                                 (long long)bits, (long long)k);
      }
      free(t);
      free(p);
      if (!ok) return false;
    }
  return true;
}

static bool ba_check_count(char *msg, size_t n) {
  for (int64_t nb = 1; nb <= 700; nb += nb < 140 ? 1 : 61) {
    uint8_t *b[4];
    for (int i = 0; i < 4; i++) {
      b[i] = malloc((size_t)nb);
      for (int64_t j = 0; j < nb; j++) b[i][j] = (uint8_t)ba_rnd();
    }
    for (int mask = 0; mask < 4; mask++) {
      const uint8_t *ma = mask & 1 ? b[0] : NULL, *mw = mask & 2 ? b[2] : NULL;
      int64_t pm_ref = 0, pm = 0;
      const int64_t x_ref = tnn_ba_count__scalar(ma, b[1], mw, b[3], nb, &pm_ref);
      const int64_t x = tnn_ba_count(ma, b[1], mw, b[3], nb, &pm);
      if (x != x_ref || ((ma || mw) && pm != pm_ref)) {
        snprintf(msg, n, "%s count: %lld bytes, masks %d: %lld/%lld, want %lld/%lld",
                 ba_variant(), (long long)nb, mask, (long long)x, (long long)pm,
                 (long long)x_ref, (long long)pm_ref);
        return false;
      }
    }
    for (int i = 0; i < 4; i++) free(b[i]);
  }
  return true;
}

static bool ba_check_dot(char *msg, size_t n) {
  for (int64_t ab = 1; ab <= 2; ab++)
    for (int64_t wb = 1; wb <= 2; wb++)
      for (int64_t k = 1; k <= BA_KMAX; k = ba_next_k(k)) {
        const int64_t kb = (k + 7) / 8;
        int8_t *a = malloc((size_t)k), *w = malloc((size_t)k);
        uint8_t *pa = malloc((size_t)(2 * kb)), *pw = malloc((size_t)(2 * kb));
        int64_t want = 0;
        for (int64_t j = 0; j < k; j++) {
          a[j] = ba_val(ab);
          w[j] = ba_val(wb);
          want += a[j] * w[j];
        }
        tnn_ba_pack_rows(a, 1, k, ab, pa);
        tnn_ba_pack_rows(w, 1, k, wb, pw);
        const int64_t got = tnn_ba_dot(pa, ab, pw, wb, k, kb);
        free(a), free(w), free(pa), free(pw);
        if (got != want) {
          snprintf(msg, n, "%s W%lldA%lld k %lld: dot %lld, want %lld", ba_variant(),
                   (long long)wb, (long long)ab, (long long)k, (long long)got,
                   (long long)want);
          return false;
        }
      }
  return true;
}

/* Random per-channel epilogues for m channels of k-long dots: float scale
 * and bias, and thresholds {dir, t0 <= t1} (t0 == t1 for binary output)
 * spanning the dot range and a little beyond. */
static void ba_random_epilogue(int64_t m, int64_t k, int64_t ob, float *scale,
                               float *bias, int32_t *thr) {
  for (int64_t j = 0; j < m; j++) {
    scale[j] = (float)(ba_rnd() % 2001) / 1000.0f - 1.0f;
    bias[j] = (float)(ba_rnd() % 2001) / 100.0f - 10.0f;
    const int32_t a = (int32_t)(ba_rnd() % (2 * k + 3)) - (int32_t)k - 1;
    const int32_t b = (int32_t)(ba_rnd() % (2 * k + 3)) - (int32_t)k - 1;
    thr[3 * j] = ba_rnd() & 1 ? 1 : -1;
    thr[3 * j + 1] = ob == 1 || a < b ? a : b;
    thr[3 * j + 2] = ob == 1 ? a : a < b ? b : a;
  }
}

/* The level the threshold rule gives channel j for dot d. */
static int ba_level(const int32_t *thr, int64_t j, int64_t d) {
  const int64_t v = thr[3 * j] * d;
  return -1 + (v >= thr[3 * j + 1]) + (v >= thr[3 * j + 2]);
}

/* y = fc(x) both ways on random shapes; packed output against the level
 * rule applied to the naive dot. */
static bool ba_check_fc(char *msg, size_t msglen) {
  for (int trial = 0; trial < 60; trial++) {
    const int64_t ab = 1 + trial % 2, wb = 1 + (trial / 2) % 2, ob = trial % 3;
    const int64_t nr = 1 + ba_rnd() % 4, m = 1 + ba_rnd() % 70;
    const int64_t k = 1 + ba_rnd() % (trial < 30 ? 130 : 1300);
    const int64_t kb = (k + 7) / 8, mb = (m + 7) / 8;
    int8_t *x = malloc((size_t)(nr * k)), *w = malloc((size_t)(m * k));
    uint8_t *px = malloc((size_t)(nr * ab * kb)), *pw = malloc((size_t)(m * wb * kb));
    float *scale = malloc(sizeof(float) * (size_t)m), *bias = malloc(sizeof(float) * (size_t)m);
    int32_t *thr = malloc(sizeof(int32_t) * 3 * (size_t)m);
    float *y = malloc(sizeof(float) * (size_t)(nr * m));
    uint8_t *py = malloc((size_t)(nr * 2 * mb));
    for (int64_t i = 0; i < nr * k; i++) x[i] = ba_val(ab);
    for (int64_t i = 0; i < m * k; i++) w[i] = ba_val(wb);
    ba_random_epilogue(m, k, ob, scale, bias, thr);
    tnn_ba_pack_rows(x, nr, k, ab, px);
    tnn_ba_pack_rows(w, m, k, wb, pw);
    tnn_bafc_params p = {nr, m, k, ab, wb, ob, -INFINITY, INFINITY};
    const void *in[4] = {px, pw, ob ? (const void *)thr : (const void *)scale, bias};
    void *out[1] = {ob ? (void *)py : (void *)y};
    tnn_x_bafc(&p, in, out);
    bool ok = true;
    for (int64_t i = 0; i < nr && ok; i++)
      for (int64_t j = 0; j < m && ok; j++) {
        int64_t d = 0;
        for (int64_t t = 0; t < k; t++) d += x[i * k + t] * w[j * k + t];
        if (ob == 0) {
          float v = (float)d * scale[j];
          v = v + bias[j];
          ok = y[i * m + j] == v;
        } else {
          const int want = ba_level(thr, j, d);
          ok = tnn_ba_get(py + i * ob * mb, ob, mb, j) == want;
        }
        if (!ok)
          snprintf(msg, msglen, "%s fc W%lldA%lld out %lld: n %lld m %lld k %lld at [%lld][%lld]",
                   ba_variant(), (long long)wb, (long long)ab, (long long)ob,
                   (long long)nr, (long long)m, (long long)k, (long long)i, (long long)j);
      }
    free(x), free(w), free(px), free(pw), free(scale), free(bias), free(thr);
    free(y), free(py);
    if (!ok) return false;
  }
  return true;
}

/* The first quantizer against -1 + (x >= t0) + (x >= t1), per channel and
 * global, rows (pixels 0) and images (pixels 1: channels across bytes,
 * rows of pixels long enough for the eight-pixel SIMD path), NaN inputs
 * included. */
static bool ba_check_pack_input(char *msg, size_t n) {
  static const int64_t shapes[][3] = {{0, 37, 5}, {1, 37, 5}, {1, 40, 21}, {1, 64, 16}};
  for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++)
    for (int64_t bits = 1; bits <= 2; bits++)
      for (int global = 0; global <= 1; global++) {
        const int64_t pixels = shapes[si][0], c = shapes[si][1], inner = shapes[si][2];
        const int64_t outer = 3, k = c * inner, kb = (k + 7) / 8, cb = (c + 7) / 8;
        const int64_t per = pixels ? bits * inner * cb : bits * kb;
        float x[3 * 64 * 21], thr[2 * 64];
        uint8_t y[3 * 2 * 8 * 21];
        for (int64_t i = 0; i < outer * k; i++)
          x[i] = ba_rnd() % 23 == 0 ? NAN : (float)((int)(ba_rnd() % 9) - 4) / 2;
        for (int64_t j = 0; j < c; j++) {
          thr[2 * j] = (float)((int)(ba_rnd() % 5) - 3) / 2;
          thr[2 * j + 1] = bits == 1 ? thr[2 * j] : thr[2 * j] + (float)(ba_rnd() % 3) / 2;
        }
        thr[1] = bits == 1 ? thr[0] : NAN;     /* a level never reached */
        tnn_bapack_params p = {outer, c, inner, global, bits, pixels};
        const void *in[2] = {x, thr};
        void *out[1] = {y};
        tnn_f32_bapack(&p, in, out);
        for (int64_t o = 0; o < outer; o++)
          for (int64_t ch = 0; ch < c; ch++)
            for (int64_t i = 0; i < inner; i++) {
              const float v = x[(o * c + ch) * inner + i];
              const float *t = thr + (global ? 0 : 2 * ch);
              const int want = -1 + (v >= t[0]) + (v >= t[1]);
              const int got = pixels ? tnn_ba_get(y + o * per + i * cb, bits, inner * cb, ch)
                                     : tnn_ba_get(y + o * per, bits, kb, ch * inner + i);
              if (got != want) {
                snprintf(msg, n, "pack pixels %lld c %lld bits %lld global %d at %lld/%lld/%lld",
                         (long long)pixels, (long long)c, (long long)bits, global,
                         (long long)o, (long long)ch, (long long)i);
                return false;
              }
            }
      }
  return true;
}

/* Packed convolution against a naive integer convolution with zero
 * padding, every mix of activation/weight bits, float and packed outputs,
 * random shapes (channels across byte and SIMD-block boundaries, strides,
 * dilations, pads); the input packed from NCHW floats by tnn_f32_bapack. */
static bool ba_check_conv(bool blocked, bool scratch, char *msg, size_t msglen) {
  for (int trial = 0; trial < 48; trial++) {
    const int64_t ab = 1 + trial % 2, wb = 1 + (trial / 2) % 2, ob = (trial / 4) % 3;
    /* blocked: the layout of whole 64-channel words and 8-channel blocks,
     * on rows wide enough for groups of 8 and 4 pixels */
    const int64_t nb = 1 + ba_rnd() % 2;
    const int64_t c = blocked ? 64 * (1 + ba_rnd() % 3)
                              : 1 + ba_rnd() % (trial % 8 < 4 ? 20 : 140);
    const int64_t h = 1 + ba_rnd() % (blocked ? 6 : 9);
    const int64_t w = 1 + ba_rnd() % (blocked ? 26 : 9);
    const int64_t m = blocked ? 8 * (1 + ba_rnd() % 3) : 1 + ba_rnd() % 19;
    const int64_t kh = 1 + ba_rnd() % 3, kw = 1 + ba_rnd() % 3;
    const int64_t sh = 1 + ba_rnd() % 2, sw = 1 + ba_rnd() % 2;
    const int64_t dh = 1 + ba_rnd() % 2, dw = 1 + ba_rnd() % 2;
    const int64_t pt = ba_rnd() % 3, pl = ba_rnd() % 3, pbm = ba_rnd() % 3, pr = ba_rnd() % 3;
    const int64_t oh = (h + pt + pbm - dh * (kh - 1) - 1) / sh + 1;
    const int64_t ow = (w + pl + pr - dw * (kw - 1) - 1) / sw + 1;
    if (oh < 1 || ow < 1) continue;
    const int64_t cb = (c + 7) / 8, mb = (m + 7) / 8, ohw = oh * ow;
    float *xf = malloc(sizeof(float) * (size_t)(nb * c * h * w));
    int8_t *xt = malloc((size_t)(nb * c * h * w)), *wt = malloc((size_t)(m * c * kh * kw));
    uint8_t *px = malloc((size_t)(nb * ab * h * w * cb));
    uint8_t *pw = malloc((size_t)(m * wb * kh * kw * cb));
    float *scale = malloc(sizeof(float) * (size_t)m), *bias = malloc(sizeof(float) * (size_t)m);
    int32_t *thr = malloc(sizeof(int32_t) * 3 * (size_t)m);
    float *y = malloc(sizeof(float) * (size_t)(nb * m * ohw));
    /* a residual added to the float output on every other trial */
    const int64_t res = ob == 0 && (trial / 12) % 2;
    const double lo = trial % 3 == 0 ? -3.5 : -INFINITY, hi = trial % 3 == 0 ? 4.5 : INFINITY;
    float *rv = malloc(sizeof(float) * (size_t)(nb * m * ohw));
    for (int64_t i = 0; i < nb * m * ohw; i++) rv[i] = (float)(ba_rnd() % 2001) / 100.0f - 10.0f;
    uint8_t *py = malloc((size_t)(nb * 2 * ohw * mb));
    const float t2[2] = {-0.5f, ab == 1 ? -0.5f : 0.5f};
    for (int64_t i = 0; i < nb * c * h * w; i++) {
      xt[i] = ba_val(ab);
      xf[i] = (float)xt[i];
    }
    for (int64_t i = 0; i < m * c * kh * kw; i++) wt[i] = ba_val(wb);
    const int64_t k = c * kh * kw;
    ba_random_epilogue(m, k, ob, scale, bias, thr);
    tnn_bapack_params pp = {nb, c, h * w, 1, ab, 1};
    const void *pin[2] = {xf, t2};
    void *pout[1] = {px};
    tnn_f32_bapack(&pp, pin, pout);
    tnn_ba_pack_conv(wt, m, c, kh, kw, wb, pw);
    tnn_baconv_params p = {nb, c, h, w, m, oh, ow, kh, kw, sh, sw, pt, pl, dh, dw,
                           ab, wb, ob, lo, hi, res, 0};
    /* the workspace as tnnc plans it, or only the tables (the blocked
     * layout without its padded image) */
    const int64_t tabs = tnn_ba_conv_tables(&p);
    p.scratch = scratch ? tnn_ba_conv_scratch(&p) : tabs;
    uint8_t *sc = malloc((size_t)(p.scratch + 1));
    const void *in[5] = {px, pw, ob ? (const void *)thr : (const void *)scale, bias, rv};
    void *out[2] = {ob ? (void *)py : (void *)y, sc};
    /* a workspace too small for the tables, or none: an error */
    bool ok = tabs > 0;
    tnn_baconv_params small = p;
    small.scratch = tabs - 8;
    void *none[2] = {out[0], NULL};
    if (ok && (tnn_x_baconv(&small, in, out) != TNN_E_ARG || tnn_x_baconv(&p, in, none) != TNN_E_ARG)) {
      snprintf(msg, msglen, "conv ran without room for its tables (%lld bytes)", (long long)tabs);
      ok = false;
    }
    int rc = ok ? tnn_x_baconv(&p, in, out) : TNN_OK;
    ok = ok && rc == TNN_OK;
    for (int64_t b = 0; b < nb && ok; b++)
      for (int64_t o = 0; o < m && ok; o++)
        for (int64_t oy = 0; oy < oh && ok; oy++)
          for (int64_t ox = 0; ox < ow && ok; ox++) {
            int64_t d = 0;
            for (int64_t ch = 0; ch < c; ch++)
              for (int64_t ky = 0; ky < kh; ky++)
                for (int64_t kx = 0; kx < kw; kx++) {
                  const int64_t iy = oy * sh - pt + ky * dh, ix = ox * sw - pl + kx * dw;
                  if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                  d += xt[((b * c + ch) * h + iy) * w + ix] * wt[((o * c + ch) * kh + ky) * kw + kx];
                }
            const int64_t pix = oy * ow + ox;
            if (ob == 0) {
              float v = (float)d * scale[o];
              v = v + bias[o];
              v = v < (float)lo ? (float)lo : v > (float)hi ? (float)hi : v;
              if (res) v = v + rv[(b * m + o) * ohw + pix];
              ok = y[(b * m + o) * ohw + pix] == v;
            } else {
              const int want = ba_level(thr, o, d);
              ok = tnn_ba_get(py + b * ob * ohw * mb + pix * mb, ob, ohw * mb, o) == want;
            }
            if (!ok)
              snprintf(msg, msglen, "%s conv W%lldA%lld out %lld: c %lld %lldx%lld m %lld "
                       "k %lldx%lld s %lld,%lld d %lld,%lld pads %lld,%lld at [%lld][%lld][%lld][%lld]",
                       ba_variant(), (long long)wb, (long long)ab, (long long)ob,
                       (long long)c, (long long)h, (long long)w, (long long)m,
                       (long long)kh, (long long)kw, (long long)sh, (long long)sw,
                       (long long)dh, (long long)dw, (long long)pt, (long long)pl,
                       (long long)b, (long long)o, (long long)oy, (long long)ox);
          }
    if (rc != TNN_OK) snprintf(msg, msglen, "conv returned %d", rc);
    free(xf), free(xt), free(wt), free(px), free(pw), free(scale), free(bias);
    free(thr), free(y), free(py), free(rv), free(sc);
    if (!ok) return false;
  }
  return true;
}

/* MaxPool on packed images against the max of the unpacked values. */
static bool ba_check_maxpool(char *msg, size_t msglen) {
  for (int trial = 0; trial < 40; trial++) {
    const int64_t bits = 1 + trial % 2, nb = 1 + ba_rnd() % 2, c = 1 + ba_rnd() % 70;
    const int64_t h = 1 + ba_rnd() % 9, w = 1 + ba_rnd() % 9;
    const int64_t kh = 1 + ba_rnd() % 3, kw = 1 + ba_rnd() % 3;
    const int64_t sh = 1 + ba_rnd() % 2, sw = 1 + ba_rnd() % 2, dh = 1, dw = 1 + ba_rnd() % 2;
    const int64_t pt = ba_rnd() % kh, pl = ba_rnd() % kw;
    const int64_t oh = (h + 2 * pt - dh * (kh - 1) - 1) / sh + 1;
    const int64_t ow = (w + 2 * pl - dw * (kw - 1) - 1) / sw + 1;
    if (oh < 1 || ow < 1) continue;
    const int64_t cb = (c + 7) / 8, hw = h * w, ohw = oh * ow;
    float *xf = malloc(sizeof(float) * (size_t)(nb * c * hw));
    uint8_t *px = malloc((size_t)(nb * bits * hw * cb)), *py = malloc((size_t)(nb * bits * ohw * cb));
    for (int64_t i = 0; i < nb * c * hw; i++) xf[i] = (float)ba_val(bits);
    const float t2[2] = {-0.5f, bits == 1 ? -0.5f : 0.5f};
    tnn_bapack_params pp = {nb, c, hw, 1, bits, 1};
    const void *pin[2] = {xf, t2};
    void *pout[1] = {px};
    tnn_f32_bapack(&pp, pin, pout);
    tnn_bapool_params p = {nb, c, h, w, oh, ow, kh, kw, sh, sw, pt, pl, dh, dw, bits};
    const void *in[1] = {px};
    void *out[1] = {py};
    tnn_x_bamaxpool(&p, in, out);
    bool ok = true;
    for (int64_t b = 0; b < nb && ok; b++)
      for (int64_t ch = 0; ch < c && ok; ch++)
        for (int64_t oy = 0; oy < oh && ok; oy++)
          for (int64_t ox = 0; ox < ow && ok; ox++) {
            int best = -2;
            for (int64_t ky = 0; ky < kh; ky++)
              for (int64_t kx = 0; kx < kw; kx++) {
                const int64_t iy = oy * sh - pt + ky * dh, ix = ox * sw - pl + kx * dw;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                const int v = (int)xf[(b * c + ch) * hw + iy * w + ix];
                if (v > best) best = v;
              }
            const int got = tnn_ba_get(py + b * bits * ohw * cb + (oy * ow + ox) * cb,
                                       bits, ohw * cb, ch);
            ok = got == best;
            if (!ok)
              snprintf(msg, msglen, "maxpool bits %lld c %lld %lldx%lld k %lldx%lld: got %d want %d",
                       (long long)bits, (long long)c, (long long)h, (long long)w,
                       (long long)kh, (long long)kw, got, best);
          }
    free(xf), free(px), free(py);
    if (!ok) return false;
  }
  return true;
}

/* the two weight layouts of the packed convolution; the blocked one with
 * the padded image in its workspace (the padded-image path) and without */
static bool ba_check_conv_rows(char *msg, size_t msglen) {
  return ba_check_conv(false, false, msg, msglen);
}

static bool ba_check_conv_blocked(char *msg, size_t msglen) {
  return ba_check_conv(true, true, msg, msglen) && ba_check_conv(true, false, msg, msglen);
}
