/* Views: ops that change only the shape, never the bytes.
 *
 * Flatten, Reshape, Squeeze, Unsqueeze, Identity and Dropout (inference
 * mode; its optional mask output is a constant of ones, as onnxruntime
 * gives) keep the row-major element order, so output 0 can share storage with
 * input 0: lower sets call.kernel = -1 and the memory planner aliases them.
 * Where a real copy is needed (a view whose output is a graph output, the
 * interpreter) the caller runs tnn_x_copy with the tnn_copy_params that lower
 * also fills in call.params.
 *
 * Shape operands (Reshape's shape, Squeeze/Unsqueeze axes from opset 13)
 * must be constants: tnnc specialises to static shapes. */
#include <string.h>

#include "../ir.h"

/* Reads the constant integer input `i` of n (1-D or scalar) into out.
 * Returns the count, or -1 after a diagnostic. */
static int const_ints(Graph *g, Node *n, int i, const char *what,
                      int64_t *out, int max) {
  const Tensor *t = n->in[i];
  if (!t->data) {
    diag_error(g->diag, n, "input %d '%s' (%s) must be a constant", i,
               t->name, what);
    return -1;
  }
  if (t->dtype != DT_INT64 && t->dtype != DT_INT32) {
    diag_error(g->diag, n, "input %d '%s' (%s) has type %s, expected int64",
               i, t->name, what, dtype_name(t->dtype));
    return -1;
  }
  int64_t cnt = ir_tensor_numel(t);
  if (t->rank > 1 || cnt > max) {
    diag_error(g->diag, n, "input %d '%s' (%s) has %lld elements; at most %d "
               "are supported", i, t->name, what, (long long)cnt, max);
    return -1;
  }
  for (int64_t k = 0; k < cnt; k++) out[k] = ir_const_int(t, k);
  return (int)cnt;
}

/* The axes of Squeeze/Unsqueeze: attribute before opset 13, an optional
 * constant input from 13.  Returns the count (-1 absent, -2 error). */
static int view_axes(Graph *g, Node *n, int64_t *axes) {
  if (g->opset < 13) {
    int cnt = ir_attr_ints(n, "axes", axes, IR_MAX_RANK);
    if (cnt > IR_MAX_RANK) {
      diag_error(g->diag, n, "%d axes given; at most %d are supported", cnt,
                 IR_MAX_RANK);
      return -2;
    }
    return cnt;
  }
  if (n->nin < 2 || !n->in[1]) return -1;
  int cnt = const_ints(g, n, 1, "axes", axes, IR_MAX_RANK);
  return cnt < 0 ? -2 : cnt;
}

static bool flatten_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  int64_t axis = ir_attr_int(n, "axis", 1);
  if (axis < -x->rank || axis > x->rank) {
    diag_error(g->diag, n, "axis %lld is out of range for rank %d",
               (long long)axis, x->rank);
    return false;
  }
  if (axis < 0) axis += x->rank;
  int64_t dims[2] = {1, 1};
  for (int d = 0; d < x->rank; d++) dims[d < axis ? 0 : 1] *= x->dims[d];
  ir_tensor_set_shape(n->out[0], x->dtype, 2, dims);
  return true;
}

static bool reshape_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  int64_t shape[IR_MAX_RANK];
  int cnt;
  if (g->opset < 5) {
    cnt = ir_attr_ints(n, "shape", shape, IR_MAX_RANK);
    if (cnt < 0) {
      diag_error(g->diag, n, "attribute 'shape' is missing");
      return false;
    }
  } else {
    if (n->nin < 2 || !n->in[1]) {
      diag_error(g->diag, n, "input 1 (shape) is missing");
      return false;
    }
    cnt = const_ints(g, n, 1, "shape", shape, IR_MAX_RANK);
    if (cnt < 0) return false;
  }
  if (cnt > IR_MAX_RANK) {
    diag_error(g->diag, n, "target shape has rank %d; at most %d is supported",
               cnt, IR_MAX_RANK);
    return false;
  }
  bool allowzero = ir_attr_int(n, "allowzero", 0) != 0;
  int infer_at = -1;
  int64_t known = 1;
  for (int d = 0; d < cnt; d++) {
    if (shape[d] == -1) {
      if (infer_at >= 0) {
        diag_error(g->diag, n, "target shape has more than one -1");
        return false;
      }
      infer_at = d;
      continue;
    }
    if (shape[d] < -1) {
      diag_error(g->diag, n, "target shape has dim %lld on axis %d",
                 (long long)shape[d], d);
      return false;
    }
    if (shape[d] == 0 && !allowzero) {
      if (d >= x->rank) {
        diag_error(g->diag, n, "target shape copies dim %d (0) but the input "
                   "has rank %d", d, x->rank);
        return false;
      }
      shape[d] = x->dims[d];
    }
    if (shape[d] != 0 && known > INT64_MAX / shape[d]) {
      diag_error(g->diag, n, "target shape has too many elements");
      return false;
    }
    known *= shape[d];
  }
  int64_t numel = ir_tensor_numel(x);
  if (infer_at >= 0) {
    if (known == 0 || numel % known != 0) {
      diag_error(g->diag, n, "cannot reshape %lld elements: the other dims "
                 "multiply to %lld, so -1 cannot be inferred",
                 (long long)numel, (long long)known);
      return false;
    }
    shape[infer_at] = numel / known;
    known = numel;
  }
  if (known != numel) {
    diag_error(g->diag, n, "cannot reshape input '%s' of %lld elements to a "
               "shape of %lld elements", x->name, (long long)numel,
               (long long)known);
    return false;
  }
  ir_tensor_set_shape(n->out[0], x->dtype, cnt, shape);
  return true;
}

static bool squeeze_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  int64_t axes[IR_MAX_RANK];
  bool drop[IR_MAX_RANK] = {false};
  int cnt = view_axes(g, n, axes);
  if (cnt == -2) return false;
  if (cnt < 0) {
    for (int d = 0; d < x->rank; d++) drop[d] = x->dims[d] == 1;
  }
  for (int k = 0; k < cnt; k++) {
    int64_t a = axes[k];
    if (a < -x->rank || a >= x->rank) {
      diag_error(g->diag, n, "axis %lld is out of range for rank %d",
                 (long long)a, x->rank);
      return false;
    }
    if (a < 0) a += x->rank;
    if (x->dims[a] != 1) {
      diag_error(g->diag, n, "cannot squeeze axis %lld of size %lld",
                 (long long)a, (long long)x->dims[a]);
      return false;
    }
    drop[a] = true;
  }
  int64_t dims[IR_MAX_RANK];
  int r = 0;
  for (int d = 0; d < x->rank; d++)
    if (!drop[d]) dims[r++] = x->dims[d];
  ir_tensor_set_shape(n->out[0], x->dtype, r, dims);
  return true;
}

static bool unsqueeze_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  int64_t axes[IR_MAX_RANK];
  bool ins[IR_MAX_RANK] = {false};
  int cnt = view_axes(g, n, axes);
  if (cnt == -2) return false;
  if (cnt < 0) {
    diag_error(g->diag, n, "the axes to insert are missing");
    return false;
  }
  int r = x->rank + cnt;
  if (r > IR_MAX_RANK) {
    diag_error(g->diag, n, "output would have rank %d; at most %d is "
               "supported", r, IR_MAX_RANK);
    return false;
  }
  for (int k = 0; k < cnt; k++) {
    int64_t a = axes[k];
    if (a < -r || a >= r) {
      diag_error(g->diag, n, "axis %lld is out of range for rank %d",
                 (long long)a, r);
      return false;
    }
    if (a < 0) a += r;
    if (ins[a]) {
      diag_error(g->diag, n, "axis %lld is given twice", (long long)a);
      return false;
    }
    ins[a] = true;
  }
  int64_t dims[IR_MAX_RANK];
  for (int d = 0, s = 0; d < r; d++) dims[d] = ins[d] ? 1 : x->dims[s++];
  ir_tensor_set_shape(n->out[0], x->dtype, r, dims);
  return true;
}

static bool dropout_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  if (n->nin > 2 && n->in[2]) {
    const Tensor *tm = n->in[2];
    if (!tm->data || ir_tensor_numel(tm) != 1 || ir_const_int(tm, 0) != 0) {
      diag_error(g->diag, n, "training mode is not supported (input 2 '%s' "
                 "must be a constant false)", tm->name);
      return false;
    }
  }
  if (n->nout > 1 && n->out[1]) {
    /* In inference mode the mask keeps everything: ones from opset 12,
     * whose spec says so.  Before it the value was unspecified; zeros, as
     * onnxruntime. */
    Tensor *mask = n->out[1];
    ir_tensor_set_shape(mask, DT_BOOL, x->rank, x->dims);
    memset(ir_tensor_alloc_data(g, mask), g->opset >= 12 ? 1 : 0,
           (size_t)ir_tensor_bytes(mask));
  }
  ir_tensor_set_shape(n->out[0], x->dtype, x->rank, x->dims);
  return true;
}

static bool view_infer(Graph *g, Node *n) {
  switch (n->op) {
  case OP_FLATTEN: return flatten_infer(g, n);
  case OP_RESHAPE: return reshape_infer(g, n);
  case OP_SQUEEZE: return squeeze_infer(g, n);
  case OP_UNSQUEEZE: return unsqueeze_infer(g, n);
  case OP_DROPOUT: return dropout_infer(g, n);
  case OP_IDENTITY:
    ir_tensor_set_shape(n->out[0], n->in[0]->dtype, n->in[0]->rank,
                        n->in[0]->dims);
    return true;
  default: tnnc_unreachable();
  }
}

static bool view_lower(Graph *g, Node *n) {
  tnn_copy_params *p = opk_params(g, sizeof *p);
  p->bytes = ir_tensor_bytes(n->out[0]);
  n->call.kernel = -1;
  n->call.params = p;
  return true;
}

const OpKind opkind_view = {view_infer, view_lower};
