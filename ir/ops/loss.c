/* NegativeLogLikelihoodLoss(input, target[, weight]) and
 * SoftmaxCrossEntropyLoss(scores, labels[, weights]) -> (loss[, log_prob]),
 * float32 (kernels in runtime/tnn_loss.h).
 *
 * input [N, C, d1, ...] (rank >= 2), target [N, d1, ...] int64 or int32,
 * weight [C]; reduction none (the loss has target's shape), sum or mean
 * (default; a scalar); ignore_index optional.  log_prob has the input's
 * shape. */
#include <string.h>

#include "../ir.h"

static int loss_reduction(Graph *g, Node *n) {
  const char *r = ir_attr_string(n, "reduction", "mean");
  if (strcmp(r, "none") == 0) return 0;
  if (strcmp(r, "sum") == 0) return 1;
  if (strcmp(r, "mean") == 0) return 2;
  diag_error(g->diag, n, "attribute 'reduction' is '%s', expected none, sum "
             "or mean", r);
  return -1;
}

static bool loss_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0], *t = n->in[1];
  if (!opk_check_float(g, n, 0) || !opk_check_rank(g, n, 0, 2, IR_MAX_RANK))
    return false;
  if (t->dtype != DT_INT64 && t->dtype != DT_INT32) {
    diag_error(g->diag, n, "input 1 '%s' (target) has type %s, expected int64 "
               "or int32", t->name, dtype_name(t->dtype));
    return false;
  }
  bool shape_ok = t->rank == x->rank - 1 && t->dims[0] == x->dims[0];
  for (int d = 1; shape_ok && d < t->rank; d++)
    shape_ok = t->dims[d] == x->dims[d + 1];
  if (!shape_ok) {
    diag_error(g->diag, n, "input 1 '%s' (target) must have the input's shape "
               "without its class axis 1", t->name);
    return false;
  }
  if (n->nin > 2 && n->in[2]) {
    const Tensor *w = n->in[2];
    if (!opk_check_float(g, n, 2)) return false;
    if (w->rank != 1 || w->dims[0] != x->dims[1]) {
      diag_error(g->diag, n, "input 2 '%s' (weight) must have shape [%lld]",
                 w->name, (long long)x->dims[1]);
      return false;
    }
  }
  int r = loss_reduction(g, n);
  if (r < 0) return false;
  if (r == 0) ir_tensor_set_shape(n->out[0], DT_FLOAT, t->rank, t->dims);
  else ir_tensor_set_shape(n->out[0], DT_FLOAT, 0, NULL);
  if (n->nout > 1 && n->out[1])
    ir_tensor_set_shape(n->out[1], DT_FLOAT, x->rank, x->dims);
  return true;
}

static bool loss_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  tnn_loss_params *p = opk_params(g, sizeof *p);
  p->reduction = loss_reduction(g, n);
  if (p->reduction < 0) return false;
  p->n = x->dims[0];
  p->c = x->dims[1];
  p->d = 1;
  for (int d = 2; d < x->rank; d++) p->d *= x->dims[d];
  const Attr *ii = ir_attr(n, "ignore_index");
  p->has_ignore = ii != NULL;
  p->ignore = ii ? ii->i : 0;
  p->has_w = n->nin > 2 && n->in[2];
  p->softmax = n->op == OP_SCE_LOSS;
  p->has_lp = n->nout > 1 && n->out[1];
  p->idx64 = n->in[1]->dtype == DT_INT64;
  n->call.kernel = n->op == OP_SCE_LOSS ? TNN_K_f32_sce_loss : TNN_K_f32_nll_loss;
  n->call.params = p;
  return true;
}

const OpKind opkind_loss = {loss_infer, loss_lower};
