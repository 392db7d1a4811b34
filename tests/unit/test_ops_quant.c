/* Quantizer op kinds and kernels: QONNX Quant (ranges, narrow, rounding
 * modes, per-channel scale), BipolarQuant (0 maps to +1), DequantizeLinear
 * (per tensor and per axis). */
#include "util.h"

static Tensor *f32(Graph *g, const char *name, int rank, const int64_t *d,
                   const float *v) {
  return t_const(g, name, DT_FLOAT, rank, d, v);
}

static Node *quant(Graph *g, Tensor *x, float scale, float zp, float bits,
                   int sgn, int narrow, const char *mode) {
  Tensor *in[] = {x, f32(g, "s", 0, NULL, &scale), f32(g, "z", 0, NULL, &zp),
                  f32(g, "b", 0, NULL, &bits)};
  Node *n = t_node(g, OP_QUANT, 4, in, 1);
  t_attr_int(g, n, "signed", sgn);
  t_attr_int(g, n, "narrow", narrow);
  if (mode) t_attr_string(g, n, "rounding_mode", mode);
  return n;
}

Test(quant, ternary_is_2_bit_signed_narrow) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {7};
  float xv[] = {-3.0f, -0.6f, -0.5f, 0.0f, 0.49f, 0.5f, 2.0f};
  Node *n = quant(g, f32(g, "x", 1, d, xv), 1.0f, 0.0f, 2, 1, 1, NULL);
  cr_assert(t_eval(g, n));
  /* clamp to [-1, 1], then round half to even: -0.5 -> -0, 0.5 -> 0 */
  float want[] = {-1, -1, 0, 0, 0, 0, 1};
  t_expect_f32(n->out[0], want, 7, 0);
  t_free(&c);
}

Test(quant, ranges_signed_unsigned_narrow) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {2};
  float xv[] = {-1000, 1000};
  struct { int sgn, narrow; float lo, hi; } cases[] = {
      {1, 0, -8, 7}, {1, 1, -7, 7}, {0, 0, 0, 15}, {0, 1, 0, 14}};
  for (int i = 0; i < 4; i++) {
    Node *n = quant(g, f32(g, "x", 1, d, xv), 1.0f, 0.0f, 4, cases[i].sgn,
                    cases[i].narrow, "ROUND");
    cr_assert(t_eval(g, n));
    float want[] = {cases[i].lo, cases[i].hi};
    t_expect_f32(n->out[0], want, 2, 0);
  }
  t_free(&c);
}

Test(quant, rounding_modes_follow_the_qonnx_table) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {10};
  float xv[] = {5.5f, 2.5f, 1.6f, 1.1f, 1.0f, -1.0f, -1.1f, -1.6f, -2.5f, -5.5f};
  const char *modes[] = {"ROUND", "CEIL", "FLOOR", "UP", "DOWN", "HALF_UP",
                         "half_down"};
  float want[7][10] = {
      {6, 2, 2, 1, 1, -1, -1, -2, -2, -6}, {6, 3, 2, 2, 1, -1, -1, -1, -2, -5},
      {5, 2, 1, 1, 1, -1, -2, -2, -3, -6}, {6, 3, 2, 2, 1, -1, -2, -2, -3, -6},
      {5, 2, 1, 1, 1, -1, -1, -1, -2, -5}, {6, 3, 2, 1, 1, -1, -1, -2, -3, -6},
      {5, 2, 2, 1, 1, -1, -1, -2, -2, -5}};
  for (int m = 0; m < 7; m++) {
    Node *n = quant(g, f32(g, "x", 1, d, xv), 1.0f, 0.0f, 8, 1, 0, modes[m]);
    cr_assert(t_eval(g, n), "mode %s", modes[m]);
    t_expect_f32(n->out[0], want[m], 10, 0);
  }
  Node *bad = quant(g, f32(g, "x", 1, d, xv), 1.0f, 0.0f, 8, 1, 0, "SIDEWAYS");
  cr_assert_not(op_info(bad->op)->kind->infer(g, bad));
  t_free(&c);
}

Test(quant, per_channel_scale_broadcasts) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {2, 3}, sd[] = {2, 1};
  float xv[] = {0.3f, -0.2f, 0.01f, 4.0f, -1.0f, 0.9f}, sv[] = {0.25f, 2.0f};
  float zero = 0, bits = 2;
  Tensor *in[] = {f32(g, "x", 2, d, xv), f32(g, "s", 2, sd, sv),
                  f32(g, "z", 0, NULL, &zero), f32(g, "b", 0, NULL, &bits)};
  Node *n = t_node(g, OP_QUANT, 4, in, 1);
  t_attr_int(g, n, "narrow", 1);
  cr_assert(t_eval(g, n));
  float want[] = {0.25f, -0.25f, 0, 2, -0.0f, 0};
  t_expect_f32(n->out[0], want, 6, 0);
  t_free(&c);
}

Test(bipolar_quant, zero_maps_to_plus_one) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {4};
  float xv[] = {-2.0f, -0.0f, 0.0f, 3.0f}, s = 0.5f;
  Tensor *in[] = {f32(g, "x", 1, d, xv), f32(g, "s", 0, NULL, &s)};
  Node *n = t_node(g, OP_BIPOLAR_QUANT, 2, in, 1);
  cr_assert(t_eval(g, n));
  float want[] = {-0.5f, 0.5f, 0.5f, 0.5f};
  t_expect_f32(n->out[0], want, 4, 0);
  t_free(&c);
}

Test(dequantize_linear, per_axis_int8_with_zero_point) {
  TestCtx c;
  Graph *g = t_graph(&c, 13);
  int64_t d[] = {2, 3}, cd[] = {2};
  int8_t xv[] = {-1, 0, 1, 5, 6, 7};
  float sv[] = {0.5f, 2.0f};
  int8_t zv[] = {0, 6};
  Tensor *in[] = {t_const(g, "x", DT_INT8, 2, d, xv), f32(g, "s", 1, cd, sv),
                  t_const(g, "z", DT_INT8, 1, cd, zv)};
  Node *n = t_node(g, OP_DEQUANTIZE_LINEAR, 3, in, 1);
  t_attr_int(g, n, "axis", 0);
  cr_assert(t_eval(g, n));
  float want[] = {-0.5f, 0, 0.5f, -2, 0, 2};
  t_expect_f32(n->out[0], want, 6, 0);
  /* per tensor, uint8, no zero point */
  uint8_t uv[] = {0, 255};
  int64_t ud[] = {2};
  float s1 = 0.1f;
  Tensor *in2[] = {t_const(g, "u", DT_UINT8, 1, ud, uv), f32(g, "s1", 0, NULL, &s1)};
  Node *m = t_node(g, OP_DEQUANTIZE_LINEAR, 2, in2, 1);
  cr_assert(t_eval(g, m));
  float want2[] = {0, 25.5f};
  t_expect_f32(m->out[0], want2, 2, 1e-5f);
  /* a scale that does not match the axis is refused */
  Tensor *in3[] = {t_const(g, "x3", DT_INT8, 2, d, xv), f32(g, "s3", 1, cd, sv)};
  Node *k = t_node(g, OP_DEQUANTIZE_LINEAR, 2, in3, 1);
  cr_assert_not(op_info(k->op)->kind->infer(g, k));
  t_free(&c);
}
