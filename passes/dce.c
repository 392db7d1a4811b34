/* Pass dce: remove nodes none of whose outputs reach a graph output.
 * Walks the sorted node list backwards, marking the inputs of live nodes. */
#include "../ir/ir.h"

bool pass_dce(Graph *g) {
  bool *live = arena_calloc(g->arena, (size_t)g->ntensors + 1, sizeof(bool));
  for (int i = 0; i < g->noutputs; i++) live[g->outputs[i]->id] = true;
  for (int i = g->nnodes - 1; i >= 0; i--) {
    Node *n = g->nodes[i];
    if (n->dead) continue;
    bool used = false;
    for (int j = 0; j < n->nout; j++)
      if (n->out[j] && live[n->out[j]->id]) used = true;
    if (!used) {
      n->dead = true;
      continue;
    }
    for (int j = 0; j < n->nin; j++)
      if (n->in[j]) live[n->in[j]->id] = true;
  }
  ir_recount(g);
  return true;
}
