/* Compile-time scaling: time and peak memory of tnnc_compile on generated
 * chains of 100, 1,000 and 10,000 layers (tests/scale/gen_chain.c: Gemm
 * 16x16 + Tanh per layer, a residual Add every 8).  Each compilation runs in
 * a forked child so that its peak RSS is its own (wait4's ru_maxrss); each
 * size is compiled REPS times and the median is printed, with the per-layer
 * cost relative to the 100-layer model (1.0 = linear growth).
 *
 *   compile_scale [REPS]        (default 5) */
#define _DEFAULT_SOURCE /* wait4 */
#define GEN_CHAIN_NO_MAIN
#include "../tests/scale/gen_chain.c"

#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tnnc.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* One compilation in a child: wall seconds and peak RSS (KiB). */
static int compile_once(const unsigned char *buf, size_t len, double *secs,
                        long *rss_kib) {
  double t0 = now_s();
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    FILE *c = fopen("/dev/null", "w"), *h = fopen("/dev/null", "w");
    tnnc_options o = {0};
    o.input_path = "chain.onnx";
    o.input_bytes = buf;
    o.input_len = len;
    o.output_c_stream = c;
    o.output_h_stream = h;
    o.batch = 1;
    _exit(c && h && tnnc_compile(&o) == TNNC_OK ? 0 : 1);
  }
  int status;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0) return -1;
  *secs = now_s() - t0;
  *rss_kib = ru.ru_maxrss;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int main(int argc, char **argv) {
  int reps = argc > 1 ? atoi(argv[1]) : 5;
  if (reps < 1 || reps > 100) reps = 5;
  const int sizes[] = {100, 1000, 10000};
  double base_t = 0, base_m = 0;
  printf("| layers | nodes | model bytes | compile time (median of %d) | peak RSS | "
         "time per layer vs 100 layers | extra RSS per extra layer |\n", reps);
  printf("|---:|---:|---:|---:|---:|---:|---:|\n");
  for (int s = 0; s < 3; s++) {
    size_t len;
    unsigned char *buf = gen_chain(sizes[s], 16, &len);
    if (!buf) return 1;
    double t[100];
    long rss[100];
    for (int r = 0; r < reps; r++)
      if (compile_once(buf, len, &t[r], &rss[r]) != 0) {
        fprintf(stderr, "compile_scale: compiling %d layers failed\n", sizes[s]);
        return 1;
      }
    qsort(t, (size_t)reps, sizeof t[0], cmp_double);
    long m = rss[0];
    for (int r = 1; r < reps; r++)
      if (rss[r] > m) m = rss[r];
    double tl = t[reps / 2] / sizes[s];
    if (s == 0) {
      base_t = tl;
      base_m = (double)m;
    }
    /* memory growth: extra KiB per extra layer over the 100-layer run */
    double growth = s == 0 ? 1.0 : ((double)m - base_m) / (sizes[s] - sizes[0]);
    int nodes = sizes[s] * 2 + sizes[s] / 8 + 1;
    char grow[32] = "-";
    if (s > 0) snprintf(grow, sizeof grow, "%.1f KiB", growth);
    printf("| %d | %d | %zu | %.3f s | %.1f MiB | %.2fx | %s |\n", sizes[s],
           nodes, len, t[reps / 2], (double)m / 1024.0, tl / base_t, grow);
    free(buf);
  }
  return 0;
}
