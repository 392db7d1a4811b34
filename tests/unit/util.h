/* Helpers for unit tests: build small graphs by hand and evaluate nodes
 * through the op kinds and the reference interpreter. */
#ifndef TNNC_TEST_UTIL_H
#define TNNC_TEST_UTIL_H

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "ir.h"

typedef struct TestCtx {
  Arena *arena;
  Diag diag;
  tnnc_limits limits;
  Graph *g;
} TestCtx;

/* A fresh graph at the given opset; diagnostics go to stderr. */
static inline Graph *t_graph(TestCtx *c, int64_t opset) {
  c->arena = arena_new(0);
  c->diag = (Diag){.sink = stderr, .file = "test.onnx"};
  tnnc_default_limits(&c->limits);
  c->g = ir_graph_new(c->arena, &c->diag, &c->limits);
  c->g->opset = opset;
  c->g->batch = 1;
  return c->g;
}

static inline void t_free(TestCtx *c) { arena_free(c->arena); }

/* A constant tensor holding a copy of `data` (dtype-sized elements). */
static inline Tensor *t_const(Graph *g, const char *name, DType dt, int rank,
                              const int64_t *dims, const void *data) {
  Tensor *t = ir_tensor_new(g, name);
  ir_tensor_set_shape(t, dt, rank, dims);
  void *p = ir_tensor_alloc_data(g, t);
  memcpy(p, data, (size_t)ir_tensor_bytes(t));
  t->is_initializer = true;
  return t;
}

/* A node with the given inputs (NULL for omitted) and fresh outputs. */
static inline Node *t_node(Graph *g, Op op, int nin, Tensor **ins, int nout) {
  Node *n = ir_node_new(g, op, op_name(op), nin, nout);
  for (int i = 0; i < nin; i++) n->in[i] = ins[i];
  for (int i = 0; i < nout; i++) {
    char name[32];
    snprintf(name, sizeof name, "out%d_%d", g->nnodes, i);
    n->out[i] = ir_tensor_new(g, name);
    n->out[i]->producer = n;
  }
  return n;
}

static inline void t_attr_int(Graph *g, Node *n, const char *name, int64_t v) {
  ir_node_add_attr(g, n, name, ATTR_INT)->i = v;
}
static inline void t_attr_float(Graph *g, Node *n, const char *name, float v) {
  ir_node_add_attr(g, n, name, ATTR_FLOAT)->f = v;
}
static inline void t_attr_ints(Graph *g, Node *n, const char *name, int cnt,
                               const int64_t *v) {
  Attr *a = ir_node_add_attr(g, n, name, ATTR_INTS);
  a->n = cnt;
  a->ints = arena_calloc(g->arena, (size_t)(cnt ? cnt : 1), sizeof(int64_t));
  memcpy(a->ints, v, sizeof(int64_t) * (size_t)cnt);
}
static inline void t_attr_string(Graph *g, Node *n, const char *name,
                                 const char *v) {
  ir_node_add_attr(g, n, name, ATTR_STRING)->s = arena_strdup(g->arena, v);
}

/* Infers, lowers and evaluates n (all inputs constant); false on error. */
static inline bool t_eval(Graph *g, Node *n) {
  if (!op_info(n->op)->kind->infer(g, n)) return false;
  return interp_fold_node(g, n);
}

static inline void t_expect_f32(const Tensor *t, const float *want,
                                int64_t count, float tol) {
  cr_assert_eq(ir_tensor_numel(t), count, "element count %lld, want %lld",
               (long long)ir_tensor_numel(t), (long long)count);
  cr_assert(t->data != NULL, "tensor %s has no data", t->name);
  const float *got = t->data;
  for (int64_t i = 0; i < count; i++)
    cr_assert(fabsf(got[i] - want[i]) <= tol, "%s[%lld] = %g, want %g",
              t->name, (long long)i, got[i], want[i]);
}

static inline void t_expect_i64(const Tensor *t, const int64_t *want,
                                int64_t count) {
  cr_assert_eq(ir_tensor_numel(t), count);
  cr_assert(t->data != NULL);
  const int64_t *got = t->data;
  for (int64_t i = 0; i < count; i++)
    cr_assert_eq(got[i], want[i], "%s[%lld] = %lld, want %lld", t->name,
                 (long long)i, (long long)got[i], (long long)want[i]);
}

static inline void t_expect_dims(const Tensor *t, int rank,
                                 const int64_t *dims) {
  cr_assert_eq(t->rank, rank, "%s rank %d, want %d", t->name, t->rank, rank);
  for (int d = 0; d < rank; d++)
    cr_assert_eq(t->dims[d], dims[d], "%s dim %d = %lld, want %lld", t->name,
                 d, (long long)t->dims[d], (long long)dims[d]);
}

#endif
