/* Unit tests of the NN op kinds (ir/ops/conv.c, gemm.c, pool.c,
 * batchnorm.c, softmax.c) and their runtime kernels (runtime/tnn_nn.h).
 * Expected values are computed by hand in the comments; the randomised
 * tests compare against naive loops written straight from the ONNX
 * definitions. */
#include <float.h>
#include <stdlib.h>

#include "util.h"

/* ------------------------------------------------------------- helpers */

static Tensor *cf(Graph *g, const char *name, int rank, const int64_t *dims,
                  const float *v) {
  return t_const(g, name, DT_FLOAT, rank, dims, v);
}

/* A float constant 0, 1, 2, ... of the given shape. */
static Tensor *iota(Graph *g, const char *name, int rank, const int64_t *dims) {
  int64_t n = 1;
  for (int d = 0; d < rank; d++) n *= dims[d];
  float *v = arena_calloc(g->arena, (size_t)(n ? n : 1), sizeof(float));
  for (int64_t i = 0; i < n; i++) v[i] = (float)i;
  return cf(g, name, rank, dims, v);
}

/* A float constant filled with `v`. */
static Tensor *fill(Graph *g, const char *name, int rank, const int64_t *dims,
                    float v) {
  int64_t n = 1;
  for (int d = 0; d < rank; d++) n *= dims[d];
  float *p = arena_calloc(g->arena, (size_t)(n ? n : 1), sizeof(float));
  for (int64_t i = 0; i < n; i++) p[i] = v;
  return cf(g, name, rank, dims, p);
}

/* A float constant of uniform values in [-1, 1) from a fixed generator. */
static unsigned rng_state = 12345u;
static float frand(void) {
  rng_state = rng_state * 1103515245u + 12345u;
  return (float)((rng_state >> 8) & 0xffff) / 32768.0f - 1.0f;
}
static Tensor *randt(Graph *g, const char *name, int rank,
                     const int64_t *dims) {
  int64_t n = 1;
  for (int d = 0; d < rank; d++) n *= dims[d];
  float *p = arena_calloc(g->arena, (size_t)(n ? n : 1), sizeof(float));
  for (int64_t i = 0; i < n; i++) p[i] = frand();
  return cf(g, name, rank, dims, p);
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

static Node *node3(Graph *g, Op op, Tensor *x, Tensor *y, Tensor *z) {
  Tensor *in[] = {x, y, z};
  return t_node(g, op, 3, in, 1);
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
 * error whose text contains `sub` and names the node. */
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

/* ---------------------------------------------------------------- conv */

static Node *conv(Graph *g, Tensor *x, Tensor *w, Tensor *b) {
  return b ? node3(g, OP_CONV, x, w, b) : node2(g, OP_CONV, x, w);
}

Test(conv, basic_and_bias) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* x = [[0 1 2] [3 4 5] [6 7 8]], 2x2 ones: sums of 2x2 windows, + 1 */
  Tensor *x = iota(g, "x", 4, (int64_t[]){1, 1, 3, 3});
  Tensor *w = fill(g, "w", 4, (int64_t[]){1, 1, 2, 2}, 1.0f);
  Node *n = conv(g, x, w, NULL);
  eval_f32(g, n, 4, (int64_t[]){1, 1, 2, 2}, (float[]){8, 12, 20, 24}, 4);
  Node *m = conv(g, x, w, fill(g, "b", 1, (int64_t[]){1}, 1.0f));
  eval_f32(g, m, 4, (int64_t[]){1, 1, 2, 2}, (float[]){9, 13, 21, 25}, 4);
  t_free(&c);
}

Test(conv, asymmetric_pads) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* pads [top 1, left 0, bottom 0, right 1], 2x2 ones on the 3x3 iota:
   * y[oy][ox] = sum x[oy-1..oy][ox..ox+1] in bounds */
  Tensor *x = iota(g, "x", 4, (int64_t[]){1, 1, 3, 3});
  Tensor *w = fill(g, "w", 4, (int64_t[]){1, 1, 2, 2}, 1.0f);
  Node *n = conv(g, x, w, NULL);
  ints(g, n, "pads", 4, (int64_t[]){1, 0, 0, 1});
  eval_f32(g, n, 4, (int64_t[]){1, 1, 3, 3},
           (float[]){1, 3, 2, 8, 12, 7, 20, 24, 13}, 9);
  t_free(&c);
}

Test(conv, pads_and_strides) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* 3x3 ones, pad 1, stride 2 on 4x4 iota: windows centred at (0,0),
   * (0,2), (2,0), (2,2).  (0,0): 0+1+4+5 = 10; (0,2): 1+2+3+5+6+7 = 24;
   * (2,0): 4+5+8+9+12+13 = 51; (2,2): 5+6+7+9+10+11+13+14+15 = 90 */
  Tensor *x = iota(g, "x", 4, (int64_t[]){1, 1, 4, 4});
  Tensor *w = fill(g, "w", 4, (int64_t[]){1, 1, 3, 3}, 1.0f);
  Node *n = conv(g, x, w, NULL);
  ints(g, n, "pads", 4, (int64_t[]){1, 1, 1, 1});
  ints(g, n, "strides", 2, (int64_t[]){2, 2});
  ints(g, n, "kernel_shape", 2, (int64_t[]){3, 3});
  eval_f32(g, n, 4, (int64_t[]){1, 1, 2, 2}, (float[]){10, 24, 51, 90}, 4);
  t_free(&c);
}

Test(conv, dilation) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* 2x2 ones dilated by 2 on the 4x4 iota: x[y][x]+x[y][x+2]+x[y+2][x]+
   * x[y+2][x+2]: (0,0) 0+2+8+10 = 20, 24, 36, 40 */
  Tensor *x = iota(g, "x", 4, (int64_t[]){1, 1, 4, 4});
  Tensor *w = fill(g, "w", 4, (int64_t[]){1, 1, 2, 2}, 1.0f);
  Node *n = conv(g, x, w, NULL);
  ints(g, n, "dilations", 2, (int64_t[]){2, 2});
  eval_f32(g, n, 4, (int64_t[]){1, 1, 2, 2}, (float[]){20, 24, 36, 40}, 4);
  t_free(&c);
}

Test(conv, groups_depthwise_and_multiplier) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* channel 0 = 1..4, channel 1 = 5..8 */
  Tensor *x = cf(g, "x", 4, (int64_t[]){1, 2, 2, 2},
                 (float[]){1, 2, 3, 4, 5, 6, 7, 8});
  /* depthwise: y0 = 2 x0, y1 = 3 x1 */
  Node *n = conv(g, x, cf(g, "w", 4, (int64_t[]){2, 1, 1, 1}, (float[]){2, 3}),
                 NULL);
  t_attr_int(g, n, "group", 2);
  eval_f32(g, n, 4, (int64_t[]){1, 2, 2, 2},
           (float[]){2, 4, 6, 8, 15, 18, 21, 24}, 8);
  /* multiplier 2: y0 = 1 x0, y1 = 2 x0, y2 = 3 x1, y3 = 4 x1, bias 10 * i */
  Node *m = conv(g, x,
                 cf(g, "w2", 4, (int64_t[]){4, 1, 1, 1},
                    (float[]){1, 2, 3, 4}),
                 cf(g, "b2", 1, (int64_t[]){4}, (float[]){0, 10, 20, 30}));
  t_attr_int(g, m, "group", 2);
  eval_f32(g, m, 4, (int64_t[]){1, 4, 2, 2},
           (float[]){1, 2, 3, 4, 12, 14, 16, 18, 35, 38, 41, 44, 50, 54, 58,
                     62},
           16);
  /* one group over both channels: y = x0 + 10 x1 */
  Tensor *w3 = cf(g, "w3", 4, (int64_t[]){1, 2, 1, 1}, (float[]){1, 10});
  Node *k = conv(g, x, w3, NULL);
  eval_f32(g, k, 4, (int64_t[]){1, 1, 2, 2}, (float[]){51, 62, 73, 84}, 4);
  t_free(&c);
}

Test(conv, batch_of_two) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* 1x1 conv doubling, two images 0..3 and 4..7, bias -1 */
  Tensor *x = iota(g, "x", 4, (int64_t[]){2, 1, 2, 2});
  Node *n = conv(g, x, fill(g, "w", 4, (int64_t[]){1, 1, 1, 1}, 2.0f),
                 fill(g, "b", 1, (int64_t[]){1}, -1.0f));
  eval_f32(g, n, 4, (int64_t[]){2, 1, 2, 2},
           (float[]){-1, 1, 3, 5, 7, 9, 11, 13}, 8);
  t_free(&c);
}

Test(conv, auto_pad_same_upper_vs_lower_1d) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* 1-D: x = [1 2 3 4], w = [1 10]; total pad 1.  SAME_UPPER pads the end:
   * y[i] = x[i] + 10 x[i+1]; SAME_LOWER pads the start: x[i-1] + 10 x[i] */
  Tensor *x = cf(g, "x", 3, (int64_t[]){1, 1, 4}, (float[]){1, 2, 3, 4});
  Tensor *w = cf(g, "w", 3, (int64_t[]){1, 1, 2}, (float[]){1, 10});
  Node *n = conv(g, x, w, NULL);
  t_attr_string(g, n, "auto_pad", "SAME_UPPER");
  eval_f32(g, n, 3, (int64_t[]){1, 1, 4}, (float[]){21, 32, 43, 4}, 4);
  Node *m = conv(g, x, w, NULL);
  t_attr_string(g, m, "auto_pad", "SAME_LOWER");
  eval_f32(g, m, 3, (int64_t[]){1, 1, 4}, (float[]){10, 21, 32, 43}, 4);
  t_free(&c);
}

Test(conv, auto_pad_same_with_stride_and_valid) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* x = 1..5, w = ones(3), stride 2, SAME_UPPER: o = 3, total pad 2 split
   * 1/1: windows start at -1, 1, 3: [0+1+2, 2+3+4, 4+5+0] */
  Tensor *x = cf(g, "x", 3, (int64_t[]){1, 1, 5}, (float[]){1, 2, 3, 4, 5});
  Tensor *w = fill(g, "w", 3, (int64_t[]){1, 1, 3}, 1.0f);
  Node *n = conv(g, x, w, NULL);
  t_attr_string(g, n, "auto_pad", "SAME_UPPER");
  ints(g, n, "strides", 1, (int64_t[]){2});
  eval_f32(g, n, 3, (int64_t[]){1, 1, 3}, (float[]){3, 9, 9}, 3);
  /* VALID, stride 2: windows at 0 and 2: [6, 12] */
  Node *m = conv(g, x, w, NULL);
  t_attr_string(g, m, "auto_pad", "VALID");
  ints(g, m, "strides", 1, (int64_t[]){2});
  eval_f32(g, m, 3, (int64_t[]){1, 1, 2}, (float[]){6, 12}, 2);
  t_free(&c);
}

/* Naive conv straight from the definition, on the lowered params. */
static void naive_conv(const tnn_conv_params *p, const float *x,
                       const float *w, const float *b, float *y) {
  int64_t cg = p->c / p->group, mg = p->m / p->group;
  for (int64_t n = 0; n < p->n; n++)
    for (int64_t m = 0; m < p->m; m++)
      for (int64_t oy = 0; oy < p->oh; oy++)
        for (int64_t ox = 0; ox < p->ow; ox++) {
          double s = b ? b[m] : 0;
          for (int64_t ic = 0; ic < cg; ic++)
            for (int64_t ky = 0; ky < p->kh; ky++)
              for (int64_t kx = 0; kx < p->kw; kx++) {
                int64_t iy = oy * p->sh - p->pt + ky * p->dh;
                int64_t ix = ox * p->sw - p->pl + kx * p->dw;
                if (iy < 0 || iy >= p->h || ix < 0 || ix >= p->w) continue;
                int64_t c = (m / mg) * cg + ic;
                s += (double)x[((n * p->c + c) * p->h + iy) * p->w + ix] *
                     w[((m * cg + ic) * p->kh + ky) * p->kw + kx];
              }
          y[((n * p->m + m) * p->oh + oy) * p->ow + ox] = (float)s;
        }
}

Test(conv, random_against_naive) {
  for (int it = 0; it < 60; it++) {
    TestCtx c;
    Graph *g = t_graph(&c, 13);
    int64_t group = 1 + it % 3;
    int64_t ci = group * (1 + (it / 3) % 2), co = group * (1 + it % 2);
    int64_t kh = 1 + it % 3, kw = 1 + (it / 2) % 3;
    int64_t h = kh + 2 + it % 5, w = kw + 2 + (it / 5) % 6;
    int64_t sh = 1 + it % 2, sw = 1 + (it / 4) % 3;
    int64_t dh = 1 + (it / 7) % 2, dw = 1 + (it / 3) % 2;
    int64_t pads[4] = {it % 2, (it / 2) % 3, (it / 3) % 2, it % 3};
    Tensor *x = randt(g, "x", 4, (int64_t[]){2, ci, h, w});
    Tensor *wt = randt(g, "w", 4, (int64_t[]){co, ci / group, kh, kw});
    Tensor *b = it % 4 ? randt(g, "b", 1, (int64_t[]){co}) : NULL;
    Node *n = conv(g, x, wt, b);
    t_attr_int(g, n, "group", group);
    ints(g, n, "strides", 2, (int64_t[]){sh, sw});
    ints(g, n, "dilations", 2, (int64_t[]){dh, dw});
    ints(g, n, "pads", 4, pads);
    cr_assert(t_eval(g, n), "iteration %d", it);
    const tnn_conv_params *p = n->call.params;
    cr_assert_eq(p->oh, (h + pads[0] + pads[2] - (kh - 1) * dh - 1) / sh + 1);
    cr_assert_eq(p->ow, (w + pads[1] + pads[3] - (kw - 1) * dw - 1) / sw + 1);
    int64_t cnt = ir_tensor_numel(n->out[0]);
    float *want = arena_calloc(g->arena, (size_t)cnt, sizeof(float));
    naive_conv(p, x->data, wt->data, b ? b->data : NULL, want);
    t_expect_f32(n->out[0], want, cnt, 1e-4f);
    t_free(&c);
  }
}

Test(conv, runtime_weights) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* W and B are graph inputs, not constants */
  Tensor *x = rt(g, "x", 4, (int64_t[]){1, 1, 2, 2});
  Tensor *w = rt(g, "w", 4, (int64_t[]){1, 1, 1, 1});
  Tensor *b = rt(g, "b", 1, (int64_t[]){1});
  ir_graph_add_input(g, x);
  ir_graph_add_input(g, w);
  ir_graph_add_input(g, b);
  Node *n = conv(g, x, w, b);
  ir_graph_add_output(g, n->out[0]);
  cr_assert(op_info(n->op)->kind->infer(g, n));
  cr_assert(op_info(n->op)->kind->lower(g, n));
  float xv[] = {1, 2, 3, 4}, wv[] = {3}, bv[] = {0.5f}, y[4];
  const void *ins[] = {xv, wv, bv};
  void *outs[] = {y};
  cr_assert(interp_run(g, ins, outs));
  float want[] = {3.5f, 6.5f, 9.5f, 12.5f};
  for (int i = 0; i < 4; i++) cr_assert_float_eq(y[i], want[i], 1e-6f);
  t_free(&c);
}

Test(conv, errors) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Tensor *x = iota(g, "x", 4, (int64_t[]){1, 2, 4, 4});
  Tensor *w3 = fill(g, "W", 3, (int64_t[]){1, 2, 3}, 1.0f);
  expect_error(&c, conv(g, x, w3, NULL), "input 1 'W' has rank 3, expected 4");
  Tensor *x2 = iota(g, "x2", 2, (int64_t[]){2, 4});
  expect_error(&c, conv(g, x2, w3, NULL),
               "input 0 'x2' has rank 2, expected 3 to 4");
  Tensor *x5 = iota(g, "x5", 5, (int64_t[]){1, 1, 2, 2, 2});
  Tensor *w5 = fill(g, "w5", 5, (int64_t[]){1, 1, 1, 1, 1}, 1.0f);
  expect_error(&c, conv(g, x5, w5, NULL), "3-D convolution is not supported");
  Tensor *w = fill(g, "w", 4, (int64_t[]){2, 1, 3, 3}, 1.0f);
  expect_error(&c, conv(g, x, w, NULL), "input channels per group");
  Node *n = conv(g, x, w, NULL);
  t_attr_int(g, n, "group", 3);
  expect_error(&c, n, "group 3 does not divide");
  Tensor *w2 = fill(g, "w2", 4, (int64_t[]){2, 2, 3, 3}, 1.0f);
  Node *k = conv(g, x, w2, NULL);
  ints(g, k, "kernel_shape", 2, (int64_t[]){2, 2});
  expect_error(&c, k, "'kernel_shape' disagrees");
  Node *s = conv(g, x, w2, NULL);
  t_attr_string(g, s, "auto_pad", "SAME");
  expect_error(&c, s, "auto_pad 'SAME'");
  Node *p = conv(g, x, w2, NULL);
  ints(g, p, "pads", 2, (int64_t[]){1, 1});
  expect_error(&c, p, "'pads' has 2 values, expected 4");
  expect_error(&c, conv(g, x, w2, fill(g, "bias", 1, (int64_t[]){3}, 0)),
               "input 2 'bias' (bias) must have shape [2]");
  Tensor *big = fill(g, "big", 4, (int64_t[]){1, 2, 5, 5}, 1.0f);
  expect_error(&c, conv(g, x, big, NULL), "exceeds the padded input size");
  int64_t xi[32] = {0};
  Tensor *xint = t_const(g, "xi", DT_INT64, 4, (int64_t[]){1, 2, 2, 2}, xi);
  expect_error(&c, conv(g, xint, w2, NULL), "only float is supported");
  t_free(&c);
}

/* ---------------------------------------------------------------- gemm */

/* A = [[1 2 3] [4 5 6]], B = [[1 2] [3 4] [5 6]], AB = [[22 28] [49 64]] */
static const float gemm_a[] = {1, 2, 3, 4, 5, 6};
static const float gemm_at[] = {1, 4, 2, 5, 3, 6};
static const float gemm_b[] = {1, 2, 3, 4, 5, 6};
static const float gemm_bt[] = {1, 3, 5, 2, 4, 6};

Test(gemm, transposes) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  for (int ta = 0; ta < 2; ta++)
    for (int tb = 0; tb < 2; tb++) {
      Tensor *a = cf(g, "a", 2, ta ? (int64_t[]){3, 2} : (int64_t[]){2, 3},
                     ta ? gemm_at : gemm_a);
      Tensor *b = cf(g, "b", 2, tb ? (int64_t[]){2, 3} : (int64_t[]){3, 2},
                     tb ? gemm_bt : gemm_b);
      Node *n = node2(g, OP_GEMM, a, b);
      t_attr_int(g, n, "transA", ta);
      t_attr_int(g, n, "transB", tb);
      eval_f32(g, n, 2, (int64_t[]){2, 2}, (float[]){22, 28, 49, 64}, 4);
    }
  t_free(&c);
}

Test(gemm, alpha_beta_and_c_broadcast) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Tensor *a = cf(g, "a", 2, (int64_t[]){2, 3}, gemm_a);
  Tensor *b = cf(g, "b", 2, (int64_t[]){3, 2}, gemm_b);
  /* 2 AB + 0.5 [10 20] */
  Node *n = node3(g, OP_GEMM, a, b,
                  cf(g, "c", 2, (int64_t[]){1, 2}, (float[]){10, 20}));
  t_attr_float(g, n, "alpha", 2.0f);
  t_attr_float(g, n, "beta", 0.5f);
  eval_f32(g, n, 2, (int64_t[]){2, 2}, (float[]){49, 66, 103, 138}, 4);
  /* AB + C for C scalar, [N], [M, 1], [M, N], [1, 1] */
  struct {
    int rank;
    int64_t dims[2];
    float v[4];
    float want[4];
  } cases[] = {
      {0, {0, 0}, {100}, {122, 128, 149, 164}},
      {1, {2, 0}, {1, 2}, {23, 30, 50, 66}},
      {2, {2, 1}, {1, 2}, {23, 29, 51, 66}},
      {2, {2, 2}, {1, 2, 3, 4}, {23, 30, 52, 68}},
      {2, {1, 1}, {-2}, {20, 26, 47, 62}},
      {1, {1, 0}, {-2}, {20, 26, 47, 62}},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    Node *m = node3(g, OP_GEMM, a, b,
                    cf(g, "c", cases[i].rank, cases[i].dims, cases[i].v));
    eval_f32(g, m, 2, (int64_t[]){2, 2}, cases[i].want, 4);
  }
  /* beta 0 ignores C (even NaN) */
  Node *z = node3(g, OP_GEMM, a, b,
                  cf(g, "cn", 1, (int64_t[]){2}, (float[]){NAN, NAN}));
  t_attr_float(g, z, "beta", 0.0f);
  eval_f32(g, z, 2, (int64_t[]){2, 2}, (float[]){22, 28, 49, 64}, 4);
  t_free(&c);
}

Test(gemm, c_optional_from_opset_11) {
  TestCtx c;
  Graph *g = t_graph(&c, 11);
  Tensor *a = cf(g, "a", 2, (int64_t[]){2, 3}, gemm_a);
  Tensor *b = cf(g, "b", 2, (int64_t[]){3, 2}, gemm_b);
  Node *n = node2(g, OP_GEMM, a, b);
  t_attr_float(g, n, "alpha", -1.0f);
  eval_f32(g, n, 2, (int64_t[]){2, 2}, (float[]){-22, -28, -49, -64}, 4);
  g->opset = 10;
  expect_error(&c, node2(g, OP_GEMM, a, b),
               "input 2 'C' is required before opset 11");
  t_free(&c);
}

static void naive_gemm(const float *a, const float *b, float *y, int64_t m,
                       int64_t n, int64_t k, int ta, int tb) {
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < n; j++) {
      double s = 0;
      for (int64_t l = 0; l < k; l++)
        s += (double)(ta ? a[l * m + i] : a[i * k + l]) *
             (tb ? b[j * k + l] : b[l * n + j]);
      y[i * n + j] = (float)s;
    }
}

Test(gemm, random_against_naive) {
  for (int it = 0; it < 32; it++) {
    TestCtx c;
    Graph *g = t_graph(&c, 13);
    int ta = it & 1, tb = (it >> 1) & 1;
    int64_t m = 1 + it % 5, n = 1 + (it * 7) % 9, k = 1 + (it * 3) % 11;
    Tensor *a = randt(g, "a", 2, ta ? (int64_t[]){k, m} : (int64_t[]){m, k});
    Tensor *b = randt(g, "b", 2, tb ? (int64_t[]){n, k} : (int64_t[]){k, n});
    Node *nd = node2(g, OP_GEMM, a, b);
    t_attr_int(g, nd, "transA", ta);
    t_attr_int(g, nd, "transB", tb);
    cr_assert(t_eval(g, nd));
    float *want = arena_calloc(g->arena, (size_t)(m * n), sizeof(float));
    naive_gemm(a->data, b->data, want, m, n, k, ta, tb);
    t_expect_f32(nd->out[0], want, m * n, 1e-5f);
    t_free(&c);
  }
}

Test(gemm, errors) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Tensor *a = cf(g, "a", 2, (int64_t[]){2, 3}, gemm_a);
  Tensor *b = cf(g, "b", 2, (int64_t[]){3, 2}, gemm_b);
  Node *n = node2(g, OP_GEMM, a, b);
  t_attr_int(g, n, "transB", 1);
  expect_error(&c, n, "inner dimensions disagree");
  expect_error(&c, node3(g, OP_GEMM, a, b,
                         fill(g, "c3", 1, (int64_t[]){3}, 0.0f)),
               "(C) cannot be broadcast to [2, 2]");
  Tensor *a3 = fill(g, "A", 3, (int64_t[]){1, 2, 3}, 0.0f);
  expect_error(&c, node2(g, OP_GEMM, a3, b),
               "input 0 'A' has rank 3, expected 2");
  t_free(&c);
}

/* -------------------------------------------------------------- matmul */

Test(matmul, two_d) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Node *n = node2(g, OP_MATMUL, cf(g, "a", 2, (int64_t[]){2, 3}, gemm_a),
                  cf(g, "b", 2, (int64_t[]){3, 2}, gemm_b));
  eval_f32(g, n, 2, (int64_t[]){2, 2}, (float[]){22, 28, 49, 64}, 4);
  t_free(&c);
}

Test(matmul, one_d_operands) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Tensor *a = cf(g, "a", 2, (int64_t[]){2, 3}, gemm_a);
  Tensor *b = cf(g, "b", 2, (int64_t[]){3, 2}, gemm_b);
  Tensor *v = cf(g, "v", 1, (int64_t[]){3}, (float[]){1, 2, 3});
  /* [3] x [3, 2]: [1 2 3] B = [22 28], shape [2] */
  eval_f32(g, node2(g, OP_MATMUL, v, b), 1, (int64_t[]){2},
           (float[]){22, 28}, 2);
  /* [2, 3] x [3]: A [1 2 3]^T = [14 32], shape [2] */
  eval_f32(g, node2(g, OP_MATMUL, a, v), 1, (int64_t[]){2},
           (float[]){14, 32}, 2);
  /* [3] x [3]: a scalar, 1 + 4 + 9 */
  Node *d = node2(g, OP_MATMUL, v, v);
  eval_f32(g, d, 0, NULL, (float[]){14}, 1);
  /* [2, 2, 3] x [3]: [2, 2] */
  Tensor *a3 = iota(g, "a3", 3, (int64_t[]){2, 2, 3});
  eval_f32(g, node2(g, OP_MATMUL, a3, v), 2, (int64_t[]){2, 2},
           (float[]){8, 26, 44, 62}, 4);
  /* [3] x [2, 3, 2]: [2, 2] */
  Tensor *b3 = iota(g, "b3", 3, (int64_t[]){2, 3, 2});
  eval_f32(g, node2(g, OP_MATMUL, v, b3), 2, (int64_t[]){2, 2},
           (float[]){16, 22, 52, 58}, 4);
  t_free(&c);
}

Test(matmul, batch_broadcast) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* A [2, 1, 2, 2] = {I, 2I}, B [3, 2, 2] = iota: out[i][j] = (i+1) B_j */
  Tensor *a = cf(g, "a", 4, (int64_t[]){2, 1, 2, 2},
                 (float[]){1, 0, 0, 1, 2, 0, 0, 2});
  Tensor *b = iota(g, "b", 3, (int64_t[]){3, 2, 2});
  Node *n = node2(g, OP_MATMUL, a, b);
  float want[24];
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 12; j++) want[i * 12 + j] = (float)((i + 1) * j);
  eval_f32(g, n, 4, (int64_t[]){2, 3, 2, 2}, want, 24);
  const tnn_matmul_params *p = n->call.params;
  cr_assert_eq(p->brank, 2);
  cr_assert_eq(p->a_bs[0], 4);
  cr_assert_eq(p->a_bs[1], 0);
  cr_assert_eq(p->b_bs[0], 0);
  cr_assert_eq(p->b_bs[1], 4);
  /* A 2-D shared by B's batches: [2, 2] x [3, 2, 2] = 2 B_j for A = 2I */
  Node *m = node2(g, OP_MATMUL,
                  cf(g, "a2", 2, (int64_t[]){2, 2}, (float[]){2, 0, 0, 2}), b);
  eval_f32(g, m, 3, (int64_t[]){3, 2, 2}, want + 12, 12);
  t_free(&c);
}

Test(matmul, shared_b_folds_batches) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* [2, 2, 3] iota x B: rows of A are 0..11 by threes */
  Tensor *a = iota(g, "a", 3, (int64_t[]){2, 2, 3});
  Node *n = node2(g, OP_MATMUL, a, cf(g, "b", 2, (int64_t[]){3, 2}, gemm_b));
  /* [0 1 2] B = [13 16], [3 4 5] B = [40 52], [6 7 8] B = [67 88],
   * [9 10 11] B = [94 124] */
  eval_f32(g, n, 3, (int64_t[]){2, 2, 2},
           (float[]){13, 16, 40, 52, 67, 88, 94, 124}, 8);
  const tnn_matmul_params *p = n->call.params;
  cr_assert_eq(p->brank, 0);
  cr_assert_eq(p->m, 4);
  t_free(&c);
}

Test(matmul, random_batched_against_naive) {
  for (int it = 0; it < 16; it++) {
    TestCtx c;
    Graph *g = t_graph(&c, 13);
    int64_t m = 1 + it % 3, n = 1 + (it * 5) % 7, k = 1 + (it * 3) % 6;
    int64_t ab = it & 1 ? 1 : 3, bb = it & 2 ? 1 : 3;
    Tensor *a = randt(g, "a", 4, (int64_t[]){2, ab, m, k});
    Tensor *b = randt(g, "b", 3, (int64_t[]){bb, k, n});
    Node *nd = node2(g, OP_MATMUL, a, b);
    cr_assert(t_eval(g, nd));
    int64_t nb = ab > bb ? ab : bb;
    float *want = arena_calloc(g->arena, (size_t)(2 * nb * m * n),
                               sizeof(float));
    for (int64_t i = 0; i < 2; i++)
      for (int64_t j = 0; j < nb; j++)
        naive_gemm((const float *)a->data + (i * ab + (ab > 1 ? j : 0)) * m * k,
                   (const float *)b->data + (bb > 1 ? j : 0) * k * n,
                   want + (i * nb + j) * m * n, m, n, k, 0, 0);
    t_expect_dims(nd->out[0], 4, (int64_t[]){2, nb, m, n});
    t_expect_f32(nd->out[0], want, 2 * nb * m * n, 1e-5f);
    t_free(&c);
  }
}

Test(matmul, errors) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Tensor *a = iota(g, "a", 2, (int64_t[]){2, 3});
  expect_error(&c, node2(g, OP_MATMUL, a, a), "inner dimensions disagree");
  Tensor *x = iota(g, "x", 3, (int64_t[]){2, 2, 3});
  Tensor *y = iota(g, "y", 3, (int64_t[]){3, 3, 2});
  expect_error(&c, node2(g, OP_MATMUL, x, y), "batch dims cannot be broadcast");
  t_free(&c);
}

/* ---------------------------------------------------------------- pool */

static Node *pool(Graph *g, Op op, Tensor *x, int nk, const int64_t *k) {
  Node *n = node1(g, op, x);
  if (nk) ints(g, n, "kernel_shape", nk, k);
  return n;
}

Test(pool, max_and_avg_2x2_stride_2) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Tensor *x = iota(g, "x", 4, (int64_t[]){1, 1, 4, 4});
  Node *n = pool(g, OP_MAX_POOL, x, 2, (int64_t[]){2, 2});
  ints(g, n, "strides", 2, (int64_t[]){2, 2});
  eval_f32(g, n, 4, (int64_t[]){1, 1, 2, 2}, (float[]){5, 7, 13, 15}, 4);
  Node *m = pool(g, OP_AVERAGE_POOL, x, 2, (int64_t[]){2, 2});
  ints(g, m, "strides", 2, (int64_t[]){2, 2});
  eval_f32(g, m, 4, (int64_t[]){1, 1, 2, 2},
           (float[]){2.5f, 4.5f, 10.5f, 12.5f}, 4);
  t_free(&c);
}

Test(pool, max_pads_never_win) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* 3x3 window, pad 1, on -(3x3 iota): padding (0 if it counted) would
   * beat every value */
  float v[9];
  for (int i = 0; i < 9; i++) v[i] = -(float)i - 1;
  Tensor *x = cf(g, "x", 4, (int64_t[]){1, 1, 3, 3}, v);
  Node *n = pool(g, OP_MAX_POOL, x, 2, (int64_t[]){3, 3});
  ints(g, n, "pads", 4, (int64_t[]){1, 1, 1, 1});
  eval_f32(g, n, 4, (int64_t[]){1, 1, 3, 3},
           (float[]){-1, -1, -2, -1, -1, -2, -4, -4, -5}, 9);
  t_free(&c);
}

Test(pool, max_dilation_1d) {
  TestCtx c;
  Graph *g = t_graph(&c, 12);
  /* x = [1 5 2 4 3], k 2 dilated by 2: max(x[i], x[i+2]) */
  Tensor *x = cf(g, "x", 3, (int64_t[]){1, 1, 5}, (float[]){1, 5, 2, 4, 3});
  Node *n = pool(g, OP_MAX_POOL, x, 1, (int64_t[]){2});
  ints(g, n, "dilations", 1, (int64_t[]){2});
  eval_f32(g, n, 3, (int64_t[]){1, 1, 3}, (float[]){2, 5, 3}, 3);
  t_free(&c);
}

Test(pool, ceil_mode) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Tensor *x = cf(g, "x", 3, (int64_t[]){1, 1, 5}, (float[]){1, 2, 3, 4, 5});
  /* k 2, s 2: floor gives windows at 0, 2; ceil adds a partial one at 4 */
  Node *f = pool(g, OP_MAX_POOL, x, 1, (int64_t[]){2});
  ints(g, f, "strides", 1, (int64_t[]){2});
  eval_f32(g, f, 3, (int64_t[]){1, 1, 2}, (float[]){2, 4}, 2);
  Node *n = pool(g, OP_MAX_POOL, x, 1, (int64_t[]){2});
  ints(g, n, "strides", 1, (int64_t[]){2});
  t_attr_int(g, n, "ceil_mode", 1);
  eval_f32(g, n, 3, (int64_t[]){1, 1, 3}, (float[]){2, 4, 5}, 3);
  /* k 2, s 3, end pad 1: ceil((5+1-2)/3)+1 = 3 windows, but the third
   * would start at 6, past the input and its left padding: dropped */
  Node *m = pool(g, OP_MAX_POOL, x, 1, (int64_t[]){2});
  ints(g, m, "strides", 1, (int64_t[]){3});
  ints(g, m, "pads", 2, (int64_t[]){0, 1});
  t_attr_int(g, m, "ceil_mode", 1);
  eval_f32(g, m, 3, (int64_t[]){1, 1, 2}, (float[]){2, 5}, 2);
  t_free(&c);
}

Test(pool, avg_count_include_pad) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* x = [1 2 3], k 2, s 1, pads 1/1: windows [-1,0] [0,1] [1,2] [2,3] with
   * sums 1 3 5 3 */
  Tensor *x = cf(g, "x", 3, (int64_t[]){1, 1, 3}, (float[]){1, 2, 3});
  Node *n = pool(g, OP_AVERAGE_POOL, x, 1, (int64_t[]){2});
  ints(g, n, "pads", 2, (int64_t[]){1, 1});
  eval_f32(g, n, 3, (int64_t[]){1, 1, 4}, (float[]){1, 1.5f, 2.5f, 3}, 4);
  Node *m = pool(g, OP_AVERAGE_POOL, x, 1, (int64_t[]){2});
  ints(g, m, "pads", 2, (int64_t[]){1, 1});
  t_attr_int(g, m, "count_include_pad", 1);
  eval_f32(g, m, 3, (int64_t[]){1, 1, 4}, (float[]){0.5f, 1.5f, 2.5f, 1.5f},
           4);
  t_free(&c);
}

Test(pool, avg_ceil_mode_cells_are_not_padding) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* x = [1 2 3 4], k 3, s 2, pads 1/1, ceil: windows start at -1, 1, 3.
   * The padded input is [-1, 5); the last window [3, 5] has cell 4 in the
   * end padding and cell 5 beyond it (made by ceil_mode).
   * include pad: (0+1+2)/3, (2+3+4)/3, 4/2; exclude: 3/2, 9/3, 4/1 */
  Tensor *x = cf(g, "x", 3, (int64_t[]){1, 1, 4}, (float[]){1, 2, 3, 4});
  for (int inc = 0; inc < 2; inc++) {
    Node *n = pool(g, OP_AVERAGE_POOL, x, 1, (int64_t[]){3});
    ints(g, n, "pads", 2, (int64_t[]){1, 1});
    ints(g, n, "strides", 1, (int64_t[]){2});
    t_attr_int(g, n, "ceil_mode", 1);
    t_attr_int(g, n, "count_include_pad", inc);
    eval_f32(g, n, 3, (int64_t[]){1, 1, 3},
             inc ? (float[]){1, 3, 2} : (float[]){1.5f, 3, 4}, 3);
  }
  t_free(&c);
}

Test(pool, auto_pad_same_upper_vs_lower) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* avg, k 2 on [1 2 3 4]: total pad 1, at the end (UPPER) or start */
  Tensor *x = cf(g, "x", 3, (int64_t[]){1, 1, 4}, (float[]){1, 2, 3, 4});
  Node *n = pool(g, OP_AVERAGE_POOL, x, 1, (int64_t[]){2});
  t_attr_string(g, n, "auto_pad", "SAME_UPPER");
  eval_f32(g, n, 3, (int64_t[]){1, 1, 4}, (float[]){1.5f, 2.5f, 3.5f, 4}, 4);
  Node *m = pool(g, OP_AVERAGE_POOL, x, 1, (int64_t[]){2});
  t_attr_string(g, m, "auto_pad", "SAME_LOWER");
  eval_f32(g, m, 3, (int64_t[]){1, 1, 4}, (float[]){1, 1.5f, 2.5f, 3.5f}, 4);
  /* 2-D max, k 3, s 2 on 5x5 iota, SAME_UPPER: o 3x3, pads 1/1 */
  Tensor *x2 = iota(g, "x2", 4, (int64_t[]){1, 1, 5, 5});
  Node *k = pool(g, OP_MAX_POOL, x2, 2, (int64_t[]){3, 3});
  ints(g, k, "strides", 2, (int64_t[]){2, 2});
  t_attr_string(g, k, "auto_pad", "SAME_UPPER");
  eval_f32(g, k, 4, (int64_t[]){1, 1, 3, 3},
           (float[]){6, 8, 9, 16, 18, 19, 21, 23, 24}, 9);
  t_free(&c);
}

/* Naive pooling on the lowered params: every window cell tested. */
static void naive_pool(const tnn_pool_params *p, const float *x, float *y,
                       bool is_max) {
  for (int64_t pc = 0; pc < p->n * p->c; pc++)
    for (int64_t oy = 0; oy < p->oh; oy++)
      for (int64_t ox = 0; ox < p->ow; ox++) {
        double s = 0, mx = -FLT_MAX;
        int64_t in = 0, padded = 0;
        for (int64_t ky = 0; ky < p->kh; ky++)
          for (int64_t kx = 0; kx < p->kw; kx++) {
            int64_t iy = oy * p->sh - p->pt + ky * p->dh;
            int64_t ix = ox * p->sw - p->pl + kx * p->dw;
            if (iy >= -p->pt && iy < p->h + p->pb && ix >= -p->pl &&
                ix < p->w + p->pr)
              padded++;
            if (iy < 0 || iy >= p->h || ix < 0 || ix >= p->w) continue;
            float v = x[(pc * p->h + iy) * p->w + ix];
            s += v;
            if (v > mx) mx = v;
            in++;
          }
        int64_t cnt = p->count_include_pad ? padded : in;
        y[(pc * p->oh + oy) * p->ow + ox] =
            is_max ? (float)mx : (cnt ? (float)(s / cnt) : 0.0f);
      }
}

Test(pool, random_against_naive) {
  for (int it = 0; it < 128; it++) {
    TestCtx c;
    Graph *g = t_graph(&c, 19);
    int64_t kh = 1 + it % 3, kw = 1 + (it / 3) % 3;
    /* rows up to 40 wide: SIMD builds take eight output pixels at a time */
    int64_t h = 5 + it % 5, w = 4 + (it * 7) % 37;
    int64_t pads[4] = {(it / 2) % 2, (it / 4) % 2, (it / 8) % 2, it % 2};
    if (pads[0] >= kh) pads[0] = 0;
    if (pads[2] >= kh) pads[2] = 0;
    if (pads[1] >= kw) pads[1] = 0;
    if (pads[3] >= kw) pads[3] = 0;
    bool is_max = it & 1;
    Tensor *x = randt(g, "x", 4, (int64_t[]){2, 2, h, w});
    Node *n = pool(g, is_max ? OP_MAX_POOL : OP_AVERAGE_POOL, x, 2,
                   (int64_t[]){kh, kw});
    ints(g, n, "strides", 2, (int64_t[]){1 + it % 3, 1 + (it / 7) % 2});
    ints(g, n, "dilations", 2, (int64_t[]){1 + (it / 16) % 2, 1 + (it / 32) % 2});
    ints(g, n, "pads", 4, pads);
    t_attr_int(g, n, "ceil_mode", (it / 3) % 2);
    t_attr_int(g, n, "count_include_pad", (it / 6) % 2);
    cr_assert(t_eval(g, n), "iteration %d", it);
    int64_t cnt = ir_tensor_numel(n->out[0]);
    float *want = arena_calloc(g->arena, (size_t)cnt, sizeof(float));
    naive_pool(n->call.params, x->data, want, is_max);
    t_expect_f32(n->out[0], want, cnt, 1e-5f);
    /* the kernels as compiled in this file (its SIMD paths when the test
     * is built for a SIMD target), on the same params */
    float *got = arena_calloc(g->arena, (size_t)cnt, sizeof(float));
    const void *pin[1] = {x->data};
    void *pout[1] = {got};
    if (is_max)
      tnn_f32_max_pool(n->call.params, pin, pout);
    else
      tnn_f32_avg_pool(n->call.params, pin, pout);
    for (int64_t i = 0; i < cnt; i++)
      cr_assert_float_eq(got[i], want[i], 1e-5f * (1.0f + fabsf(want[i])),
                         "iteration %d at %lld", it, (long long)i);
    t_free(&c);
  }
}

Test(pool, global) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Tensor *x = iota(g, "x", 4, (int64_t[]){1, 2, 2, 2});
  eval_f32(g, node1(g, OP_GLOBAL_AVERAGE_POOL, x), 4, (int64_t[]){1, 2, 1, 1},
           (float[]){1.5f, 5.5f}, 2);
  eval_f32(g, node1(g, OP_GLOBAL_MAX_POOL, x), 4, (int64_t[]){1, 2, 1, 1},
           (float[]){3, 7}, 2);
  Tensor *x5 = iota(g, "x5", 5, (int64_t[]){2, 1, 2, 2, 2});
  eval_f32(g, node1(g, OP_GLOBAL_AVERAGE_POOL, x5), 5,
           (int64_t[]){2, 1, 1, 1, 1}, (float[]){3.5f, 11.5f}, 2);
  Tensor *x3 = iota(g, "x3", 3, (int64_t[]){1, 2, 3});
  eval_f32(g, node1(g, OP_GLOBAL_MAX_POOL, x3), 3, (int64_t[]){1, 2, 1},
           (float[]){2, 5}, 2);
  t_free(&c);
}

Test(pool, errors) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Tensor *x = iota(g, "x", 4, (int64_t[]){1, 1, 4, 4});
  expect_error(&c, pool(g, OP_MAX_POOL, x, 0, NULL),
               "'kernel_shape' is required");
  expect_error(&c, pool(g, OP_AVERAGE_POOL, x, 1, (int64_t[]){2}),
               "'kernel_shape' has 1 values, expected 2");
  Tensor *x5 = iota(g, "x5", 5, (int64_t[]){1, 1, 2, 2, 2});
  expect_error(&c, pool(g, OP_MAX_POOL, x5, 3, (int64_t[]){1, 1, 1}),
               "3-D pooling is not supported");
  Tensor *x2 = iota(g, "x2", 2, (int64_t[]){1, 4});
  expect_error(&c, node1(g, OP_GLOBAL_AVERAGE_POOL, x2),
               "input 0 'x2' has rank 2, expected 3 to 8");
  Tensor *in[] = {x};
  Node *n = t_node(g, OP_MAX_POOL, 1, in, 2);
  ints(g, n, "kernel_shape", 2, (int64_t[]){2, 2});
  expect_error(&c, n, "(Indices) of MaxPool is not supported");
  Node *m = pool(g, OP_MAX_POOL, x, 2, (int64_t[]){2, 2});
  ints(g, m, "strides", 2, (int64_t[]){0, 1});
  expect_error(&c, m, "'strides' has value 0, expected >= 1");
  t_free(&c);
}

Test(pool, max_pool_unnamed_indices_is_fine) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Tensor *x = iota(g, "x", 4, (int64_t[]){1, 1, 2, 2});
  Tensor *in[] = {x};
  Node *n = t_node(g, OP_MAX_POOL, 1, in, 2);
  n->out[1] = NULL;
  ints(g, n, "kernel_shape", 2, (int64_t[]){2, 2});
  eval_f32(g, n, 4, (int64_t[]){1, 1, 1, 1}, (float[]){3}, 1);
  t_free(&c);
}

/* ---------------------------------------------------------- batch norm */

static Node *bn(Graph *g, Tensor *x, int64_t ch, const float *scale,
                const float *bias, const float *mean, const float *var) {
  int64_t d[1] = {ch};
  return node5(g, OP_BATCH_NORM, x, cf(g, "scale", 1, d, scale),
               cf(g, "bias", 1, d, bias), cf(g, "mean", 1, d, mean),
               cf(g, "var", 1, d, var));
}

Test(batchnorm, inference) {
  TestCtx c;
  Graph *g = t_graph(&c, 15);
  /* eps 1: s = scale / sqrt(var + 1) = [1/2, 2/1]; y = (x - mean) s + b.
   * image 0: ch0 [1 2] -> [0 0.5], ch1 [3 4] -> (x-2)*2+1 = [3 5];
   * image 1: ch0 [5 6] -> [2 2.5], ch1 [7 8] -> [11 13] */
  Tensor *x = cf(g, "x", 4, (int64_t[]){2, 2, 1, 2},
                 (float[]){1, 2, 3, 4, 5, 6, 7, 8});
  Node *n = bn(g, x, 2, (float[]){1, 2}, (float[]){0, 1}, (float[]){1, 2},
               (float[]){3, 0});
  t_attr_float(g, n, "epsilon", 1.0f);
  eval_f32(g, n, 4, (int64_t[]){2, 2, 1, 2},
           (float[]){0, 0.5f, 3, 5, 2, 2.5f, 11, 13}, 8);
  t_free(&c);
}

Test(batchnorm, rank_2_and_default_epsilon) {
  TestCtx c;
  Graph *g = t_graph(&c, 9);
  /* var 1 - 1e-5: with the default eps the scale is exactly 1 */
  Tensor *x = cf(g, "x", 2, (int64_t[]){2, 2}, (float[]){1, 2, 3, 4});
  float v = 1.0f - 1e-5f;
  Node *n = bn(g, x, 2, (float[]){1, 1}, (float[]){0, 10}, (float[]){1, 1},
               (float[]){v, v});
  eval_f32(g, n, 2, (int64_t[]){2, 2}, (float[]){0, 11, 2, 13}, 4);
  const tnn_bn_params *p = n->call.params;
  cr_assert_float_eq(p->eps, 1e-5, 1e-9);
  cr_assert_eq(p->spatial, 1);
  t_free(&c);
}

Test(batchnorm, errors) {
  TestCtx c;
  Graph *g = t_graph(&c, 15);
  Tensor *x = iota(g, "x", 4, (int64_t[]){1, 2, 2, 2});
  float one[] = {1, 1};
  Node *n = bn(g, x, 2, one, one, one, one);
  t_attr_int(g, n, "training_mode", 1);
  expect_error(&c, n, "training_mode=1 is not supported");
  Node *m = bn(g, x, 1, one, one, one, one);
  expect_error(&c, m, "input 1 'scale' must have shape [2]");
  Tensor *x1 = iota(g, "x1", 1, (int64_t[]){4});
  expect_error(&c, bn(g, x1, 2, one, one, one, one),
               "input 0 'x1' has rank 1, expected 2 to 8");
  /* a used running-mean output */
  Tensor *in[] = {x, n->in[1], n->in[2], n->in[3], n->in[4]};
  Node *k = t_node(g, OP_BATCH_NORM, 5, in, 2);
  k->out[1]->nuses = 1;
  expect_error(&c, k, "output 1 'out");
  g->opset = 7;
  Node *s = bn(g, x, 2, one, one, one, one);
  t_attr_int(g, s, "spatial", 0);
  expect_error(&c, s, "spatial=0 is not supported");
  t_free(&c);
}

Test(batchnorm, unused_statistics_outputs_are_fine) {
  TestCtx c;
  Graph *g = t_graph(&c, 9);
  Tensor *x = cf(g, "x", 2, (int64_t[]){1, 2}, (float[]){3, 4});
  float one[] = {1, 1}, zero[] = {0, 0};
  Node *p = bn(g, x, 2, one, zero, zero, one);
  Tensor *in[] = {x, p->in[1], p->in[2], p->in[3], p->in[4]};
  Node *n = t_node(g, OP_BATCH_NORM, 5, in, 3);
  t_attr_float(g, n, "epsilon", 0.0f);
  eval_f32(g, n, 2, (int64_t[]){1, 2}, (float[]){3, 4}, 2);
  t_expect_dims(n->out[1], 1, (int64_t[]){2});
  t_free(&c);
}

/* ------------------------------------------------------------- softmax */

Test(softmax, last_axis_opset_13) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* softmax([1 2 3]) = e^i / (e + e^2 + e^3); [5 5 5] -> 1/3 */
  Tensor *x = cf(g, "x", 2, (int64_t[]){2, 3}, (float[]){1, 2, 3, 5, 5, 5});
  eval_f32(g, node1(g, OP_SOFTMAX, x), 2, (int64_t[]){2, 3},
           (float[]){0.09003057f, 0.24472847f, 0.66524096f, 1 / 3.0f,
                     1 / 3.0f, 1 / 3.0f},
           6);
  eval_f32(g, node1(g, OP_LOG_SOFTMAX, x), 2, (int64_t[]){2, 3},
           (float[]){-2.40760596f, -1.40760596f, -0.40760596f,
                     -1.09861229f, -1.09861229f, -1.09861229f},
           6);
  t_free(&c);
}

/* x = log [1 2 3 4 1 1 1 1] as [2, 2, 2]: softmax gives the normalised
 * values of the ones grouped together. */
static Tensor *log_counts(Graph *g) {
  float v[8] = {1, 2, 3, 4, 1, 1, 1, 1};
  for (int i = 0; i < 8; i++) v[i] = logf(v[i]);
  return cf(g, "x", 3, (int64_t[]){2, 2, 2}, v);
}

Test(softmax, axis_1_opset_11_coerces_to_2d) {
  TestCtx c;
  Graph *g = t_graph(&c, 11);
  /* [2, 4] rows: [1 2 3 4] / 10 and [1 1 1 1] / 4 */
  float want[] = {0.1f, 0.2f, 0.3f, 0.4f, 0.25f, 0.25f, 0.25f, 0.25f};
  Tensor *x = log_counts(g);
  Node *n = node1(g, OP_SOFTMAX, x); /* default axis 1 */
  eval_f32(g, n, 3, (int64_t[]){2, 2, 2}, want, 8);
  Node *m = node1(g, OP_SOFTMAX, x);
  t_attr_int(g, m, "axis", 1);
  eval_f32(g, m, 3, (int64_t[]){2, 2, 2}, want, 8);
  float lw[8];
  for (int i = 0; i < 8; i++) lw[i] = logf(want[i]);
  eval_f32(g, node1(g, OP_LOG_SOFTMAX, x), 3, (int64_t[]){2, 2, 2}, lw, 8);
  /* axis 2 (-1) in opset 11 normalises pairs: [1 2]/3 [3 4]/7 */
  Node *k = node1(g, OP_SOFTMAX, x);
  t_attr_int(g, k, "axis", -1);
  eval_f32(g, k, 3, (int64_t[]){2, 2, 2},
           (float[]){1 / 3.0f, 2 / 3.0f, 3 / 7.0f, 4 / 7.0f, 0.5f, 0.5f, 0.5f,
                     0.5f},
           8);
  t_free(&c);
}

Test(softmax, axis_1_opset_13_is_one_axis) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* along axis 1 (len 2, inner 2): image 0 columns [1 3] and [2 4] */
  Tensor *x = log_counts(g);
  Node *n = node1(g, OP_SOFTMAX, x);
  t_attr_int(g, n, "axis", 1);
  float want[] = {0.25f, 1 / 3.0f, 0.75f, 2 / 3.0f, 0.5f, 0.5f, 0.5f, 0.5f};
  eval_f32(g, n, 3, (int64_t[]){2, 2, 2}, want, 8);
  const tnn_axis_params *p = n->call.params;
  cr_assert_eq(p->outer, 2);
  cr_assert_eq(p->len, 2);
  cr_assert_eq(p->inner, 2);
  Node *m = node1(g, OP_LOG_SOFTMAX, x);
  t_attr_int(g, m, "axis", -2);
  float lw[8];
  for (int i = 0; i < 8; i++) lw[i] = logf(want[i]);
  eval_f32(g, m, 3, (int64_t[]){2, 2, 2}, lw, 8);
  t_free(&c);
}

Test(softmax, large_values_are_stable) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Tensor *x = cf(g, "x", 1, (int64_t[]){2}, (float[]){1000, 1000});
  eval_f32(g, node1(g, OP_SOFTMAX, x), 1, (int64_t[]){2},
           (float[]){0.5f, 0.5f}, 2);
  eval_f32(g, node1(g, OP_LOG_SOFTMAX, x), 1, (int64_t[]){2},
           (float[]){-0.69314718f, -0.69314718f}, 2);
  Tensor *y = cf(g, "y", 2, (int64_t[]){2, 2}, (float[]){-1000, 0, 500, 500});
  Node *n = node1(g, OP_SOFTMAX, y);
  t_attr_int(g, n, "axis", 0);
  eval_f32(g, n, 2, (int64_t[]){2, 2}, (float[]){0, 0, 1, 1}, 4);
  t_free(&c);
}

Test(softmax, wide_inner_against_naive) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  /* axis 1 of [2, 3, 150]: inner 150 spans three column chunks */
  Tensor *x = randt(g, "x", 3, (int64_t[]){2, 3, 150});
  for (int lg = 0; lg < 2; lg++) {
    Node *n = node1(g, lg ? OP_LOG_SOFTMAX : OP_SOFTMAX, x);
    t_attr_int(g, n, "axis", 1);
    cr_assert(t_eval(g, n));
    const float *xv = x->data;
    float want[900];
    for (int o = 0; o < 2; o++)
      for (int i = 0; i < 150; i++) {
        double s = 0;
        for (int l = 0; l < 3; l++) s += exp(xv[(o * 3 + l) * 150 + i]);
        for (int l = 0; l < 3; l++) {
          double v = xv[(o * 3 + l) * 150 + i];
          want[(o * 3 + l) * 150 + i] =
              (float)(lg ? v - log(s) : exp(v) / s);
        }
      }
    t_expect_f32(n->out[0], want, 900, 1e-6f);
  }
  t_free(&c);
}

Test(softmax, errors) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Tensor *x = iota(g, "x", 2, (int64_t[]){2, 3});
  Node *n = node1(g, OP_SOFTMAX, x);
  t_attr_int(g, n, "axis", 2);
  expect_error(&c, n, "axis 2 is out of range for rank 2");
  int64_t v[6] = {0};
  Tensor *xi = t_const(g, "xi", DT_INT64, 2, (int64_t[]){2, 3}, v);
  expect_error(&c, node1(g, OP_LOG_SOFTMAX, xi), "only float is supported");
  t_free(&c);
}

/* The SIMD-layout float convolution (tnn_f32_conv2d_mb) against the
 * reference kernel on random shapes: strides, dilations, pads, channel
 * counts that leave partial blocks of 16, rows that leave partial blocks
 * of 8 pixels.  The terms are added in the same order, so the outputs
 * must be identical. */
Test(conv, mb_layout_matches_reference) {
  uint32_t s = 99;
#define RND(n) ((((s = s * 1664525u + 1013904223u) >> 8) % (uint32_t)(n)))
  for (int trial = 0; trial < 100; trial++) {
    tnn_conv_params p = {0};
    p.n = 1 + RND(2); p.c = 1 + RND(20); p.m = 1 + RND(40);
    p.h = 1 + RND(13); p.w = 1 + RND(50);
    p.kh = 1 + RND(4); p.kw = 1 + RND(4);
    p.sh = 1 + RND(2); p.sw = 1 + RND(3); p.dh = 1 + RND(2); p.dw = 1 + RND(2);
    p.pt = RND(3); p.pl = RND(3);
    int64_t pb = RND(3), pr = RND(3);
    if (trial % 5 == 0) {            /* 1x1, stride 1, unpadded: the matrix path */
      p.kh = p.kw = p.sh = p.sw = p.dh = p.dw = 1;
      p.pt = p.pl = pb = pr = 0;
    }
    p.group = 1; p.has_bias = RND(2);
    const int64_t eh = p.h + p.pt + pb - p.dh * (p.kh - 1) - 1;
    const int64_t ew = p.w + p.pl + pr - p.dw * (p.kw - 1) - 1;
    if (eh < 0 || ew < 0) continue;
    p.oh = eh / p.sh + 1;
    p.ow = ew / p.sw + 1;
    const int64_t nx = p.n * p.c * p.h * p.w, nw = p.m * p.c * p.kh * p.kw;
    const int64_t ny = p.n * p.m * p.oh * p.ow;
    const int64_t nt = (p.m + TNN_CONV_MB - 1) / TNN_CONV_MB * p.c * p.kh * p.kw * TNN_CONV_MB;
    float *x = malloc(sizeof(float) * (size_t)nx), *w = malloc(sizeof(float) * (size_t)nw);
    float *wt = malloc(sizeof(float) * (size_t)nt), *b = malloc(sizeof(float) * (size_t)p.m);
    float *y0 = malloc(sizeof(float) * (size_t)ny), *y1 = malloc(sizeof(float) * (size_t)ny);
    for (int64_t i = 0; i < nx; i++) x[i] = (float)RND(2001) / 1000.0f - 1.0f;
    for (int64_t i = 0; i < nw; i++) w[i] = (float)RND(2001) / 1000.0f - 1.0f;
    for (int64_t i = 0; i < p.m; i++) b[i] = (float)RND(2001) / 1000.0f - 1.0f;
    tnn_conv_mb_layout(w, p.m, p.c, p.kh * p.kw, wt);
    const void *in0[3] = {x, w, b}, *in1[3] = {x, wt, b};
    void *o0[1] = {y0}, *o1[1] = {y1};
    tnn_f32_conv2d(&p, in0, o0);
    tnn_f32_conv2d_mb(&p, in1, o1);
    for (int64_t i = 0; i < ny; i++)
      cr_assert_float_eq(y1[i], y0[i], 1e-5f * (1.0f + fabsf(y0[i])),
                         "trial %d: c %lld m %lld %lldx%lld k %lldx%lld at %lld",
                         trial, (long long)p.c, (long long)p.m, (long long)p.h,
                         (long long)p.w, (long long)p.kh, (long long)p.kw, (long long)i);
    free(x), free(w), free(wt), free(b), free(y0), free(y1);
  }
#undef RND
}

/* ConvTranspose (tnn_f32_convt2d) is the adjoint of Conv with the same
 * weights: a Conv whose input is the transposed conv's output ([n][m]
 * [oh][ow]) and whose output is its input ([n][c][h][w]) reads the
 * [c][m/group][kh][kw] weights as its own [M][C/group][kh][kw], so
 * <conv(z), x> = <z, convt(x)> for any z and x.  Random shapes, groups,
 * strides, dilations, begin pads and output sizes (output_padding, extra
 * rows); the bias adds sum(z[mo]) * bias[mo]. */
Test(conv, convt_is_adjoint_of_conv) {
  uint32_t s = 7;
#define RND(n) ((((s = s * 1664525u + 1013904223u) >> 8) % (uint32_t)(n)))
  for (int trial = 0; trial < 200; trial++) {
    tnn_conv_params t = {0};
    t.group = 1 + RND(3);
    t.n = 1 + RND(2); t.c = t.group * (1 + RND(4)); t.m = t.group * (1 + RND(4));
    t.h = 1 + RND(6); t.w = 1 + RND(9);
    t.kh = 1 + RND(4); t.kw = 1 + RND(4);
    t.sh = 1 + RND(3); t.sw = 1 + RND(3); t.dh = 1 + RND(2); t.dw = 1 + RND(2);
    t.pt = RND(3); t.pl = RND(3);
    t.has_bias = RND(2);
    const int64_t fh = (t.h - 1) * t.sh + (t.kh - 1) * t.dh + 1 + RND(3);
    const int64_t fw = (t.w - 1) * t.sw + (t.kw - 1) * t.dw + 1 + RND(3);
    t.oh = fh - t.pt - RND(3);
    t.ow = fw - t.pl - RND(3);
    if (t.oh < 1 || t.ow < 1) continue;
    tnn_conv_params c = t;         /* the adjoint Conv */
    c.c = t.m; c.m = t.c; c.h = t.oh; c.w = t.ow; c.oh = t.h; c.ow = t.w;
    c.has_bias = 0;
    const int64_t nx = t.n * t.c * t.h * t.w, nz = t.n * t.m * t.oh * t.ow;
    const int64_t nw = t.c * (t.m / t.group) * t.kh * t.kw;
    float *x = malloc(sizeof(float) * (size_t)nx), *cz = malloc(sizeof(float) * (size_t)nx);
    float *z = malloc(sizeof(float) * (size_t)nz), *tx = malloc(sizeof(float) * (size_t)nz);
    float *w = malloc(sizeof(float) * (size_t)nw), *b = malloc(sizeof(float) * (size_t)t.m);
    for (int64_t i = 0; i < nx; i++) x[i] = (float)RND(2001) / 1000.0f - 1.0f;
    for (int64_t i = 0; i < nz; i++) z[i] = (float)RND(2001) / 1000.0f - 1.0f;
    for (int64_t i = 0; i < nw; i++) w[i] = (float)RND(2001) / 1000.0f - 1.0f;
    for (int64_t i = 0; i < t.m; i++) b[i] = (float)RND(2001) / 1000.0f - 1.0f;
    const void *tin[3] = {x, w, b}, *cin[3] = {z, w, NULL};
    void *tout[1] = {tx}, *cout[1] = {cz};
    cr_assert_eq(tnn_f32_convt2d(&t, tin, tout), TNN_OK);
    cr_assert_eq(tnn_f32_conv2d(&c, cin, cout), TNN_OK);
    double lhs = 0, rhs = 0, mag = 0;
    for (int64_t i = 0; i < nx; i++) lhs += (double)cz[i] * x[i], mag += fabs((double)cz[i] * x[i]);
    for (int64_t i = 0; i < nz; i++) {
      rhs += (double)z[i] * tx[i];
      if (t.has_bias) lhs += (double)z[i] * b[(i / (t.oh * t.ow)) % t.m];
    }
    cr_assert(fabs(lhs - rhs) <= 1e-5 * (1.0 + mag + (double)nz),
              "trial %d: c %lld m %lld g %lld %lldx%lld -> %lldx%lld k %lldx%lld "
              "s %lldx%lld: %g vs %g", trial, (long long)t.c, (long long)t.m,
              (long long)t.group, (long long)t.h, (long long)t.w, (long long)t.oh,
              (long long)t.ow, (long long)t.kh, (long long)t.kw, (long long)t.sh,
              (long long)t.sw, lhs, rhs);
    free(x), free(cz), free(z), free(tx), free(w), free(b);
  }
#undef RND
}
