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

#include "../ir/ir.h"

#define CHAIN_MAX 16
#define LEVELS_MAX 256

typedef struct {
  Node *nodes[CHAIN_MAX];      /* from f to x, in order */
  int var[CHAIN_MAX];          /* each one's variable input (the others constants) */
  int n;
  Tensor *f, *x;
  int levels;
  float vals[LEVELS_MAX];      /* the levels, ascending */
  int64_t thr[LEVELS_MAX];     /* fkey of T_j, j >= 1 */
  double s;                    /* level spacing */
  int64_t c;                   /* v_j = s (j + c) */
} Chain;

/* ------------------------------------------------- single values */

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

static bool scalar(const Tensor *t) { return t && t->data && ir_tensor_numel(t) == 1; }

/* Node i's variable input: the chain's value before it. */
static Tensor *chain_in(const Chain *ch, int i) { return ch->nodes[i]->in[ch->var[i]]; }

/* Runs n's kernel on one element: in[] one value each (constants: their
 * scalar data), out one value. */
static void eval_node(const Node *n, const void *const *in, void *out) {
  const int k = n->call.kernel;
  if (k < 0) {                 /* a view: the value itself */
    memcpy(out, in[0], sizeof(float));
    return;
  }
  const KernelInfo *ki = kernel_info(k);
  void *o[1] = {out};
  const char *kind = ki->params_kind;
  if (strcmp(kind, "unary") == 0) {
    tnn_unary_params p = *(const tnn_unary_params *)n->call.params;
    p.n = 1;
    ki->fn(&p, in, o);
  } else if (strcmp(kind, "bcast") == 0) {
    tnn_bcast_params p = *(const tnn_bcast_params *)n->call.params;
    p.n = p.rank = 1;
    p.dims[0] = 1;
    p.sa[0] = p.sb[0] = 0;
    ki->fn(&p, in, o);
  } else if (strcmp(kind, "dequant") == 0) {
    tnn_dequant_params p = *(const tnn_dequant_params *)n->call.params;
    p.outer = p.c = p.inner = 1;
    ki->fn(&p, in, o);
  } else if (k == TNN_K_f32_quant) {
    tnn_quant_params p = *(const tnn_quant_params *)n->call.params;
    p.n = p.rank = 1;
    p.dims[0] = 1;
    p.ss[0] = p.sz[0] = 0;
    ki->fn(&p, in, o);
  } else {
    tnnc_unreachable();
  }
}

/* The chain's output for input value v, from node `from` on. */
static float eval_chain(const Chain *ch, int from, float v) {
  uint64_t slot[2] = {0, 0};
  memcpy(slot, &v, sizeof v);
  for (int i = from; i < ch->n; i++) {
    const Node *n = ch->nodes[i];
    const Tensor *prev = chain_in(ch, i);
    const void *in[3] = {NULL, NULL, NULL};
    uint64_t cur[2];
    memcpy(cur, slot, sizeof cur);
    for (int j = 0; j < n->nin && j < 3; j++)
      in[j] = !n->in[j] ? NULL : n->in[j] == prev ? (const void *)cur : n->in[j]->data;
    eval_node(n, in, slot);
  }
  float y;
  memcpy(&y, slot, sizeof y);
  return y;
}

/* ------------------------------------------------- the chain */

static bool positive(const Tensor *t) { return scalar(t) && ir_const_double(t, 0) > 0; }

/* Whether n is non-decreasing in its variable input `var` (the others
 * scalar constants); var is its index. */
static bool chain_node(const Node *n, int *var) {
  const int k = n->call.kernel;
  if (n->nout != 1 || !n->out[0]) return false;
  *var = 0;
  /* a view (Flatten, Reshape, ...) keeps every element and its order, so
   * an elementwise chain runs through it */
  if (k < 0) return op_is_view(n) && n->nin >= 1 && n->in[0] && n->in[0]->dtype == DT_FLOAT;
  if (k == TNN_K_f32_quantize_linear || k == TNN_K_x_dequantize) {
    const Tensor *x = n->in[0];
    return positive(n->in[1]) && (n->nin < 3 || !n->in[2] || scalar(n->in[2])) &&
           (x->dtype == DT_FLOAT || x->dtype == DT_UINT8 || x->dtype == DT_INT8);
  }
  if (k == TNN_K_f32_quant) {
    const tnn_quant_params *p = n->call.params;
    return !p->bipolar && positive(n->in[1]) && scalar(n->in[2]);
  }
  if (k == TNN_K_f32_round || k == TNN_K_f32_floor || k == TNN_K_f32_clip ||
      k == TNN_K_f32_relu)
    return n->in[0]->dtype == DT_FLOAT;
  if (n->nin != 2 || !n->in[0] || !n->in[1]) return false;
  const bool c0 = n->in[0]->data != NULL, c1 = n->in[1]->data != NULL;
  if (c0 == c1) return false;
  *var = c0 ? 1 : 0;
  const Tensor *cst = n->in[c0 ? 0 : 1];
  if (!scalar(cst) || cst->dtype != DT_FLOAT) return false;
  switch (k) {
  case TNN_K_f32_add: case TNN_K_f32_min: case TNN_K_f32_max:
  case TNN_K_f32_fmin: case TNN_K_f32_fmax:
    return true;
  case TNN_K_f32_mul:
    return positive(cst);
  case TNN_K_f32_sub: case TNN_K_f32_div:
    return *var == 0 && (k == TNN_K_f32_sub || positive(cst));
  default:
    return false;
  }
}

/* The longest chain ending at x: false when x's producer is not one.  The
 * graph is not changed (a commutative node keeps its operand order: Min and
 * Max differ on NaN and signed zeros when swapped). */
static bool find_chain(Tensor *x, Chain *ch) {
  memset(ch, 0, sizeof *ch);
  ch->x = x;
  Node *rev[CHAIN_MAX];
  int rvar[CHAIN_MAX];
  int nr = 0;
  Tensor *t = x;
  while (nr < CHAIN_MAX) {
    Node *p = t->producer;
    int var;
    if (!p || p->dead || !chain_node(p, &var)) break;
    if (t != x && (t->nuses != 1 || t->is_output)) break;
    if (ir_tensor_numel(p->out[0]) != ir_tensor_numel(p->in[var])) break;
    rvar[nr] = var;
    rev[nr++] = p;
    t = p->in[var];
  }
  if (nr == 0) return false;
  for (int i = 0; i < nr; i++) {
    ch->nodes[i] = rev[nr - 1 - i];
    ch->var[i] = rvar[nr - 1 - i];
  }
  ch->n = nr;
  ch->f = chain_in(ch, 0);
  return true;
}

/* Levels of the chain from node `from`: false beyond LEVELS_MAX, NaN or
 * fewer than 2. */
static bool chain_levels(Chain *ch, int from) {
  const Tensor *f = chain_in(ch, from);
  if (f->dtype != DT_FLOAT || ch->x->dtype != DT_FLOAT) return false;
  int64_t lo = fkey(-INFINITY);
  const int64_t hi = fkey(INFINITY);
  float cur = eval_chain(ch, from, fval(lo));
  const float last = eval_chain(ch, from, fval(hi));
  if (cur != cur || last != last) return false;
  ch->levels = 0;
  ch->vals[ch->levels++] = cur;
  while (cur != last) {
    int64_t a = lo + 1, b = hi;
    while (a < b) {
      const int64_t mid = a + (b - a) / 2;
      if (eval_chain(ch, from, fval(mid)) != cur) b = mid;
      else a = mid + 1;
    }
    const float nv = eval_chain(ch, from, fval(a));
    if (nv != nv || nv < cur || ch->levels == LEVELS_MAX) return false;
    ch->thr[ch->levels] = a;
    ch->vals[ch->levels++] = nv;
    cur = nv;
    lo = a;
  }
  if (ch->levels < 2) return false;
  /* evenly spaced, integer offset */
  const int L = ch->levels;
  const double v0 = ch->vals[0], vl = ch->vals[L - 1];
  const double big = fmax(fabs(v0), fabs(vl));
  ch->s = (vl - v0) / (L - 1);
  if (!(ch->s > 0) || !isfinite(ch->s)) return false;
  const double cd = v0 / ch->s;
  ch->c = (int64_t)llround(cd);
  if (fabs(cd - (double)ch->c) > 1e-3) return false;
  for (int j = 0; j < L; j++)
    if (fabs(ch->vals[j] - ch->s * (double)(j + ch->c)) > 1e-5 * big) return false;
  return true;
}

/* The chain's constants: candidates for the formula. */
static int chain_consts(const Chain *ch, int from, double *out, int max) {
  int n = 0;
  for (int i = from; i < ch->n; i++)
    for (int j = 0; j < ch->nodes[i]->nin; j++) {
      const Tensor *t = ch->nodes[i]->in[j];
      if (j == ch->var[i] || ch->nodes[i]->call.kernel < 0) continue;
      if (scalar(t) && n < max) out[n++] = ir_const_double(t, 0);
    }
  return n;
}

static bool formula_ok(const Chain *ch, const tnn_i8quant_params *p) {
  if (tnn_i8_code(p, -INFINITY) != 0 || tnn_i8_code(p, INFINITY) != ch->levels - 1)
    return false;
  for (int j = 1; j < ch->levels; j++)
    if (tnn_i8_code(p, fval(ch->thr[j])) != j || tnn_i8_code(p, fval(ch->thr[j] - 1)) != j - 1)
      return false;
  return true;
}

/* Finds the quantizer formula (params except the layout); false if none
 * reproduces the chain. */
static bool find_formula(const Chain *ch, int from, tnn_i8quant_params *p) {
  double k[3 * CHAIN_MAX];
  const int nk = chain_consts(ch, from, k, 3 * CHAIN_MAX);
  double pres[1 + 3 * CHAIN_MAX];
  int np = 0;
  pres[np++] = 0;
  for (int i = 0; i < nk; i++)
    if (k[i] == floor(k[i]) && fabs(k[i]) <= 65536 && k[i] != 0) pres[np++] = k[i];
  static const int64_t modes[] = {TNN_ROUND_HALF_EVEN, TNN_ROUND_HALF_UP, TNN_ROUND_FLOOR,
                                  TNN_ROUND_CEIL, TNN_ROUND_DOWN, TNN_ROUND_UP,
                                  TNN_ROUND_HALF_DOWN};
  memset(p, 0, sizeof *p);
  p->levels = ch->levels;
  for (int div = 1; div >= 0; div--)
    for (int i = 0; i < nk; i++) {
      const double a = k[i], want = div ? ch->s : 1.0 / ch->s;
      if (!(a > 0) || fabs(a - want) > 1e-4 * want) continue;
      for (int q = 0; q < np; q++)
        for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
          p->div = div;
          p->scale = (float)a;
          p->pre = pres[q];
          p->post = (double)(-ch->c) - pres[q];
          p->mode = modes[m];
          if (formula_ok(ch, p)) return true;
        }
    }
  return false;
}

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
  if (!find_chain(pool ? pool->in[0] : x, &ch)) return;
  if (pool) {                  /* the chain's input must have its output's shape */
    const Tensor *f0 = ch.f, *y = pool->in[0];
    if (f0->rank != y->rank || memcmp(f0->dims, y->dims, sizeof(int64_t) * (size_t)y->rank))
      return;
  }
  int from = 0;
  for (; from < ch.n; from++)
    if (chain_levels(&ch, from)) break;
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
  if (!why && !find_formula(&ch, from, &form))
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
  Tensor *f = chain_in(&ch, from);
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

/* The quantizer E right after an 8-bit layer L (its float output read by E
 * alone) moves into L's epilogue: L writes E's codes (ocode), computed from
 * the same float value by the same formula, so the codes are unchanged and
 * the float tensor is never written. */
static void fuse_output(Graph *g, Node *E) {
  const tnn_i8quant_params *qp = E->call.params;
  Tensor *y = E->in[0];
  Node *L = y->producer;
  if (!L || L->dead || y->nuses != 1 || y->is_output) return;
  /* L -> max pool P -> E: L writes full-size codes and P pools them
   * (tnn_x_i8maxpool: the pool commutes with the quantizer) */
  Node *P = NULL;
  if (L->call.kernel == TNN_K_f32_max_pool && L->nout == 1) {
    const tnn_pool_params *pp = L->call.params;
    Tensor *y0 = L->in[0];
    Node *L0 = y0->producer;
    if (!L0 || L0->dead || L0->call.kernel != TNN_K_x_i8conv || y0->nuses != 1 ||
        y0->is_output || !qp->nhwc || qp->outer != pp->n || qp->c != pp->c ||
        qp->inner != pp->oh * pp->ow)
      return;
    const tnn_i8conv_params *lp = L0->call.params;
    if (lp->m != pp->c || lp->oh != pp->h || lp->ow != pp->w) return;
    P = L;
    L = L0;
    y = y0;
  }
  if (!L->quant) return;
  int64_t *ocode, *ostride, *qdiv, *qmode, *qlevels;
  double *qscale, *qpre, *qpost;
  if (L->call.kernel == TNN_K_x_i8conv) {
    tnn_i8conv_params *p = L->call.params;
    if (!P && (!qp->nhwc || qp->outer != p->n || qp->c != p->m ||
               qp->inner != p->oh * p->ow || qp->ostride != p->m * p->oh * p->ow))
      return;
    ocode = &p->ocode; ostride = &p->ostride; qdiv = &p->qdiv; qmode = &p->qmode;
    qlevels = &p->qlevels; qscale = &p->qscale; qpre = &p->qpre; qpost = &p->qpost;
  } else if (L->call.kernel == TNN_K_x_i8fc) {
    tnn_i8fc_params *p = L->call.params;
    if (qp->nhwc || qp->outer != p->n || qp->c != p->m || qp->inner != 1) return;
    ocode = &p->ocode; ostride = &p->ostride; qdiv = &p->qdiv; qmode = &p->qmode;
    qlevels = &p->qlevels; qscale = &p->qscale; qpre = &p->qpre; qpost = &p->qpost;
  } else {
    return;
  }
  *ocode = 1;
  *ostride = P ? qp->c * y->dims[2] * y->dims[3] : qp->ostride;
  *qdiv = qp->div;
  *qmode = qp->mode;
  *qlevels = qp->levels;
  *qscale = qp->scale;
  *qpre = qp->pre;
  *qpost = qp->post;
  int bits = 1;
  while ((1 << bits) < qp->levels) bits++;
  L->quant->obits = bits;
  Tensor *x = E->out[0];
  if (P) {                     /* L -> codes y -> P -> x */
    const int64_t d[2] = {y->dims[0], *ostride};
    ir_tensor_set_shape(y, DT_UINT8, 2, d);
    P->call.kernel = TNN_K_x_i8maxpool;
    P->out[0] = x;
    x->producer = P;
  } else {
    L->out[0] = x;
    x->producer = L;
  }
  ir_add_fused(g, L, E);
  E->dead = true;
}

/* The sole reader of t, or NULL. */
static Node *sole_reader(Graph *g, const Tensor *t) {
  if (t->nuses != 1 || t->is_output) return NULL;
  for (int i = 0; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    if (n->dead) continue;
    for (int a = 0; a < n->nin; a++)
      if (n->in[a] == t) return n;
  }
  return NULL;
}

/* A fake quantizer after an 8-bit layer L whose readers take float (a
 * chain from L's output y to a float x with levels, e.g. Clip, QuantizeLinear,
 * DequantizeLinear before a pool and a float classifier) moves into L's
 * epilogue (ocode 2): L computes the code as tnn_f32_i8quant would and
 * writes its level (float)(code + c) * s, taken only when that float is
 * every level's exact value.  The longest such chain is taken. */
static void fuse_fake(Graph *g, Node *L) {
  tnn_i8conv_params *cp = L->call.kernel == TNN_K_x_i8conv ? L->call.params : NULL;
  tnn_i8fc_params *fp = L->call.kernel == TNN_K_x_i8fc ? L->call.params : NULL;
  if ((!cp && !fp) || (cp ? cp->ocode : fp->ocode)) return;
  Tensor *y = L->out[0], *ends[CHAIN_MAX];
  int ne = 0;
  for (Tensor *t = y; ne < CHAIN_MAX;) {
    Node *r = sole_reader(g, t);
    int var;
    if (!r || !chain_node(r, &var) || r->in[var] != t) break;
    t = ends[ne++] = r->out[0];
  }
  for (int e = ne - 1; e >= 0; e--) {
    Chain ch;
    Tensor *x = ends[e];
    if (x->dtype != DT_FLOAT || x->rank != y->rank ||
        memcmp(x->dims, y->dims, sizeof(int64_t) * (size_t)y->rank) || !find_chain(x, &ch) ||
        ch.f != y || !chain_levels(&ch, 0))
      continue;
    tnn_i8quant_params form;
    if (!find_formula(&ch, 0, &form)) continue;
    const float step = (float)ch.s;
    bool exact = true;
    for (int j = 0; j < ch.levels && exact; j++) {
      const float v = (float)((int32_t)j + (int32_t)ch.c) * step;
      exact = memcmp(&v, &ch.vals[j], sizeof v) == 0;
    }
    if (!exact) continue;
    int64_t *f[] = {cp ? &cp->ocode : &fp->ocode, cp ? &cp->qdiv : &fp->qdiv,
                    cp ? &cp->qmode : &fp->qmode, cp ? &cp->qlevels : &fp->qlevels,
                    cp ? &cp->qoff : &fp->qoff};
    double *d[] = {cp ? &cp->qscale : &fp->qscale, cp ? &cp->qpre : &fp->qpre,
                   cp ? &cp->qpost : &fp->qpost, cp ? &cp->qstep : &fp->qstep};
    *f[0] = 2;
    *f[1] = form.div;
    *f[2] = form.mode;
    *f[3] = form.levels;
    *f[4] = ch.c;
    *d[0] = form.scale;
    *d[1] = form.pre;
    *d[2] = form.post;
    *d[3] = step;
    L->out[0] = x;
    x->producer = L;
    for (int i = 0; i < ch.n; i++) {
      ir_add_fused(g, L, ch.nodes[i]);
      ch.nodes[i]->dead = true;
    }
    return;
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
  for (int i = 0; i < g->nnodes; i++)
    if (!g->nodes[i]->dead && g->nodes[i]->call.kernel == TNN_K_f32_i8quant)
      fuse_output(g, g->nodes[i]);
  ir_recount(g);
  for (int i = 0; i < g->nnodes; i++)
    if (!g->nodes[i]->dead) fuse_fake(g, g->nodes[i]);
  ir_recount(g);
  return !moved || ir_toposort(g);
}
