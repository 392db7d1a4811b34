/* Pass canonicalize: put the graph in the form later passes expect.
 *
 *  - nodes in topological order (a cycle is an error);
 *  - Sum becomes Add; variadic Min/Max/Sum split into a chain of binary nodes, a single-input
 *    one becomes Identity;
 *  - Mean(x1, ..., xn) becomes the Add chain ((x1 + x2) + ...) + xn and a
 *    Mean node of that sum alone (input 1 left empty, the count n in the
 *    internal attribute "tnnc.count"), which shape inference turns into a
 *    Mul by 1 / n once the sum's type is known (onnxruntime: sum, then
 *    scale);
 *    a single-input Mean becomes Identity;
 *  - graph outputs must be defined.
 */
#include "../ir/ir.h"

static void split_variadic(Graph *g, Node *n) {
  if (n->nin == 1) {
    n->op = OP_IDENTITY;
    return;
  }
  /* ((a op b) op c) op d: new nodes for all but the last step; they are
   * appended, so the graph is sorted again afterwards. */
  Tensor *acc = n->in[0];
  for (int i = 1; i < n->nin - 1; i++) {
    Node *m = ir_node_new(g, n->op, n->name, 2, 1);
    m->index = n->index;
    m->op_type = n->op_type;
    m->in[0] = acc;
    m->in[1] = n->in[i];
    m->out[0] = ir_tensor_new(g, arena_printf(g->arena, "%s/%s_%d", n->name,
                                              op_name(n->op), i));
    acc = m->out[0];
  }
  n->in[0] = acc;
  n->in[1] = n->in[n->nin - 1];
  n->nin = 2;
}

/* The longest chain of nodes, against the limit (nodes are sorted). */
static bool check_depth(Graph *g) {
  int *depth = arena_calloc(g->arena, (size_t)g->ntensors + 1, sizeof(int));
  for (int i = 0; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    if (n->dead) continue;
    int d = 0;
    for (int j = 0; j < n->nin; j++)
      if (n->in[j] && depth[n->in[j]->id] > d) d = depth[n->in[j]->id];
    d++;
    if (d > g->limits->max_graph_depth) {
      diag_error(g->diag, n, "the graph is deeper than the limit of %lld "
                 "nodes (see --limit depth=N)",
                 (long long)g->limits->max_graph_depth);
      return false;
    }
    for (int j = 0; j < n->nout; j++)
      if (n->out[j]) depth[n->out[j]->id] = d;
  }
  return true;
}

/* Mean(x1..xn), n >= 2: an Add chain into a new sum tensor; n keeps the
 * sum as its only operand and the count for shape inference's Mul. */
static void split_mean(Graph *g, Node *n) {
  const int cnt = n->nin;
  Node *m = ir_node_new(g, OP_ADD, n->name, cnt, 1);
  m->index = n->index;
  m->op_type = n->op_type;
  for (int j = 0; j < cnt; j++) m->in[j] = n->in[j];
  m->out[0] = ir_tensor_new(g, arena_printf(g->arena, "%s/Mean_sum",
                                            n->name));
  if (cnt != 2) split_variadic(g, m);
  n->in[0] = m->out[0];
  n->in[1] = NULL;
  n->nin = 2;
  ir_node_add_attr(g, n, "tnnc.count", ATTR_INT)->i = cnt;
}

static bool inputs_present(Graph *g, Node *n) {
  for (int j = 0; j < n->nin; j++)
    if (!n->in[j]) {
      diag_error(g->diag, n, "input %d is empty", j);
      return false;
    }
  return true;
}

bool pass_canonicalize(Graph *g) {
  int count = g->nnodes;
  for (int i = 0; i < count; i++) {
    Node *n = g->nodes[i];
    if (n->dead) continue;
    if (n->op == OP_SUM) n->op = OP_ADD;
    if (n->op == OP_MEAN && !ir_attr(n, "tnnc.count")) {
      if (!inputs_present(g, n)) return false;
      if (n->nin == 1) n->op = OP_IDENTITY;
      else split_mean(g, n);
      continue;
    }
    if ((n->op == OP_MIN || n->op == OP_MAX || n->op == OP_ADD) &&
        n->nin != 2) {
      if (!inputs_present(g, n)) return false;
      split_variadic(g, n);
    }
  }
  if (!ir_toposort(g)) return false;
  return check_depth(g);
}
