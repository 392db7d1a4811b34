/* Pass fold-constants: evaluate every node whose inputs are all constant
 * (most were already evaluated during shape inference, as data
 * propagation) and retire the nodes whose outputs are all constant.  A graph
 * output that became constant is copied from its static array by the run
 * function.  Iterates to a fixed point, since folding enables folding. */
#include "../ir/ir.h"

bool pass_fold_constants(Graph *g) {
  for (bool changed = true; changed;) {
    changed = false;
    for (int i = 0; i < g->nnodes; i++) {
      Node *n = g->nodes[i];
      if (n->dead) continue;
      bool all_const = true;
      for (int j = 0; j < n->nin; j++)
        if (n->in[j] && !n->in[j]->data) all_const = false;
      if (all_const && !interp_fold_node(g, n)) return false;
      bool outs_const = true;
      for (int j = 0; j < n->nout; j++)
        if (n->out[j] && !n->out[j]->data) outs_const = false;
      if (outs_const) {
        n->dead = true;
        changed = true;
      }
    }
  }
  ir_recount(g);
  return true;
}
