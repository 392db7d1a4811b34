/* Pass fuse-residual: an Add of a packed convolution's float output and
 * another tensor of the same shape (the shortcut of a Bi-Real / XNOR
 * residual block) becomes the convolution's epilogue: x_baconv takes the
 * other tensor as in[4] and adds it to each output after the clamp, so the
 * sum is written once instead of written, read twice and written again.
 * Float addition is commutative, so the values are the Add's bit for bit.
 *
 * Preconditions: the Add has no broadcasting (both inputs and the output
 * have one shape, float); the convolution's output feeds only the Add and
 * is no graph output; the other input is defined before the convolution
 * runs (a graph input, a constant, or the output of an earlier node), so
 * moving the Add up to the convolution keeps the order valid.  The Add's
 * output tensor becomes the convolution's; the Add is retired. */
#include <string.h>

#include "../ir/ir.h"

static bool same_shape(const Tensor *a, const Tensor *b) {
  if (a->rank != b->rank || a->dtype != DT_FLOAT || b->dtype != DT_FLOAT) return false;
  for (int i = 0; i < a->rank; i++)
    if (a->dims[i] != b->dims[i]) return false;
  return true;
}

bool pass_fuse_residual(Graph *g) {
  ir_recount(g);
  int *pos = arena_calloc(g->arena, (size_t)g->ntensors + 1, sizeof(int));
  for (int i = 0; i < g->ntensors; i++) pos[i] = -1;   /* inputs, constants */
  for (int i = 0; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    if (n->dead) continue;
    for (int j = 0; j < n->nout; j++)
      if (n->out[j]) pos[n->out[j]->id] = i;
  }
  for (int i = 0; i < g->nnodes; i++) {
    Node *a = g->nodes[i];
    if (a->dead || a->call.kernel != TNN_K_f32_add || a->nin != 2 || !a->in[0] ||
        !a->in[1] || !same_shape(a->in[0], a->out[0]) || !same_shape(a->in[1], a->out[0]))
      continue;
    for (int s = 0; s < 2; s++) {
      Tensor *y = a->in[s], *r = a->in[1 - s];
      Node *c = y->producer;
      if (!c || c->dead || c->call.kernel != TNN_K_x_baconv || y->nuses != 1 ||
          y->is_output || y == r)
        continue;
      const tnn_baconv_params *cp = c->call.params;
      if (cp->obits != 0 || cp->res || c->nin != 4 || pos[r->id] >= pos[y->id]) continue;
      tnn_baconv_params *np = opk_params(g, sizeof *np);
      *np = *cp;
      np->res = 1;
      Tensor **in = arena_calloc(g->arena, 5, sizeof *in);
      memcpy(in, c->in, sizeof *in * 4);
      in[4] = r;
      c->in = in;
      c->nin = 5;
      c->call.params = np;
      c->out[0] = a->out[0];
      a->out[0]->producer = c;       /* use counts: one ir_recount at the end */
      pos[a->out[0]->id] = pos[y->id];
      ir_add_fused(g, c, a);
      a->dead = true;
      break;
    }
  }
  ir_recount(g);
  return true;
}
