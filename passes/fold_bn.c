/* Pass fold-bn: fold a per-channel affine that follows a Conv, Gemm or
 * MatMul into its weights and bias: an inference BatchNormalization, or a
 * Mul, Div, Add or Sub by a constant that varies only along the output
 * channels (a scalar included).  Quantized layers rely on it: the scale of
 * binary/ternary weights then carries the whole epilogue.
 *
 * BN(y)[c] = s[c] * (y[c] - mean[c]) + beta[c],  s = gamma / sqrt(var + eps).
 * With y = W x + b over output channel c:
 *     BN(y)[c] = (s[c] W[c]) x + (s[c] (b[c] - mean[c]) + beta[c])
 * so the weights of channel c are scaled by s[c] and the bias replaced.
 * For Gemm (Y = alpha op(A) op(B) + beta C, channel = column n of Y) the
 * columns of op(B) are scaled and C' = s (beta C - mean) + bn_beta, beta' = 1.
 * A MatMul with a constant 2-D B and a 2-D output becomes such a Gemm.
 *
 * Preconditions: BN's parameters and the producer's weights (and bias) are
 * constants; the producer's output feeds only the BN and is no graph output.
 * New constant tensors are created (initializers may be shared).
 * The BN's output tensor becomes the producer's output, so graph outputs and
 * names stay as in the model; the BN node is retired. */
#include <math.h>
#include <string.h>

#include "../ir/ir.h"

static bool bn_params_ok(Node *bn, int64_t c) {
  for (int i = 1; i < 5; i++) {
    const Tensor *t = bn->in[i];
    if (!t || !t->data || t->dtype != DT_FLOAT || ir_tensor_numel(t) != c)
      return false;
  }
  if (ir_attr_int(bn, "training_mode", 0) != 0) return false;
  for (int i = 1; i < bn->nout; i++)
    if (bn->out[i] && bn->out[i]->nuses > 0) return false;
  return true;
}

static void bn_scale_shift(Node *bn, int64_t c, float *s, float *sh) {
  const float *gamma = bn->in[1]->data, *beta = bn->in[2]->data;
  const float *mean = bn->in[3]->data, *var = bn->in[4]->data;
  float eps = ir_attr_float(bn, "epsilon", 1e-5f);
  for (int64_t i = 0; i < c; i++) {
    s[i] = gamma[i] / sqrtf(var[i] + eps);
    sh[i] = beta[i] - mean[i] * s[i];
  }
}

static void set_float_attr(Graph *g, Node *n, const char *name, float v) {
  for (int i = 0; i < n->nattrs; i++)
    if (strcmp(n->attrs[i].name, name) == 0) {
      n->attrs[i].type = ATTR_FLOAT;
      n->attrs[i].f = v;
      return;
    }
  ir_node_add_attr(g, n, name, ATTR_FLOAT)->f = v;
}

static void set_inputs(Graph *g, Node *n, int nin) {
  if (n->nin >= nin) return;
  Tensor **in = arena_calloc(g->arena, (size_t)nin, sizeof *in);
  memcpy(in, n->in, sizeof *in * (size_t)n->nin);
  n->in = in;
  n->nin = nin;
}

/* Output channels of p (Conv: M; Gemm/MatMul with constant 2-D B and 2-D
 * output: N), or -1 when p cannot absorb a per-channel affine. */
static int64_t channels(const Node *p) {
  if (p->op != OP_CONV && p->op != OP_GEMM && p->op != OP_MATMUL) return -1;
  const Tensor *w = p->in[1], *y = p->out[0];
  if (!w || !w->data || w->dtype != DT_FLOAT) return -1;
  if (p->op == OP_CONV) {
    const Tensor *b = p->nin > 2 ? p->in[2] : NULL;
    return b && !b->data ? -1 : w->dims[0];
  }
  if ((p->op == OP_GEMM || p->op == OP_MATMUL) && w->rank == 2 && y->rank == 2) {
    const Tensor *c = p->op == OP_GEMM && p->nin > 2 ? p->in[2] : NULL;
    return c && (!c->data || c->dtype != DT_FLOAT) ? -1 : y->dims[1];
  }
  return -1;
}

static bool fold_conv(Graph *g, Node *p, const float *s, const float *sh) {
  const Tensor *w = p->in[1];
  const Tensor *b = p->nin > 2 ? p->in[2] : NULL;
  int64_t m = w->dims[0], per = ir_tensor_numel(w) / (m ? m : 1);
  Tensor *nw = ir_const_new(g, arena_printf(g->arena, "%s/folded", w->name),
                            DT_FLOAT, w->rank, w->dims);
  Tensor *nb = ir_const_new(g, arena_printf(g->arena, "%s/bias_folded", p->name),
                            DT_FLOAT, 1, &m);
  const float *wd = w->data;
  float *nwd = nw->data, *nbd = nb->data;
  for (int64_t o = 0; o < m; o++) {
    for (int64_t k = 0; k < per; k++) nwd[o * per + k] = wd[o * per + k] * s[o];
    float bias = b ? ((const float *)b->data)[o] : 0.0f;
    nbd[o] = bias * s[o] + sh[o];
  }
  set_inputs(g, p, 3);
  p->in[1] = nw;
  p->in[2] = nb;
  return true;
}

/* Gemm, or a MatMul with constant 2-D B turned into one. */
static bool fold_gemm(Graph *g, Node *p, const float *s, const float *sh) {
  const Tensor *bw = p->in[1];
  const Tensor *y = p->out[0];
  bool is_mm = p->op == OP_MATMUL;
  int64_t tb = is_mm ? 0 : ir_attr_int(p, "transB", 0);
  float beta = is_mm ? 1.0f : ir_attr_float(p, "beta", 1.0f);
  const Tensor *c = !is_mm && p->nin > 2 ? p->in[2] : NULL;
  int64_t M = y->dims[0], N = y->dims[1];
  Tensor *nw = ir_const_new(g, arena_printf(g->arena, "%s/folded", bw->name),
                            DT_FLOAT, 2, bw->dims);
  const float *wd = bw->data;
  float *nwd = nw->data;
  int64_t rows = bw->dims[0], cols = bw->dims[1];
  for (int64_t r = 0; r < rows; r++)
    for (int64_t q = 0; q < cols; q++)
      nwd[r * cols + q] = wd[r * cols + q] * s[tb ? r : q];
  /* C' per row when C varies along rows, else one row. */
  bool full = c && c->rank == 2 && c->dims[0] != 1;
  int64_t cdims[2] = {full ? M : 1, N};
  Tensor *nc = ir_const_new(g, arena_printf(g->arena, "%s/bias_folded", p->name),
                            DT_FLOAT, full ? 2 : 1, full ? cdims : &N);
  float *ncd = nc->data;
  for (int64_t i = 0; i < cdims[0]; i++)
    for (int64_t j = 0; j < N; j++) {
      float cv = 0.0f;
      if (c) {
        /* broadcast index of C (rank <= 2) at (i, j) */
        int64_t ci = 0;
        if (c->rank == 2)
          ci = (c->dims[0] == 1 ? 0 : i) * c->dims[1] +
               (c->dims[1] == 1 ? 0 : j);
        else if (c->rank == 1)
          ci = c->dims[0] == 1 ? 0 : j;
        cv = ((const float *)c->data)[ci];
      }
      ncd[i * N + j] = beta * cv * s[j] + sh[j];
    }
  if (is_mm) {
    p->op = OP_GEMM;
  }
  set_inputs(g, p, 3);
  p->in[1] = nw;
  p->in[2] = nc;
  set_float_attr(g, p, "beta", 1.0f);
  return true;
}

/* A Mul/Add/Sub/Div of x (input xi) by a constant that varies at most
 * along the channel axis of x (axis 1, the last of rank-2 Gemm outputs):
 * its per-channel scale s and shift sh.  False if it is not such a node. */
static bool affine_of(Graph *g, Node *n, int xi, int64_t m, float *s,
                      float *sh) {
  const Tensor *x = n->in[xi], *c = n->in[1 - xi];
  if (!c || !c->data || c->dtype != DT_FLOAT || c->rank > x->rank) return false;
  if (n->op == OP_SUB && xi == 1) return false;        /* c - x */
  if (n->op == OP_DIV && xi == 1) return false;        /* c / x */
  int64_t cn = ir_tensor_numel(c);
  if (cn != 1 && cn != m) return false;
  if (cn == m && m != 1) {
    /* aligned to the right: the constant's channel dim must sit on axis 1 */
    int off = x->rank - c->rank;
    for (int d = 0; d < c->rank; d++)
      if (c->dims[d] != 1 && d + off != 1) return false;
  }
  const float *cv = c->data;
  for (int64_t i = 0; i < m; i++) {
    float v = cv[cn == 1 ? 0 : i];
    switch (n->op) {
    case OP_MUL: s[i] = v; sh[i] = 0; break;
    case OP_DIV: s[i] = 1.0f / v; sh[i] = 0; break;
    case OP_ADD: s[i] = 1; sh[i] = v; break;
    default: s[i] = 1; sh[i] = -v; break;
    }
  }
  (void)g;
  return true;
}

bool pass_fold_bn(Graph *g) {
  ir_recount(g);
  for (int i = 0; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    if (n->dead) continue;
    bool is_bn = n->op == OP_BATCH_NORM;
    bool is_affine = n->op == OP_MUL || n->op == OP_ADD || n->op == OP_SUB ||
                     n->op == OP_DIV;
    if (!is_bn && !is_affine) continue;
    /* the input coming from a Conv/Gemm/MatMul */
    int xi = 0;
    if (is_affine && !(n->in[0]->producer && !n->in[0]->producer->dead))
      xi = 1;
    Tensor *x = n->in[xi];
    Node *p = x->producer;
    if (!p || p->dead || x->nuses != 1 || x->is_output || p->out[0] != x)
      continue;
    int64_t m = channels(p);
    if (m < 0 || n->out[0]->dtype != DT_FLOAT) continue;
    float *s = arena_calloc(g->arena, (size_t)m + 1, sizeof(float));
    float *sh = arena_calloc(g->arena, (size_t)m + 1, sizeof(float));
    if (is_bn) {
      if (!bn_params_ok(n, m)) continue;
      bn_scale_shift(n, m, s, sh);
    } else if (!affine_of(g, n, xi, m, s, sh)) {
      continue;
    }
    /* the result must keep p's output shape (no broadcasting beyond it) */
    const Tensor *y = n->out[0];
    if (y->rank != x->rank ||
        memcmp(y->dims, x->dims, sizeof(int64_t) * (size_t)x->rank) != 0)
      continue;
    if (p->op == OP_CONV) fold_conv(g, p, s, sh);
    else fold_gemm(g, p, s, sh);
    p->out[0] = n->out[0];
    n->out[0]->producer = p;
    ir_add_fused(g, p, n);
    n->dead = true;
    x->nuses = 0;
  }
  ir_recount(g);
  return true;
}
