/* Softmax and LogSoftmax, float32; Hardmax, float32 or double.
 *
 * The kernel sees the input as [outer, len, inner] and normalises over len.
 *   opset < 13: the input is coerced to 2-D at `axis` (default 1):
 *               outer = prod(dims[:axis]), len = prod(dims[axis:]), inner 1.
 *   opset >= 13: along one axis (default -1): len = dims[axis],
 *               inner = prod(dims[axis+1:]). */
#include "../ir.h"

static bool softmax_axis(Graph *g, Node *n, int *axis) {
  const Tensor *x = n->in[0];
  if (!x) {
    diag_error(g->diag, n, "input 0 is missing");
    return false;
  }
  if (n->op == OP_HARDMAX) {
    if (x->dtype != DT_FLOAT && x->dtype != DT_DOUBLE) {
      diag_error(g->diag, n, "input 0 '%s' has type %s; Hardmax takes float "
                 "or double", x->name, dtype_name(x->dtype));
      return false;
    }
  } else if (!opk_check_float(g, n, 0)) {
    return false;
  }
  if (!opk_check_rank(g, n, 0, 1, IR_MAX_RANK)) return false;
  bool ok = true;
  int64_t a = ir_attr_int(n, "axis", g->opset < 13 ? 1 : -1);
  *axis = opk_norm_axis(g, n, a, x->rank, &ok);
  return ok;
}

static bool softmax_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  int axis;
  if (!softmax_axis(g, n, &axis)) return false;
  ir_tensor_set_shape(n->out[0], x->dtype, x->rank, x->dims);
  return true;
}

static bool softmax_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  int axis;
  if (!softmax_axis(g, n, &axis)) return false;
  tnn_axis_params *p = opk_params(g, sizeof *p);
  p->outer = p->len = p->inner = 1;
  for (int d = 0; d < x->rank; d++) {
    if (d < axis) p->outer *= x->dims[d];
    else if (d == axis || g->opset < 13) p->len *= x->dims[d];
    else p->inner *= x->dims[d];
  }
  p->flag = n->op == OP_LOG_SOFTMAX;
  if (n->op == OP_HARDMAX)
    n->call.kernel =
        x->dtype == DT_DOUBLE ? TNN_K_f64_hardmax : TNN_K_f32_hardmax;
  else
    n->call.kernel =
        n->op == OP_LOG_SOFTMAX ? TNN_K_f32_log_softmax : TNN_K_f32_softmax;
  n->call.params = p;
  return true;
}

const OpKind opkind_softmax = {softmax_infer, softmax_lower};
