/* Reference interpreter.
 *
 * A lowered node is a runtime kernel plus its params; the interpreter calls
 * that kernel on buffers, exactly as the generated C does.  Constant folding
 * (pass fold_constants, and shape inference when a shape depends on values)
 * uses interp_fold_node, within the folding budget and the weight limit
 * (ir_fold_affordable, ir_count_const); tests run whole graphs with
 * interp_run. */
#include <string.h>

#include "ir.h"

bool interp_node(Graph *g, Node *n, void *const *in, void *const *out) {
  int k = n->call.kernel;
  int rc;
  if (k < 0) {
    /* An aliased view: as a copy. */
    const tnn_copy_params *p = n->call.params;
    TNNC_ASSERT(p != NULL);
    rc = tnn_x_copy(p, (const void *const *)in, out);
  } else {
    rc = kernel_info(k)->fn(n->call.params, (const void *const *)in, out);
  }
  if (rc == TNN_E_INDEX) {
    diag_error(g->diag, n, "an index is out of range");
    return false;
  }
  if (rc != TNN_OK) {
    diag_error(g->diag, n, "kernel %s failed (code %d)",
               k < 0 ? "copy" : kernel_info(k)->name, rc);
    return false;
  }
  return true;
}

static bool all_outputs_have_data(const Node *n) {
  for (int i = 0; i < n->nout; i++)
    if (n->out[i] && !n->out[i]->data) return false;
  return true;
}

bool interp_fold_node(Graph *g, Node *n) {
  if (all_outputs_have_data(n)) return true;
  /* too much work: n stays a run-time node */
  if (!ir_fold_affordable(g, n)) return true;
  for (int i = 0; i < n->nout; i++)
    if (n->out[i] && !n->out[i]->data && !ir_count_const(g, n, n->out[i]))
      return false;
  void *ins[TNN_MAX_IO + 8] = {0};
  void *outs[TNN_MAX_IO + 8] = {0};
  TNNC_ASSERT(n->nin <= TNN_MAX_IO + 8 && n->nout <= TNN_MAX_IO + 8);
  for (int i = 0; i < n->nin; i++) {
    if (!n->in[i]) continue;
    TNNC_ASSERT(n->in[i]->data != NULL);
    ins[i] = n->in[i]->data;
  }
  if (!op_info(n->op)->kind->lower(g, n)) return false;
  for (int i = 0; i < n->nout; i++)
    if (n->out[i])
      outs[i] = n->out[i]->data ? n->out[i]->data : ir_tensor_alloc_data(g, n->out[i]);
  return interp_node(g, n, ins, outs);
}

bool interp_run(Graph *g, const void *const *inputs, void *const *outputs) {
  void **buf = arena_calloc(g->arena, (size_t)g->ntensors + 1, sizeof(void *));
  for (int i = 0; i < g->ntensors; i++)
    if (g->tensors[i]->data) buf[i] = g->tensors[i]->data;
  for (int i = 0; i < g->ninputs; i++) buf[g->inputs[i]->id] = (void *)inputs[i];
  for (int i = 0; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    if (n->dead) continue;
    void *ins[TNN_MAX_IO + 8] = {0};
    void *outs[TNN_MAX_IO + 8] = {0};
    for (int j = 0; j < n->nin; j++)
      if (n->in[j]) ins[j] = buf[n->in[j]->id];
    for (int j = 0; j < n->nout; j++) {
      Tensor *t = n->out[j];
      if (!t) continue;
      int64_t b = ir_tensor_bytes(t);
      buf[t->id] = arena_alloc(g->arena, (size_t)(b > 0 ? b : 1));
      outs[j] = buf[t->id];
    }
    if (!interp_node(g, n, ins, outs)) return false;
  }
  for (int i = 0; i < g->noutputs; i++) {
    const Tensor *t = g->outputs[i];
    memcpy(outputs[i], buf[t->id], (size_t)ir_tensor_bytes(t));
  }
  return true;
}
