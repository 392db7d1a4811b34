/* Pass lower: choose each live node's runtime kernel and fill its params
 * (the op kind's lower hook).  After it, every live node has a KernelCall;
 * kernel -1 marks a view whose output may alias its input. */
#include "../ir/ir.h"

bool pass_lower(Graph *g) {
  bool ok = true;
  for (int i = 0; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    if (n->dead) continue;
    if (!op_info(n->op)->kind->lower(g, n)) ok = false;
    else TNNC_ASSERT(n->call.params != NULL);
  }
  return ok;
}
