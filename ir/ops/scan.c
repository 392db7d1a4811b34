/* CumSum (kernels in runtime/tnn_reduce.h).
 *
 * CumSum(x, axis; exclusive = 0, reverse = 0): x float, double, int32 or
 * int64 of rank >= 1; axis a constant int32/int64 scalar (or one-element
 * 1-D tensor) in [-rank, rank).  The output has x's shape and type; the
 * kernel sees x as [outer, len, inner] with len the axis. */
#include "../ir.h"

static int cumsum_kernel(DType t) {
  switch (t) {
  case DT_FLOAT: return TNN_K_f32_cumsum;
  case DT_DOUBLE: return TNN_K_f64_cumsum;
  case DT_INT32: return TNN_K_i32_cumsum;
  case DT_INT64: return TNN_K_i64_cumsum;
  default: return -1;
  }
}

/* The axis, normalized; false after a diag. */
static bool cumsum_axis(Graph *g, Node *n, int *axis) {
  const Tensor *x = n->in[0], *a = n->in[1];
  if (x->rank == 0) {
    diag_error(g->diag, n, "input 0 '%s' is a scalar; CumSum needs rank >= 1",
               x->name);
    return false;
  }
  if (a->dtype != DT_INT64 && a->dtype != DT_INT32) {
    diag_error(g->diag, n, "input 1 '%s' (axis) has type %s, expected int64 "
               "or int32", a->name, dtype_name(a->dtype));
    return false;
  }
  if (a->rank > 1 || ir_tensor_numel(a) != 1) {
    diag_error(g->diag, n, "input 1 '%s' (axis) must be a scalar", a->name);
    return false;
  }
  if (!a->data) {
    diag_error(g->diag, n, "input 1 '%s' (axis) must be a constant", a->name);
    return false;
  }
  bool ok = true;
  *axis = opk_norm_axis(g, n, ir_const_int(a, 0), x->rank, &ok);
  return ok;
}

static bool scan_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  int axis;
  if (cumsum_kernel(x->dtype) < 0) {
    diag_error(g->diag, n, "input 0 '%s' has type %s; CumSum takes float, "
               "double, int32 or int64", x->name, dtype_name(x->dtype));
    return false;
  }
  if (!cumsum_axis(g, n, &axis)) return false;
  ir_tensor_set_shape(n->out[0], x->dtype, x->rank, x->dims);
  return true;
}

static bool scan_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  int axis;
  if (!cumsum_axis(g, n, &axis)) return false;
  tnn_axis_params *p = opk_params(g, sizeof *p);
  p->outer = p->inner = 1;
  for (int d = 0; d < axis; d++) p->outer *= x->dims[d];
  for (int d = axis + 1; d < x->rank; d++) p->inner *= x->dims[d];
  p->len = x->dims[axis];
  p->flag = (ir_attr_int(n, "exclusive", 0) != 0) |
            (ir_attr_int(n, "reverse", 0) != 0) << 1;
  n->call.kernel = cumsum_kernel(x->dtype);
  n->call.params = p;
  return true;
}

const OpKind opkind_scan = {scan_infer, scan_lower};
