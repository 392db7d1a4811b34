/* Elementwise unary ops: the output has the input's shape.
 *
 * Kernels take tnn_unary_params {n, alpha, beta}.  Clip's bounds come from
 * attributes (opset < 11) or constant inputs 1 and 2 (opset >= 11); a
 * missing bound is infinite. */
#include <math.h>
#include <string.h>

#include "../ir.h"

static bool unary_infer(Graph *g, Node *n) {
  Tensor *x = n->in[0];
  DType out = x->dtype;
  if (n->op == OP_NOT) {
    if (x->dtype != DT_BOOL) {
      diag_error(g->diag, n, "input 0 '%s' has type %s, expected bool",
                 x->name, dtype_name(x->dtype));
      return false;
    }
  }
  if (n->op == OP_CLIP) {
    for (int i = 1; i < n->nin; i++) {
      if (!n->in[i]) continue;
      if (!n->in[i]->data) {
        diag_error(g->diag, n, "input %d '%s' (clip bound) must be a constant",
                   i, n->in[i]->name);
        return false;
      }
      if (ir_tensor_numel(n->in[i]) != 1) {
        diag_error(g->diag, n, "input %d '%s' (clip bound) must be a scalar",
                   i, n->in[i]->name);
        return false;
      }
    }
  }
  if (n->op == OP_IS_NAN || n->op == OP_IS_INF) out = DT_BOOL;
  if (n->op == OP_CELU && ir_attr_float(n, "alpha", 1.0f) == 0.0f) {
    diag_error(g->diag, n, "attribute 'alpha' must not be 0");
    return false;
  }
  if (n->op == OP_SHRINK && ir_attr_float(n, "lambd", 0.5f) < 0.0f) {
    diag_error(g->diag, n, "attribute 'lambd' must not be negative");
    return false;
  }
  if (n->op == OP_GELU) {
    const char *a = ir_attr_string(n, "approximate", "none");
    if (strcmp(a, "none") != 0 && strcmp(a, "tanh") != 0) {
      diag_error(g->diag, n, "attribute 'approximate' is '%s', expected "
                 "'none' or 'tanh'", a);
      return false;
    }
  }
  ir_tensor_set_shape(n->out[0], out, x->rank, x->dims);
  return true;
}

/* Kernel per (op, dtype); -1 where tnnc has none. */
static int unary_kernel(Op op, DType t) {
  if (t == DT_FLOAT) {
    switch (op) {
    case OP_RELU: return TNN_K_f32_relu;
    case OP_LEAKY_RELU: return TNN_K_f32_leaky_relu;
    case OP_SIGMOID: return TNN_K_f32_sigmoid;
    case OP_TANH: return TNN_K_f32_tanh;
    case OP_HARD_SIGMOID: return TNN_K_f32_hard_sigmoid;
    case OP_ABS: return TNN_K_f32_abs;
    case OP_NEG: return TNN_K_f32_neg;
    case OP_SIGN: return TNN_K_f32_sign;
    case OP_EXP: return TNN_K_f32_exp;
    case OP_SQRT: return TNN_K_f32_sqrt;
    case OP_ROUND: return TNN_K_f32_round;
    case OP_FLOOR: return TNN_K_f32_floor;
    case OP_CLIP: return TNN_K_f32_clip;
    case OP_LOG: return TNN_K_f32_log;
    case OP_CEIL: return TNN_K_f32_ceil;
    case OP_RECIPROCAL: return TNN_K_f32_reciprocal;
    case OP_SIN: return TNN_K_f32_sin;
    case OP_COS: return TNN_K_f32_cos;
    case OP_TAN: return TNN_K_f32_tan;
    case OP_ASIN: return TNN_K_f32_asin;
    case OP_ACOS: return TNN_K_f32_acos;
    case OP_ATAN: return TNN_K_f32_atan;
    case OP_SINH: return TNN_K_f32_sinh;
    case OP_COSH: return TNN_K_f32_cosh;
    case OP_ASINH: return TNN_K_f32_asinh;
    case OP_ACOSH: return TNN_K_f32_acosh;
    case OP_ATANH: return TNN_K_f32_atanh;
    case OP_ERF: return TNN_K_f32_erf;
    case OP_SOFTPLUS: return TNN_K_f32_softplus;
    case OP_SOFTSIGN: return TNN_K_f32_softsign;
    case OP_ELU: return TNN_K_f32_elu;
    case OP_SELU: return TNN_K_f32_selu;
    case OP_CELU: return TNN_K_f32_celu;
    case OP_THRESHOLDED_RELU: return TNN_K_f32_thresholded_relu;
    case OP_HARD_SWISH: return TNN_K_f32_hard_swish;
    case OP_SHRINK: return TNN_K_f32_shrink;
    case OP_GELU: return TNN_K_f32_gelu;
    case OP_IS_NAN: return TNN_K_f32_isnan;
    case OP_IS_INF: return TNN_K_f32_isinf;
    default: return -1;
    }
  }
  if (t == DT_INT64) {
    switch (op) {
    case OP_RELU: return TNN_K_i64_relu;
    case OP_ABS: return TNN_K_i64_abs;
    case OP_NEG: return TNN_K_i64_neg;
    case OP_SIGN: return TNN_K_i64_sign;
    case OP_CLIP: return TNN_K_i64_clip;
    default: return -1;
    }
  }
  if (t == DT_INT32) {
    switch (op) {
    case OP_ABS: return TNN_K_i32_abs;
    case OP_NEG: return TNN_K_i32_neg;
    case OP_SIGN: return TNN_K_i32_sign;
    default: return -1;
    }
  }
  if (t == DT_BOOL && op == OP_NOT) return TNN_K_b8_not;
  if (op == OP_CLIP) {
    switch (t) {
    case DT_INT32: return TNN_K_i32_clip;
    case DT_INT8: return TNN_K_i8_clip;
    case DT_UINT8: return TNN_K_u8_clip;
    case DT_DOUBLE: return TNN_K_f64_clip;
    default: return -1;
    }
  }
  return -1;
}

static bool unary_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  int k = unary_kernel(n->op, x->dtype);
  if (k < 0) {
    diag_error(g->diag, n, "%s on %s tensors is not supported", op_name(n->op),
               dtype_name(x->dtype));
    return false;
  }
  tnn_unary_params *p = opk_params(g, sizeof *p);
  p->n = ir_tensor_numel(x);
  switch (n->op) {
  case OP_LEAKY_RELU:
    p->alpha = ir_attr_float(n, "alpha", 0.01f);
    break;
  case OP_HARD_SIGMOID:
    p->alpha = ir_attr_float(n, "alpha", 0.2f);
    p->beta = ir_attr_float(n, "beta", 0.5f);
    break;
  case OP_ELU:
  case OP_CELU:
  case OP_THRESHOLDED_RELU:
    p->alpha = ir_attr_float(n, "alpha", 1.0f);
    break;
  case OP_SELU:
    p->alpha = ir_attr_float(n, "alpha", 1.67326319217681884765625f);
    p->beta = ir_attr_float(n, "gamma", 1.05070102214813232421875f);
    break;
  case OP_SHRINK:
    p->alpha = ir_attr_float(n, "lambd", 0.5f);
    p->beta = ir_attr_float(n, "bias", 0.0f);
    break;
  case OP_GELU:
    p->alpha = strcmp(ir_attr_string(n, "approximate", "none"), "tanh") == 0;
    break;
  case OP_IS_INF:
    p->alpha = (double)ir_attr_int(n, "detect_negative", 1);
    p->beta = (double)ir_attr_int(n, "detect_positive", 1);
    break;
  case OP_CLIP:
    p->alpha = -INFINITY;
    p->beta = INFINITY;
    if (g->opset < 11) {
      p->alpha = ir_attr_float(n, "min", -INFINITY);
      p->beta = ir_attr_float(n, "max", INFINITY);
    } else {
      if (n->nin > 1 && n->in[1]) p->alpha = ir_const_double(n->in[1], 0);
      if (n->nin > 2 && n->in[2]) p->beta = ir_const_double(n->in[2], 0);
    }
    break;
  default:
    break;
  }
  n->call.kernel = k;
  n->call.params = p;
  return true;
}

const OpKind opkind_unary = {unary_infer, unary_lower};

/* Cast: any supported dtype to any other; CastLike(x, like) to like's
 * dtype (like's values are not read). */
static bool cast_infer(Graph *g, Node *n) {
  int64_t to = n->op == OP_CAST_LIKE ? (int64_t)n->in[1]->dtype : ir_attr_int(n, "to", 0);
  if (!dtype_supported((DType)to) || dtype_tnn((DType)to) == 0) {
    diag_error(g->diag, n, "Cast to data type %lld is not supported",
               (long long)to);
    return false;
  }
  if (dtype_tnn(n->in[0]->dtype) == 0) {
    diag_error(g->diag, n, "Cast from %s is not supported",
               dtype_name(n->in[0]->dtype));
    return false;
  }
  ir_tensor_set_shape(n->out[0], (DType)to, n->in[0]->rank, n->in[0]->dims);
  return true;
}

static bool cast_lower(Graph *g, Node *n) {
  tnn_cast_params *p = opk_params(g, sizeof *p);
  p->n = ir_tensor_numel(n->in[0]);
  p->from = dtype_tnn(n->in[0]->dtype);
  p->to = dtype_tnn(n->out[0]->dtype);
  n->call.kernel = TNN_K_x_cast;
  n->call.params = p;
  return true;
}

const OpKind opkind_cast = {cast_infer, cast_lower};

/* Where(cond, a, b) with broadcasting of all three. */
static bool where_infer(Graph *g, Node *n) {
  int rank;
  int64_t dims[IR_MAX_RANK];
  if (n->in[0]->dtype != DT_BOOL) {
    diag_error(g->diag, n, "input 0 '%s' has type %s, expected bool",
               n->in[0]->name, dtype_name(n->in[0]->dtype));
    return false;
  }
  if (n->in[1]->dtype != n->in[2]->dtype) {
    diag_error(g->diag, n, "inputs 1 and 2 have different types (%s, %s)",
               dtype_name(n->in[1]->dtype), dtype_name(n->in[2]->dtype));
    return false;
  }
  if (!opk_broadcast(g, n, n->in, 3, &rank, dims)) return false;
  ir_tensor_set_shape(n->out[0], n->in[1]->dtype, rank, dims);
  return true;
}

static bool where_lower(Graph *g, Node *n) {
  const Tensor *y = n->out[0];
  tnn_where_params *p = opk_params(g, sizeof *p);
  p->n = ir_tensor_numel(y);
  p->rank = y->rank;
  memcpy(p->dims, y->dims, sizeof(int64_t) * (size_t)y->rank);
  opk_bcast_strides(n->in[0], y->rank, y->dims, p->sc);
  opk_bcast_strides(n->in[1], y->rank, y->dims, p->sa);
  opk_bcast_strides(n->in[2], y->rank, y->dims, p->sb);
  p->esize = (int64_t)dtype_size(y->dtype);
  n->call.kernel = TNN_K_x_where;
  n->call.params = p;
  return true;
}

const OpKind opkind_where = {where_infer, where_lower};
