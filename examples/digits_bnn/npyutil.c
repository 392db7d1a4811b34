/* The demo's two small .npy steps (C99, no dependencies):
 *
 *   npyutil accuracy LOGITS.npy LABELS.npy   float32 [N, C] logits, int64 [N]
 *                                            labels: prints the share of
 *                                            rows whose argmax is the label
 *   npyutil tile IN.npy K OUT.npy            IN's samples (axis 0) repeated
 *                                            K times: a large stacked input
 *                                            to time the compiled model on;
 *                                            prints the number of samples
 *
 * Reads .npy format 1.0 and 2.0 (little-endian, C order). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  char descr[8];
  int rank;
  long long shape[8];
  long long count;
  size_t esize;
  unsigned char *data;
} npy;

static int fail(const char *file, const char *what) {
  fprintf(stderr, "npyutil: %s: %s\n", file, what);
  return 1;
}

static int npy_read(const char *file, npy *a) {
  FILE *f = fopen(file, "rb");
  if (!f) return fail(file, "cannot open");
  unsigned char pre[12];
  if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0) {
    fclose(f);
    return fail(file, "not a .npy file");
  }
  unsigned long hlen = pre[8] | (unsigned long)pre[9] << 8;
  if (pre[6] >= 2) {
    if (fread(pre + 10, 1, 2, f) != 2) hlen = 0;
    hlen |= (unsigned long)pre[10] << 16 | (unsigned long)pre[11] << 24;
  }
  char *h = calloc(hlen + 1, 1);
  if (!h || fread(h, 1, hlen, f) != hlen) {
    fclose(f);
    free(h);
    return fail(file, "truncated header");
  }
  const char *d = strstr(h, "'descr':"), *s = strstr(h, "'shape':");
  if (!d || !s || !strchr(d, '\'') || sscanf(d + 8, " '%7[^']'", a->descr) != 1 ||
      !strchr(s, '(') || strstr(h, "'fortran_order': True")) {
    fclose(f);
    free(h);
    return fail(file, "unsupported header");
  }
  a->rank = 0;
  a->count = 1;
  for (const char *p = strchr(s, '(') + 1; *p && *p != ')' && a->rank < 8;) {
    char *end;
    long long v = strtoll(p, &end, 10);
    if (end == p) break;
    a->shape[a->rank++] = v;
    a->count *= v;
    p = end;
    while (*p == ',' || *p == ' ') p++;
  }
  free(h);
  a->esize = (size_t)strtol(a->descr + 2, NULL, 10);
  a->data = malloc((size_t)a->count * a->esize + 1);
  if (!a->data || fread(a->data, a->esize, (size_t)a->count, f) != (size_t)a->count) {
    fclose(f);
    free(a->data);
    return fail(file, "truncated data");
  }
  fclose(f);
  return 0;
}

static int accuracy(const char *logits, const char *labels) {
  npy y, t;
  if (npy_read(logits, &y) || npy_read(labels, &t)) return 1;
  if (strcmp(y.descr, "<f4") != 0 || y.rank != 2 || y.shape[1] > 64)
    return fail(logits, "want float32 [N, C <= 64]");
  if (strcmp(t.descr, "<i8") != 0 || t.count != y.shape[0]) return fail(labels, "want int64 [N]");
  long long right = 0, n = y.shape[0], c = y.shape[1];
  for (long long i = 0; i < n; i++) {
    float row[64];
    long long best = 0;
    for (long long j = 0; j < c; j++) {
      memcpy(&row[j], y.data + 4 * (i * c + j), 4);
      if (row[j] > row[best]) best = j;
    }
    int64_t label;
    memcpy(&label, t.data + 8 * i, 8);
    right += best == label;
  }
  printf("accuracy: %lld of %lld held-out digits right (%.1f%%)\n", right, n,
         n ? 100.0 * (double)right / (double)n : 0.0);
  free(y.data);
  free(t.data);
  return 0;
}

static int tile(const char *in, int k, const char *out) {
  npy a;
  if (npy_read(in, &a)) return 1;
  if (k < 1 || a.rank < 1) return fail(in, "nothing to tile");
  char shape[160];
  int len = snprintf(shape, sizeof shape, "(%lld,", a.shape[0] * k);
  for (int i = 1; i < a.rank; i++)
    len += snprintf(shape + len, sizeof shape - (size_t)len, " %lld,", a.shape[i]);
  if (a.rank > 1) shape[len - 1] = ')';
  else snprintf(shape + len, sizeof shape - (size_t)len, ")");
  char h[256];
  int n = snprintf(h, sizeof h, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }", a.descr,
                   shape);
  while ((10 + n + 1) % 64) h[n++] = ' ';  /* pad: data aligned to 64 */
  h[n++] = '\n';
  FILE *f = fopen(out, "wb");
  if (!f) return fail(out, "cannot create");
  unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(n & 255),
                           (unsigned char)(n >> 8)};
  fwrite(pre, 1, 10, f);
  fwrite(h, 1, (size_t)n, f);
  for (int r = 0; r < k; r++) fwrite(a.data, a.esize, (size_t)a.count, f);
  free(a.data);
  printf("%lld\n", a.shape[0] * k);
  return fclose(f) == 0 ? 0 : fail(out, "cannot write");
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "accuracy") == 0) return accuracy(argv[2], argv[3]);
  if (argc == 5 && strcmp(argv[1], "tile") == 0) return tile(argv[2], atoi(argv[3]), argv[4]);
  fprintf(stderr, "usage: npyutil accuracy LOGITS.npy LABELS.npy | npyutil tile IN.npy K OUT.npy\n");
  return 2;
}
