/* Pass quant-acts: binary and ternary activations (RTN, FATNN; see
 * ../shared/DESIGN.md, "Folding into thresholds").
 *
 * After pass lower, a layer with binary/ternary weights runs tnn_f32_bwfc
 * on float activations.  When its input comes from an activation quantizer
 * whose values are v * {-1, +1} (1 bit) or v * {-1, 0, +1} (2 bits) with
 * one v > 0 for the whole tensor (QONNX BipolarQuant; Quant with bit width 1
 * or 2 and scalar scale and zero point; FINN MultiThreshold with matching
 * out_scale/out_bias; ONNX Sign), the layer moves to the packed kernel
 * tnn_x_bafc (runtime/tnn_bitact.h): its activation scale v joins the
 * layer's per-channel scale and the dot is XOR/popcount.
 *
 * Then the quantizer itself disappears:
 *  - when its input is the output of such a packed layer, through a chain
 *    of per-channel monotone float ops (views, inference BatchNormalization,
 *    Relu, Clip, LeakyRelu, Sigmoid, Tanh, HardSigmoid, Neg, Round, Floor),
 *    the layer writes the quantizer's output already packed: the float
 *    epilogue, the chain and the quantizer are a monotone step function of
 *    the integer dot per channel, found as integer thresholds (with the
 *    direction per channel) by evaluating the very kernels the float path
 *    would run, so every decision, ties included, is the float path's;
 *  - otherwise (the first quantizer) it becomes tnn_f32_bapack, which
 *    compares the float input with per-channel float thresholds found the
 *    same way over the ordered floats, and writes the packed rows.
 *
 * --float-acts (Graph.float_acts) keeps the float path. */
#include <math.h>
#include <string.h>

#include "../ir/ir.h"

typedef struct {
  int bits;                    /* 1: {-v, +v}; 2: within {-v, 0, +v} */
  float v;
} Levels;

/* ------------------------------------------------- one value through a node */

/* Runs n's lowered kernel on the single value x at channel c (the layer's
 * output channel, axis 1).  Views pass x through. */
static float eval1(const Node *n, int64_t c, float x) {
  float y = x;
  const int k = n->call.kernel;
  if (k < 0) return x;
  const KernelInfo *ki = kernel_info(k);
  const void *in[5] = {&x, NULL, NULL, NULL, NULL};
  void *out[1] = {&y};
  if (strcmp(ki->params_kind, "unary") == 0) {
    tnn_unary_params p = *(const tnn_unary_params *)n->call.params;
    p.n = 1;
    ki->fn(&p, in, out);
  } else if (k == TNN_K_f32_quant) {
    tnn_quant_params p = *(const tnn_quant_params *)n->call.params;
    p.n = 1;
    p.rank = 1;
    p.dims[0] = 1;
    p.ss[0] = p.sz[0] = 0;
    in[1] = n->in[1]->data;
    if (!p.bipolar) in[2] = n->in[2]->data;
    ki->fn(&p, in, out);
  } else if (k == TNN_K_f32_multithreshold) {
    tnn_mthr_params p = *(const tnn_mthr_params *)n->call.params;
    const float *thr = n->in[1]->data;
    in[1] = thr + (p.global ? 0 : c * p.t);
    p.outer = p.c = p.inner = 1;
    p.global = 1;
    ki->fn(&p, in, out);
  } else if (k == TNN_K_f32_batchnorm) {
    tnn_bn_params p = *(const tnn_bn_params *)n->call.params;
    p.n = p.c = p.spatial = 1;
    for (int i = 1; i < 5; i++) in[i] = (const float *)n->in[i]->data + c;
    ki->fn(&p, in, out);
  } else {
    tnnc_unreachable();
  }
  return y;
}

/* -1, 0 or +1 for a quantizer output value, 2 for none of v * those. */
static int level_of(const Levels *lv, float y) {
  if (y == lv->v) return 1;
  if (y == -lv->v) return -1;
  if (y == 0.0f) return 0;
  return 2;
}

/* ------------------------------------------------------ the quantizers */

static bool scalar_const(const Tensor *t) {
  return t && t->data && t->dtype == DT_FLOAT && ir_tensor_numel(t) == 1;
}

/* Whether q is an activation quantizer of 1 or 2 bits; fills lv. */
static bool quantizer_levels(const Node *q, Levels *lv) {
  float vals[64];
  int nv = 0;
  const int k = q->call.kernel;
  if (q->in[0]->dtype != DT_FLOAT) return false;
  if (k == TNN_K_f32_sign) {
    vals[nv++] = -1.0f;
    vals[nv++] = 0.0f;
    vals[nv++] = 1.0f;
  } else if (k == TNN_K_f32_quant) {
    const tnn_quant_params *p = q->call.params;
    if (!scalar_const(q->in[1])) return false;
    const float s = *(const float *)q->in[1]->data;
    if (p->bipolar) {
      vals[nv++] = -s;
      vals[nv++] = s;
    } else {
      if (!scalar_const(q->in[2]) || p->hi - p->lo > 3) return false;
      const float z = *(const float *)q->in[2]->data;
      for (double r = p->lo; r <= p->hi; r++) vals[nv++] = ((float)r - z) * s;
    }
  } else if (k == TNN_K_f32_multithreshold) {
    const tnn_mthr_params *p = q->call.params;
    if (p->t > 3) return false;
    for (int64_t j = 0; j <= p->t; j++)
      vals[nv++] = (float)p->bias + (float)p->scale * (float)j;
  } else {
    return false;
  }
  float v = 0.0f;
  for (int i = 0; i < nv; i++) v = fmaxf(v, fabsf(vals[i]));
  if (!(v > 0.0f) || isinf(v)) return false;
  lv->v = v;
  bool zero = false;
  for (int i = 0; i < nv; i++) {
    int l = level_of(lv, vals[i]);
    if (l == 2) return false;
    zero |= l == 0;
  }
  lv->bits = zero ? 2 : 1;
  return true;
}

/* -------------------------------------------------------------- helpers */

/* Consumers of every tensor: users[off[id] .. off[id + 1]), each node once. */
typedef struct {
  Node **users;
  int *off;
} Uses;

static void build_uses(Graph *g, Uses *u) {
  int *cnt = arena_calloc(g->arena, (size_t)g->ntensors + 2, sizeof(int));
  u->off = arena_calloc(g->arena, (size_t)g->ntensors + 2, sizeof(int));
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < g->nnodes; i++) {
      Node *n = g->nodes[i];
      if (n->dead) continue;
      for (int j = 0; j < n->nin; j++) {
        const Tensor *t = n->in[j];
        bool seen = false;
        for (int k = 0; k < j; k++) seen |= n->in[k] == t;
        if (!t || seen) continue;
        if (pass == 0) cnt[t->id + 1]++;
        else u->users[u->off[t->id] + cnt[t->id]++] = n;
      }
    }
    if (pass == 0) {
      for (int t = 0; t < g->ntensors; t++) u->off[t + 1] = u->off[t] + cnt[t + 1];
      u->users = arena_calloc(g->arena, (size_t)u->off[g->ntensors] + 1,
                              sizeof(Node *));
      memset(cnt, 0, sizeof(int) * ((size_t)g->ntensors + 2));
    }
  }
}

static int nusers(const Uses *u, const Tensor *t) {
  return u->off[t->id + 1] - u->off[t->id];
}

/* A packed-weight float-activation layer that can take packed input. */
static bool bw_layer(const Graph *g, const Node *n, const Tensor *x) {
  return n->call.kernel == TNN_K_f32_bwfc && n->in[0] == x && n->quant &&
         n->quant->packed && !(n->quant->bits == 2 && g->pack == PACK_BASE3);
}

static void add_fused(Graph *g, Node *p, const Node *n) {
  const char *me = arena_printf(g->arena, "'%s' (%s)", n->name, n->op_type);
  p->fused = p->fused ? arena_printf(g->arena, "%s, %s", p->fused, me) : me;
}

static Tensor *new_const(Graph *g, const char *name, DType dt, int rank,
                         const int64_t *dims) {
  Tensor *t = ir_tensor_new(g, name);
  ir_tensor_set_shape(t, dt, rank, dims);
  ir_tensor_alloc_data(g, t);
  return t;
}

/* The chain from a layer's float output to the quantizer that ends it:
 * single-consumer per-channel monotone ops on [N, M, 1...] tensors.
 * Returns the quantizer, or NULL; chain[] gets the ops between. */
static bool chain_op(const Node *n) {
  if (n->call.kernel < 0)
    return n->op == OP_RESHAPE || n->op == OP_SQUEEZE || n->op == OP_UNSQUEEZE ||
           n->op == OP_FLATTEN || n->op == OP_IDENTITY;
  switch (n->call.kernel) {
  case TNN_K_f32_relu: case TNN_K_f32_clip: case TNN_K_f32_sigmoid:
  case TNN_K_f32_tanh: case TNN_K_f32_neg: case TNN_K_f32_round:
  case TNN_K_f32_floor:
    return true;
  case TNN_K_f32_leaky_relu:
    return ((const tnn_unary_params *)n->call.params)->alpha >= 0;
  case TNN_K_f32_hard_sigmoid:
    return ((const tnn_unary_params *)n->call.params)->alpha >= 0;
  case TNN_K_f32_batchnorm:
    for (int i = 1; i < 5; i++)
      if (!n->in[i]->data) return false;
    return true;
  default:
    return false;
  }
}

static bool channel_shape(const Tensor *t, int64_t n, int64_t m) {
  if (t->rank < 2 || t->dims[0] != n || t->dims[1] != m) return false;
  for (int d = 2; d < t->rank; d++)
    if (t->dims[d] != 1) return false;
  return true;
}

/* ------------------------------------------------------------ thresholds */

typedef struct {
  const Node *layer;           /* x_bafc with float epilogue */
  const Node **chain;
  int nchain;
  const Node *q;
  const Levels *lv;
} StepFn;

/* The quantizer level the float path gives for integer dot d at channel m. */
static int step_level(const StepFn *s, int64_t m, int64_t d) {
  const tnn_bafc_params *p = s->layer->call.params;
  const float *scale = s->layer->in[2]->data, *bias = s->layer->in[3]->data;
  const float lo = (float)p->lo, hi = (float)p->hi;
  float v = (float)d * scale[m];
  v = v + bias[m];
  v = v < lo ? lo : v > hi ? hi : v;
  for (int i = 0; i < s->nchain; i++) v = eval1(s->chain[i], m, v);
  return level_of(s->lv, eval1(s->q, m, v));
}

/* Smallest v in [lo, hi] with f(v) >= j for non-decreasing f, or hi + 1. */
#define FIRST_AT_LEAST(result, lo_, hi_, j, f_of)                             \
  do {                                                                        \
    int64_t a_ = (lo_), b_ = (hi_) + 1;                                       \
    while (a_ < b_) {                                                         \
      const int64_t mid_ = a_ + (b_ - a_) / 2;                                \
      const int64_t v_ = mid_;                                                \
      if ((f_of(v_)) >= (j)) b_ = mid_;                                       \
      else a_ = mid_ + 1;                                                     \
    }                                                                         \
    (result) = a_;                                                            \
  } while (0)

/* Integer thresholds {dir, t0, t1} per channel; false if the float path
 * is not a monotone step function of the dot (then nothing changes). */
static bool int_thresholds(const StepFn *s, int64_t mch, int64_t k,
                           int32_t *thr, const char **why) {
  const bool check_all = (2 * k + 1) * mch <= ((int64_t)1 << 22);
  for (int64_t m = 0; m < mch; m++) {
    const int l_lo = step_level(s, m, -k), l_hi = step_level(s, m, k);
    if (l_lo == 2 || l_hi == 2) {
      *why = "a quantizer output outside its levels";
      return false;
    }
    const int64_t dir = l_hi >= l_lo ? 1 : -1;
#define G(v) step_level(s, m, dir * (v))
    int64_t t0, t1;
    FIRST_AT_LEAST(t0, -k, k, 0, G);
    FIRST_AT_LEAST(t1, -k, k, 1, G);
    thr[3 * m] = (int32_t)dir;
    thr[3 * m + 1] = (int32_t)t0;
    thr[3 * m + 2] = (int32_t)t1;
    if (check_all)
      for (int64_t v = -k; v <= k; v++)
        if (G(v) != -1 + (v >= t0) + (v >= t1)) {
          *why = "the float path is not monotone in the dot";
          return false;
        }
#undef G
  }
  return true;
}

/* Floats in order as integers: -inf .. -0 = 0 = +0 .. +inf. */
static int64_t fkey(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u & 0x80000000u ? -(int64_t)(u & 0x7fffffffu) : (int64_t)u;
}

static float fval(int64_t key) {
  uint32_t u = key < 0 ? (uint32_t)(-key) | 0x80000000u : (uint32_t)key;
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

/* Float thresholds {t0, t1} of quantizer q at channel c: level = -1 + (x >=
 * t0) + (x >= t1); NaN when a level is never reached. */
static bool float_thresholds(const Node *q, const Levels *lv, int64_t c,
                             float *t) {
  const int64_t lo = fkey(-INFINITY), hi = fkey(INFINITY);
#define G(v) level_of(lv, eval1(q, c, fval(v)))
  if (G(lo) == 2 || G(hi) == 2 || G(lo) > G(hi)) return false;
  for (int j = 0; j < 2; j++) {
    int64_t r;
    FIRST_AT_LEAST(r, lo, hi, j, G);
    t[j] = r > hi ? NAN : r == lo ? -INFINITY : fval(r);
    /* the float just below must be below the level (monotone check) */
    if (r > lo && r <= hi && G(r - 1) >= j) return false;
  }
#undef G
  return true;
}

/* ------------------------------------------------------------ rewriting */

/* Moves layer L (f32_bwfc) to x_bafc on packed input of `abits`; the
 * activation scale v joins its per-channel scale. */
static void to_bafc(Graph *g, Node *L, int abits, float v) {
  const tnn_bwfc_params *old = L->call.params;
  QuantInfo *q = L->quant;
  tnn_bafc_params *p = opk_params(g, sizeof *p);
  p->n = old->n;
  p->m = old->m;
  p->k = old->k;
  p->abits = abits;
  p->wbits = q->bits;
  p->obits = 0;
  p->lo = old->lo;
  p->hi = old->hi;
  const int64_t kb = (q->k + 7) / 8;
  int64_t dims[2] = {q->m, q->bits * kb};
  Tensor *w = new_const(g, arena_printf(g->arena, "%s/bitwise", q->weight->name),
                        DT_UINT8, 2, dims);
  tnn_ba_pack_rows(q->t, q->m, q->k, q->bits, w->data);
  L->in[1] = w;
  float *scale = L->in[2]->data;
  for (int64_t m = 0; m < q->m; m++) scale[m] = scale[m] * v;
  L->call.kernel = TNN_K_x_bafc;
  L->call.params = p;
  q->abits = abits;
}

/* Output tensor t becomes packed rows of `bits` planes of `len` values. */
static void make_packed(Tensor *t, int64_t rows, int64_t len, int bits) {
  int64_t dims[2] = {rows, bits * ((len + 7) / 8)};
  ir_tensor_set_shape(t, DT_UINT8, 2, dims);
}

/* Tries to fold q (and the chain before it) into the packed layer that
 * produces its input.  True when done. */
static bool fuse_into_producer(Graph *g, const Uses *u, Node *q,
                               const Levels *lv) {
  const Node *chain[64];
  int nchain = 0;
  const Tensor *t = q->in[0];
  Node *n = t->producer;
  while (n && n->call.kernel != TNN_K_x_bafc) {
    if (nchain == 64 || !chain_op(n) || n->nout != 1) return false;
    chain[nchain++] = n;
    t = n->in[0];
    n = t->producer;
  }
  if (!n) return false;
  const tnn_bafc_params *lp = n->call.params;
  if (lp->obits != 0 || n->quant->k >= INT32_MAX) return false;
  /* chain[] runs from q backwards; every tensor on the way has one user */
  for (int i = nchain - 1; i >= -1; i--) {
    const Node *c = i >= 0 ? chain[i] : q;
    const Tensor *x = c->in[0];
    if (x->is_output || nusers(u, x) != 1 || !channel_shape(x, lp->n, lp->m))
      return false;
    if (c->op == OP_MULTI_THRESHOLD && x->rank != 2 &&
        !((const tnn_mthr_params *)c->call.params)->global)
      return false;
  }
  const Node *fwd[64];
  for (int i = 0; i < nchain; i++) fwd[i] = chain[nchain - 1 - i];
  StepFn s = {n, fwd, nchain, q, lv};
  int64_t dims[2] = {lp->m, 3};
  Tensor *thr = new_const(g, arena_printf(g->arena, "%s/thresholds", q->name),
                          DT_INT32, 2, dims);
  const char *why = NULL;
  if (!int_thresholds(&s, lp->m, lp->k, thr->data, &why)) {
    diag_warn(g->diag, q, "kept in float: %s", why);
    return false;
  }
  tnn_bafc_params *p = opk_params(g, sizeof *p);
  *p = *lp;
  p->obits = lv->bits;
  n->call.params = p;
  n->in[2] = thr;
  n->in[3] = NULL;
  n->nin = 3;
  Tensor *y = q->out[0];
  make_packed(y, lp->n, lp->m, lv->bits);
  n->out[0]->producer = NULL;
  n->out[0] = y;
  y->producer = n;
  n->quant->obits = lv->bits;
  for (int i = 0; i < nchain; i++) {
    add_fused(g, n, fwd[i]);
    ((Node *)fwd[i])->dead = true;
  }
  add_fused(g, n, q);
  q->dead = true;
  return true;
}

/* q packs its float input itself (tnn_f32_bapack). */
static bool to_bapack(Graph *g, Node *q, const Levels *lv, int64_t k) {
  const Tensor *x = q->in[0];
  const int64_t numel = ir_tensor_numel(x);
  const bool per_channel = q->call.kernel == TNN_K_f32_multithreshold &&
                           !((const tnn_mthr_params *)q->call.params)->global;
  if (per_channel && (x->rank != 2 || x->dims[1] != k)) return false;
  const int64_t nc = per_channel ? k : 1;
  int64_t dims[2] = {nc, 2};
  Tensor *thr = new_const(g, arena_printf(g->arena, "%s/thresholds", q->name),
                          DT_FLOAT, 2, dims);
  float *t = thr->data;
  for (int64_t c = 0; c < nc; c++)
    if (!float_thresholds(q, lv, c, t + 2 * c)) return false;
  tnn_bapack_params *p = opk_params(g, sizeof *p);
  p->outer = numel / k;
  p->c = k;
  p->inner = 1;
  p->global = !per_channel;
  p->bits = lv->bits;
  Tensor *in0 = q->in[0];
  q->in = arena_calloc(g->arena, 2, sizeof(Tensor *));
  q->in[0] = in0;
  q->in[1] = thr;
  q->nin = 2;
  make_packed(q->out[0], p->outer, k, lv->bits);
  q->call.kernel = TNN_K_f32_bapack;
  q->call.params = p;
  return true;
}

bool pass_quant_acts(Graph *g) {
  if (g->float_acts) return true;
  Uses u;
  build_uses(g, &u);
  for (int i = 0; i < g->nnodes; i++) {
    Node *q = g->nodes[i];
    Levels lv;
    if (q->dead || q->nout != 1 || !quantizer_levels(q, &lv)) continue;
    Tensor *y = q->out[0];
    const int nu = nusers(&u, y);
    if (y->is_output || nu == 0) continue;
    /* every consumer must be a packed layer reading y as its input x */
    Node **users = u.users + u.off[y->id];
    int64_t k = -1;
    bool ok = true;
    for (int j = 0; j < nu && ok; j++) {
      ok = bw_layer(g, users[j], y) && (k < 0 || users[j]->quant->k == k);
      if (ok) k = users[j]->quant->k;
    }
    if (!ok || k <= 0 || ir_tensor_numel(y) % k) continue;
    if (!fuse_into_producer(g, &u, q, &lv) && !to_bapack(g, q, &lv, k))
      continue;
    for (int j = 0; j < nu; j++) to_bafc(g, users[j], lv.bits, lv.v);
  }
  ir_recount(g);
  return true;
}
