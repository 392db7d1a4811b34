/* Kernel benchmark: the packed-activation kernels (runtime/tnn_ba*.h) at
 * the layer shapes of the benchmark models, in MACs per nanosecond and per
 * cycle of the core clock measured around each sample (a dependent-add
 * probe, as ../shared/tools/roofline does), median of the samples.
 *
 *   bench_kernels [SAMPLES]     (default 15)
 *
 * Prints one line per kernel and shape: W?A? kernel shape MACs/cycle.  The
 * roofline's ceiling for the same instruction set is read by
 * benchmarks/run.sh from the roofline run of the same session. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../runtime/tnn_runtime.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* core clock in Hz: 20M dependent adds take 20M cycles */
static double probe_hz(void) {
  double best = 0;
  for (int r = 0; r < 5; r++) {
    uint64_t v = 1;
    const double t0 = now();
#if defined(__GNUC__) && defined(__x86_64__)
    for (long i = 0; i < 20000000; i++) __asm__ volatile("add $1, %0" : "+r"(v));
#elif defined(__GNUC__) && defined(__aarch64__)
    for (long i = 0; i < 20000000; i++) __asm__ volatile("add %0, %0, #1" : "+r"(v));
#else
    for (volatile long i = 0; i < 20000000; i++) v += (uint64_t)i;
#endif
    const double hz = 2e7 / (now() - t0);
    if (hz > best) best = hz;
  }
  return best;
}

static int cmp(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static uint32_t rs = 1;
static uint8_t rb(void) { rs = rs * 1664525u + 1013904223u; return (uint8_t)(rs >> 24); }

typedef struct { const char *model; int64_t c, h, m, k, s; } Shape;

int main(int argc, char **argv) {
  const int samples = argc > 1 ? atoi(argv[1]) : 15;
  const double hz = probe_hz();
  printf("# core clock %.2f GHz (dependent-add probe)\n", hz / 1e9);
  static const Shape shapes[] = {
      {"resnet18 conv2_x", 64, 56, 64, 3, 1},  {"resnet18 conv3_x", 128, 28, 128, 3, 1},
      {"resnet18 conv4_x", 256, 14, 256, 3, 1}, {"resnet18 conv5_x", 512, 7, 512, 3, 1},
      {"vgg7 conv2", 128, 32, 128, 3, 1},       {"vgg7 conv4", 256, 16, 256, 3, 1},
      {"vgg7 conv6", 512, 8, 512, 3, 1}};
  for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++)
    for (int bits = 1; bits <= 2; bits++) {
      const Shape *s = &shapes[si];
      const int64_t c = s->c, h = s->h, w = s->h, m = s->m, k = s->k;
      const int64_t oh = h, ow = w, cb = (c + 7) / 8;
      uint8_t *x = malloc((size_t)(bits * h * w * cb));
      uint8_t *wt = malloc((size_t)(m * bits * k * k * cb));
      const int64_t mb = (m + 7) / 8;
      uint8_t *y = malloc((size_t)(bits * oh * ow * mb));
      int32_t *thr = malloc(sizeof(int32_t) * 3 * (size_t)m);
      for (int64_t i = 0; i < bits * h * w * cb; i++) x[i] = rb();
      for (int64_t i = 0; i < m * bits * k * k * cb; i++) wt[i] = rb();
      for (int64_t i = 0; i < m; i++) thr[3 * i] = 1, thr[3 * i + 1] = -3, thr[3 * i + 2] = 5;
      tnn_baconv_params p = {1, c, h, w, m, oh, ow, k, k, 1, 1, k / 2, k / 2, 1, 1,
                             bits, bits, bits, -INFINITY, INFINITY, 0, 0};
      p.scratch = tnn_ba_conv_scratch(&p);       /* as tnnc plans it */
      uint8_t *sc = malloc((size_t)(p.scratch + 1));
      const void *in[3] = {x, wt, thr};
      void *out[2] = {y, sc};
      const double macs = (double)(m * oh * ow * c * k * k);
      double *t = malloc(sizeof(double) * (size_t)samples);
      tnn_x_baconv(&p, in, out);              /* warm-up */
      for (int r = 0; r < samples; r++) {
        const double t0 = now();
        tnn_x_baconv(&p, in, out);
        t[r] = now() - t0;
      }
      qsort(t, (size_t)samples, sizeof(double), cmp);
      const double med = t[samples / 2];
      printf("W%dA%d\tx_baconv\t%s\tc%lld %lldx%lld m%lld %dx%d\t%.4f ms\t%.1f GMAC/s\t%.1f MACs/cycle\n",
             bits, bits, s->model, (long long)c, (long long)h, (long long)w, (long long)m,
             (int)k, (int)k, med * 1e3, macs / med / 1e9, macs / med / hz);
      free(x), free(wt), free(y), free(thr), free(t), free(sc);
    }
  /* fully connected layers of the TFC MLP (batch 1 and 64), K >= 256 GEMVs
   * and VGG-7's classifier (k8192 m1024) */
  static const int64_t fc[][3] = {{1, 784, 64}, {1, 64, 64}, {64, 784, 64}, {64, 64, 64},
                                  {1, 256, 256}, {1, 1024, 1024}, {1, 8192, 1024}};
  for (size_t fi = 0; fi < sizeof fc / sizeof fc[0]; fi++)
    for (int bits = 1; bits <= 2; bits++) {
      const int64_t n = fc[fi][0], k = fc[fi][1], m = fc[fi][2], kb = (k + 7) / 8;
      uint8_t *x = malloc((size_t)(n * bits * kb)), *wt = malloc((size_t)(m * bits * kb));
      uint8_t *y = malloc((size_t)(n * bits * ((m + 7) / 8)));
      int32_t *thr = malloc(sizeof(int32_t) * 3 * (size_t)m);
      for (int64_t i = 0; i < n * bits * kb; i++) x[i] = rb();
      for (int64_t i = 0; i < m * bits * kb; i++) wt[i] = rb();
      for (int64_t i = 0; i < m; i++) thr[3 * i] = 1, thr[3 * i + 1] = -3, thr[3 * i + 2] = 5;
      tnn_bafc_params p = {n, m, k, bits, bits, bits, -INFINITY, INFINITY};
      const void *in[3] = {x, wt, thr};
      void *out[1] = {y};
      const int reps = n * m * k > (1 << 22) ? 20 : 2000;
      double *t = malloc(sizeof(double) * (size_t)samples);
      tnn_x_bafc(&p, in, out);
      for (int r = 0; r < samples; r++) {
        const double t0 = now();
        for (int q = 0; q < reps; q++) tnn_x_bafc(&p, in, out);
        t[r] = (now() - t0) / reps;
      }
      qsort(t, (size_t)samples, sizeof(double), cmp);
      const double med = t[samples / 2], macs = (double)(n * m * k);
      printf("W%dA%d\tx_bafc\t%s\tn%lld k%lld m%lld\t%.4f ms\t%.1f GMAC/s\t%.1f MACs/cycle\n",
             bits, bits, k == 8192 ? "vgg7 fc" : m == 64 ? "tfc fc" : "gemv", (long long)n, (long long)k, (long long)m, med * 1e3,
             macs / med / 1e9, macs / med / hz);
      free(x), free(wt), free(y), free(thr), free(t);
    }
  return 0;
}
