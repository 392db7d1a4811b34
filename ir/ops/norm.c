/* LayerNormalization, InstanceNormalization and LRN, float32 (kernels in
 * runtime/tnn_norm.h).
 *
 *  - LayerNormalization(X, Scale[, B]; axis = -1, epsilon = 1e-5,
 *    stash_type = 1): normalizes over dims [axis, rank); Scale and B
 *    broadcast (unidirectionally) to those dims.  Outputs Mean and
 *    InvStdDev, when present, have X's dims with 1 from axis on.
 *  - InstanceNormalization(x [N, C, ...], scale [C], B [C]; epsilon).
 *  - LRN(X [N, C, ...]; size, alpha = 1e-4, beta = 0.75, bias = 1). */
#include "../ir.h"

/* Unidirectional broadcast of t onto dims (rank r): t's dims must be 1 or
 * equal, right-aligned; false after a diag. */
static bool norm_check_bcast(Graph *g, Node *n, int input, int r,
                             const int64_t *dims) {
  const Tensor *t = n->in[input];
  bool ok = t->rank <= r;
  for (int d = 0; ok && d < t->rank; d++) {
    int64_t v = t->dims[d], o = dims[r - t->rank + d];
    if (v != o && v != 1) ok = false;
  }
  if (!ok)
    diag_error(g->diag, n, "input %d '%s' does not broadcast to the "
               "normalized dims", input, t->name);
  return ok;
}

static bool layernorm_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  bool ok = true;
  if (x->rank == 0) {
    diag_error(g->diag, n, "input 0 '%s' is a scalar", x->name);
    return false;
  }
  int axis = opk_norm_axis(g, n, ir_attr_int(n, "axis", -1), x->rank, &ok);
  if (!ok) return false;
  if (ir_attr_int(n, "stash_type", 1) != 1) {
    diag_error(g->diag, n, "stash_type %lld is not supported (only 1, float)",
               (long long)ir_attr_int(n, "stash_type", 1));
    return false;
  }
  for (int i = 0; i < n->nin; i++) {
    if (!n->in[i]) {
      if (i == 2) continue;
      diag_error(g->diag, n, "input %d is missing", i);
      return false;
    }
    if (!opk_check_float(g, n, i)) return false;
    if (i > 0 && !norm_check_bcast(g, n, i, x->rank - axis, x->dims + axis))
      return false;
  }
  ir_tensor_set_shape(n->out[0], DT_FLOAT, x->rank, x->dims);
  int64_t sd[IR_MAX_RANK];
  for (int d = 0; d < x->rank; d++) sd[d] = d < axis ? x->dims[d] : 1;
  for (int i = 1; i < n->nout; i++)
    if (n->out[i]) ir_tensor_set_shape(n->out[i], DT_FLOAT, x->rank, sd);
  return true;
}

static bool layernorm_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  bool ok = true;
  int axis = opk_norm_axis(g, n, ir_attr_int(n, "axis", -1), x->rank, &ok);
  if (!ok) return false;
  tnn_norm_params *p = opk_params(g, sizeof *p);
  p->outer = p->inner = 1;
  p->c = 1;
  for (int d = 0; d < axis; d++) p->outer *= x->dims[d];
  p->nrank = x->rank - axis;
  for (int d = axis; d < x->rank; d++) {
    p->inner *= x->dims[d];
    p->ndims[d - axis] = x->dims[d];
  }
  opk_bcast_strides(n->in[1], (int)p->nrank, p->ndims, p->ss);
  if (n->nin > 2 && n->in[2]) {
    opk_bcast_strides(n->in[2], (int)p->nrank, p->ndims, p->sb);
    p->flags |= 1;
  }
  if (n->nout > 1 && n->out[1]) p->flags |= 2;
  if (n->nout > 2 && n->out[2]) p->flags |= 4;
  p->eps = ir_attr_float(n, "epsilon", 1e-5f);
  n->call.kernel = TNN_K_f32_layernorm;
  n->call.params = p;
  return true;
}

static bool instancenorm_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  if (!opk_check_rank(g, n, 0, 3, IR_MAX_RANK)) return false;
  for (int i = 0; i < 3; i++) {
    if (!n->in[i]) {
      diag_error(g->diag, n, "input %d is missing", i);
      return false;
    }
    if (!opk_check_float(g, n, i)) return false;
    if (i > 0 && (n->in[i]->rank != 1 || n->in[i]->dims[0] != x->dims[1])) {
      diag_error(g->diag, n, "input %d '%s' must have shape [%lld] (the "
                 "channels of input 0)", i, n->in[i]->name,
                 (long long)x->dims[1]);
      return false;
    }
  }
  ir_tensor_set_shape(n->out[0], DT_FLOAT, x->rank, x->dims);
  return true;
}

static bool instancenorm_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  tnn_norm_params *p = opk_params(g, sizeof *p);
  p->outer = x->dims[0];
  p->c = x->dims[1];
  p->inner = 1;
  for (int d = 2; d < x->rank; d++) p->inner *= x->dims[d];
  p->eps = ir_attr_float(n, "epsilon", 1e-5f);
  p->flags = 1;
  n->call.kernel = TNN_K_f32_instancenorm;
  n->call.params = p;
  return true;
}

static bool lrn_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  if (!opk_check_float(g, n, 0) || !opk_check_rank(g, n, 0, 3, IR_MAX_RANK))
    return false;
  if (ir_attr_int(n, "size", 0) < 1) {
    diag_error(g->diag, n, "attribute 'size' must be a positive integer");
    return false;
  }
  ir_tensor_set_shape(n->out[0], DT_FLOAT, x->rank, x->dims);
  return true;
}

static bool lrn_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  tnn_lrn_params *p = opk_params(g, sizeof *p);
  p->n = x->dims[0];
  p->c = x->dims[1];
  p->inner = 1;
  for (int d = 2; d < x->rank; d++) p->inner *= x->dims[d];
  p->size = ir_attr_int(n, "size", 1);
  p->alpha = ir_attr_float(n, "alpha", 1e-4f);
  p->beta = ir_attr_float(n, "beta", 0.75f);
  p->bias = ir_attr_float(n, "bias", 1.0f);
  n->call.kernel = TNN_K_f32_lrn;
  n->call.params = p;
  return true;
}

static bool norm_infer(Graph *g, Node *n) {
  switch (n->op) {
  case OP_LAYER_NORM: return layernorm_infer(g, n);
  case OP_INSTANCE_NORM: return instancenorm_infer(g, n);
  case OP_LRN: return lrn_infer(g, n);
  default: tnnc_unreachable();
  }
}

static bool norm_lower(Graph *g, Node *n) {
  switch (n->op) {
  case OP_LAYER_NORM: return layernorm_lower(g, n);
  case OP_INSTANCE_NORM: return instancenorm_lower(g, n);
  case OP_LRN: return lrn_lower(g, n);
  default: tnnc_unreachable();
  }
}

const OpKind opkind_norm = {norm_infer, norm_lower};
