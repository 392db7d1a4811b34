/* 8-bit activation kernels (runtime/tnn_i8.h): the dispatched dot (the
 * variant this file is compiled for: tests/meson.build builds it plain and
 * with -mavx2) against the scalar reference on random shapes with tails,
 * and the convolution against a naive sum over the dequantized levels with
 * zero padding.  main() is unit/cpu_main.c: a build for an instruction set
 * this CPU lacks (-mavx2, -march=x86-64-v4) skips, exit 77. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "../../runtime/tnn_runtime.h"

static uint32_t rng_state = 4242;
static uint32_t rnd(void) {
  rng_state = rng_state * 1664525u + 1013904223u;
  return rng_state >> 8;
}

Test(i8, gemm_matches_scalar) {
  static const int64_t ks[] = {1, 7, 31, 32, 33, 100, 2047, 2049, 4100};
  for (size_t ki = 0; ki < sizeof ks / sizeof ks[0]; ki++)
    for (int64_t na = 1; na <= 9; na += 2)
      for (int64_t nw = 1; nw <= 7; nw += 3) {
        const int64_t k = ks[ki], kp = tnn_i8_kp(k);
        uint8_t *a = calloc((size_t)(na * kp), 1);
        int8_t *w = calloc((size_t)(nw * kp), 1);
        for (int64_t i = 0; i < na; i++)
          for (int64_t j = 0; j < k; j++) a[i * kp + j] = (uint8_t)(rnd() & 255);
        for (int64_t i = 0; i < nw; i++)
          for (int64_t j = 0; j < k; j++) w[i * kp + j] = (int8_t)((int)(rnd() % 3) - 1);
        /* extremes: all 255 against all +1 / -1 */
        if (ki == sizeof ks / sizeof ks[0] - 1) {
          memset(a, 255, (size_t)(na * kp));
          for (int64_t i = 0; i < nw * kp; i++) w[i] = (int8_t)(i / kp & 1 ? -1 : 1);
        }
        float *y0 = calloc((size_t)(na * nw), sizeof(float)), *y1 = calloc((size_t)(na * nw), sizeof(float));
        float *sc = malloc(sizeof(float) * (size_t)nw), *bi = malloc(sizeof(float) * (size_t)nw);
        int32_t *corr = malloc(sizeof(int32_t) * (size_t)nw);
        for (int64_t j = 0; j < nw; j++) {
          sc[j] = 1.0f;
          bi[j] = 0.0f;
          corr[j] = (int32_t)(rnd() % 100) - 50;
        }
        tnn_i8_epi e = {y0, nw, 1, sc, bi, corr, -INFINITY, INFINITY, NULL, NULL, 0, 0};
        tnn_i8_gemm__scalar(a, na, w, nw, kp, &e);
        e.y = y1;
        tnn_i8_gemm(a, na, w, nw, kp, 1, &e);
        for (int64_t i = 0; i < na * nw; i++)
          cr_assert_eq(y0[i], y1[i], "k %lld na %lld nw %lld at %lld", (long long)k,
                       (long long)na, (long long)nw, (long long)i);
        /* the reference itself against a plain sum */
        for (int64_t i = 0; i < na; i++)
          for (int64_t j = 0; j < nw; j++) {
            int64_t s = corr[j];
            for (int64_t q = 0; q < kp; q++) s += (int64_t)a[i * kp + q] * w[j * kp + q];
            cr_assert_eq(y0[i * nw + j], (float)s);
          }
        free(a); free(w); free(y0); free(y1); free(sc); free(bi); free(corr);
      }
}

Test(i8, conv_matches_naive) {
  for (int trial = 0; trial < 12; trial++) {
    tnn_i8conv_params p;
    memset(&p, 0, sizeof p);
    p.n = 1 + trial % 2; p.c = 1 + rnd() % 20; p.h = 3 + rnd() % 6; p.w = 3 + rnd() % 7;
    p.m = 1 + rnd() % 9; p.kh = 1 + rnd() % 3; p.kw = 1 + rnd() % 3;
    p.sh = 1 + rnd() % 2; p.sw = 1 + rnd() % 2; p.pt = rnd() % 2; p.pl = rnd() % 2;
    p.dh = p.dw = 1;
    const int64_t pb = p.pt, pr = p.pl;
    p.oh = (p.h + p.pt + pb - p.kh) / p.sh + 1;
    p.ow = (p.w + p.pl + pr - p.kw) / p.sw + 1;
    const int64_t k = p.c * p.kh * p.kw;
    p.kp = tnn_i8_kp(k);
    const int64_t c0 = -(int64_t)(rnd() % 256);   /* level of code u: u + c0 */
    p.upad = -c0;
    p.wmax = 1;
    p.pb = 1 + rnd() % 17;
    p.lo = -INFINITY;
    p.hi = INFINITY;
    uint8_t *u = malloc((size_t)(p.n * p.h * p.w * p.c));
    for (int64_t i = 0; i < p.n * p.h * p.w * p.c; i++) u[i] = (uint8_t)(rnd() & 255);
    int8_t *w = calloc((size_t)(p.m * p.kp), 1);
    int32_t *corr = malloc(sizeof(int32_t) * (size_t)p.m);
    float *sc = malloc(sizeof(float) * (size_t)p.m), *bi = malloc(sizeof(float) * (size_t)p.m);
    for (int64_t m = 0; m < p.m; m++) {
      int64_t st = 0;
      for (int64_t j = 0; j < k; j++) st += w[m * p.kp + j] = (int8_t)((int)(rnd() % 3) - 1);
      corr[m] = (int32_t)(c0 * st);
      sc[m] = 1.0f;
      bi[m] = 0.0f;
    }
    const int64_t ny = p.n * p.m * p.oh * p.ow;
    float *y = malloc(sizeof(float) * (size_t)ny);
    uint8_t *scratch = malloc((size_t)(p.pb * p.kp));
    const void *in[5] = {u, w, sc, bi, corr};
    void *out[2] = {y, scratch};
    tnn_x_i8conv(&p, in, out);
    for (int64_t b = 0; b < p.n; b++)
      for (int64_t m = 0; m < p.m; m++)
        for (int64_t oy = 0; oy < p.oh; oy++)
          for (int64_t ox = 0; ox < p.ow; ox++) {
            int64_t s = 0;
            for (int64_t ky = 0; ky < p.kh; ky++)
              for (int64_t kx = 0; kx < p.kw; kx++)
                for (int64_t ch = 0; ch < p.c; ch++) {
                  const int64_t iy = oy * p.sh - p.pt + ky, ix = ox * p.sw - p.pl + kx;
                  if (iy < 0 || iy >= p.h || ix < 0 || ix >= p.w) continue;  /* zero */
                  const int64_t v = u[((b * p.h + iy) * p.w + ix) * p.c + ch] + c0;
                  s += v * w[m * p.kp + (ky * p.kw + kx) * p.c + ch];
                }
            cr_assert_eq(y[((b * p.m + m) * p.oh + oy) * p.ow + ox], (float)s,
                         "trial %d", trial);
          }
    free(u); free(w); free(corr); free(sc); free(bi); free(y); free(scratch);
  }
}

Test(i8, quantizer_codes) {
  tnn_i8quant_params p;
  memset(&p, 0, sizeof p);
  p.outer = 1; p.c = 3; p.inner = 2; p.ostride = 8; p.nhwc = 1; p.div = 1;
  p.mode = TNN_ROUND_HALF_EVEN; p.levels = 256; p.scale = 0.5; p.pre = 0; p.post = 128;
  const float x[6] = {0.25f, 0.75f, -1.0f, 1000.0f, NAN, -64.0f};
  uint8_t u[8];
  memset(u, 7, sizeof u);
  const void *in[1] = {x};
  void *out[1] = {u};
  tnn_f32_i8quant(&p, in, out);
  /* NHWC: pixel 0 = channels (0.25, -1, NaN), pixel 1 = (0.75, 1000, -64) */
  const uint8_t want[8] = {128, 126, 0, 130, 255, 0, 0, 0};
  for (int i = 0; i < 8; i++) cr_assert_eq(u[i], want[i], "at %d: %d", i, u[i]);
}
