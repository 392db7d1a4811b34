/* Unit tests of the passes, on small graphs built by hand. */
#include "util.h"

static Tensor *t_input(Graph *g, const char *name, int rank,
                       const int64_t *dims) {
  Tensor *t = ir_tensor_new(g, name);
  ir_tensor_set_shape(t, DT_FLOAT, rank, dims);
  ir_graph_add_input(g, t);
  return t;
}

static Node *relu(Graph *g, Tensor *x) {
  Tensor *in[] = {x};
  return t_node(g, OP_RELU, 1, in, 1);
}

Test(toposort, sorts_nodes_given_out_of_order) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {4};
  Tensor *x = t_input(g, "x", 1, d);
  Tensor *mid = ir_tensor_new(g, "mid");
  Tensor *in2[] = {mid};
  Node *second = t_node(g, OP_RELU, 1, in2, 1);
  Tensor *in1[] = {x};
  Node *first = t_node(g, OP_RELU, 1, in1, 1);
  first->out[0] = mid;
  ir_graph_add_output(g, second->out[0]);
  cr_assert(ir_toposort(g));
  cr_assert_eq(g->nodes[0], first);
  cr_assert_eq(g->nodes[1], second);
  cr_assert(ir_verify(g));
  t_free(&c);
}

Test(toposort, reports_a_cycle) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  c.diag.sink = NULL;
  Tensor *a = ir_tensor_new(g, "a"), *b = ir_tensor_new(g, "b");
  Tensor *ia[] = {b};
  Node *n1 = t_node(g, OP_RELU, 1, ia, 1);
  n1->out[0] = a;
  Tensor *ib[] = {a};
  Node *n2 = t_node(g, OP_RELU, 1, ib, 1);
  n2->out[0] = b;
  ir_graph_add_output(g, b);
  cr_assert_not(ir_toposort(g));
  cr_assert_eq(c.diag.nerrors, 1);
  t_free(&c);
}

Test(canonicalize, splits_variadic_max) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {3};
  Tensor *x = t_input(g, "x", 1, d), *y = t_input(g, "y", 1, d);
  Tensor *z = t_input(g, "z", 1, d);
  Tensor *ins[] = {x, y, z};
  Node *n = t_node(g, OP_MAX, 3, ins, 1);
  ir_graph_add_output(g, n->out[0]);
  cr_assert(pass_canonicalize(g));
  int live = 0;
  for (int i = 0; i < g->nnodes; i++) {
    if (g->nodes[i]->dead) continue;
    live++;
    cr_assert_eq(g->nodes[i]->nin, 2);
  }
  cr_assert_eq(live, 2);
  cr_assert(pass_infer_shapes(g));
  float xv[] = {1, 5, -1}, yv[] = {2, 0, -3}, zv[] = {0, 4, 7}, out[3];
  const void *inputs[] = {xv, yv, zv};
  void *outputs[] = {out};
  cr_assert(pass_lower(g));
  cr_assert(interp_run(g, inputs, outputs));
  float want[] = {2, 5, 7};
  for (int i = 0; i < 3; i++) cr_assert_float_eq(out[i], want[i], 0);
  t_free(&c);
}

Test(fold_constants, folds_constant_subgraph_and_keeps_runtime_part) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {2};
  float av[] = {1, -2}, bv[] = {3, 4};
  Tensor *a = t_const(g, "a", DT_FLOAT, 1, d, av);
  Tensor *b = t_const(g, "b", DT_FLOAT, 1, d, bv);
  Tensor *ab[] = {a, b};
  Node *add = t_node(g, OP_ADD, 2, ab, 1);         /* constant: folded */
  Tensor *x = t_input(g, "x", 1, d);
  Tensor *xs[] = {x, add->out[0]};
  Node *mul = t_node(g, OP_MUL, 2, xs, 1);         /* runtime */
  ir_graph_add_output(g, mul->out[0]);
  cr_assert(pass_canonicalize(g));
  cr_assert(pass_infer_shapes(g));
  cr_assert(pass_fold_constants(g));
  cr_assert(pass_dce(g));
  cr_assert(add->dead);
  cr_assert_not(mul->dead);
  const float *folded = mul->in[1]->data;
  cr_assert_float_eq(folded[0], 4.0f, 0);
  cr_assert_float_eq(folded[1], 2.0f, 0);
  t_free(&c);
}

Test(dce, removes_unused_branches) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {4};
  Tensor *x = t_input(g, "x", 1, d);
  Node *used = relu(g, x);
  Node *unused = relu(g, x);
  Node *unused2 = relu(g, unused->out[0]);
  ir_graph_add_output(g, used->out[0]);
  cr_assert(pass_canonicalize(g));
  cr_assert(pass_infer_shapes(g));
  cr_assert(pass_dce(g));
  cr_assert_not(used->dead);
  cr_assert(unused->dead);
  cr_assert(unused2->dead);
  t_free(&c);
}

static void run_to_plan(Graph *g) {
  cr_assert(pass_canonicalize(g));
  cr_assert(pass_infer_shapes(g));
  cr_assert(pass_fold_constants(g));
  cr_assert(pass_fold_bn(g));
  cr_assert(pass_dce(g));
  cr_assert(pass_lower(g));
  cr_assert(pass_plan_memory(g));
  cr_assert(ir_verify(g));
}

/* x -> r1 -> r2 -> r3 -> r4 (output): two 1 KiB buffers suffice. */
Test(plan_memory, chain_reuses_buffers) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {1, 256};
  Tensor *x = t_input(g, "x", 2, d);
  Node *r1 = relu(g, x), *r2 = relu(g, r1->out[0]);
  Node *r3 = relu(g, r2->out[0]), *r4 = relu(g, r3->out[0]);
  ir_graph_add_output(g, r4->out[0]);
  run_to_plan(g);
  cr_assert_eq(g->ws_peak, 2048);
  cr_assert_eq(g->ws_size, 2048);
  cr_assert_neq(r1->out[0]->offset, r2->out[0]->offset);
  cr_assert_neq(r2->out[0]->offset, r3->out[0]->offset);
  cr_assert_eq(r4->out[0]->offset, -1, "graph outputs live in the caller's buffer");
  t_free(&c);
}

/* Live ranges that overlap in time never overlap in memory. */
Test(plan_memory, no_overlap_between_live_tensors) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {1, 100};
  Tensor *x = t_input(g, "x", 2, d);
  Node *a = relu(g, x), *b = relu(g, x), *cc = relu(g, a->out[0]);
  Tensor *ins[] = {b->out[0], cc->out[0]};
  Node *s = t_node(g, OP_ADD, 2, ins, 1);
  Node *o = relu(g, s->out[0]);
  ir_graph_add_output(g, o->out[0]);
  run_to_plan(g);
  Tensor *ts[] = {a->out[0], b->out[0], cc->out[0], s->out[0]};
  int first[] = {0, 1, 2, 3}, last[] = {2, 3, 3, 4};
  for (int i = 0; i < 4; i++)
    for (int j = i + 1; j < 4; j++) {
      bool live_together = first[i] <= last[j] && first[j] <= last[i];
      int64_t e1 = ts[i]->offset + 448, e2 = ts[j]->offset + 448;
      bool mem_overlap = ts[i]->offset < e2 && ts[j]->offset < e1;
      cr_assert(!(live_together && mem_overlap), "tensors %d and %d overlap", i, j);
    }
  cr_assert_leq(g->ws_size, g->ws_peak);
  t_free(&c);
}

/* BatchNormalization after Gemm is folded; results are unchanged. */
Test(fold_bn, gemm_then_batchnorm) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t xd[] = {2, 3}, wd[] = {3, 2}, cd[] = {2};
  float wv[] = {1, 2, 3, 4, 5, 6}, bv[] = {0.5f, -1};
  float gam[] = {2, 0.5f}, bet[] = {1, -1}, mean[] = {0.25f, 3}, var[] = {4, 0.25f};
  Tensor *x = t_input(g, "x", 2, xd);
  Tensor *w = t_const(g, "w", DT_FLOAT, 2, wd, wv);
  Tensor *b = t_const(g, "b", DT_FLOAT, 1, cd, bv);
  Tensor *gin[] = {x, w, b};
  Node *gemm = t_node(g, OP_GEMM, 3, gin, 1);
  Tensor *bin[] = {gemm->out[0], t_const(g, "g", DT_FLOAT, 1, cd, gam),
                   t_const(g, "be", DT_FLOAT, 1, cd, bet),
                   t_const(g, "m", DT_FLOAT, 1, cd, mean),
                   t_const(g, "v", DT_FLOAT, 1, cd, var)};
  Node *bn = t_node(g, OP_BATCH_NORM, 5, bin, 1);
  ir_graph_add_output(g, bn->out[0]);
  run_to_plan(g);
  cr_assert(bn->dead);
  cr_assert_eq(gemm->out[0], g->outputs[0]);
  float xv[] = {1, 0, -1, 2, 1, 0}, out[4];
  const void *inputs[] = {xv};
  void *outputs[] = {out};
  cr_assert(interp_run(g, inputs, outputs));
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++) {
      float y = bv[j];
      for (int k = 0; k < 3; k++) y += xv[i * 3 + k] * wv[k * 2 + j];
      float want = gam[j] * (y - mean[j]) / sqrtf(var[j] + 1e-5f) + bet[j];
      cr_assert_float_eq(out[i * 2 + j], want, 1e-4f, "[%d,%d] %g vs %g", i, j,
                         out[i * 2 + j], want);
    }
  t_free(&c);
}

/* A symbolic axis 0 takes --batch and the shape flows through the graph;
 * a symbolic dim elsewhere is refused. */
Test(infer_shapes, binds_the_batch_and_refuses_other_symbolic_dims) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  g->batch = 7;
  int64_t d[] = {-1, 5};
  Tensor *x = t_input(g, "x", 2, d);
  x->dim_param[0] = "N";
  Node *r = relu(g, x);
  ir_graph_add_output(g, r->out[0]);
  cr_assert(pass_canonicalize(g));
  cr_assert(pass_infer_shapes(g));
  t_expect_dims(r->out[0], 2, (int64_t[]){7, 5});
  t_free(&c);

  g = t_graph(&c, 13);
  x = t_input(g, "x", 2, d);
  x->dim_param[0] = NULL;
  x->dims[0] = 1;
  x->dims[1] = -1;
  x->dim_param[1] = "C";
  r = relu(g, x);
  ir_graph_add_output(g, r->out[0]);
  cr_assert(pass_canonicalize(g));
  cr_assert_not(pass_infer_shapes(g));
  cr_assert_gt(c.diag.nerrors, 0);
  t_free(&c);
}

/* Reshape(x, Concat(Gather(Shape(x), 0), [-1])) - the flatten idiom of
 * exporters - becomes a Reshape with a constant shape; the chain is dead. */
Test(fold_constants, folds_a_shape_chain_once_shapes_are_static) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  g->batch = 3;
  int64_t d[] = {-1, 2, 4};
  Tensor *x = t_input(g, "x", 3, d);
  x->dim_param[0] = "batch";
  Tensor *xs[] = {x};
  Node *shape = t_node(g, OP_SHAPE, 1, xs, 1);
  int64_t zero = 0, one = 1, minus1 = -1;
  Tensor *gin[] = {shape->out[0], t_const(g, "i0", DT_INT64, 0, NULL, &zero)};
  Node *gather = t_node(g, OP_GATHER, 2, gin, 1);
  Tensor *uin[] = {gather->out[0], t_const(g, "ax", DT_INT64, 1, &one, &zero)};
  Node *unsq = t_node(g, OP_UNSQUEEZE, 2, uin, 1);
  Tensor *cin[] = {unsq->out[0], t_const(g, "m1", DT_INT64, 1, &one, &minus1)};
  Node *cat = t_node(g, OP_CONCAT, 2, cin, 1);
  t_attr_int(g, cat, "axis", 0);
  Tensor *rin[] = {x, cat->out[0]};
  Node *reshape = t_node(g, OP_RESHAPE, 2, rin, 1);
  ir_graph_add_output(g, reshape->out[0]);
  run_to_plan(g);
  cr_assert(shape->dead && gather->dead && unsq->dead && cat->dead);
  cr_assert_not(reshape->dead);
  cr_assert_not_null(reshape->in[1]->data);
  t_expect_i64(reshape->in[1], (int64_t[]){3, -1}, 2);
  t_expect_dims(reshape->out[0], 2, (int64_t[]){3, 8});
  t_free(&c);
}

/* BatchNormalization after Conv folds into the Conv's weights and bias. */
Test(fold_bn, conv_then_batchnorm) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t xd[] = {1, 1, 3, 3}, wd[] = {2, 1, 2, 2}, cd[] = {2};
  float wv[] = {1, -1, 0.5f, 2, 0, 1, -2, 1};
  float gam[] = {1.5f, -0.5f}, bet[] = {0.25f, 2}, mean[] = {1, -1}, var[] = {0.5f, 2};
  Tensor *x = t_input(g, "x", 4, xd);
  Tensor *cin[] = {x, t_const(g, "w", DT_FLOAT, 4, wd, wv)};
  Node *conv = t_node(g, OP_CONV, 2, cin, 1);
  Tensor *bin[] = {conv->out[0], t_const(g, "g", DT_FLOAT, 1, cd, gam),
                   t_const(g, "be", DT_FLOAT, 1, cd, bet),
                   t_const(g, "m", DT_FLOAT, 1, cd, mean),
                   t_const(g, "v", DT_FLOAT, 1, cd, var)};
  Node *bn = t_node(g, OP_BATCH_NORM, 5, bin, 1);
  ir_graph_add_output(g, bn->out[0]);
  run_to_plan(g);
  cr_assert(bn->dead);
  cr_assert_eq(conv->out[0], g->outputs[0]);
  float xv[9] = {1, 2, 0, -1, 3, 1, 0, 2, -2}, out[8];
  const void *inputs[] = {xv};
  void *outputs[] = {out};
  cr_assert(interp_run(g, inputs, outputs));
  for (int m = 0; m < 2; m++)
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 2; j++) {
        float y = 0;
        for (int u = 0; u < 2; u++)
          for (int v = 0; v < 2; v++) y += xv[(i + u) * 3 + j + v] * wv[m * 4 + u * 2 + v];
        float want = gam[m] * (y - mean[m]) / sqrtf(var[m] + 1e-5f) + bet[m];
        cr_assert_float_eq(out[m * 4 + i * 2 + j], want, 1e-4f);
      }
  t_free(&c);
}

/* Per-channel Mul and Add after a Gemm fold into it; a Mul by a tensor
 * that varies along the batch axis does not. */
Test(fold_bn, per_channel_mul_and_add_after_gemm) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t xd[] = {2, 3}, wd[] = {3, 2}, cd[] = {2}, rd[] = {2, 1};
  float wv[] = {1, -1, 1, 1, -1, -1}, mv[] = {0.5f, -2}, av[] = {3, 4};
  float rv[] = {2, 3};
  Tensor *x = t_input(g, "x", 2, xd);
  Tensor *gin[] = {x, t_const(g, "w", DT_FLOAT, 2, wd, wv)};
  Node *mm = t_node(g, OP_MATMUL, 2, gin, 1);
  Tensor *min[] = {mm->out[0], t_const(g, "m", DT_FLOAT, 1, cd, mv)};
  Node *mul = t_node(g, OP_MUL, 2, min, 1);
  Tensor *ain[] = {t_const(g, "a", DT_FLOAT, 1, cd, av), mul->out[0]};
  Node *add = t_node(g, OP_ADD, 2, ain, 1);
  Tensor *rin[] = {add->out[0], t_const(g, "r", DT_FLOAT, 2, rd, rv)};
  Node *rowmul = t_node(g, OP_MUL, 2, rin, 1);       /* varies along rows */
  ir_graph_add_output(g, rowmul->out[0]);
  run_to_plan(g);
  cr_assert(mul->dead && add->dead, "the channel affine is folded");
  cr_assert_not(rowmul->dead, "a row-wise Mul is not");
  cr_assert_eq(mm->op, OP_GEMM);
  float xv[] = {1, 2, 3, -1, 0, 2}, out[4];
  const void *inputs[] = {xv};
  void *outputs[] = {out};
  cr_assert(interp_run(g, inputs, outputs));
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++) {
      float y = 0;
      for (int k = 0; k < 3; k++) y += xv[i * 3 + k] * wv[k * 2 + j];
      float want = (y * mv[j] + av[j]) * rv[i];
      cr_assert_float_eq(out[i * 2 + j], want, 1e-5f);
    }
  t_free(&c);
}

/* After lower, every live node runs a kernel or is a view. */
Test(lower, every_live_node_gets_a_kernel_or_is_a_view) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {2, 3};
  Tensor *x = t_input(g, "x", 2, d);
  Node *r = relu(g, x);
  Tensor *fin[] = {r->out[0]};
  Node *fl = t_node(g, OP_FLATTEN, 1, fin, 1);
  Tensor *sin[] = {fl->out[0]};
  Node *sm = t_node(g, OP_SOFTMAX, 1, sin, 1);
  ir_graph_add_output(g, sm->out[0]);
  run_to_plan(g);
  cr_assert_geq(r->call.kernel, 0);
  cr_assert_geq(sm->call.kernel, 0);
  cr_assert_eq(fl->call.kernel, -1, "Flatten is a view");
  cr_assert_eq(fl->out[0]->alias, r->out[0]);
  t_free(&c);
}

Test(verify, catches_use_before_definition) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  c.diag.sink = NULL;
  int64_t d[] = {4};
  Tensor *x = t_input(g, "x", 1, d);
  Tensor *later = ir_tensor_new(g, "later");
  Tensor *in1[] = {later};
  Node *n1 = t_node(g, OP_RELU, 1, in1, 1);
  Node *n2 = relu(g, x);
  n2->out[0] = later;
  ir_graph_add_output(g, n1->out[0]);
  cr_assert_not(ir_verify(g));
  t_free(&c);
}
