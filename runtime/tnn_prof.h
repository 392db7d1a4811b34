/* tnn per-layer profile: only in programs built from `tnnc --profile`
 * (which implies --emit-main).  The run function adds the wall time of
 * every layer call to tnn_prof_acc[layer]; the program runs its inputs
 * `--runs N` times after one warm-up pass and prints, per layer, the median
 * and minimum time per sample over the runs, its share of the total, its
 * MACs and their rate, and with TNN_PROF_CEILINGS set (GMAC/s per layer
 * class, e.g. "w1a1=1215,w2a2=608,f32=107,i8=424" from
 * ../shared/tools/roofline) the rate as a fraction of its class's ceiling.
 * POSIX clock_gettime (the generated file defines _POSIX_C_SOURCE before
 * any include). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct tnn_prof_layer {
  const char *node, *op, *kernel, *variant;
  long long macs;                /* 0 for layers without a weight */
  const char *mode;              /* ceiling class: w1a1, w2a2, i8, f32, or "" */
} tnn_prof_layer;

/* The ceiling of class `mode` in TNN_PROF_CEILINGS ("w1a1=1215,..."), in
 * GMAC/s, or 0. */
static double tnn_prof_ceiling(const char *mode) {
  const char *s = getenv("TNN_PROF_CEILINGS");
  const size_t n = strlen(mode);
  if (!s || !n) return 0;
  while (*s) {
    if (strncmp(s, mode, n) == 0 && s[n] == '=') return atof(s + n + 1);
    s = strchr(s, ',');
    if (!s) break;
    s++;
  }
  return 0;
}

static double tnn_prof_acc[TNN_PROF_LAYERS];

static double tnn_prof_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int tnn_prof_cmp(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* t[r * nl + l]: seconds layer l took in run r (all samples), after
 * `warmups` untimed passes; prints the table to f and frees nothing (t
 * belongs to the caller). */
static void tnn_prof_print(FILE *f, const tnn_prof_layer *L, int nl, double *t, int runs,
                           int warmups, long long samples, const double *run_s) {
  double *col = (double *)malloc(sizeof(double) * (size_t)(runs > 0 ? runs : 1));
  double *med = (double *)malloc(sizeof(double) * (size_t)(nl > 0 ? 2 * nl : 1));
  if (!col || !med) {
    free(col);
    free(med);
    fprintf(f, "profile: out of memory\n");
    return;
  }
  double total = 0;
  long long macs = 0;
  for (int l = 0; l < nl; l++) {
    for (int r = 0; r < runs; r++) col[r] = t[(size_t)r * (size_t)nl + (size_t)l];
    qsort(col, (size_t)runs, sizeof(double), tnn_prof_cmp);
    med[l] = col[runs / 2] / (double)samples;
    med[nl + l] = col[0] / (double)samples;   /* the minimum */
    total += med[l];
    macs += L[l].macs;
  }
  for (int r = 0; r < runs; r++) col[r] = run_s[r];
  qsort(col, (size_t)runs, sizeof(double), tnn_prof_cmp);
  fprintf(f, "profile: %d runs of %lld sample%s after %d warm-up%s: per sample, median %.4f ms "
             "(min %.4f), sum of the layers' medians %.4f ms, %lld MACs\n",
          runs, samples, samples == 1 ? "" : "s", warmups, warmups == 1 ? "" : "s",
          1e3 * col[runs / 2] / (double)samples,
          1e3 * col[0] / (double)samples, 1e3 * total, macs);
  const int ceil = getenv("TNN_PROF_CEILINGS") != NULL;
  fprintf(f, "%-4s %-28s %-16s %-14s %-8s %12s %10s %10s %7s %8s%s\n", "#", "node", "op", "kernel",
          "variant", "MACs", "median us", "min us", "share", "GMAC/s",
          ceil ? "  mode  of ceiling" : "");
  for (int l = 0; l < nl; l++) {
    const double lo = med[nl + l];
    fprintf(f, "%-4d %-28.28s %-16.16s %-14.14s %-8.8s %12lld %10.3f %10.3f %6.1f%%", l, L[l].node,
            L[l].op, L[l].kernel, L[l].variant, L[l].macs, 1e6 * med[l], 1e6 * lo,
            total > 0 ? 100.0 * med[l] / total : 0.0);
    const double rate = L[l].macs > 0 && med[l] > 0 ? 1e-9 * (double)L[l].macs / med[l] : 0;
    if (rate > 0) fprintf(f, " %8.2f", rate);
    else fprintf(f, " %8s", "-");
    const double c = tnn_prof_ceiling(L[l].mode);
    if (ceil && rate > 0 && c > 0) fprintf(f, "  %-5s %9.1f%%", L[l].mode, 100.0 * rate / c);
    else if (ceil) fprintf(f, "  %-5s %10s", L[l].mode[0] ? L[l].mode : "-", "-");
    fputc('\n', f);
  }
  free(col);
  free(med);
}
