/* Op kinds quant (QONNX Quant, BipolarQuant) and dequant (ONNX
 * DequantizeLinear).  Kernels in runtime/tnn_quant.h.
 *
 * Quant's bit width must be a constant (it fixes the integer range); scale
 * and zero point broadcast against x and may be runtime tensors.  On weight
 * initializers these nodes fold to constants, which the weight-recognition
 * pass then reads as binary or ternary. */
#include <ctype.h>
#include <string.h>

#include "../ir.h"

static bool mode_from_string(const char *s, int64_t *mode) {
  static const struct {
    const char *name;
    int64_t mode;
  } modes[] = {{"ROUND", TNN_ROUND_HALF_EVEN}, {"HALF_EVEN", TNN_ROUND_HALF_EVEN},
               {"CEIL", TNN_ROUND_CEIL},       {"FLOOR", TNN_ROUND_FLOOR},
               {"UP", TNN_ROUND_UP},           {"DOWN", TNN_ROUND_DOWN},
               {"HALF_UP", TNN_ROUND_HALF_UP}, {"HALF_DOWN", TNN_ROUND_HALF_DOWN},
               {"ROUND_TO_ZERO", TNN_ROUND_DOWN}};
  char up[32];
  size_t n = strlen(s);
  if (n >= sizeof up) return false;
  for (size_t i = 0; i <= n; i++) up[i] = (char)toupper((unsigned char)s[i]);
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
    if (strcmp(up, modes[i].name) == 0) {
      *mode = modes[i].mode;
      return true;
    }
  return false;
}

static bool quant_infer(Graph *g, Node *n) {
  int nin = n->op == OP_BIPOLAR_QUANT ? 2 : 3;
  for (int i = 0; i < nin; i++)
    if (!opk_check_float(g, n, i)) return false;
  int rank;
  int64_t dims[IR_MAX_RANK];
  if (!opk_broadcast(g, n, n->in, nin, &rank, dims)) return false;
  const Tensor *x = n->in[0];
  if (rank != x->rank || memcmp(dims, x->dims, sizeof(int64_t) * (size_t)rank)) {
    diag_error(g->diag, n, "scale or zero point is larger than input 0 '%s'",
               x->name);
    return false;
  }
  if (n->op == OP_QUANT) {
    const Tensor *bw = n->in[3];
    if (!bw->data || ir_tensor_numel(bw) != 1) {
      diag_error(g->diag, n, "input 3 '%s' (bitwidth) must be a constant "
                 "scalar", bw->name);
      return false;
    }
    double b = ir_const_double(bw, 0);
    if (!(b >= 1 && b <= 32) || b != (double)(int64_t)b) {
      diag_error(g->diag, n, "bitwidth %g is not an integer in [1, 32]", b);
      return false;
    }
    int64_t mode;
    const char *rm = ir_attr_string(n, "rounding_mode", "ROUND");
    if (!mode_from_string(rm, &mode)) {
      diag_error(g->diag, n, "unknown rounding_mode '%s'", rm);
      return false;
    }
  }
  ir_tensor_set_shape(n->out[0], DT_FLOAT, x->rank, x->dims);
  return true;
}

static bool quant_lower(Graph *g, Node *n) {
  const Tensor *y = n->out[0];
  tnn_quant_params *p = opk_params(g, sizeof *p);
  p->n = ir_tensor_numel(y);
  p->rank = y->rank;
  memcpy(p->dims, y->dims, sizeof(int64_t) * (size_t)y->rank);
  opk_bcast_strides(n->in[1], y->rank, y->dims, p->ss);
  if (n->op == OP_BIPOLAR_QUANT) {
    p->bipolar = 1;
  } else {
    opk_bcast_strides(n->in[2], y->rank, y->dims, p->sz);
    int64_t bits = (int64_t)ir_const_double(n->in[3], 0);
    bool sgn = ir_attr_int(n, "signed", 1) != 0;
    bool narrow = ir_attr_int(n, "narrow", 0) != 0;
    double full = (double)((int64_t)1 << bits);
    if (sgn) {
      p->hi = full / 2 - 1;
      p->lo = narrow ? -(full / 2) + 1 : -(full / 2);
    } else {
      p->lo = 0;
      p->hi = narrow ? full - 2 : full - 1;
    }
    mode_from_string(ir_attr_string(n, "rounding_mode", "ROUND"), &p->mode);
  }
  n->call.kernel = TNN_K_f32_quant;
  n->call.params = p;
  return true;
}

const OpKind opkind_quant = {quant_infer, quant_lower};

/* The checks DequantizeLinear and QuantizeLinear share: scale and zero
 * point per tensor or per axis, no blocks. */
static bool qdq_axis_check(Graph *g, Node *n) {
  const Tensor *x = n->in[0], *s = n->in[1];
  const Tensor *z = n->nin > 2 ? n->in[2] : NULL;
  if (ir_attr_int(n, "block_size", 0) != 0) {
    diag_error(g->diag, n, "blocked quantization (block_size) is not "
               "supported");
    return false;
  }
  int64_t ns = ir_tensor_numel(s);
  if (s->rank > 1 || (z && ir_tensor_numel(z) != ns)) {
    diag_error(g->diag, n, "scale and zero point must be scalars or 1-D of "
               "the same length");
    return false;
  }
  if (ns != 1 || s->rank == 1) {
    bool ok = true;
    int axis = opk_norm_axis(g, n, ir_attr_int(n, "axis", 1), x->rank, &ok);
    if (!ok) return false;
    if (ns != 1 && x->dims[axis] != ns) {
      diag_error(g->diag, n, "scale has %lld values, axis %d of input 0 has "
                 "%lld", (long long)ns, axis, (long long)x->dims[axis]);
      return false;
    }
  }
  return true;
}

/* DequantizeLinear(x, scale[, zero_point]), x int8/uint8/int32. */
static bool dequant_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  const Tensor *z = n->nin > 2 ? n->in[2] : NULL;
  if (x->dtype != DT_INT8 && x->dtype != DT_UINT8 && x->dtype != DT_INT32) {
    diag_error(g->diag, n, "input 0 '%s' has type %s; int8, uint8 or int32 "
               "expected", x->name, dtype_name(x->dtype));
    return false;
  }
  if (!opk_check_float(g, n, 1)) return false;
  if (z && z->dtype != x->dtype) {
    diag_error(g->diag, n, "zero point '%s' has type %s, input 0 has %s",
               z->name, dtype_name(z->dtype), dtype_name(x->dtype));
    return false;
  }
  if (!qdq_axis_check(g, n)) return false;
  ir_tensor_set_shape(n->out[0], DT_FLOAT, x->rank, x->dims);
  return true;
}

/* QuantizeLinear(x, scale[, zero_point]): float x to int8 or uint8 (the
 * zero point's type, else attribute output_dtype (opset 21), else uint8). */
static bool quantize_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  const Tensor *z = n->nin > 2 ? n->in[2] : NULL;
  if (!opk_check_float(g, n, 0) || !opk_check_float(g, n, 1)) return false;
  if (z && z->dtype != DT_INT8 && z->dtype != DT_UINT8) {
    diag_error(g->diag, n, "zero point '%s' has type %s; int8 or uint8 expected",
               z->name, dtype_name(z->dtype));
    return false;
  }
  /* output_dtype: ONNX TensorProto UINT8 = 2, INT8 = 3; 0 when absent */
  const int64_t od = ir_attr_int(n, "output_dtype", 0);
  DType out = z ? z->dtype : od == 3 ? DT_INT8 : DT_UINT8;
  if (od != 0 && od != 2 && od != 3) {
    diag_error(g->diag, n, "attribute 'output_dtype' is %lld; only uint8 (2) and int8 (3) "
               "are supported", (long long)od);
    return false;
  }
  if (od != 0 && (od == 3) != (out == DT_INT8)) {
    diag_error(g->diag, n, "attribute 'output_dtype' (%lld) differs from the zero point's "
               "type %s", (long long)od, dtype_name(out));
    return false;
  }
  if (!qdq_axis_check(g, n)) return false;
  ir_tensor_set_shape(n->out[0], out, x->rank, x->dims);
  return true;
}

static bool dequant_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0], *s = n->in[1];
  tnn_dequant_params *p = opk_params(g, sizeof *p);
  int64_t ns = ir_tensor_numel(s);
  p->outer = 1;
  p->c = 1;
  p->inner = ir_tensor_numel(x);
  if (ns != 1) {
    bool ok = true;
    int axis = opk_norm_axis(g, n, ir_attr_int(n, "axis", 1), x->rank, &ok);
    p->outer = 1;
    for (int d = 0; d < axis; d++) p->outer *= x->dims[d];
    p->c = x->dims[axis];
    p->inner = 1;
    for (int d = axis + 1; d < x->rank; d++) p->inner *= x->dims[d];
  }
  p->dtype = dtype_tnn(x->dtype);
  p->has_zp = n->nin > 2 && n->in[2];
  n->call.kernel = TNN_K_x_dequantize;
  n->call.params = p;
  return true;
}

const OpKind opkind_dequant = {dequant_infer, dequant_lower};

static bool quantize_lower(Graph *g, Node *n) {
  if (!dequant_lower(g, n)) return false;
  tnn_dequant_params *p = n->call.params;
  p->dtype = dtype_tnn(n->out[0]->dtype);
  n->call.kernel = TNN_K_f32_quantize_linear;
  return true;
}

const OpKind opkind_quantize = {quantize_infer, quantize_lower};

/* MultiThreshold(x, thresholds [C or 1, T]): the channel axis is 1 for
 * NCHW (and 2-D) data, the last axis for NHWC and for other ranks. */
static int mthr_axis(const Node *n, int rank) {
  const char *layout = ir_attr_string(n, "data_layout", "NCHW");
  if (rank == 2) return 1;
  if (rank == 4 && strcmp(layout, "NHWC") != 0) return 1;
  return rank - 1;
}

static bool mthr_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0], *t = n->in[1];
  if (!opk_check_float(g, n, 0) || !opk_check_float(g, n, 1)) return false;
  if (x->rank < 1) {
    diag_error(g->diag, n, "input 0 '%s' is a scalar", x->name);
    return false;
  }
  int ax = mthr_axis(n, x->rank);
  if (t->rank != 2 || (t->dims[0] != 1 && t->dims[0] != x->dims[ax])) {
    diag_error(g->diag, n, "thresholds '%s' must be [C or 1, T] with C = %lld",
               t->name, (long long)x->dims[ax]);
    return false;
  }
  ir_tensor_set_shape(n->out[0], DT_FLOAT, x->rank, x->dims);
  return true;
}

static bool mthr_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0], *t = n->in[1];
  tnn_mthr_params *p = opk_params(g, sizeof *p);
  int ax = mthr_axis(n, x->rank);
  p->outer = p->inner = 1;
  for (int d = 0; d < ax; d++) p->outer *= x->dims[d];
  for (int d = ax + 1; d < x->rank; d++) p->inner *= x->dims[d];
  p->c = x->dims[ax];
  p->t = t->dims[1];
  p->global = t->dims[0] == 1 && p->c != 1;
  p->scale = ir_attr_float(n, "out_scale", 1.0f);
  p->bias = ir_attr_float(n, "out_bias", 0.0f);
  n->call.kernel = TNN_K_f32_multithreshold;
  n->call.params = p;
  return true;
}

const OpKind opkind_multithreshold = {mthr_infer, mthr_lower};
