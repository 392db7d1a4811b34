/* Binary/ternary weight kernels (runtime/tnn_bw*.h): packing round trips
 * in the three formats, and the fully connected and convolution kernels
 * against a naive float reference on random shapes with tails, for
 * whichever variant this file is compiled for (tests/meson.build builds it
 * three times: default, -mavx2, -march=x86-64-v4), plus the variant's dot
 * against the scalar reference dot. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "../../runtime/tnn_runtime.h"

/* Skips when this CPU cannot run the variant the file was compiled for. */
static void need_cpu(void) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#if defined(TNN_BW_AVX512)
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw"))
    cr_skip_test("this CPU has no AVX-512");
#elif defined(TNN_BW_AVX2)
  if (!__builtin_cpu_supports("avx2")) cr_skip_test("this CPU has no AVX2");
#endif
#endif
}

Test(bitw, variant) {
  need_cpu();
#if defined(TNN_BW_AVX512)
  cr_log_info("variant: AVX-512");
#elif defined(TNN_BW_AVX2)
  cr_log_info("variant: AVX2");
#else
  cr_log_info("variant: scalar");
#endif
}

static uint32_t rng_state = 12345;
static uint32_t rnd(void) {
  rng_state = rng_state * 1664525u + 1013904223u;
  return rng_state >> 8;
}
static float rndf(void) { return (float)(rnd() % 20001) / 10000.0f - 1.0f; }
static int8_t rndt(int binary) {
  return binary ? (rnd() & 1 ? 1 : -1) : (int8_t)((int)(rnd() % 3) - 1);
}

Test(bitw, pack_unpack_round_trips) {
  need_cpu();
  for (int64_t format = 1; format <= 3; format++)
    for (int64_t n = 1; n <= 1000; n += (n < 70 ? 1 : 37)) {
      int8_t *t = malloc((size_t)n), *u = malloc((size_t)n);
      uint8_t *w = malloc((size_t)tnn_bw_bytes(format, n));
      for (int64_t i = 0; i < n; i++) t[i] = rndt(format == TNN_BW_BINARY);
      tnn_bw_pack(format, t, n, w);
      tnn_bw_unpack(format, w, n, u);
      for (int64_t i = 0; i < n; i++)
        cr_assert_eq(t[i], u[i], "format %lld n %lld i %lld", (long long)format,
                     (long long)n, (long long)i);
      free(t);
      free(u);
      free(w);
    }
  /* sizes: 1, 2 and 1.6 bits per weight, rounded up over the whole tensor */
  cr_assert_eq(tnn_bw_bytes(TNN_BW_BINARY, 9), 2);
  cr_assert_eq(tnn_bw_bytes(TNN_BW_TERNARY, 9), 4);
  cr_assert_eq(tnn_bw_bytes(TNN_BW_BASE3, 9), 2);
  cr_assert_eq(tnn_bw_bytes(TNN_BW_BASE3, 1000), 200);
}

static void check_fc(int64_t format, int64_t n, int64_t m, int64_t k) {
  int8_t *t = malloc((size_t)(m * k));
  float *x = malloc(sizeof(float) * (size_t)(n * k));
  float *sc = malloc(sizeof(float) * (size_t)m), *bi = malloc(sizeof(float) * (size_t)m);
  float *y = malloc(sizeof(float) * (size_t)(n * m));
  uint8_t *w = malloc((size_t)tnn_bw_bytes(format, m * k) + 1);
  for (int64_t i = 0; i < m * k; i++) t[i] = rndt(format == TNN_BW_BINARY);
  for (int64_t i = 0; i < n * k; i++) x[i] = rndf();
  for (int64_t i = 0; i < m; i++) {
    sc[i] = 0.5f + rndf() * 0.25f;
    bi[i] = rndf();
  }
  tnn_bw_pack(format, t, m * k, w);
  tnn_bwfc_params p = {.n = n, .m = m, .k = k, .format = format,
                       .lo = -INFINITY, .hi = INFINITY};
  const void *in[] = {x, w, sc, bi};
  void *out[] = {y};
  cr_assert_eq(tnn_f32_bwfc(&p, in, out), TNN_OK);
  for (int64_t i = 0; i < n; i++)
    for (int64_t o = 0; o < m; o++) {
      double acc = 0, mag = 0;
      for (int64_t j = 0; j < k; j++) {
        acc += (double)x[i * k + j] * t[o * k + j];
        mag += fabs(x[i * k + j]);
      }
      double want = acc * sc[o] + bi[o];
      cr_assert(fabs(y[i * m + o] - want) <= 1e-5 * (mag + 1),
                "fc format %lld n=%lld m=%lld k=%lld [%lld,%lld]: %g vs %g",
                (long long)format, (long long)n, (long long)m, (long long)k,
                (long long)i, (long long)o, y[i * m + o], want);
    }
  /* the variant's dot equals the scalar reference's */
  tnn_bw_row r;
  uint8_t buf[2 * TNN_BW_B3BYTES];
  if (format != TNN_BW_BASE3 || k <= TNN_BW_B3BYTES * 8) {
    tnn_bw_rows(format, w, m * k, k, m - 1, 1, buf, TNN_BW_B3BYTES, &r);
    float a = tnn_bw_dot(&r, x, k), b = tnn_bw_dot__scalar(&r, x, k);
    cr_assert(fabsf(a - b) <= 1e-5f * (float)k, "dot %g vs ref %g", a, b);
  }
  free(t);
  free(x);
  free(sc);
  free(bi);
  free(y);
  free(w);
}

Test(bitw, fc_matches_float_reference_on_random_shapes) {
  need_cpu();
  static const int64_t ks[] = {1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 784};
  for (int64_t format = 1; format <= 3; format++)
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++)
      check_fc(format, 1 + (int64_t)(rnd() % 3), 1 + (int64_t)(rnd() % 19), ks[i]);
}

static void check_conv(int64_t format, int64_t c, int64_t m, int64_t group,
                       int64_t h, int64_t wd, int64_t kh, int64_t kw,
                       int64_t s, int64_t pad, int64_t dil) {
  const int64_t n = 2, cg = c / group, k = cg * kh * kw;
  const int64_t oh = (h + 2 * pad - dil * (kh - 1) - 1) / s + 1;
  const int64_t ow = (wd + 2 * pad - dil * (kw - 1) - 1) / s + 1;
  int8_t *t = malloc((size_t)(m * k));
  float *x = malloc(sizeof(float) * (size_t)(n * c * h * wd));
  float *sc = malloc(sizeof(float) * (size_t)m), *bi = malloc(sizeof(float) * (size_t)m);
  float *y = malloc(sizeof(float) * (size_t)(n * m * oh * ow));
  uint8_t *w = malloc((size_t)tnn_bw_bytes(format, m * k) + 1);
  for (int64_t i = 0; i < m * k; i++) t[i] = rndt(format == TNN_BW_BINARY);
  for (int64_t i = 0; i < n * c * h * wd; i++) x[i] = rndf();
  for (int64_t i = 0; i < m; i++) {
    sc[i] = 1.0f + rndf() * 0.5f;
    bi[i] = rndf();
  }
  tnn_bw_pack(format, t, m * k, w);
  tnn_bwconv_params p = {.n = n, .c = c, .h = h, .w = wd, .m = m, .oh = oh,
                         .ow = ow, .kh = kh, .kw = kw, .sh = s, .sw = s,
                         .pt = pad, .pl = pad, .dh = dil, .dw = dil,
                         .group = group, .format = format, .lo = -INFINITY,
                         .hi = INFINITY};
  const void *in[] = {x, w, sc, bi};
  void *out[] = {y};
  cr_assert_eq(tnn_f32_bwconv(&p, in, out), TNN_OK);
  /* the lane-mask layout (group 1, 2-plane or binary) must agree too */
  float *y2 = malloc(sizeof(float) * (size_t)(n * m * oh * ow));
  if (group == 1 && format != TNN_BW_BASE3) {
    uint8_t *wm = malloc((size_t)tnn_bw_mb_bytes(format, m, k));
    tnn_bw_mb_layout(format, t, m, k, wm);
    const void *in2[] = {x, wm, sc, bi};
    void *out2[] = {y2};
    cr_assert_eq(tnn_f32_bwconv_mb(&p, in2, out2), TNN_OK);
    free(wm);
  } else {
    memcpy(y2, y, sizeof(float) * (size_t)(n * m * oh * ow));
  }
  for (int64_t b = 0; b < n; b++)
    for (int64_t o = 0; o < m; o++)
      for (int64_t oy = 0; oy < oh; oy++)
        for (int64_t ox = 0; ox < ow; ox++) {
          int64_t g = o / (m / group);
          double acc = 0, mag = 0;
          for (int64_t ci = 0; ci < cg; ci++)
            for (int64_t ky = 0; ky < kh; ky++)
              for (int64_t kx = 0; kx < kw; kx++) {
                int64_t iy = oy * s - pad + ky * dil, ix = ox * s - pad + kx * dil;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                float v = x[((b * c + g * cg + ci) * h + iy) * wd + ix];
                acc += (double)v * t[o * k + (ci * kh + ky) * kw + kx];
                mag += fabs(v);
              }
          double want = acc * sc[o] + bi[o];
          float got = y[((b * m + o) * oh + oy) * ow + ox];
          cr_assert(fabs(got - want) <= 1e-5 * (mag + 1),
                    "conv format %lld c=%lld m=%lld g=%lld: %g vs %g",
                    (long long)format, (long long)c, (long long)m,
                    (long long)group, got, want);
          const float got2 = y2[((b * m + o) * oh + oy) * ow + ox];
          cr_assert(fabs(got2 - want) <= 1e-5 * (mag + 1),
                    "conv (lane masks) format %lld c=%lld m=%lld: %g vs %g",
                    (long long)format, (long long)c, (long long)m, got2, want);
        }
  free(t);
  free(x);
  free(sc);
  free(bi);
  free(y);
  free(y2);
  free(w);
}

Test(bitw, conv_matches_float_reference) {
  need_cpu();
  for (int64_t format = 1; format <= 3; format++) {
    check_conv(format, 3, 5, 1, 7, 6, 3, 3, 1, 1, 1);
    check_conv(format, 8, 6, 2, 9, 9, 3, 3, 2, 1, 1);      /* groups, stride 2 */
    check_conv(format, 4, 4, 4, 8, 5, 3, 3, 1, 2, 2);      /* depthwise, dilation */
    check_conv(format, 17, 3, 1, 5, 5, 1, 1, 1, 0, 1);     /* 1x1, odd C */
    check_conv(format, 16, 16, 1, 6, 6, 3, 3, 1, 1, 1);    /* K = 144 */
    check_conv(format, 5, 37, 1, 11, 19, 3, 3, 2, 1, 1);   /* partial blocks */
    check_conv(format, 7, 32, 1, 9, 13, 3, 3, 1, 2, 2);    /* pads, dilation */
  }
}

Test(bitw, epilogue_clamps) {
  need_cpu();
  int8_t t[4] = {1, 1, 1, 1};
  uint8_t w[1];
  tnn_bw_pack(TNN_BW_BINARY, t, 4, w);
  float x[2] = {3, -3}, sc = 1, bi = 0, y[2];
  tnn_bwfc_params p = {.n = 1, .m = 2, .k = 2, .format = TNN_BW_BINARY,
                       .lo = 0, .hi = 6};
  const void *in[] = {x, w, &sc, &bi};
  void *out[] = {y};
  float scs[2] = {1, 1}, bis[2] = {0, 0};
  in[2] = scs;
  in[3] = bis;
  float xx[2] = {4, 3};
  in[0] = xx;
  cr_assert_eq(tnn_f32_bwfc(&p, in, out), TNN_OK);
  cr_assert_float_eq(y[0], 6.0f, 0);  /* 7 clamped */
  (void)x;
  (void)sc;
  (void)bi;
}
