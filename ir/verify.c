/* IR verifier, run after every pass in debug builds (QBE's check between
 * passes): structural invariants that a pass must never break. */
#include "ir.h"

#define FAIL(...)                                                             \
  do {                                                                        \
    diag_error(g->diag, NULL, "internal: IR verification failed: " __VA_ARGS__); \
    return false;                                                             \
  } while (0)

bool ir_verify(Graph *g) {
  for (int i = 0; i < g->ntensors; i++)
    if (g->tensors[i]->id != i) FAIL("tensor %d has id %d", i, g->tensors[i]->id);
  /* Every live input is defined before use: a graph input, a constant or the
   * output of an earlier live node (nodes are in topological order). */
  bool *defined = arena_calloc(g->arena, (size_t)g->ntensors + 1, sizeof(bool));
  for (int i = 0; i < g->ninputs; i++) defined[g->inputs[i]->id] = true;
  for (int i = 0; i < g->ntensors; i++)
    if (g->tensors[i]->data) defined[i] = true;
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (n->dead) continue;
    const OpInfo *oi = op_info(n->op);
    /* a layer lowered to a packed kernel takes {x, packed, scale, bias}
     * (plus the residual of a fused Add), or {x, packed, thresholds} when it
     * writes packed activations; a quantizer that packs its input takes {x,
     * thresholds} */
    bool packed = n->quant && n->quant->packed;
    int want = !packed ? -1 : n->quant->obits ? 3 : 4;
    if (n->call.kernel == TNN_K_x_baconv && ((const tnn_baconv_params *)n->call.params)->res)
      want = 5;
    if (n->call.kernel == TNN_K_f32_bapack) want = 2;
    if (n->call.kernel == TNN_K_x_i8fc || n->call.kernel == TNN_K_x_i8conv) want = 5;
    if (n->call.kernel == TNN_K_f32_i8quant) want = 1;  /* pass quant-int8 */
    if (want >= 0 ? n->nin != want
                  : n->nin < oi->min_in || (oi->max_in >= 0 && n->nin > oi->max_in))
      FAIL("node '%s' has %d inputs", n->name, n->nin);
    for (int j = 0; j < n->nin; j++) {
      if (!n->in[j]) continue;
      if (!defined[n->in[j]->id])
        FAIL("node '%s' uses '%s' before it is defined", n->name,
             n->in[j]->name);
    }
    for (int j = 0; j < n->nout; j++) {
      if (!n->out[j]) continue;
      if (defined[n->out[j]->id] && !n->out[j]->data)
        FAIL("tensor '%s' is defined twice", n->out[j]->name);
      defined[n->out[j]->id] = true;
    }
  }
  for (int i = 0; i < g->noutputs; i++)
    if (!defined[g->outputs[i]->id])
      FAIL("graph output '%s' is never defined", g->outputs[i]->name);
  return true;
}
