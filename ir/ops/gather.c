/* Gather: out = data indexed along `axis` by the int32/int64 indices.
 *
 *   out.shape = data.shape[:axis] + indices.shape + data.shape[axis+1:]
 *
 * Indices may be runtime tensors: the kernel checks the range and returns
 * TNN_E_INDEX.  Constant indices are checked here, so a bad model fails at
 * compile time with the offending index named. */
#include "../ir.h"

static bool gather_axis(Graph *g, Node *n, int *axis) {
  bool ok = true;
  const Tensor *x = n->in[0];
  if (x->rank == 0) {
    diag_error(g->diag, n, "input 0 '%s' is a scalar; Gather needs rank >= 1",
               x->name);
    return false;
  }
  *axis = opk_norm_axis(g, n, ir_attr_int(n, "axis", 0), x->rank, &ok);
  return ok;
}

static bool gather_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0], *idx = n->in[1];
  int axis;
  if (!gather_axis(g, n, &axis)) return false;
  if (idx->dtype != DT_INT64 && idx->dtype != DT_INT32) {
    diag_error(g->diag, n, "input 1 '%s' (indices) has type %s, expected "
               "int32 or int64", idx->name, dtype_name(idx->dtype));
    return false;
  }
  const int r = x->rank - 1 + idx->rank;
  if (r > IR_MAX_RANK) {
    diag_error(g->diag, n, "output would have rank %d; at most %d is "
               "supported", r, IR_MAX_RANK);
    return false;
  }
  const int64_t len = x->dims[axis];
  if (idx->data) {
    const int64_t cnt = ir_tensor_numel(idx);
    for (int64_t i = 0; i < cnt; i++) {
      int64_t k = ir_const_int(idx, i);
      if (k < -len || k >= len) {
        diag_error(g->diag, n, "index %lld out of range for axis %d of size "
                   "%lld", (long long)k, axis, (long long)len);
        return false;
      }
    }
  }
  int64_t dims[IR_MAX_RANK];
  int o = 0;
  for (int d = 0; d < axis; d++) dims[o++] = x->dims[d];
  for (int d = 0; d < idx->rank; d++) dims[o++] = idx->dims[d];
  for (int d = axis + 1; d < x->rank; d++) dims[o++] = x->dims[d];
  ir_tensor_set_shape(n->out[0], x->dtype, r, dims);
  return true;
}

static bool gather_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0], *idx = n->in[1];
  int axis;
  if (!gather_axis(g, n, &axis)) return false;
  tnn_gather_params *p = opk_params(g, sizeof *p);
  p->outer = 1;
  p->inner = (int64_t)dtype_size(x->dtype);
  for (int d = 0; d < axis; d++) p->outer *= x->dims[d];
  for (int d = axis + 1; d < x->rank; d++) p->inner *= x->dims[d];
  p->len = x->dims[axis];
  p->nidx = ir_tensor_numel(idx);
  p->idx64 = idx->dtype == DT_INT64;
  n->call.kernel = TNN_K_x_gather;
  n->call.params = p;
  return true;
}

const OpKind opkind_gather = {gather_infer, gather_lower};
