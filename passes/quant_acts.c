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
 * --float-acts (Graph.float_acts) keeps the float path.
 *
 * A weighted layer left on float activations although an activation
 * quantizer feeds it (directly or through views and MaxPools) records why
 * in Node.fallback_reason: the bit width, the kernel limit, the quantizer
 * that is not provably exact... (explain_float_layers, after the rewrite;
 * it only reads the graph).
 *
 * Discovery is in quant_find.c, the thresholds in quant_thresh.c (their
 * interface: quant_acts.h); this file rewrites. */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "quant_acts.h"

/* A packed-weight float-activation layer that can take packed input x:
 * fully connected (rows of k) or a group-1 convolution (images). */
static bool bw_layer(const Graph *g, const Node *n, const Tensor *x) {
  if (n->in[0] != x || !n->quant || !n->quant->packed ||
      (n->quant->bits == 2 && g->pack == PACK_BASE3))
    return false;
  if (n->call.kernel == TNN_K_f32_bwfc) return true;
  if (n->call.kernel != TNN_K_f32_bwconv && n->call.kernel != TNN_K_f32_bwconv_mb)
    return false;
  const tnn_bwconv_params *p = n->call.params;
  return p->group == 1 && p->kh * p->kw * ((p->c + 7) / 8) <= TNN_BA_MAX_PATCH;
}

static bool is_conv(const Node *n) {
  return n->call.kernel == TNN_K_f32_bwconv || n->call.kernel == TNN_K_f32_bwconv_mb ||
         n->call.kernel == TNN_K_x_baconv;
}

/* A node of the chain from a layer's float output to the quantizer that
 * ends it: a view, an inference BatchNormalization, or a float -> float
 * node monotone in its first input (ir/op_props.def) whose other inputs
 * are scalar constants; fuse_into_producer checks that each keeps the
 * layer's [N, M, ...] shape and has one reader. */
static bool chain_op(const Node *n) {
  if (n->call.kernel < 0) return op_is_view(n);
  if (n->call.kernel == TNN_K_f32_batchnorm) {
    for (int i = 1; i < 5; i++)
      if (!n->in[i]->data) return false;
    return true;
  }
  if (n->nout != 1 || n->nin < 1 || n->nin > 5 || !n->in[0] || n->in[0]->data ||
      n->in[0]->dtype != DT_FLOAT || n->out[0]->dtype != DT_FLOAT)
    return false;
  int d[5] = {1, 0, 0, 0, 0}, dir;
  for (int i = 1; i < n->nin; i++)
    if (n->in[i] && !n->in[i]->data) return false;
  return qa_node_dir(n, d, &dir);
}

static bool channel_shape(const Tensor *t, int64_t n, int64_t m) {
  if (t->rank < 2 || t->dims[0] != n || t->dims[1] != m) return false;
  for (int d = 2; d < t->rank; d++)
    if (t->dims[d] != 1) return false;
  return true;
}

/* ------------------------------------------------------------ rewriting */

/* A three-level quantizer (ONNX Sign: Sign(0) = 0) whose level 0 no
 * integer dot reaches in any channel (t0 == t1) is stored and run as
 * binary. */
static void zero_never_taken(QGroup *q, const int32_t *thr, int64_t m,
                             int stride) {
  for (int64_t i = 0; i < m; i++)
    if (thr[stride * i + 1] != thr[stride * i + 2]) return;
  q->bits = 1;
}

/* The activations x = off + v * level join layer L's epilogue:
 * sum_k x_k s t_k + bias = (v s) dot + (bias + off s sum_k t_k). */
static void fold_act_scale(Node *L, const QGroup *q) {
  const QuantInfo *qi = L->quant;
  float *scale = L->in[2]->data, *bias = L->in[3]->data;
  for (int64_t m = 0; m < qi->m; m++) {
    if (q->off != 0.0f) {
      int64_t st = 0;
      for (int64_t k = 0; k < qi->k; k++) st += qi->t[m * qi->k + k];
      bias[m] = bias[m] + q->off * scale[m] * (float)st;
    }
    scale[m] = scale[m] * q->v;
  }
}

/* Moves layer L (f32_bwfc) to x_bafc on packed input. */
static void to_bafc(Graph *g, Node *L, const QGroup *qg, int64_t hw) {
  const tnn_bwfc_params *old = L->call.params;
  QuantInfo *q = L->quant;
  tnn_bafc_params *p = opk_params(g, sizeof *p);
  p->n = old->n;
  p->m = old->m;
  p->k = old->k;
  p->abits = qg->bits;
  p->wbits = q->bits;
  p->obits = 0;
  p->lo = old->lo;
  p->hi = old->hi;
  const int64_t kb = (q->k + 7) / 8;
  int64_t dims[2] = {q->m, q->bits * kb};
  Tensor *w = ir_const_new(g, arena_printf(g->arena, "%s/bitwise", q->weight->name),
                           DT_UINT8, 2, dims);
  q->wpacked = w;                      /* pass pack-weights fills it */
  q->hw = hw;
  L->in[1] = w;
  fold_act_scale(L, qg);
  L->call.kernel = TNN_K_x_bafc;
  L->call.params = p;
  q->abits = qg->bits;
}

/* Moves convolution L (f32_bwconv, group 1) to x_baconv on packed images. */
static void to_baconv(Graph *g, Node *L, const QGroup *qg) {
  const tnn_bwconv_params *old = L->call.params;
  QuantInfo *q = L->quant;
  tnn_baconv_params *p = opk_params(g, sizeof *p);
  IR_COPY_WINDOW(p, old);
  p->m = old->m;
  p->abits = qg->bits;
  p->wbits = q->bits;
  p->obits = 0;
  p->lo = old->lo;
  p->hi = old->hi;
  int64_t dims[2] = {q->m, q->bits * p->kh * p->kw * ((p->c + 7) / 8)};
  Tensor *w = ir_const_new(g, arena_printf(g->arena, "%s/bitwise", q->weight->name),
                           DT_UINT8, 2, dims);
  q->wpacked = w;                      /* pass pack-weights fills it */
  L->in[1] = w;
  fold_act_scale(L, qg);
  L->call.kernel = TNN_K_x_baconv;
  L->call.params = p;
  q->abits = qg->bits;
  /* the kernel's tap and word tables and the register-blocked kernel's
   * padded image: a second output in the workspace, live for this node only
   * (plan-memory shares it).  Only the AVX-512 variant reads the padded
   * image (the blocked weight layout is every variant's), so a target that
   * runs another variant plans the tables alone.  A layer split over
   * threads (--threads) has one per share (tnn_part_scratch). */
  p->scratch = registry_baconv_scratch(g->target, p);
  if (p->scratch) {
    Tensor **outs = arena_calloc(g->arena, 2, sizeof *outs);
    Tensor *s = ir_tensor_new(g, arena_printf(g->arena, "%s/scratch", q->weight->name));
    const int64_t bytes =
        registry_node_splits(g, L) ? g->threads * tnn_part_scratch(p->scratch) : p->scratch;
    ir_tensor_set_shape(s, DT_UINT8, 1, &bytes);
    outs[0] = L->out[0];
    outs[1] = s;
    s->producer = L;
    L->out = outs;
    L->nout = 2;
  }
}

/* What the packed layers reading a quantizer's output take: rows of k
 * values (fully connected) or images of c channels and hw pixels. */
typedef struct {
  bool images;
  int64_t k, c, hw;
} Layout;

/* Bytes per packed row / image of `bits` planes. */
static int64_t packed_bytes(const Layout *l, int bits) {
  return l->images ? bits * l->hw * ((l->c + 7) / 8) : bits * ((l->k + 7) / 8);
}

/* Output tensor t (numel elements) becomes packed rows / images. */
static void make_packed(Tensor *t, const Layout *l, int bits) {
  const int64_t per = l->images ? l->c * l->hw : l->k;
  int64_t dims[2] = {ir_tensor_numel(t) / per, packed_bytes(l, bits)};
  ir_tensor_set_shape(t, DT_UINT8, 2, dims);
}

/* Whether every reader of t is a node of q. */
static bool only_group_reads(const Uses *u, const QGroup *q, const Tensor *t) {
  int nu;
  Node *const *us = qa_users_of(u, t, &nu);
  for (int a = 0; a < nu; a++) {
    bool in = false;
    for (int b = 0; b < q->n; b++) in |= q->nodes[b] == us[a];
    if (!in) return false;
  }
  return true;
}

/* Tries to fold q (and the chain before it) into the packed layer that
 * produces its input.  True when done. */
static bool fuse_into_producer(Graph *g, const Uses *u, QGroup *q,
                               const Layout *want) {
  const Node *chain[64];
  int nchain = 0;
  const Tensor *t = q->x;
  Node *n = t->producer;
  while (n && n->call.kernel != TNN_K_x_bafc && n->call.kernel != TNN_K_x_baconv) {
    if (nchain == 64 || !chain_op(n) || n->nout != 1) return false;
    chain[nchain++] = n;
    t = n->in[0];
    n = t->producer;
  }
  if (!n || n->quant->obits != 0) return false;
  /* the layer's output: [nb, m, spatial...]; its dot spans [-k, k] */
  int64_t nb, m, k;
  float lo, hi;
  Layout have = {false, 0, 0, 0};
  if (n->call.kernel == TNN_K_x_bafc) {
    const tnn_bafc_params *lp = n->call.params;
    nb = lp->n, m = lp->m, k = lp->k, lo = (float)lp->lo, hi = (float)lp->hi;
    have.k = m;
  } else {
    const tnn_baconv_params *lp = n->call.params;
    nb = lp->n, m = lp->m, k = lp->c * lp->kh * lp->kw;
    lo = (float)lp->lo, hi = (float)lp->hi;
    have.images = true;
    have.c = m;
    have.hw = lp->oh * lp->ow;
  }
  if (have.images != want->images || (have.images && have.hw != want->hw) ||
      (have.images ? have.c != want->c : have.k != want->k) || k >= INT32_MAX)
    return false;
  const Tensor *y0 = n->out[0];
  /* chain[] runs from q backwards; every tensor on the way has one user
   * (the quantizer's input: only the quantizer's nodes read it), since the
   * layer then writes the packed output alone and these tensors are gone;
   * and keeps the layer's [nb, m, ...] layout */
  for (int i = nchain - 1; i >= -1; i--) {
    const Tensor *x = i >= 0 ? chain[i]->in[0] : q->x;
    if (x->is_output || (i >= 0 ? qa_nusers(u, x) != 1 : !only_group_reads(u, q, x)))
      return false;
    if (have.images ? x->rank != y0->rank ||
                          memcmp(x->dims, y0->dims, sizeof(int64_t) * (size_t)x->rank)
                    : !channel_shape(x, nb, m))
      return false;
  }
  const Node *fwd[64];
  for (int i = 0; i < nchain; i++) fwd[i] = chain[nchain - 1 - i];
  StepFn s = {n->in[2]->data, n->in[3]->data, lo, hi, fwd, nchain, q};
  int64_t dims[2] = {m, 3};
  Node *e = q->nodes[q->n - 1];
  Tensor *thr = ir_const_new(g, arena_printf(g->arena, "%s/thresholds", e->name),
                             DT_INT32, 2, dims);
  const char *why = NULL;
  if (!qa_int_thresholds(&s, m, k, thr->data, &why)) {
    diag_warn(g->diag, e, "kept in float: %s", why);
    return false;
  }
  zero_never_taken(q, thr->data, m, 3);
  if (n->call.kernel == TNN_K_x_bafc) {
    tnn_bafc_params *p = opk_params(g, sizeof *p);
    *p = *(const tnn_bafc_params *)n->call.params;
    p->obits = q->bits;
    n->call.params = p;
  } else {
    tnn_baconv_params *p = opk_params(g, sizeof *p);
    *p = *(const tnn_baconv_params *)n->call.params;
    p->obits = q->bits;
    n->call.params = p;
  }
  n->in[2] = thr;
  n->in[3] = NULL;
  n->nin = 3;
  Tensor *y = e->out[0];
  make_packed(y, want, q->bits);
  n->out[0]->producer = NULL;
  n->out[0] = y;
  y->producer = n;
  n->quant->obits = q->bits;
  for (int i = 0; i < nchain; i++) {
    ir_add_fused(g, n, fwd[i]);
    ((Node *)fwd[i])->dead = true;
  }
  for (int i = 0; i < q->n; i++) {
    ir_add_fused(g, n, q->nodes[i]);
    q->nodes[i]->dead = true;
  }
  return true;
}

/* The quantizer packs its float input itself (tnn_f32_bapack): its last
 * node takes {x, thresholds}, the others go. */
static bool to_bapack(Graph *g, QGroup *q, const Layout *l, const char **why) {
  Node *e = q->nodes[q->n - 1];
  Tensor *x = (Tensor *)q->x;
  const int64_t numel = ir_tensor_numel(x);
  bool per_channel = false;
  for (int i = 0; i < q->n; i++)
    per_channel |= q->nodes[i]->call.kernel == TNN_K_f32_multithreshold &&
                   !((const tnn_mthr_params *)q->nodes[i]->call.params)->global;
  const int64_t c = l->images ? l->c : l->k;
  *why = "the quantizer falls as its input rises (no layer before it to fold into)";
  if (q->dir < 0) return false;
  *why = "the quantizer changes the number of elements";
  if (numel != ir_tensor_numel(e->out[0])) return false;
  *why = "per-channel thresholds not along the layer's input channels";
  if (per_channel && !(l->images ? x->rank == 4 && x->dims[1] == c
                                 : x->rank == 2 && x->dims[1] == c))
    return false;
  *why = "the quantizer is not provably a step function of its input";
  const int64_t nc = per_channel ? c : 1;
  int64_t dims[2] = {nc, 2};
  Tensor *thr = ir_const_new(g, arena_printf(g->arena, "%s/thresholds", e->name),
                             DT_FLOAT, 2, dims);
  float *t = thr->data;
  for (int64_t ch = 0; ch < nc; ch++)
    if (!qa_float_thresholds(q, ch, t + 2 * ch)) return false;
  *why = NULL;
  bool zero = false;                     /* level 0 reachable somewhere? */
  for (int64_t ch = 0; ch < nc; ch++)
    zero |= !(t[2 * ch] == t[2 * ch + 1] || (isnan(t[2 * ch]) && isnan(t[2 * ch + 1])));
  if (!zero) q->bits = 1;
  tnn_bapack_params *p = opk_params(g, sizeof *p);
  p->outer = numel / (l->images ? l->c * l->hw : l->k);
  p->c = c;
  p->inner = l->images ? l->hw : 1;
  p->global = !per_channel;
  p->bits = q->bits;
  p->pixels = l->images;
  e->in = arena_calloc(g->arena, 2, sizeof(Tensor *));
  e->in[0] = x;
  e->in[1] = thr;
  e->nin = 2;
  make_packed(e->out[0], l, q->bits);
  e->call.kernel = TNN_K_f32_bapack;
  e->call.params = p;
  for (int i = 0; i < q->n - 1; i++) {
    ir_add_fused(g, e, q->nodes[i]);
    q->nodes[i]->dead = true;
  }
  return true;
}

/* The layout every consumer of y takes, or false when they differ or one
 * is not a packed layer. */
static bool consumers_layout(const Graph *g, Node *const *users, int nu,
                             const Tensor *y, Layout *l) {
  for (int j = 0; j < nu; j++) {
    const Node *c = users[j];
    if (!bw_layer(g, c, y)) return false;
    Layout me = {is_conv(c), 0, 0, 0};
    if (me.images) {
      const tnn_bwconv_params *p = c->call.params;
      if (y->rank != 4) return false;
      me.c = p->c;
      me.hw = p->h * p->w;
    } else {
      me.k = c->quant->k;
      if (me.k <= 0 || ir_tensor_numel(y) % me.k) return false;
    }
    if (j > 0 && (me.images != l->images || me.k != l->k || me.c != l->c ||
                  me.hw != l->hw))
      return false;
    *l = me;
  }
  return nu > 0;
}

/* The view (Flatten, or Reshape to [N, C*H*W]) that is the only user of
 * pooled output t, when only packed fully connected layers read it: they
 * can take the packed image (C % 8 == 0) as their packed row, with their
 * weight columns permuted to its order.  NULL otherwise. */
static Node *pool_view(const Graph *g, const Uses *u, const Tensor *t) {
  int nv;
  Node *const *vs = qa_users_of(u, t, &nv);
  if (nv != 1 || !op_is_view(vs[0]) || vs[0]->call.kernel >= 0 || vs[0]->in[0] != t ||
      vs[0]->nout != 1 || vs[0]->out[0]->is_output || t->rank != 4 || t->dims[1] % 8)
    return NULL;
  const Tensor *f = vs[0]->out[0];
  const int64_t k = t->dims[1] * t->dims[2] * t->dims[3];
  if (f->rank != 2 || f->dims[0] != t->dims[0] || f->dims[1] != k) return NULL;
  int nf;
  Node *const *fs = qa_users_of(u, f, &nf);
  Layout lf;
  if (!consumers_layout(g, fs, nf, f, &lf) || lf.images || lf.k != k) return NULL;
  return vs[0];
}

/* Users that are MaxPools over y whose outputs only packed convolutions
 * read, or packed fully connected layers through a view (pooling of
 * binary/ternary values runs on the packed bits). */
static bool pooled_layout(const Graph *g, const Uses *u, Node *const *users,
                          int nu, const Tensor *y, Layout *l) {
  if (y->rank != 4) return false;
  for (int j = 0; j < nu; j++) {
    const Node *p = users[j];
    if (p->call.kernel != TNN_K_f32_max_pool || p->in[0] != y ||
        (p->nout > 1 && p->out[1]) || p->out[0]->is_output)
      return false;
    int n2;
    Node *const *u2 = qa_users_of(u, p->out[0], &n2);
    Layout l2;
    if ((!consumers_layout(g, u2, n2, p->out[0], &l2) || !l2.images) &&
        !pool_view(g, u, p->out[0]))
      return false;
  }
  l->images = true;
  l->k = 0;
  l->c = y->dims[1];
  l->hw = y->dims[2] * y->dims[3];
  return nu > 0;
}

/* MaxPool p moves to the packed images of `bits` planes. */
static void to_bamaxpool(Graph *g, Node *p, int bits) {
  const tnn_pool_params *old = p->call.params;
  tnn_bapool_params *bp = opk_params(g, sizeof *bp);
  IR_COPY_WINDOW(bp, old);
  bp->bits = bits;
  Layout l = {true, 0, old->c, old->oh * old->ow};
  make_packed(p->out[0], &l, bits);
  p->call.kernel = TNN_K_x_bamaxpool;
  p->call.params = bp;
}

static void to_packed_layer(Graph *g, Node *n, const QGroup *q) {
  if (is_conv(n)) to_baconv(g, n, q);
  else to_bafc(g, n, q, 1);
}

/* ------------------------------------------------------------ why not */

/* Layer L stays on float activations for `why` (the first reason kept). */
static void blame_layer(Node *L, const char *why) {
  if (L->quant && !L->quant->abits && !L->fallback_reason) L->fallback_reason = why;
}

/* Records why on the layers reading a quantizer's output (directly, or
 * through the MaxPool and view that pooled_layout takes). */
static void blame(const Uses *u, Node *const *users, int nu, const char *why) {
  for (int j = 0; j < nu; j++) {
    Node *c = users[j];
    if (c->call.kernel != TNN_K_f32_max_pool) {
      blame_layer(c, why);
      continue;
    }
    int n2;
    Node *const *u2 = qa_users_of(u, c->out[0], &n2);
    for (int a = 0; a < n2; a++) {
      if (!op_is_view(u2[a]) || u2[a]->call.kernel >= 0 || u2[a]->nout != 1) {
        blame_layer(u2[a], why);
        continue;
      }
      int n3;
      Node *const *u3 = qa_users_of(u, u2[a]->out[0], &n3);
      for (int b = 0; b < n3; b++) blame_layer(u3[b], why);
    }
  }
}

/* Why layer L reads float activations although an activation quantizer
 * feeds it (directly, or through views and MaxPools), or NULL when none
 * does.  Mirrors the checks of the pass's loop, which turned it down. */
static const char *why_float(Graph *g, const Uses *u, const Node *L) {
  const Tensor *x = L->in[0];
  Node *e = x && !x->data ? x->producer : NULL;
  for (int hops = 0; e && !e->dead && hops < 4 && e->nin > 0 && e->in[0] &&
                     (e->call.kernel < 0 || e->call.kernel == TNN_K_f32_max_pool);
       hops++)
    e = e->in[0]->producer;
  if (!e || e->dead || e->nout != 1 || e->call.kernel < 0) return NULL;
  const Tensor *y = e->out[0];
  QGroup q;
  if (!qa_find_group(u, e, y->rank >= 2 ? y->dims[1] : 1, &q)) return qa_quantizer_why(g, &q);
  const QuantInfo *qi = L->quant;
  if (!qi) return "its weights are neither binary nor ternary (packed activations need them)";
  if (!qi->packed) return L->fallback_reason;
  if (qi->bits == 2 && g->pack == PACK_BASE3)
    return "ternary weights stored base-3 (--pack=base3) have no packed-activation kernel";
  if (L->call.kernel == TNN_K_f32_bwconv || L->call.kernel == TNN_K_f32_bwconv_mb) {
    const tnn_bwconv_params *p = L->call.params;
    const int64_t pb = p->kh * p->kw * ((p->c + 7) / 8);
    if (p->group != 1)
      return arena_printf(g->arena, "grouped convolution (group %lld; packed activations "
                          "take group 1)", (long long)p->group);
    if (pb > TNN_BA_MAX_PATCH)
      return arena_printf(g->arena, "patch of %lld bytes (kh*kw*ceil(C/8)) exceeds the "
                          "packed kernel's %d", (long long)pb, TNN_BA_MAX_PATCH);
  }
  if (y->is_output) return "the activation quantizer's output is also a graph output";
  int nu;
  Node *const *us = qa_users_of(u, y, &nu);
  for (int j = 0; j < nu; j++)
    if (us[j] != L && !bw_layer(g, us[j], y) && us[j]->call.kernel != TNN_K_f32_max_pool)
      return arena_printf(g->arena, "the activation quantizer's output is also read by "
                          "node #%d (%s), which takes floats", us[j]->index,
                          us[j]->op_type);
  if (x != y) return "it reads the activation quantizer through nodes packed activations "
                     "do not take";
  return "the readers of the activation quantizer's output take different layouts";
}

/* Every weighted layer left on float activations next to a quantizer
 * gets its reason (the loop's, lower's or quant-weights' when it has one). */
static void explain_float_layers(Graph *g) {
  Uses u = {NULL, NULL};
  bool built = false;
  for (int i = 0; i < g->nnodes; i++) {
    Node *L = g->nodes[i];
    if (L->dead || (L->op != OP_CONV && L->op != OP_GEMM && L->op != OP_MATMUL) ||
        L->nin < 2 || !L->in[0] || !L->in[1] || !L->in[1]->data)
      continue;
    if (L->quant && L->quant->abits) {
      L->fallback_reason = NULL;       /* packed after all */
      continue;
    }
    if (L->fallback_reason) continue;
    if (!built) {
      qa_build_uses(g, &u);
      built = true;
    }
    L->fallback_reason = why_float(g, &u, L);
  }
}

bool pass_quant_acts(Graph *g) {
  if (g->float_acts) return true;
  Uses u = {NULL, NULL};
  qa_build_uses(g, &u);
  for (int i = 0; i < g->nnodes; i++) {
    Node *e = g->nodes[i];
    if (e->dead || e->nout != 1 || e->call.kernel < 0) continue;
    Tensor *y = e->out[0];
    const int nu = qa_nusers(&u, y);
    if (y->is_output || nu == 0 || y->dtype != DT_FLOAT) continue;
    Node **users = u.users + u.off[y->id];
    Layout l;
    QGroup q;
    const bool pooled = !consumers_layout(g, users, nu, y, &l);
    if (pooled && !pooled_layout(g, &u, users, nu, y, &l)) continue;
    if (!qa_find_group(&u, e, l.images ? l.c : l.k, &q)) continue;
    if (q.off != 0.0f && l.images) {       /* padding would need the offset */
      bool padded = pooled;
      for (int j = 0; j < nu && !pooled; j++) {
        const tnn_bwconv_params *p = users[j]->call.params;
        padded |= p->pt || p->pl ||
                  (p->oh - 1) * p->sh + (p->kh - 1) * p->dh + 1 > p->h ||
                  (p->ow - 1) * p->sw + (p->kw - 1) * p->dw + 1 > p->w;
      }
      if (padded) {
        blame(&u, users, nu, "the activation quantizer's levels are not symmetric about 0 "
                             "and the convolution pads (padding would need the offset)");
        continue;
      }
    }
    const char *why = NULL;
    if (!fuse_into_producer(g, &u, &q, &l) && !to_bapack(g, &q, &l, &why)) {
      blame(&u, users, nu, why);
      continue;
    }
    for (int j = 0; j < nu; j++) {
      if (!pooled) {
        to_packed_layer(g, users[j], &q);
        continue;
      }
      int n2;
      Node *const *u2 = qa_users_of(&u, users[j]->out[0], &n2);
      Node *v = pool_view(g, &u, users[j]->out[0]);
      to_bamaxpool(g, users[j], q.bits);
      if (v) {                        /* packed image -> packed row */
        const tnn_bapool_params *bp = users[j]->call.params;
        Layout row = {false, bp->c * bp->oh * bp->ow, 0, 0};
        make_packed(v->out[0], &row, q.bits);
        int nf;
        Node *const *fs = qa_users_of(&u, v->out[0], &nf);
        for (int a = 0; a < nf; a++) to_bafc(g, fs[a], &q, bp->oh * bp->ow);
        continue;
      }
      for (int a = 0; a < n2; a++) to_packed_layer(g, u2[a], &q);
    }
  }
  ir_recount(g);
  explain_float_layers(g);
  return true;
}
