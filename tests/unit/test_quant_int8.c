/* Pass quant-int8 on graphs built by hand: a Div/Round/Clip/Mul fake
 * quantizer (and a Min with its constant first) into a ternary Gemm runs
 * on tnn_x_i8fc with the float graph's results, ties included; a chain the
 * pass rejects leaves the graph as it was (operand order included). */
#include "util.h"

static Tensor *t_input(Graph *g, const char *name, int rank, const int64_t *dims) {
  Tensor *t = ir_tensor_new(g, name);
  ir_tensor_set_shape(t, DT_FLOAT, rank, dims);
  ir_graph_add_input(g, t);
  return t;
}

static Tensor *scalar_const(Graph *g, const char *name, float v) {
  return t_const(g, name, DT_FLOAT, 0, NULL, &v);
}

static Node *bin(Graph *g, Op op, Tensor *a, Tensor *b) {
  Tensor *in[] = {a, b};
  return t_node(g, op, 2, in, 1);
}

enum { N = 2, K = 16, M = 4 };
static float wv[M * K], bv[M];

/* x -> Div(0.25) -> Round -> Clip(0, 15) -> Mul(0.25) -> Min(3, .) -> Gemm
 * (ternary rows times per-row scales, transB); *mn the Min node, *mo
 * its output. */
static Node *build(Graph *g, Node **mn) {
  int64_t xd[] = {N, K}, wd[] = {M, K}, bd[] = {M};
  for (int m = 0; m < M; m++) {
    for (int k = 0; k < K; k++) wv[m * K + k] = (float)((m * 7 + k * 5) % 3 - 1) * (0.5f + 0.25f * m);
    bv[m] = 0.125f * (float)m - 0.25f;
  }
  Tensor *x = t_input(g, "x", 2, xd);
  Node *dv = bin(g, OP_DIV, x, scalar_const(g, "s", 0.25f));
  Tensor *rin[] = {dv->out[0]};
  Node *rd = t_node(g, OP_ROUND, 1, rin, 1);
  Tensor *cin[] = {rd->out[0], scalar_const(g, "lo", 0.0f), scalar_const(g, "hi", 15.0f)};
  Node *cl = t_node(g, OP_CLIP, 3, cin, 1);
  Node *mu = bin(g, OP_MUL, cl->out[0], scalar_const(g, "s2", 0.25f));
  *mn = bin(g, OP_MIN, scalar_const(g, "cap", 3.0f), mu->out[0]);
  Tensor *gin[] = {(*mn)->out[0], t_const(g, "w", DT_FLOAT, 2, wd, wv),
                   t_const(g, "b", DT_FLOAT, 1, bd, bv)};
  Node *gemm = t_node(g, OP_GEMM, 3, gin, 1);
  t_attr_int(g, gemm, "transB", 1);
  ir_graph_add_output(g, gemm->out[0]);
  return gemm;
}

static float fake_quant(float v) {
  float q = nearbyintf(v / 0.25f);   /* Round: half to even */
  q = q < 0 ? 0 : q > 15 ? 15 : q;
  q *= 0.25f;
  return 3.0f < q ? 3.0f : q;
}

Test(quant_int8, fake_quant_into_ternary_gemm) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Node *mn;
  Node *gemm = build(g, &mn);
  cr_assert(pipeline_run(g, NULL, NULL));
  cr_assert_eq(gemm->call.kernel, TNN_K_x_i8fc, "Gemm runs on %s",
               gemm->call.kernel >= 0 ? kernel_info(gemm->call.kernel)->name : "a view");
  cr_assert_eq(gemm->quant->abits, 4, "13 levels: 4 bits");
  cr_assert_eq(mn->call.kernel, TNN_K_f32_i8quant, "the chain's last node quantizes");
  /* ties of Round (k/8: halves of 0.25) and both clamps */
  float xv[N * K], out[N * M];
  for (int i = 0; i < N * K; i++) xv[i] = (float)(i * 3 - 20) / 8.0f;
  const void *inputs[] = {xv};
  void *outputs[] = {out};
  cr_assert(interp_run(g, inputs, outputs));
  for (int n = 0; n < N; n++)
    for (int m = 0; m < M; m++) {
      double y = bv[m];
      for (int k = 0; k < K; k++) y += (double)fake_quant(xv[n * K + k]) * wv[m * K + k];
      cr_assert_float_eq(out[n * M + m], (float)y, 1e-5 * fmax(1.0, fabs(y)), "[%d,%d] %g vs %g",
                         n, m, out[n * M + m], y);
    }
  t_free(&c);
}

/* The quantizer's output is also read by an Add: the Gemm stays on float
 * activations and every node keeps its inputs in their order. */
Test(quant_int8, rejected_chain_leaves_the_graph) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  Node *mn;
  Node *gemm = build(g, &mn);
  Tensor *cap = mn->in[0], *mu = mn->in[1];
  Node *add = bin(g, OP_ADD, mn->out[0], scalar_const(g, "one", 1.0f));
  ir_graph_add_output(g, add->out[0]);
  cr_assert(pipeline_run(g, NULL, NULL));
  cr_assert_neq(gemm->call.kernel, TNN_K_x_i8fc);
  cr_assert_not(gemm->quant && gemm->quant->abits);
  cr_assert_not(mn->dead);
  cr_assert_eq(mn->in[0], cap, "Min's constant stays first");
  cr_assert_eq(mn->in[1], mu);
  t_free(&c);
}
