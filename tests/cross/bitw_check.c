/* Standalone check of runtime/tnn_bw*.h for cross builds (no Criterion):
 * the fully connected and convolution kernels against a naive float
 * reference, and the compiled-in dot (NEON on aarch64) against the scalar
 * reference, on random shapes with tails.  Prints the variant and exits 0
 * when everything matches. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../runtime/tnn_runtime.h"

static uint32_t st = 777;
static uint32_t rnd(void) { return (st = st * 1664525u + 1013904223u) >> 8; }
static float rndf(void) { return (float)(rnd() % 20001) / 10000.0f - 1.0f; }

static int fails;

static void fc(int64_t format, int64_t n, int64_t m, int64_t k) {
  int8_t *t = malloc((size_t)(m * k));
  float *x = malloc(sizeof(float) * (size_t)(n * k)), *y = malloc(sizeof(float) * (size_t)(n * m));
  float *sc = malloc(sizeof(float) * (size_t)m), *bi = malloc(sizeof(float) * (size_t)m);
  uint8_t *w = malloc((size_t)tnn_bw_bytes(format, m * k) + 1);
  for (int64_t i = 0; i < m * k; i++)
    t[i] = format == TNN_BW_BINARY ? (rnd() & 1 ? 1 : -1) : (int8_t)((int)(rnd() % 3) - 1);
  for (int64_t i = 0; i < n * k; i++) x[i] = rndf();
  for (int64_t i = 0; i < m; i++) { sc[i] = 1 + rndf() / 2; bi[i] = rndf(); }
  tnn_bw_pack(format, t, m * k, w);
  tnn_bwfc_params p = {.n = n, .m = m, .k = k, .format = format, .lo = -INFINITY, .hi = INFINITY};
  const void *in[] = {x, w, sc, bi};
  void *out[] = {y};
  tnn_f32_bwfc(&p, in, out);
  for (int64_t i = 0; i < n; i++)
    for (int64_t o = 0; o < m; o++) {
      double acc = 0, mag = 1;
      for (int64_t j = 0; j < k; j++) {
        acc += (double)x[i * k + j] * t[o * k + j];
        mag += fabs(x[i * k + j]);
      }
      if (fabs(y[i * m + o] - (acc * sc[o] + bi[o])) > 1e-5 * mag) {
        printf("FAIL fc format %lld m %lld k %lld\n", (long long)format, (long long)m, (long long)k);
        fails++;
        return;
      }
    }
  tnn_bw_row r;
  uint8_t buf[2 * TNN_BW_B3BYTES];
  tnn_bw_rows(format, w, m * k, k, 0, 1, buf, TNN_BW_B3BYTES, &r);
  if (fabsf(tnn_bw_dot(&r, x, k) - tnn_bw_dot__scalar(&r, x, k)) > 1e-5f * (float)k) {
    printf("FAIL dot vs reference, k %lld\n", (long long)k);
    fails++;
  }
  free(t); free(x); free(y); free(sc); free(bi); free(w);
}

int main(void) {
#if defined(TNN_BW_NEON)
  puts("variant: NEON");
#elif defined(TNN_BW_AVX512)
  puts("variant: AVX-512");
#elif defined(TNN_BW_AVX2)
  puts("variant: AVX2");
#else
  puts("variant: scalar");
#endif
  static const int64_t ks[] = {1, 3, 7, 8, 9, 16, 17, 33, 64, 65, 100, 784};
  int checks = 0;
  for (int64_t f = 1; f <= 3; f++)
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++, checks++)
      fc(f, 1 + (int64_t)(rnd() % 3), 1 + (int64_t)(rnd() % 17), ks[i]);
  printf("bitw_check: %d shapes, %d failures\n", checks, fails);
  return fails ? 1 : 0;
}
