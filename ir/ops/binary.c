/* Broadcasting binary ops: arithmetic, comparisons, logic, PRelu.
 *
 * Mod: fmod = 0 (Python's sign rule, integers) or 1 (C's).
 * Variadic Min/Max/Sum were split into binary chains by pass canonicalize, so
 * every node here has two inputs; Mean reaches here as the chain's sum and
 * becomes a Mul by 1 / count.  Double has the arithmetic, Pow, Min/Max,
 * fmod and the comparisons; int8 and uint8 the integer set (wrapping).
 * Comparisons produce bool. */
#include <string.h>

#include "../ir.h"

static bool is_compare(Op op) {
  return op == OP_GREATER || op == OP_GREATER_OR_EQUAL || op == OP_LESS ||
         op == OP_LESS_OR_EQUAL || op == OP_EQUAL;
}

/* Mean of the sum in input 0 (pass canonicalize): becomes Mul(sum, 1 / n),
 * the reciprocal of the count computed in the sum's type, float or double,
 * as onnxruntime does (sum *= 1 / n; a Div by n differs in the last bit). */
static bool mean_to_div(Graph *g, Node *n) {
  Tensor *s = n->in[0];
  const Attr *a = ir_attr(n, "tnnc.count");
  if (!a || n->nin != 2 || n->in[1]) tnnc_unreachable();
  if (s->dtype != DT_FLOAT && s->dtype != DT_DOUBLE) {
    diag_error(g->diag, n, "inputs have type %s; Mean takes float or double",
               dtype_name(s->dtype));
    return false;
  }
  Tensor *c = ir_const_new(g, arena_printf(g->arena, "%s/Mean_scale",
                                           n->name), s->dtype, 0, NULL);
  if (s->dtype == DT_FLOAT) *(float *)c->data = 1.0f / (float)a->i;
  else *(double *)c->data = 1.0 / (double)a->i;
  n->in[1] = c;
  n->op = OP_MUL;
  return true;
}

static bool binary_infer(Graph *g, Node *n) {
  int rank;
  int64_t dims[IR_MAX_RANK];
  if (n->op == OP_MEAN && !mean_to_div(g, n)) return false;
  if (n->nin != 2) {
    diag_error(g->diag, n, "expected 2 inputs after canonicalization, got %d",
               n->nin);
    return false;
  }
  Tensor *a = n->in[0], *b = n->in[1];
  if (a->dtype != b->dtype && n->op != OP_POW) {
    diag_error(g->diag, n, "inputs have different types (%s, %s)",
               dtype_name(a->dtype), dtype_name(b->dtype));
    return false;
  }
  if (n->op == OP_MOD && (a->dtype == DT_FLOAT || a->dtype == DT_DOUBLE) &&
      ir_attr_int(n, "fmod", 0) == 0) {
    diag_error(g->diag, n, "Mod on %s tensors needs fmod = 1",
               dtype_name(a->dtype));
    return false;
  }
  if ((n->op == OP_AND || n->op == OP_OR || n->op == OP_XOR) &&
      a->dtype != DT_BOOL) {
    diag_error(g->diag, n, "input 0 '%s' has type %s, expected bool", a->name,
               dtype_name(a->dtype));
    return false;
  }
  if (!opk_broadcast(g, n, n->in, 2, &rank, dims)) return false;
  DType out = is_compare(n->op) ? DT_BOOL : a->dtype;
  ir_tensor_set_shape(n->out[0], out, rank, dims);
  return true;
}

#define ARITH(T)                                                              \
  switch (op) {                                                               \
  case OP_ADD: return TNN_K_##T##_add;                                        \
  case OP_SUB: return TNN_K_##T##_sub;                                        \
  case OP_MUL: return TNN_K_##T##_mul;                                        \
  case OP_DIV: return TNN_K_##T##_div;                                        \
  case OP_GREATER: return TNN_K_##T##_greater;                                \
  case OP_GREATER_OR_EQUAL: return TNN_K_##T##_greater_equal;                 \
  case OP_LESS: return TNN_K_##T##_less;                                      \
  case OP_LESS_OR_EQUAL: return TNN_K_##T##_less_equal;                       \
  case OP_EQUAL: return TNN_K_##T##_equal;                                    \
  default: break;                                                             \
  }

static int binary_kernel(const Node *n, DType a, DType b) {
  const Op op = n->op;
  const bool fmod = ir_attr_int(n, "fmod", 0) != 0;
  if (a == DT_FLOAT && op == OP_POW && b == DT_FLOAT) return TNN_K_f32_pow;
  if (a == DT_DOUBLE && op == OP_POW && b == DT_DOUBLE) return TNN_K_f64_pow;
  if (a != b) return -1;
  switch (a) {
  case DT_FLOAT:
    ARITH(f32)
    if (op == OP_PRELU) return TNN_K_f32_prelu;
    if (op == OP_MIN) return TNN_K_f32_fmin;
    if (op == OP_MAX) return TNN_K_f32_fmax;
    if (op == OP_MOD && fmod) return TNN_K_f32_fmod;
    return -1;
  case DT_DOUBLE:
    ARITH(f64)
    if (op == OP_MIN) return TNN_K_f64_fmin;
    if (op == OP_MAX) return TNN_K_f64_fmax;
    if (op == OP_MOD && fmod) return TNN_K_f64_fmod;
    return -1;
  case DT_INT64:
    ARITH(i64)
    if (op == OP_MIN) return TNN_K_i64_min;
    if (op == OP_MAX) return TNN_K_i64_max;
    if (op == OP_MOD) return fmod ? TNN_K_i64_fmod : TNN_K_i64_mod;
    return -1;
  case DT_INT32:
    ARITH(i32)
    if (op == OP_MIN) return TNN_K_i32_min;
    if (op == OP_MAX) return TNN_K_i32_max;
    if (op == OP_MOD) return fmod ? TNN_K_i32_fmod : TNN_K_i32_mod;
    return -1;
  case DT_INT8:
    ARITH(i8)
    if (op == OP_MIN) return TNN_K_i8_min;
    if (op == OP_MAX) return TNN_K_i8_max;
    if (op == OP_MOD) return fmod ? TNN_K_i8_fmod : TNN_K_i8_mod;
    return -1;
  case DT_UINT8:
    ARITH(u8)
    if (op == OP_MIN) return TNN_K_u8_min;
    if (op == OP_MAX) return TNN_K_u8_max;
    if (op == OP_MOD) return TNN_K_u8_mod;
    return -1;
  case DT_FLOAT16: /* storage types: computed in float (tnn_binary_ext.h) */
    if (op == OP_MIN) return TNN_K_f16_fmin;
    if (op == OP_MAX) return TNN_K_f16_fmax;
    if (op == OP_MOD && fmod) return TNN_K_f16_fmod;
    return -1;
  case DT_BFLOAT16:
    if (op == OP_MIN) return TNN_K_bf16_fmin;
    if (op == OP_MAX) return TNN_K_bf16_fmax;
    if (op == OP_MOD && fmod) return TNN_K_bf16_fmod;
    return -1;
  case DT_BOOL:
    if (op == OP_AND) return TNN_K_b8_and;
    if (op == OP_OR) return TNN_K_b8_or;
    if (op == OP_XOR) return TNN_K_b8_xor;
    if (op == OP_EQUAL) return TNN_K_b8_equal;
    return -1;
  default:
    return -1;
  }
}

static bool binary_lower(Graph *g, Node *n) {
  const Tensor *y = n->out[0];
  int k = binary_kernel(n, n->in[0]->dtype, n->in[1]->dtype);
  if (k < 0) {
    diag_error(g->diag, n, "%s on %s and %s tensors is not supported",
               op_name(n->op), dtype_name(n->in[0]->dtype),
               dtype_name(n->in[1]->dtype));
    return false;
  }
  tnn_bcast_params *p = opk_params(g, sizeof *p);
  p->n = ir_tensor_numel(y);
  p->rank = y->rank;
  memcpy(p->dims, y->dims, sizeof(int64_t) * (size_t)y->rank);
  opk_bcast_strides(n->in[0], y->rank, y->dims, p->sa);
  opk_bcast_strides(n->in[1], y->rank, y->dims, p->sb);
  n->call.kernel = k;
  n->call.params = p;
  return true;
}

const OpKind opkind_binary = {binary_infer, binary_lower};
