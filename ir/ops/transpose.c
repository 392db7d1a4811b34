/* Transpose: output dim d is input dim perm[d]; perm defaults to reversed.
 *
 * A permutation that keeps the order of the dims larger than 1 moves no
 * bytes (e.g. [1,C,H,W] -> [C,1,H,W]) and lowers to a plain copy. */
#include <string.h>

#include "../ir.h"

static bool transpose_perm(Graph *g, Node *n, int64_t *perm) {
  const Tensor *x = n->in[0];
  int cnt = ir_attr_ints(n, "perm", perm, IR_MAX_RANK);
  if (cnt < 0) {
    for (int d = 0; d < x->rank; d++) perm[d] = x->rank - 1 - d;
    return true;
  }
  if (cnt != x->rank) {
    diag_error(g->diag, n, "perm has %d entries for an input of rank %d", cnt,
               x->rank);
    return false;
  }
  bool seen[IR_MAX_RANK] = {false};
  for (int d = 0; d < cnt; d++) {
    if (perm[d] < 0 || perm[d] >= x->rank || seen[perm[d]]) {
      diag_error(g->diag, n, "perm is not a permutation of 0..%d",
                 x->rank - 1);
      return false;
    }
    seen[perm[d]] = true;
  }
  return true;
}

static bool transpose_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  int64_t perm[IR_MAX_RANK], dims[IR_MAX_RANK];
  if (!transpose_perm(g, n, perm)) return false;
  for (int d = 0; d < x->rank; d++) dims[d] = x->dims[perm[d]];
  ir_tensor_set_shape(n->out[0], x->dtype, x->rank, dims);
  return true;
}

static bool transpose_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  int64_t perm[IR_MAX_RANK];
  if (!transpose_perm(g, n, perm)) return false;
  bool moves = false;
  for (int d = 0, last = -1; d < x->rank; d++) {
    if (x->dims[perm[d]] == 1) continue;
    if (perm[d] < last) moves = true;
    last = (int)perm[d];
  }
  if (!moves) {
    tnn_copy_params *p = opk_params(g, sizeof *p);
    p->bytes = ir_tensor_bytes(x);
    n->call.kernel = TNN_K_x_copy;
    n->call.params = p;
    return true;
  }
  tnn_transpose_params *p = opk_params(g, sizeof *p);
  p->rank = x->rank;
  p->esize = (int64_t)dtype_size(x->dtype);
  memcpy(p->dims, x->dims, sizeof(int64_t) * (size_t)x->rank);
  memcpy(p->perm, perm, sizeof(int64_t) * (size_t)x->rank);
  n->call.kernel = TNN_K_x_transpose;
  n->call.params = p;
  return true;
}

const OpKind opkind_transpose = {transpose_infer, transpose_lower};
