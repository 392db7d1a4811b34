/* Unit tests of the data-movement and reduction op kinds (ir/ops/view.c,
 * transpose.c, concat.c, slice.c, gather.c, reduce.c, constant.c) and their
 * runtime kernels (runtime/tnn_data.h).  Expected values are computed by
 * hand in the comments, or by a naive loop for the randomised kernels. */
#include <stdlib.h>

#include "util.h"

/* ------------------------------------------------------------- helpers */

static Tensor *cf(Graph *g, const char *name, int rank, const int64_t *dims,
                  const float *v) {
  return t_const(g, name, DT_FLOAT, rank, dims, v);
}

/* A 1-D int64 constant. */
static Tensor *ci(Graph *g, const char *name, int n, const int64_t *v) {
  static const int64_t none = 0;
  int64_t d[1] = {n};
  return t_const(g, name, DT_INT64, 1, d, v ? v : &none);
}

/* A float constant 0, 1, 2, ... of the given shape. */
static Tensor *iota(Graph *g, const char *name, int rank, const int64_t *dims) {
  int64_t n = 1;
  for (int d = 0; d < rank; d++) n *= dims[d];
  float *v = arena_calloc(g->arena, (size_t)(n ? n : 1), sizeof(float));
  for (int64_t i = 0; i < n; i++) v[i] = (float)i;
  return cf(g, name, rank, dims, v);
}

/* A runtime (non-constant) float tensor of the given shape. */
static Tensor *rt(Graph *g, const char *name, int rank, const int64_t *dims) {
  Tensor *t = ir_tensor_new(g, name);
  ir_tensor_set_shape(t, DT_FLOAT, rank, dims);
  return t;
}

static Node *node1(Graph *g, Op op, Tensor *x) {
  Tensor *in[] = {x};
  return t_node(g, op, 1, in, 1);
}

static Node *node2(Graph *g, Op op, Tensor *x, Tensor *y) {
  Tensor *in[] = {x, y};
  return t_node(g, op, 2, in, 1);
}

static Node *node5(Graph *g, Op op, Tensor *a, Tensor *b, Tensor *c,
                   Tensor *d, Tensor *e) {
  Tensor *in[] = {a, b, c, d, e};
  return t_node(g, op, 5, in, 1);
}

static void ints(Graph *g, Node *n, const char *name, int cnt,
                 const int64_t *v) {
  t_attr_ints(g, n, name, cnt, v);
}

/* Evaluates n and checks the output's dims and float values. */
static void eval_f32(Graph *g, Node *n, int rank, const int64_t *dims,
                     const float *want, int64_t count) {
  cr_assert(t_eval(g, n), "evaluation of %s failed", op_name(n->op));
  t_expect_dims(n->out[0], rank, dims);
  t_expect_f32(n->out[0], want, count, 1e-5f);
}

/* Runs infer on n with diagnostics captured; it must fail with exactly one
 * error whose text contains `sub`. */
static void expect_error(TestCtx *c, Node *n, const char *sub) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  cr_assert(f != NULL);
  c->diag.sink = f;
  int before = c->diag.nerrors;
  bool ok = op_info(n->op)->kind->infer(c->g, n);
  fclose(f);
  c->diag.sink = stderr;
  cr_assert_not(ok, "%s: infer succeeded, expected an error containing '%s'",
                op_name(n->op), sub);
  cr_assert_eq(c->diag.nerrors, before + 1, "want one error, got %d",
               c->diag.nerrors - before);
  cr_assert(strstr(buf, sub) != NULL, "diagnostic '%s' lacks '%s'", buf, sub);
  cr_assert(strstr(buf, "node #") != NULL, "diagnostic '%s' names no node",
            buf);
  free(buf);
}

/* ------------------------------------------------------------- flatten */

Test(flatten, default_axis_is_1) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {2, 3, 4};
  Node *n = node1(g, OP_FLATTEN, iota(g, "x", 3, d));
  cr_assert(t_eval(g, n));
  t_expect_dims(n->out[0], 2, (int64_t[]){2, 12});
  float want[24];
  for (int i = 0; i < 24; i++) want[i] = (float)i;
  t_expect_f32(n->out[0], want, 24, 0);
  t_free(&c);
}

Test(flatten, axis_0_negative_and_rank) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {2, 3, 4};
  Tensor *x = iota(g, "x", 3, d);
  int64_t axes[] = {0, -1, 3, -3};
  int64_t want[][2] = {{1, 24}, {6, 4}, {24, 1}, {1, 24}};
  for (int i = 0; i < 4; i++) {
    Node *n = node1(g, OP_FLATTEN, x);
    t_attr_int(g, n, "axis", axes[i]);
    cr_assert(op_info(n->op)->kind->infer(g, n));
    t_expect_dims(n->out[0], 2, want[i]);
  }
  t_free(&c);
}

Test(flatten, axis_out_of_range) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {2, 3, 4};
  Node *n = node1(g, OP_FLATTEN, iota(g, "x", 3, d));
  t_attr_int(g, n, "axis", 4);
  expect_error(&c, n, "axis 4 is out of range for rank 3");
  t_free(&c);
}

/* ------------------------------------------------------------- reshape */

Test(reshape, zero_copies_and_minus_one_infers) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {2, 3, 4};
  Tensor *x = iota(g, "x", 3, d);
  Node *n = node2(g, OP_RESHAPE, x, ci(g, "s", 2, (int64_t[]){0, -1}));
  float want[24];
  for (int i = 0; i < 24; i++) want[i] = (float)i;
  eval_f32(g, n, 2, (int64_t[]){2, 12}, want, 24);
  cr_assert_eq(n->call.kernel, -1, "a view aliases its input");
  cr_assert_eq(((tnn_copy_params *)n->call.params)->bytes, 96);
  /* 0 at position 2 copies input dim 2 (4) */
  Node *m = node2(g, OP_RESHAPE, x, ci(g, "s2", 3, (int64_t[]){-1, 2, 0}));
  eval_f32(g, m, 3, (int64_t[]){3, 2, 4}, want, 24);
  t_free(&c);
}

Test(reshape, allowzero_keeps_a_zero_dim) {
  TestCtx c;
  Graph *g = t_graph(&c, 14);
  int64_t d[] = {0, 3};
  Tensor *x = iota(g, "x", 2, d);
  Node *n = node2(g, OP_RESHAPE, x, ci(g, "s", 2, (int64_t[]){3, 0}));
  t_attr_int(g, n, "allowzero", 1);
  cr_assert(t_eval(g, n));
  t_expect_dims(n->out[0], 2, (int64_t[]){3, 0});
  /* without allowzero the 0 copies dim 1 (3): 9 elements from 0 */
  Node *m = node2(g, OP_RESHAPE, x, ci(g, "s2", 2, (int64_t[]){3, 0}));
  expect_error(&c, m, "of 0 elements to a shape of 9 elements");
  t_free(&c);
}

Test(reshape, shape_attribute_before_opset_5) {
  TestCtx c;
  Graph *g = t_graph(&c, 1);
  int64_t d[] = {2, 3, 4};
  Node *n = node1(g, OP_RESHAPE, iota(g, "x", 3, d));
  ints(g, n, "shape", 2, (int64_t[]){4, 6});
  cr_assert(op_info(n->op)->kind->infer(g, n));
  t_expect_dims(n->out[0], 2, (int64_t[]){4, 6});
  t_free(&c);
}

Test(reshape, size_mismatch_is_an_error) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {2, 3, 4};
  Tensor *x = iota(g, "x", 3, d);
  Node *n = node2(g, OP_RESHAPE, x, ci(g, "s", 2, (int64_t[]){5, 5}));
  expect_error(&c, n, "cannot reshape input 'x' of 24 elements to a shape of "
               "25 elements");
  Node *m = node2(g, OP_RESHAPE, x, ci(g, "s2", 2, (int64_t[]){-1, -1}));
  expect_error(&c, m, "more than one -1");
  Node *k = node2(g, OP_RESHAPE, x, ci(g, "s3", 2, (int64_t[]){5, -1}));
  expect_error(&c, k, "-1 cannot be inferred");
  t_free(&c);
}

Test(reshape, runtime_shape_is_an_error) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {2, 3};
  Tensor *s = ir_tensor_new(g, "s");
  ir_tensor_set_shape(s, DT_INT64, 1, (int64_t[]){2});
  Node *n = node2(g, OP_RESHAPE, iota(g, "x", 2, d), s);
  expect_error(&c, n, "must be a constant");
  t_free(&c);
}

/* ----------------------------------------------------- squeeze/unsqueeze */

Test(squeeze, axes_attribute_opset_11) {
  TestCtx c;
  Graph *g = t_graph(&c, 11);
  int64_t d[] = {1, 3, 1, 2};
  Node *n = node1(g, OP_SQUEEZE, iota(g, "x", 4, d));
  ints(g, n, "axes", 2, (int64_t[]){0, -2});
  float want[] = {0, 1, 2, 3, 4, 5};
  eval_f32(g, n, 2, (int64_t[]){3, 2}, want, 6);
  t_free(&c);
}

Test(squeeze, axes_input_opset_13_and_no_axes) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {1, 3, 1, 2};
  Tensor *x = iota(g, "x", 4, d);
  Node *n = node2(g, OP_SQUEEZE, x, ci(g, "a", 1, (int64_t[]){-2}));
  cr_assert(op_info(n->op)->kind->infer(g, n));
  t_expect_dims(n->out[0], 3, (int64_t[]){1, 3, 2});
  Node *m = node1(g, OP_SQUEEZE, x);
  cr_assert(op_info(m->op)->kind->infer(g, m));
  t_expect_dims(m->out[0], 2, (int64_t[]){3, 2});
  t_free(&c);
}

Test(squeeze, non_unit_axis_is_an_error) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {1, 3};
  Tensor *x = iota(g, "x", 2, d);
  Node *n = node2(g, OP_SQUEEZE, x, ci(g, "a", 1, (int64_t[]){1}));
  expect_error(&c, n, "cannot squeeze axis 1 of size 3");
  Node *m = node2(g, OP_SQUEEZE, x, ci(g, "b", 1, (int64_t[]){2}));
  expect_error(&c, m, "axis 2 is out of range for rank 2");
  t_free(&c);
}

Test(unsqueeze, axes_attribute_opset_11) {
  TestCtx c;
  Graph *g = t_graph(&c, 11);
  int64_t d[] = {2, 3};
  Node *n = node1(g, OP_UNSQUEEZE, iota(g, "x", 2, d));
  ints(g, n, "axes", 2, (int64_t[]){0, 3});
  float want[] = {0, 1, 2, 3, 4, 5};
  eval_f32(g, n, 4, (int64_t[]){1, 2, 3, 1}, want, 6);
  t_free(&c);
}

Test(unsqueeze, axes_input_opset_13) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {2, 3};
  Tensor *x = iota(g, "x", 2, d);
  Node *n = node2(g, OP_UNSQUEEZE, x, ci(g, "a", 1, (int64_t[]){-1}));
  cr_assert(op_info(n->op)->kind->infer(g, n));
  t_expect_dims(n->out[0], 3, (int64_t[]){2, 3, 1});
  /* -3 of the rank-4 output is axis 1: [2, 1, 1, 3] */
  Node *m = node2(g, OP_UNSQUEEZE, x, ci(g, "b", 2, (int64_t[]){2, -3}));
  cr_assert(op_info(m->op)->kind->infer(g, m));
  t_expect_dims(m->out[0], 4, (int64_t[]){2, 1, 1, 3});
  Node *k = node2(g, OP_UNSQUEEZE, x, ci(g, "e", 2, (int64_t[]){1, -3}));
  expect_error(&c, k, "axis 1 is given twice");
  Node *j = node1(g, OP_UNSQUEEZE, x);
  expect_error(&c, j, "axes to insert are missing");
  t_free(&c);
}

Test(unsqueeze, scalar_to_vector) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  float v = 4.5f;
  Node *n = node2(g, OP_UNSQUEEZE, cf(g, "x", 0, NULL, &v),
                  ci(g, "a", 1, (int64_t[]){0}));
  eval_f32(g, n, 1, (int64_t[]){1}, &v, 1);
  t_free(&c);
}

/* --------------------------------------------------- identity, dropout */

Test(identity, copies_any_dtype) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t v[] = {5, -6, 7};
  Node *n = node1(g, OP_IDENTITY, ci(g, "x", 3, v));
  cr_assert(t_eval(g, n));
  cr_assert_eq(n->out[0]->dtype, DT_INT64);
  t_expect_i64(n->out[0], v, 3);
  t_free(&c);
}

Test(dropout, opset_10_mask_is_all_false_as_onnxruntime) {
  TestCtx c;
  Graph *g = t_graph(&c, 10);
  int64_t d[] = {3};
  Tensor *in[] = {rt(g, "x", 1, d)};
  Node *n = t_node(g, OP_DROPOUT, 1, in, 2);
  cr_assert(op_info(n->op)->kind->infer(g, n));
  Tensor *m = n->out[1];
  cr_assert(m->data != NULL, "the mask is a constant");
  for (int i = 0; i < 3; i++) cr_assert_eq(((uint8_t *)m->data)[i], 0);
  t_free(&c);
}

Test(dropout, passes_through_with_an_all_true_mask) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {2, 2};
  Tensor *in[] = {rt(g, "x", 2, d)};
  Node *n = t_node(g, OP_DROPOUT, 1, in, 2);
  t_attr_float(g, n, "ratio", 0.5f);
  cr_assert(op_info(n->op)->kind->infer(g, n));
  t_expect_dims(n->out[0], 2, d);
  Tensor *m = n->out[1];
  cr_assert_eq(m->dtype, DT_BOOL);
  t_expect_dims(m, 2, d);
  cr_assert(m->data != NULL, "the mask is a constant");
  for (int i = 0; i < 4; i++) cr_assert_eq(((uint8_t *)m->data)[i], 1);
  /* constant input: output 0 folds to a copy */
  Tensor *in2[] = {iota(g, "y", 2, d)};
  Node *k = t_node(g, OP_DROPOUT, 1, in2, 1);
  eval_f32(g, k, 2, d, (float[]){0, 1, 2, 3}, 4);
  t_free(&c);
}

Test(dropout, training_mode_is_refused) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {2};
  uint8_t yes = 1;
  float ratio = 0.5f;
  Tensor *in[] = {iota(g, "x", 1, d), cf(g, "r", 0, NULL, &ratio),
                  t_const(g, "t", DT_BOOL, 0, NULL, &yes)};
  Node *n = t_node(g, OP_DROPOUT, 3, in, 1);
  expect_error(&c, n, "training mode is not supported");
  t_free(&c);
}

/* ----------------------------------------------------------- transpose */

Test(transpose, default_perm_reverses) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {2, 3};
  Node *n = node1(g, OP_TRANSPOSE, iota(g, "x", 2, d));
  /* [[0,1,2],[3,4,5]]^T */
  float want[] = {0, 3, 1, 4, 2, 5};
  eval_f32(g, n, 2, (int64_t[]){3, 2}, want, 6);
  t_free(&c);
}

Test(transpose, inner_perm) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {2, 2, 3};
  Node *n = node1(g, OP_TRANSPOSE, iota(g, "x", 3, d));
  ints(g, n, "perm", 3, (int64_t[]){0, 2, 1});
  /* x[a][b][c] = 6a + 3b + c; out[a][c][b] */
  float want[] = {0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11};
  eval_f32(g, n, 3, (int64_t[]){2, 3, 2}, want, 12);
  t_free(&c);
}

Test(transpose, moving_only_unit_dims_is_a_copy) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {1, 2, 3};
  Node *n = node1(g, OP_TRANSPOSE, iota(g, "x", 3, d));
  ints(g, n, "perm", 3, (int64_t[]){1, 0, 2});
  float want[] = {0, 1, 2, 3, 4, 5};
  eval_f32(g, n, 3, (int64_t[]){2, 1, 3}, want, 6);
  cr_assert_eq(n->call.kernel, TNN_K_x_copy);
  t_free(&c);
}

Test(transpose, bad_perm_is_an_error) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {2, 3};
  Tensor *x = iota(g, "x", 2, d);
  Node *n = node1(g, OP_TRANSPOSE, x);
  ints(g, n, "perm", 2, (int64_t[]){0, 0});
  expect_error(&c, n, "perm is not a permutation");
  Node *m = node1(g, OP_TRANSPOSE, x);
  ints(g, m, "perm", 3, (int64_t[]){0, 1, 2});
  expect_error(&c, m, "perm has 3 entries for an input of rank 2");
  t_free(&c);
}

/* Every permutation of a rank-4 tensor, 4- and 1-byte elements, against a
 * naive loop. */
static bool next_perm(int64_t *p, int n) {
  int i = n - 2;
  while (i >= 0 && p[i] >= p[i + 1]) i--;
  if (i < 0) return false;
  int j = n - 1;
  while (p[j] <= p[i]) j--;
  int64_t t = p[i];
  p[i] = p[j];
  p[j] = t;
  for (int a = i + 1, b = n - 1; a < b; a++, b--) {
    t = p[a];
    p[a] = p[b];
    p[b] = t;
  }
  return true;
}

Test(transpose_kernel, all_rank4_perms_match_naive) {
  const int64_t dims[4] = {2, 3, 4, 5}, n = 120;
  float x[120], y[120];
  int8_t xb[120], yb[120];
  for (int i = 0; i < n; i++) {
    x[i] = (float)i;
    xb[i] = (int8_t)(i - 60);
  }
  tnn_transpose_params p = {.rank = 4, .esize = 4};
  memcpy(p.dims, dims, sizeof dims);
  int64_t perm[4] = {0, 1, 2, 3};
  int count = 0;
  do {
    memcpy(p.perm, perm, sizeof perm);
    p.esize = 4;
    const void *in[] = {x};
    void *out[] = {y};
    cr_assert_eq(tnn_x_transpose(&p, in, out), TNN_OK);
    p.esize = 1;
    const void *inb[] = {xb};
    void *outb[] = {yb};
    cr_assert_eq(tnn_x_transpose(&p, inb, outb), TNN_OK);
    int64_t od[4], st[4] = {60, 20, 5, 1}, o = 0;
    for (int d = 0; d < 4; d++) od[d] = dims[perm[d]];
    int64_t i[4];
    for (i[0] = 0; i[0] < od[0]; i[0]++)
      for (i[1] = 0; i[1] < od[1]; i[1]++)
        for (i[2] = 0; i[2] < od[2]; i[2]++)
          for (i[3] = 0; i[3] < od[3]; i[3]++, o++) {
            int64_t src = 0;
            for (int d = 0; d < 4; d++) src += i[d] * st[perm[d]];
            cr_assert_eq(y[o], x[src]);
            cr_assert_eq(yb[o], xb[src]);
          }
    count++;
  } while (next_perm(perm, 4));
  cr_assert_eq(count, 24);
}

/* -------------------------------------------------------------- concat */

Test(concat, along_axis_1_and_minus_1) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  float av[] = {1, 2}, bv[] = {3, 4, 5, 6};
  Tensor *a = cf(g, "a", 2, (int64_t[]){2, 1}, av);
  Tensor *b = cf(g, "b", 2, (int64_t[]){2, 2}, bv);
  float want[] = {1, 3, 4, 2, 5, 6};
  int64_t axes[] = {1, -1};
  for (int i = 0; i < 2; i++) {
    Node *n = node2(g, OP_CONCAT, a, b);
    t_attr_int(g, n, "axis", axes[i]);
    eval_f32(g, n, 2, (int64_t[]){2, 3}, want, 6);
  }
  t_free(&c);
}

Test(concat, three_int64_with_an_empty_one) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Tensor *in[] = {ci(g, "a", 2, (int64_t[]){1, 2}), ci(g, "e", 0, NULL),
                  ci(g, "b", 3, (int64_t[]){3, 4, 5})};
  Node *n = t_node(g, OP_CONCAT, 3, in, 1);
  t_attr_int(g, n, "axis", 0);
  cr_assert(t_eval(g, n));
  t_expect_i64(n->out[0], (int64_t[]){1, 2, 3, 4, 5}, 5);
  t_free(&c);
}

Test(concat, mismatched_inputs_are_errors) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  float v[6] = {0};
  Tensor *a = cf(g, "a", 2, (int64_t[]){2, 1}, v);
  Tensor *b = cf(g, "b", 2, (int64_t[]){3, 1}, v);
  Node *n = node2(g, OP_CONCAT, a, b);
  t_attr_int(g, n, "axis", 1);
  expect_error(&c, n, "has dim 3 on axis 0, input 0 has 2");
  Node *m = node2(g, OP_CONCAT, a, b);
  expect_error(&c, m, "attribute 'axis' is missing");
  Node *k = node2(g, OP_CONCAT, a, ci(g, "i", 2, (int64_t[]){1, 2}));
  t_attr_int(g, k, "axis", 0);
  expect_error(&c, k, "has type int64, input 0 has float");
  Node *j = node2(g, OP_CONCAT, a, b);
  t_attr_int(g, j, "axis", 2);
  expect_error(&c, j, "axis 2 is out of range for rank 2");
  t_free(&c);
}

/* --------------------------------------------------------------- split */

Test(split, attribute_sizes_opset_11) {
  TestCtx c;
  Graph *g = t_graph(&c, 11);
  int64_t d[] = {5};
  Tensor *in[] = {iota(g, "x", 1, d)};
  Node *n = t_node(g, OP_SPLIT, 1, in, 2);
  ints(g, n, "split", 2, (int64_t[]){2, 3});
  cr_assert(t_eval(g, n));
  t_expect_f32(n->out[0], (float[]){0, 1}, 2, 0);
  t_expect_f32(n->out[1], (float[]){2, 3, 4}, 3, 0);
  t_free(&c);
}

Test(split, input_sizes_opset_13) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {2, 5};
  Tensor *in[] = {iota(g, "x", 2, d), ci(g, "s", 2, (int64_t[]){1, 4})};
  Node *n = t_node(g, OP_SPLIT, 2, in, 2);
  t_attr_int(g, n, "axis", 1);
  cr_assert(t_eval(g, n));
  t_expect_dims(n->out[0], 2, (int64_t[]){2, 1});
  t_expect_dims(n->out[1], 2, (int64_t[]){2, 4});
  t_expect_f32(n->out[0], (float[]){0, 5}, 2, 0);
  t_expect_f32(n->out[1], (float[]){1, 2, 3, 4, 6, 7, 8, 9}, 8, 0);
  t_free(&c);
}

Test(split, num_outputs_opset_18_last_smaller) {
  TestCtx c;
  Graph *g = t_graph(&c, 18);
  int64_t d[] = {7};
  Tensor *in[] = {iota(g, "x", 1, d)};
  Node *n = t_node(g, OP_SPLIT, 1, in, 3);
  t_attr_int(g, n, "num_outputs", 3);
  cr_assert(t_eval(g, n));
  t_expect_f32(n->out[0], (float[]){0, 1, 2}, 3, 0);
  t_expect_f32(n->out[1], (float[]){3, 4, 5}, 3, 0);
  t_expect_f32(n->out[2], (float[]){6}, 1, 0);
  t_free(&c);
}

Test(split, equal_parts_by_default_negative_axis) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {2, 4};
  Tensor *in[] = {iota(g, "x", 2, d)};
  Node *n = t_node(g, OP_SPLIT, 1, in, 2);
  t_attr_int(g, n, "axis", -1);
  cr_assert(t_eval(g, n));
  t_expect_f32(n->out[0], (float[]){0, 1, 4, 5}, 4, 0);
  t_expect_f32(n->out[1], (float[]){2, 3, 6, 7}, 4, 0);
  t_free(&c);
}

Test(split, bad_sizes_are_errors) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {5};
  Tensor *x = iota(g, "x", 1, d);
  Tensor *in[] = {x, ci(g, "s", 2, (int64_t[]){2, 2})};
  Node *n = t_node(g, OP_SPLIT, 2, in, 2);
  expect_error(&c, n, "split sizes add up to 4, but axis 0 has size 5");
  Node *m = t_node(g, OP_SPLIT, 1, in, 2);
  expect_error(&c, m, "cannot be split into 2 equal parts");
  Tensor *in3[] = {x, ci(g, "s3", 3, (int64_t[]){1, 2, 2})};
  Node *k = t_node(g, OP_SPLIT, 2, in3, 2);
  expect_error(&c, k, "split has 3 sizes for 2 outputs");
  t_free(&c);
}

/* --------------------------------------------------------------- slice */

/* x = [[0,1,2,3],[4,5,6,7],[8,9,10,11]] */
static Tensor *x34(Graph *g) { return iota(g, "x", 2, (int64_t[]){3, 4}); }

Test(slice, attributes_before_opset_10) {
  TestCtx c;
  Graph *g = t_graph(&c, 9);
  Tensor *x = x34(g);
  Node *n = node1(g, OP_SLICE, x);
  ints(g, n, "starts", 2, (int64_t[]){1, 0});
  ints(g, n, "ends", 2, (int64_t[]){2, 3});
  eval_f32(g, n, 2, (int64_t[]){1, 3}, (float[]){4, 5, 6}, 3);
  Node *m = node1(g, OP_SLICE, x);
  ints(g, m, "starts", 1, (int64_t[]){-2});
  ints(g, m, "ends", 1, (int64_t[]){INT64_MAX});
  ints(g, m, "axes", 1, (int64_t[]){1});
  eval_f32(g, m, 2, (int64_t[]){3, 2}, (float[]){2, 3, 6, 7, 10, 11}, 6);
  t_free(&c);
}

Test(slice, reverse_with_int64_min_end) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Node *n = node5(g, OP_SLICE, x34(g), ci(g, "b", 1, (int64_t[]){-1}),
                  ci(g, "e", 1, (int64_t[]){INT64_MIN}),
                  ci(g, "a", 1, (int64_t[]){1}),
                  ci(g, "s", 1, (int64_t[]){-1}));
  float want[] = {3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8};
  eval_f32(g, n, 2, (int64_t[]){3, 4}, want, 12);
  t_free(&c);
}

Test(slice, steps_of_two_both_directions) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Tensor *x = x34(g);
  Node *n = node5(g, OP_SLICE, x, ci(g, "b", 2, (int64_t[]){0, 1}),
                  ci(g, "e", 2, (int64_t[]){3, 4}),
                  ci(g, "a", 2, (int64_t[]){0, 1}),
                  ci(g, "s", 2, (int64_t[]){2, 2}));
  eval_f32(g, n, 2, (int64_t[]){2, 2}, (float[]){1, 3, 9, 11}, 4);
  /* start 10 clamps to 2, end -10 + 3 = -7 clamps to -1: rows 2, 0 */
  Node *m = node5(g, OP_SLICE, x, ci(g, "b2", 1, (int64_t[]){10}),
                  ci(g, "e2", 1, (int64_t[]){-10}),
                  ci(g, "a2", 1, (int64_t[]){-2}),
                  ci(g, "s2", 1, (int64_t[]){-2}));
  float want[] = {8, 9, 10, 11, 0, 1, 2, 3};
  eval_f32(g, m, 2, (int64_t[]){2, 4}, want, 8);
  t_free(&c);
}

Test(slice, empty_result_and_huge_step) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Tensor *x = x34(g);
  Tensor *in[] = {x, ci(g, "b", 1, (int64_t[]){2}),
                  ci(g, "e", 1, (int64_t[]){1})};
  Node *n = t_node(g, OP_SLICE, 3, in, 1);
  cr_assert(t_eval(g, n));
  t_expect_dims(n->out[0], 2, (int64_t[]){0, 4});
  Node *m = node5(g, OP_SLICE, x, ci(g, "b2", 1, (int64_t[]){0}),
                  ci(g, "e2", 1, (int64_t[]){INT64_MAX}),
                  ci(g, "a2", 1, (int64_t[]){1}),
                  ci(g, "s2", 1, (int64_t[]){INT64_MAX}));
  eval_f32(g, m, 2, (int64_t[]){3, 1}, (float[]){0, 4, 8}, 3);
  t_free(&c);
}

Test(slice, int32_starts_and_omitted_axes) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int32_t b[] = {1}, e[] = {-1};
  Tensor *in[] = {x34(g), t_const(g, "b", DT_INT32, 1, (int64_t[]){1}, b),
                  t_const(g, "e", DT_INT32, 1, (int64_t[]){1}, e), NULL,
                  NULL};
  Node *n = t_node(g, OP_SLICE, 5, in, 1);
  eval_f32(g, n, 2, (int64_t[]){1, 4}, (float[]){4, 5, 6, 7}, 4);
  t_free(&c);
}

Test(slice, bad_parameters_are_errors) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Tensor *x = x34(g);
  Node *n = node5(g, OP_SLICE, x, ci(g, "b", 1, (int64_t[]){0}),
                  ci(g, "e", 1, (int64_t[]){2}), ci(g, "a", 1, (int64_t[]){0}),
                  ci(g, "s", 1, (int64_t[]){0}));
  expect_error(&c, n, "step 0 on axis 0");
  Node *m = node5(g, OP_SLICE, x, ci(g, "b2", 1, (int64_t[]){0}),
                  ci(g, "e2", 2, (int64_t[]){2, 2}), NULL, NULL);
  expect_error(&c, m, "different lengths");
  Node *k = node5(g, OP_SLICE, x, ci(g, "b3", 1, (int64_t[]){0}),
                  ci(g, "e3", 1, (int64_t[]){2}),
                  ci(g, "a3", 1, (int64_t[]){2}), NULL);
  expect_error(&c, k, "axis 2 is out of range for rank 2");
  t_free(&c);
}

/* ----------------------------------------------------------------- pad */

Test(pad, constant_value_input_opset_11) {
  TestCtx c;
  Graph *g = t_graph(&c, 11);
  float xv[] = {1, 2, 3, 4}, cv = 9.5f;
  Tensor *in[] = {cf(g, "x", 2, (int64_t[]){2, 2}, xv),
                  ci(g, "p", 4, (int64_t[]){1, 0, 0, 1}),
                  cf(g, "v", 0, NULL, &cv)};
  Node *n = t_node(g, OP_PAD, 3, in, 1);
  float want[] = {9.5f, 9.5f, 9.5f, 1, 2, 9.5f, 3, 4, 9.5f};
  eval_f32(g, n, 2, (int64_t[]){3, 3}, want, 9);
  t_free(&c);
}

Test(pad, reflect_and_edge_1d) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  float xv[] = {1, 2, 3};
  Tensor *x = cf(g, "x", 1, (int64_t[]){3}, xv);
  Tensor *p = ci(g, "p", 2, (int64_t[]){2, 2});
  Node *n = node2(g, OP_PAD, x, p);
  t_attr_string(g, n, "mode", "reflect");
  eval_f32(g, n, 1, (int64_t[]){7}, (float[]){3, 2, 1, 2, 3, 2, 1}, 7);
  Node *m = node2(g, OP_PAD, x, p);
  t_attr_string(g, m, "mode", "edge");
  eval_f32(g, m, 1, (int64_t[]){7}, (float[]){1, 1, 1, 2, 3, 3, 3}, 7);
  /* wider than the input: numpy's repeated reflection */
  Node *k = node2(g, OP_PAD, x, ci(g, "p3", 2, (int64_t[]){3, 0}));
  t_attr_string(g, k, "mode", "reflect");
  eval_f32(g, k, 1, (int64_t[]){6}, (float[]){2, 3, 2, 1, 2, 3}, 6);
  t_free(&c);
}

Test(pad, reflect_and_edge_2d) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* [[1,2,3],[4,5,6]] */
  float xv[] = {1, 2, 3, 4, 5, 6};
  Tensor *x = cf(g, "x", 2, (int64_t[]){2, 3}, xv);
  Node *n = node2(g, OP_PAD, x, ci(g, "p", 4, (int64_t[]){1, 1, 1, 1}));
  t_attr_string(g, n, "mode", "reflect");
  float want[] = {5, 4, 5, 6, 5, 2, 1, 2, 3, 2,
                  5, 4, 5, 6, 5, 2, 1, 2, 3, 2};
  eval_f32(g, n, 2, (int64_t[]){4, 5}, want, 20);
  Node *m = node2(g, OP_PAD, x, ci(g, "q", 4, (int64_t[]){1, 0, 0, 2}));
  t_attr_string(g, m, "mode", "edge");
  float want2[] = {1, 2, 3, 3, 3, 1, 2, 3, 3, 3, 4, 5, 6, 6, 6};
  eval_f32(g, m, 2, (int64_t[]){3, 5}, want2, 15);
  t_free(&c);
}

Test(pad, attributes_before_opset_11) {
  TestCtx c;
  Graph *g = t_graph(&c, 2);
  float xv[] = {1, 2, 3, 4};
  Node *n = node1(g, OP_PAD, cf(g, "x", 2, (int64_t[]){2, 2}, xv));
  ints(g, n, "pads", 4, (int64_t[]){0, 1, 0, 1});
  t_attr_float(g, n, "value", -1.0f);
  float want[] = {-1, 1, 2, -1, -1, 3, 4, -1};
  eval_f32(g, n, 2, (int64_t[]){2, 4}, want, 8);
  t_free(&c);
}

Test(pad, negative_pads_crop) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  float xv[] = {1, 2, 3, 4};
  Node *n = node2(g, OP_PAD, cf(g, "x", 2, (int64_t[]){2, 2}, xv),
                  ci(g, "p", 4, (int64_t[]){0, -1, 0, 0}));
  eval_f32(g, n, 2, (int64_t[]){2, 1}, (float[]){2, 4}, 2);
  t_free(&c);
}

Test(pad, axes_input_opset_18) {
  TestCtx c;
  Graph *g = t_graph(&c, 18);
  float xv[] = {1, 2, 3, 4};
  Tensor *in[] = {cf(g, "x", 2, (int64_t[]){2, 2}, xv),
                  ci(g, "p", 2, (int64_t[]){1, 1}), NULL,
                  ci(g, "a", 1, (int64_t[]){-1})};
  Node *n = t_node(g, OP_PAD, 4, in, 1);
  float want[] = {0, 1, 2, 0, 0, 3, 4, 0};
  eval_f32(g, n, 2, (int64_t[]){2, 4}, want, 8);
  t_free(&c);
}

Test(pad, int64_constant_value) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t v = -7;
  Tensor *in[] = {ci(g, "x", 2, (int64_t[]){5, 6}),
                  ci(g, "p", 2, (int64_t[]){1, 1}),
                  t_const(g, "v", DT_INT64, 0, NULL, &v)};
  Node *n = t_node(g, OP_PAD, 3, in, 1);
  cr_assert(t_eval(g, n));
  t_expect_i64(n->out[0], (int64_t[]){-7, 5, 6, -7}, 4);
  t_free(&c);
}

Test(pad, bad_parameters_are_errors) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  float xv[] = {1, 2, 3, 4};
  Tensor *x = cf(g, "x", 2, (int64_t[]){2, 2}, xv);
  Node *n = node2(g, OP_PAD, x, ci(g, "p", 2, (int64_t[]){1, 1}));
  expect_error(&c, n, "pads has 2 values, expected 4");
  Node *m = node2(g, OP_PAD, x, ci(g, "q", 4, (int64_t[]){1, 1, 1, 1}));
  t_attr_string(g, m, "mode", "wrap");
  expect_error(&c, m, "pad mode 'wrap' is not supported");
  Node *k = node2(g, OP_PAD, x, ci(g, "r", 4, (int64_t[]){-3, 0, 0, 0}));
  expect_error(&c, k, "below zero");
  t_free(&c);
}

/* Naive reflect: mirror until inside (the edge not repeated). */
static int64_t naive_reflect(int64_t c, int64_t n) {
  if (n == 1) return 0;
  while (c < 0 || c >= n) c = c < 0 ? -c : 2 * (n - 1) - c;
  return c;
}

/* Random shapes, pads (crops included) and modes against a per-element
 * reference. */
Test(pad_kernel, random_shapes_match_naive) {
  srand(11);
  for (int trial = 0; trial < 300; trial++) {
    tnn_pad_params p = {0};
    p.rank = 1 + rand() % 4;
    p.esize = 4;
    p.dtype = TNN_DT_F32;
    p.mode = rand() % 3;
    p.value = -1.5;
    int64_t n_in = 1, n_out = 1;
    for (int d = 0; d < p.rank; d++) {
      p.in_dims[d] = 1 + rand() % 4;
      int64_t lo = p.mode == 0 ? -1 : 0;
      p.before[d] = lo + rand() % (5 - lo);
      int64_t after = lo + rand() % (5 - lo);
      p.out_dims[d] = p.in_dims[d] + p.before[d] + after;
      if (p.out_dims[d] < 0) {
        p.out_dims[d] = 0;
        p.before[d] = 0;
      }
      n_in *= p.in_dims[d];
      n_out *= p.out_dims[d];
    }
    float x[256];
    float *y = malloc(sizeof(float) * (size_t)(n_out ? n_out : 1));
    for (int i = 0; i < n_in; i++) x[i] = (float)i;
    const void *in[] = {x};
    void *out[] = {y};
    cr_assert_eq(tnn_x_pad(&p, in, out), TNN_OK);
    int64_t idx[TNN_MAX_RANK] = {0};
    for (int64_t o = 0; o < n_out; o++) {
      int64_t off = 0;
      bool fill = false;
      for (int d = 0; d < p.rank; d++) {
        int64_t c = idx[d] - p.before[d], n = p.in_dims[d];
        if (c < 0 || c >= n) {
          if (p.mode == 0) fill = true;
          c = p.mode == 1 ? naive_reflect(c, n) : (c < 0 ? 0 : n - 1);
        }
        off = off * n + c;
      }
      float want = fill ? -1.5f : x[off];
      cr_assert_eq(y[o], want, "trial %d mode %lld element %lld: %g want %g",
                   trial, (long long)p.mode, (long long)o, y[o], want);
      tnn_index_next(p.rank, p.out_dims, idx);
    }
    free(y);
  }
}

/* Random shapes and reduced-dim sets against a naive accumulation. */
Test(reduce_kernel, random_axes_match_naive) {
  srand(5);
  for (int trial = 0; trial < 200; trial++) {
    tnn_reduce_params p = {0};
    p.rank = 1 + rand() % 5;
    int64_t n = 1;
    for (int d = 0; d < p.rank; d++) {
      p.dims[d] = 1 + rand() % 4;
      p.red[d] = rand() % 2;
      n *= p.dims[d];
    }
    float x[1024], sum[1024], mx[1024];
    double want_sum[1024];
    float want_max[1024];
    int64_t cnt[1024] = {0};
    for (int i = 0; i < n; i++) x[i] = (float)(rand() % 100 - 50);
    for (int i = 0; i < 1024; i++) {
      want_sum[i] = 0;
      want_max[i] = -INFINITY;
    }
    int64_t idx[TNN_MAX_RANK] = {0}, nout = 1;
    for (int d = 0; d < p.rank; d++)
      if (!p.red[d]) nout *= p.dims[d];
    for (int64_t i = 0; i < n; i++) {
      int64_t o = 0;
      for (int d = 0; d < p.rank; d++)
        if (!p.red[d]) o = o * p.dims[d] + idx[d];
      want_sum[o] += x[i];
      if (x[i] > want_max[o]) want_max[o] = x[i];
      cnt[o]++;
      tnn_index_next(p.rank, p.dims, idx);
    }
    const void *in[] = {x};
    void *o1[] = {sum}, *o2[] = {mx};
    cr_assert_eq(tnn_f32_reduce_sum(&p, in, o1), TNN_OK);
    cr_assert_eq(tnn_f32_reduce_max(&p, in, o2), TNN_OK);
    for (int64_t o = 0; o < nout; o++) {
      cr_assert_eq(sum[o], (float)want_sum[o], "trial %d out %lld", trial,
                   (long long)o);
      cr_assert_eq(mx[o], want_max[o], "trial %d out %lld", trial,
                   (long long)o);
    }
    cr_assert_eq(cnt[0] * nout, n);
  }
}

/* -------------------------------------------------------------- gather */

Test(gather, axis_0_with_negative_index) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  float dv[] = {1, 2, 3, 4, 5, 6};
  Node *n = node2(g, OP_GATHER, cf(g, "d", 2, (int64_t[]){3, 2}, dv),
                  ci(g, "i", 3, (int64_t[]){2, 0, -1}));
  eval_f32(g, n, 2, (int64_t[]){3, 2}, (float[]){5, 6, 1, 2, 5, 6}, 6);
  t_free(&c);
}

Test(gather, axis_1_int32_2d_indices) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int32_t iv[] = {1, 0, 0, 0};
  Node *n = node2(g, OP_GATHER, iota(g, "d", 2, (int64_t[]){2, 3}),
                  t_const(g, "i", DT_INT32, 2, (int64_t[]){2, 2}, iv));
  t_attr_int(g, n, "axis", 1);
  float want[] = {1, 0, 0, 0, 4, 3, 3, 3};
  eval_f32(g, n, 3, (int64_t[]){2, 2, 2}, want, 8);
  t_free(&c);
}

Test(gather, scalar_index_drops_the_axis) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  float dv[] = {1, 2, 3, 4, 5, 6};
  int64_t i = 1;
  Node *n = node2(g, OP_GATHER, cf(g, "d", 2, (int64_t[]){3, 2}, dv),
                  t_const(g, "i", DT_INT64, 0, NULL, &i));
  eval_f32(g, n, 1, (int64_t[]){2}, (float[]){3, 4}, 2);
  /* int64 data, as in Shape -> Gather */
  Node *m = node2(g, OP_GATHER, ci(g, "s", 3, (int64_t[]){7, 8, 9}),
                  t_const(g, "j", DT_INT64, 0, NULL, &i));
  cr_assert(t_eval(g, m));
  t_expect_dims(m->out[0], 0, NULL);
  t_expect_i64(m->out[0], (int64_t[]){8}, 1);
  t_free(&c);
}

Test(gather, constant_index_out_of_range) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {5};
  Tensor *x = iota(g, "d", 1, d);
  Node *n = node2(g, OP_GATHER, x, ci(g, "i", 2, (int64_t[]){1, 7}));
  expect_error(&c, n, "index 7 out of range for axis 0 of size 5");
  Node *m = node2(g, OP_GATHER, x, ci(g, "j", 1, (int64_t[]){-6}));
  expect_error(&c, m, "index -6 out of range for axis 0 of size 5");
  Node *k = node2(g, OP_GATHER, x, ci(g, "k", 1, (int64_t[]){0}));
  t_attr_int(g, k, "axis", 1);
  expect_error(&c, k, "axis 1 is out of range for rank 1");
  t_free(&c);
}

Test(gather_kernel, runtime_index_out_of_range) {
  float d[] = {1, 2, 3};
  int32_t i32[] = {0, 3};
  int64_t i64[] = {-4};
  float y[2];
  tnn_gather_params p = {.outer = 1, .len = 3, .inner = 4, .nidx = 2,
                         .idx64 = 0};
  const void *in[] = {d, i32};
  void *out[] = {y};
  cr_assert_eq(tnn_x_gather(&p, in, out), TNN_E_INDEX);
  p.nidx = 1;
  p.idx64 = 1;
  const void *in64[] = {d, i64};
  cr_assert_eq(tnn_x_gather(&p, in64, out), TNN_E_INDEX);
  i64[0] = -3;
  cr_assert_eq(tnn_x_gather(&p, in64, out), TNN_OK);
  cr_assert_eq(y[0], 1);
}

/* -------------------------------------------------------------- reduce */

/* x = [[1,2,3],[4,5,6]] */
static Tensor *x23(Graph *g) {
  return cf(g, "x", 2, (int64_t[]){2, 3}, (float[]){1, 2, 3, 4, 5, 6});
}

Test(reduce, mean_attribute_axes_keepdims) {
  TestCtx c;
  Graph *g = t_graph(&c, 11);
  Tensor *x = x23(g);
  Node *n = node1(g, OP_REDUCE_MEAN, x);
  ints(g, n, "axes", 1, (int64_t[]){1});
  eval_f32(g, n, 2, (int64_t[]){2, 1}, (float[]){2, 5}, 2);
  Node *m = node1(g, OP_REDUCE_MEAN, x);
  ints(g, m, "axes", 1, (int64_t[]){0});
  t_attr_int(g, m, "keepdims", 0);
  eval_f32(g, m, 1, (int64_t[]){3}, (float[]){2.5f, 3.5f, 4.5f}, 3);
  t_free(&c);
}

Test(reduce, mean_over_outer_and_inner_axes) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* x[a][b][c] = 12a + 4b + c; mean over a, c = 6 + 1.5 + 4b */
  Node *n = node1(g, OP_REDUCE_MEAN, iota(g, "x", 3, (int64_t[]){2, 3, 4}));
  ints(g, n, "axes", 2, (int64_t[]){0, -1});
  t_attr_int(g, n, "keepdims", 0);
  eval_f32(g, n, 1, (int64_t[]){3}, (float[]){7.5f, 11.5f, 15.5f}, 3);
  t_free(&c);
}

Test(reduce, sum_axes_input_opset_13) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Tensor *x = x23(g);
  Node *n = node2(g, OP_REDUCE_SUM, x, ci(g, "a", 1, (int64_t[]){-1}));
  t_attr_int(g, n, "keepdims", 0);
  eval_f32(g, n, 1, (int64_t[]){2}, (float[]){6, 15}, 2);
  /* no axes: everything, keepdims 1 */
  Node *m = node1(g, OP_REDUCE_SUM, x);
  eval_f32(g, m, 2, (int64_t[]){1, 1}, (float[]){21}, 1);
  Node *k = node1(g, OP_REDUCE_SUM, x);
  t_attr_int(g, k, "keepdims", 0);
  eval_f32(g, k, 0, NULL, (float[]){21}, 1);
  t_free(&c);
}

Test(reduce, noop_with_empty_axes) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Tensor *x = x23(g);
  float want[] = {1, 2, 3, 4, 5, 6};
  Node *n = node1(g, OP_REDUCE_SUM, x);
  t_attr_int(g, n, "noop_with_empty_axes", 1);
  eval_f32(g, n, 2, (int64_t[]){2, 3}, want, 6);
  Node *m = node2(g, OP_REDUCE_SUM, x, ci(g, "e", 0, NULL));
  t_attr_int(g, m, "noop_with_empty_axes", 1);
  eval_f32(g, m, 2, (int64_t[]){2, 3}, want, 6);
  t_free(&c);
}

Test(reduce, sum_attribute_before_opset_13) {
  TestCtx c;
  Graph *g = t_graph(&c, 11);
  Node *n = node1(g, OP_REDUCE_SUM, x23(g));
  ints(g, n, "axes", 1, (int64_t[]){0});
  eval_f32(g, n, 2, (int64_t[]){1, 3}, (float[]){5, 7, 9}, 3);
  t_free(&c);
}

Test(reduce, max_axes_input_opset_18_and_attribute_opset_13) {
  TestCtx c;
  Graph *g = t_graph(&c, 18);
  float v[] = {-1, -5, -3, -4, -2, -6};
  Tensor *x = cf(g, "x", 2, (int64_t[]){2, 3}, v);
  Node *n = node2(g, OP_REDUCE_MAX, x, ci(g, "a", 1, (int64_t[]){1}));
  t_attr_int(g, n, "keepdims", 0);
  eval_f32(g, n, 1, (int64_t[]){2}, (float[]){-1, -2}, 2);
  g->opset = 13;
  Node *m = node1(g, OP_REDUCE_MAX, x);
  ints(g, m, "axes", 1, (int64_t[]){0});
  eval_f32(g, m, 2, (int64_t[]){1, 3}, (float[]){-1, -2, -3}, 3);
  t_free(&c);
}

Test(reduce, int64_sum_and_max) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t v[] = {1, 2, 3, 4, 5, 6};
  Tensor *x = t_const(g, "x", DT_INT64, 2, (int64_t[]){2, 3}, v);
  Node *n = node2(g, OP_REDUCE_SUM, x, ci(g, "a", 1, (int64_t[]){0}));
  t_attr_int(g, n, "keepdims", 0);
  cr_assert(t_eval(g, n));
  t_expect_i64(n->out[0], (int64_t[]){5, 7, 9}, 3);
  Node *m = node1(g, OP_REDUCE_MAX, x);
  ints(g, m, "axes", 1, (int64_t[]){1});
  cr_assert(t_eval(g, m));
  t_expect_dims(m->out[0], 2, (int64_t[]){2, 1});
  t_expect_i64(m->out[0], (int64_t[]){3, 6}, 2);
  t_free(&c);
}

Test(reduce, bad_inputs_are_errors) {
  TestCtx c;
  Graph *g = t_graph(&c, 11);
  Tensor *x = x23(g);
  Node *n = node1(g, OP_REDUCE_MEAN, x);
  ints(g, n, "axes", 1, (int64_t[]){2});
  expect_error(&c, n, "axis 2 is out of range for rank 2");
  Node *m = node1(g, OP_REDUCE_MEAN, ci(g, "i", 2, (int64_t[]){1, 2}));
  expect_error(&c, m, "ReduceMean on int64 tensors is not supported");
  Node *k = node2(g, OP_REDUCE_SUM, x, ci(g, "a", 1, (int64_t[]){0}));
  expect_error(&c, k, "axes as an input needs opset 13");
  g->opset = 18;
  Tensor *ra = ir_tensor_new(g, "ra");
  ir_tensor_set_shape(ra, DT_INT64, 1, (int64_t[]){1});
  Node *j = node2(g, OP_REDUCE_MAX, x, ra);
  expect_error(&c, j, "(axes) must be a constant");
  Node *h = node1(g, OP_REDUCE_MAX, x);
  ints(g, h, "axes", 2, (int64_t[]){0, -2});
  g->opset = 13;
  expect_error(&c, h, "axis 0 is given twice");
  t_free(&c);
}

/* -------------------------------------------------------------- argmax */

Test(argmax, axis_keepdims_select_last_index) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* [[1,3,3],[5,2,5]] */
  float v[] = {1, 3, 3, 5, 2, 5};
  Tensor *x = cf(g, "x", 2, (int64_t[]){2, 3}, v);
  Node *n = node1(g, OP_ARG_MAX, x);
  t_attr_int(g, n, "axis", 1);
  cr_assert(t_eval(g, n));
  cr_assert_eq(n->out[0]->dtype, DT_INT64);
  t_expect_dims(n->out[0], 2, (int64_t[]){2, 1});
  t_expect_i64(n->out[0], (int64_t[]){1, 0}, 2);
  Node *m = node1(g, OP_ARG_MAX, x);
  t_attr_int(g, m, "axis", -1);
  t_attr_int(g, m, "select_last_index", 1);
  t_attr_int(g, m, "keepdims", 0);
  cr_assert(t_eval(g, m));
  t_expect_dims(m->out[0], 1, (int64_t[]){2});
  t_expect_i64(m->out[0], (int64_t[]){2, 2}, 2);
  Node *k = node1(g, OP_ARG_MAX, x);
  t_attr_int(g, k, "keepdims", 0);
  cr_assert(t_eval(g, k));
  t_expect_i64(k->out[0], (int64_t[]){1, 0, 1}, 3);
  Node *e = node1(g, OP_ARG_MAX, x);
  t_attr_int(g, e, "axis", 2);
  expect_error(&c, e, "axis 2 is out of range for rank 2");
  t_free(&c);
}

/* ---------------------------------------------------------------- topk */

/* x = [[1,4,4,2],[7,7,7,0]] */
static Tensor *x24(Graph *g) {
  return cf(g, "x", 2, (int64_t[]){2, 4}, (float[]){1, 4, 4, 2, 7, 7, 7, 0});
}

static Node *topk(Graph *g, Tensor *x, int64_t k) {
  Tensor *in[] = {x, ci(g, "k", 1, &k)};
  return t_node(g, OP_TOPK, 2, in, 2);
}

Test(topk, largest_ties_keep_lower_index) {
  TestCtx c;
  Graph *g = t_graph(&c, 11);
  Node *n = topk(g, x24(g), 2);
  cr_assert(t_eval(g, n));
  t_expect_dims(n->out[0], 2, (int64_t[]){2, 2});
  t_expect_f32(n->out[0], (float[]){4, 4, 7, 7}, 4, 0);
  t_expect_i64(n->out[1], (int64_t[]){1, 2, 0, 1}, 4);
  t_free(&c);
}

Test(topk, smallest) {
  TestCtx c;
  Graph *g = t_graph(&c, 11);
  Node *n = topk(g, x24(g), 3);
  t_attr_int(g, n, "largest", 0);
  cr_assert(t_eval(g, n));
  t_expect_f32(n->out[0], (float[]){1, 2, 4, 0, 7, 7}, 6, 0);
  t_expect_i64(n->out[1], (int64_t[]){0, 3, 1, 3, 0, 1}, 6);
  t_free(&c);
}

Test(topk, axis_0) {
  TestCtx c;
  Graph *g = t_graph(&c, 11);
  Node *n = topk(g, x24(g), 1);
  t_attr_int(g, n, "axis", 0);
  cr_assert(t_eval(g, n));
  t_expect_dims(n->out[1], 2, (int64_t[]){1, 4});
  t_expect_f32(n->out[0], (float[]){7, 7, 7, 2}, 4, 0);
  t_expect_i64(n->out[1], (int64_t[]){1, 1, 1, 0}, 4);
  t_free(&c);
}

Test(topk, k_attribute_before_opset_10) {
  TestCtx c;
  Graph *g = t_graph(&c, 9);
  Tensor *in[] = {x24(g)};
  Node *n = t_node(g, OP_TOPK, 1, in, 2);
  t_attr_int(g, n, "k", 1);
  cr_assert(t_eval(g, n));
  t_expect_f32(n->out[0], (float[]){4, 7}, 2, 0);
  t_expect_i64(n->out[1], (int64_t[]){1, 0}, 2);
  t_free(&c);
}

Test(topk, k_out_of_range) {
  TestCtx c;
  Graph *g = t_graph(&c, 11);
  Node *n = topk(g, x24(g), 5);
  expect_error(&c, n, "K = 5 is out of range for axis 1 of size 4");
  t_free(&c);
}

/* Many ties: against a naive selection (best value, lowest index first). */
Test(topk_kernel, random_with_ties_matches_naive) {
  enum { LEN = 40, INNER = 3 };
  float x[LEN * INNER], vals[LEN * INNER];
  int64_t idx[LEN * INNER];
  srand(7);
  for (int trial = 0; trial < 50; trial++) {
    for (int i = 0; i < LEN * INNER; i++) x[i] = (float)(rand() % 7);
    int64_t k = 1 + rand() % LEN, largest = trial % 2;
    tnn_topk_params p = {.outer = 1, .len = LEN, .inner = INNER, .k = k,
                         .largest = largest, .sorted = 1};
    const void *in[] = {x};
    void *out[] = {vals, idx};
    cr_assert_eq(tnn_f32_topk(&p, in, out), TNN_OK);
    for (int s = 0; s < INNER; s++) {
      bool taken[LEN] = {false};
      for (int64_t r = 0; r < k; r++) {
        int best = -1;
        for (int j = 0; j < LEN; j++) {
          if (taken[j]) continue;
          float v = x[j * INNER + s];
          if (best < 0 || (largest ? v > x[best * INNER + s]
                                   : v < x[best * INNER + s]))
            best = j;
        }
        taken[best] = true;
        cr_assert_eq(idx[r * INNER + s], best, "trial %d slice %d rank %lld",
                     trial, s, (long long)r);
        cr_assert_eq(vals[r * INNER + s], x[best * INNER + s]);
      }
    }
  }
}

/* ------------------------------------------------------------ constant */

Test(constant, value_tensor) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Node *n = t_node(g, OP_CONSTANT, 0, NULL, 1);
  Tensor *t = arena_alloc(g->arena, sizeof *t);
  t->name = "value";
  float v[] = {1.5f, -2, 3};
  ir_tensor_set_shape(t, DT_FLOAT, 2, (int64_t[]){1, 3});
  t->data = v;
  ir_node_add_attr(g, n, "value", ATTR_TENSOR)->t = t;
  eval_f32(g, n, 2, (int64_t[]){1, 3}, v, 3);
  cr_assert(n->out[0]->data != v, "the output owns a copy");
  t_free(&c);
}

Test(constant, scalar_and_list_attributes) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Node *n = t_node(g, OP_CONSTANT, 0, NULL, 1);
  t_attr_float(g, n, "value_float", 2.5f);
  eval_f32(g, n, 0, NULL, (float[]){2.5f}, 1);
  Node *m = t_node(g, OP_CONSTANT, 0, NULL, 1);
  ints(g, m, "value_ints", 3, (int64_t[]){3, 1, 2});
  cr_assert(t_eval(g, m));
  cr_assert_eq(m->out[0]->dtype, DT_INT64);
  t_expect_dims(m->out[0], 1, (int64_t[]){3});
  t_expect_i64(m->out[0], (int64_t[]){3, 1, 2}, 3);
  Node *k = t_node(g, OP_CONSTANT, 0, NULL, 1);
  t_attr_int(g, k, "value_int", 7);
  cr_assert(t_eval(g, k));
  t_expect_dims(k->out[0], 0, NULL);
  t_expect_i64(k->out[0], (int64_t[]){7}, 1);
  Node *f = t_node(g, OP_CONSTANT, 0, NULL, 1);
  Attr *a = ir_node_add_attr(g, f, "value_floats", ATTR_FLOATS);
  float fv[] = {0.5f, 0.25f};
  a->n = 2;
  a->floats = fv;
  eval_f32(g, f, 1, (int64_t[]){2}, fv, 2);
  t_free(&c);
}

Test(constant, missing_or_extra_value_is_an_error) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Node *n = t_node(g, OP_CONSTANT, 0, NULL, 1);
  expect_error(&c, n, "no value attribute");
  Node *m = t_node(g, OP_CONSTANT, 0, NULL, 1);
  t_attr_int(g, m, "value_int", 1);
  t_attr_float(g, m, "value_float", 1);
  expect_error(&c, m, "more than one value attribute");
  Node *k = t_node(g, OP_CONSTANT, 0, NULL, 1);
  t_attr_string(g, k, "value_string", "x");
  expect_error(&c, k, "'value_string' is not supported");
  t_free(&c);
}

Test(shape, full_and_start_end_opset_15) {
  TestCtx c;
  Graph *g = t_graph(&c, 15);
  Tensor *x = rt(g, "x", 3, (int64_t[]){2, 3, 4});
  Node *n = node1(g, OP_SHAPE, x);
  cr_assert(t_eval(g, n));
  t_expect_i64(n->out[0], (int64_t[]){2, 3, 4}, 3);
  Node *m = node1(g, OP_SHAPE, x);
  t_attr_int(g, m, "start", 1);
  cr_assert(t_eval(g, m));
  t_expect_i64(m->out[0], (int64_t[]){3, 4}, 2);
  Node *k = node1(g, OP_SHAPE, x);
  t_attr_int(g, k, "start", -2);
  t_attr_int(g, k, "end", -1);
  cr_assert(t_eval(g, k));
  t_expect_i64(k->out[0], (int64_t[]){3}, 1);
  Node *e = node1(g, OP_SHAPE, x);
  t_attr_int(g, e, "start", 5);
  cr_assert(t_eval(g, e));
  t_expect_dims(e->out[0], 1, (int64_t[]){0});
  t_free(&c);
}

Test(constant_of_shape, default_zero_and_int64_value) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Node *n = node1(g, OP_CONSTANT_OF_SHAPE, ci(g, "s", 2, (int64_t[]){2, 3}));
  eval_f32(g, n, 2, (int64_t[]){2, 3}, (float[]){0, 0, 0, 0, 0, 0}, 6);
  Node *m = node1(g, OP_CONSTANT_OF_SHAPE, ci(g, "s2", 1, (int64_t[]){2}));
  Tensor *t = arena_alloc(g->arena, sizeof *t);
  int64_t seven = 7;
  t->name = "value";
  ir_tensor_set_shape(t, DT_INT64, 1, (int64_t[]){1});
  t->data = &seven;
  ir_node_add_attr(g, m, "value", ATTR_TENSOR)->t = t;
  cr_assert(t_eval(g, m));
  t_expect_i64(m->out[0], (int64_t[]){7, 7}, 2);
  Node *k = node1(g, OP_CONSTANT_OF_SHAPE, ci(g, "s3", 2, (int64_t[]){2, -1}));
  expect_error(&c, k, "negative dim");
  Tensor *rs = ir_tensor_new(g, "rs");
  ir_tensor_set_shape(rs, DT_INT64, 1, (int64_t[]){2});
  Node *j = node1(g, OP_CONSTANT_OF_SHAPE, rs);
  expect_error(&c, j, "must be a constant");
  t_free(&c);
}

/* ----------------------------------------------------- whole graphs */

/* y = Transpose(Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1])))
 * on a runtime x: shape inference folds the shape chain to constants, then
 * the interpreter runs Reshape (a view) and Transpose. */
Test(graph, shape_chain_folds_and_runs) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Tensor *x = rt(g, "x", 3, (int64_t[]){2, 3, 2});
  ir_graph_add_input(g, x);
  Node *sh = node1(g, OP_SHAPE, x);
  int64_t zero = 0;
  Node *ga = node2(g, OP_GATHER, sh->out[0],
                   t_const(g, "i0", DT_INT64, 0, NULL, &zero));
  Node *un = node2(g, OP_UNSQUEEZE, ga->out[0], ci(g, "ax", 1, &zero));
  Node *co = node2(g, OP_CONCAT, un->out[0], ci(g, "m1", 1, (int64_t[]){-1}));
  t_attr_int(g, co, "axis", 0);
  Node *re = node2(g, OP_RESHAPE, x, co->out[0]);
  Node *tr = node1(g, OP_TRANSPOSE, re->out[0]);
  ir_graph_add_output(g, tr->out[0]);
  cr_assert(pass_canonicalize(g));
  cr_assert(pass_infer_shapes(g));
  t_expect_dims(re->out[0], 2, (int64_t[]){2, 6});
  t_expect_dims(tr->out[0], 2, (int64_t[]){6, 2});
  t_expect_i64(co->out[0], (int64_t[]){2, -1}, 2);
  cr_assert(pass_fold_constants(g));
  cr_assert(pass_lower(g));
  float xv[12], yv[12];
  for (int i = 0; i < 12; i++) xv[i] = (float)i;
  const void *inputs[] = {xv};
  void *outputs[] = {yv};
  cr_assert(interp_run(g, inputs, outputs));
  for (int r = 0; r < 6; r++)
    for (int k = 0; k < 2; k++)
      cr_assert_eq(yv[r * 2 + k], xv[k * 6 + r]);
  t_free(&c);
}

/* Gather with runtime indices: the kernel's range check reaches the caller. */
Test(graph, runtime_gather_index_error) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  float dv[] = {1, 2, 3};
  Tensor *idx = ir_tensor_new(g, "idx");
  ir_tensor_set_shape(idx, DT_INT64, 1, (int64_t[]){2});
  ir_graph_add_input(g, idx);
  Node *n = node2(g, OP_GATHER, cf(g, "d", 1, (int64_t[]){3}, dv), idx);
  ir_graph_add_output(g, n->out[0]);
  cr_assert(pass_canonicalize(g));
  cr_assert(pass_infer_shapes(g));
  cr_assert(pass_lower(g));
  int64_t good[] = {2, -3}, bad[] = {0, 3};
  float y[2];
  const void *in_good[] = {good}, *in_bad[] = {bad};
  void *out[] = {y};
  cr_assert(interp_run(g, in_good, out));
  cr_assert_eq(y[0], 3);
  cr_assert_eq(y[1], 1);
  c.diag.sink = NULL;
  cr_assert_not(interp_run(g, in_bad, out));
  cr_assert_eq(c.diag.nerrors, 1);
  t_free(&c);
}

/* Integer overflow wraps and float-to-int casts saturate: no undefined
 * behaviour when constant folding meets extreme values (fuzzer finds). */
Test(integers, arithmetic_wraps_and_casts_saturate) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t big[] = {INT64_MAX}, two[] = {2}, minv[] = {INT64_MIN}, m1[] = {-1};
  Tensor *ain[] = {ci(g, "a", 1, big), ci(g, "b", 1, two)};
  Node *add = t_node(g, OP_ADD, 2, ain, 1);
  cr_assert(t_eval(g, add));
  t_expect_i64(add->out[0], (int64_t[]){INT64_MIN + 1}, 1);
  Tensor *din[] = {ci(g, "m", 1, minv), ci(g, "n1", 1, m1)};
  Node *div = t_node(g, OP_DIV, 2, din, 1);
  cr_assert(t_eval(g, div));
  t_expect_i64(div->out[0], (int64_t[]){INT64_MIN}, 1);
  Tensor *nin[] = {ci(g, "m2", 1, minv)};
  Node *neg = t_node(g, OP_NEG, 1, nin, 1);
  cr_assert(t_eval(g, neg));
  t_expect_i64(neg->out[0], (int64_t[]){INT64_MIN}, 1);
  float huge[] = {1e30f, -1e30f, NAN};
  int64_t three = 3;
  Tensor *cin[] = {t_const(g, "f", DT_FLOAT, 1, &three, huge)};
  Node *cast = t_node(g, OP_CAST, 1, cin, 1);
  t_attr_int(g, cast, "to", DT_INT64);
  cr_assert(t_eval(g, cast));
  t_expect_i64(cast->out[0], (int64_t[]){INT64_MAX, INT64_MIN, 0}, 3);
  t_free(&c);
}

/* -------------------------------------------------------------- resize */

/* Resize(x, roi, scales, sizes) at opset 13 with the given inputs (NULL
 * for omitted). */
static Node *resize13(Graph *g, Tensor *x, Tensor *roi, Tensor *scales,
                      Tensor *sizes) {
  Tensor *in[] = {x, roi, scales, sizes};
  return t_node(g, OP_RESIZE, 4, in, 1);
}

static Tensor *cf1(Graph *g, const char *name, int n, const float *v) {
  int64_t d[1] = {n};
  return cf(g, name, 1, d, v);
}

Test(resize, nearest_asymmetric_round_prefer_floor) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* x / 1.5 = 0, .67, 1.33, 2, 2.67, 3.33 -> 0 1 1 2 3 3 */
  Node *n = resize13(g, iota(g, "x", 2, (int64_t[]){1, 4}), NULL,
                     cf1(g, "s", 2, (float[]){1, 1.5f}), NULL);
  t_attr_string(g, n, "coordinate_transformation_mode", "asymmetric");
  eval_f32(g, n, 2, (int64_t[]){1, 6}, (float[]){0, 1, 1, 2, 3, 3}, 6);
  t_free(&c);
}

Test(resize, opset10_downsample_rounds_up) {
  TestCtx c;
  Graph *g = t_graph(&c, 10);
  /* asymmetric, onnxruntime's SIMPLE rounding: ceil(o / 0.6) = 0, 2, 4 */
  Tensor *in[] = {iota(g, "x", 1, (int64_t[]){5}),
                  cf1(g, "s", 1, (float[]){0.6f})};
  Node *n = t_node(g, OP_RESIZE, 2, in, 1);
  eval_f32(g, n, 1, (int64_t[]){3}, (float[]){0, 2, 4}, 3);
  t_free(&c);
}

Test(resize, linear_half_pixel_clamps_at_the_edges) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* (o + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> clamped to [0, 1] */
  Node *n = resize13(g, cf1(g, "x", 2, (float[]){0, 10}), NULL,
                     cf1(g, "s", 1, (float[]){2}), NULL);
  t_attr_string(g, n, "mode", "linear");
  eval_f32(g, n, 1, (int64_t[]){4}, (float[]){0, 2.5f, 7.5f, 10}, 4);
  t_free(&c);
}

Test(resize, tf_crop_and_resize_extrapolates) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* roi [-0.5, 0.5] of 4 pixels to 3: -1.5 (outside), 0, 1.5 */
  Node *n = resize13(g, cf1(g, "x", 4, (float[]){0, 10, 20, 30}),
                     cf1(g, "roi", 2, (float[]){-0.5f, 0.5f}), NULL,
                     ci(g, "sizes", 1, (int64_t[]){3}));
  t_attr_string(g, n, "mode", "linear");
  t_attr_string(g, n, "coordinate_transformation_mode", "tf_crop_and_resize");
  t_attr_float(g, n, "extrapolation_value", 99);
  eval_f32(g, n, 1, (int64_t[]){3}, (float[]){99, 0, 15}, 3);
  t_free(&c);
}

Test(resize, cubic_identity_axis_and_whole_scale) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* axis 0 of scale 1 is copied; axis 1 at scale 1 with the same length too,
   * so the cubic resize of [2, 3] by [1, 1] is the input */
  Node *n = resize13(g, iota(g, "x", 2, (int64_t[]){2, 3}), NULL,
                     cf1(g, "s", 2, (float[]){1, 1}), NULL);
  t_attr_string(g, n, "mode", "cubic");
  eval_f32(g, n, 2, (int64_t[]){2, 3}, (float[]){0, 1, 2, 3, 4, 5}, 6);
  t_free(&c);
}

Test(resize, refusals_name_the_input) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Tensor *x = rt(g, "x", 2, (int64_t[]){2, 2});
  expect_error(&c, resize13(g, x, NULL, rt(g, "s", 1, (int64_t[]){2}), NULL),
               "input 2 's' (scales) must be a constant");
  expect_error(&c, resize13(g, x, NULL, cf1(g, "s2", 2, (float[]){2, 2}),
                            ci(g, "z", 2, (int64_t[]){4, 4})),
               "both scales and sizes");
  expect_error(&c, resize13(g, x, NULL, cf1(g, "s3", 2, (float[]){2, 0}),
                            NULL),
               "scales[1] = 0 is not a positive number");
  Node *m = resize13(g, x, NULL, cf1(g, "s4", 2, (float[]){2, 2}), NULL);
  t_attr_string(g, m, "mode", "area");
  expect_error(&c, m, "mode 'area' is not supported");
  t_free(&c);
}

Test(resize, nearest_moves_int64_and_double_elements) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* half_pixel x2 on axis 0 of [2, 2]: rows 0 0 1 1 */
  int64_t d[] = {2, 2};
  Tensor *xi = t_const(g, "xi", DT_INT64, 2, d,
                       (int64_t[]){INT64_MIN, 5, -7, INT64_MAX});
  Node *n = resize13(g, xi, NULL, cf1(g, "s", 2, (float[]){2, 1}), NULL);
  cr_assert(t_eval(g, n));
  t_expect_dims(n->out[0], 2, (int64_t[]){4, 2});
  t_expect_i64(n->out[0],
               (int64_t[]){INT64_MIN, 5, INT64_MIN, 5, -7, INT64_MAX, -7,
                           INT64_MAX}, 8);
  Tensor *xd = t_const(g, "xd", DT_DOUBLE, 2, d,
                       (double[]){0.1, 1e300, -2.5, 3});
  Node *m = resize13(g, xd, NULL, cf1(g, "s2", 2, (float[]){1, 1.5f}), NULL);
  cr_assert(t_eval(g, m));
  t_expect_dims(m->out[0], 2, (int64_t[]){2, 3});
  /* (o + 0.5) / 1.5 - 0.5 = -0.17, 0.5, 1.17 -> 0 0 1 (0.5 prefers floor) */
  const double want[] = {0.1, 0.1, 1e300, -2.5, -2.5, 3};
  const double *got = m->out[0]->data;
  for (int i = 0; i < 6; i++) cr_assert_eq(got[i], want[i], "element %d", i);
  t_free(&c);
}

/* ----------------------------------------------- float16 / bfloat16 (tnn_half.h) */

/* The value of a float16 / bfloat16 pattern, independently of tnn_half.h. */
static double half_value(uint16_t h, int bf16) {
  const int mb = bf16 ? 7 : 10, bias = bf16 ? 127 : 15, emax = 2 * bias + 1;
  const int e = (h >> mb) & emax, m = h & ((1 << mb) - 1);
  const double s = h & 0x8000 ? -1.0 : 1.0;
  if (e == emax) return m ? NAN : s * INFINITY;
  return s * (e ? ldexp((1 << mb) + m, e - bias - mb) : ldexp(m, 1 - bias - mb));
}

/* Every float16 and bfloat16 pattern widens to its value and narrows back
 * to itself; a NaN to a NaN of its sign (a signalling one comes back quiet:
 * the float -> double step quiets it). */
Test(half, every_pattern_round_trips) {
  for (uint32_t i = 0; i < 65536; i++) {
    const uint16_t h = (uint16_t)i;
    const float f = tnn_f16_to_f32(h), b = tnn_bf16_to_f32(h);
    const double hv = half_value(h, 0), bv = half_value(h, 1);
    cr_assert(f == hv || (f != f && hv != hv), "f16 %04x: %g vs %g", i, f, hv);
    cr_assert(b == bv || (b != b && bv != bv), "bf16 %04x: %g vs %g", i, b, bv);
    const uint16_t f2 = tnn_f32_to_f16(f), b2 = tnn_f32_to_bf16(b);
    if (f != f) cr_assert((f2 & 0xfc00) == (h & 0xfc00) && (f2 & 0x3ff), "f16 %04x -> %04x", i, f2);
    else cr_assert_eq(f2, h, "f16 %04x", i);
    if (b != b) cr_assert((b2 & 0xff80) == (h & 0xff80) && (b2 & 0x7f), "bf16 %04x -> %04x", i, b2);
    else cr_assert_eq(b2, h, "bf16 %04x", i);
  }
}

/* Narrowing random floats and doubles gives the nearest pattern, ties to
 * the even one, beyond the largest finite value by half an ulp infinity. */
Test(half, narrowing_rounds_to_nearest_even) {
  uint64_t s = 12345;
  for (int t = 0; t < 400000; t++) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    double d;
    if (t & 1) {
      uint32_t fb = (uint32_t)s;
      float f;
      memcpy(&f, &fb, 4);
      d = f;
    } else {
      /* doubles near the float16 range, ties included */
      d = ldexp((double)(s >> 40) / 16777216.0, (int)((s >> 8) % 48) - 30);
      if (s & 1) d = -d;
    }
    if (d != d) continue;
    for (int bf16 = 0; bf16 < 2; bf16++) {
      const uint16_t h = bf16 ? tnn_f64_to_bf16(d) : tnn_f64_to_f16(d);
      const double v = half_value(h, bf16);
      const double up = half_value((uint16_t)(h + 1), bf16), dn = half_value((uint16_t)(h - 1), bf16);
      const double maxf = half_value(bf16 ? 0x7f7f : 0x7bff, bf16);
      const double half_ulp = bf16 ? ldexp(1.0, 127 - 8) : 16.0;
      if (fabs(d) >= maxf + half_ulp) {
        cr_assert(isinf(v) && (v > 0) == (d > 0), "%a -> %04x", d, h);
        continue;
      }
      cr_assert(!isinf(v), "%a -> %04x", d, h);
      const double err = fabs(d - v);
      /* neighbours on either side of v (zero's neighbours across the sign) */
      if ((h & 0x7fff) != 0 && (h & 0x7fff) != (bf16 ? 0x7f7f : 0x7bff)) {
        cr_assert(err <= fabs(d - up) && err <= fabs(d - dn), "%a -> %04x (%g)", d, h, v);
        if (err == fabs(d - up) || err == fabs(d - dn)) cr_assert_eq(h & 1, 0, "tie %a -> %04x", d, h);
      }
      cr_assert(err <= (bf16 ? ldexp(fabs(v), -8) : ldexp(fabs(v), -11)) + ldexp(1.0, bf16 ? -134 : -25),
                "%a -> %04x (%g)", d, h, v);
    }
  }
}
