/* tnn test driver helpers: .npy reading and writing for --emit-main.
 * Only emitted into programs built with --emit-main; uses stdio and malloc,
 * which the model itself never does. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "tnn_npy.h"

typedef struct tnn_npy {
  int dtype;                   /* TNN_DT_* */
  int rank;
  int64_t dims[16];
  int64_t count;
  void *data;
} tnn_npy;

static const char *tnn_npy_dtype_name(int dt) {
  switch (dt) {
  case TNN_DT_F32: return "float32";
  case TNN_DT_F64: return "float64";
  case TNN_DT_I64: return "int64";
  case TNN_DT_I32: return "int32";
  case TNN_DT_I8: return "int8";
  case TNN_DT_U8: return "uint8";
  case TNN_DT_BOOL: return "bool";
  case TNN_DT_F16: return "float16";
  case TNN_DT_BF16: return "bfloat16";
  default: return "unknown";
  }
}

static size_t tnn_npy_esize(int dt) {
  switch (dt) {
  case TNN_DT_F64: case TNN_DT_I64: return 8;
  case TNN_DT_F32: case TNN_DT_I32: return 4;
  case TNN_DT_F16: case TNN_DT_BF16: return 2;
  default: return 1;
  }
}

static const char *tnn_npy_descr(int dt) {
  switch (dt) {
  case TNN_DT_F32: return "<f4";
  case TNN_DT_F64: return "<f8";
  case TNN_DT_I64: return "<i8";
  case TNN_DT_I32: return "<i4";
  case TNN_DT_I8: return "|i1";
  case TNN_DT_U8: return "|u1";
  case TNN_DT_BOOL: return "|b1";
  case TNN_DT_F16: return "<f2";
  case TNN_DT_BF16: return "|V2";   /* numpy has no bfloat16: its bits */
  default: return "?";
  }
}

/* Reads a .npy file (tnn_npy.h parses its header); on any problem prints
 * the file and the reason and returns 1.  The data must be all there before
 * anything is allocated for it. */
static int tnn_npy_read(const char *path, tnn_npy *a) {
  static const int dts[] = {TNN_DT_F32, TNN_DT_F64, TNN_DT_I64, TNN_DT_I32,
                            TNN_DT_I8, TNN_DT_U8, TNN_DT_BOOL, TNN_DT_F16,
                            TNN_DT_BF16};
  FILE *f = fopen(path, "rb");
  unsigned char pre[12];
  char *hdr = NULL;
  const char *why = NULL;
  size_t off = 0, hlen = 0;
  tnn_npy_header h;
  int64_t bytes = 0;
  long end = 0;
  memset(a, 0, sizeof *a);
  if (!f) {
    fprintf(stderr, "%s: cannot open\n", path);
    return 1;
  }
  why = tnn_npy_preamble(pre, fread(pre, 1, sizeof pre, f), &off, &hlen);
  if (why) goto bad;
  why = "truncated .npy header";
  hdr = malloc(hlen + 1);
  if (!hdr || fseek(f, (long)off, SEEK_SET) != 0 || fread(hdr, 1, hlen, f) != hlen)
    goto bad;
  why = tnn_npy_parse_header(hdr, hlen, &h);
  if (why) goto bad;
  for (size_t i = 0; i < sizeof dts / sizeof dts[0]; i++)
    if (strcmp(h.descr, tnn_npy_descr(dts[i])) == 0) a->dtype = dts[i];
  why = "unsupported element type (descr)";
  if (!a->dtype) goto bad;
  why = tnn_npy_data_bytes(&h, tnn_npy_esize(a->dtype), &bytes);
  if (why) goto bad;
  why = "cannot read the data";
  if (fseek(f, 0, SEEK_END) != 0 || (end = ftell(f)) < 0 ||
      fseek(f, (long)(off + hlen), SEEK_SET) != 0)
    goto bad;
  why = "the data is shorter than the shape says";
  if ((uint64_t)end < off + hlen || (uint64_t)end - (off + hlen) < (uint64_t)bytes)
    goto bad;
  why = "out of memory";
  a->data = malloc((size_t)bytes + 64);
  if (!a->data) goto bad;
  why = "cannot read the data";
  if (fread(a->data, 1, (size_t)bytes, f) != (size_t)bytes) goto bad;
  a->rank = h.rank;
  for (int d = 0; d < h.rank; d++) a->dims[d] = h.dims[d];
  a->count = h.count;
  free(hdr);
  fclose(f);
  return 0;
bad:
  fprintf(stderr, "%s: not a supported .npy file: %s\n", path, why);
  free(a->data);
  a->data = NULL;
  free(hdr);
  fclose(f);
  return 1;
}

/* calloc for count * samples elements of esize bytes, NULL when that
 * overflows. */
static void *tnn_npy_alloc(int64_t count, int64_t samples, size_t esize) {
  if (count < 0 || samples < 1 || (count && samples > INT64_MAX / count) ||
      (uint64_t)(count * samples) >= (uint64_t)SIZE_MAX / (esize ? esize : 1))
    return NULL;
  return calloc((size_t)(count * samples) + 1, esize);
}

/* A float16 / bfloat16 bit pattern's value (for printing). */
static double tnn_npy_half(uint16_t h, int bf16) {
  if (bf16) {
    const uint32_t b = (uint32_t)h << 16;
    float f;
    memcpy(&f, &b, 4);
    return f;
  }
  const int e = (h >> 10) & 0x1f, m = h & 0x3ff;
  const double v = e == 31 ? (m ? NAN : INFINITY)
                   : e ? ldexp(1024 + m, e - 25) : ldexp(m, -24);
  return h & 0x8000 ? -v : v;
}

static double tnn_npy_get(int dtype, const void *data, int64_t i) {
  switch (dtype) {
  case TNN_DT_F16: return tnn_npy_half(((const uint16_t *)data)[i], 0);
  case TNN_DT_BF16: return tnn_npy_half(((const uint16_t *)data)[i], 1);
  case TNN_DT_F32: return ((const float *)data)[i];
  case TNN_DT_F64: return ((const double *)data)[i];
  case TNN_DT_I64: return (double)((const int64_t *)data)[i];
  case TNN_DT_I32: return ((const int32_t *)data)[i];
  case TNN_DT_I8: return ((const int8_t *)data)[i];
  default: return ((const uint8_t *)data)[i];
  }
}

/* "-" as an output path: the values as text, one row per leading index,
 * with the row's argmax. */
static void tnn_npy_print(int dtype, int rank, const int64_t *dims,
                          const void *data) {
  int64_t rows = rank > 1 ? dims[0] : 1, count = 1;
  for (int d = 0; d < rank; d++) count *= dims[d];
  int64_t cols = rows ? count / rows : 0;
  printf("%s (", tnn_npy_dtype_name(dtype));
  for (int d = 0; d < rank; d++) printf("%s%lld", d ? ", " : "", (long long)dims[d]);
  printf(")\n");
  for (int64_t r = 0; r < rows; r++) {
    int64_t best = 0;
    printf("[%lld]", (long long)r);
    for (int64_t c = 0; c < cols; c++) {
      double v = tnn_npy_get(dtype, data, r * cols + c);
      if (v > tnn_npy_get(dtype, data, r * cols + best)) best = c;
      if (c < 16) printf(" %.6g", v);
    }
    printf("%s  argmax %lld\n", cols > 16 ? " ..." : "", (long long)best);
  }
}

static int tnn_npy_write(const char *path, int dtype, int rank,
                         const int64_t *dims, const void *data) {
  char hdr[512];
  if (strcmp(path, "-") == 0) {
    tnn_npy_print(dtype, rank, dims, data);
    return 0;
  }
  int64_t count = 1;
  int n = snprintf(hdr, sizeof hdr, "{'descr': '%s', 'fortran_order': False, 'shape': (",
                   tnn_npy_descr(dtype));
  for (int d = 0; d < rank; d++) {
    n += snprintf(hdr + n, sizeof hdr - (size_t)n, "%lld%s", (long long)dims[d],
                  rank == 1 ? "," : (d + 1 < rank ? ", " : ""));
    count *= dims[d];
  }
  n += snprintf(hdr + n, sizeof hdr - (size_t)n, "), }");
  int total = 10 + n + 1;
  int pad = (64 - total % 64) % 64;
  FILE *f = fopen(path, "wb");
  if (!f) {
    fprintf(stderr, "%s: cannot create\n", path);
    return 1;
  }
  unsigned hl = (unsigned)(n + pad + 1);
  unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                           (unsigned char)(hl & 255), (unsigned char)(hl >> 8)};
  fwrite(pre, 1, 10, f);
  fwrite(hdr, 1, (size_t)n, f);
  for (int i = 0; i < pad; i++) fputc(' ', f);
  fputc('\n', f);
  fwrite(data, tnn_npy_esize(dtype), (size_t)count, f);
  int bad = ferror(f);
  if (fclose(f) != 0 || bad) {
    fprintf(stderr, "%s: write failed\n", path);
    return 1;
  }
  return 0;
}

#ifdef TNN_MAIN_WEIGHTS
/* --weights=extern: reads the weights blob `path` or, when it is NULL, the
 * file `name` in the program's directory (that of argv[0]) into memory
 * aligned to `align`.  Returns the blob, *raw being what to free, or NULL
 * with a message. */
static const void *tnn_weights_load(const char *path, const char *argv0,
                                    const char *name, long size, size_t align,
                                    void **raw) {
  char *own = NULL;
  const void *r = NULL;
  if (!path) {
    const char *slash = strrchr(argv0, '/');
    size_t dir = slash ? (size_t)(slash - argv0) + 1 : 0;
    own = malloc(dir + strlen(name) + 1);
    if (!own) {
      fprintf(stderr, "out of memory\n");
      return NULL;
    }
    memcpy(own, argv0, dir);
    strcpy(own + dir, name);
    path = own;
  }
  FILE *f = fopen(path, "rb");
  long got = -1;
  *raw = NULL;
  if (!f) {
    fprintf(stderr, "%s: cannot open the weights (--weights FILE)\n", path);
  } else if (fseek(f, 0, SEEK_END) != 0 || (got = ftell(f)) != size ||
             fseek(f, 0, SEEK_SET) != 0) {
    fprintf(stderr, "%s: %ld bytes of weights, the model expects %ld\n", path, got, size);
  } else if (!(*raw = malloc((size_t)size + align))) {
    fprintf(stderr, "out of memory\n");
  } else {
    unsigned char *p = (unsigned char *)*raw;
    p += (align - (uintptr_t)p % align) % align;
    if (fread(p, 1, (size_t)size, f) == (size_t)size) r = p;
    else fprintf(stderr, "%s: cannot read the weights\n", path);
  }
  if (f) fclose(f);
  free(own);
  return r;
}
#endif
