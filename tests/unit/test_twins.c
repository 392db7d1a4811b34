/* Every SIMD body of the runtime against its scalar reference twin (the
 * tnn_<family>_<part>__scalar function of the same contract), on random
 * data and shapes with tails, for whichever variant this file is compiled
 * for (tests/meson.build builds it once per x86 variant; unit/cpu_main.c
 * skips a build this CPU cannot run).  The scalar build checks the twins
 * against themselves only through the dispatchers. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "../../runtime/tnn_runtime.h"

static uint32_t rng = 77;
static uint32_t rnd(void) {
  rng = rng * 1664525u + 1013904223u;
  return rng >> 8;
}
static void fill(uint8_t *p, int64_t n) {
  for (int64_t i = 0; i < n; i++) p[i] = (uint8_t)rnd();
}

/* the masked-XOR popcount, every length 0..300 and both mask kinds */
Test(twins, ba_count) {
  static uint8_t b[4][400];
  for (int64_t nb = 0; nb <= 300; nb++)
    for (int mk = 0; mk < 4; mk++) {
      for (int i = 0; i < 4; i++) fill(b[i], nb);
      const uint8_t *ma = mk & 1 ? b[0] : NULL, *mw = mk & 2 ? b[2] : NULL;
      int64_t pr = 0, pv = 0;
      const int64_t xr = tnn_ba_count__scalar(ma, b[1], mw, b[3], nb, &pr);
#if defined(TNN_BA_AVX512)
      const int64_t xv = tnn_ba_count__avx512(ma, b[1], mw, b[3], nb, &pv);
#elif defined(TNN_BA_AVX2)
      const int64_t xv = tnn_ba_count__avx2(ma, b[1], mw, b[3], nb, &pv);
#elif defined(TNN_BA_NEON)
      const int64_t xv = tnn_ba_count__neon(ma, b[1], mw, b[3], nb, &pv);
#else
      const int64_t xv = tnn_ba_count(ma, b[1], mw, b[3], nb, &pv);
#endif
      cr_assert_eq(xv, xr, "nbytes %lld masks %d", (long long)nb, mk);
      if (ma || mw) cr_assert_eq(pv, pr, "nbytes %lld masks %d: nonzero count", (long long)nb, mk);
    }
}

/* the ARMv7E-M count's portable form (USADA8 replaced by a multiply; the
 * DSP form runs under qemu, tests/mcu) */
Test(twins, ba_count_armv7em_portable) {
  static uint8_t b[4][400];
  for (int64_t nb = 0; nb <= 300; nb++)
    for (int mk = 0; mk < 4; mk++) {
      for (int i = 0; i < 4; i++) fill(b[i], nb);
      const uint8_t *ma = mk & 1 ? b[0] : NULL, *mw = mk & 2 ? b[2] : NULL;
      int64_t pr = 0, pv = 0;
      const int64_t xr = tnn_ba_count__scalar(ma, b[1], mw, b[3], nb, &pr);
      const int64_t xv = tnn_ba_count__armv7em(ma, b[1], mw, b[3], nb, &pv);
      cr_assert_eq(xv, xr, "nbytes %lld masks %d", (long long)nb, mk);
      cr_assert_eq(pv, pr, "nbytes %lld masks %d: nonzero count", (long long)nb, mk);
    }
}

/* four or eight dots of one row, binary and ternary weights and
 * activations, against the scalar twin */
static void check_dots(int rows) {
  static uint8_t a[2][300], w[8 * 2 * 300 + 64];
  for (int64_t nb = 1; nb <= 300; nb += (nb < 80 ? 1 : 13))
    for (int wbits = 1; wbits <= 2; wbits++)
      for (int abits = 1; abits <= 2; abits++) {
        fill(a[0], nb);
        fill(a[1], nb);
        fill(w, rows * wbits * nb);
        const int64_t k = nb * 8 - (int64_t)(rnd() % 8);
        int64_t dr[8], dv[8];
        const uint8_t *ma = abits == 2 ? a[0] : NULL;
        if (rows == 4) tnn_ba_dots4__scalar(ma, a[1], w, wbits * nb, wbits, nb, k, dr);
        else tnn_ba_dots8__scalar(ma, a[1], w, wbits * nb, wbits, nb, k, dr);
#if defined(TNN_BA_AVX512)
        if (rows == 4) tnn_ba_dots4__avx512(ma, a[1], w, wbits * nb, wbits, nb, k, dv);
        else tnn_ba_dots8__avx512(ma, a[1], w, wbits * nb, wbits, nb, k, dv);
#else
        if (rows == 4) tnn_ba_dots4(ma, a[1], w, wbits * nb, wbits, nb, k, dv);
        else tnn_ba_dots8(ma, a[1], w, wbits * nb, wbits, nb, k, dv);
#endif
        for (int r = 0; r < rows; r++)
          cr_assert_eq(dv[r], dr[r], "%d rows: nbytes %lld a%d w%d row %d", rows, (long long)nb,
                       abits, wbits, r);
      }
}

Test(twins, ba_dots4) { check_dots(4); }
Test(twins, ba_dots8) { check_dots(8); }

/* the packed levels of eight outputs: dots at, around and between the
 * thresholds, both directions */
Test(twins, ba_out8) {
  int64_t dot[8];
  int32_t thr[24];
  for (int it = 0; it < 20000; it++) {
    for (int l = 0; l < 8; l++) {
      thr[3 * l] = rnd() % 2 ? 1 : -1;
      thr[3 * l + 1] = (int32_t)(rnd() % 41) - 20;
      thr[3 * l + 2] = thr[3 * l + 1] + (int32_t)(rnd() % 20);
      dot[l] = (int64_t)(rnd() % 61) - 30;
    }
    if (it % 7 == 0) dot[it % 8] = (int64_t)1 << 40;   /* beyond int32 */
    const unsigned r = tnn_ba_out8__scalar(dot, thr);
#if defined(TNN_BA_AVX512)
    const unsigned v = tnn_ba_out8__avx512(dot, thr);
#else
    const unsigned v = tnn_ba_out8(dot, thr);
#endif
    cr_assert_eq(v, r, "iteration %d: levels %#x, want %#x", it, v, r);
  }
}

/* the first quantizer's 8x8 block, NaNs and ties included */
Test(twins, ba_pack8) {
  float x[8 * 24], thr[16];
  for (int it = 0; it < 500; it++) {
    const int64_t stride = 8 + (int64_t)(rnd() % 16);
    for (int64_t i = 0; i < 8 * stride; i++) {
      const uint32_t r = rnd() % 16;
      x[i] = r == 0 ? NAN : (float)((int)(rnd() % 9) - 4) * 0.5f;
    }
    for (int i = 0; i < 16; i++) thr[i] = (float)((int)(rnd() % 9) - 4) * 0.5f;
    const int64_t tstep = it % 3 ? 2 : 0;
    uint64_t r0, r1, v0 = 0, v1 = 0;
    tnn_ba_pack8__scalar(x, stride, thr, tstep, &r0, &r1);
#if defined(TNN_CONV_AVX2)
    tnn_ba_pack8__avx2(x, stride, thr, tstep, &v0, &v1);
#else
    v0 = r0;
    v1 = r1;
#endif
    cr_assert_eq(v0, r0, "iteration %d: t0 bits", it);
    cr_assert_eq(v1, r1, "iteration %d: t1 bits", it);
  }
}

/* the blocked convolution's group kernels: 1, 2, 4 or 8 pixels, all four
 * kinds, float and packed epilogues, with and without border fixes */
Test(twins, ba_conv_groups) {
  enum { NW = 40, PIX = 64 };
  static uint8_t anz[PIX * 8 * 8], asg[PIX * 8 * 8], wnz[NW * 64], wsg[NW * 64];
  static int64_t wl[2 * NW], fix[64];
  static float yr[8 * PIX], yv[8 * PIX], res[8 * PIX];
  static uint8_t pr8[2 * PIX], pv8[2 * PIX];
  float scale[8], bias[8];
  int32_t thr[24];
  for (int it = 0; it < 400; it++) {
    fill(anz, sizeof anz);
    fill(asg, sizeof asg);
    fill(wnz, sizeof wnz);
    fill(wsg, sizeof wsg);
    tnn_ba_grp g;
    g.nw = 1 + (int64_t)(rnd() % NW);
    for (int64_t i = 0; i < g.nw; i++) {
      wl[2 * i] = (int64_t)(rnd() % 64);
      wl[2 * i + 1] = (int64_t)(rnd() % NW) * 64;
    }
    g.wl = wl;
    g.anz = it & 1 ? anz : NULL;
    g.asg = asg;
    g.wnz = it & 2 ? wnz : NULL;
    g.wsg = wsg;
    const int64_t rs[4] = {1, 2, 4, 8}, r = rs[(it >> 2) % 4];
    int64_t pb[8];
    for (int64_t i = 0; i < r; i++) pb[i] = (int64_t)(rnd() % 64);
    for (int i = 0; i < 64; i++) fix[i] = (int64_t)(rnd() % 64) - 32;
    for (int l = 0; l < 8; l++) {
      scale[l] = (float)(rnd() % 100) / 37.0f - 1.0f;
      bias[l] = (float)(rnd() % 100) / 11.0f - 4.0f;
      thr[3 * l] = rnd() & 1 ? 1 : -1;
      thr[3 * l + 1] = (int32_t)(rnd() % 400) - 200;
      thr[3 * l + 2] = thr[3 * l + 1] + (int32_t)(rnd() % 100);
    }
    for (int i = 0; i < 8 * PIX; i++) res[i] = (float)(rnd() % 100) / 10.0f;
    tnn_ba_epi e;
    memset(&e, 0, sizeof e);
    e.obits = (it >> 4) % 3;
    e.ohw = PIX;
    e.mb = 1;
    e.lo = -3.0;
    e.hi = 40.0;
    if (e.obits) {
      e.thr = thr;
      for (int l = 0; l < 8; l++) {
        e.dneg |= (unsigned)(thr[3 * l] < 0) << l;
        e.t0[l] = thr[3 * l + 1];
        e.t1[l] = thr[3 * l + 2];
      }
    } else {
      e.scale = scale;
      e.bias = bias;
      e.res = it & 64 ? res : NULL;
    }
    const int64_t *fx = it & 128 ? fix : NULL, o0 = (int64_t)(rnd() % (PIX - 8));
    memset(yr, 0, sizeof yr);
    memset(yv, 0, sizeof yv);
    memset(pr8, 0, sizeof pr8);
    memset(pv8, 0, sizeof pv8);
    e.yf = yr;
    e.y8 = pr8;
    tnn_ba_grp_run__scalar(&g, pb, r, &e, o0, fx);
    e.yf = yv;
    e.y8 = pv8;
#if defined(TNN_BA_AVX512)
    tnn_ba_grp_run__avx512(&g, pb, r, &e, o0, fx);
#else
    tnn_ba_grp_run(&g, pb, r, &e, o0, fx);
#endif
    cr_assert(memcmp(yr, yv, sizeof yr) == 0, "iteration %d (r %lld, obits %lld): float outputs",
              it, (long long)r, (long long)e.obits);
    cr_assert(memcmp(pr8, pv8, sizeof pr8) == 0, "iteration %d (r %lld, obits %lld): packed",
              it, (long long)r, (long long)e.obits);
  }
}

/* the binary-weight dot, every length 1..300, binary and ternary rows */
Test(twins, bw_dot) {
  static uint8_t nz[64], sg[64];
  static float x[320];
  for (int64_t k = 1; k <= 300; k++)
    for (int bin = 0; bin < 2; bin++) {
      fill(nz, sizeof nz);
      fill(sg, sizeof sg);
      for (int64_t j = 0; j < k; j++) x[j] = (float)((int)(rnd() % 2001) - 1000) / 256.0f;
      tnn_bw_row r = {bin ? NULL : nz, sg, 64, (int64_t)(rnd() % 100), bin};
      if (r.off + k > 64 * 8) r.off = 0;
      const float a = tnn_bw_dot__scalar(&r, x, k);
#if defined(TNN_BW_AVX512)
      const float b = tnn_bw_dot__avx512(&r, x, k);
#elif defined(TNN_BW_AVX2)
      const float b = tnn_bw_dot__avx2(&r, x, k);
#elif defined(TNN_BW_NEON)
      const float b = tnn_bw_dot__neon(&r, x, k);
#else
      const float b = tnn_bw_dot(&r, x, k);
#endif
      /* the SIMD sums associate differently: within rounding of the sum
       * of |x| (exact when the partial sums are, as with these x) */
      cr_assert_float_eq(a, b, 1e-3f * (float)k, "k %lld binary %d", (long long)k, bin);
    }
}

Test(twins, bw_mb_step) {
  float acc_r[TNN_BWMB], acc_v[TNN_BWMB];
  for (int it = 0; it < 1000; it++) {
    for (int l = 0; l < TNN_BWMB; l++) acc_r[l] = acc_v[l] = (float)(rnd() % 1000) / 7.0f;
    const unsigned pos = rnd() & 0xffffu, neg = rnd() & 0xffffu & ~pos;
    const float xv = (float)(rnd() % 1000) / 13.0f - 30.0f;
    tnn_bw_mb_step__scalar(acc_r, xv, pos, neg);
#if defined(TNN_BW_AVX512)
    tnn_bw_mb_step__avx512(acc_v, xv, pos, neg);
#else
    tnn_bw_mb_step(acc_v, xv, pos, neg);
#endif
    cr_assert(memcmp(acc_r, acc_v, sizeof acc_r) == 0, "iteration %d", it);
  }
}

/* the pools' eight-pixel bodies on random windows, strides and dilations */
Test(twins, pool8) {
  static float x[64 * 64];
  float yr[8], yv[8];
  for (int it = 0; it < 500; it++) {
    tnn_pool_params p;
    memset(&p, 0, sizeof p);
    p.kh = 1 + (int64_t)(rnd() % 4);
    p.kw = 1 + (int64_t)(rnd() % 4);
    p.sw = 1 + (int64_t)(rnd() % 3);
    p.dh = 1 + (int64_t)(rnd() % 2);
    p.dw = 1 + (int64_t)(rnd() % 2);
    p.w = 7 * p.sw + (p.kw - 1) * p.dw + 1 + (int64_t)(rnd() % 4);
    p.h = (p.kh - 1) * p.dh + 1;
    for (int64_t i = 0; i < p.h * p.w; i++) x[i] = (float)((int)(rnd() % 2001) - 1000) / 64.0f;
    const int64_t ky0 = (int64_t)(rnd() % (uint32_t)p.kh), cnt = (int64_t)(rnd() % 20);
    tnn_pool_max8__scalar(&p, x, ky0, p.kh, yr);
#if defined(TNN_CONV_AVX2)
    tnn_pool_max8__avx2(&p, x, ky0, p.kh, yv);
#else
    memcpy(yv, yr, sizeof yv);
#endif
    cr_assert(memcmp(yr, yv, sizeof yr) == 0, "iteration %d: max", it);
    tnn_pool_avg8__scalar(&p, x, ky0, p.kh, cnt, yr);
#if defined(TNN_CONV_AVX2)
    tnn_pool_avg8__avx2(&p, x, ky0, p.kh, cnt, yv);
#else
    memcpy(yv, yr, sizeof yv);
#endif
    cr_assert(memcmp(yr, yv, sizeof yr) == 0, "iteration %d: average", it);
  }
}

/* the 8-bit activation dot: codes 0..255 times {-1, 0, +1}, every k up to
 * 300 (tails of the 32-byte steps, the 4x2 / 1x4 / 1x1 tiles) and one long
 * k past the int16 run (TNN_I8_RUN16 steps) with the extreme sums; the
 * int32 sums, through an identity epilogue, must be equal */
Test(twins, i8_gemm) {
  static uint8_t a[9 * 4128];
  static int8_t w[7 * 4128];
  static float yr[9 * 7], yv[9 * 7];
  static float one[7] = {1, 1, 1, 1, 1, 1, 1}, zero[7];
  static int32_t corr[7];
  for (int64_t k = 1; k <= 4128; k = k < 300 ? k + 1 : k + 3828) {
    const int64_t kp = tnn_i8_kp(k), na = 1 + (int64_t)(rnd() % 9), nw = 1 + (int64_t)(rnd() % 7);
    memset(a, 0, sizeof a);
    memset(w, 0, sizeof w);
    for (int64_t i = 0; i < na; i++)
      for (int64_t j = 0; j < k; j++) a[i * kp + j] = k > 300 ? 255 : (uint8_t)rnd();
    for (int64_t i = 0; i < nw; i++)
      for (int64_t j = 0; j < k; j++)
        w[i * kp + j] = (int8_t)(k > 300 ? (i & 1 ? -1 : 1) : (int)(rnd() % 3) - 1);
    tnn_i8_epi e = {yr, nw, 1, one, zero, corr, -INFINITY, INFINITY, NULL, NULL, 0, 0};
    tnn_i8_gemm__scalar(a, na, w, nw, kp, &e);
    e.y = yv;
#if defined(TNN_I8_AVX512)
    tnn_i8_gemm__avx512vnni(a, na, w, nw, kp, &e);
#elif defined(TNN_I8_AVX2)
    tnn_i8_gemm__avx2(a, na, w, nw, kp, &e);
#else
    tnn_i8_gemm(a, na, w, nw, kp, 1, &e);
#endif
    cr_assert(memcmp(yr, yv, sizeof(float) * (size_t)(na * nw)) == 0, "k %lld na %lld nw %lld",
              (long long)k, (long long)na, (long long)nw);
  }
}

/* A random 8-bit dot case: codes a and int8 weights w (rows of kp, zero
 * beyond k), per-column scale, bias and code offsets; and a random fused
 * quantizer (iteration it: both scale forms, every rounding mode). */
static void i8_random_case(uint8_t *a, int8_t *w, float *sc, float *bi, int32_t *corr,
                           int64_t na, int64_t nw, int64_t k, int64_t kp) {
  for (int64_t i = 0; i < na; i++)
    for (int64_t j = 0; j < k; j++) a[i * kp + j] = (uint8_t)rnd();
  for (int64_t i = 0; i < nw; i++)
    for (int64_t j = 0; j < k; j++) w[i * kp + j] = (int8_t)(int)(rnd() % 256 - 128);
  for (int64_t j = 0; j < nw; j++) {
    sc[j] = (float)((int)(rnd() % 2001) - 1000) * 1e-6f;
    bi[j] = (float)((int)(rnd() % 2001) - 1000) * 1e-3f;
    corr[j] = (int32_t)(rnd() % 20001) - 10000;
  }
}

static tnn_i8quant_params i8_random_quant(int it) {
  tnn_i8quant_params q;
  memset(&q, 0, sizeof q);
  q.div = (int64_t)(it & 1);
  q.mode = (int64_t)(it / 2 % 7);
  q.levels = 2 + (int64_t)(rnd() % 255);
  q.scale = q.div ? 0.013 : 1.0 / 0.013;
  q.pre = (double)((int)(rnd() % 5) - 2);
  q.post = (double)(rnd() % 40) - q.pre;
  return q;
}

/* the VNNI dot on any int8 weights (8-bit layers), and its vector epilogue:
 * float values (scale, bias, lo/hi clamp), fused codes in every rounding
 * mode and both scale forms and those codes' float levels, against the scalar twin byte for byte; shapes
 * with 4x4 tiles, edge rows and columns, and 32-byte tails */
Test(twins, i8_gemm_codes) {
#if defined(TNN_I8_AVX512)
  enum { NA = 11, NW = 10, KMAX = 608 };
  static uint8_t a[NA * KMAX], ur[NA * NW], uv[NA * NW];
  static int8_t w[NW * KMAX];
  static float yr[NA * NW], yv[NA * NW], sc[NW], bi[NW];
  static int32_t corr[NW];
  for (int it = 0; it < 400; it++) {
    const int64_t k = 1 + (int64_t)(rnd() % KMAX), kp = tnn_i8_kp(k);
    const int64_t na = 1 + (int64_t)(rnd() % NA), nw = 1 + (int64_t)(rnd() % NW);
    memset(a, 0, sizeof a);
    memset(w, 0, sizeof w);
    i8_random_case(a, w, sc, bi, corr, na, nw, k, kp);
    const tnn_i8quant_params q = i8_random_quant(it);
    const float lo = it % 3 == 0 ? -INFINITY : -0.5f, hi = it % 5 == 0 ? INFINITY : 3.0f;
    tnn_i8_epi e = {yr, nw, 1, sc, bi, corr, lo, hi, NULL, NULL, 0, 0};
    tnn_i8_gemm__scalar(a, na, w, nw, kp, &e);
    e.y = yv;
    tnn_i8_gemm__avx512vnni(a, na, w, nw, kp, &e);
    cr_assert(memcmp(yr, yv, sizeof(float) * (size_t)(na * nw)) == 0,
              "float: k %lld na %lld nw %lld", (long long)k, (long long)na, (long long)nw);
    tnn_i8_epi c = {NULL, 1, na, sc, bi, corr, lo, hi, ur, &q, 0, 0};  /* column major */
    tnn_i8_gemm__scalar(a, na, w, nw, kp, &c);
    c.u = uv;
    tnn_i8_gemm__avx512vnni(a, na, w, nw, kp, &c);
    cr_assert(memcmp(ur, uv, (size_t)(na * nw)) == 0, "codes: mode %lld div %lld k %lld",
              (long long)q.mode, (long long)q.div, (long long)k);
    /* the codes' levels as float (a fake quantizer fused) */
    tnn_i8_epi l = {yr, nw, 1, sc, bi, corr, lo, hi, NULL, &q, -(int32_t)(rnd() % 200), 0.037f};
    tnn_i8_gemm__scalar(a, na, w, nw, kp, &l);
    l.y = yv;
    tnn_i8_gemm__avx512vnni(a, na, w, nw, kp, &l);
    cr_assert(memcmp(yr, yv, sizeof(float) * (size_t)(na * nw)) == 0, "levels: mode %lld k %lld",
              (long long)q.mode, (long long)k);
  }
#endif
}

/* the blocked layout (tnn_i8_b16_at, VNNI targets' convolutions): its
 * scalar reference against the row layout's, and the VNNI body against
 * both, through float, code and level epilogues with contiguous (NHWC
 * codes) and strided (NCHW float) columns; every tile shape (1..6 rows,
 * 1..4 blocks, partial last block) */
Test(twins, i8_gemm_b16) {
  enum { NA = 14, NW = 75, KMAX = 320 };   /* kp of k <= 300 */
  static uint8_t a[NA * KMAX], u0[NA * NW], u1[NA * NW];
  static int8_t w[NW * KMAX], wb[80 * KMAX];
  static float y0[NA * NW], y1[NA * NW], sc[NW], bi[NW];
  static int32_t corr[NW];
  for (int it = 0; it < 150; it++) {
    const int64_t k = 1 + (int64_t)(rnd() % 300), kp = tnn_i8_kp(k);
    const int64_t na = 1 + (int64_t)(rnd() % NA), nw = 1 + (int64_t)(rnd() % NW);
    memset(a, 0, sizeof a);
    memset(w, 0, sizeof w);
    memset(wb, 0, sizeof wb);
    i8_random_case(a, w, sc, bi, corr, na, nw, k, kp);
    for (int64_t i = 0; i < nw; i++)
      for (int64_t j = 0; j < k; j++) wb[tnn_i8_b16_at(kp, i, j)] = w[i * kp + j];
    const tnn_i8quant_params q = i8_random_quant(it);
    const int form = it % 3;   /* 0 float NCHW, 1 codes NHWC, 2 levels NCHW */
    tnn_i8_epi e = {y0, 1, na, sc, bi, corr, -0.5f, it % 5 ? 3.0f : INFINITY, NULL, NULL, -7, 0.05f};
    if (form == 1) e.si = nw, e.sj = 1, e.u = u0, e.q = &q;
    if (form == 2) e.q = &q;
    tnn_i8_gemm__scalar(a, na, w, nw, kp, &e);
    tnn_i8_epi e1 = e;
    e1.y = y1;
    if (form == 1) e1.u = u1;
    tnn_i8_gemm_b16__scalar(a, na, wb, nw, kp, &e1);
    cr_assert(form == 1 ? memcmp(u0, u1, (size_t)(na * nw)) == 0
                        : memcmp(y0, y1, sizeof(float) * (size_t)(na * nw)) == 0,
              "b16 scalar: k %lld na %lld nw %lld form %d", (long long)k, (long long)na,
              (long long)nw, form);
#if defined(TNN_I8_AVX512)
    memset(y1, 0, sizeof y1);
    memset(u1, 0, sizeof u1);
    tnn_i8_gemm_b16__avx512vnni(a, na, wb, nw, kp, &e1);
    cr_assert(form == 1 ? memcmp(u0, u1, (size_t)(na * nw)) == 0
                        : memcmp(y0, y1, sizeof(float) * (size_t)(na * nw)) == 0,
              "b16 vnni: k %lld na %lld nw %lld form %d mode %lld", (long long)k, (long long)na,
              (long long)nw, form, (long long)q.mode);
#endif
  }
}

/* the run-time quantizer's codes (tnn_i8_codes, AVX-512 body) against
 * tnn_i8_code element by element: every rounding mode, both scale forms,
 * exact ties of x / scale, NaN, infinities, values beyond the range */
Test(twins, i8_codes) {
  enum { N = 203 };
  static float x[N];
  static uint8_t u0[N], u1[N];
  for (int it = 0; it < 140; it++) {
    tnn_i8quant_params q;
    memset(&q, 0, sizeof q);
    q.div = (int64_t)(it & 1);
    q.mode = (int64_t)(it / 2 % 7);
    q.levels = 2 + (int64_t)(rnd() % 255);
    q.scale = q.div ? 0.25 : 4.0;
    q.pre = (double)((int)(rnd() % 5) - 2);
    q.post = (double)(rnd() % 100) - q.pre;
    for (int i = 0; i < N; i++) {
      const int r = (int)(rnd() % 8);
      x[i] = r == 0 ? ((float)((int)(rnd() % 200) - 100) + 0.5f) * 0.25f   /* ties */
             : r == 1 ? (i & 1 ? INFINITY : -INFINITY)
             : r == 2 ? NAN
             : (float)((int)(rnd() % 20001) - 10000) * 0.01f;
    }
    for (int i = 0; i < N; i++) u0[i] = tnn_i8_code(&q, x[i]);
    tnn_i8_codes__scalar(&q, x, N, u1);
    cr_assert(memcmp(u0, u1, N) == 0, "scalar: mode %lld div %lld", (long long)q.mode, (long long)q.div);
    tnn_i8_codes(&q, x, N, u1);
    cr_assert(memcmp(u0, u1, N) == 0, "mode %lld div %lld", (long long)q.mode, (long long)q.div);
  }
}
