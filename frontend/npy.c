/* Binding a graph input to a constant from a .npy file (--const-input).
 *
 * tnnc compiles for static shapes.  An input that decides a shape (the
 * `shape` of a Reshape, the `axes` of a reduction, the `pads` of a Pad...)
 * must be known at compile time; a model that takes one at run time can
 * still be compiled once its value is fixed.  bind_const_input turns the
 * named runtime input into a constant with the file's value: it leaves
 * the run function's parameter list, and constant folding sees its data.
 *
 * Reads NumPy format 1.0-3.0, C order, little-endian or single-byte
 * element types whose ONNX type tnnc supports, with the strict header
 * parser of runtime/tnn_npy.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../ir/ir.h"
#include "../runtime/tnn_npy.h"

static const struct {
  const char *descr;
  DType dtype;
} npy_types[] = {
    {"<f4", DT_FLOAT}, {"<f8", DT_DOUBLE}, {"|i1", DT_INT8},  {"|u1", DT_UINT8},
    {"<i2", DT_INT16}, {"<u2", DT_UINT16}, {"<i4", DT_INT32}, {"<u4", DT_UINT32},
    {"<i8", DT_INT64}, {"<u8", DT_UINT64}, {"|b1", DT_BOOL},
    /* float16; bfloat16 (numpy has none) as 2-byte voids of its bits */
    {"<f2", DT_FLOAT16}, {"|V2", DT_BFLOAT16},
};

/* Parses the header of `buf` (runtime/tnn_npy.h, the reader the
 * --emit-main program uses too) into dtype/rank/dims and the data offset;
 * false with a reason in *why. */
static bool npy_header(const uint8_t *buf, size_t len, DType *dt, int *rank,
                       int64_t *dims, size_t *data_off, const char **why) {
  size_t off, hlen;
  tnn_npy_header h;
  *why = tnn_npy_preamble(buf, len, &off, &hlen);
  if (*why) return false;
  if (hlen > len - off) {
    *why = "truncated .npy header";
    return false;
  }
  *why = tnn_npy_parse_header((const char *)buf + off, hlen, &h);
  if (*why) return false;
  *dt = DT_UNDEFINED;
  for (size_t i = 0; i < sizeof npy_types / sizeof npy_types[0]; i++)
    if (strcmp(h.descr, npy_types[i].descr) == 0) *dt = npy_types[i].dtype;
  if (*dt == DT_UNDEFINED) {
    *why = "unsupported element type (descr) in the .npy header";
    return false;
  }
  if (h.rank > IR_MAX_RANK) {
    *why = "the .npy array has more axes than tnnc supports";
    return false;
  }
  int64_t bytes;
  *why = tnn_npy_data_bytes(&h, dtype_size(*dt), &bytes);
  if (*why) return false;
  *rank = h.rank;
  for (int d = 0; d < h.rank; d++) dims[d] = h.dims[d];
  *data_off = off + hlen;
  return true;
}

bool bind_const_input(Graph *g, const char *spec) {
  const char *eq = strchr(spec, '=');
  if (!eq || eq == spec || !eq[1]) {
    diag_error(g->diag, NULL, "--const-input wants NAME=FILE.npy, got '%s'", spec);
    return false;
  }
  const char *name = arena_printf(g->arena, "%.*s", (int)(eq - spec), spec);
  const char *path = eq + 1;
  int idx = -1;
  for (int i = 0; i < g->ninputs; i++)
    if (strcmp(g->inputs[i]->name, name) == 0) idx = i;
  if (idx < 0) {
    diag_error(g->diag, NULL, "--const-input: '%s' is not a runtime input of "
               "the model", name);
    return false;
  }
  Tensor *t = g->inputs[idx];
  FILE *f = fopen(path, "rb");
  if (!f) {
    diag_error(g->diag, NULL, "--const-input %s: cannot open %s: %s", name, path,
               strerror(errno));
    return false;
  }
  /* read it whole, bounded by the weight limit */
  size_t cap = 4096, n = 0;
  uint8_t *buf = malloc(cap);
  bool too_big = false;
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) break;
    if ((int64_t)cap > g->limits->max_weight_bytes) {
      too_big = true;
      break;
    }
    uint8_t *nb = realloc(buf, cap * 2);
    if (!nb) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = nb;
    cap *= 2;
  }
  bool rerr = ferror(f);
  fclose(f);
  if (!buf || rerr || too_big) {
    free(buf);
    diag_error(g->diag, NULL, "--const-input %s: cannot read %s%s", name, path,
               too_big ? ": larger than the weight limit" : "");
    return false;
  }
  DType dt;
  int rank;
  int64_t dims[IR_MAX_RANK];
  size_t off;
  const char *why;
  bool ok = npy_header(buf, n, &dt, &rank, dims, &off, &why);
  if (!ok) {
    diag_error(g->diag, NULL, "--const-input %s: %s: %s", name, path, why);
  } else if (t->dtype != DT_UNDEFINED && dt != t->dtype) {
    diag_error(g->diag, NULL, "--const-input %s: %s holds %s, the input is %s",
               name, path, dtype_name(dt), dtype_name(t->dtype));
    ok = false;
  } else if (t->rank >= 0 && rank != t->rank) {
    diag_error(g->diag, NULL, "--const-input %s: %s has rank %d, the input has "
               "rank %d", name, path, rank, t->rank);
    ok = false;
  }
  for (int d = 0; ok && t->rank >= 0 && d < rank; d++)
    if (!t->dim_param[d] && t->dims[d] >= 0 && t->dims[d] != dims[d]) {
      diag_error(g->diag, NULL, "--const-input %s: %s has dim %lld on axis %d, "
                 "the input has %lld", name, path, (long long)dims[d], d,
                 (long long)t->dims[d]);
      ok = false;
    }
  int64_t count = 1;
  for (int d = 0; ok && d < rank; d++) {
    if (dims[d] && count > g->limits->max_tensor_elements / dims[d]) {
      diag_error(g->diag, NULL, "--const-input %s: %s has more elements than "
                 "the limit of %lld", name, path,
                 (long long)g->limits->max_tensor_elements);
      ok = false;
    } else {
      count *= dims[d];
    }
  }
  if (ok) {
    ir_tensor_set_shape(t, dt, rank, dims);
    for (int d = 0; d < rank; d++) t->dim_param[d] = NULL;
    int64_t bytes = ir_tensor_bytes(t);
    if (bytes < 0 || (uint64_t)bytes > n - off) {
      diag_error(g->diag, NULL, "--const-input %s: %s is truncated", name, path);
      ok = false;
    } else if (g->const_bytes > g->limits->max_weight_bytes - bytes) {
      diag_error(g->diag, NULL, "--const-input %s: %s takes the constant data "
                 "beyond the limit of %lld bytes (see --limit weight-bytes=N)",
                 name, path, (long long)g->limits->max_weight_bytes);
      ok = false;
    } else {
      g->const_bytes += bytes;
      memcpy(ir_tensor_alloc_data(g, t), buf + off, (size_t)bytes);
      t->is_input = false;
      t->is_initializer = true;
      for (int i = idx; i + 1 < g->ninputs; i++) g->inputs[i] = g->inputs[i + 1];
      g->ninputs--;
    }
  }
  free(buf);
  return ok;
}
