/* GatherND, ScatterND, OneHot, Compress, EyeLike and Range (kernels in
 * runtime/tnn_index_nd.h).
 *
 *  - GatherND(data, indices; batch_dims = b): indices int64 of rank >= 1
 *    whose first b dims are the data's and whose last, q, is in
 *    [1, rank(data) - b]; the output is data.shape[:b] + indices.shape[b:-1]
 *    + data.shape[b+q:], data's type.
 *  - ScatterND(data, indices, updates; reduction = none | add | mul | max |
 *    min): updates has indices.shape[:-1] + data.shape[q:] and the data's
 *    type; the output is the data with the updates written at the indexed
 *    slices (combined; not on bool).
 *  - OneHot(indices, depth, values; axis = -1): depth and values constants
 *    (the output shape folds): depth one number >= 1 (a float is
 *    truncated), values [off, on] of the output's type; indices of any
 *    supported numeric type (a float one that is not a whole number
 *    matches no position, as onnxruntime).  The output inserts depth at axis, in
 *    [-rank - 1, rank].
 *  - Compress(x, condition; axis): condition a constant 1-D bool; along
 *    axis (or over the flattened x when axis is absent) the output keeps
 *    the slices whose condition is true.  A condition longer than the axis
 *    is accepted when its extra entries are false, as numpy's compress.
 *  - EyeLike(x; dtype, k = 0): x of rank 2, only its shape read; the output
 *    is ones on diagonal k (j - i = k), of type dtype (default x's).
 *  - Range(start, limit, delta): three constant scalars of one type (float,
 *    double, int32, int64; as graph inputs the length cannot fold, so they
 *    are refused); n = max(ceil((limit - start) / delta), 0) computed in
 *    double from limit - start in the element's type, as onnxruntime. */
#include <math.h>
#include <string.h>

#include "../ir.h"

static bool nd_numeric(DType t) {
  return t == DT_FLOAT || t == DT_DOUBLE || t == DT_INT64 || t == DT_INT32 ||
         t == DT_INT8 || t == DT_UINT8;
}

/* ------------------------------------------------------- GatherND, ScatterND */

/* q and the checks both ops share; b is 0 for ScatterND. */
static bool nd_check(Graph *g, Node *n, int b, int *q) {
  const Tensor *x = n->in[0], *ix = n->in[1];
  if (ix->dtype != DT_INT64) {
    diag_error(g->diag, n, "input 1 '%s' (indices) has type %s, expected "
               "int64", ix->name, dtype_name(ix->dtype));
    return false;
  }
  if (x->rank < 1 || ix->rank < 1) {
    diag_error(g->diag, n, "%s needs data and indices of rank >= 1",
               op_name(n->op));
    return false;
  }
  if (b < 0 || b >= x->rank || b >= ix->rank) {
    diag_error(g->diag, n, "batch_dims %d must be less than the ranks of the "
               "data (%d) and the indices (%d)", b, x->rank, ix->rank);
    return false;
  }
  for (int d = 0; d < b; d++)
    if (ix->dims[d] != x->dims[d]) {
      diag_error(g->diag, n, "input 1 '%s' (indices) has dim %lld on batch "
                 "axis %d where the data has %lld", ix->name,
                 (long long)ix->dims[d], d, (long long)x->dims[d]);
      return false;
    }
  const int64_t last = ix->dims[ix->rank - 1];
  if (last < 1 || last > x->rank - b) {
    diag_error(g->diag, n, "input 1 '%s' (indices) has last dim %lld, "
               "expected 1 to %d (the data's rank less batch_dims)",
               ix->name, (long long)last, x->rank - b);
    return false;
  }
  *q = (int)last;
  if (ix->data) {
    const int64_t cnt = ir_tensor_numel(ix);
    for (int64_t i = 0; i < cnt; i++) {
      const int k = b + (int)(i % last);
      const int64_t v = ir_const_int(ix, i), len = x->dims[k];
      if (v < -len || v >= len) {
        diag_error(g->diag, n, "index %lld out of range for axis %d of size "
                   "%lld", (long long)v, k, (long long)len);
        return false;
      }
    }
  }
  return true;
}

static bool nd_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0], *ix = n->in[1];
  const int b = n->op == OP_GATHER_ND ? (int)ir_attr_int(n, "batch_dims", 0) : 0;
  int q;
  if (!nd_check(g, n, b, &q)) return false;
  int64_t dims[2 * IR_MAX_RANK];
  int r = 0;
  for (int d = 0; d < ix->rank - 1; d++) dims[r++] = ix->dims[d];
  for (int d = b + q; d < x->rank; d++) dims[r++] = x->dims[d];
  if (n->op == OP_GATHER_ND) {
    if (r > IR_MAX_RANK) {
      diag_error(g->diag, n, "output would have rank %d; at most %d is "
                 "supported", r, IR_MAX_RANK);
      return false;
    }
    ir_tensor_set_shape(n->out[0], x->dtype, r, dims);
    return true;
  }
  const Tensor *u = n->in[2];
  if (u->dtype != x->dtype || u->rank != r ||
      memcmp(u->dims, dims, sizeof(int64_t) * (size_t)r) != 0) {
    diag_error(g->diag, n, "input 2 '%s' (updates) must have shape "
               "indices.shape[:-1] + data.shape[%d:] and the data's type",
               u->name, q);
    return false;
  }
  const int red = opk_scatter_reduction(g, n);
  if (red < 0) return false;
  if (red > 0 && !nd_numeric(x->dtype)) {
    diag_error(g->diag, n, "reduction '%s' on %s tensors is not supported",
               ir_attr_string(n, "reduction", "none"), dtype_name(x->dtype));
    return false;
  }
  ir_tensor_set_shape(n->out[0], x->dtype, x->rank, x->dims);
  return true;
}

static bool nd_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0], *ix = n->in[1];
  const int b = n->op == OP_GATHER_ND ? (int)ir_attr_int(n, "batch_dims", 0) : 0;
  int q;
  if (!nd_check(g, n, b, &q)) return false;
  tnn_nd_params *p = opk_params(g, sizeof *p);
  p->batch = p->nidx = p->slice = 1;
  for (int d = 0; d < b; d++) p->batch *= x->dims[d];
  for (int d = b; d < ix->rank - 1; d++) p->nidx *= ix->dims[d];
  p->q = q;
  for (int k = 0; k < q; k++) p->dims[k] = x->dims[b + k];
  for (int d = b + q; d < x->rank; d++) p->slice *= x->dims[d];
  p->dbatch = p->slice;
  for (int k = 0; k < q; k++) p->dbatch *= p->dims[k];
  p->esize = (int64_t)dtype_size(x->dtype);
  p->dtype = dtype_tnn(x->dtype);
  p->bytes = ir_tensor_bytes(x);
  if (n->op == OP_GATHER_ND) {
    n->call.kernel = TNN_K_x_gather_nd;
  } else {
    p->reduction = opk_scatter_reduction(g, n);
    if (p->reduction < 0) return false;
    n->call.kernel = TNN_K_x_scatter_nd;
  }
  n->call.params = p;
  return true;
}

/* ---------------------------------------------------------------- OneHot */

static bool onehot_spec(Graph *g, Node *n, int *axis, int64_t *depth) {
  const Tensor *ix = n->in[0], *dt = n->in[1], *v = n->in[2];
  if (!nd_numeric(ix->dtype)) {
    diag_error(g->diag, n, "input 0 '%s' (indices) has type %s, expected a "
               "number type", ix->name, dtype_name(ix->dtype));
    return false;
  }
  if (!nd_numeric(dt->dtype) || ir_tensor_numel(dt) != 1 || dt->rank > 1) {
    diag_error(g->diag, n, "input 1 '%s' (depth) must be one number",
               dt->name);
    return false;
  }
  if (!dt->data) {
    diag_error(g->diag, n, "input 1 '%s' (depth) must be a constant",
               dt->name);
    return false;
  }
  const double d = ir_const_double(dt, 0);
  if (!(d >= 1) || d > (double)INT64_MAX) {
    diag_error(g->diag, n, "input 1 '%s' (depth) is %g, expected >= 1",
               dt->name, d);
    return false;
  }
  *depth = (int64_t)d;
  if (v->rank != 1 || v->dims[0] != 2) {
    diag_error(g->diag, n, "input 2 '%s' (values) must be [off_value, "
               "on_value], a 1-D tensor of 2", v->name);
    return false;
  }
  if (!v->data) {
    diag_error(g->diag, n, "input 2 '%s' (values) must be a constant",
               v->name);
    return false;
  }
  if (ix->rank + 1 > IR_MAX_RANK) {
    diag_error(g->diag, n, "output would have rank %d; at most %d is "
               "supported", ix->rank + 1, IR_MAX_RANK);
    return false;
  }
  bool ok = true;
  *axis = opk_norm_axis(g, n, ir_attr_int(n, "axis", -1), ix->rank + 1, &ok);
  return ok;
}

static bool onehot_infer(Graph *g, Node *n) {
  const Tensor *ix = n->in[0];
  int axis;
  int64_t depth, dims[IR_MAX_RANK];
  if (!onehot_spec(g, n, &axis, &depth)) return false;
  int r = 0;
  for (int d = 0; d <= ix->rank; d++) {
    if (d == axis) dims[r++] = depth;
    if (d < ix->rank) dims[r++] = ix->dims[d];
  }
  ir_tensor_set_shape(n->out[0], n->in[2]->dtype, r, dims);
  return true;
}

static bool onehot_lower(Graph *g, Node *n) {
  const Tensor *ix = n->in[0];
  int axis;
  int64_t depth;
  if (!onehot_spec(g, n, &axis, &depth)) return false;
  tnn_onehot_params *p = opk_params(g, sizeof *p);
  p->outer = p->inner = 1;
  for (int d = 0; d < axis; d++) p->outer *= ix->dims[d];
  for (int d = axis; d < ix->rank; d++) p->inner *= ix->dims[d];
  p->depth = depth;
  p->idtype = dtype_tnn(ix->dtype);
  p->esize = (int64_t)dtype_size(n->in[2]->dtype);
  n->call.kernel = TNN_K_x_onehot;
  n->call.params = p;
  return true;
}

/* -------------------------------------------------------------- Compress */

/* axis (-1: none, x flattened), the slice count along it and the kept
 * count. */
static bool compress_spec(Graph *g, Node *n, int *axis, int64_t *len,
                          int64_t *kept) {
  const Tensor *x = n->in[0], *c = n->in[1];
  if (c->dtype != DT_BOOL || c->rank != 1) {
    diag_error(g->diag, n, "input 1 '%s' (condition) must be a 1-D bool "
               "tensor", c->name);
    return false;
  }
  if (!c->data) {
    diag_error(g->diag, n, "input 1 '%s' (condition) must be a constant: "
               "it decides the output's shape", c->name);
    return false;
  }
  *axis = -1;
  *len = ir_tensor_numel(x);
  if (ir_attr(n, "axis")) {
    bool ok = true;
    if (x->rank == 0) {
      diag_error(g->diag, n, "input 0 '%s' is a scalar; Compress along an "
                 "axis needs rank >= 1", x->name);
      return false;
    }
    *axis = opk_norm_axis(g, n, ir_attr_int(n, "axis", 0), x->rank, &ok);
    if (!ok) return false;
    *len = x->dims[*axis];
  }
  const uint8_t *cv = (const uint8_t *)c->data;
  *kept = 0;
  for (int64_t j = 0; j < c->dims[0]; j++) {
    if (!cv[j]) continue;
    if (j >= *len) {
      diag_error(g->diag, n, "input 1 '%s' (condition) is true at %lld, "
                 "beyond the %lld slices of the input", c->name,
                 (long long)j, (long long)*len);
      return false;
    }
    (*kept)++;
  }
  return true;
}

static bool compress_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  int axis;
  int64_t len, kept;
  if (!compress_spec(g, n, &axis, &len, &kept)) return false;
  if (axis < 0) {
    ir_tensor_set_shape(n->out[0], x->dtype, 1, &kept);
    return true;
  }
  int64_t dims[IR_MAX_RANK];
  memcpy(dims, x->dims, sizeof(int64_t) * (size_t)x->rank);
  dims[axis] = kept;
  ir_tensor_set_shape(n->out[0], x->dtype, x->rank, dims);
  return true;
}

static bool compress_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  int axis;
  int64_t len, kept;
  if (!compress_spec(g, n, &axis, &len, &kept)) return false;
  tnn_compress_params *p = opk_params(g, sizeof *p);
  p->outer = 1;
  p->inner = (int64_t)dtype_size(x->dtype);
  if (axis >= 0) {
    for (int d = 0; d < axis; d++) p->outer *= x->dims[d];
    for (int d = axis + 1; d < x->rank; d++) p->inner *= x->dims[d];
  }
  p->len = len;
  p->clen = n->in[1]->dims[0];
  n->call.kernel = TNN_K_x_compress;
  n->call.params = p;
  return true;
}

/* --------------------------------------------------------------- EyeLike */

static bool eyelike_dtype(Graph *g, Node *n, DType *dt) {
  const Tensor *x = n->in[0];
  if (!opk_check_rank(g, n, 0, 2, 2)) return false;
  *dt = (DType)ir_attr_int(n, "dtype", (int64_t)x->dtype);
  if (!nd_numeric(*dt) && *dt != DT_BOOL) {
    diag_error(g->diag, n, "attribute 'dtype' is %d (%s), which EyeLike "
               "does not support here", (int)*dt, dtype_name(*dt));
    return false;
  }
  return true;
}

static bool eyelike_infer(Graph *g, Node *n) {
  DType dt;
  if (!eyelike_dtype(g, n, &dt)) return false;
  ir_tensor_set_shape(n->out[0], dt, 2, n->in[0]->dims);
  return true;
}

static bool eyelike_lower(Graph *g, Node *n) {
  DType dt;
  if (!eyelike_dtype(g, n, &dt)) return false;
  tnn_eyelike_params *p = opk_params(g, sizeof *p);
  p->rows = n->in[0]->dims[0];
  p->cols = n->in[0]->dims[1];
  p->k = ir_attr_int(n, "k", 0);
  p->dtype = dtype_tnn(dt);
  n->call.kernel = TNN_K_x_eyelike;
  n->call.params = p;
  return true;
}

/* ----------------------------------------------------------------- Range */

static bool range_len(Graph *g, Node *n, int64_t *len) {
  static const char *const what[] = {"start", "limit", "delta"};
  const DType t = n->in[0]->dtype;
  for (int i = 0; i < 3; i++) {
    const Tensor *x = n->in[i];
    if (x->dtype != t || (t != DT_FLOAT && t != DT_DOUBLE && t != DT_INT32 &&
                          t != DT_INT64)) {
      diag_error(g->diag, n, "input %d '%s' (%s) has type %s; Range takes "
                 "float, double, int32 or int64, the same for all three", i,
                 x->name, what[i], dtype_name(x->dtype));
      return false;
    }
    if (x->rank > 1 || ir_tensor_numel(x) != 1) {
      diag_error(g->diag, n, "input %d '%s' (%s) must be a scalar", i,
                 x->name, what[i]);
      return false;
    }
    if (!x->data) {
      diag_error(g->diag, n, "input %d '%s' (%s) must be a constant: it "
                 "decides the output's length", i, x->name, what[i]);
      return false;
    }
  }
  double span, delta;
  if (t == DT_FLOAT) {
    span = (double)(*(const float *)n->in[1]->data -
                    *(const float *)n->in[0]->data);
    delta = *(const float *)n->in[2]->data;
  } else if (t == DT_DOUBLE) {
    span = *(const double *)n->in[1]->data - *(const double *)n->in[0]->data;
    delta = *(const double *)n->in[2]->data;
  } else {
    const int64_t a = ir_const_int(n->in[0], 0), b = ir_const_int(n->in[1], 0);
    if (t == DT_INT32) span = (double)(int32_t)(uint32_t)((uint64_t)b - (uint64_t)a);
    else span = (double)(int64_t)((uint64_t)b - (uint64_t)a);
    delta = (double)ir_const_int(n->in[2], 0);
  }
  if (delta == 0) {
    diag_error(g->diag, n, "input 2 '%s' (delta) is 0", n->in[2]->name);
    return false;
  }
  const double c = ceil(span / delta);
  if (c != c || c > (double)g->limits->max_tensor_elements) {
    diag_error(g->diag, n, "Range would have %g elements, more than the limit "
               "of %lld (see --limit elements=N)", c,
               (long long)g->limits->max_tensor_elements);
    return false;
  }
  *len = c > 0 ? (int64_t)c : 0;
  return true;
}

static bool range_infer(Graph *g, Node *n) {
  int64_t len;
  if (!range_len(g, n, &len)) return false;
  ir_tensor_set_shape(n->out[0], n->in[0]->dtype, 1, &len);
  return true;
}

static bool range_lower(Graph *g, Node *n) {
  int64_t len;
  if (!range_len(g, n, &len)) return false;
  tnn_range_params *p = opk_params(g, sizeof *p);
  p->n = len;
  p->dtype = dtype_tnn(n->in[0]->dtype);
  n->call.kernel = TNN_K_x_range;
  n->call.params = p;
  return true;
}

/* ------------------------------------------------------------------------ */

static bool index_nd_infer(Graph *g, Node *n) {
  switch (n->op) {
  case OP_ONE_HOT: return onehot_infer(g, n);
  case OP_COMPRESS: return compress_infer(g, n);
  case OP_EYE_LIKE: return eyelike_infer(g, n);
  case OP_RANGE: return range_infer(g, n);
  default: return nd_infer(g, n);
  }
}

static bool index_nd_lower(Graph *g, Node *n) {
  switch (n->op) {
  case OP_ONE_HOT: return onehot_lower(g, n);
  case OP_COMPRESS: return compress_lower(g, n);
  case OP_EYE_LIKE: return eyelike_lower(g, n);
  case OP_RANGE: return range_lower(g, n);
  default: return nd_lower(g, n);
  }
}

const OpKind opkind_index_nd = {index_nd_infer, index_nd_lower};
