/* Pass infer-shapes: static dtype and shape for every tensor.
 *
 * Symbolic dims of the graph inputs are bound first: a symbolic axis 0 takes
 * --batch (g->batch); a symbolic dim elsewhere is an error, since the
 * generated code is specialised to static shapes.  Then nodes are visited in
 * topological order; each op kind's infer hook sets its outputs.  A node
 * whose inputs are all constant is evaluated on the spot by the reference
 * interpreter (data propagation): that is what turns Shape -> Gather ->
 * Concat -> Reshape chains into constants, because later shapes depend on
 * those values.  Invariant after the pass: every live tensor has rank >= 0,
 * non-negative dims and an element count within the limits. */
#include "../ir/ir.h"

static bool bind_inputs(Graph *g) {
  bool ok = true;
  for (int i = 0; i < g->ninputs; i++) {
    Tensor *t = g->inputs[i];
    if (!dtype_supported(t->dtype)) {
      diag_error(g->diag, NULL, "input '%s' has data type %s, which tnnc does "
                 "not support", t->name, dtype_name(t->dtype));
      ok = false;
      continue;
    }
    if (t->rank < 0) {
      diag_error(g->diag, NULL, "input '%s' has no shape in the model", t->name);
      ok = false;
      continue;
    }
    for (int d = 0; d < t->rank; d++) {
      if (t->dims[d] >= 0 && !t->dim_param[d]) continue;
      if (d == 0) {
        t->dims[d] = g->batch;
        continue;
      }
      diag_error(g->diag, NULL,
                 "input '%s' has a symbolic dimension '%s' on axis %d; only "
                 "axis 0 (the batch, --batch) can be bound",
                 t->name, t->dim_param[d] ? t->dim_param[d] : "?", d);
      ok = false;
    }
    int64_t numel;
    if (ok && !ir_shape_numel(t->dims, t->rank,
                              g->limits->max_tensor_elements, &numel)) {
      diag_error(g->diag, NULL, "input '%s' has more elements than the limit "
                 "of %lld", t->name, (long long)g->limits->max_tensor_elements);
      ok = false;
    }
  }
  return ok;
}

static bool check_outputs(Graph *g, Node *n) {
  for (int j = 0; j < n->nout; j++) {
    Tensor *t = n->out[j];
    if (!t) continue;
    if (t->rank < 0 || !dtype_supported(t->dtype)) {
      diag_error(g->diag, n, "could not infer the shape of output '%s'",
                 t->name);
      return false;
    }
    int64_t numel;
    if (!ir_shape_numel(t->dims, t->rank, g->limits->max_tensor_elements,
                        &numel)) {
      diag_error(g->diag, n,
                 "output '%s' would have a negative dimension or more than "
                 "%lld elements",
                 t->name, (long long)g->limits->max_tensor_elements);
      return false;
    }
  }
  return true;
}

static bool inputs_constant(const Node *n) {
  for (int j = 0; j < n->nin; j++)
    if (n->in[j] && !n->in[j]->data) return false;
  return true;
}

bool pass_infer_shapes(Graph *g) {
  if (g->opset < 7 || g->opset > 21)
    diag_warn(g->diag, NULL, "the model imports ai.onnx opset %lld; tnnc is "
              "tested with opsets 7 to 21", (long long)g->opset);
  if (!bind_inputs(g)) return false;
  for (int i = 0; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    if (n->dead) continue;
    for (int j = 0; j < n->nin; j++) {
      Tensor *t = n->in[j];
      if (t && (t->rank < 0 || !dtype_supported(t->dtype))) {
        diag_error(g->diag, n, "input %d '%s' has %s", j, t->name,
                   t->rank < 0 ? "no known shape"
                               : "a data type tnnc does not support");
        return false;
      }
    }
    if (!op_info(n->op)->kind->infer(g, n)) return false;
    if (!check_outputs(g, n)) return false;
    if (inputs_constant(n) && !interp_fold_node(g, n)) return false;
  }
  return true;
}
