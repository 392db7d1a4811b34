/* Pass quant-int8: 8-bit and few-bit (3..8) activations into binary/ternary
 * weight layers run on integer dot products (runtime/tnn_i8.h; the algebra
 * is in its top comment and in ../shared/DESIGN.md, "Integer activations").
 *
 * After pass lower (and quant-acts, which takes the 1- and 2-bit
 * quantizers), a Conv, Gemm or MatMul with binary/ternary weights reads
 * float activations on tnn_f32_bwfc / tnn_f32_bwconv(_mb).  Its input x is
 * looked at backwards: a chain of elementwise nodes, each reading the one
 * before (its only reader), from a float tensor f to x, every node
 * non-decreasing in its variable input with scalar constants:
 * QuantizeLinear and DequantizeLinear (per tensor, scale > 0), QONNX Quant
 * (scalar scale > 0 and zero point), Div / Mul by a positive constant,
 * Add / Sub of a constant, Round, Floor, Clip, Relu, Min / Max with a
 * constant.  That covers QDQ, QONNX Quant of any bit width and in-graph
 * fake quantization (Div, Round, Clip, Mul).
 *
 * Such a chain is a non-decreasing step function of f.  Its output values
 * (levels) are found by bisection over the ordered floats, evaluating the
 * nodes' own kernels on single values, and it is a quantizer tnnc takes
 * when there are 2..256 levels v_j = s (j + c), j = 0 .. L-1, evenly
 * spaced (to 1e-5 of the largest) with an integer offset c.  The boundary
 * T_j between levels j-1 and j (the least float giving level j) is found
 * the same way.  The run-time quantizer tnn_f32_i8quant computes
 * u = clamp(R(f / a + pre) + post, 0, L-1) (or f * a); candidates for a
 * (the chain's constants near s or 1/s), pre (0 or the chain's integer
 * constants, with post = -c - pre) and R (every rounding mode) are tried,
 * and one is taken only when it gives code j-1 just below and code j at
 * every T_j, and 0 and L-1 at -inf and +inf: being non-decreasing too, it
 * then equals the chain's level index at every float (NaN aside).  So the
 * codes are exactly the float graph's decisions, ties included.
 *
 * The layers reading x (all of them must be such layers, taking the same
 * layout: fully connected rows of k, or group-1 convolutions over images)
 * move to tnn_x_i8fc / tnn_x_i8conv: int8 weights t, scale a[m] s,
 * bias b[m], corr[m] = c sum_k t[m][k].  A padded convolution needs a zero
 * level (-c in [0, L-1]): its padded taps get that code and contribute 0,
 * as in the float graph.  The chain's last node becomes the quantizer and
 * the others go.  The result is the float graph's up to float rounding of
 * the sum (the integer part is exact).
 *
 * --float-acts keeps everything float.  A layer next to such a quantizer
 * that stays float records why (Node.fallback_reason). */
#include <math.h>
#include <string.h>

#include "quant_int8.h"

/* ------------------------------------------------- the layers */

static bool is_bwconv(const Node *n) {
  return n->call.kernel == TNN_K_f32_bwconv || n->call.kernel == TNN_K_f32_bwconv_mb;
}

/* ------------------------------------------------- 8-bit weights */

/* A float group-1 convolution (tnn_f32_conv2d_mb) whose weights are, per
 * output channel, s_m * q_j with integers |q_j| <= 127 exactly as floats
 * (DequantizeLinear of int8 weights, folded: the stem of a QDQ int8
 * model) can run on the 8-bit kernels as well when its input is
 * quantized: it is given the packed layers' form (QuantInfo of 8 bits,
 * operands {x, weights, scale s_m, bias}), and put back if the quantizer
 * is refused.  s_m is max|w| / 127 (symmetric per-channel int8); a layer
 * whose weights do not reproduce bit for bit stays float. */
typedef struct {
  Node *n;
  int kernel;
  void *params;
  Tensor **in;
  int nin;
} W8Saved;

static bool w8_candidate(const Node *n) {
  if (n->dead || n->quant || n->call.kernel != TNN_K_f32_conv2d_mb || !n->orig_weight) return false;
  const tnn_conv_params *p = n->call.params;
  const Tensor *w = n->orig_weight;
  return p->group == 1 && w->data && w->dtype == DT_FLOAT && n->in[0] &&
         n->in[0]->dtype == DT_FLOAT && p->c * p->kh * p->kw <= TNN_I8_MAX_K;
}

static bool w8_take(Graph *g, Node *n, W8Saved *sv) {
  const tnn_conv_params *cp = n->call.params;
  const Tensor *w = n->orig_weight;
  const int64_t m = cp->m, k = cp->c * cp->kh * cp->kw;
  const float *wd = w->data;
  if (cp->has_bias && (n->nin < 3 || !n->in[2] || !n->in[2]->data ||
                       n->in[2]->dtype != DT_FLOAT))
    return false;
  int8_t *t = arena_alloc(g->arena, (size_t)(m * k));
  float *scd = arena_alloc(g->arena, sizeof(float) * (size_t)m);
  float *bid = arena_alloc(g->arena, sizeof(float) * (size_t)m);
  for (int64_t r = 0; r < m; r++) {
    float big = 0.0f;
    for (int64_t j = 0; j < k; j++) big = fmaxf(big, fabsf(wd[r * k + j]));
    const float s = big > 0.0f ? big / 127.0f : 1.0f;
    for (int64_t j = 0; j < k; j++) {
      const float v = wd[r * k + j], q = roundf(v / s);
      if (!(fabsf(q) <= 127.0f) || q * s != v) return false;
      t[r * k + j] = (int8_t)q;
    }
    scd[r] = s;
    bid[r] = cp->has_bias ? ((const float *)n->in[2]->data)[r] : 0.0f;
  }
  int64_t one = m;
  Tensor *sc = ir_const_new(g, arena_printf(g->arena, "%s/w8scale", n->name), DT_FLOAT, 1, &one);
  Tensor *bi = ir_const_new(g, arena_printf(g->arena, "%s/w8bias", n->name), DT_FLOAT, 1, &one);
  memcpy(sc->data, scd, sizeof(float) * (size_t)m);
  memcpy(bi->data, bid, sizeof(float) * (size_t)m);
  scd = sc->data;
  sv->n = n;
  sv->kernel = n->call.kernel;
  sv->params = n->call.params;
  sv->in = n->in;
  sv->nin = n->nin;
  tnn_bwconv_params *bp = opk_params(g, sizeof *bp);
  bp->n = cp->n; bp->c = cp->c; bp->h = cp->h; bp->w = cp->w; bp->m = cp->m;
  bp->oh = cp->oh; bp->ow = cp->ow; bp->kh = cp->kh; bp->kw = cp->kw;
  bp->sh = cp->sh; bp->sw = cp->sw; bp->pt = cp->pt; bp->pl = cp->pl;
  bp->dh = cp->dh; bp->dw = cp->dw; bp->group = 1;
  bp->lo = -INFINITY;
  bp->hi = INFINITY;
  QuantInfo *q = arena_calloc(g->arena, 1, sizeof *q);
  q->bits = 8;
  q->per_channel = true;
  q->m = m;
  q->k = k;
  q->scale = scd;
  q->t = t;
  q->weight = w;
  q->packed = true;
  Tensor **in = arena_calloc(g->arena, 4, sizeof(Tensor *));
  in[0] = n->in[0];
  in[1] = (Tensor *)w;
  in[2] = sc;
  in[3] = bi;
  n->in = in;
  n->nin = 4;
  n->quant = q;
  n->call.kernel = TNN_K_f32_bwconv;
  n->call.params = bp;
  return true;
}

static void w8_revert(W8Saved *sv) {
  Node *n = sv->n;
  n->call.kernel = sv->kernel;
  n->call.params = sv->params;
  n->in = sv->in;
  n->nin = sv->nin;
  n->quant = NULL;
}

/* A layer that can read codes of x, or NULL with *why. */
static bool int8_layer(const Node *n, const Tensor *x, const char **why) {
  *why = NULL;
  if (!n->quant || !n->quant->packed || n->in[0] != x) {
    *why = "it is read by a node other than a binary/ternary-weight layer's input";
    return false;
  }
  if (n->call.kernel == TNN_K_f32_bwfc) {
    if (n->quant->k > TNN_I8_MAX_K) *why = "k exceeds the 8-bit kernel's TNN_I8_MAX_K";
    return !*why;
  }
  if (!is_bwconv(n)) {
    *why = "the layer's kernel takes float activations only";
    return false;
  }
  const tnn_bwconv_params *p = n->call.params;
  if (p->group != 1) *why = "grouped convolution (the 8-bit kernel takes group 1)";
  else if (n->quant->k > TNN_I8_MAX_K) *why = "patch exceeds the 8-bit kernel's TNN_I8_MAX_K";
  return !*why;
}

static bool conv_pads(const tnn_bwconv_params *p) {
  return p->pt || p->pl || (p->oh - 1) * p->sh + (p->kh - 1) * p->dh + 1 > p->h ||
         (p->ow - 1) * p->sw + (p->kw - 1) * p->dw + 1 > p->w;
}

/* Layer L moves to the 8-bit kernels on codes of the chain's levels. */
static void to_int8(Graph *g, Node *L, const Chain *ch, int bits) {
  QuantInfo *q = L->quant;
  const bool conv = is_bwconv(L);
  const int64_t k = q->k, kp = tnn_i8_kp(k);
  const bool b16 = conv && registry_i8_blocked(g->target);
  int64_t dims[2] = {b16 ? (q->m + 15) / 16 * 16 : q->m, kp};
  Tensor *w = ir_const_new(g, arena_printf(g->arena, "%s/int8", q->weight->name), DT_INT8,
                           2, dims);
  int8_t *wd = w->data;
  Tensor *corr = ir_const_new(g, arena_printf(g->arena, "%s/corr", L->name), DT_INT32, 1,
                              &q->m);
  int32_t *cd = corr->data;
  float *scale = L->in[2]->data;
  const tnn_bwconv_params *cp = conv ? L->call.params : NULL;
  int64_t wmax = 0;
  for (int64_t j = 0; j < q->m * k; j++) wmax = q->t[j] < -wmax ? -q->t[j] : q->t[j] > wmax ? q->t[j] : wmax;
  for (int64_t m = 0; m < q->m; m++) {
    const int8_t *t = q->t + m * k;
    int64_t st = 0;
    for (int64_t j = 0; j < k; j++) {
      st += t[j];
      int64_t d = j;
      if (conv) {                  /* ONNX (c, ky, kx) -> (ky, kx, c) */
        const int64_t kk = cp->kh * cp->kw, c = j / kk, r = j % kk;
        d = r * cp->c + c;
      }
      wd[b16 ? tnn_i8_b16_at(kp, m, d) : m * kp + d] = t[j];
    }
    cd[m] = (int32_t)(ch->c * st);
    scale[m] = (float)((double)scale[m] * ch->s);
  }
  Tensor *sc = L->in[2], *bi = L->in[3], *x = L->in[0];
  L->in = arena_calloc(g->arena, 5, sizeof(Tensor *));
  L->nin = 5;
  L->in[0] = x;
  L->in[1] = w;
  q->wpacked = NULL;           /* the packed weights of the kernel it left */
  L->in[2] = sc;
  L->in[3] = bi;
  L->in[4] = corr;
  if (!conv) {
    const tnn_bwfc_params *old = L->call.params;
    tnn_i8fc_params *p = opk_params(g, sizeof *p);
    p->n = old->n;
    p->m = old->m;
    p->k = old->k;
    p->kp = kp;
    p->wmax = wmax;
    p->lo = old->lo;
    p->hi = old->hi;
    L->call.kernel = TNN_K_x_i8fc;
    L->call.params = p;
  } else {
    tnn_i8conv_params *p = opk_params(g, sizeof *p);
    p->n = cp->n; p->c = cp->c; p->h = cp->h; p->w = cp->w; p->m = cp->m;
    p->oh = cp->oh; p->ow = cp->ow; p->kh = cp->kh; p->kw = cp->kw;
    p->sh = cp->sh; p->sw = cp->sw; p->pt = cp->pt; p->pl = cp->pl;
    p->dh = cp->dh; p->dw = cp->dw;
    p->kp = kp;
    p->upad = -ch->c >= 0 && -ch->c < ch->levels ? -ch->c : 0;
    p->wmax = wmax;
    p->wb16 = b16;
    p->pb = b16 ? TNN_I8_PB_B16 : TNN_I8_PB;
    p->lo = cp->lo;
    p->hi = cp->hi;
    p->scratch = tnn_i8_conv_scratch(p);
    Tensor **outs = arena_calloc(g->arena, 2, sizeof *outs);
    Tensor *s = ir_tensor_new(g, arena_printf(g->arena, "%s/patches", L->name));
    L->call.kernel = TNN_K_x_i8conv;
    L->call.params = p;
    /* with --threads, one block of patches per share (tnn_part_scratch) */
    const int64_t bytes =
        registry_node_splits(g, L) ? g->threads * tnn_part_scratch(p->scratch) : p->scratch;
    ir_tensor_set_shape(s, DT_UINT8, 1, &bytes);
    outs[0] = L->out[0];
    outs[1] = s;
    s->producer = L;
    L->out = outs;
    L->nout = 2;
    L->call.kernel = TNN_K_x_i8conv;
    L->call.params = p;
  }
  q->abits = bits;
  L->fallback_reason = NULL;
}

static void blame(Node **users, int nu, const char *why) {
  for (int j = 0; j < nu; j++)
    if (users[j]->quant && !users[j]->quant->abits && !users[j]->fallback_reason)
      users[j]->fallback_reason = why;
}

/* The max pool between a quantizer and x (and *view, a view between the
 * pool and x), or NULL: it commutes with the quantizer (a non-decreasing function q has max_i q(v_i) = q(max_i v_i);
 * a pool's padding takes no part in the max), so pool then quantize gives
 * the same codes on a quarter of the elements. */
static Node *pool_before(const Tensor *x, Node **view) {
  Node *p = x->producer;
  *view = NULL;
  if (p && !p->dead && p->call.kernel < 0 && op_is_view(p) && p->nout == 1 && p->in[0] &&
      p->in[0]->nuses == 1 && !p->in[0]->is_output) {   /* a Flatten after the pool */
    *view = p;
    p = p->in[0]->producer;
  }
  if (!p || p->dead || p->call.kernel != TNN_K_f32_max_pool || p->nout != 1 || p->nin != 1) {
    *view = NULL;
    return NULL;
  }
  const Tensor *y = p->in[0];
  if (!y || y->data || y->dtype != DT_FLOAT || y->nuses != 1 || y->is_output || y->rank != 4 ||
      !y->producer)
    return NULL;
  return p;
}

/* Tries the quantizer that produces x (read by the nu layers users), also
 * across a max pool; *moved when the graph needs sorting again. */
static void try_tensor(Graph *g, Tensor *x, Node **users, int nu, bool *moved) {
  Chain ch;
  Node *view;
  Node *pool = pool_before(x, &view);
  if (!qi_find_chain(pool ? pool->in[0] : x, &ch)) return;
  if (pool) {                  /* the chain's input must have its output's shape */
    const Tensor *f0 = ch.f, *y = pool->in[0];
    if (f0->rank != y->rank || memcmp(f0->dims, y->dims, sizeof(int64_t) * (size_t)y->rank))
      return;
  }
  int from = 0;
  for (; from < ch.n; from++)
    if (qi_chain_levels(&ch, from)) break;
  if (from == ch.n) return;                  /* not a quantizer: plain floats */
  W8Saved saved[8];
  int nsaved = 0;
  for (int j = 0; j < nu; j++)
    if (w8_candidate(users[j]) && users[j]->in[0] == x && nsaved < 8 &&
        w8_take(g, users[j], &saved[nsaved]))
      nsaved++;
  const char *why = NULL;
  const bool conv = is_bwconv(users[0]);
  for (int j = 0; j < nu && !why; j++)
    if (!int8_layer(users[j], x, &why) && !why) why = "unsupported layer";
  for (int j = 1; j < nu && !why; j++)
    if (is_bwconv(users[j]) != conv) why = "its readers take different layouts";
  if (!why && x->is_output) why = "the activation quantizer's output is also a graph output";
  if (!why && conv && x->rank != 4) why = "convolution input is not 4-D";
  bool pads = false;
  for (int j = 0; j < nu && !why && conv; j++) pads |= conv_pads(users[j]->call.params);
  if (!why && pads && !(-ch.c >= 0 && -ch.c < ch.levels))
    why = "the activation levels have no zero and the convolution pads";
  tnn_i8quant_params form;
  if (!why && !qi_find_formula(&ch, from, &form))
    why = "no exact integer quantizer formula reproduces the activation quantizer";
  if (why) {
    for (int j = 0; j < nsaved; j++) w8_revert(&saved[j]);
    blame(users, nu, arena_printf(g->arena, "%d-level activations: %s", ch.levels, why));
    return;
  }
  int bits = 1;
  while ((1 << bits) < ch.levels) bits++;
  /* the quantizer: the chain's last node, on f */
  Node *e = ch.nodes[ch.n - 1];
  Tensor *f = qi_chain_in(&ch, from);
  tnn_i8quant_params *p = opk_params(g, sizeof *p);
  *p = form;
  const int64_t numel = ir_tensor_numel(x);
  int64_t odims[2];
  if (conv) {
    p->outer = x->dims[0];
    p->c = x->dims[1];
    p->inner = x->dims[2] * x->dims[3];
    p->ostride = p->c * p->inner;
    p->nhwc = 1;
  } else {
    const int64_t k = users[0]->quant->k;
    p->outer = numel / k;
    p->c = k;
    p->inner = 1;
    p->ostride = tnn_i8_kp(k);
  }
  odims[0] = p->outer;
  odims[1] = p->ostride;
  for (int j = 0; j < nu; j++) to_int8(g, users[j], &ch, bits);
  e->in = arena_calloc(g->arena, 1, sizeof(Tensor *));
  e->in[0] = f;
  e->nin = 1;
  if (pool) {                  /* f -> pool -> y -> quantizer e -> x */
    Tensor *y = pool->in[0], *pooled = pool->out[0];
    pool->in[0] = f;
    ir_tensor_set_shape(y, DT_FLOAT, pooled->rank, pooled->dims);
    if (view) {                /* e writes the view's output: the order is the same */
      ir_add_fused(g, e, view);
      view->dead = true;
    }
    pool->out[0] = y;
    y->producer = pool;
    e->in[0] = y;
    e->out[0] = x;
    x->producer = e;
    *moved = true;
  }
  ir_tensor_set_shape(x, DT_UINT8, 2, odims);
  e->call.kernel = TNN_K_f32_i8quant;
  e->call.params = p;
  for (int i = from; i < ch.n - 1; i++) {
    ir_add_fused(g, e, ch.nodes[i]);
    ch.nodes[i]->dead = true;
  }
}

bool pass_quant_int8(Graph *g) {
  if (g->float_acts) return true;
  ir_recount(g);
  Node **users = arena_calloc(g->arena, (size_t)g->nnodes + 1, sizeof(Node *));
  bool *seen = arena_calloc(g->arena, (size_t)g->ntensors + 1, sizeof(bool));
  bool moved = false;
  for (int i = 0; i < g->nnodes; i++) {
    Node *L = g->nodes[i];
    if (!w8_candidate(L) &&
        (L->dead || !L->quant || !L->quant->packed || L->quant->abits ||
         (L->call.kernel != TNN_K_f32_bwfc && !is_bwconv(L))))
      continue;
    Tensor *x = L->in[0];
    if (!x || x->data || x->dtype != DT_FLOAT || seen[x->id]) continue;
    seen[x->id] = true;
    int nu = 0;
    for (int j = 0; j < g->nnodes; j++) {
      Node *n = g->nodes[j];
      if (n->dead) continue;
      bool reads = false;
      for (int a = 0; a < n->nin; a++) reads |= n->in[a] == x;
      if (!reads) continue;
      users[nu++] = n;
    }
    try_tensor(g, x, users, nu, &moved);
  }
  ir_recount(g);
  qi_fuse_epilogues(g);
  return !moved || ir_toposort(g);
}
