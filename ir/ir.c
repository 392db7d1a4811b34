/* The graph: tensors, nodes, attributes, dtypes, topological order. */
#include <string.h>

#include "ir.h"

size_t dtype_size(DType t) {
  switch (t) {
  case DT_FLOAT: case DT_INT32: return 4;
  case DT_DOUBLE: case DT_INT64: return 8;
  case DT_INT8: case DT_UINT8: case DT_BOOL: return 1;
  case DT_FLOAT16: case DT_BFLOAT16: return 2;
  default: return 0;
  }
}

const char *dtype_name(DType t) {
  switch (t) {
  case DT_FLOAT: return "float";
  case DT_UINT8: return "uint8";
  case DT_INT8: return "int8";
  case DT_UINT16: return "uint16";
  case DT_INT16: return "int16";
  case DT_INT32: return "int32";
  case DT_INT64: return "int64";
  case DT_STRING: return "string";
  case DT_BOOL: return "bool";
  case DT_FLOAT16: return "float16";
  case DT_DOUBLE: return "double";
  case DT_UINT32: return "uint32";
  case DT_UINT64: return "uint64";
  case DT_BFLOAT16: return "bfloat16";
  default: return "undefined";
  }
}

const char *dtype_ctype(DType t) {
  switch (t) {
  case DT_FLOAT: return "float";
  case DT_DOUBLE: return "double";
  case DT_INT64: return "int64_t";
  case DT_INT32: return "int32_t";
  case DT_INT8: return "int8_t";
  case DT_UINT8: case DT_BOOL: return "uint8_t";
  case DT_FLOAT16: case DT_BFLOAT16: return "uint16_t";
  default: return "void";
  }
}

bool dtype_supported(DType t) { return dtype_size(t) != 0; }

int dtype_tnn(DType t) { return dtype_supported(t) ? (int)t : 0; }

Graph *ir_graph_new(Arena *a, Diag *d, const tnnc_limits *limits) {
  Graph *g = arena_alloc(a, sizeof *g);
  g->arena = a;
  g->diag = d;
  g->limits = limits;
  g->batch = 1;
  g->opset = 1;
  return g;
}

#define GROW(g, arr, n, cap)                                                  \
  do {                                                                        \
    if ((n) == (cap)) {                                                       \
      int nc = (cap) ? 2 * (cap) : 64;                                        \
      void *na = arena_calloc((g)->arena, (size_t)nc, sizeof *(arr));         \
      if (n) memcpy(na, (arr), sizeof *(arr) * (size_t)(n));                  \
      (arr) = na;                                                             \
      (cap) = nc;                                                             \
    }                                                                         \
  } while (0)

Tensor *ir_tensor_new(Graph *g, const char *name) {
  Tensor *t = arena_alloc(g->arena, sizeof *t);
  t->name = arena_strdup(g->arena, name ? name : "");
  t->rank = -1;
  t->offset = -1;
  t->id = g->ntensors;
  GROW(g, g->tensors, g->ntensors, g->cap_tensors);
  g->tensors[g->ntensors++] = t;
  return t;
}

Tensor *ir_tensor_find(Graph *g, const char *name) {
  for (int i = g->ntensors - 1; i >= 0; i--)
    if (strcmp(g->tensors[i]->name, name) == 0) return g->tensors[i];
  return NULL;
}

Node *ir_node_new(Graph *g, Op op, const char *name, int nin, int nout) {
  Node *n = arena_alloc(g->arena, sizeof *n);
  n->op = op;
  n->index = g->nnodes;
  n->name = arena_strdup(g->arena, name ? name : "");
  n->op_type = op_name(op);
  n->domain = "";
  n->nin = nin;
  n->nout = nout;
  n->in = arena_calloc(g->arena, (size_t)(nin ? nin : 1), sizeof(Tensor *));
  n->out = arena_calloc(g->arena, (size_t)(nout ? nout : 1), sizeof(Tensor *));
  n->call.kernel = -1;
  GROW(g, g->nodes, g->nnodes, g->cap_nodes);
  g->nodes[g->nnodes++] = n;
  return n;
}

void ir_tensor_set_shape(Tensor *t, DType dt, int rank, const int64_t *dims) {
  TNNC_ASSERT(rank >= 0 && rank <= IR_MAX_RANK);
  t->dtype = dt;
  t->rank = rank;
  for (int i = 0; i < rank; i++) {
    t->dims[i] = dims[i];
    t->dim_param[i] = NULL;
  }
}

bool ir_shape_numel(const int64_t *dims, int rank, int64_t max, int64_t *out) {
  int64_t n = 1;
  for (int i = 0; i < rank; i++) {
    if (dims[i] < 0) return false;
    if (dims[i] != 0 && n > max / dims[i]) return false;
    n *= dims[i];
  }
  if (n > max) return false;
  *out = n;
  return true;
}

int64_t ir_tensor_numel(const Tensor *t) {
  if (t->rank < 0) return -1;
  int64_t n = 1;
  for (int i = 0; i < t->rank; i++) n *= t->dims[i];
  return n;
}

int64_t ir_tensor_bytes(const Tensor *t) {
  return ir_tensor_numel(t) * (int64_t)dtype_size(t->dtype);
}

void *ir_tensor_alloc_data(Graph *g, Tensor *t) {
  int64_t b = ir_tensor_bytes(t);
  t->data = arena_alloc(g->arena, (size_t)(b > 0 ? b : 1));
  return t->data;
}

Tensor *ir_const_new(Graph *g, const char *name, DType dt, int rank,
                     const int64_t *dims) {
  Tensor *t = ir_tensor_new(g, name);
  ir_tensor_set_shape(t, dt, rank, dims);
  ir_tensor_alloc_data(g, t);
  return t;
}

void ir_graph_add_input(Graph *g, Tensor *t) {
  GROW(g, g->inputs, g->ninputs, g->cap_inputs);
  g->inputs[g->ninputs++] = t;
  t->is_input = true;
}

void ir_graph_add_output(Graph *g, Tensor *t) {
  GROW(g, g->outputs, g->noutputs, g->cap_outputs);
  g->outputs[g->noutputs++] = t;
  t->is_output = true;
}

bool ir_count_const(Graph *g, const Node *n, const Tensor *t) {
  int64_t bytes = ir_tensor_bytes(t);
  if (bytes < 0) bytes = 0;
  if (g->const_bytes > g->limits->max_weight_bytes - bytes) {
    diag_error(g->diag, n, "its output (%lld bytes, computed at compile time) "
               "takes the constant data beyond the limit of %lld bytes (see "
               "--limit weight-bytes=N)", (long long)bytes,
               (long long)g->limits->max_weight_bytes);
    return false;
  }
  g->const_bytes += bytes;
  return true;
}

static int64_t mul_sat(int64_t a, int64_t b) {
  if (a <= 0 || b <= 0) return 0;
  return a > INT64_MAX / b ? INT64_MAX : a * b;
}

/* Element-operations per output element beyond one: the reduction length
 * of the ops whose work grows faster than their tensors. */
static int64_t fold_inner(const Node *n) {
  const Tensor *x = n->nin > 0 ? n->in[0] : NULL;
  const Tensor *w = n->nin > 1 ? n->in[1] : NULL;
  switch (n->op) {
  case OP_MATMUL:
    return x && x->rank >= 1 ? x->dims[x->rank - 1] : 1;
  case OP_GEMM:
    if (!x || x->rank != 2) return 1;
    return x->dims[ir_attr_int(n, "transA", 0) ? 0 : 1];
  case OP_CONV:
    /* weights [M, C/group, k...]: each output reads one filter */
    return w && w->rank >= 1 && w->dims[0] > 0 ? ir_tensor_numel(w) / w->dims[0] : 1;
  case OP_MAX_POOL:
  case OP_AVERAGE_POOL: {
    int64_t k[IR_MAX_RANK], work = 1;
    int nk = ir_attr_ints(n, "kernel_shape", k, IR_MAX_RANK);
    for (int i = 0; i < nk && i < IR_MAX_RANK; i++) work = mul_sat(work, k[i]);
    return work;
  }
  case OP_TOPK: {             /* a scan of the row per output element */
    if (!x || x->rank < 1) return 1;
    int64_t axis = ir_attr_int(n, "axis", -1);
    if (axis < 0) axis += x->rank;
    return axis >= 0 && axis < x->rank ? x->dims[axis] : 1;
  }
  case OP_MULTI_THRESHOLD:     /* a scan of the thresholds per element */
    return w && w->rank >= 1 ? w->dims[w->rank - 1] : 1;
  default:
    return 1;
  }
}

bool ir_fold_affordable(Graph *g, const Node *n) {
  int64_t work = 0;
  for (int i = 0; i < n->nin; i++)
    if (n->in[i] && ir_tensor_numel(n->in[i]) > work)
      work = ir_tensor_numel(n->in[i]);
  int64_t inner = fold_inner(n);
  for (int i = 0; i < n->nout; i++)
    if (n->out[i]) {
      int64_t w = mul_sat(ir_tensor_numel(n->out[i]), inner > 1 ? inner : 1);
      if (w > work) work = w;
    }
  if (work > IR_FOLD_NODE_WORK || work > IR_FOLD_TOTAL_WORK - g->fold_work)
    return false;
  g->fold_work += work;
  return true;
}

void ir_recount(Graph *g) {
  for (int i = 0; i < g->ntensors; i++) {
    g->tensors[i]->nuses = 0;
    g->tensors[i]->producer = NULL;
  }
  for (int i = 0; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    if (n->dead) continue;
    for (int j = 0; j < n->nin; j++)
      if (n->in[j]) n->in[j]->nuses++;
    for (int j = 0; j < n->nout; j++)
      if (n->out[j]) n->out[j]->producer = n;
  }
}

void ir_add_fused(Graph *g, Node *into, const Node *n) {
  const char *me = arena_printf(g->arena, "'%s' (%s)", n->name, n->op_type);
  into->fused = into->fused ? arena_printf(g->arena, "%s, %s", into->fused, me) : me;
  const Node **list = arena_calloc(g->arena, (size_t)into->nfused + 1, sizeof *list);
  if (into->nfused) memcpy(list, into->fused_nodes, sizeof *list * (size_t)into->nfused);
  list[into->nfused++] = n;
  into->fused_nodes = list;
}

void ir_replace_uses(Graph *g, Tensor *from, Tensor *to) {
  for (int i = 0; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    if (n->dead) continue;
    for (int j = 0; j < n->nin; j++)
      if (n->in[j] == from) n->in[j] = to;
  }
}

/* Kahn's algorithm over live nodes, stable with respect to file order (a
 * ready node with the lowest original position goes first) so the output is
 * deterministic.  Leftover nodes lie on a cycle. */
bool ir_toposort(Graph *g) {
  int n = g->nnodes;
  int *pending = arena_calloc(g->arena, (size_t)(n ? n : 1), sizeof(int));
  Node **order = arena_calloc(g->arena, (size_t)(n ? n : 1), sizeof(Node *));
  bool *done = arena_calloc(g->arena, (size_t)(n ? n : 1), sizeof(bool));
  ir_recount(g);
  int *pos = arena_calloc(g->arena, (size_t)(g->ntensors ? g->ntensors : 1),
                          sizeof(int));
  for (int i = 0; i < n; i++) {
    Node *nd = g->nodes[i];
    for (int j = 0; j < nd->nout; j++)
      if (nd->out[j]) pos[nd->out[j]->id] = i + 1;
  }
  /* consumers lists as a CSR over tensors */
  int *cstart = arena_calloc(g->arena, (size_t)g->ntensors + 1, sizeof(int));
  for (int i = 0; i < n; i++) {
    Node *nd = g->nodes[i];
    for (int j = 0; j < nd->nin; j++)
      if (nd->in[j]) cstart[nd->in[j]->id + 1]++;
  }
  for (int t = 0; t < g->ntensors; t++) cstart[t + 1] += cstart[t];
  int *fill = arena_calloc(g->arena, (size_t)g->ntensors + 1, sizeof(int));
  int *cons = arena_calloc(g->arena, (size_t)cstart[g->ntensors] + 1,
                           sizeof(int));
  for (int i = 0; i < n; i++) {
    Node *nd = g->nodes[i];
    for (int j = 0; j < nd->nin; j++) {
      Tensor *t = nd->in[j];
      if (!t) continue;
      cons[cstart[t->id] + fill[t->id]++] = i;
      if (pos[t->id] && !nd->dead && !g->nodes[pos[t->id] - 1]->dead)
        pending[i]++;
    }
  }
  /* A binary heap of ready node indices keeps the order stable. */
  int *heap = arena_calloc(g->arena, (size_t)(n ? n : 1), sizeof(int));
  int hn = 0, count = 0;
#define HPUSH(v)                                                              \
  do {                                                                        \
    int k = hn++;                                                             \
    heap[k] = (v);                                                            \
    while (k && heap[(k - 1) / 2] > heap[k]) {                                \
      int tmp = heap[k];                                                      \
      heap[k] = heap[(k - 1) / 2];                                            \
      heap[(k - 1) / 2] = tmp;                                                \
      k = (k - 1) / 2;                                                        \
    }                                                                         \
  } while (0)
  for (int i = 0; i < n; i++)
    if (!g->nodes[i]->dead && pending[i] == 0) HPUSH(i);
  while (hn) {
    int v = heap[0];
    heap[0] = heap[--hn];
    for (int k = 0;;) {
      int l = 2 * k + 1, r = l + 1, m = k;
      if (l < hn && heap[l] < heap[m]) m = l;
      if (r < hn && heap[r] < heap[m]) m = r;
      if (m == k) break;
      int tmp = heap[k];
      heap[k] = heap[m];
      heap[m] = tmp;
      k = m;
    }
    Node *nd = g->nodes[v];
    done[v] = true;
    order[count++] = nd;
    for (int j = 0; j < nd->nout; j++) {
      Tensor *t = nd->out[j];
      if (!t) continue;
      for (int c = cstart[t->id]; c < cstart[t->id + 1]; c++)
        if (--pending[cons[c]] == 0 && !g->nodes[cons[c]]->dead)
          HPUSH(cons[c]);
    }
  }
#undef HPUSH
  int live = 0;
  for (int i = 0; i < n; i++)
    if (!g->nodes[i]->dead) live++;
  if (count != live) {
    for (int i = 0; i < n; i++)
      if (!g->nodes[i]->dead && !done[i]) {
        diag_error(g->diag, g->nodes[i],
                   "the graph has a cycle through this node");
        break;
      }
    return false;
  }
  int k = count;
  for (int i = 0; i < n; i++)
    if (g->nodes[i]->dead) order[k++] = g->nodes[i];
  if (n) memcpy(g->nodes, order, sizeof(Node *) * (size_t)n); /* no nodes: NULL */
  return true;
}

const Attr *ir_attr(const Node *n, const char *name) {
  for (int i = 0; i < n->nattrs; i++)
    if (strcmp(n->attrs[i].name, name) == 0) return &n->attrs[i];
  return NULL;
}

int64_t ir_attr_int(const Node *n, const char *name, int64_t def) {
  const Attr *a = ir_attr(n, name);
  return a && a->type == ATTR_INT ? a->i : def;
}

float ir_attr_float(const Node *n, const char *name, float def) {
  const Attr *a = ir_attr(n, name);
  if (!a) return def;
  if (a->type == ATTR_FLOAT) return a->f;
  if (a->type == ATTR_INT) return (float)a->i;
  return def;
}

const char *ir_attr_string(const Node *n, const char *name, const char *def) {
  const Attr *a = ir_attr(n, name);
  return a && a->type == ATTR_STRING ? a->s : def;
}

int ir_attr_ints(const Node *n, const char *name, int64_t *out, int max) {
  const Attr *a = ir_attr(n, name);
  if (!a || a->type != ATTR_INTS) return -1;
  for (int i = 0; i < a->n && i < max; i++) out[i] = a->ints[i];
  return a->n;
}

Attr *ir_node_add_attr(Graph *g, Node *n, const char *name, AttrType type) {
  /* capacity doubles at each power of two: linear in the attribute count */
  if (n->nattrs == 0 || (n->nattrs & (n->nattrs - 1)) == 0) {
    Attr *na = arena_calloc(g->arena, n->nattrs ? 2 * (size_t)n->nattrs : 1,
                            sizeof *na);
    if (n->nattrs) memcpy(na, n->attrs, sizeof *na * (size_t)n->nattrs);
    n->attrs = na;
  }
  Attr *a = &n->attrs[n->nattrs++];
  a->name = arena_strdup(g->arena, name);
  a->type = type;
  return a;
}

/* A float as an integer, truncated, saturated at the int64 range, NaN as
 * 0 (a bare cast is undefined behaviour out of range). */
static int64_t saturate_i64(double v) {
  if (v != v) return 0;
  if (v >= 9223372036854775807.0) return INT64_MAX;
  if (v <= -9223372036854775808.0) return INT64_MIN;
  return (int64_t)v;
}

int64_t ir_const_int(const Tensor *t, int64_t i) {
  switch (t->dtype) {
  case DT_INT64: return ((const int64_t *)t->data)[i];
  case DT_INT32: return ((const int32_t *)t->data)[i];
  case DT_INT8: return ((const int8_t *)t->data)[i];
  case DT_UINT8: case DT_BOOL: return ((const uint8_t *)t->data)[i];
  case DT_FLOAT: return saturate_i64(((const float *)t->data)[i]);
  case DT_DOUBLE: return saturate_i64(((const double *)t->data)[i]);
  case DT_FLOAT16: case DT_BFLOAT16: return saturate_i64(ir_const_double(t, i));
  default: tnnc_unreachable();
  }
}

double ir_const_double(const Tensor *t, int64_t i) {
  switch (t->dtype) {
  case DT_FLOAT: return ((const float *)t->data)[i];
  case DT_DOUBLE: return ((const double *)t->data)[i];
  case DT_FLOAT16: return tnn_f16_to_f32(((const uint16_t *)t->data)[i]);
  case DT_BFLOAT16: return tnn_bf16_to_f32(((const uint16_t *)t->data)[i]);
  default: return (double)ir_const_int(t, i);
  }
}
