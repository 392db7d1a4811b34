/* Reductions (ReduceMean, ReduceSum, ReduceMax, ReduceMin, ReduceProd,
 * ReduceL1, ReduceL2, ReduceSumSquare, ReduceLogSum, ReduceLogSumExp),
 * ArgMax, ArgMin and TopK.
 *
 * Reduce axes: the `axes` attribute, or from opset 13 (ReduceSum) / 18
 * (the others) an optional constant int64 input 1.  No axes reduces all of
 * them, unless noop_with_empty_axes = 1, which makes the node an identity
 * (lowered to a copy).  keepdims (default 1) keeps reduced dims as 1.
 * Float32 and double for all; int64 too for ReduceSum, Max, Min, Prod,
 * SumSquare, L1.
 *
 * ArgMax/ArgMin(axis = 0, keepdims = 1, select_last_index = 0) on float32 gives
 * int64.  TopK: K from the attribute `k` (opset < 10) or a constant int64
 * input 1 of one element; axis -1, largest 1, sorted 1 by default. */
#include <string.h>

#include "../ir.h"

typedef struct ReduceSpec {
  bool red[IR_MAX_RANK];
  bool noop;                   /* empty axes with noop_with_empty_axes */
  bool keepdims;
} ReduceSpec;

static bool axes_from_input(const Graph *g, const Node *n) {
  return n->op == OP_REDUCE_SUM ? g->opset >= 13 : g->opset >= 18;
}

static bool reduce_spec(Graph *g, Node *n, ReduceSpec *rs) {
  const Tensor *x = n->in[0];
  int64_t axes[IR_MAX_RANK];
  int cnt = -1;
  if (axes_from_input(g, n)) {
    if (n->nin > 1 && n->in[1]) {
      const Tensor *t = n->in[1];
      if (!t->data) {
        diag_error(g->diag, n, "input 1 '%s' (axes) must be a constant",
                   t->name);
        return false;
      }
      if (t->dtype != DT_INT64 || t->rank > 1) {
        diag_error(g->diag, n, "input 1 '%s' (axes) must be a 1-D int64 "
                   "tensor", t->name);
        return false;
      }
      int64_t numel = ir_tensor_numel(t);
      if (numel > IR_MAX_RANK) {
        diag_error(g->diag, n, "input 1 '%s' (axes) has %lld entries for rank "
                   "%d", t->name, (long long)numel, x->rank);
        return false;
      }
      cnt = (int)numel;
      for (int k = 0; k < cnt; k++) axes[k] = ir_const_int(t, k);
    }
  } else {
    if (n->nin > 1 && n->in[1]) {
      diag_error(g->diag, n, "axes as an input needs opset %d; the model has "
                 "%lld", n->op == OP_REDUCE_SUM ? 13 : 18,
                 (long long)g->opset);
      return false;
    }
    cnt = ir_attr_ints(n, "axes", axes, IR_MAX_RANK);
    if (cnt > IR_MAX_RANK) {
      diag_error(g->diag, n, "%d axes for rank %d", cnt, x->rank);
      return false;
    }
  }
  rs->keepdims = ir_attr_int(n, "keepdims", 1) != 0;
  rs->noop = false;
  for (int d = 0; d < IR_MAX_RANK; d++) rs->red[d] = false;
  if (cnt <= 0) {
    if (ir_attr_int(n, "noop_with_empty_axes", 0) != 0) {
      rs->noop = true;
      return true;
    }
    for (int d = 0; d < x->rank; d++) rs->red[d] = true;
    return true;
  }
  for (int k = 0; k < cnt; k++) {
    bool ok = true;
    if (x->rank == 0) {
      diag_error(g->diag, n, "axis %lld is out of range for rank 0",
                 (long long)axes[k]);
      return false;
    }
    int a = opk_norm_axis(g, n, axes[k], x->rank, &ok);
    if (!ok) return false;
    if (rs->red[a]) {
      diag_error(g->diag, n, "axis %d is given twice", a);
      return false;
    }
    rs->red[a] = true;
  }
  return true;
}

static int reduce_kernel(Op op, DType t) {
  if (t == DT_FLOAT) {
    switch (op) {
    case OP_REDUCE_MEAN: return TNN_K_f32_reduce_mean;
    case OP_REDUCE_SUM: return TNN_K_f32_reduce_sum;
    case OP_REDUCE_MAX: return TNN_K_f32_reduce_max;
    case OP_REDUCE_MIN: return TNN_K_f32_reduce_min;
    case OP_REDUCE_PROD: return TNN_K_f32_reduce_prod;
    case OP_REDUCE_L1: return TNN_K_f32_reduce_l1;
    case OP_REDUCE_L2: return TNN_K_f32_reduce_l2;
    case OP_REDUCE_SUM_SQUARE: return TNN_K_f32_reduce_sum_square;
    case OP_REDUCE_LOG_SUM: return TNN_K_f32_reduce_log_sum;
    case OP_REDUCE_LOG_SUM_EXP: return TNN_K_f32_reduce_log_sum_exp;
    default: return -1;
    }
  }
  if (t == DT_DOUBLE) {
    switch (op) {
    case OP_REDUCE_MEAN: return TNN_K_f64_reduce_mean;
    case OP_REDUCE_SUM: return TNN_K_f64_reduce_sum;
    case OP_REDUCE_MAX: return TNN_K_f64_reduce_max;
    case OP_REDUCE_MIN: return TNN_K_f64_reduce_min;
    case OP_REDUCE_PROD: return TNN_K_f64_reduce_prod;
    case OP_REDUCE_L1: return TNN_K_f64_reduce_l1;
    case OP_REDUCE_L2: return TNN_K_f64_reduce_l2;
    case OP_REDUCE_SUM_SQUARE: return TNN_K_f64_reduce_sum_square;
    case OP_REDUCE_LOG_SUM: return TNN_K_f64_reduce_log_sum;
    case OP_REDUCE_LOG_SUM_EXP: return TNN_K_f64_reduce_log_sum_exp;
    default: return -1;
    }
  }
  if (t == DT_INT64) {
    switch (op) {
    case OP_REDUCE_SUM: return TNN_K_i64_reduce_sum;
    case OP_REDUCE_MAX: return TNN_K_i64_reduce_max;
    case OP_REDUCE_MIN: return TNN_K_i64_reduce_min;
    case OP_REDUCE_PROD: return TNN_K_i64_reduce_prod;
    case OP_REDUCE_SUM_SQUARE: return TNN_K_i64_reduce_sum_square;
    case OP_REDUCE_L1: return TNN_K_i64_reduce_l1;
    default: return -1;
    }
  }
  return -1;
}

/* ArgMax's axis; false after a diag. */
static bool argmax_axis(Graph *g, Node *n, int *axis) {
  bool ok = true;
  const Tensor *x = n->in[0];
  if (x->rank == 0) {
    diag_error(g->diag, n, "input 0 '%s' is a scalar; %s needs rank >= 1",
               x->name, op_name(n->op));
    return false;
  }
  *axis = opk_norm_axis(g, n, ir_attr_int(n, "axis", 0), x->rank, &ok);
  if (ok && x->dims[*axis] == 0) {
    diag_error(g->diag, n, "%s over the empty axis %d", op_name(n->op),
               *axis);
    return false;
  }
  return ok;
}

static bool argmax_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  int axis;
  if (!opk_check_float(g, n, 0) || !argmax_axis(g, n, &axis)) return false;
  bool keep = ir_attr_int(n, "keepdims", 1) != 0;
  int64_t dims[IR_MAX_RANK];
  int r = 0;
  for (int d = 0; d < x->rank; d++) {
    if (d != axis)
      dims[r++] = x->dims[d];
    else if (keep)
      dims[r++] = 1;
  }
  ir_tensor_set_shape(n->out[0], DT_INT64, r, dims);
  return true;
}

static bool argmax_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  int axis;
  if (!argmax_axis(g, n, &axis)) return false;
  tnn_axis_params *p = opk_params(g, sizeof *p);
  p->outer = p->inner = 1;
  for (int d = 0; d < axis; d++) p->outer *= x->dims[d];
  for (int d = axis + 1; d < x->rank; d++) p->inner *= x->dims[d];
  p->len = x->dims[axis];
  p->flag = ir_attr_int(n, "select_last_index", 0) != 0;
  n->call.kernel = n->op == OP_ARG_MIN ? TNN_K_f32_argmin : TNN_K_f32_argmax;
  n->call.params = p;
  return true;
}

static bool reduce_infer(Graph *g, Node *n) {
  if (n->op == OP_ARG_MAX || n->op == OP_ARG_MIN) return argmax_infer(g, n);
  const Tensor *x = n->in[0];
  if (reduce_kernel(n->op, x->dtype) < 0) {
    diag_error(g->diag, n, "%s on %s tensors is not supported",
               op_name(n->op), dtype_name(x->dtype));
    return false;
  }
  ReduceSpec rs;
  if (!reduce_spec(g, n, &rs)) return false;
  if (rs.noop) {
    ir_tensor_set_shape(n->out[0], x->dtype, x->rank, x->dims);
    return true;
  }
  int64_t dims[IR_MAX_RANK];
  int r = 0;
  for (int d = 0; d < x->rank; d++) {
    if (!rs.red[d])
      dims[r++] = x->dims[d];
    else if (rs.keepdims)
      dims[r++] = 1;
  }
  ir_tensor_set_shape(n->out[0], x->dtype, r, dims);
  return true;
}

static bool reduce_lower(Graph *g, Node *n) {
  if (n->op == OP_ARG_MAX || n->op == OP_ARG_MIN) return argmax_lower(g, n);
  const Tensor *x = n->in[0];
  ReduceSpec rs;
  if (!reduce_spec(g, n, &rs)) return false;
  if (rs.noop) {
    tnn_copy_params *p = opk_params(g, sizeof *p);
    p->bytes = ir_tensor_bytes(x);
    n->call.kernel = TNN_K_x_copy;
    n->call.params = p;
    return true;
  }
  int k = reduce_kernel(n->op, x->dtype);
  if (k < 0) {
    diag_error(g->diag, n, "%s on %s tensors is not supported",
               op_name(n->op), dtype_name(x->dtype));
    return false;
  }
  tnn_reduce_params *p = opk_params(g, sizeof *p);
  p->rank = x->rank;
  for (int d = 0; d < x->rank; d++) {
    p->dims[d] = x->dims[d];
    p->red[d] = rs.red[d];
  }
  n->call.kernel = k;
  n->call.params = p;
  return true;
}

const OpKind opkind_reduce = {reduce_infer, reduce_lower};

/* ----------------------------------------------------------------- topk */

static bool topk_spec(Graph *g, Node *n, int *axis, int64_t *k) {
  bool ok = true;
  const Tensor *x = n->in[0];
  if (x->rank == 0) {
    diag_error(g->diag, n, "input 0 '%s' is a scalar; TopK needs rank >= 1",
               x->name);
    return false;
  }
  *axis = opk_norm_axis(g, n, ir_attr_int(n, "axis", -1), x->rank, &ok);
  if (!ok) return false;
  if (g->opset < 10) {
    const Attr *a = ir_attr(n, "k");
    if (!a) {
      diag_error(g->diag, n, "attribute 'k' is missing");
      return false;
    }
    *k = a->i;
  } else {
    const Tensor *t = n->nin > 1 ? n->in[1] : NULL;
    if (!t) {
      diag_error(g->diag, n, "input 1 (K) is missing");
      return false;
    }
    if (!t->data) {
      diag_error(g->diag, n, "input 1 '%s' (K) must be a constant", t->name);
      return false;
    }
    if (t->dtype != DT_INT64 || ir_tensor_numel(t) != 1) {
      diag_error(g->diag, n, "input 1 '%s' (K) must be one int64 value",
                 t->name);
      return false;
    }
    *k = ir_const_int(t, 0);
  }
  if (*k < 0 || *k > x->dims[*axis]) {
    diag_error(g->diag, n, "K = %lld is out of range for axis %d of size "
               "%lld", (long long)*k, *axis, (long long)x->dims[*axis]);
    return false;
  }
  return true;
}

static bool topk_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  int axis;
  int64_t k;
  if (!opk_check_float(g, n, 0) || !topk_spec(g, n, &axis, &k)) return false;
  int64_t dims[IR_MAX_RANK];
  memcpy(dims, x->dims, sizeof(int64_t) * (size_t)x->rank);
  dims[axis] = k;
  if (n->out[0]) ir_tensor_set_shape(n->out[0], x->dtype, x->rank, dims);
  if (n->out[1]) ir_tensor_set_shape(n->out[1], DT_INT64, x->rank, dims);
  return true;
}

static bool topk_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  int axis;
  int64_t k;
  if (!topk_spec(g, n, &axis, &k)) return false;
  if (!n->out[0] || !n->out[1]) {
    diag_error(g->diag, n, "TopK needs both outputs (values and indices)");
    return false;
  }
  tnn_topk_params *p = opk_params(g, sizeof *p);
  p->outer = p->inner = 1;
  for (int d = 0; d < axis; d++) p->outer *= x->dims[d];
  for (int d = axis + 1; d < x->rank; d++) p->inner *= x->dims[d];
  p->len = x->dims[axis];
  p->k = k;
  p->largest = ir_attr_int(n, "largest", 1) != 0;
  p->sorted = ir_attr_int(n, "sorted", 1) != 0;
  n->call.kernel = TNN_K_f32_topk;
  n->call.params = p;
  return true;
}

const OpKind opkind_topk = {topk_infer, topk_lower};
