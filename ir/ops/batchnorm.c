/* BatchNormalization (opsets 7-21), inference only, float32.
 *
 * X is [N, C, d1, ...] (rank >= 2); scale, B, mean and var are [C].  The
 * running statistics outputs (mean, var; saved_mean, saved_var before
 * opset 12) only exist in training: the node is refused if training_mode
 * is 1 or any of them is used.  Unused ones get shape [C] and stay
 * unwritten.  Before opset 9 the `spatial` attribute must be 1 (per-channel
 * statistics); momentum does not matter in inference. */
#include "../ir.h"

static bool bn_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  for (int i = 0; i < 5; i++)
    if (!n->in[i]) {
      diag_error(g->diag, n, "input %d is missing", i);
      return false;
    }
  if (!opk_check_rank(g, n, 0, 2, IR_MAX_RANK)) return false;
  if (ir_attr_int(n, "training_mode", 0) != 0) {
    diag_error(g->diag, n, "training_mode=1 is not supported (inference only)");
    return false;
  }
  int64_t spatial = ir_attr_int(n, "spatial", 1);
  if (g->opset < 9 && spatial != 1) {
    diag_error(g->diag, n, "spatial=%lld is not supported; only per-channel "
               "statistics (spatial=1)", (long long)spatial);
    return false;
  }
  int64_t c = x->dims[1];
  for (int i = 0; i < 5; i++) {
    const Tensor *t = n->in[i];
    if (!opk_check_float(g, n, i)) return false;
    if (i > 0 && (t->rank != 1 || t->dims[0] != c)) {
      diag_error(g->diag, n, "input %d '%s' must have shape [%lld] (the "
                 "channels of input 0)", i, t->name, (long long)c);
      return false;
    }
  }
  for (int i = 1; i < n->nout; i++) {
    const Tensor *t = n->out[i];
    if (t && (t->nuses > 0 || t->is_output)) {
      diag_error(g->diag, n, "output %d '%s' (a training statistic) is used; "
                 "only inference BatchNormalization is supported", i, t->name);
      return false;
    }
  }
  ir_tensor_set_shape(n->out[0], DT_FLOAT, x->rank, x->dims);
  for (int i = 1; i < n->nout; i++)
    if (n->out[i]) ir_tensor_set_shape(n->out[i], DT_FLOAT, 1, &c);
  return true;
}

static bool bn_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  tnn_bn_params *p = opk_params(g, sizeof *p);
  p->n = x->dims[0];
  p->c = x->dims[1];
  p->spatial = 1;
  for (int d = 2; d < x->rank; d++) p->spatial *= x->dims[d];
  p->eps = ir_attr_float(n, "epsilon", 1e-5f);
  n->call.kernel = TNN_K_f32_batchnorm;
  n->call.params = p;
  return true;
}

const OpKind opkind_batchnorm = {bn_infer, bn_lower};
