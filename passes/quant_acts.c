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
 * it only reads the graph). */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "../ir/ir.h"

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

static Node *const *users_of(const Uses *u, const Tensor *t, int *n) {
  *n = nusers(u, t);
  return u->users + u->off[t->id];
}

/* An activation quantizer: a small subgraph of elementwise nodes from one
 * float tensor x to its output y (the last node's), monotone in x, whose
 * values are off + v * {-1, +1} (1 bit) or off + v * {-1, 0, +1} (2 bits).
 * Its other inputs are constants (scalars, or MultiThreshold's per-channel
 * thresholds). */
#define QG_MAX 12

typedef struct {
  Node *nodes[QG_MAX];         /* in graph order; the last one produces y */
  int n;
  const Tensor *x;
  int dir;                     /* +1 non-decreasing in x, -1 non-increasing */
  int bits;
  float vals[3];               /* its levels -1, (0,) +1, ascending */
  float v, off;                /* vals ~ off + v * level (rounding aside) */
  const char *why;             /* when not a quantizer tnnc takes: why */
} QGroup;

/* ------------------------------------------------- one value through a node */

/* Runs n's lowered kernel on single values: in[i] point to one element
 * each (constants: their data), out to one element; c is the channel
 * (the layer's output channel, axis 1) for per-channel nodes. */
static void eval_node(const Node *n, int64_t c, const void **in, void *out) {
  const int k = n->call.kernel;
  void *o[1] = {out};
  if (k < 0) {                         /* a view */
    memcpy(out, in[0], dtype_size(n->out[0]->dtype));
    return;
  }
  const KernelInfo *ki = kernel_info(k);
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
  } else if (strcmp(kind, "where") == 0) {
    tnn_where_params p = *(const tnn_where_params *)n->call.params;
    p.n = p.rank = 1;
    p.dims[0] = 1;
    p.sc[0] = p.sa[0] = p.sb[0] = 0;
    ki->fn(&p, in, o);
  } else if (strcmp(kind, "cast") == 0) {
    tnn_cast_params p = *(const tnn_cast_params *)n->call.params;
    p.n = 1;
    ki->fn(&p, in, o);
  } else if (k == TNN_K_f32_quant) {
    tnn_quant_params p = *(const tnn_quant_params *)n->call.params;
    p.n = p.rank = 1;
    p.dims[0] = 1;
    p.ss[0] = p.sz[0] = 0;
    ki->fn(&p, in, o);
  } else if (k == TNN_K_f32_multithreshold) {
    tnn_mthr_params p = *(const tnn_mthr_params *)n->call.params;
    const void *in2[2] = {in[0], (const float *)in[1] + (p.global ? 0 : c * p.t)};
    p.outer = p.c = p.inner = 1;
    p.global = 1;
    ki->fn(&p, in2, o);
  } else if (k == TNN_K_f32_batchnorm) {
    tnn_bn_params p = *(const tnn_bn_params *)n->call.params;
    const void *in2[5] = {in[0], NULL, NULL, NULL, NULL};
    p.n = p.c = p.spatial = 1;
    for (int i = 1; i < 5; i++) in2[i] = (const float *)n->in[i]->data + c;
    ki->fn(&p, in2, o);
  } else {
    tnnc_unreachable();
  }
}

/* A single-input float node of the chain between a layer and its
 * quantizer (per channel; constants are the node's own). */
static float eval1(const Node *n, int64_t c, float x) {
  float y = x;
  const void *in[5] = {&x, NULL, NULL, NULL, NULL};
  for (int i = 1; i < n->nin && i < 5; i++) in[i] = n->in[i] ? n->in[i]->data : NULL;
  eval_node(n, c, in, &y);
  return y;
}

/* The quantizer's float output for input value x at channel c. */
static float eval_group(const QGroup *q, int64_t c, float x) {
  uint64_t slot[QG_MAX][2];              /* one value of any dtype each */
  memset(slot, 0, sizeof slot);
  for (int i = 0; i < q->n; i++) {
    const Node *n = q->nodes[i];
    const void *in[5] = {NULL, NULL, NULL, NULL, NULL};
    for (int j = 0; j < n->nin && j < 5; j++) {
      const Tensor *t = n->in[j];
      if (!t) continue;
      if (t == q->x) in[j] = &x;
      else if (t->data) in[j] = t->data;
      else
        for (int a = 0; a < i; a++)
          if (q->nodes[a]->out[0] == t) in[j] = slot[a];
      TNNC_ASSERT(in[j] != NULL);
    }
    eval_node(n, c, in, slot[i]);
  }
  float y;
  memcpy(&y, slot[q->n - 1], sizeof y);
  return y;
}

/* -1, 0 or +1 for a quantizer output value, 2 for none of its levels. */
static int level_of(const QGroup *q, float y) {
  if (y == q->vals[0]) return -1;
  if (y == q->vals[q->bits]) return 1;
  if (q->bits == 2 && y == q->vals[1]) return 0;
  return 2;
}

/* ------------------------------------------------------ the quantizers */

/* A constant with one value (a scalar, or a broadcast tensor whose
 * elements are all the same, as ones_like folds to). */
static bool scalar_const(const Tensor *t) {
  if (!t || !t->data) return false;
  const int64_t n = ir_tensor_numel(t);
  const size_t es = dtype_size(t->dtype);
  if (n < 1 || es == 0) return false;
  for (int64_t i = 1; i < n; i++)
    if (memcmp((const char *)t->data + i * es, t->data, es)) return false;
  return true;
}

static int sgn(double v) { return (v > 0) - (v < 0); }

/* Direction of n's output in x given its inputs' directions d[] (0 for
 * constants); false when n is not a monotone elementwise node tnnc can
 * evaluate on one value. */
static bool node_dir(const Node *n, const int *d, int *out) {
  const int k = n->call.kernel;
  if (k < 0 || n->nout != 1) return false;
  const KernelInfo *ki = kernel_info(k);
  const char *kind = ki->params_kind;
  /* constants must be scalars, in whichever operand position (eval_node
   * reads one value of each; MultiThreshold's thresholds are per channel) */
  for (int j = 0; j < n->nin; j++)
    if (n->in[j] && n->in[j]->data && !scalar_const(n->in[j]) &&
        !(k == TNN_K_f32_multithreshold && j == 1))
      return false;
  if (strcmp(kind, "unary") == 0) {
    const tnn_unary_params *p = n->call.params;
    switch (k) {
    case TNN_K_f32_relu: case TNN_K_f32_sigmoid: case TNN_K_f32_tanh:
    case TNN_K_f32_sign: case TNN_K_f32_exp: case TNN_K_f32_round:
    case TNN_K_f32_floor: case TNN_K_f32_clip:
      *out = d[0];
      return true;
    case TNN_K_f32_leaky_relu:
      *out = d[0];
      return p->alpha >= 0;
    case TNN_K_f32_hard_sigmoid:
      *out = d[0] * (p->alpha >= 0 ? 1 : -1);
      return true;
    case TNN_K_f32_neg: case TNN_K_b8_not:
      *out = -d[0];
      return true;
    default:
      return false;
    }
  }
  if (strcmp(kind, "bcast") == 0) {
    const Tensor *a = n->in[0], *b = n->in[1];
    switch (k) {
    case TNN_K_f32_add: case TNN_K_f32_min: case TNN_K_f32_max:
    case TNN_K_f32_fmin: case TNN_K_f32_fmax:
      if (d[0] && d[1] && d[0] != d[1]) return false;
      *out = d[0] ? d[0] : d[1];
      return true;
    case TNN_K_f32_sub:
      if (d[0] && d[1] && d[0] != -d[1]) return false;
      *out = d[0] ? d[0] : -d[1];
      return true;
    case TNN_K_f32_mul:
      if (d[0] && d[1]) return false;
      *out = d[0] ? d[0] * sgn(ir_const_double(b, 0)) : d[1] * sgn(ir_const_double(a, 0));
      return true;
    case TNN_K_f32_div:
      if (d[1]) return false;
      *out = d[0] * sgn(ir_const_double(b, 0));
      return true;
    case TNN_K_f32_greater: case TNN_K_f32_greater_equal:
      if (d[0] && d[1]) return false;
      *out = d[0] ? d[0] : -d[1];
      return true;
    case TNN_K_f32_less: case TNN_K_f32_less_equal:
      if (d[0] && d[1]) return false;
      *out = d[0] ? -d[0] : d[1];
      return true;
    default:
      return false;
    }
  }
  if (strcmp(kind, "cast") == 0) {
    const tnn_cast_params *p = n->call.params;
    if (p->to == TNN_DT_BOOL && p->from != TNN_DT_BOOL) return false;
    *out = d[0];
    return true;
  }
  if (strcmp(kind, "where") == 0) {
    if (d[1] || d[2] || !n->in[1]->data || !n->in[2]->data) return false;
    if (n->in[1]->dtype != DT_FLOAT) return false;
    *out = d[0] * sgn(ir_const_double(n->in[1], 0) - ir_const_double(n->in[2], 0));
    return true;
  }
  if (k == TNN_K_f32_quant) {
    const tnn_quant_params *p = n->call.params;
    if (!scalar_const(n->in[1]) || (!p->bipolar && !scalar_const(n->in[2])))
      return false;
    *out = d[0] * sgn(ir_const_double(n->in[1], 0));
    return true;
  }
  if (k == TNN_K_f32_multithreshold) {
    const tnn_mthr_params *p = n->call.params;
    *out = d[0] * sgn(p->scale);
    return true;
  }
  return false;
}

/* Whether node_dir takes n for some directions of its variable inputs
 * (the real ones are checked once the group is complete). */
static bool groupable(const Node *n) {
  if (n->nin > 5) return false;
  for (int combo = 0; combo < 32; combo++) {
    int d[5] = {0}, out;
    for (int a = 0; a < n->nin; a++)
      if (n->in[a] && !n->in[a]->data) d[a] = combo >> a & 1 ? -1 : 1;
      else if (combo >> a & 1) goto next;
    if (node_dir(n, d, &out)) return true;
  next:;
  }
  return false;
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

/* The distinct output values of the (monotone) group at channel c, in the
 * order of increasing x, by bisection over the ordered floats; false when
 * there are more than 3 or a NaN. */
static bool group_values(const QGroup *q, int64_t c, float *vals, int *nv) {
  int64_t lo = fkey(-INFINITY);
  const int64_t hi = fkey(INFINITY);
  float cur = eval_group(q, c, fval(lo));
  const float last = eval_group(q, c, fval(hi));
  if (cur != cur || last != last) return false;
  *nv = 0;
  vals[(*nv)++] = cur;
  while (cur != last) {
    int64_t a = lo + 1, b = hi;          /* first key whose value != cur */
    while (a < b) {
      const int64_t mid = a + (b - a) / 2;
      if (eval_group(q, c, fval(mid)) != cur) b = mid;
      else a = mid + 1;
    }
    cur = eval_group(q, c, fval(a));
    if (cur != cur || *nv == 3) return false;
    vals[(*nv)++] = cur;
    lo = a;
  }
  return true;
}

/* Collects the quantizer subgraph that ends at node e: e's non-constant
 * inputs' producers join while they are monotone elementwise nodes whose
 * outputs only the group reads; what remains must be one float tensor x.
 * Then finds its levels (over every channel for per-channel nodes).  Nodes
 * before position `floor` do not join. */
static bool find_group_from(const Uses *u, Node *e, int64_t nch, QGroup *q, int floor) {
  memset(q, 0, sizeof *q);
  q->nodes[q->n++] = e;
  for (bool grew = true; grew;) {
    grew = false;
    for (int i = 0; i < q->n && !grew; i++)
      for (int j = 0; j < q->nodes[i]->nin && !grew; j++) {
        const Tensor *t = q->nodes[i]->in[j];
        Node *p = t ? t->producer : NULL;
        if (!t || t->data || !p || p->dead || q->n == QG_MAX || t->is_output ||
            p->call.kernel < 0 || p->nout != 1 || p->index < floor)
          continue;
        bool in = false;
        for (int a = 0; a < q->n; a++) in |= q->nodes[a] == p;
        if (in) continue;
        int nu;
        Node *const *us = users_of(u, t, &nu);
        bool mine = true;
        for (int a = 0; a < nu && mine; a++) {
          bool found = false;
          for (int b = 0; b < q->n; b++) found |= q->nodes[b] == us[a];
          mine = found;
        }
        if (!mine || !groupable(p)) continue;
        q->nodes[q->n++] = p;
        grew = true;
      }
  }
  /* graph order, and the one entry tensor */
  for (int i = 1; i < q->n; i++)
    for (int j = i; j > 0 && q->nodes[j]->index < q->nodes[j - 1]->index; j--) {
      Node *t = q->nodes[j];
      q->nodes[j] = q->nodes[j - 1];
      q->nodes[j - 1] = t;
    }
  int dirs[QG_MAX];
  for (int i = 0; i < q->n; i++) {
    const Node *n = q->nodes[i];
    int d[5] = {0};
    q->why = "not monotone in its input, or a constant that is not a scalar";
    if (n->nin > 5) return false;
    for (int j = 0; j < n->nin; j++) {
      const Tensor *t = n->in[j];
      if (!t || t->data) continue;
      int from = -1;
      for (int a = 0; a < i; a++)
        if (q->nodes[a]->out[0] == t) from = a;
      if (from >= 0) {
        d[j] = dirs[from];
        continue;
      }
      if (q->x && q->x != t) {
        q->why = "it reads two run-time tensors";
        return false;
      }
      if (t->dtype != DT_FLOAT) {
        q->why = "its input is not float";
        return false;
      }
      q->x = t;
      d[j] = 1;
    }
    if (!node_dir(n, d, &dirs[i])) return false;
  }
  if (!q->x || e->out[0]->dtype != DT_FLOAT || dirs[q->n - 1] == 0) {
    q->why = "its output is not a float function of one input";
    return false;
  }
  /* elementwise on x's shape (a broadcast constant must not widen it) */
  for (int i = 0; i < q->n; i++) {
    const Tensor *o = q->nodes[i]->out[0];
    if (o->rank != q->x->rank ||
        memcmp(o->dims, q->x->dims, sizeof(int64_t) * (size_t)o->rank)) {
      q->why = "a broadcast constant widens its input";
      return false;
    }
  }
  q->dir = dirs[q->n - 1];
  /* levels: the union over channels of 2 or 3 equally spaced values */
  bool per_channel = false;
  for (int i = 0; i < q->n; i++) {
    const Node *n = q->nodes[i];
    const tnn_mthr_params *p = n->call.params;
    if (n->call.kernel != TNN_K_f32_multithreshold || p->global) continue;
    /* per-channel thresholds on axis 1, one row per layer channel */
    if (n->in[0]->rank < 2 || p->outer != n->in[0]->dims[0] ||
        p->c != n->in[0]->dims[1] || p->c != nch) {
      q->why = "per-channel thresholds not along the layer's channels";
      return false;
    }
    per_channel = true;
  }
  float all[3];
  int na = 0;
  for (int64_t c = 0; c < (per_channel ? nch : 1); c++) {
    float vals[3];
    int nv;
    q->why = "more than 3 output levels, or NaN";
    if (!group_values(q, c, vals, &nv)) return false;
    for (int i = 0; i < nv; i++) {
      bool seen = false;
      for (int j = 0; j < na; j++) seen |= all[j] == vals[i];
      if (seen) continue;
      if (na == 3) return false;
      all[na++] = vals[i];
    }
  }
  for (int i = 1; i < na; i++)                /* ascending */
    for (int j = i; j > 0 && all[j] < all[j - 1]; j--) {
      float t = all[j];
      all[j] = all[j - 1];
      all[j - 1] = t;
    }
  q->why = "a constant output";
  if (na < 2) return false;
  for (int i = 0; i < na; i++) q->vals[i] = all[i];
  q->bits = na == 2 ? 1 : 2;
  q->off = na == 2 ? (all[0] + all[1]) / 2 : all[1];
  q->v = (all[na - 1] - all[0]) / 2;
  /* three levels must be equally spaced, up to float rounding */
  const float big = fmaxf(fabsf(all[0]), fabsf(all[na - 1]));
  q->why = "three levels not equally spaced";
  if (na == 3 && fabsf((all[2] - all[1]) - (all[1] - all[0])) > 1e-6f * big)
    return false;
  q->why = "levels not finite";
  if (!(q->v > 0 && isfinite(q->v) && isfinite(q->off))) return false;
  q->why = NULL;
  return true;
}

/* The quantizer that ends at e.  Growing greedily may take in a node that
 * is not part of it (an Add whose output only the quantizer reads, with two
 * entry tensors); then the earliest node is left out and the rest tried
 * again, so the quantizer starts at that node's output. */
static bool find_group(const Uses *u, Node *e, int64_t nch, QGroup *q) {
  int floor = INT_MIN;
  for (int tries = 0; tries < QG_MAX; tries++) {
    if (find_group_from(u, e, nch, q, floor)) return true;
    if (q->n < 2 || q->nodes[0] == e) return false;
    floor = q->nodes[0]->index + 1;
  }
  return false;
}

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
  const float *scale, *bias;   /* the layer's float epilogue */
  float lo, hi;
  const Node **chain;
  int nchain;
  const QGroup *q;
} StepFn;

/* The quantizer level the float path gives for integer dot d at channel m. */
static int step_level(const StepFn *s, int64_t m, int64_t d) {
  float v = (float)d * s->scale[m];
  v = v + s->bias[m];
  v = v < s->lo ? s->lo : v > s->hi ? s->hi : v;
  for (int i = 0; i < s->nchain; i++) v = eval1(s->chain[i], m, v);
  return level_of(s->q, eval_group(s->q, m, v));
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

/* Float thresholds {t0, t1} of the quantizer at channel c (non-decreasing
 * in x): level = -1 + (x >= t0) + (x >= t1); NaN when never reached. */
static bool float_thresholds(const QGroup *q, int64_t c, float *t) {
  const int64_t lo = fkey(-INFINITY), hi = fkey(INFINITY);
#define G(v) level_of(q, eval_group(q, c, fval(v)))
  if (G(lo) == 2 || G(hi) == 2 || G(lo) > G(hi)) return false;
  for (int j = 0; j < 2; j++) {
    int64_t r;
    FIRST_AT_LEAST(r, lo, hi, j, G);
    t[j] = r > hi ? NAN : r == lo ? -INFINITY : fval(r);
    if (r > lo && r <= hi && G(r - 1) >= j) return false;
  }
#undef G
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
  const int8_t *t = q->t;
  if (hw > 1) {
    /* input rows are packed images (pixels, channels fastest): the weight
     * of channel ch at pixel i moves from column ch * hw + i to i * c + ch */
    const int64_t c = q->k / hw;
    int8_t *pt = arena_alloc(g->arena, (size_t)(q->m * q->k));
    for (int64_t r = 0; r < q->m; r++)
      for (int64_t ch = 0; ch < c; ch++)
        for (int64_t i = 0; i < hw; i++)
          pt[r * q->k + i * c + ch] = q->t[r * q->k + ch * hw + i];
    t = pt;
  }
  tnn_ba_pack_rows(t, q->m, q->k, q->bits, w->data);
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
  p->n = old->n; p->c = old->c; p->h = old->h; p->w = old->w; p->m = old->m;
  p->oh = old->oh; p->ow = old->ow; p->kh = old->kh; p->kw = old->kw;
  p->sh = old->sh; p->sw = old->sw; p->pt = old->pt; p->pl = old->pl;
  p->dh = old->dh; p->dw = old->dw;
  p->abits = qg->bits;
  p->wbits = q->bits;
  p->obits = 0;
  p->lo = old->lo;
  p->hi = old->hi;
  int64_t dims[2] = {q->m, q->bits * p->kh * p->kw * ((p->c + 7) / 8)};
  Tensor *w = ir_const_new(g, arena_printf(g->arena, "%s/bitwise", q->weight->name),
                           DT_UINT8, 2, dims);
  tnn_ba_pack_conv(q->t, q->m, p->c, p->kh, p->kw, q->bits, w->data);
  L->in[1] = w;
  fold_act_scale(L, qg);
  L->call.kernel = TNN_K_x_baconv;
  L->call.params = p;
  q->abits = qg->bits;
  /* the kernel's tap and word tables and the register-blocked kernel's
   * padded image: a second output in the workspace, live for this node only
   * (plan-memory shares it).  Only the AVX-512 variant reads the padded
   * image (the blocked weight layout is every variant's), so a target that
   * runs another variant plans the tables alone. */
  p->scratch = target_plans_conv_scratch(g->target) ? tnn_ba_conv_scratch(p) : tnn_ba_conv_tables(p);
  if (p->scratch) {
    Tensor **outs = arena_calloc(g->arena, 2, sizeof *outs);
    Tensor *s = ir_tensor_new(g, arena_printf(g->arena, "%s/scratch", q->weight->name));
    ir_tensor_set_shape(s, DT_UINT8, 1, &p->scratch);
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
  Node *const *us = users_of(u, t, &nu);
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
    if (x->is_output || (i >= 0 ? nusers(u, x) != 1 : !only_group_reads(u, q, x)))
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
  if (!int_thresholds(&s, m, k, thr->data, &why)) {
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
    if (!float_thresholds(q, ch, t + 2 * ch)) return false;
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
  Node *const *vs = users_of(u, t, &nv);
  if (nv != 1 || !op_is_view(vs[0]) || vs[0]->call.kernel >= 0 || vs[0]->in[0] != t ||
      vs[0]->nout != 1 || vs[0]->out[0]->is_output || t->rank != 4 || t->dims[1] % 8)
    return NULL;
  const Tensor *f = vs[0]->out[0];
  const int64_t k = t->dims[1] * t->dims[2] * t->dims[3];
  if (f->rank != 2 || f->dims[0] != t->dims[0] || f->dims[1] != k) return NULL;
  int nf;
  Node *const *fs = users_of(u, f, &nf);
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
    Node *const *u2 = users_of(u, p->out[0], &n2);
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
  bp->n = old->n; bp->c = old->c; bp->h = old->h; bp->w = old->w;
  bp->oh = old->oh; bp->ow = old->ow; bp->kh = old->kh; bp->kw = old->kw;
  bp->sh = old->sh; bp->sw = old->sw; bp->pt = old->pt; bp->pl = old->pl;
  bp->dh = old->dh; bp->dw = old->dw;
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
    Node *const *u2 = users_of(u, c->out[0], &n2);
    for (int a = 0; a < n2; a++) {
      if (!op_is_view(u2[a]) || u2[a]->call.kernel >= 0 || u2[a]->nout != 1) {
        blame_layer(u2[a], why);
        continue;
      }
      int n3;
      Node *const *u3 = users_of(u, u2[a]->out[0], &n3);
      for (int b = 0; b < n3; b++) blame_layer(u3[b], why);
    }
  }
}

static bool quantizer_op(const Node *n) {
  return n->op == OP_QUANT || n->op == OP_BIPOLAR_QUANT || n->op == OP_MULTI_THRESHOLD ||
         n->op == OP_SIGN;
}

/* Why the activations from the subgraph ending at e, which find_group
 * turned down, stay float; NULL when it holds no quantizer op at all
 * (then it is no quantizer, just a float op before the layer). */
static const char *quantizer_why(Graph *g, const QGroup *q) {
  for (int i = 0; i < q->n; i++) {
    const Node *n = q->nodes[i];
    if (n->op == OP_QUANT && n->nin > 3 && scalar_const(n->in[3])) {
      const double bits = ir_const_double(n->in[3], 0);
      if (bits > 2)
        return arena_printf(g->arena, "%g-bit activations (packed kernels take 1 or 2 bits)",
                            bits);
      if (bits == 2 && !ir_attr_int(n, "narrow", 0))
        return "2-bit activations with 4 levels (packed kernels take 2 or 3: Quant with "
               "narrow=1)";
    }
    if (n->op == OP_MULTI_THRESHOLD && n->nin > 1 && n->in[1] && n->in[1]->rank >= 1) {
      const int64_t t = n->in[1]->dims[n->in[1]->rank - 1];
      if (t > 2)
        return arena_printf(g->arena, "%lld activation levels (MultiThreshold with %lld "
                            "thresholds; packed kernels take 2 or 3 levels)",
                            (long long)(t + 1), (long long)t);
    }
  }
  for (int i = 0; i < q->n; i++)
    if (quantizer_op(q->nodes[i]))
      return arena_printf(g->arena, "activation quantizer node #%d (%s) is not provably "
                          "binary or ternary: %s", q->nodes[i]->index,
                          q->nodes[i]->op_type, q->why ? q->why : "unknown");
  return NULL;
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
  if (!find_group(u, e, y->rank >= 2 ? y->dims[1] : 1, &q)) return quantizer_why(g, &q);
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
  Node *const *us = users_of(u, y, &nu);
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
      build_uses(g, &u);
      built = true;
    }
    L->fallback_reason = why_float(g, &u, L);
  }
}

bool pass_quant_acts(Graph *g) {
  if (g->float_acts) return true;
  Uses u = {NULL, NULL};
  build_uses(g, &u);
  for (int i = 0; i < g->nnodes; i++) {
    Node *e = g->nodes[i];
    if (e->dead || e->nout != 1 || e->call.kernel < 0) continue;
    Tensor *y = e->out[0];
    const int nu = nusers(&u, y);
    if (y->is_output || nu == 0 || y->dtype != DT_FLOAT) continue;
    Node **users = u.users + u.off[y->id];
    Layout l;
    QGroup q;
    const bool pooled = !consumers_layout(g, users, nu, y, &l);
    if (pooled && !pooled_layout(g, &u, users, nu, y, &l)) continue;
    if (!find_group(&u, e, l.images ? l.c : l.k, &q)) continue;
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
      Node *const *u2 = users_of(&u, users[j]->out[0], &n2);
      Node *v = pool_view(g, &u, users[j]->out[0]);
      to_bamaxpool(g, users[j], q.bits);
      if (v) {                        /* packed image -> packed row */
        const tnn_bapool_params *bp = users[j]->call.params;
        Layout row = {false, bp->c * bp->oh * bp->ow, 0, 0};
        make_packed(v->out[0], &row, q.bits);
        int nf;
        Node *const *fs = users_of(&u, v->out[0], &nf);
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
