/* MaxPool, AveragePool (1-D and 2-D) and GlobalAveragePool, GlobalMaxPool
 * (any rank >= 3), float32, NCHW.
 *
 * The window geometry (strides, dilations, pads, auto_pad, ceil_mode) is
 * opk_window's, shared with Conv (conv.c).  A 1-D pool runs as a 2-D one
 * with H = kH = 1.  A global pool is one window over all spatial dims: the
 * planes [N, C, d1, d2, ...] are seen as [N, C, 1, d1*d2*...] with a kernel
 * of that size.  storage_order only concerns MaxPool's Indices output,
 * which is not supported. */
#include <string.h>

#include "../ir.h"

static bool is_global(const Node *n) {
  return n->op == OP_GLOBAL_AVERAGE_POOL || n->op == OP_GLOBAL_MAX_POOL;
}

typedef struct PoolShape {
  int nsp;                     /* spatial axes (1 or 2; any for global) */
  int64_t in[2], k[2], s[2], d[2], pads[4], out[2];
} PoolShape;

static bool pool_shape(Graph *g, Node *n, PoolShape *ps) {
  const Tensor *x = n->in[0];
  if (!x) {
    diag_error(g->diag, n, "input 0 is missing");
    return false;
  }
  if (!opk_check_float(g, n, 0)) return false;
  if (is_global(n)) return opk_check_rank(g, n, 0, 3, IR_MAX_RANK);
  if (x->rank == 5) {
    diag_error(g->diag, n, "input 0 '%s' has rank 5: 3-D pooling is not "
               "supported", x->name);
    return false;
  }
  if (!opk_check_rank(g, n, 0, 3, 4)) return false;
  if (n->op == OP_MAX_POOL && n->nout > 1 && n->out[1] && n->out[1]->name &&
      n->out[1]->name[0]) {
    diag_error(g->diag, n, "output 1 '%s' (Indices) of MaxPool is not "
               "supported", n->out[1]->name);
    return false;
  }
  int nsp = x->rank - 2;
  ps->nsp = nsp;
  int nk = ir_attr_ints(n, "kernel_shape", ps->k, 2);
  if (nk != nsp) {
    if (nk < 0)
      diag_error(g->diag, n, "attribute 'kernel_shape' is required");
    else
      diag_error(g->diag, n, "attribute 'kernel_shape' has %d values, "
                 "expected %d", nk, nsp);
    return false;
  }
  for (int i = 0; i < nsp; i++) ps->in[i] = x->dims[2 + i];
  bool ceil_mode = ir_attr_int(n, "ceil_mode", 0) != 0;
  return opk_window(g, n, nsp, ps->in, ps->k, ceil_mode, ps->s, ps->d,
                    ps->pads, ps->out);
}

static bool pool_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  PoolShape ps;
  memset(&ps, 0, sizeof ps);
  if (!pool_shape(g, n, &ps)) return false;
  int64_t dims[IR_MAX_RANK];
  dims[0] = x->dims[0];
  dims[1] = x->dims[1];
  for (int i = 2; i < x->rank; i++)
    dims[i] = is_global(n) ? 1 : ps.out[i - 2];
  ir_tensor_set_shape(n->out[0], DT_FLOAT, x->rank, dims);
  return true;
}

static bool pool_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  PoolShape ps;
  memset(&ps, 0, sizeof ps);
  if (!pool_shape(g, n, &ps)) return false;
  tnn_pool_params *p = opk_params(g, sizeof *p);
  p->n = x->dims[0];
  p->c = x->dims[1];
  p->h = p->oh = p->kh = p->sh = p->dh = 1;
  p->sw = p->dw = 1;
  if (is_global(n)) {
    p->w = 1;
    for (int i = 2; i < x->rank; i++) p->w *= x->dims[i];
    p->kw = p->w;
    p->ow = 1;
  } else {
    /* 1-D as 2-D with a unit H axis: spatial axis 0 becomes W. */
    int a = ps.nsp == 2 ? 0 : -1, b = ps.nsp - 1, nsp = ps.nsp;
    if (a >= 0) {
      p->h = ps.in[a];
      p->oh = ps.out[a];
      p->kh = ps.k[a];
      p->sh = ps.s[a];
      p->dh = ps.d[a];
      p->pt = ps.pads[a];
      p->pb = ps.pads[nsp + a];
    }
    p->w = ps.in[b];
    p->ow = ps.out[b];
    p->kw = ps.k[b];
    p->sw = ps.s[b];
    p->dw = ps.d[b];
    p->pl = ps.pads[b];
    p->pr = ps.pads[nsp + b];
    p->count_include_pad = ir_attr_int(n, "count_include_pad", 0) != 0;
  }
  bool is_max = n->op == OP_MAX_POOL || n->op == OP_GLOBAL_MAX_POOL;
  n->call.kernel = is_max ? TNN_K_f32_max_pool : TNN_K_f32_avg_pool;
  n->call.params = p;
  return true;
}

const OpKind opkind_pool = {pool_infer, pool_lower};
