/* Per-image latency of a tnnc-compiled model (one thread, or the pool of a
 * --threads build): built together
 * with the generated net.c (tnnc ... --prefix net), it runs net_run on a
 * fixed pseudo-random input, WARMUP times untimed, then RUNS timed runs,
 * and prints the median and the minimum in milliseconds, and the peak
 * resident set size of the process.
 *
 *   bench_model [RUNS=20] [WARMUP=3]
 *   -> "median_ms 1.234 min_ms 1.200 runs 20 peak_rss_kb 5120" */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "net.h"

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return 1e3 * (double)ts.tv_sec + 1e-6 * (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  const int runs = argc > 1 ? atoi(argv[1]) : 20;
  const int warmup = argc > 2 ? atoi(argv[2]) : 3;
  if (runs < 1 || warmup < 0) return 2;
  float *in = malloc(sizeof(float) * NET_INPUT0_SIZE);
  float *out = malloc(sizeof(float) * NET_OUTPUT0_SIZE);
  void *ws = NULL;
  if (posix_memalign(&ws, 64, NET_WORKSPACE_SIZE > 0 ? NET_WORKSPACE_SIZE : 64)) return 1;
  uint32_t s = 12345;
  for (long i = 0; i < NET_INPUT0_SIZE; i++) {
    s = s * 1664525u + 1013904223u;
    in[i] = (float)(s >> 8) / 8388608.0f - 1.0f;
  }
  double *t = malloc(sizeof(double) * (size_t)runs);
  for (int i = 0; i < warmup; i++)
    if (net_run(in, out, ws)) return 1;
  for (int i = 0; i < runs; i++) {
    const double t0 = now_ms();
    net_run(in, out, ws);
    t[i] = now_ms() - t0;
  }
  qsort(t, (size_t)runs, sizeof(double), cmp);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("median_ms %.4f min_ms %.4f runs %d peak_rss_kb %ld out0 %g\n",
         t[runs / 2], t[0], runs, ru.ru_maxrss, (double)out[0]);
  free(in), free(out), free(ws), free(t);
  return 0;
}
