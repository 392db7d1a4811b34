/* GatherElements, ScatterElements (and its old name Scatter) and Trilu
 * (kernels in runtime/tnn_index.h).
 *
 *  - GatherElements(data, indices; axis = 0): indices (int64 or int32) has
 *    data's rank; the output has the indices' shape and data's type.
 *  - ScatterElements(data, indices, updates; axis = 0, reduction = none |
 *    add | mul | max | min): updates has the indices' shape; the output is
 *    data with the updates written (combined) at the indexed positions.
 *  - Trilu(x[, k]; upper = 1): rank >= 2; k a constant int64 scalar
 *    (default 0). */
#include <string.h>

#include "../ir.h"

static bool elems_check(Graph *g, Node *n, int *axis) {
  const Tensor *x = n->in[0], *ix = n->in[1];
  bool ok = true;
  if (x->rank == 0) {
    diag_error(g->diag, n, "input 0 '%s' is a scalar", x->name);
    return false;
  }
  if (ix->dtype != DT_INT64 && ix->dtype != DT_INT32) {
    diag_error(g->diag, n, "input 1 '%s' (indices) has type %s, expected "
               "int64 or int32", ix->name, dtype_name(ix->dtype));
    return false;
  }
  if (ix->rank != x->rank) {
    diag_error(g->diag, n, "input 1 '%s' (indices) has rank %d, expected %d "
               "(the data's)", ix->name, ix->rank, x->rank);
    return false;
  }
  *axis = opk_norm_axis(g, n, ir_attr_int(n, "axis", 0), x->rank, &ok);
  if (!ok) return false;
  for (int d = 0; d < x->rank; d++)
    if (d != *axis && ix->dims[d] > x->dims[d]) {
      diag_error(g->diag, n, "input 1 '%s' (indices) has dim %lld on axis %d "
                 "where the data has %lld", ix->name, (long long)ix->dims[d],
                 d, (long long)x->dims[d]);
      return false;
    }
  return true;
}

static int scatter_kernel(DType t) {
  switch (t) {
  case DT_FLOAT: return TNN_K_f32_scatter_elements;
  case DT_INT64: return TNN_K_i64_scatter_elements;
  case DT_INT32: return TNN_K_i32_scatter_elements;
  default: return -1;
  }
}

static bool elems_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0], *ix = n->in[1];
  int axis;
  if (!dtype_supported(x->dtype)) {
    diag_error(g->diag, n, "input 0 '%s' has unsupported type %s", x->name,
               dtype_name(x->dtype));
    return false;
  }
  if (!elems_check(g, n, &axis)) return false;
  if (n->op == OP_GATHER_ELEMENTS) {
    ir_tensor_set_shape(n->out[0], x->dtype, ix->rank, ix->dims);
    return true;
  }
  const Tensor *u = n->in[2];
  if (scatter_kernel(x->dtype) < 0) {
    diag_error(g->diag, n, "%s on %s tensors is not supported", op_name(n->op),
               dtype_name(x->dtype));
    return false;
  }
  if (u->dtype != x->dtype || u->rank != ix->rank ||
      memcmp(u->dims, ix->dims, sizeof(int64_t) * (size_t)ix->rank) != 0) {
    diag_error(g->diag, n, "input 2 '%s' (updates) must have the indices' "
               "shape and the data's type", u->name);
    return false;
  }
  if (opk_scatter_reduction(g, n) < 0) return false;
  ir_tensor_set_shape(n->out[0], x->dtype, x->rank, x->dims);
  return true;
}

static bool elems_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0], *ix = n->in[1];
  int axis;
  if (!elems_check(g, n, &axis)) return false;
  tnn_elems_params *p = opk_params(g, sizeof *p);
  p->rank = x->rank;
  p->axis = axis;
  p->len = x->dims[axis];
  int64_t s = 1;
  for (int d = x->rank - 1; d >= 0; d--) {
    p->idims[d] = ix->dims[d];
    p->dstr[d] = s;
    s *= x->dims[d];
  }
  p->esize = (int64_t)dtype_size(x->dtype);
  p->idx64 = ix->dtype == DT_INT64;
  p->dtype = dtype_tnn(x->dtype);
  p->bytes = ir_tensor_bytes(x);
  if (n->op == OP_GATHER_ELEMENTS) {
    n->call.kernel = TNN_K_x_gather_elements;
  } else {
    p->reduction = opk_scatter_reduction(g, n);
    if (p->reduction < 0) return false;
    n->call.kernel = scatter_kernel(x->dtype);
  }
  n->call.params = p;
  return true;
}

static bool trilu_k(Graph *g, Node *n, int64_t *k) {
  *k = 0;
  if (n->nin < 2 || !n->in[1]) return true;
  const Tensor *t = n->in[1];
  if (!t->data) {
    diag_error(g->diag, n, "input 1 '%s' (k) must be a constant", t->name);
    return false;
  }
  if (t->dtype != DT_INT64 || ir_tensor_numel(t) != 1) {
    diag_error(g->diag, n, "input 1 '%s' (k) must be one int64 value",
               t->name);
    return false;
  }
  *k = ir_const_int(t, 0);
  return true;
}

static bool trilu_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  int64_t k;
  if (!opk_check_rank(g, n, 0, 2, IR_MAX_RANK) || !trilu_k(g, n, &k))
    return false;
  if (!dtype_supported(x->dtype)) {
    diag_error(g->diag, n, "input 0 '%s' has unsupported type %s", x->name,
               dtype_name(x->dtype));
    return false;
  }
  ir_tensor_set_shape(n->out[0], x->dtype, x->rank, x->dims);
  return true;
}

static bool trilu_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  tnn_trilu_params *p = opk_params(g, sizeof *p);
  if (!trilu_k(g, n, &p->k)) return false;
  p->batch = 1;
  for (int d = 0; d < x->rank - 2; d++) p->batch *= x->dims[d];
  p->rows = x->dims[x->rank - 2];
  p->cols = x->dims[x->rank - 1];
  p->upper = ir_attr_int(n, "upper", 1) != 0;
  p->esize = (int64_t)dtype_size(x->dtype);
  n->call.kernel = TNN_K_x_trilu;
  n->call.params = p;
  return true;
}

static bool index_infer(Graph *g, Node *n) {
  return n->op == OP_TRILU ? trilu_infer(g, n) : elems_infer(g, n);
}

static bool index_lower(Graph *g, Node *n) {
  return n->op == OP_TRILU ? trilu_lower(g, n) : elems_lower(g, n);
}

const OpKind opkind_index = {index_infer, index_lower};
