/* Pass quant-acts, quantizer discovery (see quant_acts.c, quant_acts.h):
 * the consumers of every tensor, one value through a lowered node, and the
 * activation quantizer that ends at a node: the subgraph of monotone
 * elementwise nodes from one float tensor, with its 2 or 3 levels found by
 * evaluating the very kernels the float path runs. */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "quant_acts.h"

void qa_build_uses(Graph *g, Uses *u) {
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

/* A single-input float node of the chain between a layer and its
 * quantizer (per channel; constants are the node's own). */
float qa_eval1(const Node *n, int64_t c, float x) {
  float y = x;
  const void *in[5] = {&x, NULL, NULL, NULL, NULL};
  for (int i = 1; i < n->nin && i < 5; i++) in[i] = n->in[i] ? n->in[i]->data : NULL;
  kernel_eval_one(n, c, in, &y);
  return y;
}

/* The quantizer's float output for input value x at channel c. */
float qa_eval_group(const QGroup *q, int64_t c, float x) {
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
    kernel_eval_one(n, c, in, slot[i]);
  }
  float y;
  memcpy(&y, slot[q->n - 1], sizeof y);
  return y;
}

/* -1, 0 or +1 for a quantizer output value, 2 for none of its levels. */
int qa_level_of(const QGroup *q, float y) {
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
 * evaluate on one value.  The op table says how each op moves
 * (ir/op_props.def); this applies it to the node's constants. */
bool qa_node_dir(const Node *n, const int *d, int *out) {
  const int k = n->call.kernel;
  if (k < 0 || n->nout != 1) return false;
  const OpMono mono = op_mono(n->op);
  /* constants must be scalars, in whichever operand position (kernel_eval_one
   * reads one value of each; MultiThreshold's thresholds are per channel) */
  for (int j = 0; j < n->nin; j++)
    if (n->in[j] && n->in[j]->data && !scalar_const(n->in[j]) &&
        !(mono == MONO_THRESHOLD && j == 1))
      return false;
  /* the classes hold for float operands (bool for Not); integer
   * arithmetic wraps */
  const DType t = n->in[0] ? n->in[0]->dtype : DT_UNDEFINED;
  if (mono != MONO_CAST && mono != MONO_SELECT &&
      !(t == DT_FLOAT || (t == DT_BOOL && n->op == OP_NOT)))
    return false;
  /* and the kernel's params are the kind kernel_eval_one sets up for one value */
  const char *kind = kernel_info(k)->params_kind;
  if (mono >= MONO_UP && mono <= MONO_ALPHA_SIGN && strcmp(kind, "unary") != 0) return false;
  if (mono >= MONO_SUM && mono <= MONO_CMP_DOWN && strcmp(kind, "bcast") != 0) return false;
  const Tensor *a = n->in[0], *b = n->nin > 1 ? n->in[1] : NULL;
  const tnn_unary_params *up = n->call.params;
  switch (mono) {
  case MONO_NONE:
    return false;
  case MONO_UP:
    *out = d[0];
    return true;
  case MONO_DOWN:
    *out = -d[0];
    return true;
  case MONO_ALPHA:
    *out = d[0];
    return up->alpha >= 0;
  case MONO_ALPHA_SIGN:
    *out = d[0] * (up->alpha >= 0 ? 1 : -1);
    return true;
  case MONO_SUM:
    if (n->nin != 2) return false;
    if (d[0] && d[1] && d[0] != d[1]) return false;
    *out = d[0] ? d[0] : d[1];
    return true;
  case MONO_DIFF:
    if (d[0] && d[1] && d[0] != -d[1]) return false;
    *out = d[0] ? d[0] : -d[1];
    return true;
  case MONO_PROD:
    if (d[0] && d[1]) return false;
    *out = d[0] ? d[0] * sgn(ir_const_double(b, 0)) : d[1] * sgn(ir_const_double(a, 0));
    return true;
  case MONO_QUOT:
    if (d[1]) return false;
    *out = d[0] * sgn(ir_const_double(b, 0));
    return true;
  case MONO_CMP_UP:
    if (d[0] && d[1]) return false;
    *out = d[0] ? d[0] : -d[1];
    return true;
  case MONO_CMP_DOWN:
    if (d[0] && d[1]) return false;
    *out = d[0] ? -d[0] : d[1];
    return true;
  case MONO_CAST: {
    const tnn_cast_params *p = n->call.params;
    if (strcmp(kind, "cast") != 0) return false;
    if (p->to == TNN_DT_BOOL && p->from != TNN_DT_BOOL) return false;
    *out = d[0];
    return true;
  }
  case MONO_SELECT:
    if (strcmp(kind, "where") != 0) return false;
    if (d[1] || d[2] || !n->in[1]->data || !n->in[2]->data) return false;
    if (n->in[1]->dtype != DT_FLOAT) return false;
    *out = d[0] * sgn(ir_const_double(n->in[1], 0) - ir_const_double(n->in[2], 0));
    return true;
  case MONO_QUANT: {
    const tnn_quant_params *p = n->call.params;
    if (k != TNN_K_f32_quant) return false;
    if (!scalar_const(n->in[1]) || (!p->bipolar && !scalar_const(n->in[2])))
      return false;
    *out = d[0] * sgn(ir_const_double(n->in[1], 0));
    return true;
  }
  case MONO_THRESHOLD: {
    const tnn_mthr_params *p = n->call.params;
    if (k != TNN_K_f32_multithreshold) return false;
    *out = d[0] * sgn(p->scale);
    return true;
  }
  }
  return false;
}

/* Whether qa_node_dir takes n for some directions of its variable inputs
 * (the real ones are checked once the group is complete). */
static bool groupable(const Node *n) {
  if (n->nin > 5) return false;
  for (int combo = 0; combo < 32; combo++) {
    int d[5] = {0}, out;
    for (int a = 0; a < n->nin; a++)
      if (n->in[a] && !n->in[a]->data) d[a] = combo >> a & 1 ? -1 : 1;
      else if (combo >> a & 1) goto next;
    if (qa_node_dir(n, d, &out)) return true;
  next:;
  }
  return false;
}

/* The distinct output values of the (monotone) group at channel c, in the
 * order of increasing x, by bisection over the ordered floats; false when
 * there are more than 3 or a NaN. */
static bool group_values(const QGroup *q, int64_t c, float *vals, int *nv) {
  int64_t lo = qa_fkey(-INFINITY);
  const int64_t hi = qa_fkey(INFINITY);
  float cur = qa_eval_group(q, c, qa_fval(lo));
  const float last = qa_eval_group(q, c, qa_fval(hi));
  if (cur != cur || last != last) return false;
  *nv = 0;
  vals[(*nv)++] = cur;
  while (cur != last) {
    int64_t a = lo + 1, b = hi;          /* first key whose value != cur */
    while (a < b) {
      const int64_t mid = a + (b - a) / 2;
      if (qa_eval_group(q, c, qa_fval(mid)) != cur) b = mid;
      else a = mid + 1;
    }
    cur = qa_eval_group(q, c, qa_fval(a));
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
        Node *const *us = qa_users_of(u, t, &nu);
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
    if (!qa_node_dir(n, d, &dirs[i])) return false;
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
bool qa_find_group(const Uses *u, Node *e, int64_t nch, QGroup *q) {
  int floor = INT_MIN;
  for (int tries = 0; tries < QG_MAX; tries++) {
    if (find_group_from(u, e, nch, q, floor)) return true;
    if (q->n < 2 || q->nodes[0] == e) return false;
    floor = q->nodes[0]->index + 1;
  }
  return false;
}

/* Why the activations from the subgraph ending at e, which qa_find_group
 * turned down, stay float; NULL when it holds no quantizer op at all
 * (then it is no quantizer, just a float op before the layer). */
const char *qa_quantizer_why(Graph *g, const QGroup *q) {
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
    if (op_is_quantizer(q->nodes[i]->op))
      return arena_printf(g->arena, "activation quantizer node #%d (%s) is not provably "
                          "binary or ternary: %s", q->nodes[i]->index,
                          q->nodes[i]->op_type, q->why ? q->why : "unknown");
  return NULL;
}
